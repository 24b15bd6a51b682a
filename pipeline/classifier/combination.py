"""How model scores and rule matches become tags: thresholds, the combination policies and their fit.

Pure functions of score and rule matrices; the training module fits them out of fold, the prediction
module applies them to one passage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# How `combine` merges model and rules for one category, in preference order when scores tie:
# "rules+strict" is the rules plus the model only above a stricter, precision-oriented cut.
POLICIES = ("union", "model", "intersection", "rules", "rules+strict")
PER_CATEGORY = "per-category"  # strategy: each category gets the policy that does best on it
STRATEGIES = (*POLICIES, PER_CATEGORY)  # a strategy is one policy for every category, or PER_CATEGORY
NEVER = 2.0  # a cut above any probability: the model adds nothing


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


def precise_cut(scores: np.ndarray, truth: np.ndarray, cut: float, min_precision: float) -> float:
    """The lowest cut at or above `cut` at which "score >= cut" has at least `min_precision` on these
    passages (a cut that tags none of them passes); NEVER when every such cut falls short."""
    for candidate in np.unique(np.append(scores[scores >= cut], cut)):
        tagged = scores >= candidate
        if not tagged.any() or truth[tagged].sum() >= min_precision * tagged.sum():
            return float(candidate)
    return NEVER


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

    def with_columns_of(self, other: Combination, columns: Iterable[int]) -> Combination:
        """This combination with the policy and cuts of `columns` taken from `other`."""
        taken = set(columns)
        pick = [other if j in taken else self for j in range(len(self.policies))]
        return Combination(tuple(c.policies[j] for j, c in enumerate(pick)),
                           tuple(c.cuts[j] for j, c in enumerate(pick)),
                           tuple(c.strict_cuts[j] for j, c in enumerate(pick)))


def column_f1(decided: np.ndarray, truth: np.ndarray) -> float:
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
                    column_f1(_decide(policy, by_rules[:, j], scores[:, j], cut, strict), targets[:, j]), 9
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
