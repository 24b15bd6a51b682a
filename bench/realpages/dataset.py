"""The real development set as the benches read it: `pages.jsonl` (keys and labels, always committed) and
each page's text, found where it may be kept.

A page's text is committed (`open/<page_id>.txt`) only where its site's licence allows reuse; the others are
kept outside git (`local/<page_id>.txt`, git-ignored, or a folder named by REALPAGES_TEXTS). A text is used
only when its sha1 is the one recorded, and every line's key matches: a bench never scores a page against
labels made for another version of it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.realpages.lines import line_key, page_lines, text_sha1

HERE = Path(__file__).resolve().parent
PAGES_FILE = HERE / "pages.jsonl"
AGREEMENT_FILE = HERE / "agreement.json"
# Pages of other sites, labelled the same way, that no rule or chrome model is chosen on (one lexicon choice
# was read off batches 1-3: docs/annotation.md 6.9) (`make bench-heldout`: does what the development set's
# folds say hold?); their passages train the classifier, which the bench therefore scores by site folds.
HELDOUT_FILE = HERE / "heldout.jsonl"
HELDOUT_AGREEMENT_FILE = HERE / "heldout-agreement.json"
OPEN_TEXTS = HERE / "open"
LOCAL_TEXTS = HERE / "local"


@dataclass(frozen=True)
class GoldLine:
    start: int
    end: int
    text: str
    chrome: bool
    labels: frozenset[str]
    competences: tuple[tuple[str, str], ...]  # (term as written, type)


@dataclass(frozen=True)
class RealPage:
    page_id: str
    site: str
    url: str
    licence: str
    text: str
    lines: tuple[GoldLine, ...]


def text_folders(extra: Iterable[Path] = ()) -> list[Path]:
    folders = [OPEN_TEXTS, LOCAL_TEXTS, *extra]
    if os.environ.get("REALPAGES_TEXTS"):
        folders.append(Path(os.environ["REALPAGES_TEXTS"]))
    return folders


def read_records(path: Path = PAGES_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def find_text(record: dict, folders: Iterable[Path]) -> tuple[str | None, str]:
    """The page's text and how it matched, or None and why no copy could be used.

    A copy matches when its sha1 is the recorded one ("exact"), or when every non-empty line has the key
    recorded for it ("keys": only whitespace, no-break spaces or apostrophes differ, as when a page is
    copied again from the stored page)."""
    why = "no copy"
    for folder in folders:
        path = folder / f"{record['page_id']}.txt"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if text_sha1(text) == record["sha1"]:
            return text, "exact"
        keys = [line_key(line) for _, _, line in page_lines(text)]
        if keys == [line["key"] for line in record["lines"]]:
            return text, "keys"
        why = f"{path}: neither its sha1 nor its line keys are the recorded ones"
    return None, why


def attach(record: dict, text: str) -> RealPage:
    """The record's labels on the lines of its text; raises ValueError when the lines do not match."""
    lines = page_lines(text)
    if len(lines) != len(record["lines"]):
        raise ValueError(f"{record['page_id']}: {len(lines)} lines in the text, "
                         f"{len(record['lines'])} labelled")
    gold = []
    for (start, end, line), label in zip(lines, record["lines"], strict=True):
        if line_key(line) != label["key"]:
            raise ValueError(f"{record['page_id']}: line at {start} does not match its key")
        gold.append(GoldLine(start, end, line, bool(label["chrome"]), frozenset(label.get("labels", ())),
                             tuple((c["term"], c["type"]) for c in label.get("competences", ()))))
    return RealPage(record["page_id"], record["site"], record["url"], record["licence"], text, tuple(gold))


def load_pages(path: Path = PAGES_FILE,
               extra_folders: Iterable[Path] = ()) -> tuple[list[RealPage], list[str]]:
    """Every page whose text is at hand, and a line per page that is not (with the reason)."""
    pages, absent = [], []
    folders = text_folders(extra_folders)
    for record in read_records(path):
        text, why = find_text(record, folders)
        if text is None:
            absent.append(f"{record['page_id']} ({record['site']}): {why}")
            continue
        pages.append(attach(record, text))
    return pages, absent


def site_folds(sites: Iterable[str], k: int) -> dict[str, int]:
    """Each site into one of k folds, the sites with most pages first into the fold with fewest pages, so
    that every page of a site is in one fold and the folds are about the same size."""
    counts: dict[str, int] = {}
    for site in sites:
        counts[site] = counts.get(site, 0) + 1
    sizes = [0] * k
    folds = {}
    for site in sorted(counts, key=lambda s: (-counts[s], s)):
        fold = min(range(k), key=lambda f: (sizes[f], f))
        folds[site] = fold
        sizes[fold] += counts[site]
    return folds
