"""Fingerprints of the package's own source code, so that caches and the up-to-date check follow code
changes without anyone having to bump a version number.

`source_fingerprint()` hashes the whole package (the run's up-to-date check: any change may change an output);
`code_fingerprint(name…)` hashes the named modules and every module of the package they import, directly or
not, so that a cached value is thrown away when the code that made it changes, and only then (editing the
report does not throw away parsed passages)."""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _hash_files(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def _files(name: str) -> list[Path]:
    """The module `name` of the package, or every module under the sub-package `name` ("." for all)."""
    target = PACKAGE / name
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


@lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """Hash of every module of the package."""
    return _hash_files(_files("."))


def _module_file(dotted: str) -> Path | None:
    """The file of a module of the package ("pipeline.clean.lines"), or None for anything else."""
    parts = dotted.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _imported_files(path: Path) -> set[Path]:
    """The package's modules that `path` imports, at its top or inside a function."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # "from pipeline.clean import lines" may name a module as well as a function
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(file for name in names if (file := _module_file(name)) is not None)
    return found


@lru_cache(maxsize=16)
def code_fingerprint(*names: str) -> str:
    """Hash of the named modules or sub-packages of `pipeline` and of every module of the package they
    import, transitively."""
    pending = [path for name in names for path in _files(name)]
    seen: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        pending.extend(_imported_files(path) - seen)
    return _hash_files(list(seen))
