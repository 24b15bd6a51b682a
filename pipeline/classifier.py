"""The retrainable category classifier: train with grouped cross-validation, predict, combine with the
rules, save and load safely with skops.

Features come from the cached parse as plain values (`PassageFeatures`): the content lemmas, the document
vector and the categories the codebook rules matched. The model is a scikit-learn `Pipeline`: a
`FeatureUnion` of blocks (lemma TF-IDF always; word vectors and rule matches only when cross-validation
shows they help), then one logistic regression per category. Every threshold, the feature blocks and the
way model and rules are combined (one policy for every category, or a policy per category) are chosen on
out-of-fold scores, with folds grouped by report so that passages of one report are never on both sides.
The reported combination scores are cross-fitted twice over: each fold is combined by a strategy chosen,
and fitted, on the other folds only.

Model files are skops archives (no pickle). Loading checks every type in the file against a fixed
allow-list before anything is built; see `load_model`.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, Normalizer

from pipeline.errors import ModelError
from pipeline.evaluation import evaluate_systems, macro_f1
from pipeline.modelfile import check_codebook, metadata_path

# --- features ---------------------------------------------------------------------------------------

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})
VECTOR_WIDTH = 300  # fr_core_news_md


@dataclass(frozen=True, eq=False)
class PassageFeatures:
    """What the classifier reads of one parsed passage."""

    lemmas: str  # lowercase content lemmas joined by spaces
    vector: np.ndarray  # the passage vector (mean of the word vectors), VECTOR_WIDTH floats
    rule_labels: frozenset[str] = frozenset()  # categories the codebook rules matched


def features_from_doc(
    doc: Any, rule_labels: frozenset[str] = frozenset(), *, vector: bool = True
) -> PassageFeatures:
    """Features of a parsed spaCy `Doc`: content words (nouns, verbs, adjectives, adverbs, proper nouns)
    that are not stop words, lemmatised and lowercased; `doc.vector` (an empty array when `vector` is
    False, for a model that has no vector block); the rule matches as given."""
    lemmas = [
        token.lemma_.lower()
        for token in doc
        if token.pos_ in CONTENT_POS
        and not token.is_stop
        and not token.is_punct
        and any(c.isalpha() for c in token.text)
    ]
    width = doc.vocab.vectors_length or VECTOR_WIDTH
    if not vector:
        values = np.zeros(0, dtype=np.float32)
    elif doc.has_vector:
        values = np.asarray(doc.vector, dtype=np.float32)
    else:
        values = np.zeros(width, dtype=np.float32)
    return PassageFeatures(" ".join(lemmas), values, frozenset(rule_labels))


# Column selectors. Module-level functions so a saved model refers to them by name and the loader can
# trust exactly these three (see ALLOWED_FUNCTIONS).
def lemma_column(features: Sequence[PassageFeatures]) -> list[str]:
    return [f.lemmas for f in features]


def vector_column(features: Sequence[PassageFeatures]) -> np.ndarray:
    if not len(features):
        return np.zeros((0, VECTOR_WIDTH))
    return np.vstack([np.asarray(f.vector, dtype=np.float64) for f in features])


def rule_column(features: Sequence[PassageFeatures]) -> list[str]:
    # "rules:none" keeps the vocabulary non-empty when no passage matched any rule.
    return [" ".join(sorted(f.rule_labels)) or "rules:none" for f in features]


FEATURE_BLOCKS = ("lemmas", "vectors", "rules")
MIN_POSITIVES = 3  # a category needs this many labelled passages (and one without it) to get a model
GAIN_TO_KEEP = 0.005  # an extra block stays only if it raises out-of-fold macro F1 by at least this much
# How `combine` merges model and rules for one category, in preference order when scores tie:
# "rules+strict" is the rules plus the model only above a stricter, precision-oriented cut.
POLICIES = ("union", "model", "intersection", "rules", "rules+strict")
PER_CATEGORY = "per-category"  # strategy: each category gets the policy that does best on it
STRATEGIES = (*POLICIES, PER_CATEGORY)  # a strategy is one policy for every category, or PER_CATEGORY
NEVER = 2.0  # a cut above any probability: the model adds nothing
# A passage with fewer content words than this (three or fewer: a title, a date, a byline, a URL, « Programme
# prochainement ») gives the model too little to read: its score there is mostly the intercept, so only the
# rules may tag it.
MIN_CONTENT_LEMMAS = 4


def enough_content(features: PassageFeatures) -> bool:
    return len(features.lemmas.split()) >= MIN_CONTENT_LEMMAS


# Thresholds and the rules/model combination are fitted on the out-of-fold scores of the passages that are
# most like what users bring: the `real` source (scraped pages) when there are enough of them, else every
# passage. A model cut must reach this precision on them, or the model adds nothing for that category.
FIT_SOURCE = "real"
MIN_FIT_ROWS = 200
PRECISION_FLOOR = 0.4


# A category with fewer positives than this among those passages cannot have its cut read off them (on real
# pages `conditions:freins` has 20, `finalites:propres` 9): there the model abstains and the rules decide.
MIN_FIT_POSITIVES = 30


def combination_rows(sources: Sequence[str] | None, n: int) -> np.ndarray:
    """The rows the thresholds and the combination are fitted on (see FIT_SOURCE)."""
    if sources is not None:
        rows = np.array([i for i, source in enumerate(sources) if source == FIT_SOURCE], dtype=np.int64)
        if len(rows) >= MIN_FIT_ROWS:
            return rows
    return np.arange(n)


def build_pipeline(blocks: Sequence[str], *, seed: int, n_passages: int) -> Pipeline:
    """The untrained model for the given feature blocks ("lemmas" always first)."""
    parts: list[tuple[str, Any]] = []
    if "lemmas" in blocks:
        tfidf = TfidfVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=2 if n_passages >= 50 else 1,
            max_df=0.9 if n_passages >= 50 else 1.0,
            token_pattern=r"[^ ]+",
            lowercase=False,
            dtype=np.float64,
        )
        parts.append(("lemmas", make_pipeline(FunctionTransformer(lemma_column), tfidf)))
    if "vectors" in blocks:
        parts.append(("vectors", make_pipeline(FunctionTransformer(vector_column), Normalizer())))
    if "rules" in blocks:
        multi_hot = CountVectorizer(binary=True, token_pattern=r"[^ ]+", lowercase=False, dtype=np.float64)
        parts.append(("rules", make_pipeline(FunctionTransformer(rule_column), multi_hot)))
    # liblinear's dual solver: many more features than passages, and ~15x faster than the primal here
    logistic = LogisticRegression(
        class_weight="balanced", solver="liblinear", dual=True, C=1.0, random_state=seed
    )
    return Pipeline([("features", FeatureUnion(parts)), ("classify", OneVsRestClassifier(logistic))])


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelBundle:
    """A fitted pipeline and what is needed to read its output."""

    pipeline: Pipeline
    categories: tuple[str, ...]  # the pipeline's output columns, in order
    thresholds: Mapping[str, float]
    policy: str  # the combination strategy chosen on out-of-fold scores: a POLICIES name or PER_CATEGORY
    blocks: tuple[str, ...]
    # per modelled category, the policy `combine` applies (empty: `policy` for every category) ...
    category_policies: Mapping[str, str] = field(default_factory=dict)
    # ... and, for "rules+strict", the stricter model cut above which the model adds to the rules
    strict_thresholds: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainResult:
    model: ModelBundle  # fitted on every passage
    thresholds: dict[str, float]
    oof_scores: np.ndarray  # (passages, categories) out-of-fold probabilities, 0 where no model
    categories: tuple[str, ...]  # every category asked for, the columns of oof_scores
    metrics: dict[str, Any]  # {"rules"|"model"|"combination": {source: score_table}}
    policies: dict[str, float]  # nested out-of-fold macro F1 of each combination strategy
    feature_sets: list[dict[str, Any]]  # blocks compared and their out-of-fold macro F1
    skipped: dict[str, str]  # categories without a model, and why
    folds: dict[str, Any]  # how the data were split
    seed: int
    sources: dict[str, int] = field(default_factory=dict)  # passages per source
    # macro F1 on the out-of-fold scores with thresholds and policies fitted on those same scores
    # (the selection data, hence optimistic): "rules", "model", "per-category" and the chosen strategy
    selection_f1: dict[str, float] = field(default_factory=dict)
    fitted_on: str = "all"  # the source whose out-of-fold scores fitted thresholds and combination, or "all"

    def metadata(self, *, codebook_sha256: str, data_sha256: str) -> dict[str, Any]:
        """Everything `save_model` writes beside the model, JSON-ready."""
        return {
            "codebook_sha256": codebook_sha256,
            "training_data_sha256": data_sha256,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": library_versions(),
            "seed": self.seed,
            "passages": int(self.oof_scores.shape[0]),
            "passages_per_source": self.sources,
            "folds": self.folds,
            "feature_sets": self.feature_sets,
            "blocks": list(self.model.blocks),
            "combination_policies": self.policies,
            "combination_policy": self.model.policy,
            "category_policies": dict(self.model.category_policies),
            "strict_thresholds": dict(self.model.strict_thresholds),
            "combination_selection_f1": self.selection_f1,
            "combination_fitted_on": self.fitted_on,
            "precision_floor": PRECISION_FLOOR,
            "min_fit_positives": MIN_FIT_POSITIVES,
            "min_content_lemmas": MIN_CONTENT_LEMMAS,
            "thresholds": self.thresholds,
            "skipped_categories": self.skipped,
            "metrics": self.metrics,
        }


def library_versions() -> dict[str, str]:
    versions = {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    try:
        import spacy

        versions["spacy"] = spacy.__version__
    except ImportError:  # pragma: no cover - spaCy is a dependency
        pass
    return versions


# --- training ---------------------------------------------------------------------------------------


def _splits(groups: Sequence[str], folds: int, seed: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], dict]:
    n = len(groups)
    distinct = len(set(groups))
    if distinct >= 2:
        n_splits = min(folds, distinct)
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(n), groups=groups))
        info = {"method": "GroupKFold", "folds": n_splits, "documents": distinct}
        if n_splits < folds:
            info["note"] = f"only {distinct} documents: {n_splits} folds instead of {folds}"
        return splits, info
    n_splits = min(folds, n)
    splits = list(KFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros(n)))
    note = "a single document: passages of it are on both sides of each split, so scores are optimistic"
    return splits, {"method": "KFold", "folds": n_splits, "documents": distinct, "note": note}


def _out_of_fold(
    features: Sequence[PassageFeatures],
    targets: np.ndarray,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    blocks: Sequence[str],
    seed: int,
) -> np.ndarray:
    scores = np.zeros(targets.shape, dtype=np.float64)
    for train_rows, test_rows in splits:
        pipeline = build_pipeline(blocks, seed=seed, n_passages=len(train_rows))
        pipeline.fit([features[i] for i in train_rows], targets[train_rows])
        scores[test_rows] = pipeline.predict_proba([features[i] for i in test_rows])
    return scores


def best_threshold(scores: np.ndarray, truth: np.ndarray, min_precision: float = 0.0) -> float:
    """The cut maximising F1 when "score >= cut" means tagged, among the cuts whose precision is at least
    `min_precision`; halfway between the last score kept and the next one. 0.5 when there is no positive
    example, NEVER when no cut reaches the precision."""
    positives = int(truth.sum())
    if positives == 0 or len(scores) == 0:
        return 0.5
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order].astype(np.int64)
    true_positive = np.cumsum(hits)
    tagged = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positive / (positives + tagged)
    # a cut can only fall between two different scores
    boundary = np.append(ranked[:-1] > ranked[1:], True)
    f1 = np.where(boundary & (true_positive >= min_precision * tagged), f1, -1.0)
    best = int(np.argmax(f1))
    if f1[best] < 0:
        return NEVER
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    return float((ranked[best] + below) / 2)


def _cross_fitted_decisions(
    scores: np.ndarray, targets: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Tag decisions for each fold using thresholds picked on the other folds' out-of-fold scores, so
    the reported F1 does not benefit from choosing the threshold on the very passages it is scored on."""
    decisions = np.zeros(targets.shape, dtype=bool)
    for _, test_rows in splits:
        others = np.setdiff1d(np.arange(len(targets)), test_rows)
        for column in range(targets.shape[1]):
            cut = best_threshold(scores[others, column], targets[others, column])
            decisions[test_rows, column] = scores[test_rows, column] >= cut
    return decisions


def _label_sets(matrix: np.ndarray, categories: Sequence[str]) -> list[frozenset[str]]:
    return [frozenset(c for c, on in zip(categories, row, strict=True) if on) for row in matrix]


def _decide(policy: str, by_rules: Any, scores: Any, cut: float, strict_cut: float) -> Any:
    """Whether a category is tagged under `policy`, from the rule matches (bool or bool array), the
    model scores and the category's cuts. Works on one passage or on a column of passages."""
    if policy == "rules":
        return by_rules
    if policy == "rules+strict":
        return by_rules | (scores >= strict_cut)
    by_model = scores >= cut
    if policy == "union":
        return by_rules | by_model
    if policy == "intersection":
        return by_rules & by_model
    if policy == "model":
        return by_model
    raise ValueError(f"unknown combination policy '{policy}' (known: {', '.join(POLICIES)})")


def strict_threshold(scores: np.ndarray, by_rules: np.ndarray, truth: np.ndarray, cut: float,
                     min_precision: float = 0.0) -> float:
    """The model cut that maximises F1 of "rules, or model score >= cut" (the passages the rules tag
    count whatever their score), never below the model's own `cut`: the model only adds what it is
    surer of. NEVER when adding no model tag at all does best."""
    positives = int(truth.sum())
    rule_hits = int((by_rules & (truth == 1)).sum())
    rule_tagged = int(by_rules.sum())
    rest = ~by_rules
    order = np.argsort(-scores[rest], kind="stable")
    ranked, hits = scores[rest][order], truth[rest][order].astype(np.int64)
    alone = 2 * rule_hits / (positives + rule_tagged) if positives + rule_tagged else 0.0
    if not len(ranked):
        return NEVER
    added = np.arange(1, len(ranked) + 1)
    f1 = 2 * (rule_hits + np.cumsum(hits)) / (positives + rule_tagged + added)
    precise = np.cumsum(hits) >= min_precision * added  # what the model adds meets the floor
    f1 = np.where(np.append(ranked[:-1] > ranked[1:], True) & precise, f1, -1.0)
    best = int(np.argmax(f1))
    if f1[best] <= alone:
        return NEVER
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    return max(float(cut), float((ranked[best] + below) / 2))


@dataclass(frozen=True)
class Combination:
    """How model and rules are merged, per modelled category (columns of the score matrix)."""

    policies: tuple[str, ...]
    cuts: tuple[float, ...]  # the model's own threshold
    strict_cuts: tuple[float, ...]  # the stricter cut of "rules+strict"

    def decisions(self, scores: np.ndarray, by_rules: np.ndarray) -> np.ndarray:
        columns = [
            _decide(policy, by_rules[:, j], scores[:, j], cut, strict)
            for j, (policy, cut, strict) in enumerate(
                zip(self.policies, self.cuts, self.strict_cuts, strict=True)
            )
        ]
        return np.column_stack(columns) if columns else np.zeros(by_rules.shape, dtype=bool)


def _column_f1(decided: np.ndarray, truth: np.ndarray) -> float:
    true_positive = int((decided & (truth == 1)).sum())
    denominator = int(decided.sum()) + int(truth.sum())
    return 2 * true_positive / denominator if denominator else 0.0


def fit_combination(
    scores: np.ndarray, by_rules: np.ndarray, targets: np.ndarray, strategy: str = PER_CATEGORY,
    min_precision: float = 0.0,
) -> Combination:
    """Fit a combination on these passages: each category's model threshold, its stricter cut, and
    either the same policy for every category (`strategy` one of POLICIES) or, for PER_CATEGORY, the
    policy with the best F1 on these passages (earlier in POLICIES on ties). Columns are the modelled
    categories; `by_rules` is the rule matches as a bool matrix."""
    by_rules = by_rules.astype(bool)
    policies, cuts, stricts = [], [], []
    for j in range(targets.shape[1]):
        cut = best_threshold(scores[:, j], targets[:, j], min_precision)
        strict = strict_threshold(scores[:, j], by_rules[:, j], targets[:, j], cut, min_precision)
        if strategy == PER_CATEGORY:
            f1 = {
                policy: round(
                    _column_f1(_decide(policy, by_rules[:, j], scores[:, j], cut, strict), targets[:, j]), 9
                )
                for policy in POLICIES
            }
            policy = max(POLICIES, key=lambda p: (f1[p], -POLICIES.index(p)))
        elif strategy in POLICIES:
            policy = strategy
        else:
            raise ValueError(f"unknown combination strategy '{strategy}'")
        policies.append(policy)
        cuts.append(cut)
        stricts.append(strict)
    return Combination(tuple(policies), tuple(cuts), tuple(stricts))


def _nested_decisions(
    scores: np.ndarray,
    by_rules: np.ndarray,
    targets: np.ndarray,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    rows: np.ndarray,
    strategy: str,
    min_precision: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Decisions for `rows`, each fold's part decided by a combination fitted on the other folds' part
    of `rows` only. Returns the rows actually decided (those in a fold with something to fit on) and
    the decisions."""
    decided_rows, decided = [], []
    for _, test_rows in splits:
        test = np.intersect1d(rows, test_rows)
        fit = np.setdiff1d(rows, test_rows)
        if not len(test) or not len(fit):
            continue
        combination = fit_combination(scores[fit], by_rules[fit], targets[fit], strategy, min_precision)
        decided_rows.append(test)
        decided.append(combination.decisions(scores[test], by_rules[test]))
    if not decided_rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, targets.shape[1]), dtype=bool)
    return np.concatenate(decided_rows), np.vstack(decided)


def _matrix_macro_f1(decided: np.ndarray, truth: np.ndarray) -> float:
    present = [j for j in range(truth.shape[1]) if truth[:, j].any() or decided[:, j].any()]
    return float(np.mean([_column_f1(decided[:, j], truth[:, j]) for j in present])) if present else 0.0


def _strategy_scores(scores, by_rules, targets, splits, rows, min_precision=0.0) -> dict[str, float]:
    """Each strategy's macro F1 on `rows` when every fold is decided by a combination fitted on the
    other folds (the strategy is judged out of sample, as the thresholds are)."""
    result = {}
    for strategy in STRATEGIES:
        decided_rows, decided = _nested_decisions(scores, by_rules, targets, splits, rows, strategy,
                                                  min_precision)
        result[strategy] = round(_matrix_macro_f1(decided, targets[decided_rows]), 6)
    return result


def _best_strategy(table: Mapping[str, float]) -> str:
    return max(STRATEGIES, key=lambda s: (table[s], -STRATEGIES.index(s)))


def _cross_fitted_combination(scores, by_rules, targets, splits, fit_rows=None,
                              min_precision=0.0) -> tuple[np.ndarray, list[str]]:
    """The reported combination: for each fold, the strategy is chosen on the other folds (by how it
    does there when itself cross-fitted over those folds), then fitted on the other folds and applied to
    this one. Nothing about a fold's passages is chosen on its own labels. With `fit_rows`, only those
    rows of the other folds are used to choose and fit."""
    n = len(targets)
    fit_rows = np.arange(n) if fit_rows is None else fit_rows
    decisions = np.zeros(targets.shape, dtype=bool)
    chosen = []
    for _, test_rows in splits:
        others = np.setdiff1d(fit_rows, test_rows)
        strategy = _best_strategy(_strategy_scores(scores, by_rules, targets, splits, others, min_precision))
        combination = fit_combination(scores[others], by_rules[others], targets[others], strategy,
                                      min_precision)
        decisions[test_rows] = combination.decisions(scores[test_rows], by_rules[test_rows])
        chosen.append(strategy)
    return decisions, chosen


def train(
    features: Sequence[PassageFeatures],
    labels: Sequence[Sequence[str]],
    groups: Sequence[str],
    *,
    categories: Sequence[str],
    sources: Sequence[str] | None = None,
    seed: int = 13,
    folds: int = 5,
    blocks_to_try: Sequence[str] = ("vectors", "rules"),
) -> TrainResult:
    """Choose feature blocks, thresholds and the combination policy by grouped cross-validation, then fit
    the model on every passage. Same data and seed give the same model and metrics."""
    n = len(features)
    if not (n == len(labels) == len(groups)) or (sources is not None and len(sources) != n):
        raise ModelError("features, labels, groups (and sources) must have one entry per passage")
    unknown = {label for row in labels for label in row} - set(categories)
    if unknown:
        raise ModelError(f"labels not in the codebook: {', '.join(sorted(unknown))}")
    if n < 4:
        raise ModelError(f"only {n} annotated passages: at least 4 are needed to train and cross-validate")
    categories = tuple(categories)
    counts = Counter(label for row in labels for label in set(row))
    skipped = {
        c: f"{counts[c]} labelled passages (at least {MIN_POSITIVES} needed)"
        for c in categories
        if counts[c] < MIN_POSITIVES
    }
    skipped |= {c: "every passage carries it" for c in categories if counts[c] == n}
    modelled = tuple(c for c in categories if c not in skipped)
    if not modelled:
        raise ModelError(f"no category has {MIN_POSITIVES} labelled passages: annotate more before training")

    targets = np.array([[c in row for c in modelled] for row in labels], dtype=np.int64)
    gold = [frozenset(row) for row in labels]
    rule_sets = [frozenset(f.rule_labels) for f in features]
    splits, fold_info = _splits(list(groups), folds, seed)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # a label absent from one training fold
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        feature_sets, oof, decisions, blocks = _choose_blocks(
            features, targets, gold, splits, modelled, seed, blocks_to_try
        )
        final = build_pipeline(blocks, seed=seed, n_passages=n)
        final.fit(list(features), targets)

    thin = np.array([not enough_content(f) for f in features], dtype=bool)
    oof = np.where(thin[:, None], 0.0, oof)  # as at prediction time: no model tag without content
    decisions = decisions & ~thin[:, None]
    model_sets = _label_sets(decisions, modelled)
    modelled_set = frozenset(modelled)
    modelled_rules = np.array([[c in r for c in modelled] for r in rule_sets], dtype=bool)
    fit_rows = combination_rows(sources, n)
    policies = _strategy_scores(oof, modelled_rules, targets, splits, fit_rows, PRECISION_FLOOR)
    policy = _best_strategy(policies)
    combination = fit_combination(oof[fit_rows], modelled_rules[fit_rows], targets[fit_rows], policy,
                                  PRECISION_FLOOR)
    cross_fitted, _ = _cross_fitted_combination(oof, modelled_rules, targets, splits, fit_rows,
                                                PRECISION_FLOOR)
    if len(fit_rows) < n:  # fitted on the real passages: abstain where they hold too few positives
        uncalibrated = [j for j in range(len(modelled)) if targets[fit_rows, j].sum() < MIN_FIT_POSITIVES]
        combination = Combination(
            tuple("rules" if j in uncalibrated else p for j, p in enumerate(combination.policies)),
            combination.cuts, combination.strict_cuts)
        for j in uncalibrated:
            cross_fitted[:, j] = modelled_rules[:, j]
    combined = [
        m | (r - modelled_set) for r, m in zip(rule_sets, _label_sets(cross_fitted, modelled), strict=True)
    ]
    systems = {"rules": rule_sets, "model": model_sets, "combination": combined}
    metrics = evaluate_systems(gold, systems, categories, sources)
    selection_f1 = _selection_f1(oof, modelled_rules, targets, gold, rule_sets, modelled, categories, policy)

    thresholds = {c: round(t, 6) for c, t in zip(modelled, combination.cuts, strict=True)}
    full_scores = np.zeros((n, len(categories)))
    for i, c in enumerate(modelled):
        full_scores[:, categories.index(c)] = oof[:, i]
    bundle = ModelBundle(
        final,
        modelled,
        thresholds,
        policy,
        tuple(blocks),
        category_policies=dict(zip(modelled, combination.policies, strict=True)),
        strict_thresholds={c: round(t, 6) for c, t in zip(modelled, combination.strict_cuts, strict=True)},
    )
    return TrainResult(
        model=bundle,
        thresholds=thresholds,
        oof_scores=full_scores,
        categories=categories,
        metrics=metrics,
        policies=policies,
        feature_sets=feature_sets,
        skipped=skipped,
        folds=fold_info,
        seed=seed,
        sources=dict(sorted(Counter(sources).items())) if sources is not None else {},
        selection_f1=selection_f1,
        fitted_on=FIT_SOURCE if len(fit_rows) < n else "all",
    )


def _selection_f1(oof, modelled_rules, targets, gold, rule_sets, modelled, categories, chosen) -> dict:
    """Macro F1 over every category on the out-of-fold scores, with the thresholds and policies fitted on
    those same scores. Per category, PER_CATEGORY picks the best of policies that include "rules" and
    "model", so its macro F1 here is never below theirs; the cross-fitted figures in `metrics` carry no
    such guarantee (a policy chosen on other folds can do worse on this one)."""
    modelled_set = frozenset(modelled)
    result = {}
    for name in dict.fromkeys(("rules", "model", PER_CATEGORY, chosen)):
        decided = fit_combination(oof, modelled_rules, targets, name).decisions(oof, modelled_rules)
        if name == "model":
            predicted = _label_sets(decided, modelled)
        else:
            predicted = [
                m | (r - modelled_set) for r, m in zip(rule_sets, _label_sets(decided, modelled), strict=True)
            ]
        result[name] = round(macro_f1(gold, predicted, categories), 6)
    return result


def _choose_blocks(features, targets, gold, splits, modelled, seed, blocks_to_try):
    """Lemma TF-IDF alone, then with each extra block; keep the extras that raise out-of-fold macro F1
    by GAIN_TO_KEEP, and their union if more than one helps and the union does best."""
    results: dict[tuple[str, ...], tuple[float, np.ndarray, np.ndarray]] = {}

    def run(blocks: tuple[str, ...]) -> float:
        oof = _out_of_fold(features, targets, splits, blocks, seed)
        decisions = _cross_fitted_decisions(oof, targets, splits)
        score = macro_f1(gold, _label_sets(decisions, modelled), modelled)
        results[blocks] = (score, oof, decisions)
        return score

    base = ("lemmas",)
    base_score = run(base)
    helpful = [
        b
        for b in blocks_to_try
        if b in FEATURE_BLOCKS and b != "lemmas" and run((*base, b)) >= base_score + GAIN_TO_KEEP
    ]
    if len(helpful) > 1:
        run((*base, *helpful))
    chosen = max(results, key=lambda blocks: (round(results[blocks][0], 6), -len(blocks)))
    comparison = [
        {"blocks": list(blocks), "macro_f1": round(score, 6), "kept": blocks == chosen}
        for blocks, (score, _, _) in results.items()
    ]
    score, oof, decisions = results[chosen]
    return comparison, oof, decisions, chosen


# --- prediction and combination ---------------------------------------------------------------------


def predict(model_bundle: ModelBundle, features: Sequence[PassageFeatures]) -> list[dict[str, float]]:
    """Per passage, category -> probability for each category the model covers (categories with too few
    examples to train are absent: the rules alone decide them). Tag when score >= the category threshold."""
    if not len(features):
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        probabilities = model_bundle.pipeline.predict_proba(list(features))
    return [
        {c: float(p) for c, p in zip(model_bundle.categories, row, strict=True)}
        for row in np.asarray(probabilities)
    ]


def _category_policies(bundle: ModelBundle) -> dict[str, str]:
    """The policy of each modelled category (a bundle built without them applies `policy` to all)."""
    if bundle.category_policies:
        return dict(bundle.category_policies)
    return dict.fromkeys(bundle.categories, bundle.policy)


def combine_with(
    bundle: ModelBundle,
    rule_tags: frozenset[str],
    rule_scores: Mapping[str, float],
    model_scores: Mapping[str, float],
) -> dict[str, tuple[float, str]]:
    """`combine` with the thresholds and per-category policies the bundle was trained with."""
    return combine(
        rule_tags,
        rule_scores,
        model_scores,
        bundle.thresholds,
        policy=_category_policies(bundle),
        strict_thresholds=bundle.strict_thresholds,
    )


def combine(
    rule_tags: frozenset[str],
    rule_scores: Mapping[str, float],
    model_scores: Mapping[str, float],
    thresholds: Mapping[str, float],
    *,
    policy: str | Mapping[str, str] = "union",
    strict_thresholds: Mapping[str, float] | None = None,
) -> dict[str, tuple[float, str]]:
    """Merge the rule tags and the model scores of one passage into category -> (score, source).

    For a category the model does not cover, the rules decide. Otherwise the category's policy decides
    (`policy`: one name for every category, or category -> name as training chose them on out-of-fold
    scores, `ModelBundle.category_policies`): "union" tags when rules or model say so, "intersection"
    when both do, "model" or "rules" when that one does, "rules+strict" when the rules do or the model
    score reaches the category's stricter cut in `strict_thresholds`. The model "says so" when its score
    reaches the cut the policy uses. The source is "rule+model" when both said yes, else the one that
    did; the score is the larger of the scores that said yes."""
    strict_thresholds = strict_thresholds or {}
    result: dict[str, tuple[float, str]] = {}
    modelled = {c for c in model_scores if c in thresholds}
    for category in sorted(set(rule_tags) | modelled):
        by_rule = category in rule_tags
        if category not in modelled:
            chosen, by_model = by_rule, False
        else:
            name = policy if isinstance(policy, str) else policy.get(category, "union")
            if name == "rules+strict" and category not in strict_thresholds:
                raise ValueError(f"policy 'rules+strict' for '{category}' needs its strict threshold")
            cut = strict_thresholds[category] if name == "rules+strict" else thresholds[category]
            score = float(model_scores[category])
            chosen = bool(
                _decide(name, by_rule, score, thresholds[category], strict_thresholds.get(category, NEVER))
            )
            by_model = score >= cut and name != "rules"
        if not chosen:
            continue
        rule_score = float(rule_scores.get(category, 1.0))
        if by_rule and by_model:
            result[category] = (max(rule_score, float(model_scores[category])), "rule+model")
        elif by_rule:
            result[category] = (rule_score, "rule")
        else:
            result[category] = (float(model_scores[category]), "model")
    return result


def top_features(
    model_bundle: ModelBundle,
    features: Sequence[PassageFeatures],
    categories: Sequence[Collection[str]],
    k: int = 5,
) -> list[dict[str, tuple[str, ...]]]:
    """For each passage and each of its `categories` the model covers, the lemmas (or lemma pairs) of the
    passage that push most towards that category: the model's evidence. One vectorizer call for all."""
    result: list[dict[str, tuple[str, ...]]] = [{} for _ in features]
    if "lemmas" not in model_bundle.blocks or not len(features):
        return result
    union: FeatureUnion = model_bundle.pipeline.named_steps["features"]
    vectorizer: TfidfVectorizer = union.transformer_list[0][1][-1]
    rows = vectorizer.transform([f.lemmas for f in features]).tocsr()
    estimators = model_bundle.pipeline.named_steps["classify"].estimators_
    names = vectorizer.get_feature_names_out()
    for index, wanted in enumerate(categories):
        span = slice(rows.indptr[index], rows.indptr[index + 1])
        columns, values = rows.indices[span], rows.data[span]
        for category in wanted:
            if category not in model_bundle.categories:
                continue
            weights = np.ravel(estimators[model_bundle.categories.index(category)].coef_)[: rows.shape[1]]
            contributions = values * weights[columns]
            order = np.argsort(-contributions, kind="stable")[:k]
            result[index][category] = tuple(str(names[columns[j]]) for j in order if contributions[j] > 0)
    return result


# --- saving and safe loading ------------------------------------------------------------------------

ALLOWED_FUNCTIONS = frozenset(f"{__name__}.{f.__name__}" for f in (lemma_column, vector_column, rule_column))
# Every type a model file written by `save_model` may contain, as (module, name). Checked in full before
# loading, in addition to skops' own list of untrusted types.
ALLOWED_TYPES = frozenset(
    {
        ("builtins", "dict"),
        ("builtins", "list"),
        ("builtins", "str"),
        ("builtins", "tuple"),
        ("builtins", "int"),
        ("builtins", "float"),
        ("builtins", "bool"),
        ("builtins", "NoneType"),
        ("builtins", "slice"),
        ("numpy", "ndarray"),
        ("numpy", "float64"),
        ("numpy", "float32"),
        ("numpy", "int64"),
        ("numpy", "int32"),
        ("numpy", "dtype"),
        ("scipy.sparse._csr", "csr_matrix"),
        ("sklearn.pipeline", "Pipeline"),
        ("sklearn.pipeline", "FeatureUnion"),
        ("sklearn.preprocessing._function_transformer", "FunctionTransformer"),
        ("sklearn.preprocessing._data", "Normalizer"),
        ("sklearn.preprocessing._label", "LabelBinarizer"),
        ("sklearn.feature_extraction.text", "TfidfVectorizer"),
        ("sklearn.feature_extraction.text", "TfidfTransformer"),
        ("sklearn.feature_extraction.text", "CountVectorizer"),
        ("sklearn.multiclass", "OneVsRestClassifier"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        *(tuple(name.rsplit(".", 1)) for name in ALLOWED_FUNCTIONS),
    }
)


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)  # mkstemp makes owner-only files; models are meant to be shared
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def save_model(bundle: ModelBundle, path: Path, metadata: Mapping[str, Any]) -> None:
    """Write the pipeline to `path` (a skops archive, e.g. models/categories.skops) and the metadata,
    with what is needed to read the pipeline's output, to the `.json` beside it."""
    if "codebook_sha256" not in metadata:
        raise ModelError("model metadata must record the codebook hash (codebook_sha256)")
    path = Path(path)
    document = {
        **metadata,
        "model": {
            "file": path.name,
            "categories": list(bundle.categories),
            "thresholds": {c: float(bundle.thresholds[c]) for c in bundle.categories},
            "combination_policy": bundle.policy,
            "category_policies": {c: str(p) for c, p in _category_policies(bundle).items()},
            "strict_thresholds": {c: float(t) for c, t in bundle.strict_thresholds.items()},
            "blocks": list(bundle.blocks),
        },
    }
    _atomic_write(path, lambda target: sio.dump(bundle.pipeline, target))
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    _atomic_write(metadata_path(path), lambda target: target.write_text(text + "\n", encoding="utf-8"))


def _schema_types(archive: zipfile.ZipFile) -> set[tuple[str, str]]:
    schema = json.loads(archive.read("schema.json"))
    found: set[tuple[str, str]] = set()
    pending: list[Any] = [schema]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "__class__" in item and "__module__" in item:
                found.add((str(item["__module__"]), str(item["__class__"])))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def load_model(path: Path, *, codebook_sha256: str) -> ModelBundle:
    """Load a model saved by `save_model`, refusing (ModelError) a model trained for another codebook, a
    damaged file, or one holding any type outside ALLOWED_TYPES. Nothing from the file is built or run
    before every check has passed."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no trained model; run `make train`")
    metadata = check_codebook(path, codebook_sha256)
    damaged = f"{path}: model file is damaged (truncated or altered); run `make train` to rebuild it"
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                raise ModelError(damaged)
            types = _schema_types(archive)
        untrusted = sio.get_untrusted_types(file=path)
    except ModelError:
        raise
    except Exception as exc:  # BadZipFile, KeyError, JSON errors, anything skops raises on bad data
        raise ModelError(damaged) from exc
    unexpected = sorted(
        {f"{module}.{name}" for module, name in types - ALLOWED_TYPES} | (set(untrusted) - ALLOWED_FUNCTIONS)
    )
    if unexpected:
        raise ModelError(
            f"{path}: refusing to load a model holding unexpected types: {', '.join(unexpected)}"
        )
    try:
        pipeline = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(damaged) from exc
    info = metadata["model"]
    categories = tuple(info.get("categories") or ())
    thresholds = info.get("thresholds") or {}
    classes = getattr(getattr(pipeline, "named_steps", {}).get("classify"), "estimators_", None)
    if not isinstance(pipeline, Pipeline) or classes is None or len(classes) != len(categories):
        raise ModelError(f"{path}: the model does not match its metadata; run `make train`")
    if set(thresholds) != set(categories):
        raise ModelError(f"{path}: the metadata lacks thresholds for some categories; run `make train`")
    policy = str(info.get("combination_policy", "union"))
    # files written before per-category policies apply their one policy to every category
    default = dict.fromkeys(categories, policy) if policy in POLICIES else {}
    category_policies = info.get("category_policies") or default
    strict = info.get("strict_thresholds") or {}
    if (
        policy not in STRATEGIES
        or not isinstance(category_policies, dict)
        or set(category_policies) != set(categories)
        or not set(category_policies.values()) <= set(POLICIES)
        or not isinstance(strict, dict)
        or not all(isinstance(t, int | float) for t in strict.values())
        or any(p == "rules+strict" and c not in strict for c, p in category_policies.items())
    ):
        raise ModelError(f"{path}: the metadata's combination policies are invalid; run `make train`")
    return ModelBundle(
        pipeline=pipeline,
        categories=categories,
        thresholds={c: float(thresholds[c]) for c in categories},
        policy=policy,
        blocks=tuple(info.get("blocks") or ("lemmas",)),
        category_policies={c: str(category_policies[c]) for c in categories},
        strict_thresholds={c: float(strict[c]) for c in categories if c in strict},
    )


# --- model card -------------------------------------------------------------------------------------


def write_model_card(metadata: Mapping[str, Any], path: Path) -> None:
    """A plain-words README for the model: data, how well it does per category beside the rules, and
    where it is weakest."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(model_card(metadata), encoding="utf-8")


def _fitted_on(metadata: Mapping[str, Any]) -> str:
    source = metadata.get("combination_fitted_on", "all")
    if source == "all":
        return "every passage"
    count = metadata.get("passages_per_source", {}).get(source, "?")
    least = metadata.get("min_fit_positives", "?")
    return (f"the `{source}` passages only ({count}: scraped pages, the closest to what users bring; their "
            "texts are kept out of git, see docs/data.md); for a category with fewer than "
            f"{least} positives among them the model abstains (policy `rules`)")


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def model_card(metadata: Mapping[str, Any]) -> str:
    metrics = metadata.get("metrics", {})
    everything = {system: tables.get("all", {}) for system, tables in metrics.items()}
    model_rows = everything.get("model", {}).get("per_category", {})
    rule_rows = everything.get("rules", {}).get("per_category", {})
    combo_rows = everything.get("combination", {}).get("per_category", {})
    skipped = metadata.get("skipped_categories", {})
    folds = metadata.get("folds", {})
    versions = metadata.get("versions", {})
    lines = [
        "# Category classifier",
        "",
        "This folder holds the model that tags passages with the cooperation categories of the codebook, "
        "beside the codebook's own rules. It is rebuilt by `make train` from `corpus/annotations/`.",
        "",
        "## What it was trained on",
        "",
        f"- {metadata.get('passages', '?')} hand-labelled passages"
        + (
            " ("
            + ", ".join(f"{n} from {s}" for s, n in metadata.get("passages_per_source", {}).items())
            + ")"
            if metadata.get("passages_per_source")
            else ""
        )
        + ".",
        f"- Trained on {metadata.get('trained_at', '?')} with seed {metadata.get('seed', '?')}; "
        f"scikit-learn {versions.get('scikit-learn', '?')}, spaCy {versions.get('spacy', '?')}.",
        f"- Codebook hash `{str(metadata.get('codebook_sha256', '?'))[:16]}`, "
        f"training data hash `{str(metadata.get('training_data_sha256', '?'))[:16]}`.",
        f"- Features kept: {', '.join(metadata.get('blocks', []))}. Compared by cross-validation: "
        + "; ".join(
            f"{' + '.join(f['blocks'])}: macro F1 {_pct(f['macro_f1'])}"
            for f in metadata.get("feature_sets", [])
        )
        + ".",
        "",
        "## How it was measured",
        "",
        f"Scores are out-of-fold: {folds.get('method', '?')} with {folds.get('folds', '?')} folds over "
        f"{folds.get('documents', '?')} documents, so a passage is always scored by a model that never saw "
        "its report. The threshold of each category is chosen on the other folds. The rules are scored on "
        "the same passages. " + (folds.get("note", "") or ""),
        "",
        f"Model and rules are combined by the strategy `{metadata.get('combination_policy', '?')}`, the "
        "best of those tried, each judged on folds it was not chosen on (macro F1: "
        + ", ".join(f"{p} {_pct(v)}" for p, v in metadata.get("combination_policies", {}).items())
        + "). `per-category` gives each category the policy that does best for it; `rules+strict` is the "
        "rules plus the model only above a stricter cut. Thresholds and policies are fitted on the "
        f"out-of-fold scores of {_fitted_on(metadata)}, and a model cut must reach a precision of "
        f"{_pct(float(metadata.get('precision_floor', 0.0)))} there or the model adds nothing for that "
        f"category; a passage with fewer than {metadata.get('min_content_lemmas', '?')} content words gets "
        "no model tag. "
        "Policy per category: "
        + (", ".join(f"{c} {p}" for c, p in metadata.get("category_policies", {}).items()) or "none")
        + ".",
        "",
        "## How well it does (all passages)",
        "",
        "| category | passages | rules F1 | model F1 | combined F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for category, rules in rule_rows.items():
        model = model_rows.get(category, {})
        combo = combo_rows.get(category, {})
        model_f1 = "no model" if category in skipped else _pct(model.get("f1", 0.0))
        lines.append(
            f"| {category} | {rules.get('support', 0)} | {_pct(rules.get('f1', 0.0))} | {model_f1} | "
            f"{_pct(combo.get('f1', 0.0))} |"
        )
    for system in ("rules", "model", "combination"):
        macro = everything.get(system, {}).get("macro")
        if macro:
            lines.append(
                f"\nMacro average, {system}: precision {_pct(macro['precision'])}, "
                f"recall {_pct(macro['recall'])}, F1 {_pct(macro['f1'])}."
            )
    lines += ["", "## Where it fails", ""]
    ranked = sorted(
        (
            (c, row.get("f1", 0.0), row.get("support", 0))
            for c, row in combo_rows.items()
            if row.get("support", 0)
        ),
        key=lambda item: item[1],
    )
    for category, f1, support in ranked[:3]:
        lines.append(f"- `{category}`: combined F1 {_pct(f1)} on {support} labelled passages.")
    for category, why in skipped.items():
        lines.append(f"- `{category}` has no model ({why}); only the rules tag it. Annotate more examples.")
    few = [c for c, row in rule_rows.items() if 0 < row.get("support", 0) < 10 and c not in skipped]
    if few:
        lines.append(f"- Fewer than 10 examples, scores are unreliable: {', '.join(f'`{c}`' for c in few)}.")
    lines.append("")
    lines.append(
        "`make suggest` lists the passages the model is least sure about: label those first. How much more "
        "annotation buys is measured by `python -m bench.learning_curve` (docs/realset.md): on real pages, "
        "macro F1 rose from 0.29 with no real passage to 0.31 with about 700, so the features, more than "
        "the number of passages, limit this model."
    )
    return "\n".join(lines) + "\n"
