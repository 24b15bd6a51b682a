"""Writing the output folder atomically.

A run writes everything into a hidden staging folder beside the output folder, then swaps it in with two
renames. A run that fails or is killed before the swap leaves the previous outputs untouched; one killed
between the two renames leaves the previous outputs under a hidden name, which the next run puts back
before doing anything else (`recover`)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class OutputError(Exception):
    """The output folder cannot be written. The message names the folder and the cause."""


def _previous(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def check_output_folder(output: Path) -> None:
    """Raise OutputError when replacing `output` as a whole would destroy something that is not the outputs
    of a run: an existing file, or a folder holding visible files but no `manifest.json` (say a mistyped
    `--output ~/Documents`). A missing or empty folder, or earlier outputs, are fine."""
    output = Path(output)
    if not output.exists():
        return
    if not output.is_dir():
        raise OutputError(f"le chemin des résultats est un fichier, pas un dossier : {output}")
    if (output / "manifest.json").is_file():
        return
    if any(not entry.name.startswith(".") for entry in output.iterdir()):
        raise OutputError(
            f"{output} contient déjà des fichiers qui ne sont pas les résultats d'une analyse (pas de "
            "manifest.json) et seraient supprimés : choisir un dossier de résultats nouveau ou vide"
        )


def recover(output: Path) -> None:
    """Put back the outputs of the last complete run if a swap was interrupted."""
    previous = _previous(output)
    if previous.is_dir() and not output.exists():
        os.rename(previous, output)
    elif previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
    for stale in output.parent.glob(f".{output.name}.staging-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on normal exit it replaces `output` as a whole."""
    output = output.resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        recover(output)
        # the pid suffix lets a later run tell a dead run's leftovers from a running one's
        stage = output.parent / f".{output.name}.staging-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
    except OSError as exc:
        raise OutputError(
            f"impossible d'écrire les résultats dans {output.parent} : {exc.strerror or exc}"
        ) from None
    try:
        yield stage
        if (output / ".gitkeep").exists():
            (stage / ".gitkeep").touch()
        previous = _previous(output)
        if output.exists():
            os.rename(output, previous)
        os.rename(stage, output)
        shutil.rmtree(previous, ignore_errors=True)
    except OSError as exc:
        _abandon(stage, output)
        raise OutputError(
            f"impossible d'écrire les résultats dans {output} : {exc.strerror or exc}"
        ) from None
    except BaseException:
        _abandon(stage, output)
        raise


def _abandon(stage: Path, output: Path) -> None:
    """Drop the stage; if the swap had already moved the previous outputs aside, put them back."""
    shutil.rmtree(stage, ignore_errors=True)
    previous = _previous(output)
    if previous.is_dir() and not output.exists():
        with contextlib.suppress(OSError):  # recover() retries at the start of the next run
            os.rename(previous, output)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def link_from_previous(previous_output: Path, relative: str, stage: Path) -> bool:
    """Hard-link (or copy) a file of the previous outputs into the stage; False when it does not exist."""
    source = previous_output / relative
    if not source.is_file():
        return False
    target = stage / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True
