"""Fit the cleaning rule `chrome` on the real development set and say how it does on sites it never saw.

    .venv/bin/python -m bench.fit_chrome [--write] [--keep 0.99] [--clean-corpus ../shared/corpora/crdh]

For each regularisation strength of the word score (a small grid): site-grouped out-of-fold probabilities
(5 folds); the share of chrome lines removed at the threshold that keeps `--keep` of the content lines, that
threshold chosen on the same out-of-fold probabilities (what the method can reach) and on the other folds
only (what to expect on new sites); and the share of the characters of a corpus without any junk
(`--clean-corpus`, its Markdown read as plain text; every removal there a mistake) that the model fitted on
every page removes. The threshold is raised where the clean corpus asks (`chrome_fit.fit`), and the
cross-fitted figures use the raised one. The strength with the best cross-fitted recall is fitted on every
page; `--write` saves it to pipeline/data/chrome_lines.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from bench.realpages.chrome_fit import (
    CLEAN_LIMIT,
    DEFAULT_CLEAN,
    KEEP,
    clean_lines,
    fit,
    keeping_threshold,
    out_of_fold,
    removed_share,
)
from bench.realpages.dataset import load_pages, site_folds
from pipeline.clean.chrome import MODEL_FILE, ChromeModel

GRID = (0.3, 1.0, 3.0)  # strength of the word score's logistic regression


def cross_fitted(probabilities, labels, fold, keep, floor: float = 0.0) -> tuple[float, float]:
    """Chrome removed and content kept when each fold's threshold is chosen on the other folds (never below
    `floor`, the threshold the clean corpus asks for)."""
    removed = np.zeros(len(labels), dtype=bool)
    for k in np.unique(fold):
        others = fold != k
        cut = max(keeping_threshold(probabilities[others], labels[others], keep), floor)
        removed[fold == k] = probabilities[fold == k] >= cut
    return removed[labels].mean(), 1 - removed[~labels].mean()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--keep", type=float, default=KEEP)
    parser.add_argument("--clean-corpus", type=Path,
                        default=DEFAULT_CLEAN if DEFAULT_CLEAN.is_dir() else None)
    args = parser.parse_args(argv)
    pages, absent = load_pages()
    if not pages:
        print("no page text at hand: nothing to fit (see docs/data.md)")
        return 2
    sites = [page.site for page in pages for _ in page.lines]
    fold_of = site_folds(sites, 5)
    fold = np.array([fold_of[s] for s in sites])
    print(f"{len(pages)} pages ({len(absent)} without text), {len(sites)} lines\n")
    clean = clean_lines(args.clean_corpus)
    print(f"clean corpus: {args.clean_corpus} ({len(clean)} files)\n" if clean else "no clean corpus\n")
    print("| C | chrome removed (threshold on the same folds) | chrome removed, cross-fitted | content kept, "
          "cross-fitted | clean corpus removed |\n| ---: | ---: | ---: | ---: | ---: |")
    best = None
    for c_value in GRID:
        probabilities, labels = out_of_fold(pages, c_value)
        cut = keeping_threshold(probabilities, labels, args.keep)
        same = (probabilities[labels] >= cut).mean()
        model = fit(pages, c_value, keep=args.keep, clean=clean, out_of_fold_probabilities=probabilities)
        chrome, content = cross_fitted(probabilities, labels, fold, args.keep, model["clean_threshold"])
        share = removed_share(ChromeModel.from_dict(model), clean)
        shown = "n/a" if share is None else f"{100 * share:.2f}"
        print(f"| {c_value} | {100 * same:.1f} | {100 * chrome:.1f} | {100 * content:.1f} | {shown} |")
        if (share is None or share <= CLEAN_LIMIT) and (best is None or chrome > best[1]):
            best = (c_value, chrome, model)
    if best is None:
        print("no strength keeps the clean corpus: nothing chosen")
        return 1
    model = best[2]
    print(f"\nchosen C = {best[0]}; fitted on every page: threshold {model['threshold']:.4f}, "
          f"{len(model['words'])} words weighted")
    if args.write:
        text = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        MODEL_FILE.write_text(text + "\n", encoding="utf-8")
        print(f"written to {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
