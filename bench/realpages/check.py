"""Check the local copies of the real set's pages against what the repository recorded of them.

    .venv/bin/python -m bench.realpages.check [--texts DIR]

For each page of pages.jsonl and of the held-out heldout.jsonl: `exact` (sha1 matches), `keys` (every line
matches its key; only whitespace, no-break spaces or apostrophes differ), or why no copy could be used.
Exit 1 when a copy exists but matches neither way (a page changed, or a copy of another page under its
name)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bench.realpages.dataset import HELDOUT_FILE, PAGES_FILE, find_text, read_records, text_folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    folders = text_folders(args.texts)
    bad = 0
    for pages_file in (PAGES_FILE, HELDOUT_FILE):
        if not pages_file.is_file():
            continue
        tally: Counter[str] = Counter()
        for record in read_records(pages_file):
            text, how = find_text(record, folders)
            status = how if text is not None else ("absent" if how == "no copy" else "mismatch")
            tally[status] += 1
            if status == "mismatch":
                bad += 1
                print(f"{record['page_id']}: {how}")
        print(f"{pages_file.name}: " + ", ".join(f"{n} {status}" for status, n in sorted(tally.items())) +
              f" (looked in: {', '.join(str(f) for f in folders)})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
