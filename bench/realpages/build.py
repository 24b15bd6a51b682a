"""How the real set was assembled: pages gathered, annotated twice in part, adjudicated, written out.

    python -m bench.realpages.build ingest RAW_DIR WORK_DIR
        pages gathered as RAW_DIR/*-meta.jsonl + text files -> WORK_DIR/pages/<page_id>.txt and
        WORK_DIR/pages-meta.jsonl (duplicates by URL or text dropped)
    python -m bench.realpages.build assemble WORK_DIR [LICENCES.json]
        WORK_DIR/A/<page_id>.json (every page), WORK_DIR/B/<page_id>.json (the double-annotated pages),
        WORK_DIR/adjudicated.jsonl -> bench/realpages/pages.jsonl and agreement.json; the texts of pages
        whose licence allows reuse -> bench/realpages/open/ and their content lines ->
        corpus/annotations/real.jsonl; the other texts -> bench/realpages/local/ and their content lines ->
        corpus/annotations/real-local.jsonl (both git-ignored). LICENCES.json maps a site to the licence
        it states, where the gathered copy did not show it.
    python -m bench.realpages.build passages
        corpus/annotations/real(-local).jsonl again from pages.jsonl, heldout.jsonl and the texts at hand
    python -m bench.realpages.build assemble-heldout WORK_DIR [WORK_DIR ...] [--blind WORK_DIR ...]
        the held-out set, from one work folder per batch of pages: WORK_DIR/A/<page_id>.json (its labels)
        and WORK_DIR/B/<page_id>.json (a second, blind pass, for the agreement; not adjudicated) ->
        bench/realpages/heldout.jsonl and heldout-agreement.json; the texts -> bench/realpages/local/
        (git-ignored). Its sites must be none of the development set's, nor shared between batches; its
        content lines become training passages like the development set's (`passages`), except those of
        the batches after --blind, which are only ever scored (their records say "trains": false).

Annotation files are checked with `annotate.problems`; a missing or wrong one stops the build."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.realpages.agreement import agreement
from bench.realpages.annotate import CATEGORIES, problems
from bench.realpages.dataset import (
    AGREEMENT_FILE,
    HELDOUT_AGREEMENT_FILE,
    HELDOUT_FILE,
    LOCAL_TEXTS,
    OPEN_TEXTS,
    PAGES_FILE,
    load_pages,
    read_records,
)
from bench.realpages.lines import line_key, page_lines, text_sha1
from pipeline.diskcache import write_atomic

PROJECT = Path(__file__).resolve().parents[2]
REAL_ANNOTATIONS = PROJECT / "corpus" / "annotations" / "real.jsonl"
LOCAL_REAL_ANNOTATIONS = PROJECT / "corpus" / "annotations" / "real-local.jsonl"
RETRIEVED = "2026-11-29"  # the day the stored copies were read
RECORD_FIELDS = ("page_id", "url", "site", "kind", "event", "retrieved", "sha1", "found_with")  # of a page


def _slug(site: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", site.lower()).strip("-")[:40]


def ingest(raw: Path, work: Path) -> None:
    (work / "pages").mkdir(parents=True, exist_ok=True)
    seen_urls, seen_texts, kept = set(), set(), []
    for meta_file in sorted(raw.glob("*-meta.jsonl")):
        for line in meta_file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            meta = json.loads(line)
            text = (raw / meta["file"]).read_text(encoding="utf-8")
            sha1 = text_sha1(text)
            if meta["url"] in seen_urls or sha1 in seen_texts:
                print(f"duplicate dropped: {meta['file']} {meta['url']}")
                continue
            seen_urls.add(meta["url"])
            seen_texts.add(sha1)
            page_id = f"{_slug(meta['site'])}-{sha1[:8]}"
            (work / "pages" / f"{page_id}.txt").write_text(text, encoding="utf-8")
            kept.append({"page_id": page_id, "url": meta["url"], "site": meta["site"], "kind": meta["kind"],
                         "event": meta.get("event", ""), "licence": meta.get("licence", "unknown"),
                         "retrieved": RETRIEVED, "sha1": sha1, "gathered_as": meta["file"],
                         "found_with": meta.get("query", "")})
    with (work / "pages-meta.jsonl").open("w", encoding="utf-8") as handle:
        for meta in kept:
            handle.write(json.dumps(meta, ensure_ascii=False) + "\n")
    print(f"{len(kept)} pages from {len({m['site'] for m in kept})} sites")


def _load(path: Path, text: str) -> list[dict]:
    filled = json.loads(path.read_text(encoding="utf-8"))
    found = problems(text, filled)
    if found:
        raise SystemExit(f"{path}: " + "; ".join(found[:5]))
    return filled["lines"]


def _write_set(records: list[dict], pairs: list[tuple[dict, dict]], pages_file: Path,
               agreement_file: Path) -> None:
    """A labelled set's page records, one JSON line each, and its two annotation passes' agreement."""
    with pages_file.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    agreement_file.write_text(json.dumps(agreement(pairs, CATEGORIES), ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")


def assemble(work: Path, licences: dict[str, str] | None = None) -> None:
    metas = [json.loads(line) for line in (work / "pages-meta.jsonl").read_text("utf-8").splitlines()]
    decisions: dict[tuple[str, int], dict] = {}
    adjudicated = work / "adjudicated.jsonl"
    if adjudicated.is_file():
        for line in adjudicated.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                decisions[(d["page_id"], d["n"])] = d
    pairs = []  # (A line, B line) for the agreement
    records = []
    OPEN_TEXTS.mkdir(exist_ok=True)
    for meta in metas:
        text = (work / "pages" / f"{meta['page_id']}.txt").read_text(encoding="utf-8")
        lines_a = _load(work / "A" / f"{meta['page_id']}.json", text)
        b_path = work / "B" / f"{meta['page_id']}.json"
        lines_b = _load(b_path, text) if b_path.is_file() else None
        licence = (licences or {}).get(meta["site"], meta["licence"])
        is_open = licence_allows_reuse(licence)
        out_lines = []
        for index, ((_, _, line_text), a) in enumerate(zip(page_lines(text), lines_a, strict=True)):
            entry = {"key": line_key(line_text), "chrome": a["chrome"], "labels": sorted(a["labels"]),
                     "competences": a["competences"]}
            if lines_b is not None:
                b = lines_b[index]
                pairs.append((a, b))
                entry |= {"chrome_a": a["chrome"], "chrome_b": b["chrome"], "labels_a": sorted(a["labels"]),
                          "labels_b": sorted(b["labels"]), "competences_b": b["competences"]}
                decision = decisions.get((meta["page_id"], a["n"]))
                if decision is not None:
                    entry |= {"chrome": decision["chrome"], "labels": sorted(decision["labels"]),
                              "competences": decision.get("competences", a["competences"])}
                elif a["chrome"] != b["chrome"] or set(a["labels"]) != set(b["labels"]):
                    raise SystemExit(f"{meta['page_id']} line {a['n']}: annotators differ and no decision")
            if entry["chrome"]:
                entry["labels"] = []
                entry["competences"] = []
            assert all(label in CATEGORIES for label in entry["labels"])
            out_lines.append(entry)
        record = {key: meta.get(key, "") for key in RECORD_FIELDS}
        record |= {"licence": licence, "text_committed": is_open, "lines": out_lines}
        records.append(record)
        if is_open:
            shutil.copyfile(work / "pages" / f"{meta['page_id']}.txt", OPEN_TEXTS / f"{meta['page_id']}.txt")
    _write_set(records, pairs, PAGES_FILE, AGREEMENT_FILE)
    for meta in metas:  # the texts of the other pages, for the benches on this machine (git-ignored)
        LOCAL_TEXTS.mkdir(exist_ok=True)
        shutil.copyfile(work / "pages" / f"{meta['page_id']}.txt", LOCAL_TEXTS / f"{meta['page_id']}.txt")
    print(f"{len(records)} pages, {sum(len(r['lines']) for r in records)} lines, "
          f"{sum(r['text_committed'] for r in records)} open pages")
    write_passages()


def assemble_heldout(works: Sequence[Path], blind: Sequence[Path] = ()) -> None:
    """The held-out set from work folders labelled like the development set, one per batch of pages: pass A
    gives the labels, pass B (every page) the annotators' agreement. Nothing is adjudicated; `passages`
    makes training passages of the content lines afterwards, except for the `blind` batches, which nothing
    is trained on. A page of a development site, or a site in two batches, stops the build (it would not be
    held out from what the development set chose)."""
    seen = {record["site"]: "the development set" for record in read_records()}
    metas: list[tuple[Path, dict]] = []
    for work in (*works, *blind):
        batch = [json.loads(line) for line in (work / "pages-meta.jsonl").read_text("utf-8").splitlines()
                 if line.strip()]
        shared = sorted(f"{meta['site']} ({seen[meta['site']]})" for meta in batch if meta["site"] in seen)
        if shared:
            raise SystemExit(f"{work}: sites seen already cannot be held out: {', '.join(shared)}")
        seen |= {meta["site"]: str(work) for meta in batch}
        metas.extend((work, meta) for meta in batch)
    pairs, records = [], []
    LOCAL_TEXTS.mkdir(exist_ok=True)
    for work, meta in metas:
        text = (work / "pages" / f"{meta['page_id']}.txt").read_text(encoding="utf-8")
        lines_a = _load(work / "A" / f"{meta['page_id']}.json", text)
        lines_b = _load(work / "B" / f"{meta['page_id']}.json", text)
        out_lines = []
        for (_, _, line_text), a, b in zip(page_lines(text), lines_a, lines_b, strict=True):
            pairs.append((a, b))
            entry = {"key": line_key(line_text), "chrome": a["chrome"],
                     "labels": [] if a["chrome"] else sorted(a["labels"]),
                     "competences": [] if a["chrome"] else a["competences"],
                     "chrome_b": b["chrome"], "labels_b": sorted(b["labels"]),
                     "competences_b": b["competences"]}
            assert all(label in CATEGORIES for label in entry["labels"] + entry["labels_b"])
            out_lines.append(entry)
        record = {key: meta.get(key, "") for key in RECORD_FIELDS}
        record |= {"licence": meta["licence"], "text_committed": False, "lines": out_lines}
        if work in blind:
            record["trains"] = False
        records.append(record)
        shutil.copyfile(work / "pages" / f"{meta['page_id']}.txt", LOCAL_TEXTS / f"{meta['page_id']}.txt")
    if any(licence_allows_reuse(record["licence"]) for record in records):
        raise SystemExit("an open-licensed held-out page: commit its text as the development set's are first")
    _write_set(records, pairs, HELDOUT_FILE, HELDOUT_AGREEMENT_FILE)
    print(f"held out: {len(records)} pages of {len({r['site'] for r in records})} sites, "
          f"{sum(len(r['lines']) for r in records)} lines")


def write_passages(sets: Sequence[Path] = (PAGES_FILE, HELDOUT_FILE), texts: Sequence[Path] = (),
                   committed: Path = REAL_ANNOTATIONS, local: Path = LOCAL_REAL_ANNOTATIONS) -> None:
    """The content lines of every page of both real sets whose text is at hand, as training passages of the
    source `real`: those of open-licensed pages in `committed` (corpus/annotations/real.jsonl), the others
    in `local` (real-local.jsonl, git-ignored). Made from pages.jsonl, heldout.jsonl and the texts alone,
    so a machine that has the texts again can rebuild them (`python -m bench.realpages.build passages`).
    The held-out pages train the classifier like the development set's (docs/realset.md, "The held-out
    pages train the classifier"), except a blind batch's (`"trains": false`); the benches keep each fold's
    sites out of its classifier. A text met twice is written once, with its first labels."""
    pages, absent, open_ids, blind_ids = [], [], set(), set()
    for path in sets:
        if not path.is_file():
            continue
        found, missing = load_pages(path, texts)
        records = read_records(path)
        open_ids |= {r["page_id"] for r in records if r.get("text_committed")}
        blind_ids |= {r["page_id"] for r in records if r.get("trains") is False}
        pages += [page for page in found if page.page_id not in blind_ids]
        absent += missing
    seen: set[str] = set()
    rows: dict[bool, list[dict]] = {True: [], False: []}
    for page in pages:
        for line in page.lines:
            text = line.text.strip()
            if line.chrome or text in seen:
                continue
            seen.add(text)
            rows[page.page_id in open_ids].append(
                {"text": text, "label": sorted(line.labels), "source": "real",
                 "doc_id": f"real/{page.page_id}", "group": f"real/{page.site}"})
    for path, is_open in ((committed, True), (local, False)):
        if rows[is_open]:
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows[is_open])
            write_atomic(path, text.encode("utf-8"))
        elif path.exists():
            path.unlink()
    print(f"{len(rows[True]) + len(rows[False])} real passages for training ({len(rows[True])} committed), "
          f"{len(absent)} pages without their text")


OPEN_LICENCES = ("licence ouverte", "etalab", "cc by", "cc-by", "creative commons attribution", "cc0",
                 "domaine public")


def licence_allows_reuse(licence: str) -> bool:
    """Licence Ouverte / Etalab, CC BY, CC BY-SA and CC0 allow reuse of the text; ND or NC variants do not
    allow the adaptation (a labelled, line-split copy) the set is."""
    lowered = licence.lower()
    if any(flag in lowered for flag in ("-nd", " nd", "-nc", " nc", "noderiv", "noncommercial")):
        return False
    return any(name in lowered for name in OPEN_LICENCES)


def main(argv: list[str]) -> int:
    if argv[:1] == ["ingest"] and len(argv) == 3:
        ingest(Path(argv[1]), Path(argv[2]))
        return 0
    if argv == ["passages"]:
        write_passages()
        return 0
    if argv[:1] == ["assemble-heldout"] and len(argv) >= 2:
        folders = argv[1:]
        cut = folders.index("--blind") if "--blind" in folders else len(folders)
        assemble_heldout([Path(a) for a in folders[:cut]], [Path(a) for a in folders[cut + 1:]])
        return 0
    if argv[:1] == ["assemble"] and len(argv) in (2, 3):
        licences = json.loads(Path(argv[2]).read_text("utf-8")) if len(argv) == 3 else None
        assemble(Path(argv[1]), licences)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
