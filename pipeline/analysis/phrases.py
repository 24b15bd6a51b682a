"""What stands around a word, read without a parser: the noun heading its object or complement, the word
coordinated with it, the nouns a participle qualifies, a title after a person's name. The competence rules
use them to tell an activity done with people (« animer un atelier ») from other uses of the same words."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.analysis.licence import CONTEXT_WINDOW


def norm(text: str) -> str:
    """Lowercase, with a straight apostrophe."""
    return text.lower().replace("’", "'")


_COMPLEMENT_WORDS = frozenset({
    "de", "d'", "du", "des", "avec", "auprès", "le", "la", "les", "l'", "un", "une", "à", "au", "aux", "en",
    "entre", "leur", "leurs", "son", "sa", "ses", "notre", "nos", "votre", "vos", "ce", "ces", "cet", "cette",
    "tout", "tous", "toute", "toutes", "par",
})
_ANCHOR_WINDOW = 4  # words between an activity and the noun of its object


_PERSON_NOUN = re.compile(r"(?:teur|trice|ant|ante)s?$")  # animateur, médiatrice, consultant


def title_after_a_name(doc: Doc, start: int, end: int) -> bool:
    """Whether doc[start:end] is one person noun right after « Name, »: the title of the person named."""
    if not (end - start == 1 and start >= 2 and _PERSON_NOUN.search(doc[start].lower_) is not None
            and doc[start - 1].text == ","):
        return False
    name = doc[start - 2]  # a surname may be read as an adjective (« Paul Petit »): a capital after a name
    return name.pos_ == "PROPN" or (name.is_title and start >= 3 and doc[start - 3].pos_ == "PROPN")


def conjunct_end(doc: Doc, end: int) -> int | None:
    """Where the word coordinated with the one ending at `end` ends, when they share an object: « et » or
    « ou », then a word of the same class (« sensibiliser et mobiliser … », « la coordination et
    l'animation … »); None otherwise."""
    if end + 2 > len(doc) or norm(doc[end].text) not in {"et", "ou"}:
        return None
    at = end + 1
    if doc[at].pos_ == "DET" and at + 1 < len(doc):
        at += 1
    last, other = doc[end - 1], doc[at]
    return at + 1 if other.pos_ == last.pos_ and other.pos_ in {"VERB", "NOUN"} else None


def words_around(doc: Doc, start: int, end: int) -> list[Token]:
    """The CONTEXT_WINDOW tokens before doc[start:end] and after it, runs of spaces left out."""
    before = [t for t in doc[max(0, start - 2 * CONTEXT_WINDOW):start] if not t.is_space][-CONTEXT_WINDOW:]
    after = [t for t in doc[end:end + 2 * CONTEXT_WINDOW] if not t.is_space][:CONTEXT_WINDOW]
    return [*before, *after]


def complement_noun(doc: Doc, end: int) -> Token | None:
    """The first noun after `end` when only determiners, adjectives and complement prepositions stand
    between, within `_ANCHOR_WINDOW` words."""
    for token in doc[end:end + _ANCHOR_WINDOW + 1]:
        if token.is_space:
            continue
        if token.pos_ in {"NOUN", "PROPN"}:
            return token
        if not (token.pos_ in {"DET", "ADJ", "NUM"} or norm(token.text) in _COMPLEMENT_WORDS):
            return None
    return None


def object_noun(doc: Doc, end: int) -> Token | None:
    """The noun heading the object or complement of the word ending at `end`, or, when it has none, that of
    the word joined to it by « et »/« ou » (« sensibiliser et mobiliser les citoyens »)."""
    following = complement_noun(doc, end)
    if following is None and (joined_end := conjunct_end(doc, end)) is not None:
        following = complement_noun(doc, joined_end)
    return following


def refused_by_structure(doc: Doc, start: int, end: int, needs_anchor: bool, objects: frozenset[str],
                          people: frozenset[str]) -> bool:
    """Whether the rules read the verb form at doc[start:end] as no activity with people, from what stands
    around it (not for want of it): a form that counts only with an anchor (`needs_anchor`: « faciliter »,
    « partager ») whose object, or that of the verb joined to it by « et »/« ou », is a noun outside
    `objects` (« faciliter l'accès aux données »); a participle without its agent qualifying the noun
    before it (« un débat très animé »: a lively one); a participle qualifying `people` (« les acteurs
    mobilisés par le PETR »: who took part). Other forms whose object is not in the lists stay open to the
    licence model (« animer ce lieu », « animer le territoire »: the lists cannot name every object)."""
    last = doc[end - 1]
    if last.pos_ not in {"VERB", "AUX"}:
        return False  # a noun's complement (« l'animation du territoire ») says what it is of, not to whom
    if needs_anchor:
        following = object_noun(doc, end)
        if following is not None and norm(following.lemma_) not in objects:
            return True
    if "Part" not in last.morph.get("VerbForm"):
        return False
    qualified = qualified_nouns(doc, start)
    if qualified and (end >= len(doc) or norm(doc[end].text) != "par"):
        return True
    return any(norm(noun.lemma_) in people for noun in qualified)


def agrees(noun: Token, participle: Token) -> bool:
    """Gender and number do not contradict each other (either may be unknown to the tagger)."""
    for feature in ("Gender", "Number"):
        a, b = noun.morph.get(feature), participle.morph.get(feature)
        if a and b and a != b:
            return False
    return True


def qualified_nouns(doc: Doc, start: int) -> list[Token]:
    """The nouns a participle at `start` may qualify, when it follows them as an epithet (« la réunion
    animée par… », « des ateliers, animés par… », « des temps d'échange animés… »): the noun just before,
    across adjectives, adverbs and one comma, and the noun that one complements (« temps » of « temps
    d'échange »), each agreeing with the participle. A participle after an auxiliary (« ont été animés »)
    qualifies no noun here: the clause's subject is too far to read without a parser."""
    participle, i = doc[start], start - 1
    while i >= 0 and (doc[i].pos_ in {"ADJ", "ADV"} or doc[i].text == ","):
        i -= 1
    if i < 0 or doc[i].pos_ != "NOUN":
        return []
    nouns = [doc[i]]
    j = i - 1
    if j >= 0 and doc[j].pos_ == "DET":
        j -= 1
    if j >= 1 and norm(doc[j].text) in {"de", "d'", "du", "des"} and doc[j - 1].pos_ == "NOUN":
        nouns.append(doc[j - 1])
    return [noun for noun in nouns if agrees(noun, participle)]
