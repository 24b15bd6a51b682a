"""CSV files that a French spreadsheet opens cleanly and that diff well between runs.

Files are UTF-8 with a byte-order mark (Excel needs it to read accents), comma-separated, quoted as RFC 4180
says, with `\\n` line ends. Floats always get the same number of decimals so two runs on the same corpus give
byte-identical files. Text cells that a spreadsheet would run as a formula are defused with a leading quote.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

ENCODING = "utf-8-sig"
FLOAT_DECIMALS = 4
# A spreadsheet treats a cell starting with any of these as a formula (CSV injection). A cell that is only
# one of them ("+" and "-" mark over- and under-use in keyness tables) carries nothing to run: left as is.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def format_cell(value: object, *, decimals: int = FLOAT_DECIMALS) -> str:
    """One cell as written: floats fixed-point, None empty, text guarded against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if len(text) > 1 and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    decimals: int = FLOAT_DECIMALS,
) -> int:
    """Write `header` then `rows` to `path` (parents created) and return the number of data rows.

    The file is written beside its destination and moved into place, so a crash never leaves half a table.
    A row whose length differs from the header's is a programming error and raises ValueError."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    written = 0
    try:
        with partial.open("w", encoding=ENCODING, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow([format_cell(name) for name in header])
            for row in rows:
                if len(row) != len(header):
                    raise ValueError(
                        f"{path.name}: row {written + 1} has {len(row)} cells, the header has {len(header)}"
                    )
                writer.writerow([format_cell(cell, decimals=decimals) for cell in row])
                written += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV written by `write_csv` (or any UTF-8 CSV, BOM or not) as one dict per row.

    Values come back as text, exactly as stored: guarded cells keep their leading quote."""
    with Path(path).open("r", encoding=ENCODING, newline="") as handle:
        return list(csv.DictReader(handle))
