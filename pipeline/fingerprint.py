"""Fingerprints of the package's own source code, so that caches and the up-to-date check follow code
changes without anyone having to bump a version number."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=16)
def source_fingerprint(*names: str) -> str:
    """Hash of the named modules or sub-packages of `pipeline` (every module when no name is given),
    and of the package's data files when the whole package is asked for."""
    targets = [PACKAGE / name for name in names] if names else [PACKAGE]
    digest = hashlib.sha256()
    for target in targets:
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()
