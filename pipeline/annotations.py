"""Hand-labelled passages for training and evaluating the category classifier.

Reads JSON Lines in the shape doccano exports for text classification (`{"text": …, "label": [ids…]}`,
any other keys ignored) and, as a convenience, Label Studio task exports (`{"data": {"text": …},
"annotations": [{"result": [{"value": {"choices": [ids…]}}]}]}`), either one task per line or a `.json`
file holding a list of tasks; also a REFI-QDA project's codings (`.qdpx`) and a spreadsheet filled in from
`make suggest`'s sheet (`.csv`, `pipeline.annotation_sheet`). Any problem stops loading with an
`AnnotationError` naming the file and line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.annotation_sheet import SHEET_SUFFIXES, read_sheet
from pipeline.errors import AnnotationError, ConfigError

log = logging.getLogger(__name__)
# Spreadsheet formats an annotation sheet may be saved in but that are not read (older Excel, Apple Numbers,
# Excel with macros): said, never silently left out.
UNREAD_SHEETS = (".xls", ".xlsm", ".xlsb", ".numbers", ".fods")


@dataclass(frozen=True)
class Annotation:
    """One labelled passage. `line` is 1-based (the position in the list for a `.json` file)."""

    text: str
    labels: tuple[str, ...]
    source: str  # "seed" | "crdh" | "written" | the file stem when the record does not say
    doc_id: str  # the report the passage comes from; the file name when the record does not say
    file: Path
    line: int
    group: str = ""  # what cross-validation keeps on one side of a fold: `group` if the record has one
    # (the site of a scraped page, so that pages of one site are never on both sides), else doc_id

    def __post_init__(self) -> None:
        if not self.group:
            object.__setattr__(self, "group", self.doc_id)


def normalised_text(text: str) -> str:
    """`text` with its runs of white space made one space: how two passages are compared as the same."""
    return re.sub(r"\s+", " ", text).strip()


def _records(path: Path, known: Collection[str] = ()) -> Iterator[tuple[int, Any]]:
    """(line number, decoded JSON value) for each non-blank line, or for each item of a `.json` list, or for
    each coded selection of a REFI-QDA project (`.qdpx`, see `_qdpx_records`)."""
    if path.suffix.lower() == ".qdpx":
        yield from _qdpx_records(path, known)
        return
    if path.suffix.lower() in SHEET_SUFFIXES:
        yield from read_sheet(path, sorted(known))
        return
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnnotationError(f"{path}: annotation file not found") from None
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if path.suffix.lower() == ".json":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(value, list):
            raise AnnotationError(f"{path}: a .json annotation file must hold a list of tasks")
        yield from enumerate(value, start=1)
        return
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnnotationError(
                f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None


def _qdpx_records(path: Path, known: Collection[str]) -> Iterator[tuple[int, Any]]:
    """The selections of a `.qdpx` project coded with categories of the codebook, as records: the selected
    text, its categories, the source's name as doc_id. A code is a category when its name is a category id
    or when its description starts with one (as `pipeline.outputs.qdpx` writes it); codes under
    « Compétences »
    are not categories; any other code is reported once, by name, and left out, never guessed."""
    from pipeline.outputs.qdpx import COMPETENCE_ROOT, read_codings  # for .qdpx files only: 44 ms of import

    if not path.is_file():
        raise AnnotationError(f"{path}: annotation file not found")
    selections: dict[tuple[str, int, int], dict] = {}
    unknown: set[str] = set()
    for coding in read_codings(path):
        category = next((c for c in (coding.code, coding.code_id) if c in known), None)
        if category is None:
            if coding.code_path[0] != COMPETENCE_ROOT:
                unknown.add(" / ".join(coding.code_path))
            continue
        key = (coding.source, coding.start, coding.end)
        record = selections.setdefault(key, {"text": coding.text[coding.start:coding.end], "label": [],
                                             "source": path.stem, "doc_id": coding.source})
        if category not in record["label"]:
            record["label"].append(category)
    if unknown:
        log.warning("%s: codes that are no category of the codebook, left out: %s", path,
                    "; ".join(sorted(unknown)))
    yield from enumerate(selections.values(), start=1)


def _text_and_labels(record: Any, where: str) -> tuple[str, Any]:
    if not isinstance(record, dict):
        raise AnnotationError(f"{where}: expected a JSON object, got {type(record).__name__}")
    if "data" in record and "text" not in record:  # Label Studio task
        data = record["data"]
        text = data.get("text") if isinstance(data, dict) else None
        labels: list[Any] = []
        for annotation in record.get("annotations") or []:
            for result in (annotation or {}).get("result") or []:
                choices = ((result or {}).get("value") or {}).get("choices")
                if not isinstance(choices, list):
                    raise AnnotationError(f"{where}: Label Studio result without a 'choices' list")
                labels.extend(choice for choice in choices if choice not in labels)
    else:
        text = record.get("text")
        labels = record.get("label", record.get("labels", []))
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError(f"{where}: no text (expected a non-empty string under 'text')")
    return text, labels


def load_annotations(paths: Sequence[Path], known_labels: Collection[str]) -> list[Annotation]:
    """Every labelled passage of `paths`, in file order, duplicates (same text, same labels) kept once.

    Raises AnnotationError for bad JSON, a record without text, labels that are not a list of strings,
    a label outside `known_labels` (the message lists the known ones), or one text labelled differently
    in two places (the message names both)."""
    known = set(known_labels)
    seen: dict[str, Annotation] = {}
    annotations: list[Annotation] = []
    for path in map(Path, paths):
        for number, record in _records(path, known):
            where = f"{path}:{number}"
            text, labels = _text_and_labels(record, where)
            if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                raise AnnotationError(
                    f"{where}: 'label' must be a list of category ids (strings), got {labels!r}"
                )
            for label in labels:
                if label not in known:
                    raise AnnotationError(
                        f"{where}: unknown label '{label}'. Known labels: {', '.join(sorted(known))}"
                    )
            source = record.get("source") if isinstance(record.get("source"), str) else path.stem
            doc_id = record.get("doc_id") if isinstance(record.get("doc_id"), str) else path.name
            annotation = Annotation(
                text=text,
                labels=tuple(dict.fromkeys(labels)),
                source=source or path.stem,
                doc_id=doc_id or path.name,
                file=path,
                line=number,
                group=record.get("group") if isinstance(record.get("group"), str) else "",
            )
            key = normalised_text(text)
            earlier = seen.get(key)
            if earlier is not None:
                if set(earlier.labels) != set(annotation.labels):
                    raise AnnotationError(
                        f"{where}: same text as {earlier.file}:{earlier.line} but different labels "
                        f"({sorted(annotation.labels)} here, {sorted(earlier.labels)} there)"
                    )
                continue
            seen[key] = annotation
            annotations.append(annotation)
    return annotations


def load_annotation_source(source: Path, known_labels: Collection[str]) -> list[Annotation]:
    """The annotations of `source`, a file or a folder of annotation files (`annotation_files`). Raises
    ConfigError when there is none, AnnotationError when one is malformed."""
    if source.is_dir():
        files = annotation_files(source)
        unread = sorted(path.name for path in source.iterdir()
                        if path.suffix.lower() in UNREAD_SHEETS and not _hidden_or_lock(path))
        if unread:
            log.warning("%s: spreadsheets in a format not read, left out (save them as .csv, .xlsx or "
                        ".ods): %s", source, ", ".join(unread))
    elif source.is_file():
        files = [source]
    else:
        raise ConfigError(f"{source} : aucun fichier ni dossier d'annotations à ce chemin")
    if not files:
        raise ConfigError(f"{source} : aucun fichier d'annotations .jsonl, .json, .qdpx, .csv, .xlsx ou .ods "
                          "dans ce dossier")
    return load_annotations(files, known_labels)


def annotation_files(folder: Path) -> list[Path]:
    """The annotation files of `folder` (`*.jsonl`, then `*.json`, then REFI-QDA projects `*.qdpx`, then
    filled-in sheets `*.csv`, `*.xlsx`, `*.ods`, `pipeline.annotation_sheet`), sorted by name. Hidden files
    and the lock files an open spreadsheet leaves (`.~lock.…#`, `~$…`) are left out."""
    folder = Path(folder)
    files = [*sorted(folder.glob("*.jsonl")), *sorted(folder.glob("*.json")), *sorted(folder.glob("*.qdpx")),
             *sorted(path for suffix in SHEET_SUFFIXES for path in folder.glob(f"*{suffix}"))]
    return [path for path in files if not _hidden_or_lock(path)]


def _hidden_or_lock(path: Path) -> bool:
    """A hidden file, or the lock file an open spreadsheet leaves beside it (`.~lock.…#`, `~$…`)."""
    return path.name.startswith((".", "~$"))


def annotations_sha256(annotations: Sequence[Annotation]) -> str:
    """A hash of the training data (texts, labels, sources, documents, groups), independent of file layout."""
    digest = hashlib.sha256()
    for annotation in annotations:
        row = [annotation.text, sorted(annotation.labels), annotation.source, annotation.doc_id]
        if annotation.group != annotation.doc_id:  # records without a group hash as they always did
            row.append(annotation.group)
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
