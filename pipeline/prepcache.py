"""Reading, cleaning and segmenting one corpus file, with a per-document cache of the last two stages.

The key is the document's text, the cleaning rules asked for, a fingerprint of the code of the cleaning
and segmenting modules (an edited rule invalidates every entry without anyone bumping a version), the chrome
model and the lines of this document that recur elsewhere in the corpus. `corpus_repetition` is the pass
over the corpus that finds those lines, run once before the documents are cleaned."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

from pipeline.cachefile import write_entry
from pipeline.clean import NO_REPETITION, RepeatedLines, clean_text, count_repeated
from pipeline.clean.chrome import active_model
from pipeline.errors import UnreadableFile
from pipeline.fingerprint import source_fingerprint
from pipeline.ingest import CORPUS_SUFFIXES, read_document
from pipeline.segment import segment
from pipeline.types import CleanDocument, Document, Passage, Removal, is_markdown

log = logging.getLogger(__name__)

# the modules whose behaviour the cached values depend on
_CODE = ("clean", "segment.py", "types.py")


class PrepCache:
    def __init__(self, folder: Path, rules: tuple[str, ...]) -> None:
        self.folder = folder
        self.rules = rules
        self.hits = 0
        self.misses = 0

    def _path(self, doc_id: str, text: str, repeated: RepeatedLines = NO_REPETITION) -> Path:
        digest = hashlib.sha256()
        chrome = active_model().signature if "chrome" in self.rules else ""
        recurring = repeated.signature(text) if "repeated" in self.rules and not is_markdown(doc_id) else ""
        for part in (source_fingerprint(*_CODE), ",".join(self.rules), chrome, recurring, doc_id, text):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        key = digest.hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def load(self, doc_id: str, text: str, repeated: RepeatedLines = NO_REPETITION
             ) -> tuple[CleanDocument, tuple[Passage, ...]] | None:
        path = self._path(doc_id, text, repeated)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cleaned = CleanDocument(doc_id, text, data["text"], tuple(Removal(**r) for r in data["removals"]))
            passages = tuple(
                Passage(**{**p, "heading": tuple(p["heading"]), "context": tuple(p["context"])})
                for p in data["passages"]
            )
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("prepared-text cache entry %s is damaged (%s): cleaning again", path.name, exc)
            self.misses += 1
            return None
        self.hits += 1
        return cleaned, passages

    def store(self, cleaned: CleanDocument, passages: tuple[Passage, ...],
              repeated: RepeatedLines = NO_REPETITION) -> None:
        path = self._path(cleaned.doc_id, cleaned.source, repeated)
        data = {
            "text": cleaned.text,
            "removals": [asdict(r) for r in cleaned.removals],
            "passages": [asdict(p) for p in passages],
        }
        try:
            write_entry(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: a lone surrogate UTF-8 cannot encode
            log.warning("could not write the prepared-text cache (%s)", exc)


def corpus_repetition(paths: Iterable[Path], corpus: Path, rules: tuple[str, ...]) -> RepeatedLines:
    """The lines that recur across the corpus's scraped text files (plain text and HTML; Markdown, which
    people write, and binary formats are not read for it), for the rule "repeated". A file that cannot be
    read is left out here; the pass that cleans the documents reports it."""
    if "repeated" not in rules:
        return NO_REPETITION

    def texts() -> Iterator[tuple[str, str]]:
        for path in paths:
            if CORPUS_SUFFIXES.get(path.suffix.lower()) not in _SCRAPED_FORMATS:
                continue
            try:
                document = read_document(path, corpus)
            except UnreadableFile:
                continue
            yield document.doc_id, document.text

    return count_repeated(texts())


_SCRAPED_FORMATS = {"txt", "html"}


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
