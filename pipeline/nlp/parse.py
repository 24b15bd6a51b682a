"""Passages -> spaCy docs: one `nlp.pipe` over many documents' passages, cached on disk as DocBin.

A cache entry (cache "parse", `pipeline.diskcache`) holds the parsed passages of one document. Its key is
the model signature (name, version, active components, spaCy version), the code of the components the
package adds to the model (`nlp/__init__.py` and what it imports: `nlp/lemmas.py`, `nlp/inclusive.py`,
`nlp/modeltext.py`) and the passage texts, so a changed text,
model, component list or component code misses the cache and is parsed again. A damaged entry is ignored,
reparsed and rewritten."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.diskcache import CacheCounts, Codec, DiskCache
from pipeline.fingerprint import code_fingerprint
from pipeline.nlp import model_signature

log = logging.getLogger(__name__)

K = TypeVar("K")

_ATTRS = ["ORTH", "LEMMA", "POS", "TAG", "MORPH", "SPACY"]
# Passages parsed per nlp.pipe call: many documents' passages share the call's batches, and the docs held in
# memory stay bounded whatever the corpus size.
CHUNK_PASSAGES = 4000
NAME = "parse"
VERSION = 1


class ParseCache(CacheCounts):
    """The parsed docs of each document under `root / "parse"`, keyed by the model and the passage texts."""

    def __init__(self, root: Path, nlp: Language) -> None:
        self.nlp = nlp
        self.signature = model_signature(nlp)
        self._components = code_fingerprint("nlp/__init__.py", "nlp/inclusive.py")
        codec: Codec[list[Doc]] = Codec(
            ".spacy",
            encode=lambda docs: DocBin(attrs=_ATTRS, store_user_data=False, docs=docs).to_bytes(),
            # the entry is zlib-compressed (checksummed), so a damaged one fails here
            decode=lambda data: list(DocBin().from_bytes(data).get_docs(nlp.vocab)),
        )
        self.cache = DiskCache(root, NAME, VERSION, codec, label="parse cache", remedy="parsing again")

    def key(self, texts: Sequence[str]) -> str:
        return self.cache.key(self.signature, self._components, *texts)

    def load(self, texts: Sequence[str], key: str | None = None) -> list[Doc] | None:
        """The cached docs of `texts` (`key`: their `key`, when the caller has it already), or None."""

        def check(docs: list[Doc]) -> None:
            # The key is a hash of the texts; comparing every text again cost a third of the loading time.
            if len(docs) != len(texts):
                raise ValueError(f"{len(docs)} docs for {len(texts)} texts")

        return self.cache.load(key or self.key(texts), check)

    def mark_used(self, key: str) -> None:
        self.cache.mark_used(key)

    def store(self, texts: Sequence[str], docs: Sequence[Doc], key: str | None = None) -> None:
        self.cache.store(key or self.key(texts), list(docs))


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


def parse_texts(texts: Sequence[str], nlp: Language, cache: ParseCache | None, *,
                batch_size: int = 32) -> list[Doc]:
    """The docs of `texts` (annotated passages, say), in order, as one cache entry."""
    ((_, docs),) = parse_documents([(None, texts)], nlp, cache, batch_size=batch_size)
    return docs


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
