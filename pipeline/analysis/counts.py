"""Counting the corpus as it goes by, one document at a time.

`CorpusCounts.add` folds a document's analysed passages into running totals and keeps nothing of the text:
memory grows with the vocabulary (and the number of documents, for the per-document tables), not with the
corpus size. The tables, figures and manifest then read the totals through the query methods.

What counts as a word ("content token"): nouns, proper nouns, adjectives and verbs. Adverbs are left out:
in these reports the frequent ones are grammatical (plus, bien, aussi, notamment, ensemble) and crowd the
word lists; a noun or verb carries the theme. Auxiliaries (AUX), pronouns, determiners and prepositions are
left out too, as are stop words, elided forms (l', d'…), numbers, single letters and anything that is not a
plain word (URLs, markup, punctuation).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from spacy.lang.fr.lex_attrs import like_num
from spacy.lang.fr.stop_words import STOP_WORDS

from pipeline.analysis.keyness import KeyTerm, keyness
from pipeline.apostrophes import STRAIGHTENED as APOSTROPHES
from pipeline.nlp.modeltext import parsing_text
from pipeline.types import AnalysedPassage, PassageWords

Token = tuple[str, str, str, bool, int]  # (text, lemma, pos, is_stop, offset in passage)

CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
COMPETENCE_TYPES = ("savoir-etre", "methode", "transversale", "autre")
MIN_TERM_COUNT = 2

ELIDED_FORMS = frozenset(
    {"l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'"}
    | {"jusqu'", "lorsqu'", "puisqu'", "quoiqu'", "presqu'"}
)
# Letters only, with inner hyphens or apostrophes (peut-être, aujourd'hui); rejects digits, URLs, markup.
PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")

# Multi-word term patterns, longest first: at each noun only the longest match is counted, so "parc naturel
# régional" is not also counted as "parc naturel". N noun, A adjective, P de/à/en (or du, des, au, aux),
# D definite article.
TERM_PATTERNS = (
    ("N", "P", "D", "N"),
    ("N", "P", "N", "A"),
    ("N", "A", "A"),
    ("N", "P", "N"),
    ("N", "A"),
)
TERM_PREPOSITIONS = frozenset({"de", "à", "en"})
CONTRACTED_PREPOSITIONS = frozenset({"du", "des", "au", "aux"})


def lemma_key(token: Token) -> str:
    """A token's counting key: its lemma (text if no lemma), lowercased, with a straight apostrophe."""
    text, lemma = token[0], token[1]
    return (lemma or text).strip().translate(APOSTROPHES).lower()


def display_form(text: str, pos: str) -> str:
    """How a token is shown: as written, except a capital due to sentence position is dropped.

    "Coopération" -> "coopération", but "EPCI" and proper nouns ("Bretagne") keep their capitals."""
    if pos != "PROPN" and len(text) > 1 and text[0].isupper() and text[1:] == text[1:].lower():
        return text[0].lower() + text[1:]
    return text


def is_content(token: Token) -> bool:
    """True when the token is a word worth counting (see the module docstring)."""
    text, _, pos, is_stop, _ = token
    if pos not in CONTENT_POS or is_stop:
        return False
    written = text.strip().translate(APOSTROPHES).lower()
    if len(written) < 2 or written in ELIDED_FORMS or written.endswith("'"):
        return False
    if not PLAIN_WORD.fullmatch(written) or like_num(written):
        return False
    key = lemma_key(token)
    return len(key) >= 2 and key not in STOP_WORDS and written not in STOP_WORDS


def content_tokens(tokens: Iterable[Token]) -> Iterator[tuple[str, str]]:
    """(lemma key, display form) of each content token, in order."""
    for token in tokens:
        if is_content(token):
            yield lemma_key(token), display_form(token[0], token[2])


def _slot_matches(slot: str, token: Token) -> bool:
    text, lemma, pos = token[0], token[1], token[2]
    if slot == "N":
        return pos == "NOUN" and is_content(token)
    if slot == "A":
        return pos == "ADJ" and is_content(token)
    if slot == "P":
        if text.lower() in CONTRACTED_PREPOSITIONS:
            return pos in {"ADP", "DET"}
        return pos == "ADP" and lemma.lower() in TERM_PREPOSITIONS
    if slot == "D":
        return pos == "DET" and lemma.lower() == "le" and text.lower() not in CONTRACTED_PREPOSITIONS
    raise ValueError(f"unknown term pattern slot {slot!r}")


def _join_surface(tokens: Sequence[Token]) -> str:
    """A term as written, each word shown as `display_form` shows a word alone: the capitals of a heading
    written in title case (« Assemblée Générale ») dropped, an acronym's and a proper noun's kept."""
    parts: list[str] = []
    for token in tokens:
        text = display_form(token[0].strip(), token[2])
        if parts and not parts[-1].translate(APOSTROPHES).endswith("'"):
            parts.append(" ")
        parts.append(text)
    return "".join(parts)


def multiword_terms(tokens: Sequence[Token]) -> Iterator[tuple[str, str]]:
    """(lemma key, surface) of each multi-word term matched by TERM_PATTERNS, longest match per noun."""
    slots = [{slot for slot in "NAPD" if _slot_matches(slot, token)} for token in tokens]
    for start in range(len(tokens)):
        if "N" not in slots[start]:
            continue
        for pattern in TERM_PATTERNS:
            end = start + len(pattern)
            if end <= len(tokens) and all(slot in slots[start + i] for i, slot in enumerate(pattern)):
                window = tokens[start:end]
                yield " ".join(lemma_key(token) for token in window), _join_surface(window)
                break


def passage_words(tokens: Sequence[Token]) -> PassageWords:
    """The content words and multi-word terms of a passage's tokens: all the counts need of them."""
    words = sum(1 for token in tokens if any(char.isalnum() for char in token[0]))
    return PassageWords(tuple(content_tokens(tokens)), tuple(multiword_terms(tokens)), words)


def _preferred_form(forms: Counter[str]) -> str:
    """Most frequent form; ties go to the one with more accented letters, then alphabetical order."""

    def rank(item: tuple[str, int]) -> tuple[int, int, str]:
        form, count = item
        return -count, -sum(not char.isascii() for char in form), form

    return min(forms.items(), key=rank)[0]


@dataclass(frozen=True)
class LemmaCount:
    lemma: str
    form: str
    count: int
    documents: int  # documents where the lemma occurs (1 for a per-document count)


@dataclass(frozen=True)
class TermCount:
    term: str  # most frequent surface
    key: str  # lemmas joined by spaces
    count: int
    documents: int


@dataclass(frozen=True)
class CompetenceCount:
    term: str
    type: str
    origin: str  # "lexicon", "discovered" or both joined by "+"
    count: int  # occurrences
    documents: int
    passages: int
    example_passage_id: str  # the first passage it was seen in
    kept_by_model: int = 0  # occurrences the rules rejected and the licence model kept (surer when fewer)
    forms: tuple[tuple[str, int], ...] = ()  # how it was written (lowercased), most frequent first


@dataclass(frozen=True)
class CompetenceTypeCount:
    type: str
    terms: int  # distinct terms of this type
    occurrences: int


@dataclass
class _CompetenceTally:
    example_passage_id: str
    count: int = 0
    documents: int = 0
    passages: int = 0
    origins: set[str] = field(default_factory=set)
    kept_by_model: int = 0
    last_doc: str | None = None
    last_passage: str | None = None
    forms: Counter[str] = field(default_factory=Counter)


_AFTER_ELISION = re.compile(r"'\s+")  # « l' écoute » once « L’**Écoute** » is read without its stars


def written_form(read: str) -> str:
    """An occurrence as written, for grouping, from the passage as the model reads it (`parsing_text`, its
    emphasis marks blanked: cut from the passage after, so that a mark closed past the occurrence goes too):
    lowercased, apostrophes straight, runs of spaces or line breaks made one space (« L’**Écoute** » and
    « l'écoute » are one form)."""
    return _AFTER_ELISION.sub("'", " ".join(read.translate(APOSTROPHES).lower().split()))


def _sorted_counts(counter: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


class CorpusCounts:
    """Running totals over the analysed corpus. Call `add` once per document, then read."""

    def __init__(self, category_dimension: Mapping[str, str]) -> None:
        self._category_dimension = dict(category_dimension)
        self._doc_ids: list[str] = []
        self.documents = 0
        self.passages = 0
        self.words = 0  # content words (see the module docstring), what frequencies and keyness count
        self.word_tokens = 0  # every word, as a reader counts the length of a text
        self.tags = 0
        self.tagged_passages = 0
        self.competence_occurrences = 0
        self._lemmas: Counter[str] = Counter()
        self._lemma_documents: Counter[str] = Counter()
        self._forms: dict[str, Counter[str]] = {}
        self._form_memo: dict[str, str] = {}
        # keyness per category and per document, read by both the tables and the report; cleared on add/merge
        self._keyness_memo: dict[str, list[KeyTerm]] = {}
        self._doc_lemmas: dict[str, Counter[str]] = {}
        self._doc_words: Counter[str] = Counter()
        self._category_lemmas: dict[str, Counter[str]] = {}
        self._category_words: Counter[str] = Counter()
        self._terms: Counter[str] = Counter()
        self._term_documents: Counter[str] = Counter()
        self._term_forms: dict[str, Counter[str]] = {}
        self._category_passages: Counter[str] = Counter()
        self._doc_category_passages: dict[str, Counter[str]] = {}
        self._competences: dict[tuple[str, str], _CompetenceTally] = {}
        self._category_competence: dict[str, Counter[str]] = {}

    # ---- accumulation -------------------------------------------------------------------------------

    def add(self, doc_id: str, passages: Sequence[AnalysedPassage]) -> None:
        """Fold one document's passages into the totals. Adding the same doc_id twice is an error."""
        if doc_id in self._doc_lemmas:
            raise ValueError(f"document {doc_id!r} was already counted")
        self._doc_ids.append(doc_id)
        self._form_memo.clear()  # forms are chosen over the whole corpus: a new document may change them
        self._keyness_memo.clear()
        self.documents += 1
        doc_lemmas: Counter[str] = Counter()
        doc_terms: set[str] = set()
        doc_categories: Counter[str] = Counter()
        for analysed in passages:
            self.passages += 1
            categories = sorted({tag.category for tag in analysed.tags})
            words = analysed.words if analysed.words is not None else passage_words(analysed.tokens)
            passage_lemmas: Counter[str] = Counter()
            for key, form in words.content:
                passage_lemmas[key] += 1
                self._forms.setdefault(key, Counter())[form] += 1
            word_count = sum(passage_lemmas.values())
            self.word_tokens += words.tokens
            doc_lemmas.update(passage_lemmas)
            for category in categories:
                self._category_lemmas.setdefault(category, Counter()).update(passage_lemmas)
                self._category_words[category] += word_count
                doc_categories[category] += 1
            if categories:
                self.tagged_passages += 1
                self.tags += len(categories)
            for key, surface in words.terms:
                self._terms[key] += 1
                self._term_forms.setdefault(key, Counter())[surface] += 1
                doc_terms.add(key)
            self._add_competences(doc_id, analysed, categories)
        self._doc_lemmas[doc_id] = doc_lemmas
        self._doc_words[doc_id] = sum(doc_lemmas.values())
        self.words += self._doc_words[doc_id]
        self._lemmas.update(doc_lemmas)
        self._lemma_documents.update(doc_lemmas.keys())
        self._term_documents.update(doc_terms)
        self._doc_category_passages[doc_id] = doc_categories
        self._category_passages.update(doc_categories)

    def merge(self, other: CorpusCounts) -> None:
        """Fold in the totals of documents counted by another `CorpusCounts` (in a worker process, say): the
        same totals as if their passages had been added here, in the order of the merges."""
        overlap = set(self._doc_lemmas) & set(other._doc_lemmas)
        if overlap:
            raise ValueError(f"document {sorted(overlap)[0]!r} was already counted")
        self._doc_ids.extend(other._doc_ids)
        self._form_memo.clear()
        self._keyness_memo.clear()
        self.documents += other.documents
        self.passages += other.passages
        self.words += other.words
        self.word_tokens += other.word_tokens
        self.tags += other.tags
        self.tagged_passages += other.tagged_passages
        self.competence_occurrences += other.competence_occurrences
        for mine, theirs in (
            (self._lemmas, other._lemmas), (self._lemma_documents, other._lemma_documents),
            (self._doc_words, other._doc_words), (self._category_words, other._category_words),
            (self._terms, other._terms), (self._term_documents, other._term_documents),
            (self._category_passages, other._category_passages),
        ):
            mine.update(theirs)
        for nested_mine, nested_theirs in (
            (self._forms, other._forms), (self._category_lemmas, other._category_lemmas),
            (self._term_forms, other._term_forms), (self._category_competence, other._category_competence),
        ):
            for key, counter in nested_theirs.items():
                nested_mine.setdefault(key, Counter()).update(counter)
        self._doc_lemmas.update(other._doc_lemmas)
        self._doc_category_passages.update(other._doc_category_passages)
        for key, theirs in other._competences.items():
            mine = self._competences.get(key)
            if mine is None:
                self._competences[key] = replace(theirs, origins=set(theirs.origins),
                                                 forms=Counter(theirs.forms))
                continue
            mine.count += theirs.count
            mine.documents += theirs.documents  # documents are disjoint (checked above)
            mine.passages += theirs.passages
            mine.origins |= theirs.origins
            mine.kept_by_model += theirs.kept_by_model
            mine.forms.update(theirs.forms)
            mine.last_doc, mine.last_passage = theirs.last_doc, theirs.last_passage

    def _add_competences(self, doc_id: str, analysed: AnalysedPassage, categories: Sequence[str]) -> None:
        passage_id = analysed.passage.passage_id
        types_here: set[str] = set()
        read = parsing_text(analysed.passage.text) if analysed.competences else ""
        for competence in analysed.competences:
            self.competence_occurrences += 1
            types_here.add(competence.type)
            tally = self._competences.setdefault(
                (competence.term, competence.type), _CompetenceTally(example_passage_id=passage_id)
            )
            tally.count += 1
            tally.forms[written_form(read[competence.start:competence.end])] += 1
            tally.origins.add(competence.origin)
            tally.kept_by_model += competence.kept_by_model
            if tally.last_doc != doc_id:
                tally.documents += 1
                tally.last_doc = doc_id
            if tally.last_passage != passage_id:
                tally.passages += 1
                tally.last_passage = passage_id
        for category in categories:
            self._category_competence.setdefault(category, Counter()).update(types_here)

    # ---- reading ------------------------------------------------------------------------------------

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """Documents in the order they were added."""
        return tuple(self._doc_ids)

    @property
    def categories(self) -> list[str]:
        """Every category known from the codebook or seen on a passage, sorted."""
        return sorted(set(self._category_dimension) | set(self._category_passages))

    def dimension(self, category: str) -> str:
        """The codebook dimension of a category; for an unknown id, the part before ':'."""
        return self._category_dimension.get(category, category.split(":", 1)[0])

    def form(self, lemma: str) -> str:
        """The most frequent written form of a lemma (the lemma itself if never seen)."""
        cached = self._form_memo.get(lemma)
        if cached is None:
            forms = self._forms.get(lemma)
            cached = self._form_memo[lemma] = _preferred_form(forms) if forms else lemma
        return cached

    @property
    def forms(self) -> Mapping[str, str]:
        return {lemma: _preferred_form(forms) for lemma, forms in self._forms.items()}

    def frequencies(self) -> list[LemmaCount]:
        """Every lemma of the corpus, most frequent first, with the number of documents using it."""
        return [
            LemmaCount(lemma, self.form(lemma), count, self._lemma_documents[lemma])
            for lemma, count in _sorted_counts(self._lemmas)
        ]

    def words_in_document(self, doc_id: str) -> int:
        return self._doc_words.get(doc_id, 0)

    def frequencies_in_document(self, doc_id: str) -> list[LemmaCount]:
        counts = self._doc_lemmas.get(doc_id, Counter())
        return [LemmaCount(lemma, self.form(lemma), count, 1) for lemma, count in _sorted_counts(counts)]

    def words_in_category(self, category: str) -> int:
        return self._category_words.get(category, 0)

    def frequencies_in_category(self, category: str) -> list[LemmaCount]:
        """Lemmas of the passages carrying `category`; `documents` is 0 (not tracked per category)."""
        counts = self._category_lemmas.get(category, Counter())
        return [LemmaCount(lemma, self.form(lemma), count, 0) for lemma, count in _sorted_counts(counts)]

    def terms(self, min_count: int = MIN_TERM_COUNT) -> list[TermCount]:
        """Multi-word terms seen at least `min_count` times, most frequent first."""
        return [
            TermCount(_preferred_form(self._term_forms[key]), key, count, self._term_documents[key])
            for key, count in _sorted_counts(self._terms)
            if count >= min_count
        ]

    def category_passages(self, doc_id: str | None = None) -> dict[str, int]:
        """Passages per category, in the corpus (None) or in one document; only categories that occur."""
        counts = self._category_passages if doc_id is None else self._doc_category_passages.get(doc_id, {})
        return dict(_sorted_counts(counts))

    def competence_counts(self) -> list[CompetenceCount]:
        """Each (term, type) with its occurrences, most frequent first."""
        rows = [
            CompetenceCount(
                term=term,
                type=kind,
                origin="+".join(sorted(tally.origins)),
                count=tally.count,
                documents=tally.documents,
                passages=tally.passages,
                example_passage_id=tally.example_passage_id,
                kept_by_model=tally.kept_by_model,
                forms=tuple(_sorted_counts(tally.forms)),
            )
            for (term, kind), tally in self._competences.items()
        ]
        rows.sort(key=lambda row: (-row.count, row.term, row.type))
        return rows

    def competence_types(self) -> list[CompetenceTypeCount]:
        """Distinct terms and occurrences per competence type, every known type included."""
        terms: Counter[str] = Counter({kind: 0 for kind in COMPETENCE_TYPES})
        occurrences: Counter[str] = Counter({kind: 0 for kind in COMPETENCE_TYPES})
        for (_, kind), tally in self._competences.items():
            terms[kind] += 1
            occurrences[kind] += tally.count
        rows = [CompetenceTypeCount(kind, terms[kind], occurrences[kind]) for kind in occurrences]
        rows.sort(key=lambda row: (-row.occurrences, row.type))
        return rows

    @property
    def competence_type_names(self) -> list[str]:
        """The known types in their fixed order, then any other type seen, sorted."""
        seen = {kind for _, kind in self._competences}
        return list(COMPETENCE_TYPES) + sorted(seen - set(COMPETENCE_TYPES))

    def category_competence(self) -> dict[str, dict[str, int]]:
        """category -> competence type -> passages carrying the category and a competence of the type."""
        types = self.competence_type_names
        return {
            category: {kind: self._category_competence.get(category, Counter())[kind] for kind in types}
            for category in self.categories
        }

    def keyness_by_category(self) -> list[KeyTerm]:
        """Key words of each category's passages against the rest of the corpus."""
        return self._memoised_keyness("category", self._category_lemmas, self._category_words)

    def keyness_by_document(self) -> list[KeyTerm]:
        """Key words of each document against the rest of the corpus."""
        return self._memoised_keyness("document", self._doc_lemmas, self._doc_words)

    def _memoised_keyness(self, kind: str, lemmas: Mapping[str, Counter[str]],
                          words: Mapping[str, int]) -> list[KeyTerm]:
        """Key words of each part (its name -> its lemma counts, and its number of words), parts in name
        order, computed once until the counts change."""
        if kind not in self._keyness_memo:
            forms = self.forms
            found: list[KeyTerm] = []
            for name in sorted(lemmas):
                found += keyness(name, lemmas[name], words[name], self._lemmas, self.words, forms)
            self._keyness_memo[kind] = found
        return list(self._keyness_memo[kind])

    def keyness_by_group(self, groups: Mapping[str, Sequence[str]]) -> list[KeyTerm]:
        """Key words of each group of documents (name -> doc_ids) against the rest of the corpus."""
        forms = self.forms
        found: list[KeyTerm] = []
        for name, doc_ids in groups.items():
            lemmas: Counter[str] = Counter()
            for doc_id in doc_ids:
                lemmas.update(self._doc_lemmas.get(doc_id, {}))
            words = sum(self._doc_words.get(doc_id, 0) for doc_id in doc_ids)
            found += keyness(name, lemmas, words, self._lemmas, self.words, forms)
        return found

    def to_manifest(self) -> dict[str, int]:
        """Headline counts for manifest.json."""
        return {
            "documents": self.documents,
            "passages": self.passages,
            "word_tokens": self.word_tokens,
            "words": self.words,
            "vocabulary": len(self._lemmas),
            "terms": sum(1 for count in self._terms.values() if count >= MIN_TERM_COUNT),
            "tags": self.tags,
            "tagged_passages": self.tagged_passages,
            "competences": self.competence_occurrences,
            "competence_terms": len(self._competences),
        }
