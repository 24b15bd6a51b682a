"""Read a page of the real set again and say, line by line, whether the copy is the one that was labelled.

    python3 -m bench.realpages.restore list [--heldout]       # page_id, url and search of each page
    python3 -m bench.realpages.restore compare PAGE_ID FILE   # FILE's lines against the recorded keys

The texts are not committed (`docs/data.md`); on a machine without them they are read again from the stored
public copies, found with each record's `found_with` search and its URL, and written to
`bench/realpages/local/<page_id>.txt`. `compare` tells which lines of such a copy differ from what was
labelled (a line key is the sha1 of the normalised line, `bench/realpages/lines.py`), so that a copy can be
mended before `python -m bench.realpages.check` accepts it. Standard library only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.realpages.dataset import HELDOUT_FILE, PAGES_FILE, read_records
from bench.realpages.lines import line_key, page_lines, text_sha1


def _all_records() -> dict[str, dict]:
    records = {}
    for path in (PAGES_FILE, HELDOUT_FILE):
        if path.is_file():
            records.update({record["page_id"]: record for record in read_records(path)})
    return records


def compare(record: dict, text: str) -> list[str]:
    """One report line per line of the copy and per recorded line missing from it; empty when all match."""
    recorded = [line["key"] for line in record["lines"]]
    lines = page_lines(text)
    report = []
    for index, (_, _, line) in enumerate(lines):
        key = line_key(line)
        if index < len(recorded) and key == recorded[index]:
            continue
        where = recorded.index(key) if key in recorded else None
        status = f"matches recorded line {where + 1}" if where is not None else "matches no recorded line"
        report.append(f"line {index + 1} differs ({status}): {line[:120]!r}")
    if len(lines) != len(recorded):
        report.append(f"{len(lines)} non-empty lines in the copy, {len(recorded)} recorded")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list")
    listing.add_argument("--heldout", action="store_true")
    checking = commands.add_parser("compare")
    checking.add_argument("page_id")
    checking.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "list":
        for record in read_records(HELDOUT_FILE if args.heldout else PAGES_FILE):
            fields = (record["page_id"], record["url"], record["found_with"], f"{len(record['lines'])} lines")
            print("\t".join(fields))
        return 0
    record = _all_records().get(args.page_id)
    if record is None:
        print(f"no page {args.page_id!r} in pages.jsonl or heldout.jsonl", file=sys.stderr)
        return 2
    text = args.file.read_text(encoding="utf-8")
    report = compare(record, text)
    exact = text_sha1(text) == record["sha1"]
    for line in report:
        print(line)
    print("exact copy" if exact else ("every line matches" if not report else f"{len(report)} problems"))
    return 0 if not report else 1


if __name__ == "__main__":
    sys.exit(main())
