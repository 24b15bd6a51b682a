"""Two runs of `bench.bench_real` on the same labelled pages, told apart or not.

    .venv/bin/python -m bench.bench_real --save before.json        # one configuration
    .venv/bin/python -m bench.bench_real --save after.json         # the other (same pages, same folds)
    .venv/bin/python -m bench.compare_real before.json after.json [--heldout] [--texts DIR]

For each summary figure and each category's precision: its value in both runs, the change, and the 95 %
interval of the change when the sites are drawn again with replacement, the same sites for both runs in each
draw (`scoring.paired_site_intervals`). A change whose interval holds 0 is one the set does not tell from
which sites happened to be gathered. Pages are scored where both runs have a prediction and their text is at
hand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.realpages.dataset import HELDOUT_FILE, PAGES_FILE, load_pages
from bench.realpages.scoring import (
    INTERVAL_DRAWS,
    INTERVAL_FIGURES,
    figure,
    line_outcomes,
    paired_site_intervals,
    read_predictions,
    score,
)


def _shown(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if name == "tags per gold tag" else f"{100 * value:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--heldout", action="store_true", help="the runs scored the held-out pages")
    parser.add_argument("--pages", type=Path, default=None, help="the labelled pages the runs scored")
    parser.add_argument("--texts", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    before, after = read_predictions(args.before), read_predictions(args.after)
    pages, _ = load_pages(args.pages or (HELDOUT_FILE if args.heldout else PAGES_FILE), args.texts)
    pages = [page for page in pages if page.page_id in before and page.page_id in after]
    if not pages:
        print("No page is in both runs with its text at hand: nothing to compare.")
        return 2
    from pipeline.codebook import load_codebook
    from pipeline.settings import Settings

    categories = list(load_codebook(Settings().codebook).ids)
    runs = [[o for page in pages for o in line_outcomes(page, predictions[page.page_id])]
            for predictions in (before, after)]
    old, new = (score(outcomes, categories) for outcomes in runs)
    changes = paired_site_intervals(*runs, categories)
    print(f"# {args.after.name} against {args.before.name}: {old.pages} pages of {old.sites} sites\n")
    print(f"95 % interval of the change: the sites drawn again with replacement ({INTERVAL_DRAWS:,} draws), "
          "the same for both runs; * where it leaves out 0.\n")
    print("| figure | before | after | change | 95 % interval of the change |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in [*INTERVAL_FIGURES, *(f"precision {c}" for c in categories)]:
        a, b = figure(old, name), figure(new, name)
        change = "n/a" if a is None or b is None else _shown(name, b - a)
        spread = changes.get(name)
        if spread is None:
            interval = "n/a"
        else:
            interval = f"{_shown(name, spread[0])} to {_shown(name, spread[1])}"
            interval += " *" if spread[0] > 0 or spread[1] < 0 else ""
        print(f"| {name} | {_shown(name, a)} | {_shown(name, b)} | {change} | {interval} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
