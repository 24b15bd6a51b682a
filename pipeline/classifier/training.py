"""Training: feature blocks, thresholds and the rules/model combination chosen by grouped
cross-validation, then the model fitted on every passage.

Every threshold, the feature blocks and the way model and rules are combined (one policy for every
category, or a policy per category) are chosen on out-of-fold scores, with folds grouped by report so that
passages of one report are never on both sides. The reported combination scores are cross-fitted twice
over: each fold is combined by a strategy chosen, and fitted, on the other folds only."""

from __future__ import annotations

import platform
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold, KFold

from pipeline.classifier.combination import (
    NEVER,
    PER_CATEGORY,
    STRATEGIES,
    Combination,
    best_threshold,
    column_f1,
    fit_combination,
    precise_cut,
)
from pipeline.classifier.features import (
    FEATURE_BLOCKS,
    MIN_CONTENT_LEMMAS,
    PassageFeatures,
    build_pipeline,
    enough_content,
)
from pipeline.classifier.prediction import ModelBundle
from pipeline.errors import ModelError
from pipeline.evaluation import evaluate_systems, macro_f1

MIN_POSITIVES = 3  # a category needs this many labelled passages (and one without it) to get a model
GAIN_TO_KEEP = 0.005  # an extra block stays only if it raises out-of-fold macro F1 by at least this much
# Thresholds and the rules/model combination are fitted on the out-of-fold scores of the passages that are
# most like what users bring: the `real` source (scraped pages) when there are enough of them, else every
# passage. A model cut must reach this precision on them, or the model adds nothing for that category.
FIT_SOURCE = "real"
MIN_FIT_ROWS = 200
PRECISION_FLOOR = 0.4
# A model reading the sentence encoder's vectors scores more passages above its cuts: at 0.4 it gave 1.37 tags
# per gold tag on the real set's site folds (macro F1 0.377), at 0.45 1.24 (0.381), at 0.5 1.11 (0.356);
# spaCy's vectors at 0.45 lose (macro F1 0.333 -> 0.320). docs/realset.md.
ENCODER_PRECISION_FLOOR = 0.45
# A category with fewer positives than this among those passages cannot have its cut read off them (on real
# pages `conditions:freins` has 20, `finalites:propres` 9): its cut and policy are fitted on every passage
# instead, then the cut is raised until the model's tags among the real passages reach the precision floor
# (cuts fitted on every passage alone are loose off the topic). Abstaining there, leaving the category to the
# rules, made the learning curve dip by 0.05 between 200 and 400 real passages (docs/realset.md).
MIN_FIT_POSITIVES = 30


def precision_floor_for(vector_source: str) -> float:
    """The precision a model cut must reach, for a model whose vectors come from `vector_source`."""
    return ENCODER_PRECISION_FLOOR if vector_source == "encoder" else PRECISION_FLOOR


def combination_rows(sources: Sequence[str] | None, n: int) -> np.ndarray:
    """The rows the thresholds and the combination are fitted on (see FIT_SOURCE)."""
    if sources is not None:
        rows = np.array([i for i, source in enumerate(sources) if source == FIT_SOURCE], dtype=np.int64)
        if len(rows) >= MIN_FIT_ROWS:
            return rows
    return np.arange(n)


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
    precision_floor: float = PRECISION_FLOOR  # the precision a model cut had to reach (see `train`)

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
            "vector_source": self.model.vector_source,
            "combination_policies": self.policies,
            "combination_policy": self.model.policy,
            "category_policies": dict(self.model.category_policies),
            "strict_thresholds": dict(self.model.strict_thresholds),
            "combination_selection_f1": self.selection_f1,
            "combination_fitted_on": self.fitted_on,
            "precision_floor": self.precision_floor,
            "min_fit_positives": MIN_FIT_POSITIVES,
            "min_content_lemmas": MIN_CONTENT_LEMMAS,
            "weak_cues": {c: sorted(cues) for c, cues in self.model.cue_weights.items()},
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
        import spacy  # only its version, for the model card; training itself does not need spaCy

        versions["spacy"] = spacy.__version__
    except ImportError:  # pragma: no cover - spaCy is a dependency
        pass
    return versions


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
    return float(np.mean([column_f1(decided[:, j], truth[:, j]) for j in present])) if present else 0.0


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
                              min_precision=0.0, held_on=None) -> tuple[np.ndarray, list[str]]:
    """The reported combination: for each fold, the strategy is chosen on the other folds (by how it
    does there when itself cross-fitted over those folds), then fitted on the other folds and applied to
    this one. Nothing about a fold's passages is chosen on its own labels. With `fit_rows`, only those
    rows of the other folds are used to choose and fit; with `held_on`, the cuts are then held to
    `min_precision` on those rows of the other folds (`_held_to_precision`)."""
    n = len(targets)
    fit_rows = np.arange(n) if fit_rows is None else fit_rows
    decisions = np.zeros(targets.shape, dtype=bool)
    chosen = []
    for _, test_rows in splits:
        others = np.setdiff1d(fit_rows, test_rows)
        strategy = _best_strategy(_strategy_scores(scores, by_rules, targets, splits, others, min_precision))
        combination = fit_combination(scores[others], by_rules[others], targets[others], strategy,
                                      min_precision)
        if held_on is not None:
            held = np.setdiff1d(held_on, test_rows)
            combination = _held_to_precision(combination, scores[held], targets[held], min_precision)
        decisions[test_rows] = combination.decisions(scores[test_rows], by_rules[test_rows])
        chosen.append(strategy)
    return decisions, chosen


def _held_to_precision(combination: Combination, scores: np.ndarray, targets: np.ndarray,
                       floor: float) -> Combination:
    """`combination` with each model cut raised until what the model tags among these passages (the real
    ones) reaches `floor` precision; a category whose cut cannot reach it is left to the rules."""
    policies, cuts, stricts = [], [], []
    for j, (policy, cut, strict) in enumerate(zip(combination.policies, combination.cuts,
                                                  combination.strict_cuts, strict=True)):
        cut = precise_cut(scores[:, j], targets[:, j], cut, floor) if cut < NEVER else cut
        policies.append("rules" if cut >= NEVER and policy in ("union", "model", "intersection") else policy)
        cuts.append(cut)
        stricts.append(max(strict, cut))
    return Combination(tuple(policies), tuple(cuts), tuple(stricts))


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
    precision_floor: float = PRECISION_FLOOR,
) -> TrainResult:
    """Choose feature blocks, thresholds and the combination policy by grouped cross-validation, then fit
    the model on every passage; a model cut must reach `precision_floor` on the passages the combination is
    fitted on. Same data and seed give the same model and metrics."""
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
    policies = _strategy_scores(oof, modelled_rules, targets, splits, fit_rows, precision_floor)
    policy = _best_strategy(policies)
    combination = fit_combination(oof[fit_rows], modelled_rules[fit_rows], targets[fit_rows], policy,
                                  precision_floor)
    cross_fitted, _ = _cross_fitted_combination(oof, modelled_rules, targets, splits, fit_rows,
                                                precision_floor)
    # Fitted on the real passages: where they hold too few positives, on every passage, the cuts then raised
    # until the model's tags among the real passages reach the precision floor.
    if len(fit_rows) < n:
        uncalibrated = [j for j in range(len(modelled)) if targets[fit_rows, j].sum() < MIN_FIT_POSITIVES]
        if uncalibrated:
            everywhere = fit_combination(oof, modelled_rules, targets, policy, precision_floor)
            cross_everywhere, _ = _cross_fitted_combination(oof, modelled_rules, targets, splits, None,
                                                            precision_floor, held_on=fit_rows)
            everywhere = _held_to_precision(everywhere, oof[fit_rows], targets[fit_rows], precision_floor)
            combination = combination.with_columns_of(everywhere, uncalibrated)
            for j in uncalibrated:
                cross_fitted[:, j] = cross_everywhere[:, j]
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
        precision_floor=precision_floor,
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
