"""Reading, cleaning and segmenting one corpus file, with a per-document cache of the last two stages.

The key is the document's text, the cleaning rules asked for and a fingerprint of the code of the cleaning
and segmenting modules, so an edited rule invalidates every entry without anyone bumping a version."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from pipeline.cachefile import write_entry
from pipeline.clean import clean_text
from pipeline.clean.chrome import active_model
from pipeline.fingerprint import source_fingerprint
from pipeline.ingest import read_document
from pipeline.segment import segment
from pipeline.types import CleanDocument, Document, Passage, Removal

log = logging.getLogger(__name__)

# the modules whose behaviour the cached values depend on
_CODE = ("clean", "segment.py", "types.py")


class PrepCache:
    def __init__(self, folder: Path, rules: tuple[str, ...]) -> None:
        self.folder = folder
        self.rules = rules
        self.hits = 0
        self.misses = 0

    def _path(self, doc_id: str, text: str) -> Path:
        digest = hashlib.sha256()
        chrome = active_model().signature if "chrome" in self.rules else ""
        for part in (source_fingerprint(*_CODE), ",".join(self.rules), chrome, doc_id, text):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        key = digest.hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def load(self, doc_id: str, text: str) -> tuple[CleanDocument, tuple[Passage, ...]] | None:
        path = self._path(doc_id, text)
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

    def store(self, cleaned: CleanDocument, passages: tuple[Passage, ...]) -> None:
        path = self._path(cleaned.doc_id, cleaned.source)
        data = {
            "text": cleaned.text,
            "removals": [asdict(r) for r in cleaned.removals],
            "passages": [asdict(p) for p in passages],
        }
        try:
            write_entry(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: a lone surrogate UTF-8 cannot encode
            log.warning("could not write the prepared-text cache (%s)", exc)


def prepare_document(
    path: Path, corpus: Path, rules: tuple[str, ...], cache: PrepCache | None
) -> tuple[Document, CleanDocument, tuple[Passage, ...]]:
    """Read `path`, then clean and segment it (or take both from `cache`). Raises ingest's UnreadableFile."""
    document = read_document(path, corpus)
    cached = cache.load(document.doc_id, document.text) if cache is not None else None
    if cached is not None:
        return document, *cached
    cleaned = clean_text(document.text, doc_id=document.doc_id, rules=rules)
    passages = segment(cleaned)
    if cache is not None:
        cache.store(cleaned, passages)
    return document, cleaned, passages
