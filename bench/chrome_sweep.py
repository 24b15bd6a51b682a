"""The chrome rule's threshold swept through the whole cleaning, on the real pages: chrome removed against
content kept at each threshold.

    .venv/bin/python -m bench.chrome_sweep [--heldout] [--thresholds 0.9,0.8,0.7,0.6,0.5]

Each page is cleaned by itself with the default rules (so `repeated`, which needs other documents, removes
nothing; `make bench-real` runs the whole corpus), the chrome model as shipped but for its threshold. A line
counts as removed as in `make bench-real`. On the development pages the shipped model and the named rules
were fitted and written on the very lines scored (use `bench.fit_chrome` for its site folds); on the held-out
pages, choosing the threshold by what this prints is choosing it on the lines scored: what the model's
ranking allows at best, not what a threshold chosen elsewhere gets. Needs the pages' texts (docs/data.md)."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from bench.realpages.dataset import HELDOUT_FILE, PAGES_FILE, load_pages
from bench.realpages.scoring import REMOVED_SHARE, removed_share
from pipeline.clean import clean_text
from pipeline.clean.chrome import active_model, use_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true",
                        help="the held-out pages instead of the development set")
    parser.add_argument("--thresholds", default="0.9,0.8,0.7,0.6,0.5,0.4")
    args = parser.parse_args(argv)
    pages, absent = load_pages(HELDOUT_FILE if args.heldout else PAGES_FILE)
    if not pages:
        print(f"no page text at hand ({len(absent)} pages without): see docs/data.md")
        return 2
    shipped = active_model()
    thresholds = [shipped.threshold, *(float(t) for t in args.thresholds.split(","))]
    print(f"{len(pages)} pages, {len(absent)} without their text\n")
    print("| threshold | chrome lines removed | content lines kept | content lines lost |")
    print("| ---: | ---: | ---: | ---: |")
    try:
        for threshold in thresholds:
            use_model(dataclasses.replace(shipped, threshold=threshold))
            chrome = chrome_removed = content = content_lost = 0
            for page in pages:
                removals = [(r.start, r.end, r.reason) for r in clean_text(page.text).removals]
                for line in page.lines:
                    gone = removed_share(line, removals) >= REMOVED_SHARE
                    if line.chrome:
                        chrome, chrome_removed = chrome + 1, chrome_removed + gone
                    else:
                        content, content_lost = content + 1, content_lost + gone
            shipped_mark = " (shipped)" if threshold == shipped.threshold else ""
            print(f"| {threshold:.3f}{shipped_mark} | {chrome_removed / chrome:.1%} "
                  f"({chrome_removed} / {chrome}) | {1 - content_lost / content:.1%} | {content_lost} |",
                  flush=True)
    finally:
        use_model(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
