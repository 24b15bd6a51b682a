"""How far better cuts could take the tagger on real passages: the ranking or the cuts?

    .venv/bin/python -m bench.tagging_ceiling [--folds 5] [--no-encoder]

The real passages (source `real`, corpus/annotations/real*.jsonl) are split into site folds. Each fold is
scored by a classifier trained like `make train` on every other annotation (the learning curve's harness,
`bench.learning_curve`), at passage level, the rules' tags always kept ("union", as shipped). Three ways of
cutting the same scores:

- **as trained**: each category's cut as `make train` chose it (what `make analyse` does);
- **cut on the other folds**: the cut that gives the best F1 on the other folds' out-of-fold scores, with
  the model's tags there at least at the precision floor (what a better choice of cuts could do);
- **cut on the fold itself**: the cut that gives the best F1 on the very passages scored, without a floor.
  No method can choose its cuts on the passages it is judged on: this is the ceiling of the scores as they
  rank the passages, whatever the cuts.

Then, per category, how well the scores rank the passages (area under the ROC curve and average precision,
out of fold). Needs the real passages' texts (see docs/data.md)."""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from collections.abc import Sequence

import numpy as np

from bench.learning_curve import parse_and_load
from bench.realpages.dataset import site_folds
from pipeline.classifier import enough_content, predict
from pipeline.evaluation import macro_f1

NO_CUT = float("inf")


def best_cut(scores: np.ndarray, gold: np.ndarray, rules: np.ndarray, floor: float = 0.0) -> float:
    """The cut on `scores` whose tags, joined to the rules' (`rules`), give the best F1 against `gold`,
    among the cuts whose own tags reach `floor` precision; NO_CUT when none beats the rules alone."""

    def f1(predicted: np.ndarray) -> float:
        tp = int((predicted & gold).sum())
        return 2 * tp / (int(predicted.sum()) + int(gold.sum())) if tp else 0.0

    best, chosen = f1(rules), NO_CUT
    for cut in np.unique(scores):
        tagged = scores >= cut
        if tagged.sum() == 0 or (tagged & gold).sum() / tagged.sum() < floor:
            continue
        score = f1(rules | tagged)
        if score > best:
            best, chosen = score, float(cut)
    return chosen


def _tags(scores: np.ndarray, rules: np.ndarray, cuts: Sequence[float],
          categories: Sequence[str]) -> list[set]:
    tagged = rules | (scores >= np.asarray(cuts)[None, :])
    return [{c for c, yes in zip(categories, row, strict=True) if yes} for row in tagged]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    if (loaded := parse_and_load(parser, argv)) is None:
        return 2
    args, curve, real, others = loaded
    annotations, categories = curve.annotations, list(curve.codebook.ids)
    fold_of = site_folds([annotations[i].group for i in real], args.folds)
    fold = np.array([fold_of[annotations[i].group] for i in real])
    scores = np.zeros((len(real), len(categories)))
    rules = np.zeros_like(scores, dtype=bool)
    trained_cuts = np.full((args.folds, len(categories)), NO_CUT)
    row_of = {i: k for k, i in enumerate(real)}
    for f in range(args.folds):
        test = [i for i in real if fold_of[annotations[i].group] == f]
        pool = [i for i in real if fold_of[annotations[i].group] != f]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model, features, rule_sets = curve.fit(others + pool)
        for i, scored in zip(test, predict(model, [features[i] for i in test]), strict=True):
            k = row_of[i]
            rules[k] = [c in rule_sets[i] for c in categories]
            if enough_content(features[i]):  # as `analyse`: no model tag without content
                scores[k] = [scored.get(c, 0.0) for c in categories]
        for j, c in enumerate(categories):
            trained_cuts[f, j] = model.thresholds.get(c, NO_CUT)
    gold = np.array([[c in annotations[i].labels for c in categories] for i in real])
    gold_sets = [annotations[i].labels for i in real]

    ways = {"as trained": lambda f, rows: trained_cuts[f],
            "cut on the other folds": lambda f, rows: [
                best_cut(scores[~rows, j], gold[~rows, j], rules[~rows, j], curve.floor)
                for j in range(len(categories))],
            "cut on the fold itself (ceiling)": lambda f, rows: [
                best_cut(scores[rows, j], gold[rows, j], rules[rows, j]) for j in range(len(categories))]}
    print(f"{len(real)} real passages from {len(fold_of)} sites, {len(others)} other passages; "
          f"{args.folds} site folds; precision floor {curve.floor}\n")
    print("| cuts | macro F1, mean of folds (spread) | macro F1, every passage | tags per gold tag |")
    print("| --- | ---: | ---: | ---: |")
    for name, cuts_for in ways.items():
        predicted: list[set] = [set()] * len(real)
        by_fold = []
        for f in range(args.folds):
            rows = fold == f
            tags = _tags(scores[rows], rules[rows], cuts_for(f, rows), categories)
            for k, t in zip(np.flatnonzero(rows), tags, strict=True):
                predicted[k] = t
            by_fold.append(macro_f1([gold_sets[k] for k in np.flatnonzero(rows)], tags, categories))
        print(f"| {name} | {statistics.mean(by_fold):.3f} ({min(by_fold):.3f}–{max(by_fold):.3f}) | "
              f"{macro_f1(gold_sets, predicted, categories):.3f} | "
              f"{sum(map(len, predicted)) / max(1, int(gold.sum())):.2f} |")

    from sklearn.metrics import average_precision_score, roc_auc_score

    content = scores.any(axis=1)
    print("\n| category | real passages | area under the ROC curve | average precision "
          "| share of positives |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for j, c in enumerate(categories):
        y = gold[content, j]
        if 0 < y.sum() < len(y):
            print(f"| `{c}` | {int(gold[:, j].sum())} | {roc_auc_score(y, scores[content, j]):.3f} | "
                  f"{average_precision_score(y, scores[content, j]):.3f} | {y.mean():.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
