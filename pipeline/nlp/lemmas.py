"""Lemmas the rule lemmatizer invents for a word its tagger mistook, replaced by the word's known lemma.

spaCy's French lemmatizer reads the part of speech: a word its tables do not list under that part of speech
is cut by that part of speech's suffix rules. When the tagger is wrong, most often on a line of one or two
words (a heading « Séminaire » read as an adjective), the rules invent a lemma that is no word:
« séminair », « manqu », « possibiliter », « similariter ». The counts then split one word in two (the
303 real pages: « séminaire » 62 times and « séminair » 5; crdh: « manque » 69 and « manqu » 56) and the
cues and lexicon, which compare lemmas, miss it. This component, run after the lemmatizer, gives such a
token, read as an adjective or a verb, the lemma its tables know for the word as a noun, an adjective or a
verb (in that order), and leaves every other token alone: a lemma the tables know under the token's own part
of speech (« contenus » read as the verb « contenir »), the word itself, and a noun's lemma are never
changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "known_lemmas"
OPEN_CLASSES = ("noun", "adj", "verb")  # the order in which another part of speech is tried
# The parts of speech whose invented lemmas are mended. A noun's are not: the noun tables miss many plurals'
# singulars that the rules get right (« ressources » → « ressource », which the verb tables would make
# « ressourcer »).
MISTAKEN = frozenset({"adj", "verb"})


@Language.factory(COMPONENT)
def make_known_lemmas(nlp: Language, name: str) -> KnownLemmas:
    lookups = nlp.get_pipe("lemmatizer").lookups
    index, rules, exceptions = (lookups.get_table(table, {}) for table in ("lemma_index", "lemma_rules",
                                                                            "lemma_exc"))
    return KnownLemmas({pos: index.get(pos, ()) for pos in OPEN_CLASSES},
                       {pos: rules.get(pos, ()) for pos in OPEN_CLASSES},
                       {pos: exceptions.get(pos, {}) for pos in OPEN_CLASSES})


class KnownLemmas:
    """The pipeline component (module docstring), on the lemmatizer's own tables."""

    def __init__(self, index: Mapping[str, Sequence[str]], rules: Mapping[str, Sequence[Sequence[str]]],
                 exceptions: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self.index = {pos: frozenset(words) for pos, words in index.items()}
        self.rules, self.exceptions = rules, exceptions
        self._known: dict[tuple[str, str], str | None] = {}

    def known_lemma(self, word: str, pos: str) -> str | None:
        """The lemma of `word` (lowercase) as a `pos` that the tables list, or None if they list none."""
        key = (word, pos)
        if key not in self._known:
            self._known[key] = self._lookup(word, pos)
        return self._known[key]

    def _lookup(self, word: str, pos: str) -> str | None:
        if word in self.index[pos]:
            return word
        listed = self.exceptions[pos].get(word)
        if listed:
            return listed[0]
        for old, new in self.rules[pos]:
            if word.endswith(old):
                form = word[:len(word) - len(old)] + new
                if form in self.index[pos]:
                    return form
        return None

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            pos = token.pos_.lower()
            if pos not in MISTAKEN:
                continue
            word = token.lower_
            if token.lemma_ == word or not word.isalpha() or self.known_lemma(word, pos) is not None:
                continue
            for other in OPEN_CLASSES:
                lemma = self.known_lemma(word, other) if other != pos else None
                if lemma is not None:
                    token.lemma_ = lemma
                    break
        return doc
