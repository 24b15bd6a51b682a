"""The per-document cache of DocumentReadings (see analysis.py): what a codebook edit or a new classifier
re-tags from, without loading the parsed docs.

An entry is keyed by the parse-cache key of the document's passages (model signature and passage texts), the
lexicon file's bytes and the fingerprint of the package's code, so any of them changing misses the cache.
Entries are zlib-compressed msgpack (plain values only: loading one runs no code). A damaged entry is
ignored and rebuilt."""

from __future__ import annotations

import hashlib
import logging
import zlib
from pathlib import Path
from typing import Any

import srsly

from pipeline.analysis import DocumentReading
from pipeline.cachefile import load_entry, write_entry
from pipeline.fingerprint import source_fingerprint
from pipeline.tagging import TokenKeys
from pipeline.types import Competence, PassageWords

log = logging.getLogger(__name__)

FORMAT = 2  # 2: zlib-compressed (crdh: 24.8 MB -> 10.1 MB), which also checksums the entry


class ReadingCache:
    def __init__(self, folder: Path, lexicon_sha256: str) -> None:
        self.folder = folder
        self.lexicon_sha256 = lexicon_sha256
        self.hits = 0
        self.misses = 0

    def _path(self, parse_key: str) -> Path:
        digest = hashlib.sha256()
        for part in (str(FORMAT), source_fingerprint(), self.lexicon_sha256, parse_key):
            digest.update(part.encode() + b"\x00")
        key = digest.hexdigest()
        return self.folder / key[:2] / f"{key}.msgpack"

    def load(self, parse_key: str, passages: int) -> DocumentReading | None:
        """The cached reading of a document of `passages` passages, or None."""

        def decode(data: bytes) -> DocumentReading:
            reading = _from_plain(srsly.msgpack_loads(zlib.decompress(data), use_list=False))  # tuples
            if not len(reading.keys) == len(reading.competences) == len(reading.words) == passages:
                raise ValueError("wrong number of passages")
            return reading

        reading = load_entry(self._path(parse_key), decode, "analysis cache", "analysing again")
        if reading is None:
            self.misses += 1
        else:
            self.hits += 1
        return reading

    def store(self, parse_key: str, reading: DocumentReading) -> None:
        path = self._path(parse_key)
        try:
            write_entry(path, zlib.compress(srsly.msgpack_dumps(_to_plain(reading)), 1))
        except (OSError, ValueError, TypeError) as exc:  # ValueError: a text msgpack cannot encode
            log.warning("could not write the analysis cache (%s): the next run will analyse again", exc)


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
        "context": [_keys_plain(k) for k in reading.context_keys.values()],
        "competences": [[[c.term, c.type, c.start, c.end, c.origin, c.score] for c in found]
                        for found in reading.competences],
        "words": [[w.content, w.terms, w.tokens] for w in reading.words],
    }


def _from_plain(data: dict[str, Any]) -> DocumentReading:
    context = [_keys_from(value) for value in data["context"]]
    return DocumentReading(
        keys=tuple(_keys_from(value) for value in data["keys"]),
        context_keys={keys.text: keys for keys in context},
        competences=tuple(tuple(Competence(*c) for c in found) for found in data["competences"]),
        words=tuple(PassageWords(*words) for words in data["words"]),
    )
