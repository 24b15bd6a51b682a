"""Passages -> spaCy docs: one `nlp.pipe` over many documents' passages, cached on disk as DocBin.

A cache entry holds the parsed passages of one document. Its key is the hash of the model signature
(name, version, active components, spaCy version) and of the passage texts, so a changed text, model or
component list misses the cache and is parsed again. A damaged entry is ignored, reparsed and rewritten."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.cachefile import load_entry, write_entry
from pipeline.nlp import model_signature

log = logging.getLogger(__name__)

K = TypeVar("K")

_ATTRS = ["ORTH", "LEMMA", "POS", "TAG", "MORPH", "SPACY"]
# Passages parsed per nlp.pipe call: many documents' passages share the call's batches, and the docs held in
# memory stay bounded whatever the corpus size.
CHUNK_PASSAGES = 4000


class ParseCache:
    """DocBin files under `folder`, one per document, keyed by model signature + passage texts."""

    def __init__(self, folder: Path, nlp: Language) -> None:
        self.folder = folder
        self.nlp = nlp
        self.signature = model_signature(nlp)
        self.hits = 0
        self.misses = 0

    def key(self, texts: Sequence[str]) -> str:
        digest = hashlib.sha256(self.signature.encode())
        for text in texts:
            digest.update(b"\x00")
            digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.spacy"

    def load(self, texts: Sequence[str], key: str | None = None) -> list[Doc] | None:
        """The cached docs of `texts` (`key`: their `key`, when the caller has it already), or None."""

        def decode(data: bytes) -> list[Doc]:
            docs = list(DocBin().from_bytes(data).get_docs(self.nlp.vocab))
            # The key is a hash of the texts and the entry is zlib-compressed (checksummed), so a damaged
            # entry fails above; comparing every text again cost a third of the loading time.
            if len(docs) != len(texts):
                raise ValueError(f"{len(docs)} docs for {len(texts)} texts")
            return docs

        docs = load_entry(self._path(key or self.key(texts)), decode, "parse cache", "parsing again")
        if docs is None:
            self.misses += 1
        else:
            self.hits += 1
        return docs

    def store(self, texts: Sequence[str], docs: Sequence[Doc], key: str | None = None) -> None:
        path = self._path(key or self.key(texts))
        bin_ = DocBin(attrs=_ATTRS, store_user_data=False, docs=docs)
        try:
            write_entry(path, bin_.to_bytes())
        except OSError as exc:
            log.warning("could not write the parse cache (%s): the next run will parse again", exc)


def parse_documents(
    items: Iterable[tuple[K, Sequence[str]]],
    nlp: Language,
    cache: ParseCache | None,
    *,
    batch_size: int = 32,
    chunk_passages: int = CHUNK_PASSAGES,
) -> Iterator[tuple[K, list[Doc]]]:
    """Parse each item's passage texts, in input order, reusing cached docs.

    Items are gathered into chunks of about `chunk_passages` passages to parse, so that one `nlp.pipe` call
    serves many documents while memory stays bounded. (`analyse` parses per document in its workers, see
    documents.py; this serves `train`, `evaluate` and `suggest`.)"""
    chunk: list[tuple[K, Sequence[str], list[Doc] | None]] = []
    pending = 0
    for key, texts in items:
        docs = cache.load(texts) if cache is not None else None
        chunk.append((key, texts, docs))
        if docs is None:
            pending += len(texts)
        if pending >= chunk_passages:
            yield from _parse_chunk(chunk, nlp, cache, batch_size)
            chunk, pending = [], 0
    if chunk:
        yield from _parse_chunk(chunk, nlp, cache, batch_size)


def _parse_chunk(
    chunk: list[tuple[K, Sequence[str], list[Doc] | None]],
    nlp: Language,
    cache: ParseCache | None,
    batch_size: int,
) -> Iterator[tuple[K, list[Doc]]]:
    texts = [text for _, item_texts, docs in chunk if docs is None for text in item_texts]
    parsed: Iterator[Doc] = iter(())
    if texts:
        parsed = iter(nlp.pipe(texts, batch_size=batch_size))
    for key, item_texts, docs in chunk:
        if docs is None:
            docs = [next(parsed) for _ in item_texts]
            if cache is not None:
                cache.store(item_texts, docs)
        yield key, docs
