"""`--engine dask`: the same outputs as the local engine, even when a worker dies mid-run."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from pipeline.run import analyse
from pipeline.settings import load_settings

distributed = pytest.importorskip("distributed")

SEED = Path(__file__).resolve().parent.parent / "corpus" / "000_78cea8dd92422722.txt"
pytestmark = pytest.mark.slow


def _corpus(base: Path) -> Path:
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    for year, town in ((2014, "Lyon"), (2015, "Rennes"), (2016, "Nantes"), (2017, "Lille"), (2018, "Pau")):
        (corpus / f"{year}-{town.lower()}.txt").write_text(
            f"Rencontre de {town}\nLes communes et l'intercommunalité de {town} mutualisent leurs services "
            "techniques.\nLes agents de développement animent des ateliers avec les habitants et les "
            "associations.\nLe manque de moyens freine la coopération entre les structures.\n",
            encoding="utf-8")
    return corpus


def _outputs(folder: Path) -> dict[str, bytes]:
    files = [folder / "passages.jsonl", *sorted((folder / "tables").glob("*.csv"))]
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in files}


def _run(base: Path, corpus: Path, name: str, **engine) -> Path:
    settings = load_settings(corpus=corpus, output=base / name, cache_dir=base / f"cache-{name}",
                             models_dir=base / "no-models", progress=False, **engine)
    analyse(settings)
    return settings.output


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("engines")
    corpus = _corpus(base)
    return base, corpus, _outputs(_run(base, corpus, "local", n_process=1))


def test_a_local_dask_cluster_writes_the_same_passages_and_tables(local_run):
    base, corpus, expected = local_run
    assert _outputs(_run(base, corpus, "dask", engine="dask", n_process=2)) == expected


def test_a_worker_killed_mid_run_changes_nothing_in_the_outputs(local_run):
    base, corpus, expected = local_run
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            busy = [address for address, tasks in client.processing().items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    try:
        outputs = _outputs(_run(base, corpus, "dask-killed", engine="dask",
                                scheduler=cluster.scheduler_address))
    finally:
        killer.join()
        client.close()
        cluster.close()
    assert killed, "no worker was busy to be killed"
    assert outputs == expected
