"""Counts of the real development set, from pages.jsonl alone (no page text needed).

    .venv/bin/python -m bench.realpages.stats"""

from __future__ import annotations

import sys
from collections import Counter

from bench.realpages.annotate import CATEGORIES, COMPETENCE_TYPES
from bench.realpages.dataset import PAGES_FILE, read_records


def main() -> int:
    records = read_records(PAGES_FILE)
    lines = [line for record in records for line in record["lines"]]
    content = [line for line in lines if not line["chrome"]]
    double = [line for line in lines if "labels_b" in line]
    print(f"pages {len(records)}, sites {len({r['site'] for r in records})}, "
          f"texts committed {sum(r['text_committed'] for r in records)}")
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in Counter(r["kind"] for r in records).most_common()))
    print(f"lines {len(lines)}: chrome {len(lines) - len(content)}, content {len(content)}; "
          f"content with a category {sum(1 for line in content if line['labels'])}, "
          f"with 2+ {sum(1 for line in content if len(line['labels']) > 1)}")
    double_pages = {r["page_id"] for r in records if any("labels_b" in line for line in r["lines"])}
    print(f"double-annotated: {len(double_pages)} pages, {len(double)} lines, "
          f"{sum(1 for line in double if not line['chrome'])} content")
    tally = Counter(label for line in content for label in line["labels"])
    print("| category | lines |\n| --- | ---: |")
    for category in CATEGORIES:
        print(f"| {category} | {tally[category]} |")
    terms = [c for line in content for c in line["competences"]]
    types = Counter(c["type"] for c in terms)
    print(f"competence terms {len(terms)}: " + ", ".join(f"{t} {types[t]}" for t in COMPETENCE_TYPES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
