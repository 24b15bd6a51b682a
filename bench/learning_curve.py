"""What annotating real pages buys: macro F1 on real passages against the number of real passages trained on.

    .venv/bin/python -m bench.learning_curve [--sizes 0,50,100,200,400] [--seeds 3] [--folds 5]

The real passages (source `real`, corpus/annotations/real*.jsonl) are split into site folds. For each
fold, each size and each seed, the classifier is trained like `make train` on the other annotations (seed,
crdh, written) plus that many real passages drawn at random from the other folds' sites, and the
combination of rules and model is scored on the fold's real passages (passage level, without their page
context, as `make evaluate`). "all" is every real passage of the other folds. Needs the real passages'
texts (see docs/data.md)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import warnings

from bench.realpages.dataset import site_folds
from pipeline.annotations import annotation_files, load_annotations
from pipeline.classifier import (
    PRECISION_FLOOR,
    combine_with,
    enough_content,
    features_from_doc,
    predict,
    train,
)
from pipeline.classifier.cues import tags_with_judged_cues
from pipeline.classifier.training import combination_rows
from pipeline.codebook import load_codebook
from pipeline.commands import _parse_texts
from pipeline.evaluation import macro_f1
from pipeline.nlp import load_nlp
from pipeline.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,50,100,200,400")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    settings = load_settings(progress=False)
    codebook = load_codebook(settings.codebook)
    annotations = load_annotations(annotation_files(settings.annotations), codebook.ids)
    real = [i for i, a in enumerate(annotations) if a.source == "real"]
    if not real:
        print("no real passage among the annotations (their texts are kept out of git: see docs/data.md)")
        return 2
    nlp = load_nlp(settings.spacy_model)
    docs = _parse_texts([a.text for a in annotations], nlp, settings)
    labels = [a.labels for a in annotations]
    sources = [a.source for a in annotations]
    others = [i for i, a in enumerate(annotations) if a.source != "real"]
    fold_of = site_folds([annotations[i].group for i in real], args.folds)
    sizes = [int(s) for s in args.sizes.split(",")] + [-1]
    print(f"{len(real)} real passages from {len(fold_of)} sites, {len(others)} other passages; "
          f"{args.folds} site folds, {args.seeds} seeds\n")
    print("| real passages trained on | macro F1 (mean) | spread over folds and seeds |")
    print("| ---: | ---: | ---: |")
    for size in sizes:
        scores = []
        for fold in range(args.folds):
            test = [i for i in real if fold_of[annotations[i].group] == fold]
            pool = [i for i in real if fold_of[annotations[i].group] != fold]
            for seed in range(args.seeds if 0 < size < len(pool) else 1):
                drawn = pool if size < 0 or size >= len(pool) else random.Random(seed).sample(pool, size)
                rows = others + drawn
                # as `make train`: the codebook's cues judged on the passages the combination is fitted on
                fit = [rows[j] for j in combination_rows([sources[i] for i in rows], len(rows))]
                tags, _ = tags_with_judged_cues(codebook, nlp, docs, labels, fit, PRECISION_FLOOR)
                rule_sets = [frozenset(t.category for t in doc_tags) for doc_tags in tags]
                features = [features_from_doc(doc, rules) for doc, rules in zip(docs, rule_sets, strict=True)]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = train([features[i] for i in rows], [annotations[i].labels for i in rows],
                                  [annotations[i].group for i in rows], categories=codebook.ids,
                                  sources=[annotations[i].source for i in rows], seed=settings.seed).model
                predicted = []
                for i, scores_of in zip(test, predict(model, [features[i] for i in test]), strict=True):
                    usable = scores_of if enough_content(features[i]) else {}
                    predicted.append(set(combine_with(model, rule_sets[i], {}, usable)))
                scores.append(macro_f1([annotations[i].labels for i in test], predicted, codebook.ids))
        label = "all" if size < 0 else str(size)
        spread = f"{min(scores):.3f}–{max(scores):.3f}"
        print(f"| {label} | {statistics.mean(scores):.3f} | {spread} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
