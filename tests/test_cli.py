"""The command line under bad input: every corpus-level or configuration problem is one plain line on stderr
and the exit code the README documents (0 done, 1 failed, 2 usage or configuration error), never a
traceback; nothing is written when the call itself is wrong.

Most cases run `pipeline.cli.main` in-process (the session already holds the spaCy model); the few that
check what a user's shell sees (argument errors, a mistyped corpus path) run `python -m pipeline`."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import make_corpus

import pipeline.nlp
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent

REPORT = (
    "Atelier « coopération entre territoires »\n\n"
    "Les élus et les agents des intercommunalités ont échangé sur la mutualisation des services.\n\n"
    "La confiance entre les acteurs est une condition de la coopération ; le manque de moyens la freine.\n"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n"


def cli(*args: object) -> tuple[int, str, str]:
    """`main(args)` with its exit code, stdout and stderr (argparse errors included)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def shell(*args: object) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline args` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )


def analyse_args(corpus: Path, base: Path, *extra: object) -> list[object]:
    models = base / "no-models"
    models.mkdir(parents=True, exist_ok=True)
    return ["analyse", "--corpus", corpus, "--output", base / "outputs", "--cache-dir", base / "cache",
            "--models-dir", models, "--quiet", *extra]


def error_lines(stderr: str) -> list[str]:
    """The lines of stderr that are not the informational notes every run prints."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("note:")]


def previous_outputs(base: Path) -> dict[str, bytes]:
    """A stand-in for the outputs of an earlier run: whatever the run does, they must stay as they are."""
    output = base / "outputs"
    (output / "tables").mkdir(parents=True)
    (output / "report.html").write_text("<p>rapport précédent</p>", encoding="utf-8")
    (output / "tables" / "removed.csv").write_text("doc_id\n", encoding="utf-8")
    (output / "manifest.json").write_text("{}\n", encoding="utf-8")
    return snapshot(output)


def snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


# ------------------------------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    ("options", "named"),
    [(["--n-process", "0"], "n_process"), (["--batch-size", "beaucoup"], "--batch-size"),
     (["--no-such-option"], "--no-such-option")],
)
def test_bad_option_exits_2_with_a_message_and_no_traceback(tmp_path, options, named):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT})
    if options[0] == "--batch-size":  # argparse itself refuses it: the in-process call is enough
        code, _, stderr = cli(*analyse_args(corpus, tmp_path), *options)
    else:
        done = shell(*analyse_args(corpus, tmp_path), *options)
        code, stderr = done.returncode, done.stderr
    assert code == 2
    assert "Traceback" not in stderr
    assert named in error_lines(stderr)[-1]
    assert not (tmp_path / "outputs").exists()


def test_missing_corpus_folder_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "rapports introuvables"
    done = shell(*analyse_args(missing, tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = error_lines(done.stderr)
    assert len(lines) == 1 and str(missing) in lines[0]
    assert not (tmp_path / "outputs").exists()


def test_corpus_path_that_is_a_file_is_a_usage_error(tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text(REPORT, encoding="utf-8")
    code, _, stderr = cli(*analyse_args(path, tmp_path))
    assert code == 2
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(path) in lines[0]


def test_empty_corpus_folder_is_one_line_naming_it(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"image.png": b"\x89PNG\r\n\x1a\n"})  # nothing of ours
    before = previous_outputs(tmp_path)
    code, _, stderr = cli(*analyse_args(corpus, tmp_path))
    assert code == 2
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(corpus) in lines[0]
    assert snapshot(tmp_path / "outputs") == before


def test_corpus_where_no_file_can_be_read_is_a_usage_error_and_keeps_the_outputs(tmp_path):
    files = {"scan.txt": PDF, "vide.md": b"", "photo.html": b"\xff\xd8\xff\xe0"}
    corpus = make_corpus(tmp_path / "corpus", files)
    before = previous_outputs(tmp_path)
    code, _, stderr = cli(*analyse_args(corpus, tmp_path))
    assert code == 2
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(corpus) in lines[0]
    assert "scan.txt" in lines[0]  # the message says why, naming at least one file
    assert snapshot(tmp_path / "outputs") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging leftovers


def test_broken_codebook_stops_before_anything_runs(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT})
    marker = tmp_path / "pwned"
    codebook = tmp_path / "mon codebook.yaml"
    codebook.write_text(f'version: 1\ndimensions: !!python/object/apply:os.system ["touch {marker}"]\n',
                        encoding="utf-8")

    def must_not_load(*args, **kwargs):
        raise AssertionError("the language model was loaded although the codebook is broken")

    monkeypatch.setattr(pipeline.nlp, "load_nlp", must_not_load)  # run imports it from there when needed
    code, _, stderr = cli(*analyse_args(corpus, tmp_path), "--codebook", codebook)
    assert code == 2
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(codebook) in lines[0]
    assert not marker.exists()  # the tag did not run
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("target", ["a folder of other files", "a file", "the corpus itself"])
def test_output_path_that_is_not_an_output_folder_is_refused_and_left_intact(tmp_path, target):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": REPORT})
    if target == "a folder of other files":
        output = make_corpus(tmp_path / "Documents", {"thèse.md": "# Ma thèse\n", "notes/x.txt": "x"})
    elif target == "a file":
        output = tmp_path / "notes.txt"
        output.write_text("mes notes\n", encoding="utf-8")
    else:
        output = corpus
    before = snapshot(tmp_path)
    code, _, stderr = cli(*analyse_args(corpus, tmp_path), "--output", output)  # the last --output wins
    assert code == 2
    lines = error_lines(stderr)
    assert len(lines) == 1 and str(output) in lines[0]
    assert snapshot(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --------------------------------------------------------------------------------- skipped files, --strict


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory, nlp):
    """A good report beside a PDF saved as .txt."""
    base = tmp_path_factory.mktemp("mixed")
    corpus = make_corpus(base / "corpus", {"bon rapport.txt": REPORT, "scan.txt": PDF})
    code, stdout, stderr = cli(*analyse_args(corpus, base))
    return base, corpus, code, stdout, stderr


def test_unreadable_file_beside_a_good_one_is_a_warning_and_the_run_completes(mixed_run):
    base, _, code, _, stderr = mixed_run
    assert code == 0
    warnings = [line for line in error_lines(stderr) if "scan.txt" in line]
    assert len(warnings) == 1 and warnings[0].startswith("avertissement") and "PDF" in warnings[0]
    manifest = json.loads((base / "outputs" / "manifest.json").read_text(encoding="utf-8"))
    assert [i["doc_id"] for i in manifest["inputs"]] == ["bon rapport.txt"]
    assert [s["path"] for s in manifest["skipped"]] == ["scan.txt"]


def test_strict_turns_a_skipped_file_into_exit_1(mixed_run):
    base, corpus, _, _, _ = mixed_run
    before = {p: p.read_bytes() for p in sorted((base / "outputs").rglob("*")) if p.is_file()}
    (corpus / "nouveau.txt").write_text("Un autre rapport sur la mutualisation des services.\n", "utf-8")
    code, _, stderr = cli(*analyse_args(corpus, base), "--strict")
    (corpus / "nouveau.txt").unlink()
    after = {p: p.read_bytes() for p in sorted((base / "outputs").rglob("*")) if p.is_file()}
    assert after == before  # a failed --strict run keeps the previous outputs
    assert code == 1
    lines = error_lines(stderr)
    assert any("scan.txt" in line for line in lines)
    assert lines[-1].startswith("erreur") and "--strict" in lines[-1]
    assert "Traceback" not in stderr


# ----------------------------------------------------------------------------------------------- README


def test_readme_documents_the_exit_codes_the_command_line_returns():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| (\d) \| (.+?) \|$", section, flags=re.MULTILINE))
    assert sorted(rows) == ["0", "1", "2"]
    # the cases the tests above exercise, in the README's own words
    assert "skipped files are listed as warnings" in rows["0"]
    assert "outputs could not be written" in rows["1"] and "previous outputs are unchanged" in rows["1"]
    for case in ("missing or empty corpus folder", "broken codebook", "bad option"):
        assert case in rows["2"]
    assert "With `--strict`, any skipped file makes the run exit 1." in section


@pytest.mark.parametrize(
    ("command", "listed", "absent"),
    [
        ("analyse", ["--corpus", "--output", "--lexicon", "--n-process", "--strict", "--engine"],
         ["--annotations", "--seed", "--width"]),
        ("train", ["--annotations", "--seed", "--codebook", "--models-dir"],
         ["--corpus", "--output", "--n-process", "--strict", "--lexicon"]),
        ("kwic", ["--corpus", "--width", "--sort", "--csv"],
         ["--output", "--codebook", "--seed", "--strict"]),
    ],
)
def test_each_command_help_lists_its_own_options_in_french(command, listed, absent, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    options = set(re.findall(r"(?m)^\s+(--[a-z-]+)", text))
    assert set(listed) <= options and not set(absent) & options
    assert text.startswith("usage : ") and "afficher cette aide et quitter" in text


def test_a_bad_option_value_is_a_french_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["analyse", "--n-process", "deux"])
    assert stop.value.code == 2
    assert "erreur : argument --n-process : nombre entier attendu, reçu 'deux'" in capsys.readouterr().err
