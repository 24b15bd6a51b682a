"""Reading and writing one cache entry: a missing or unreadable entry is None, a damaged one is None with a
warning, and an entry is written beside its place and moved in, so a reader never sees half of one."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def load_entry(path: Path, decode: Callable[[bytes], T], cache: str, remedy: str) -> T | None:
    """`decode` of the entry at `path`; None when there is none, or when `decode` raises anything: the entry
    is damaged, which is logged ("<cache> entry <name> is damaged (<why>): <remedy>")."""
    try:
        data = path.read_bytes()
    except OSError:  # no entry yet (or one that cannot be read: it is rebuilt all the same)
        return None
    try:
        return decode(data)
    except Exception as exc:  # any damage: the entry is rebuilt
        log.warning("%s entry %s is damaged (%s): %s", cache, path.name, exc, remedy)
        return None


def write_entry(path: Path, data: bytes) -> None:
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
