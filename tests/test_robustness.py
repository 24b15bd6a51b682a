"""Faults during a run and hostile input, end to end: a file vanishing mid-run, outputs written inside the
corpus, a full disk, a swap that fails, a real SIGKILL at several moments, unusual file names, every option
at once on a corpus that must not change, and report text that must stay inert.

The runs go through `pipeline.cli.main` in-process (the session holds the spaCy model) except the killed
ones, which are real `python -m pipeline analyse` processes."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import make_corpus

from pipeline import ingest, outputs
from pipeline.cli import main
from pipeline.ingest import UnreadableFile, read_document
from pipeline.settings import PACKAGE_DATA

pytestmark = pytest.mark.slow  # whole runs of analyse: left to `make test`, out of `make test-fast`

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_78cea8dd92422722.txt"

REPORT_A = (
    "Atelier « coopération entre territoires »\n\n"
    "Les élus et les agents des intercommunalités ont échangé sur la mutualisation des services.\n\n"
    "La confiance entre les acteurs est une condition de la coopération ; le manque de moyens la freine.\n"
)
REPORT_B = (
    "Séminaire des agents de développement\n\n"
    "Les participants ont travaillé en réseau avec les associations et les entreprises du territoire.\n"
    "IMG_1234.jpg\n"
    "L’écoute et l’esprit de synthèse ont été cités parmi les compétences utiles.\n"
)
HOSTILE = (
    "# Atelier « partenariats »\n\n"
    "Les élus et les habitants ont partagé leurs expériences de coopération.\n"
    "<script>alert(1)</script>\n"
    '=HYPERLINK("http://x")\n'
    "@SOMME(1+1) et -2+3 dans le texte\n\n"
    "Voir aussi http://dumps.ru 200-125dumps pour la suite.\n\n"
    "La confiance entre partenaires est une condition de réussite.\n"
)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


# ---------------------------------------------------------------------------------------------- helpers


def cli(*args: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def analyse_args(corpus: Path, output: Path, cache: Path, *extra: object) -> list[object]:
    models = corpus.parent / "no-models"  # empty: categories come from the rules
    models.mkdir(parents=True, exist_ok=True)
    return ["analyse", "--corpus", corpus, "--output", output, "--cache-dir", cache, "--models-dir", models,
            "--quiet", *extra]


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("note:")]


def manifest(output: Path) -> dict:
    return json.loads((output / "manifest.json").read_text(encoding="utf-8"))


def hidden_leftovers(folder: Path) -> list[str]:
    """Staging folders or set-aside outputs left beside the output folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def complete_outputs(tmp_path_factory, nlp) -> tuple[Path, Path]:
    """The outputs of a complete run on a one-report corpus, and the parse cache it filled."""
    base = tmp_path_factory.mktemp("complete")
    corpus = make_corpus(base / "corpus", {"a.txt": REPORT_A})
    code, _, stderr = cli(*analyse_args(corpus, base / "outputs", base / "cache"))
    assert code == 0, stderr
    return base / "outputs", base / "cache"


def copy_outputs(complete: Path, folder: Path) -> tuple[Path, dict[str, str]]:
    output = folder / "outputs"
    shutil.copytree(complete, output)
    return output, hashes(output)


# --------------------------------------------------------------------------------- faults during a run


def test_file_vanishing_during_the_run_is_skipped_with_its_reason(tmp_path, monkeypatch, complete_outputs):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT_A, "parti.txt": REPORT_B, "z.md": REPORT_B})
    real_read = ingest.read_bytes

    def vanish(path):
        if Path(path).name == "parti.txt":
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
        return real_read(path)

    monkeypatch.setattr(ingest, "read_bytes", vanish)
    with pytest.raises(UnreadableFile) as expected:  # the reason ingest gives for a vanished file
        read_document(corpus / "parti.txt", corpus)
    output = tmp_path / "outputs"
    code, _, stderr = cli(*analyse_args(corpus, output, complete_outputs[1]))
    assert code == 0
    found = manifest(output)
    assert [i["doc_id"] for i in found["inputs"]] == ["a.txt", "z.md"]
    assert found["skipped"] == [{"path": "parti.txt", "reason": expected.value.reason}]
    assert any("parti.txt" in line for line in error_lines(stderr))


def test_output_folder_inside_the_corpus_is_never_read_as_input(tmp_path, complete_outputs):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT_A})
    output = corpus / "outputs"
    cache = complete_outputs[1]
    assert cli(*analyse_args(corpus, output, cache))[0] == 0
    assert (output / "summary.md").is_file() and (output / "clean" / "a.txt.txt").is_file()
    (corpus / "b.md").write_text(REPORT_B, encoding="utf-8")  # a real change: the second run does run
    code, _, stderr = cli(*analyse_args(corpus, output, cache))
    assert code == 0, stderr
    second = manifest(output)
    assert [i["doc_id"] for i in second["inputs"]] == ["a.txt", "b.md"]
    assert second["skipped"] == []


@pytest.mark.parametrize("where", ["a table", "the final swap"])
def test_failed_write_exits_1_with_a_plain_message_and_keeps_the_previous_outputs(
    tmp_path, monkeypatch, complete_outputs, where
):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT_A, "b.md": REPORT_B})
    output, before = copy_outputs(complete_outputs[0], tmp_path)
    if where == "a table":  # the disk fills up while tables are written
        real_replace = os.replace

        def full_disk(src, dst, *args, **kwargs):
            if str(src).endswith(".csv.partial"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_replace(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "replace", full_disk)
        cause = "No space left on device"
    else:  # everything is written, then the new outputs cannot be moved into place
        real_rename = os.rename

        def read_only(src, dst, *args, **kwargs):
            if ".staging-" in Path(src).name:
                raise OSError(errno.EROFS, "Read-only file system")
            return real_rename(src, dst, *args, **kwargs)

        monkeypatch.setattr(outputs.os, "rename", read_only)
        cause = "Read-only file system"
    code, _, stderr = cli(*analyse_args(corpus, output, complete_outputs[1]))
    assert code == 1
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(output) in lines[0] and cause in lines[0]
    assert hashes(output) == before
    assert hidden_leftovers(tmp_path) == []


# ------------------------------------------------------------------------------------------ a real kill


def _start(corpus: Path, output: Path, cache: Path, log: Path) -> subprocess.Popen:
    with log.open("wb") as stderr:  # the child keeps its own handle
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline", *map(str, analyse_args(corpus, output, cache))],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
        )


def _kill_when(runs: list[tuple[subprocess.Popen, Callable[[], bool], str, Path]]) -> None:
    """SIGKILL each process as soon as its condition holds; fail if one finishes first."""
    pending = list(runs)
    while pending:
        for item in list(pending):
            process, ready, moment, log = item
            if ready():
                process.send_signal(signal.SIGKILL)
                process.wait()
                pending.remove(item)
            elif process.poll() is not None:
                for other, *_ in pending:
                    other.kill()
                stderr = log.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"the run ended (exit {process.returncode}) before {moment}:\n{stderr}")
        time.sleep(0.005)


@pytest.fixture(scope="module")
def killed_runs(tmp_path_factory, complete_outputs):
    """Two runs on a changed corpus, each over a copy of complete outputs, killed with SIGKILL: one as soon
    as its staging folder exists, one while it writes figures. Returns, per run, what was left on disk."""
    base = tmp_path_factory.mktemp("killed")
    corpus = make_corpus(base / "corpus", {"a.txt": REPORT_A, "b.md": REPORT_B})
    cache = base / "cache"
    runs, moments = [], {"staging": "its staging folder appeared", "figures": "it started writing figures"}
    for moment in moments:
        output, before = copy_outputs(complete_outputs[0], base / moment)
        process = _start(corpus, output, cache, base / f"{moment}.log")
        stage = base / moment / f".outputs.staging-{process.pid}"
        ready = stage.is_dir if moment == "staging" else (stage / "figures").is_dir
        runs.append((moment, process, output, before, stage, ready))
    _kill_when([(process, ready, moments[moment], base / f"{moment}.log")
                for moment, process, _, _, _, ready in runs])
    return {
        moment: {"corpus": corpus, "cache": cache, "output": output, "before": before,
                 "returncode": process.returncode, "after": hashes(output),
                 "left": sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*"))
                 if stage.is_dir() else None}
        for moment, process, output, before, stage, _ in runs
    }


@pytest.mark.parametrize("moment", ["staging", "figures"])
def test_killed_run_leaves_exactly_the_previous_outputs(killed_runs, moment):
    run = killed_runs[moment]
    assert run["returncode"] == -signal.SIGKILL
    # the kill came mid-run: the staging folder was left behind, with figures begun in the second case
    assert run["left"] is not None
    if moment == "figures":
        assert "figures" in run["left"]
    assert run["after"] == run["before"]
    assert manifest(run["output"])["inputs"][0]["doc_id"] == "a.txt"


@pytest.mark.parametrize("moment", ["staging", "figures"])
def test_next_run_after_a_kill_succeeds_and_removes_the_leftovers(killed_runs, moment):
    run = killed_runs[moment]
    output = run["output"]
    code, _, stderr = cli(*analyse_args(run["corpus"], output, run["cache"]))
    assert code == 0, stderr
    assert [i["doc_id"] for i in manifest(output)["inputs"]] == ["a.txt", "b.md"]
    assert hidden_leftovers(output.parent) == []


# ------------------------------------------------------------------------------ the corpus stays as it was


def test_corpus_folder_is_never_modified_whatever_the_options(tmp_path, nlp):
    corpus = make_corpus(
        tmp_path / "corpus",
        {SEED.name: SEED.read_bytes(), "sous dossier/b.md": REPORT_B, "grille.yaml": b""},
    )
    shutil.copy(PACKAGE_DATA / "codebook.yaml", corpus / "grille.yaml")
    before = hashes(corpus)
    modes = {name: (corpus / name).stat().st_mode for name in before}
    code, _, stderr = cli(
        *analyse_args(corpus, corpus / "résultats", corpus / "cache"),
        "--strict", "--n-process", "2", "--batch-size", "8", "--codebook", corpus / "grille.yaml",
    )
    assert code == 0, stderr
    assert (corpus / "résultats" / "report.html").is_file()
    after = {name: sha for name, sha in hashes(corpus).items()
             if not name.startswith(("résultats/", "cache/"))}
    assert after == before
    assert {name: (corpus / name).stat().st_mode for name in before} == modes
    expected = [SEED.name, "sous dossier", "grille.yaml", "résultats", "cache"]
    assert sorted(os.listdir(corpus)) == sorted(expected)
    assert sorted(os.listdir(corpus / "sous dossier")) == ["b.md"]


# ------------------------------------------------------------------------ unusual names, hostile content

ODD_NAMES = {
    "compte rendu d’été.txt": REPORT_A,
    "ligne\ncassée.md": HOSTILE,
    "=SOMME(1;2) @cmd.txt": REPORT_B,
}


@pytest.fixture(scope="module")
def odd_run(tmp_path_factory, complete_outputs):
    base = tmp_path_factory.mktemp("odd")
    corpus = make_corpus(base / "corpus", ODD_NAMES)
    output = base / "outputs"
    code, _, stderr = cli(*analyse_args(corpus, output, complete_outputs[1]))
    assert code == 0, stderr
    return output


def test_a_paragraph_longer_than_the_language_model_reads_is_analysed_in_pieces(tmp_path, complete_outputs):
    # one paragraph of 1.1 million characters (a PDF or a pasted text without a blank line): spaCy reads at
    # most one million at once, and such a paragraph used to stop the whole run with a traceback
    sentence = "Les élus et les habitants animent des ateliers de concertation entre communes voisines. "
    corpus = make_corpus(tmp_path / "corpus", {"long.txt": sentence * 12_500, "court.txt": REPORT_A})
    output = tmp_path / "outputs"
    code, _, stderr = cli(*analyse_args(corpus, output, complete_outputs[1]))
    assert code == 0, stderr
    records = [json.loads(line) for line in (output / "passages.jsonl").open(encoding="utf-8")]
    assert {r["doc_id"] for r in records} == {"long.txt", "court.txt"}
    long_passages = [r for r in records if r["doc_id"] == "long.txt"]
    assert len(long_passages) > 200 and all(r["text"].endswith("voisines.") for r in long_passages)
    assert sum(len(r["text"]) + 1 for r in long_passages) == len(sentence * 12_500)


def test_file_names_with_spaces_accents_and_newlines_are_analysed(odd_run):
    found = manifest(odd_run)
    assert [i["doc_id"] for i in found["inputs"]] == sorted(ODD_NAMES)
    assert found["skipped"] == []
    for name in ODD_NAMES:
        assert (odd_run / "clean" / f"{name}.txt").is_file()
    records = [json.loads(line) for line in (odd_run / "passages.jsonl").open(encoding="utf-8")]
    assert {r["doc_id"] for r in records} == set(ODD_NAMES)


def test_script_in_a_report_is_escaped_in_report_html(odd_run):
    page = (odd_run / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "\\u003cscript\\u003ealert(1)" in page or "&lt;script&gt;alert(1)" in page
    assert "ligne\\ncass" in page or "ligne\ncass" in page  # the odd name is shown, as text


def _csv_cells(path: Path) -> list[tuple[int, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(row_number, cell) for row_number, row in enumerate(csv.reader(handle)) for cell in row]


def test_every_table_cell_that_could_run_as_a_formula_is_defused(odd_run):
    tables = sorted((odd_run / "tables").glob("*.csv"))
    assert {"removed.csv", "categories.csv", "frequencies.csv"} <= {t.name for t in tables}
    for table in tables:
        for row_number, cell in _csv_cells(table):
            if cell.startswith(FORMULA_TRIGGERS):
                # a lone sign is a keyness direction, a signed number is a number: neither can run
                assert cell in ("+", "-") or NUMBER.fullmatch(cell), (table.name, row_number, cell)
    guarded = "'=SOMME(1;2) @cmd.txt"
    for name in ("removed.csv", "categories.csv", "frequencies_by_document.csv"):
        assert guarded in {cell for _, cell in _csv_cells(odd_run / "tables" / name)}, name
