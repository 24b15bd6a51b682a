"""Precision, recall and F1 per category for the rules, the model and their combination, per source.

A "system" is one way of tagging (rules, model, combination); its predictions are one set of category
ids per passage, aligned with the gold labels. Everything here is plain Python on label sets, so the same
functions score out-of-fold predictions during training and a saved model during `make evaluate`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

ALL_SOURCES = "all"


@dataclass(frozen=True)
class Scores:
    """How one system does on one category (or the macro average over categories)."""

    precision: float
    recall: float
    f1: float
    support: int  # passages that carry the category in the gold labels
    predicted: int  # passages the system tagged with it


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def category_scores(
    gold: Sequence[Collection[str]], predicted: Sequence[Collection[str]], categories: Sequence[str]
) -> dict[str, Scores]:
    """Per-category scores. A ratio whose denominator is zero counts as 0."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold label sets but {len(predicted)} predictions")
    scores: dict[str, Scores] = {}
    for category in categories:
        true_positive = sum(
            1 for g, p in zip(gold, predicted, strict=True) if category in g and category in p
        )
        support = sum(1 for g in gold if category in g)
        tagged = sum(1 for p in predicted if category in p)
        precision = _ratio(true_positive, tagged)
        recall = _ratio(true_positive, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        scores[category] = Scores(precision, recall, f1, support, tagged)
    return scores


def macro_average(scores: Mapping[str, Scores]) -> Scores:
    """Unweighted mean over the categories that occur in the gold labels or in the predictions.

    Categories absent from both say nothing about the system and are left out, so a subset of the data
    (one source) is not penalised for categories it does not contain."""
    present = [s for s in scores.values() if s.support or s.predicted]
    if not present:
        return Scores(0.0, 0.0, 0.0, 0, 0)
    count = len(present)
    return Scores(
        precision=sum(s.precision for s in present) / count,
        recall=sum(s.recall for s in present) / count,
        f1=sum(s.f1 for s in present) / count,
        support=sum(s.support for s in present),
        predicted=sum(s.predicted for s in present),
    )


def macro_f1(
    gold: Sequence[Collection[str]], predicted: Sequence[Collection[str]], categories: Sequence[str]
) -> float:
    return macro_average(category_scores(gold, predicted, categories)).f1


def score_table(
    gold: Sequence[Collection[str]], predicted: Sequence[Collection[str]], categories: Sequence[str]
) -> dict[str, Any]:
    """`{"per_category": {id: {precision, recall, f1, support, predicted}}, "macro": {...}}` (JSON-ready)."""
    per_category = category_scores(gold, predicted, categories)
    return {
        "per_category": {category: asdict(s) for category, s in per_category.items()},
        "macro": asdict(macro_average(per_category)),
    }


def evaluate_systems(
    gold: Sequence[Collection[str]],
    systems: Mapping[str, Sequence[Collection[str]]],
    categories: Sequence[str],
    sources: Sequence[str] | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """`{system: {source: score_table}}` with the source "all" for every passage, then one entry per
    distinct source (seed, crdh, written…) when `sources` is given."""
    groups: dict[str, list[int]] = {ALL_SOURCES: list(range(len(gold)))}
    if sources is not None:
        if len(sources) != len(gold):
            raise ValueError(f"{len(gold)} gold label sets but {len(sources)} sources")
        for index, source in enumerate(sources):
            groups.setdefault(source, []).append(index)
    report: dict[str, dict[str, dict[str, Any]]] = {}
    for name, predicted in systems.items():
        report[name] = {
            source: score_table([gold[i] for i in rows], [predicted[i] for i in rows], categories)
            for source, rows in groups.items()
        }
    return report


# What `make evaluate` prints, in French: the systems compared and the average row.
SYSTEM_NAMES = {"rules": "règles", "model": "modèle", "combination": "combinaison"}
MACRO_ROW = "moyenne macro"


def format_table(report: Mapping[str, Mapping[str, Mapping[str, Any]]], *, categories: Sequence[str]) -> str:
    """A fixed-width text table per source: one row per category (and the macro average), and for each
    system its precision, recall and F1 in percent, plus the number of gold passages (n)."""
    systems = list(report)
    if not systems:
        return "(rien à évaluer)\n"
    sources = list(report[systems[0]])
    name_width = max([len(MACRO_ROW), *map(len, categories)])
    cell = 17
    lines: list[str] = []
    for source in sources:
        lines.append(f"Source : {source}")
        header = f"{'catégorie':<{name_width}}  {'n':>4}  " + "  ".join(
            f"{SYSTEM_NAMES.get(s, s)[:cell]:^{cell}}" for s in systems)
        sub = f"{'':<{name_width}}  {'':>4}  " + "  ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in systems)
        lines += [header, sub, "-" * len(header)]
        rows = [(c, [report[s][source]["per_category"][c] for s in systems]) for c in categories]
        rows.append((MACRO_ROW, [report[s][source]["macro"] for s in systems]))
        for index, (name, cells) in enumerate(rows):
            if index == len(rows) - 1:
                lines.append("-" * len(header))
            support = cells[0]["support"]
            values = "  ".join(
                f"{100 * c['precision']:5.1f} {100 * c['recall']:5.1f} {100 * c['f1']:5.1f}" for c in cells
            )
            lines.append(f"{name:<{name_width}}  {support:>4}  {values}")
        lines.append("")
    return "\n".join(lines)
