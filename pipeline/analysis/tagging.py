"""Rule tagging: codebook cues matched on lemmas, with negation, context and evidence.

How a passage is tagged
-----------------------
1. Cue matching. Every token is looked at twice, as its lowercased lemma and as its lowercased word
   (apostrophes straightened, « d’ » read as « de »). A cue matches when its own lemmas, or its written
   words, appear in a row in one of those two readings. Reading the words as well rescues the lemmatizer's
   slips (« manque » alone is sometimes lemmatised « manqu »), and lowercasing catches proper-noun lemmas
   (« Région », « PNR », « Pays »). Within a category, a cue inside a longer matched cue is not counted
   again (« manque de » inside « manque de moyens »).
2. Negation of conditions (no dependency parse, so it is a rule over a token window). A lever cue
   (`conditions:leviers`) is *negated* when, in the NEGATION_WINDOW tokens before it and within the same
   clause (the window stops at punctuation and at contrast words such as « mais »), there is a negator
   (« pas », « jamais », « aucun »…) or a lack word (« manque », « absence », « sans », « faute »…), or when
   one of the LACK_AFTER adjectives (« insuffisants », « réduites »…) follows it closely. A negated lever
   counts for `conditions:freins`, with NEGATION_BONUS added for the lack it expresses. Double negation
   cancels: when the lack word is « sans » and a negator stands earlier in the same sentence (« Pas de
   coopération sans volonté partagée », « il ne peut exister sans convivialité »), the cue stays a lever.
   A negated brake cue (« sans cloisonnement ») is dropped rather than turned into a lever.
3. Scoring. strength = sum of the weights of the distinct cues in the passage (a repeated cue adds
   REPEAT_FACTOR of its weight per extra occurrence) + CONTEXT_FACTOR x (weights of the category's cues found
   in the heading path and parent bullets, + DIMENSION_BONUS when the context names the category's
   dimension, e.g. « aux acteurs concernés » for every `acteurs:*`). score = 1 - exp(-strength).
   A category is tagged when the passage itself holds at least one of its cues and strength reaches
   TAG_THRESHOLD. Cue weights are 1.0 by default and weak cues weigh 0.3-0.7, so a weak cue alone never
   tags, while a weak cue under a heading of its dimension, or two weak cues, do.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.codebook import Codebook, cue_key
from pipeline.types import Tag

LEVERS = "conditions:leviers"
BRAKES = "conditions:freins"

# Calibrated by hand on the seed grid and the negation examples in tests/test_tagging.py.
TAG_THRESHOLD = 0.8
CONTEXT_FACTOR = 0.4
DIMENSION_BONUS = 1.0
REPEAT_FACTOR = 0.25
NEGATION_BONUS = 0.5
NEGATION_WINDOW = 5  # tokens looked at before a lever cue
LACK_AFTER_WINDOW = 3  # tokens looked at after it
SENTENCE_WINDOW = 15  # tokens looked at before « sans » for a double negation

NEGATORS = frozenset({"pas", "jamais", "aucun", "aucune", "nul", "nulle", "ni", "guère", "rien"})
LACK_WORDS = frozenset(
    {"manque", "manquer", "absence", "absent", "sans", "faute", "défaut", "insuffisance", "carence", "peu",
     "pénurie", "perte", "déficit", "raréfaction", "baisse", "moins", "disparition", "suppression"}
)
LACK_AFTER = frozenset(
    {"insuffisant", "réduit", "réduire", "limité", "limiter", "manquant", "absent", "faible", "rare",
     "inexistant", "défaillant", "manquer"}
)
# Words that open a new clause: negation does not reach across them.
CONTRAST_WORDS = frozenset(
    {"mais", "cependant", "pourtant", "toutefois", "néanmoins", "tandis", "alors", "contrairement"}
)
SENTENCE_END = frozenset({".", "!", "?", ";", ":", "…"})


CONTEXT_MEMO_SIZE = 512  # context lines remembered; a document rarely has more headings and parent bullets


@dataclass(frozen=True)
class CueMatch:
    """One cue of one category found in a doc. `negated` marks a lever read as a brake."""

    category: str
    cue: str
    start: int
    end: int
    evidence: str
    weight: float
    negated: bool = False


@dataclass(frozen=True)
class TokenKeys:
    """What the tagger reads of a parsed text: each token's lemma and word under `cue_key` (empty when the
    token has none), and its character span in `text`; runs of spaces are no tokens here, so that a phrase
    typed with two spaces, or with emphasis blanked inside it (« esprit de **synthèse** »), still matches.
    Small and made of plain values, so the analysis cache keeps it and a codebook edit re-tags without the
    parsed docs."""

    text: str
    lemmas: tuple[str, ...]
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as `doc[start:end].text` gives it."""
        return self.text[self.starts[start] : self.ends[end - 1]] if end > start else ""


_KEY_MEMO: dict[int, str] = {}  # string hash -> cue key: creating a Token per word was most of the time


def token_keys(doc: Doc) -> TokenKeys:
    """The TokenKeys of a parsed doc."""
    strings, memo = doc.vocab.strings, _KEY_MEMO
    lemmas: list[str] = []
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    columns = doc.to_array([LEMMA, ORTH, IDX, LENGTH, IS_SPACE]).tolist()
    for lemma_hash, orth_hash, idx, length, space in columns:
        if space:
            continue
        for hash_, out in ((lemma_hash, lemmas), (orth_hash, words)):
            key = memo.get(hash_)
            if key is None:
                key = memo[hash_] = cue_key(strings[hash_]) if hash_ else ""
            out.append(key)
        starts.append(idx)
        ends.append(idx + length)
    return TokenKeys(doc.text, tuple(lemmas), tuple(words), tuple(starts), tuple(ends))


class _PhraseIndex:
    """Exact matching of key sequences: every occurrence of every pattern, overlaps included (what spaCy's
    PhraseMatcher on ORTH gives, without building a Doc per reading)."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)

    def add(self, owner: str, cue: str, patterns: Iterable[tuple[str, ...]]) -> None:
        for pattern in patterns:
            if pattern:
                self._by_first[pattern[0]].append((pattern, owner, cue))

    def find(self, reading: Sequence[str]) -> Iterator[tuple[str, str, int, int]]:
        by_first, length = self._by_first, len(reading)
        for start, key in enumerate(reading):
            for pattern, owner, cue in by_first.get(key, ()):
                end = start + len(pattern)
                if end <= length and tuple(reading[start:end]) == pattern:
                    yield owner, cue, start, end


class RuleTagger:
    """Tags passages with the categories of a codebook, from lemma cues. Build once, reuse for every doc."""

    def __init__(self, codebook: Codebook, nlp: Language) -> None:
        self.codebook = codebook
        self._categories = {category.id: category for category in codebook.categories}
        self._cues = _PhraseIndex()
        self._dimensions = _PhraseIndex()
        self._context_memo: dict[str, tuple[list[CueMatch], list[tuple[str, str]]]] = {}
        self._requires = {dimension: frozenset(cue_key(word) for word in words)
                          for dimension, words in codebook.dimension_requires.items() if words}

        cues = [(category.id, cue) for category in codebook.categories for cue in category.cues]
        cue_docs = nlp.pipe([cue for _, cue in cues], batch_size=32)
        for (category_id, cue), cue_doc in zip(cues, cue_docs, strict=True):
            self._cues.add(category_id, cue, _patterns(cue, cue_doc))
        dimension_cues = [(dim, word) for dim, words in codebook.dimension_lemmas.items() for word in words]
        dimension_docs = nlp.pipe([lemma for _, lemma in dimension_cues], batch_size=32)
        for (dimension, lemma), lemma_doc in zip(dimension_cues, dimension_docs, strict=True):
            self._dimensions.add(dimension, lemma, _patterns(lemma, lemma_doc))

    def cues_behind(self, doc: Doc | TokenKeys, tags: Iterable[Tag]) -> frozenset[tuple[str, str]]:
        """(category id, cue) of the passage's own cues behind its rule `tags` (negated levers left out): what
        `make train` judges each cue by (pipeline/classifier/cues.py)."""
        tagged = {tag.category for tag in tags}
        return frozenset((m.category, m.cue) for m in self._cue_matches(_keys(doc))
                         if m.category in tagged and not m.negated)

    def matches(self, doc: Doc | TokenKeys) -> dict[str, list[str]]:
        """Category id -> the words matching its cues in `doc`, after negation (for classifier features)."""
        found: dict[str, list[str]] = defaultdict(list)
        for match in self._cue_matches(_keys(doc)):
            found[match.category].append(match.evidence)
        return dict(found)

    def tag(self, doc: Doc | TokenKeys, context: Sequence[Doc | TokenKeys] = ()) -> tuple[Tag, ...]:
        """The categories of the passage `doc`, best first. `context`: heading path and parent bullets,
        outermost first."""
        passage_keys = _keys(doc)
        passage_matches = self._cue_matches(passage_keys)
        context = [_keys(line) for line in context]
        if not passage_matches:
            return ()
        unmet = self._unmet_requirements(passage_keys, context)
        context_matches = [match for context_doc in context for match in self._context(context_doc)[0]]
        context_dimensions = {
            dimension: evidence for context_doc in context
            for dimension, evidence in self._context(context_doc)[1]
        }

        tags: list[Tag] = []
        by_category = _group(passage_matches)
        context_by_category = _group(context_matches)
        for category_id, matches in by_category.items():
            dimension = self._categories[category_id].dimension
            if dimension in unmet:
                continue
            own = _strength(matches)
            context_hits = context_by_category.get(category_id, [])
            around = _strength(context_hits) + (DIMENSION_BONUS if dimension in context_dimensions else 0.0)
            strength = own + CONTEXT_FACTOR * around
            if strength < TAG_THRESHOLD:
                continue
            evidence = _unique(match.evidence for match in matches)
            evidence += _unique(f"contexte: {match.evidence}" for match in context_hits)
            if dimension in context_dimensions:
                evidence += (f"contexte: {context_dimensions[dimension]}",)
            score = round(1.0 - math.exp(-strength), 3)
            tags.append(Tag(category=category_id, score=score, source="rule", evidence=_unique(evidence)))
        return tuple(sorted(tags, key=lambda tag: (-tag.score, self.codebook.ids.index(tag.category))))

    def _unmet_requirements(self, passage: TokenKeys, context: Sequence[TokenKeys]) -> set[str]:
        """The dimensions whose `requires` words occur neither in the passage nor in its context."""
        requires = self._requires
        if not requires:
            return set()
        present = {key for keys in (passage, *context) for key in (*keys.lemmas, *keys.words)}
        return {dimension for dimension, words in requires.items() if not words & present}

    def _context(self, keys: TokenKeys) -> tuple[list[CueMatch], list[tuple[str, str]]]:
        """Cue and dimension matches of a context line. A heading or parent bullet is the context of every
        passage below it, so its matches are remembered (by text) instead of being computed again."""
        found = self._context_memo.get(keys.text)
        if found is None:
            if len(self._context_memo) >= CONTEXT_MEMO_SIZE:
                self._context_memo.clear()
            found = self._context_memo[keys.text] = (self._cue_matches(keys), self._dimension_matches(keys))
        return found

    @staticmethod
    def _raw_matches(index: _PhraseIndex, keys: TokenKeys) -> set[tuple[str, str, int, int]]:
        found: set[tuple[str, str, int, int]] = set()
        for reading in (keys.lemmas, keys.words):
            found.update(index.find([key or "_" for key in reading]))
        return found

    def _dimension_matches(self, keys: TokenKeys) -> list[tuple[str, str]]:
        # sorted on every field: set order varies between processes, and ties must not decide the evidence
        hits = sorted(self._raw_matches(self._dimensions, keys), key=_by_position)
        return [(dimension, keys.span_text(start, end)) for dimension, _, start, end in hits]

    def _cue_matches(self, keys: TokenKeys) -> list[CueMatch]:
        raw = sorted(self._raw_matches(self._cues, keys), key=_by_position)
        kept = _uncovered(raw)
        negation_keys = [_negation_key(lemma, word)
                         for lemma, word in zip(keys.lemmas, keys.words, strict=True)]
        matches: list[CueMatch] = []
        for category_id, cue, start, end in kept:
            weight = self._categories[category_id].weight(cue)
            evidence = keys.span_text(start, end)
            if category_id in (LEVERS, BRAKES):
                marker = _negation_start(negation_keys, start, end)
                if marker is not None and category_id == BRAKES:
                    continue
                if marker is not None and BRAKES in self._categories:
                    evidence = keys.span_text(min(marker, start), max(marker + 1, end))
                    matches.append(CueMatch(BRAKES, cue, start, end, evidence, weight, negated=True))
                    continue
                if marker is not None:
                    continue
            matches.append(CueMatch(category_id, cue, start, end, evidence, weight))
        return matches


def _by_position(hit: tuple[str, str, int, int]) -> tuple[int, int, str, str]:
    owner, cue, start, end = hit
    return start, end, owner, cue


def _keys(doc: Doc | TokenKeys) -> TokenKeys:
    return doc if isinstance(doc, TokenKeys) else token_keys(doc)


def _patterns(cue: str, cue_doc: Doc) -> set[tuple[str, ...]]:
    """The key sequences under which a cue is found: its lemmas, its words, and (one word) itself."""
    words = [token for token in cue_doc if not token.is_space]
    readings = {
        tuple(cue_key(token.lemma_) or "_" for token in words),
        tuple(cue_key(token.text) or "_" for token in words),
    }
    if len(words) == 1:
        readings.add((cue_key(cue),))
    return readings


def _uncovered(hits: Sequence[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """The hits no other cue of their category accounts for (`_covers`), in order. A hit that covers another
    starts at most the longest hit's length before it; only those are compared, so a long passage with many
    matches takes time linear in their number."""
    by_start: dict[int, list[tuple[str, str, int, int]]] = defaultdict(list)
    for hit in hits:
        by_start[hit[2]].append(hit)
    longest = max((end - start for _, _, start, end in hits), default=0)
    return [hit for hit in hits
            if not any(_covers(other, hit) for begin in range(hit[3] - longest, hit[2] + 1)
                       for other in by_start.get(begin, ()))]


def _covers(other: tuple[str, str, int, int], hit: tuple[str, str, int, int]) -> bool:
    """Whether `other`, a cue of the same category, already accounts for the words of `hit`."""
    if other[0] != hit[0] or other == hit or not (other[2] <= hit[2] and hit[3] <= other[3]):
        return False
    same_span = (other[2], other[3]) == (hit[2], hit[3])
    return not same_span or other[1] < hit[1]  # two cues on the same words ("structure(s) publique(s)")


def _negation_start(keys: Sequence[str], start: int, end: int) -> int | None:
    """Index of the negator or lack word that negates the cue at [start, end), or None."""
    for index in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
        key = keys[index]
        if _breaks_clause(key):
            break
        if key in NEGATORS or key in LACK_WORDS:
            if key == "sans" and _negator_before(keys, index):
                return None  # « pas de … sans … »: double negation, the cue is a condition that helps
            return index
    for index in range(end, min(len(keys), end + LACK_AFTER_WINDOW)):
        key = keys[index]
        if _breaks_clause(key):
            break
        if key in LACK_AFTER:
            return index
    return None


def _negator_before(keys: Sequence[str], index: int) -> bool:
    for before in range(index - 1, max(-1, index - 1 - SENTENCE_WINDOW), -1):
        key = keys[before]
        if key in SENTENCE_END or key in CONTRAST_WORDS:
            return False
        if key in NEGATORS or key == "ne":
            return True
    return False


def _breaks_clause(key: str) -> bool:
    return key in CONTRAST_WORDS or (bool(key) and all(not char.isalnum() for char in key))


def _negation_key(lemma: str, word: str) -> str:
    # the word, not the lemma: « pas » and « sans » are stable, and lemmas of ADJ forms vary
    return lemma if lemma in LACK_AFTER or lemma in LACK_WORDS else word

def _strength(matches: Sequence[CueMatch]) -> float:
    occurrences: dict[str, list[CueMatch]] = defaultdict(list)
    for match in matches:
        occurrences[match.cue].append(match)
    total = 0.0
    for same_cue in occurrences.values():
        weight = same_cue[0].weight + (NEGATION_BONUS if same_cue[0].negated else 0.0)
        total += weight * (1.0 + REPEAT_FACTOR * (len(same_cue) - 1))
    return total


def _group(matches: Iterable[CueMatch]) -> dict[str, list[CueMatch]]:
    grouped: dict[str, list[CueMatch]] = defaultdict(list)
    for match in matches:
        grouped[match.category].append(match)
    return grouped


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))

