"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_PATH = ROOT / "corpus" / "000_78cea8dd92422722.txt"
CRDH = SHARED / "corpora" / "crdh"
# the category ids of the design notes, which the shipped codebook and annotations must use
DESIGN_CATEGORY_IDS = (
    "objet:organisationnel",
    "objet:projet",
    "acteurs:public-public",
    "acteurs:public-prive",
    "acteurs:inter-services",
    "acteurs:interpersonnel",
    "organisation:verticale",
    "organisation:horizontale",
    "finalites:communes",
    "finalites:propres",
    "conditions:leviers",
    "conditions:freins",
)


def make_corpus(folder: Path, files: dict[str, bytes | str]) -> Path:
    """A corpus folder holding `files` (name -> text or bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


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
