"""Which passages to annotate next: those the model is least sure about, spread across reports and
categories, written as JSON Lines that doccano and Label Studio import (text + current labels)."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# A passage's appeal is its uncertainty divided by (1 + DOCUMENT_WEIGHT x passages already taken from its
# report) and by (1 + CATEGORY_WEIGHT x passages already taken for its category). Harmonic rather than
# exponential, so that variety never brings in passages the model is nearly sure about.
DOCUMENT_WEIGHT = 1.0
CATEGORY_WEIGHT = 0.25  # milder: there are few categories, and some are much rarer than others


def margin(score: float, threshold: float) -> float:
    """How far a score is from its category's cut, scaled to [0, 1] on its own side of the cut:
    0 right at the threshold, 1 at 0 or 1."""
    if score >= threshold:
        room = 1.0 - threshold
        return (score - threshold) / room if room > 0 else 1.0
    return (threshold - score) / threshold if threshold > 0 else 1.0


def uncertainty(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> tuple[float, str | None]:
    """(1 - the smallest margin over the categories, the category where it is smallest)."""
    best: tuple[float, str | None] = (0.0, None)
    for category in sorted(scores):
        if category not in thresholds:
            continue
        value = 1.0 - margin(scores[category], thresholds[category])
        if value > best[0]:
            best = (value, category)
    return best


def suggest(
    passage_ids: Sequence[str],
    texts: Sequence[str],
    doc_ids: Sequence[str],
    model_scores: Sequence[Mapping[str, float]],
    thresholds: Mapping[str, float],
    *,
    n: int,
    seed: int,
) -> list[dict[str, Any]]:
    """The `n` passages most worth annotating, in the order they were picked.

    Greedy: each step takes the passage with the highest uncertainty, discounted for the passages
    already taken from its report and for the category it is least sure about (see DOCUMENT_WEIGHT).
    Comparable passages are thus spread across reports and categories, while a near-certain passage
    never displaces a truly uncertain one just for variety.
    Ties are broken by a shuffle seeded by `seed`. Returns records `{"text", "label": [ids the model tags
    now], "meta": {"passage_id", "doc_id", "uncertainty", "scores"}}`."""
    count = len(passage_ids)
    if not (count == len(texts) == len(doc_ids) == len(model_scores)):
        raise ValueError("passage_ids, texts, doc_ids and model_scores must have one entry per passage")
    order = list(range(count))
    random.Random(seed).shuffle(order)
    measured = {i: uncertainty(model_scores[i], thresholds) for i in order}
    remaining = sorted(order, key=lambda i: -measured[i][0])  # stable: the shuffle breaks ties
    from_document: dict[str, int] = {}
    from_category: dict[str | None, int] = {}
    chosen: list[int] = []
    while remaining and len(chosen) < n:
        best_position, best_gain = 0, -1.0
        for position, i in enumerate(remaining):
            if measured[i][0] <= best_gain:
                break  # sorted by uncertainty: no later passage can do better
            gain = measured[i][0] / (
                (1 + DOCUMENT_WEIGHT * from_document.get(doc_ids[i], 0))
                * (1 + CATEGORY_WEIGHT * from_category.get(measured[i][1], 0))
            )
            if gain > best_gain:
                best_position, best_gain = position, gain
        pick = remaining.pop(best_position)
        chosen.append(pick)
        from_document[doc_ids[pick]] = from_document.get(doc_ids[pick], 0) + 1
        from_category[measured[pick][1]] = from_category.get(measured[pick][1], 0) + 1
    return [
        {
            "text": texts[i],
            "label": sorted(c for c, s in model_scores[i].items() if c in thresholds and s >= thresholds[c]),
            "meta": {
                "passage_id": passage_ids[i],
                "doc_id": doc_ids[i],
                "uncertainty": round(measured[i][0], 4),
                "scores": {c: round(float(s), 4) for c, s in sorted(model_scores[i].items())},
            },
        }
        for i in chosen
    ]


def write_jsonl(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """One JSON object per line, UTF-8, accents kept as they are."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
