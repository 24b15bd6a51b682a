"""Lemmas of words in French inclusive writing (« citoyen·nes », « élu∙es », « participant.e.s »,
« acteur·rices », « directeurs.trices »).

spaCy keeps such a word as one token but lemmatises it as written (« citoyen·ne », « agent·e· »), so the
codebook's cue « citoyen », the lexicon's « mobiliser les habitants » and the word counts miss it. This
component, run after the lemmatizer, gives the token the lemma of its base word (the part before the
first point), lemmatised with the token's own part of speech: « citoyen·nes » → « citoyen », « locaux·ales »
→ « local ». The text and the token boundaries are untouched."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "inclusive_lemmas"

# The points of inclusive writing (middle dot, bullet operator, bullet, hyphenation point, dot operator, full
# stop) followed by the endings they separate; a full stop counts only before such an ending, so that
# abbreviations and numbers never match.
_POINTS = "·∙•‧⋅."
_ENDINGS = ("e", "es", "s", "ne", "nes", "le", "les", "se", "ses", "te", "tes", "re", "res", "ère", "ères",
            "rice", "rices", "trice", "trices", "euse", "euses", "ale", "ales", "ve", "ves", "x", "ice",
            "ices")
_POINT = f"[{re.escape(_POINTS)}]"
_ENDING = "|".join(sorted(_ENDINGS, key=len, reverse=True))
_INCLUSIVE = re.compile(rf"(?P<base>[^\W\d_]{{2,}})(?:{_POINT}(?:{_ENDING}))+{_POINT}?")
# one search over the passage first: most passages hold no such word, and their tokens are not visited
_ANYWHERE = re.compile(rf"[^\W\d_]{_POINT}(?:{_ENDING})(?![^\W\d_])")


def inclusive_base(word: str) -> str | None:
    """The base word of an inclusive form (« citoyen » for « citoyen·nes »), or None for any other word."""
    match = _INCLUSIVE.fullmatch(word)
    if match is None:
        return None
    base = match.group("base")
    # « élu·es », « Participant·es », not an acronym such as « UE.S »
    return base if base[0].islower() or base.istitle() else None


@Language.factory(COMPONENT)
def make_inclusive_lemmas(nlp: Language, name: str) -> InclusiveLemmas:
    return InclusiveLemmas(nlp)


class InclusiveLemmas:
    """The pipeline component: re-lemmatises the tokens written in inclusive writing, leaves the rest."""

    def __init__(self, nlp: Language) -> None:
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.vocab = nlp.vocab

    def __call__(self, doc: Doc) -> Doc:
        if not _ANYWHERE.search(doc.text):
            return doc
        for token in doc:
            if not any(point in token.text for point in _POINTS):
                continue
            base = inclusive_base(token.text)
            if base is None:
                continue
            probe = Doc(self.vocab, words=[base.lower()])[0]
            probe.pos_ = token.pos_
            lemmas = self.lemmatizer.rule_lemmatize(probe) if token.pos_ else [base.lower()]
            token.lemma_ = lemmas[0] if lemmas else base.lower()
        return doc
