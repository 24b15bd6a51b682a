"""Reading, cleaning and segmenting one corpus file, with a per-document cache of the last two stages.

The cache ("prepared", `pipeline.diskcache`) keys an entry on the document's text, the cleaning rules asked
for, the code of the cleaning and segmenting modules and what they import (an edited rule invalidates every
entry without anyone bumping a version), the chrome model and the lines of this document that recur elsewhere
in the corpus. `corpus_repetition` is the pass over the corpus that finds those lines, run once before the
documents are cleaned."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

from pipeline.clean import NO_REPETITION, RepeatedLines, clean_text, count_repeated
from pipeline.clean.chrome import active_model
from pipeline.clean.repeated import repetition_counted
from pipeline.diskcache import CacheCounts, Codec, DiskCache
from pipeline.errors import UnreadableFile
from pipeline.fingerprint import code_fingerprint
from pipeline.ingest import corpus_format, read_document
from pipeline.text.segment import segment
from pipeline.types import CleanDocument, Document, Passage, Removal

log = logging.getLogger(__name__)

NAME = "prepared"
VERSION = 1
# what makes the cached values
_CODE = ("clean", "text/segment.py")

# An entry: the clean text, the removals and the passages (the source text is the caller's, part of the key).
Entry = tuple[str, tuple[Removal, ...], tuple[Passage, ...]]


def _encode(entry: Entry) -> bytes:
    text, removals, passages = entry
    data = {"text": text, "removals": [asdict(r) for r in removals],
            "passages": [asdict(p) for p in passages]}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _decode(raw: bytes) -> Entry:
    data = json.loads(raw.decode("utf-8"))
    return (data["text"], tuple(Removal(**r) for r in data["removals"]),
            tuple(Passage(**{**p, "heading": tuple(p["heading"]), "context": tuple(p["context"])})
                  for p in data["passages"]))


CODEC: Codec[Entry] = Codec(".json", _encode, _decode)


class PrepCache(CacheCounts):
    """Each document's clean text, removals and passages under `root / "prepared"`."""

    def __init__(self, root: Path, rules: tuple[str, ...]) -> None:
        self.rules = rules
        self.cache = DiskCache(root, NAME, VERSION, CODEC, label="prepared-text cache",
                               remedy="cleaning again")

    def key(self, doc_id: str, text: str, repeated: RepeatedLines = NO_REPETITION) -> str:
        chrome = active_model().signature if "chrome" in self.rules else ""
        counted = "repeated" in self.rules and repetition_counted(doc_id)
        recurring = repeated.signature(text) if counted else ""
        return self.cache.key(code_fingerprint(*_CODE), ",".join(self.rules), chrome, recurring, doc_id, text)

    def load(self, doc_id: str, text: str, repeated: RepeatedLines = NO_REPETITION
             ) -> tuple[CleanDocument, tuple[Passage, ...]] | None:
        entry = self.cache.load(self.key(doc_id, text, repeated))
        if entry is None:
            return None
        clean, removals, passages = entry
        return CleanDocument(doc_id, text, clean, removals), passages

    def store(self, cleaned: CleanDocument, passages: tuple[Passage, ...],
              repeated: RepeatedLines = NO_REPETITION) -> None:
        self.cache.store(self.key(cleaned.doc_id, cleaned.source, repeated),
                         (cleaned.text, cleaned.removals, passages))


def corpus_repetition(paths: Iterable[Path], corpus: Path, rules: tuple[str, ...]) -> RepeatedLines:
    """The lines that recur across the corpus's scraped text files (plain text and HTML) and mails, for the
    rule "repeated" (Markdown, which people write, and binary formats are not read for it). A file that
    cannot be read is left out here; the pass that cleans the documents reports it."""
    if "repeated" not in rules:
        return NO_REPETITION

    def texts() -> Iterator[tuple[str, str]]:
        for path in paths:
            if corpus_format(path) not in _SCRAPED_FORMATS:
                continue
            try:
                document = read_document(path, corpus)
            except UnreadableFile:
                continue
            yield document.doc_id, document.text

    return count_repeated(texts())


_SCRAPED_FORMATS = {"txt", "html", "eml", "msg"}  # and mails: a newsletter's header and footer recur


def prepare_document(
    path: Path, corpus: Path, rules: tuple[str, ...], cache: PrepCache | None,
    repeated: RepeatedLines = NO_REPETITION,
) -> tuple[Document, CleanDocument, tuple[Passage, ...]]:
    """Read `path`, then clean and segment it (or take both from `cache`). `repeated`: the lines that recur
    across the corpus (`corpus_repetition`). Raises ingest's UnreadableFile."""
    document = read_document(path, corpus)
    cached = cache.load(document.doc_id, document.text, repeated) if cache is not None else None
    if cached is not None:
        return document, *cached
    cleaned = clean_text(document.text, doc_id=document.doc_id, rules=rules, repeated=repeated)
    passages = segment(cleaned)
    if cache is not None:
        cache.store(cleaned, passages, repeated)
    return document, cleaned, passages
