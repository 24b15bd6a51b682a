"""Reading and writing one cache entry: a missing or unreadable entry is None, and an entry is written
beside its place and moved in, so a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read_entry(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
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
