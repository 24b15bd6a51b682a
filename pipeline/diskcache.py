"""The one design of the package's on-disk caches.

A cache is a folder under the cache directory (`Settings.cache_dir`) named after it (`parse`, `prepared`,
`analysis`: the same names in the run's manifest), a version and a codec. An entry's key is `cache_key` of
the cache's name, version and whatever the value depends on; the entry is `<name>/<key[:2]>/<key><suffix>`.

- A missing entry is a miss; a damaged one (its codec or the caller's check raises) is a miss with a warning
  that names the cache and what happens instead; an entry that cannot be written is a warning, never an error.
- Entries are written beside their place and moved in (`write_atomic`): a reader never sees half of one.
- Using an entry marks it (its modification time), and `prune` removes the entries no run has used for a
  number of days: the generations left behind by edited code, another model or corpus files since changed.

The same `cache_key` keys the run's up-to-date signature and the figures a run may reuse."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# The caches a run keeps, by folder name; `prune` looks at these only.
CACHE_NAMES = ("parse", "prepared", "analysis", "encoded")
DAY = 86_400.0
# Temporary files a writer left behind (a run killed while writing) are removed after this long.
STALE_TEMPORARY = DAY


def cache_key(*parts: str | bytes) -> str:
    """sha256 of the parts, each followed by a NUL byte (so that ("ab", "c") and ("a", "bc") differ)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` at `path` atomically (folders created). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a value becomes the bytes of an entry and back. `decode` raises on a damaged entry."""

    suffix: str
    encode: Callable[[T], bytes]
    decode: Callable[[bytes], T]


class DiskCache(Generic[T]):
    """Entries of one cache under `root / name`. `label` and `remedy` make its warnings: "<label> entry <file>
    is damaged (<why>): <remedy>"."""

    def __init__(self, root: Path, name: str, version: int, codec: Codec[T], *, label: str,
                 remedy: str) -> None:
        self.name = name
        self.version = version
        self.folder = root / name
        self.codec = codec
        self.label = label
        self.remedy = remedy
        self.hits = 0
        self.misses = 0

    def key(self, *parts: str | bytes) -> str:
        return cache_key(self.name, str(self.version), *parts)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.codec.suffix}"

    def load(self, key: str, check: Callable[[T], None] | None = None) -> T | None:
        """The value stored under `key`, or None. `check` may raise to reject a value that decoded but does
        not fit what the caller asked for (a damaged entry, as far as the caller can tell)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:  # no entry yet (or one that cannot be read: it is rebuilt all the same)
            self.misses += 1
            return None
        try:
            value = self.codec.decode(data)
            if check is not None:
                check(value)
        except Exception as exc:  # any damage: the entry is rebuilt
            log.warning("%s entry %s is damaged (%s): %s", self.label, path.name, exc, self.remedy)
            self.misses += 1
            return None
        self.hits += 1
        _mark_used(path)
        return value

    def mark_used(self, key: str) -> None:
        """Mark the entry under `key` as used without loading it (when one exists): `prune` keeps it."""
        _mark_used(self.path(key))

    def store(self, key: str, value: T) -> None:
        try:
            write_atomic(self.path(key), self.codec.encode(value))
        except (OSError, ValueError, TypeError) as exc:  # ValueError, TypeError: a value the codec refuses
            log.warning("could not write the %s (%s): the next run will do the work again", self.label, exc)


class CacheCounts:
    """For a class that keeps its entries in a `DiskCache` (its `cache`): that cache's hits and misses."""

    cache: DiskCache

    @property
    def hits(self) -> int:
        return self.cache.hits

    @property
    def misses(self) -> int:
        return self.cache.misses


def _mark_used(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache is still a cache
        os.utime(path)


@dataclass(frozen=True)
class Pruned:
    entries: int
    bytes: int


def prune(root: Path, max_age_days: float, names: Iterable[str] = CACHE_NAMES,
          now: float | None = None) -> Pruned:
    """Remove the entries of the named caches under `root` that no run has written or used for `max_age_days`
    days, and temporary files left behind for more than a day. Nothing is removed when `max_age_days` is 0 or
    less. Files that cannot be removed are left (the next prune tries again)."""
    if max_age_days <= 0:
        return Pruned(0, 0)
    now = time.time() if now is None else now
    entries = size = 0
    for name in names:
        folder = root / name
        if not folder.is_dir():
            continue
        for shard in folder.iterdir():
            if not shard.is_dir():
                continue
            for path in shard.iterdir():
                try:
                    stat = path.stat()
                    age = now - stat.st_mtime
                    if age > max_age_days * DAY or (path.suffix == ".tmp" and age > STALE_TEMPORARY):
                        path.unlink()
                        entries += 1
                        size += stat.st_size
                except OSError:
                    continue
            with contextlib.suppress(OSError):
                shard.rmdir()  # only when empty
    return Pruned(entries, size)
