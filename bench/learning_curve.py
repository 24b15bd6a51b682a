"""What annotating real pages buys: macro F1 on real passages against the number of real passages trained on.

    .venv/bin/python -m bench.learning_curve [--sizes 0,50,100,200,400] [--seeds 3] [--folds 5] [--no-encoder]

The real passages (source `real`, corpus/annotations/real*.jsonl) are split into site folds. For each
fold, each size and each seed, the classifier is trained like `make train` on the other annotations (seed,
crdh, written) plus that many real passages drawn at random from the other folds' sites, and the
combination of rules and model is scored on the fold's real passages (passage level, without their page
context, as `make evaluate`). "all" is every real passage of the other folds. Needs the real passages'
texts (see docs/data.md). The classifier reads what the settings say (the sentence encoder by default, with
its precision floor; `--no-encoder`: spaCy's word vectors), as `make train` would train it.

`--order suggest` draws the real passages as a user following `make suggest` would: from no real passage,
train, let `pipeline.suggest` pick the passages to annotate up to the next size among the other folds'
passages, add them, train again, and so on (one sequence per fold; the seed only breaks ties). `--order both`
prints the two side by side."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import warnings

from bench.realpages.dataset import site_folds
from pipeline.annotations import annotation_files, load_annotations
from pipeline.classifier import (
    combine_with,
    enough_content,
    passage_features,
    predict,
    train,
)
from pipeline.classifier.cues import tags_with_judged_cues
from pipeline.classifier.training import combination_rows, precision_floor_for
from pipeline.codebook import load_codebook
from pipeline.evaluation import macro_f1
from pipeline.nlp import load_nlp
from pipeline.nlp.encoder import encoder_for
from pipeline.nlp.parse import ParseCache, parse_texts
from pipeline.settings import load_settings
from pipeline.suggest import suggest


class Curve:
    """The annotations parsed once, and one training-and-scoring step of the curve."""

    def __init__(self, settings, codebook, annotations, nlp) -> None:
        self.settings, self.codebook, self.annotations, self.nlp = settings, codebook, annotations, nlp
        self.source = settings.vector_source
        self.encoder = encoder_for(self.source, settings.cache_dir)
        self.floor = precision_floor_for(self.source)
        self.docs = parse_texts([a.text for a in annotations], nlp, ParseCache(settings.cache_dir, nlp),
                                batch_size=settings.batch_size)
        self.labels = [a.labels for a in annotations]
        self.sources = [a.source for a in annotations]
        self._last: tuple[tuple[int, ...], tuple] | None = None

    def fit(self, rows: list[int]):
        """Trained like `make train` on `rows`: the model and every annotation's features under it. The last
        fit is kept: in `make suggest`'s order, the model scored at one size picks the next batch."""
        if self._last is not None and self._last[0] == tuple(rows):
            return self._last[1]
        # as `make train`: the codebook's cues judged on the passages the combination is fitted on
        fit = [rows[j] for j in combination_rows([self.sources[i] for i in rows], len(rows))]
        tags, _ = tags_with_judged_cues(self.codebook, self.nlp, self.docs, self.labels, fit, self.floor)
        rule_sets = [frozenset(t.category for t in doc_tags) for doc_tags in tags]
        features = passage_features(self.docs, rule_sets, vector_source=self.source, encoder=self.encoder)
        a = self.annotations
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = train([features[i] for i in rows], [a[i].labels for i in rows],
                          [a[i].group for i in rows], categories=self.codebook.ids,
                          sources=[a[i].source for i in rows], seed=self.settings.seed,
                          precision_floor=self.floor).model
        self._last = (tuple(rows), (model, features, rule_sets))
        return model, features, rule_sets

    def score(self, rows: list[int], test: list[int]) -> float:
        model, features, rule_sets = self.fit(rows)
        predicted = []
        for i, scores_of in zip(test, predict(model, [features[i] for i in test]), strict=True):
            usable = scores_of if enough_content(features[i]) else {}
            predicted.append(set(combine_with(model, rule_sets[i], {}, usable)))
        return macro_f1([self.labels[i] for i in test], predicted, self.codebook.ids)

    def suggested(self, rows: list[int], pool: list[int], n: int) -> list[int]:
        """The `n` passages of `pool` that `make suggest` offers after training on `rows`."""
        model, features, _ = self.fit(rows)
        scores = predict(model, [features[i] for i in pool])
        a = self.annotations
        records = suggest([str(i) for i in pool], [a[i].text for i in pool], [a[i].group for i in pool],
                          scores, model.thresholds, n=n, seed=self.settings.seed)
        return [int(r["meta"]["passage_id"]) for r in records]


def parse_and_load(parser: argparse.ArgumentParser,
                   argv: list[str] | None) -> tuple[argparse.Namespace, Curve, list[int], list[int]] | None:
    """`parser`'s arguments, with `--encoder` added, then the annotations parsed once and the indices of the
    real passages and of the others; None (said on standard output) when no real passage is at hand."""
    parser.add_argument("--encoder", action=argparse.BooleanOptionalAction,
                        help="the classifier reading the sentence encoder (default, as the settings say) or, "
                             "with --no-encoder, spaCy's word vectors")
    args = parser.parse_args(argv)
    settings = load_settings(progress=False, encoder=args.encoder)
    codebook = load_codebook(settings.codebook)
    annotations = load_annotations(annotation_files(settings.annotations), codebook.ids)
    real = [i for i, a in enumerate(annotations) if a.source == "real"]
    if not real:
        print("no real passage among the annotations (their texts are kept out of git: see docs/data.md)")
        return None
    others = [i for i, a in enumerate(annotations) if a.source != "real"]
    return args, Curve(settings, codebook, annotations, load_nlp(settings.spacy_model)), real, others


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,50,100,200,400")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--order", choices=("random", "suggest", "both"), default="random")
    if (loaded := parse_and_load(parser, argv)) is None:
        return 2
    args, curve, real, others = loaded
    annotations = curve.annotations
    fold_of = site_folds([annotations[i].group for i in real], args.folds)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"{len(real)} real passages from {len(fold_of)} sites, {len(others)} other passages; "
          f"{args.folds} site folds, {args.seeds} seeds\n")
    orders = ("random", "suggest") if args.order == "both" else (args.order,)
    results: dict[str, dict[str, list[float]]] = {order: {} for order in orders}
    for fold in range(args.folds):
        test = [i for i in real if fold_of[annotations[i].group] == fold]
        pool = [i for i in real if fold_of[annotations[i].group] != fold]
        if "random" in orders:
            for size in [*sizes, -1]:
                for seed in range(args.seeds if 0 < size < len(pool) else 1):
                    drawn = pool if size < 0 or size >= len(pool) else random.Random(seed).sample(pool, size)
                    label = "all" if size < 0 else str(size)
                    results["random"].setdefault(label, []).append(curve.score(others + drawn, test))
        if "suggest" in orders:
            drawn: list[int] = []
            for size in sizes:
                if 0 < size < len(pool) and size > len(drawn):
                    taken = set(drawn)
                    left = [i for i in pool if i not in taken]
                    drawn += curve.suggested(others + drawn, left, size - len(drawn))
                results["suggest"].setdefault(str(size), []).append(curve.score(others + drawn, test))
            results["suggest"].setdefault("all", []).append(curve.score(others + pool, test))
    header = " | ".join(f"macro F1, {order} order (spread)" for order in orders)
    print(f"| real passages trained on | {header} |")
    print("| ---: |" + " ---: |" * len(orders))
    for label in [*(str(s) for s in sizes), "all"]:
        cells = []
        for order in orders:
            scores = results[order].get(label, [])
            spread = f"{min(scores):.3f}–{max(scores):.3f}" if scores else ""
            cells.append(f"{statistics.mean(scores):.3f} ({spread})" if scores else "")
        print(f"| {label} | {' | '.join(cells)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
