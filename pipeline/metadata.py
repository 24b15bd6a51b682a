"""What is known of each report besides its text: date, year, network, place, kind of event, any column of
the user's, for comparing reports across a variable.

Four sources, the later overriding the earlier for a variable they both give:
1. the file name: a year (`crDH2014S3.md`, `2015-02-13_seminaire.txt`) gives `annee`, a full date `date`;
2. what an HTML page's markup says of it (trafilatura): `date` (only where the markup gives one), `site`,
   `titre`, `auteur`;
3. YAML front matter at the top of a Markdown or text file (`---` … `---`): its scalar fields (`date: 2013`,
   `reseau: UNADEL`); lists and nested values are left out;
4. `metadata.csv` at the top of the corpus folder: a `doc_id` column (the file's path inside the corpus, as
   in `passages.jsonl`) and any other columns; a bad file or row is an error naming its line.

Variable names are lowercased, accents and spaces made plain (`Réseau` -> `reseau`), so that the three
sources agree and IRaMuTeQ accepts them; values are kept as written (trimmed)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import yaml

from pipeline.errors import CorpusError, UnreadableFile
from pipeline.readers.decoding import decode_bytes

METADATA_FILE = "metadata.csv"
_YEAR_OR_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(?:[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01]))?(?!\d)")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_NAME = re.compile(r"[^a-z0-9]+")

Metadata = Mapping[str, str]


def variable_name(name: str) -> str:
    """`Réseau d'origine` -> `reseau_d_origine`."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    return _NAME.sub("_", plain).strip("_")


def from_file_name(doc_id: str) -> dict[str, str]:
    """`annee` (and `date` when the name holds a full one) from the last date-like number of the file name."""
    stem = Path(doc_id).stem
    found = list(_YEAR_OR_DATE.finditer(stem))
    if not found:
        return {}
    year, month, day = found[-1].groups()
    return {"annee": year, **({"date": f"{year}-{month}-{day}"} if month and day else {})}


def from_front_matter(text: str) -> dict[str, str]:
    """The scalar fields of the YAML front matter that opens `text`, if any (a year read off its `date`)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    fields = {}
    for key, value in data.items():
        name = variable_name(key)
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        if name and scalar and str(value).strip():
            fields[name] = str(value).strip()
        elif name and hasattr(value, "isoformat"):  # YAML reads 2015-02-13 as a date
            fields[name] = value.isoformat()
    if "annee" not in fields and (year := _YEAR_OR_DATE.search(fields.get("date", ""))):
        fields["annee"] = year.group(1)
    return fields


def strip_front_matter(text: str) -> str:
    """`text` without the YAML front matter that opens it, if any."""
    match = _FRONT_MATTER.match(text)
    return text[match.end():] if match else text


def read_metadata_table(corpus: Path) -> dict[str, dict[str, str]]:
    """doc_id -> variables from `metadata.csv` in `corpus` ({} when there is none). The file may be in any
    encoding the corpus files may be in (a spreadsheet saves Windows-1252, or UTF-16 as « texte Unicode »),
    its cells separated by commas, semicolons (a French spreadsheet's CSV) or tabs, whichever its header
    line holds most. Raises CorpusError naming the file and line for a file that cannot be read as text,
    has no `doc_id` column, a row with too many or too few cells, an empty or repeated doc_id."""
    path = Path(corpus) / METADATA_FILE
    if not path.is_file():
        return {}
    try:
        text = decode_bytes(path.read_bytes()).text
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnreadableFile as exc:
        raise CorpusError(f"{path}: cannot be read as text ({exc.reason})") from None
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)  # a tie (none at all) keeps the comma
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return {}
    header = [variable_name(h) for h in rows[0]]
    if "doc_id" not in header:
        raise CorpusError(f"{path}:1: no 'doc_id' column (columns: {', '.join(rows[0])})")
    table: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CorpusError(f"{path}:{number}: {len(row)} cells for {len(header)} columns")
        values = dict(zip(header, (cell.strip() for cell in row), strict=True))
        doc_id = values.pop("doc_id")
        if not doc_id:
            raise CorpusError(f"{path}:{number}: empty doc_id")
        if doc_id in table:
            raise CorpusError(f"{path}:{number}: doc_id '{doc_id}' given twice")
        table[doc_id] = {k: v for k, v in values.items() if k and v}
    return table


def document_metadata(doc_id: str, text: str, table: Mapping[str, Mapping[str, str]],
                      embedded: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of one document: file name, then what the file says of itself (`embedded`: an HTML
    page's date, site, title, author), then front matter, then `metadata.csv`."""
    merged = {**from_file_name(doc_id), **{variable_name(k): v for k, v in (embedded or {}).items()},
              **from_front_matter(text), **table.get(doc_id, {})}
    if "date" in merged and "annee" not in merged and (year := _YEAR_OR_DATE.search(merged["date"])):
        merged["annee"] = year.group(1)
    return dict(sorted(merged.items()))
