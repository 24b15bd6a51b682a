"""One corpus file from its path to everything the outputs need of it, and the same over many files, in
worker processes when there are cores to spare.

A document is the unit of work: read, clean and segment it (or take that from the prepared-text cache),
read its parsed passages (competences, words, what the tagger reads: from the analysis cache, else from the
parse cache, else parsing), tag them and count it. A rerun after a codebook edit loads no parsed doc. What
comes back is small: the clean text, the removals, the passages.jsonl lines and the document's counts. The
spaCy docs never leave the process that made them, which is what lets two processes run at nearly twice the
speed of one (spaCy's own `n_process` ships every parsed doc back to the parent, whose unpacking then limits
the gain; see docs/performance.md)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.analysis import Analyser
from pipeline.analysis.counts import CorpusCounts
from pipeline.analysis.readcache import ReadingCache
from pipeline.clean import NO_REPETITION, RepeatedLines
from pipeline.ingest import UnreadableFile, corpus_files, document_id
from pipeline.metadata import document_metadata
from pipeline.nlp.parse import ParseCache, parse_documents
from pipeline.outputs.passagesfile import passage_line
from pipeline.parallel import fork_map
from pipeline.settings import Settings
from pipeline.text.prepcache import PrepCache, corpus_repetition, prepare_document
from pipeline.types import Document, Passage, Removal, Skipped


def prepared_documents(settings: Settings,
                       paths: list[Path]) -> Iterator[tuple[str, tuple[Passage, ...]] | Skipped]:
    """Each file read, cleaned (with what recurs across these files, as `analyse` cleans) and segmented,
    from the prepared-text cache when it holds it: the first stages of `analyse`, for the commands that then
    parse the passages themselves (suggest, kwic)."""
    cache = PrepCache(settings.cache_dir, settings.clean_rules)
    repeated = corpus_repetition(paths, settings.corpus, settings.clean_rules)
    for path in paths:
        try:
            document, _, passages = prepare_document(path, settings.corpus, settings.clean_rules, cache,
                                                     repeated)
        except UnreadableFile as exc:
            yield Skipped(document_id(path, settings.corpus), exc.reason)
            continue
        yield document.doc_id, passages


@dataclass(frozen=True)
class ParsedDocument:
    """A corpus file's passages and their parsed docs, in order."""

    doc_id: str
    passages: tuple[Passage, ...]
    docs: list[Doc]


def parsed_documents(settings: Settings, nlp: Language) -> Iterator[ParsedDocument | Skipped]:
    """The corpus files through read, clean, segment and parse (with the prepared-text and parse caches), for
    the commands that read the passages themselves (suggest, kwic). Files that cannot be used come last, as
    Skipped with their reason."""
    paths, skipped = corpus_files(settings)
    skipped = list(skipped)

    def items() -> Iterator[tuple[tuple[str, tuple[Passage, ...]], list[str]]]:
        for prepared in prepared_documents(settings, paths):
            if isinstance(prepared, Skipped):
                skipped.append(prepared)
                continue
            doc_id, passages = prepared
            yield (doc_id, passages), [p.text for p in passages]

    cache = ParseCache(settings.cache_dir, nlp)
    for (doc_id, passages), docs in parse_documents(items(), nlp, cache, batch_size=settings.batch_size):
        yield ParsedDocument(doc_id, passages, docs)
    yield from skipped


@dataclass(frozen=True)
class DocumentOutcome:
    """What the outputs need of one analysed document."""

    document: Document  # without its text, which nothing needs past the worker (the clean text is below)
    clean_text: str
    removals: tuple[Removal, ...]
    records: str  # its lines of passages.jsonl, each ending with a newline
    passages: int
    counts: CorpusCounts  # this document alone, to merge into the corpus totals
    parse_cached: bool  # its parsed docs came from the parse cache, or were not needed
    clean_cached: bool
    reading_cached: bool
    seconds: Mapping[str, float]  # time spent on it: "clean", "parse", "analyse"
    metadata: Mapping[str, str] = field(default_factory=dict)  # its variables (pipeline.metadata)


class DocumentProcessor:
    """Turns a corpus path into a DocumentOutcome, or a Skipped when the file cannot be read."""

    def __init__(self, settings: Settings, nlp: Language, analyser: Analyser,
                 category_dimension: Mapping[str, str], repeated: RepeatedLines = NO_REPETITION,
                 metadata_table: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.settings = settings
        self.metadata_table = metadata_table or {}  # metadata.csv of the corpus, by doc_id
        self.repeated = repeated  # the lines that recur across the corpus, for the cleaning rule "repeated"
        self.nlp = nlp
        self.analyser = analyser
        self.category_dimension = dict(category_dimension)
        self.parse_cache = ParseCache(settings.cache_dir, nlp)
        self.prep_cache = PrepCache(settings.cache_dir, settings.clean_rules)
        self.reading_cache = ReadingCache(settings.cache_dir, analyser.extractor.lexicon.sha256)

    def __call__(self, path: Path) -> DocumentOutcome | Skipped:
        settings = self.settings
        started = time.perf_counter()
        prep_hits = self.prep_cache.hits
        try:
            document, cleaned, passages = prepare_document(
                path, settings.corpus, settings.clean_rules, self.prep_cache, self.repeated
            )
        except UnreadableFile as exc:
            return Skipped(document_id(path, settings.corpus), exc.reason)
        prepared = time.perf_counter()

        texts = [p.text for p in passages]
        parse_key = self.parse_cache.key(texts)
        licence_reads = self.analyser.licence_reads(document.doc_id)
        reading = self.reading_cache.load(parse_key, len(passages), licence_reads=licence_reads)
        docs = None
        parse_cached = True
        if reading is None or self.analyser.needs_docs:
            docs = self.parse_cache.load(texts, parse_key)
            if docs is None:
                parse_cached = False
                docs = list(self.nlp.pipe(texts, batch_size=settings.batch_size))
                self.parse_cache.store(texts, docs, parse_key)
        else:  # not loaded, but still what this document parses into: kept from pruning
            self.parse_cache.mark_used(parse_key)
        parsed = time.perf_counter()

        reading_cached = reading is not None
        if reading is None:
            reading = self.analyser.read(passages, docs)
            self.reading_cache.store(parse_key, reading, licence_reads=licence_reads)
        analysed = self.analyser.analyse(passages, reading, docs)
        counts = CorpusCounts(self.category_dimension)
        counts.add(document.doc_id, analysed)
        metadata = document_metadata(document.doc_id, document.text, self.metadata_table, document.metadata)
        records = "".join(passage_line(item, metadata) for item in analysed)
        finished = time.perf_counter()
        return DocumentOutcome(
            document=replace(document, text=""),
            clean_text=cleaned.text,
            removals=cleaned.removals,
            records=records,
            passages=len(passages),
            counts=counts,
            parse_cached=parse_cached,
            clean_cached=self.prep_cache.hits > prep_hits,
            reading_cached=reading_cached,
            seconds={"clean": prepared - started, "parse": parsed - prepared, "analyse": finished - parsed},
            metadata=metadata,
        )


def process_documents(
    paths: Iterable[Path], processor: DocumentProcessor, workers: int
) -> Iterator[DocumentOutcome | Skipped]:
    """Each path's outcome, in the order of `paths`. With `workers` > 1 the documents are spread over that
    many forked worker processes, which share the loaded model and matchers with this one."""
    return fork_map(processor, paths, workers)
