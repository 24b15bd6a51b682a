import os

import pytest

from pipeline.outputs import OutputError, recover, staged_output


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_failed_run_leaves_the_previous_outputs_in_place(tmp_path):
    output = tmp_path / "outputs"
    with staged_output(output) as stage:
        _write(stage, "report.html", "first")
    with pytest.raises(RuntimeError), staged_output(output) as stage:
        _write(stage, "report.html", "second, half written")
        raise RuntimeError("crash in the middle of a run")
    assert (output / "report.html").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["outputs"]  # no staging leftovers


def test_a_complete_run_replaces_every_file(tmp_path):
    output = tmp_path / "outputs"
    with staged_output(output) as stage:
        _write(stage, "old.csv", "x")
    with staged_output(output) as stage:
        _write(stage, "new.csv", "y")
    assert sorted(p.name for p in output.iterdir()) == ["new.csv"]


def test_recover_puts_back_outputs_after_a_swap_interrupted_between_the_renames(tmp_path):
    output = tmp_path / "outputs"
    previous = tmp_path / ".outputs.previous"
    previous.mkdir()
    _write(previous, "report.html", "complete")
    (tmp_path / ".outputs.staging-999999999").mkdir()  # a dead run's stage
    recover(output)
    assert (output / "report.html").read_text() == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


def test_unwritable_output_parent_is_a_clear_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    output = tmp_path / "outputs"
    expected = "impossible d'écrire les résultats dans .*outputs.*Permission denied"
    with pytest.raises(OutputError, match=expected), staged_output(output) as stage:
        _write(stage, "report.html", "x")
    assert not output.exists()
