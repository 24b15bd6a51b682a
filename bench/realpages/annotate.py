"""Annotation files of the real set: make a template for a page, check a filled one.

    python -m bench.realpages.annotate show PAGE.txt                 numbered non-empty lines
    python -m bench.realpages.annotate template PAGE.txt OUT.json
    python -m bench.realpages.annotate check PAGE.txt FILLED.json
    python -m bench.realpages.annotate fill PAGE.txt ANSWERS.tsv OUT.json

ANSWERS.tsv has one row per non-empty line, tab-separated: the line number, `chrome` or `content`, the
labels separated by commas (or nothing), the competences as `term=type` separated by `;` (or nothing).

A filled file is {"lines": [{"n", "text", "chrome", "labels", "competences"}, ...]}, one entry per
non-empty line of the page in order; competences are {"term", "type"} with the term as written in the line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.realpages.lines import page_lines

CATEGORIES = (
    "objet:organisationnel objet:projet acteurs:public-public acteurs:public-prive acteurs:inter-services "
    "acteurs:interpersonnel organisation:verticale organisation:horizontale finalites:communes "
    "finalites:propres conditions:leviers conditions:freins"
).split()
COMPETENCE_TYPES = ("savoir-etre", "methode", "transversale", "autre")


def template(page_text: str) -> dict:
    return {
        "lines": [
            {"n": n, "text": text, "chrome": None, "labels": [], "competences": []}
            for n, (_, _, text) in enumerate(page_lines(page_text), start=1)
        ]
    }


def problems(page_text: str, filled: dict, *, need_chrome: bool = True) -> list[str]:
    """Everything wrong with a filled annotation file; an empty list when it is usable."""
    expected = page_lines(page_text)
    lines = filled.get("lines")
    if not isinstance(lines, list):
        return ["no 'lines' list"]
    found = []
    if len(lines) != len(expected):
        found.append(f"{len(lines)} lines annotated, the page has {len(expected)} non-empty lines")
    for entry, (_, _, text) in zip(lines, expected, strict=False):
        n = entry.get("n")
        if entry.get("text") != text:
            found.append(f"line {n}: text differs from the page")
        chrome = entry.get("chrome")
        if need_chrome and not isinstance(chrome, bool):
            found.append(f"line {n}: chrome must be true or false")
        labels = entry.get("labels", [])
        if not isinstance(labels, list) or any(label not in CATEGORIES for label in labels):
            found.append(f"line {n}: unknown label in {labels!r}")
        elif chrome and labels:
            found.append(f"line {n}: a chrome line has labels")
        for comp in entry.get("competences", []):
            if comp.get("type") not in COMPETENCE_TYPES:
                found.append(f"line {n}: competence type {comp.get('type')!r}")
            term = comp.get("term", "")
            if not term or term.lower() not in text.lower():
                found.append(f"line {n}: competence term {term!r} is not in the line")
    return found


def from_answers(page_text: str, answers: str) -> tuple[dict, list[str]]:
    """A filled annotation from the rows of an answers file, and the rows that could not be read."""
    filled = template(page_text)
    by_number = {entry["n"]: entry for entry in filled["lines"]}
    errors = []
    for row_number, row in enumerate(answers.splitlines(), start=1):
        if not row.strip():
            continue
        cells = row.rstrip("\n").split("\t")
        cells += [""] * (4 - len(cells))
        try:
            entry = by_number[int(cells[0])]
        except (ValueError, KeyError):
            errors.append(f"row {row_number}: no line number {cells[0]!r}")
            continue
        kind = cells[1].strip().lower()
        if kind not in {"chrome", "content"}:
            errors.append(f"row {row_number}: second cell must be chrome or content, not {cells[1]!r}")
            continue
        entry["chrome"] = kind == "chrome"
        entry["labels"] = [label.strip() for label in cells[2].split(",") if label.strip()]
        entry["competences"] = []
        for item in cells[3].split(";"):
            if item.strip():
                term, _, kind_of = item.rpartition("=")
                entry["competences"].append({"term": term.strip(), "type": kind_of.strip()})
    return filled, errors


def main(argv: list[str]) -> int:
    if argv[:1] == ["show"] and len(argv) == 2:
        for n, (_, _, text) in enumerate(page_lines(Path(argv[1]).read_text(encoding="utf-8")), start=1):
            print(f"{n}\t{text}")
        return 0
    if argv[:1] == ["fill"] and len(argv) == 4:
        page_text = Path(argv[1]).read_text(encoding="utf-8")
        filled, errors = from_answers(page_text, Path(argv[2]).read_text(encoding="utf-8"))
        errors += problems(page_text, filled)
        for error in errors:
            print(error)
        if errors:
            print(f"{len(errors)} problem(s): nothing written")
            return 1
        entries = [json.dumps(entry, ensure_ascii=False) for entry in filled["lines"]]
        Path(argv[3]).write_text('{"lines": [\n' + ",\n".join(entries) + "\n]}\n", "utf-8")
        print("ok")
        return 0
    if len(argv) != 3 or argv[0] not in {"template", "check"}:
        print(__doc__)
        return 2
    page_text = Path(argv[1]).read_text(encoding="utf-8")
    if argv[0] == "template":
        entries = [json.dumps(entry, ensure_ascii=False) for entry in template(page_text)["lines"]]
        Path(argv[2]).write_text('{"lines": [\n' + ",\n".join(entries) + "\n]}\n", "utf-8")
        return 0
    found = problems(page_text, json.loads(Path(argv[2]).read_text(encoding="utf-8")))
    for problem in found:
        print(problem)
    print("ok" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
