"""Fit the cleaning rule `chrome` on the real development set and say how it does on sites it never saw.

    .venv/bin/python -m bench.fit_chrome [--write] [--keep 0.99] [--clean-corpus ../shared/corpora/crdh]

For each regularisation strength of a small grid: site-grouped out-of-fold probabilities (5 folds), and the
share of chrome lines removed at the threshold that keeps `--keep` of the content lines, both with that
threshold chosen on the same out-of-fold probabilities (what the method can reach) and chosen on the other
folds only (what to expect on new sites), and the share of the characters of a corpus without any junk
(`--clean-corpus`, every removal there a mistake) the model fitted on every page removes. The strength with
the best cross-fitted recall among those removing less than CLEAN_LIMIT of the clean corpus is fitted on
every page; `--write` saves it to pipeline/data/chrome_lines.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from bench.realpages.chrome_fit import KEEP, fit, keeping_threshold, out_of_fold
from bench.realpages.dataset import load_pages, site_folds
from pipeline.clean.chrome import MODEL_FILE, ChromeModel
from pipeline.clean.lines import split_lines

GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
CLEAN_LIMIT = 0.005  # docs/cleaning.md: clean crdh loses less than 0.5 % of its characters
DEFAULT_CLEAN = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "crdh"


def clean_lines(folder: Path | None) -> list[list[str]]:
    if folder is None or not folder.is_dir():
        return []
    documents = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".md", ".txt") and path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            documents.append([line.stripped for line in split_lines(text) if not line.is_blank])
    return documents


def removed_share(model: ChromeModel, documents: list[list[str]]) -> float | None:
    total = removed = 0
    for lines in documents:
        if not lines:
            continue
        for line, p in zip(lines, model.probabilities(lines), strict=True):
            total += len(line)
            removed += len(line) if p >= model.threshold else 0
    return removed / total if total else None


def cross_fitted(probabilities, labels, fold, keep) -> tuple[float, float]:
    """Chrome removed and content kept when each fold's threshold is chosen on the other folds."""
    removed = np.zeros(len(labels), dtype=bool)
    for k in np.unique(fold):
        others = fold != k
        cut = keeping_threshold(probabilities[others], labels[others], keep)
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
        chrome, content = cross_fitted(probabilities, labels, fold, args.keep)
        model = fit(pages, c_value, keep=args.keep)
        share = removed_share(ChromeModel.from_dict(model), clean)
        shown = "n/a" if share is None else f"{100 * share:.2f}"
        print(f"| {c_value} | {100 * same:.1f} | {100 * chrome:.1f} | {100 * content:.1f} | {shown} |")
        if (share is None or share < CLEAN_LIMIT) and (best is None or chrome > best[1]):
            best = (c_value, chrome, model)
    if best is None:
        print("no strength keeps the clean corpus: nothing chosen")
        return 1
    model = best[2]
    print(f"\nchosen C = {best[0]}; fitted on every page: threshold {model['threshold']:.4f}, "
          f"{len(model['words'])} words weighted")
    if args.write:
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                              encoding="utf-8")
        print(f"written to {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
