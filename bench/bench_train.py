"""Time `classifier.train` (cross-validation included) on synthetic, already parsed passages.

    .venv/bin/python -m bench.bench_train [--n 10000] [--seed 13]

The passages imitate the parse cache's output: content lemmas drawn from French words (the bundled seed
report, the crdh corpus when it is beside the project, topped up with made-up French-looking words) with
a Zipf-like frequency and realistic lengths, 300 random floats as the vector, 12 categories each with its
own cue words, and rule matches that find about half of each category with some false alarms.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np

from pipeline.classifier import PassageFeatures, train
from pipeline.codebook import load_codebook
from pipeline.settings import PACKAGE_DATA

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = load_codebook(PACKAGE_DATA / "codebook.yaml").ids
WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœ]{3,}")
SYLLABLES = (
    "ter",
    "ri",
    "toi",
    "re",
    "com",
    "mu",
    "nau",
    "té",
    "pro",
    "jet",
    "coo",
    "pé",
    "ra",
    "tion",
    "ser",
    "vi",
    "ce",
    "ac",
    "teur",
    "pu",
    "bli",
    "que",
    "gou",
    "ver",
    "nan",
    "con",
    "seil",
    "lo",
    "cal",
)


def french_words(size: int, rng: np.random.Generator) -> list[str]:
    """`size` distinct French words: those of the bundled corpus and crdh, then made-up ones."""
    words: dict[str, None] = {}
    sources = [
        *sorted((ROOT / "corpus").glob("*.txt")),
        *sorted((ROOT.parent / "shared/corpora/crdh").glob("*.md")),
    ]
    for path in sources:
        for word in WORD.findall(path.read_text(encoding="utf-8", errors="replace").lower()):
            words.setdefault(word)
            if len(words) >= size:
                return list(words)
    while len(words) < size:
        words.setdefault("".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 5)))))
    return list(words)


def synthetic_passages(
    n: int, *, n_documents: int | None = None, seed: int = 13, vocabulary: int = 8000
) -> tuple[list[PassageFeatures], list[list[str]], list[str], list[str]]:
    """(features, labels, doc ids, sources) for `n` passages spread over `n_documents` reports."""
    rng = np.random.default_rng(seed)
    words = french_words(vocabulary, rng)
    cues = {
        c: [words[(i * 17 + j * 211 + 400) % len(words)] for j in range(15)] for i, c in enumerate(CATEGORIES)
    }
    ranks = np.arange(1, len(words) + 1)
    cumulative = np.cumsum(1 / ranks) / (1 / ranks).sum()  # Zipf-like word frequencies
    n_documents = n_documents or max(2, n // 40)
    features, labels, groups, sources = [], [], [], []
    for index in range(n):
        length = int(np.clip(rng.lognormal(mean=3.2, sigma=0.6), 3, 200))  # ~25 content lemmas, long tail
        drawn = np.minimum(np.searchsorted(cumulative, rng.random(length)), len(words) - 1)
        lemmas = [words[i] for i in drawn]
        count = rng.choice([0, 1, 2, 3], p=[0.4, 0.35, 0.2, 0.05])
        chosen = sorted(rng.choice(len(CATEGORIES), size=count, replace=False)) if count else []
        passage_labels = [CATEGORIES[i] for i in chosen]
        for category in passage_labels:
            lemmas += list(rng.choice(cues[category], size=int(rng.integers(1, 4))))
        if rng.random() < 0.2:  # cue words out of context
            lemmas += list(rng.choice(cues[CATEGORIES[int(rng.integers(len(CATEGORIES)))]], size=1))
        rng.shuffle(lemmas)
        rules = {c for c in passage_labels if rng.random() < 0.5}
        rules |= {c for c in CATEGORIES if c not in passage_labels and rng.random() < 0.02}
        vector = rng.standard_normal(300).astype(np.float32)
        features.append(PassageFeatures(" ".join(lemmas), vector, frozenset(rules)))
        labels.append(passage_labels)
        groups.append(f"report-{index * n_documents // n:04d}.md")
        sources.append("written" if index % 5 == 0 else "crdh")
    return features, labels, groups, sources


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="passages (default 10000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    features, labels, groups, sources = synthetic_passages(args.n, seed=args.seed)
    built = time.perf_counter()
    result = train(
        features, labels, groups, categories=CATEGORIES, sources=sources, seed=args.seed, folds=args.folds
    )
    finished = time.perf_counter()
    macro = {system: tables["all"]["macro"]["f1"] for system, tables in result.metrics.items()}
    print(f"passages: {args.n}, documents: {len(set(groups))}, categories: {len(CATEGORIES)}")
    print(f"folds: {result.folds}")
    print(
        "feature sets: "
        + "; ".join(f"{'+'.join(f['blocks'])} {f['macro_f1']:.3f}" for f in result.feature_sets)
    )
    print(f"kept: {'+'.join(result.model.blocks)}; combination: {result.model.policy} {result.policies}")
    print("out-of-fold macro F1: " + ", ".join(f"{k} {v:.3f}" for k, v in macro.items()))
    print(f"building synthetic features: {built - started:.1f} s")
    print(f"train wall time (cross-validation included): {finished - built:.1f} s")


if __name__ == "__main__":
    main()
