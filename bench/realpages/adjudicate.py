"""The lines on which the two annotators differ, for a third reading that decides the gold.

    python -m bench.realpages.adjudicate list WORK_DIR OUT.md
        every double-annotated line where chrome, categories or competences differ, with its page's
        numbered lines for context; the two answers shown as "first"/"second" in an order drawn per line,
        so that the reader cannot tell which annotator gave which
    python -m bench.realpages.adjudicate record WORK_DIR DECISIONS.tsv
        rows `page_id<TAB>n<TAB>chrome|content<TAB>labels<TAB>term=type;…` -> WORK_DIR/adjudicated.jsonl,
        checked like an annotation file (known labels, terms found in the line)"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from bench.realpages.annotate import CATEGORIES, COMPETENCE_TYPES
from bench.realpages.lines import page_lines


def _answer(line: dict) -> str:
    kind = "chrome" if line["chrome"] else "content"
    labels = ",".join(sorted(line["labels"])) or "-"
    terms = ";".join(f"{c['term']}={c['type']}" for c in line["competences"]) or "-"
    return f"{kind} | {labels} | {terms}"


def _terms(line: dict) -> set[tuple[str, str]]:
    return {(c["term"].lower(), c["type"]) for c in line["competences"]}


def disagreements(work: Path) -> list[tuple[str, dict, dict]]:
    out = []
    for b_path in sorted((work / "B").glob("*.json")):
        page_id = b_path.stem
        lines_a = json.loads((work / "A" / b_path.name).read_text(encoding="utf-8"))["lines"]
        lines_b = json.loads(b_path.read_text(encoding="utf-8"))["lines"]
        for a, b in zip(lines_a, lines_b, strict=True):
            if (a["chrome"], set(a["labels"]), _terms(a)) != (b["chrome"], set(b["labels"]), _terms(b)):
                out.append((page_id, a, b))
    return out


def write_list(work: Path, out: Path) -> int:
    rng = random.Random(7)
    found = disagreements(work)
    parts = []
    shown_pages = set()
    for page_id, a, b in found:
        if page_id not in shown_pages:
            shown_pages.add(page_id)
            text = (work / "pages" / f"{page_id}.txt").read_text(encoding="utf-8")
            numbered = "\n".join(f"{n}\t{line}" for n, (_, _, line) in enumerate(page_lines(text), start=1))
            parts.append(f"\n## Page {page_id}\n\n```\n{numbered}\n```\n")
        first, second = (a, b) if rng.random() < 0.5 else (b, a)
        parts.append(f"- line {a['n']}: first: {_answer(first)}  ||  second: {_answer(second)}\n")
    out.write_text(f"# {len(found)} lines to decide\n" + "".join(parts), encoding="utf-8")
    return len(found)


def record(work: Path, decisions: Path) -> list[str]:
    errors, rows = [], []
    texts: dict[str, list[str]] = {}
    for number, row in enumerate(decisions.read_text(encoding="utf-8").splitlines(), start=1):
        if not row.strip():
            continue
        cells = row.split("\t") + [""] * 5
        page_id, n_text, kind, labels_text, terms_text = (cell.strip() for cell in cells[:5])
        if page_id not in texts:
            path = work / "pages" / f"{page_id}.txt"
            if not path.is_file():
                errors.append(f"row {number}: no page {page_id!r}")
                continue
            texts[page_id] = [line for _, _, line in page_lines(path.read_text(encoding="utf-8"))]
        try:
            line_text = texts[page_id][int(n_text) - 1]
        except (ValueError, IndexError):
            errors.append(f"row {number}: no line {n_text!r} in {page_id}")
            continue
        labels = [label.strip() for label in labels_text.split(",") if label.strip() and label.strip() != "-"]
        terms = []
        for item in terms_text.split(";"):
            if item.strip() and item.strip() != "-":
                term, _, kind_of = item.rpartition("=")
                terms.append({"term": term.strip(), "type": kind_of.strip()})
        if kind not in ("chrome", "content"):
            errors.append(f"row {number}: {kind!r} is neither chrome nor content")
        if any(label not in CATEGORIES for label in labels):
            errors.append(f"row {number}: unknown label in {labels}")
        for term in terms:
            if term["type"] not in COMPETENCE_TYPES or term["term"].lower() not in line_text.lower():
                errors.append(f"row {number}: competence {term} (type, or not in the line)")
        chrome = kind == "chrome"
        rows.append({"page_id": page_id, "n": int(n_text), "chrome": chrome,
                     "labels": [] if chrome else labels, "competences": [] if chrome else terms})
    if not errors:
        with (work / "adjudicated.jsonl").open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return errors


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"] and len(argv) == 3:
        print(f"{write_list(Path(argv[1]), Path(argv[2]))} lines to decide")
        return 0
    if argv[:1] == ["record"] and len(argv) == 3:
        errors = record(Path(argv[1]), Path(argv[2]))
        for error in errors:
            print(error)
        print("ok" if not errors else f"{len(errors)} problem(s): nothing written")
        return 1 if errors else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
