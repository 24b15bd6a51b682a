"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_PATH = ROOT / "corpus" / "000_78cea8dd92422722.txt"
CRDH = SHARED / "corpora" / "crdh"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def crdh_dir() -> Path:
    if not CRDH.is_dir():
        pytest.skip("../shared/corpora/crdh is not present (only in the development workspace and CI)")
    return CRDH
