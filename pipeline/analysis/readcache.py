"""The per-document cache of DocumentReadings (see `analysis/__init__.py`): what a codebook edit or a new
classifier re-tags from, without loading the parsed docs.

An entry (cache "analysis", `pipeline.diskcache`) is keyed by the parse-cache key of the document's passages
(model, component code and passage texts), the lexicon's hash (its file and licence model), whether the
competence licence model reads the document (`Analyser.licence_reads`) and the code of
`analysis/__init__.py` and what it imports, so any of them changing misses the cache (an edit to the report
or the figures does not). Entries are zlib-compressed msgpack (plain values only: loading one runs no
code). A damaged entry is ignored and rebuilt."""

from __future__ import annotations

import logging
import zlib
from pathlib import Path
from typing import Any

import srsly

from pipeline.analysis import DocumentReading
from pipeline.analysis.tagging import TokenKeys
from pipeline.diskcache import CacheCounts, Codec, DiskCache
from pipeline.fingerprint import code_fingerprint
from pipeline.types import Competence, PassageWords

log = logging.getLogger(__name__)

NAME = "analysis"
VERSION = 3  # 2: zlib-compressed (crdh: 24.8 MB -> 10.1 MB), which also checksums the entry; 3: context
# keys stored under their passage's text

CODEC: Codec[DocumentReading] = Codec(
    ".msgpack",
    encode=lambda reading: zlib.compress(srsly.msgpack_dumps(_to_plain(reading)), 1),
    decode=lambda data: _from_plain(srsly.msgpack_loads(zlib.decompress(data), use_list=False)),  # tuples
)


class ReadingCache(CacheCounts):
    def __init__(self, root: Path, lexicon_sha256: str) -> None:
        self.lexicon_sha256 = lexicon_sha256
        self.cache = DiskCache(root, NAME, VERSION, CODEC, label="analysis cache", remedy="analysing again")

    def _key(self, parse_key: str, licence_reads: bool) -> str:
        return self.cache.key(code_fingerprint("analysis/__init__.py"), self.lexicon_sha256, parse_key,
                              "licence" if licence_reads else "rules alone")

    def load(self, parse_key: str, passages: int, *, licence_reads: bool = True) -> DocumentReading | None:
        """The cached reading of a document of `passages` passages, or None."""

        def check(reading: DocumentReading) -> None:
            if not len(reading.keys) == len(reading.competences) == len(reading.words) == passages:
                raise ValueError("wrong number of passages")

        return self.cache.load(self._key(parse_key, licence_reads), check)

    def store(self, parse_key: str, reading: DocumentReading, *, licence_reads: bool = True) -> None:
        self.cache.store(self._key(parse_key, licence_reads), reading)


def _keys_plain(keys: TokenKeys) -> list:
    return [keys.text, keys.lemmas, keys.words, keys.starts, keys.ends]


def _keys_from(value: tuple) -> TokenKeys:
    text, lemmas, words, starts, ends = value
    if not len(lemmas) == len(words) == len(starts) == len(ends):
        raise ValueError("token keys of different lengths")
    return TokenKeys(text, lemmas, words, starts, ends)


def _to_plain(reading: DocumentReading) -> dict[str, Any]:
    return {
        "keys": [_keys_plain(k) for k in reading.keys],
        # by the passage's own text: the keys' text is what the model read (nlp/modeltext.py), which may
        # differ from it (a no-break space read as a space)
        "context": [[text, _keys_plain(k)] for text, k in reading.context_keys.items()],
        "competences": [[[c.term, c.type, c.start, c.end, c.origin, c.score] for c in found]
                        for found in reading.competences],
        "words": [[w.content, w.terms, w.tokens] for w in reading.words],
    }


def _from_plain(data: dict[str, Any]) -> DocumentReading:
    return DocumentReading(
        keys=tuple(_keys_from(value) for value in data["keys"]),
        context_keys={text: _keys_from(value) for text, value in data["context"]},
        competences=tuple(tuple(Competence(*c) for c in found) for found in data["competences"]),
        words=tuple(PassageWords(*words) for words in data["words"]),
    )
