"""Annotations in a spreadsheet: the passages `make suggest` picks, written as a CSV table that anyone fills
in with LibreOffice Calc or Excel, and read back by `make train` from the annotations folder.

Columns: `passage_id`, `doc_id`, `titres` (the headings the passage stands under, which readers weigh as its
context), `texte`, `suggestion` (the categories the model gives the passage now, for reference only), then
one column per category of the codebook headed « id — label », then `aucune`. A row is an annotation once
one of those columns is marked (x, 1, oui…: any mark but 0, non, no, faux, false); it then carries the
categories marked, or none when `aucune` is. A row left blank is not annotated yet and is skipped.

Read back whatever the spreadsheet did when saving: CSV in any encoding a spreadsheet writes (UTF-8 with or
without its byte-order mark, UTF-16, Windows-1252 as Excel's « CSV (séparateur : point-virgule) »: the
corpus's own decoding, `readers.decoding.decode_bytes`), separated by commas, semicolons or tabs; or the
spreadsheet's own format, Excel's `.xlsx` or LibreOffice's `.ods` (the first sheet), which either offers to
keep when the file is saved again. A text cell's formula guard (`'- la confiance…`, `pipeline.outputs.csvio`)
is taken off again. A column headed by no category of the codebook, or a row marking both categories and
`aucune`, stops loading with the file and row named."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import AnnotationError
from pipeline.outputs.csvio import FORMULA_TRIGGERS, write_csv

ID_COLUMNS = ("passage_id", "doc_id", "titres", "texte", "suggestion")
TEXT_COLUMN = "texte"
NONE_COLUMN = "aucune"
HEADER_SEPARATOR = " — "  # between a category's id and its label in a column's header
_UNMARKED = frozenset({"", "0", "non", "no", "n", "faux", "false"})
_DELIMITERS = ",;\t"
SHEET_SUFFIXES = (".csv", ".xlsx", ".ods")
MAX_COLUMNS = 1024  # a spreadsheet's row of blank cells repeated to its last column is cut here
_SPREADSHEETML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_COLUMN = re.compile(r"[A-Z]+")


def category_header(category_id: str, label: str) -> str:
    return f"{category_id}{HEADER_SEPARATOR}{label}" if label else category_id


def write_sheet(records: Sequence[Mapping[str, Any]], labels: Mapping[str, str], path: Path) -> int:
    """The suggested passages `records` (as `pipeline.suggest.suggest` gives them) as a sheet to fill in,
    with one column per category of `labels` (id -> label, in the codebook's order); the number of rows."""
    header = [*ID_COLUMNS, *(category_header(c, label) for c, label in labels.items()), NONE_COLUMN]
    rows = [[*(record.get("meta", {}).get(key, "") for key in ("passage_id", "doc_id", "heading")),
             record["text"], ", ".join(record.get("label", [])), *[""] * (len(labels) + 1)]
            for record in records]
    return write_csv(path, header, rows)


def read_sheet(path: Path, known: Sequence[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, record) for each annotated row of the sheet at `path`, the record shaped as a doccano
    line (`text`, `label`, `doc_id`, `source`)."""
    table = _rows(path)
    if not table:
        return
    header = [cell.strip() for cell in table[0]]
    if TEXT_COLUMN not in header:
        raise AnnotationError(f"{path}: no column « {TEXT_COLUMN} » in the first row (the passages' text)")
    category_of: dict[int, str] = {}
    none_column = None
    for position, name in enumerate(header):
        if name in ID_COLUMNS or not name:
            continue
        if name == NONE_COLUMN:
            none_column = position
            continue
        category = name.split(HEADER_SEPARATOR, 1)[0].strip()
        if category not in known:
            raise AnnotationError(f"{path}: column « {name} » is no category of the codebook. Known labels: "
                                  f"{', '.join(sorted(known))}")
        category_of[position] = category
    text_at, doc_at = header.index(TEXT_COLUMN), header.index("doc_id") if "doc_id" in header else None
    for number, row in enumerate(table[1:], start=2):
        def cell(position: int | None, row: list[str] = row) -> str:
            return row[position].strip() if position is not None and position < len(row) else ""

        marked = [category for position, category in category_of.items() if _marked(cell(position))]
        nothing = _marked(cell(none_column))
        if not marked and not nothing:
            continue  # not annotated yet
        if marked and nothing:
            raise AnnotationError(f"{path}:{number}: « {NONE_COLUMN} » and categories marked on the same row "
                                  f"({', '.join(marked)})")
        text = _unguarded(row[text_at] if text_at < len(row) else "")
        record: dict[str, Any] = {"text": text, "label": marked, "source": path.stem}
        if cell(doc_at):
            record["doc_id"] = cell(doc_at)
        yield number, record


def _marked(value: str) -> bool:
    return value.strip().lower() not in _UNMARKED


def _unguarded(text: str) -> str:
    """A text cell as it was before `csvio` guarded it against being run as a formula."""
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS and len(text) > 2 else text


def _rows(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise AnnotationError(f"{path}: annotation file not found")
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    if suffix == ".ods":
        return _ods_rows(path)
    return _csv_rows(path)


def _xlsx_rows(path: Path) -> list[list[str]]:
    """The cells of an Excel workbook's first sheet, as text (shared and inline strings, numbers as
    written)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        with zipfile.ZipFile(path) as package:
            def xml(name: str):
                return etree.fromstring(package.read(name), parser)

            first = xml("xl/workbook.xml").find(f"{_SPREADSHEETML}sheets/{_SPREADSHEETML}sheet")
            target = next(relation.get("Target") for relation in xml("xl/_rels/workbook.xml.rels")
                          if relation.get("Id") == first.get(f"{_RELATIONSHIP}id"))
            shared = []
            if "xl/sharedStrings.xml" in package.namelist():
                shared = ["".join(t.text or "" for t in item.iter(f"{_SPREADSHEETML}t"))
                          for item in xml("xl/sharedStrings.xml").iter(f"{_SPREADSHEETML}si")]
            sheet = xml(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
            rows = []
            for row in sheet.iter(f"{_SPREADSHEETML}row"):
                cells: dict[int, str] = {}
                for cell in row.iter(f"{_SPREADSHEETML}c"):
                    column = _column_index(cell.get("r", ""), len(cells))
                    if column >= MAX_COLUMNS:
                        continue
                    if cell.get("t") == "inlineStr":
                        value = "".join(t.text or "" for t in cell.iter(f"{_SPREADSHEETML}t"))
                    else:
                        stored = cell.find(f"{_SPREADSHEETML}v")
                        value = (stored.text or "") if stored is not None else ""
                        if cell.get("t") == "s" and value:
                            value = shared[int(value)]
                    cells[column] = value
                rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    except (zipfile.BadZipFile, KeyError, StopIteration, AttributeError, IndexError, ValueError,
            etree.XMLSyntaxError) as exc:
        raise AnnotationError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: "
                              f"{exc})") from None
    return [row for row in rows if any(cell.strip() for cell in row)]


def _column_index(reference: str, otherwise: int) -> int:
    """0 for the « A » of « A7 », 27 for « AB7 »; `otherwise` when the cell gives no reference."""
    letters = _CELL_COLUMN.match(reference)
    if letters is None:
        return otherwise
    index = 0
    for letter in letters.group():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _ods_rows(path: Path) -> list[list[str]]:
    """The cells of a LibreOffice spreadsheet's first sheet, as text."""
    from odf import teletype
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow
    from odf.text import P

    cells_qnames = ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell"))
    try:
        tables = load(str(path)).spreadsheet.getElementsByType(Table)
        rows = []
        for row in tables[0].getElementsByType(TableRow) if tables else ():
            cells: list[str] = []
            for cell in row.childNodes:
                if getattr(cell, "qname", None) not in cells_qnames:
                    continue
                repeated = int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1)
                text = "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))
                cells.extend([text] * max(0, min(repeated, MAX_COLUMNS - len(cells))))
            rows.append(cells)
    except Exception as exc:  # odfpy raises many kinds on a damaged file (ingest's readers meet them too)
        raise AnnotationError(f"{path}: not a readable OpenDocument spreadsheet ({type(exc).__name__}: "
                              f"{exc})") from None
    return [row for row in rows if any(cell.strip() for cell in row)]


def _csv_rows(path: Path) -> list[list[str]]:
    from pipeline.errors import UnreadableFile
    from pipeline.readers.decoding import (
        decode_bytes,  # the corpus's own decoding: any encoding a spreadsheet saves
    )

    try:
        text = decode_bytes(path.read_bytes()).text
    except UnreadableFile as exc:
        raise AnnotationError(f"{path}: not a text table ({exc.reason})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(row)]
