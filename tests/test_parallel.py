"""Documents and figures done in worker processes give the same outputs as done in one process."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.errors import WorkerDied
from pipeline.parallel import can_fork, fork_map
from pipeline.run import analyse
from pipeline.settings import load_settings
from tests.conftest import SEED_PATH, make_corpus

# whole runs with worker processes: slow, left to `make test`
pytestmark = [pytest.mark.skipif(not can_fork(), reason="worker processes are forked; this platform cannot"),
              pytest.mark.slow]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def _corpus(folder: Path) -> Path:
    corpus = make_corpus(folder, {
        "a.md": "# Atelier\n\nLa coopération entre communes repose sur la confiance et l'écoute.\n",
        "b/c.txt": "Les élus et les techniciens mutualisent leurs services.\n\n- animer un réseau\n",
        "d.md": "Le manque de moyens freine la coopération entre structures publiques et privées.\n",
        "binaire.md": b"\x00\x01\x02\x00" * 40,
    })
    shutil.copy(SEED_PATH, corpus / SEED_PATH.name)
    return corpus


def test_two_workers_write_the_same_outputs_as_one(tmp_path, nlp):
    corpus = _corpus(tmp_path / "corpus")
    runs = {}
    for workers in (1, 2):
        settings = load_settings(corpus=corpus, output=tmp_path / f"out{workers}",
                                 cache_dir=tmp_path / f"cache{workers}", n_process=workers, progress=False)
        runs[workers] = analyse(settings)
    assert [s.path for s in runs[1].skipped] == [s.path for s in runs[2].skipped] == ["binaire.md"]
    assert runs[1].documents == runs[2].documents == 4
    one, two = _hashes(tmp_path / "out1"), _hashes(tmp_path / "out2")
    assert one.keys() == two.keys()
    assert any(name.startswith("figures/") and name.endswith(".png") for name in one)
    assert [name for name in one if one[name] != two[name]] == []
    manifests = [json.loads((tmp_path / f"out{w}" / "manifest.json").read_text()) for w in (1, 2)]
    assert manifests[0]["counts"] == manifests[1]["counts"]
    assert manifests[0]["caches"]["parse"] == manifests[1]["caches"]["parse"] == {"hits": 0, "misses": 4}


def _fails_on_three(number: int) -> int:
    if number == 3:
        raise RuntimeError("trois")
    return number * 10


def test_fork_map_keeps_the_order_and_raises_a_worker_error_here():
    assert list(fork_map(_fails_on_three, [5, 1, 4, 2], 2)) == [50, 10, 40, 20]
    with pytest.raises(RuntimeError, match="trois"):
        list(fork_map(_fails_on_three, [1, 2, 3, 4], 2))


def test_fork_map_workers_see_what_the_parent_set_up():
    loaded = {"modèle": 7}  # stands for the spaCy model: built here, used by the workers without pickling

    def look_up(key: str) -> int:
        return loaded[key]

    assert list(fork_map(look_up, ["modèle", "modèle"], 2)) == [7, 7]


def _dies_on_two(number: int) -> int:
    if number == 2:
        os._exit(9)  # what the kernel's out-of-memory killer leaves behind: no exception, no result
    return number


def test_a_worker_that_dies_is_reported_instead_of_waited_for():
    with pytest.raises(WorkerDied, match="one of: 2"):
        list(fork_map(_dies_on_two, [1, 2, 3, 4, 5, 6], 2))


def test_analyse_reports_a_dead_worker_and_keeps_the_previous_outputs(tmp_path, nlp, monkeypatch):
    from pipeline import documents
    from pipeline.cli import main

    corpus = _corpus(tmp_path / "corpus")
    output = tmp_path / "out"
    common = ["analyse", "--corpus", str(corpus), "--output", str(output), "--cache-dir", str(tmp_path / "c"),
              "--quiet", "--n-process", "2"]
    assert main(common) == 0
    before = _hashes(output)
    real = documents.DocumentProcessor.__call__

    def dies_on_d(self, path):
        if path.name == "d.md":
            os._exit(9)
        return real(self, path)

    monkeypatch.setattr(documents.DocumentProcessor, "__call__", dies_on_d)
    (corpus / "e.md").write_text("Un nouveau compte rendu sur la coopération.\n", encoding="utf-8")
    assert main(common) == 1
    assert _hashes(output) == before
