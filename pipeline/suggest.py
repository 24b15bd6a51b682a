"""Which passages to annotate next: those the model is least sure about, spread across reports and
categories, written as JSON Lines that doccano and Label Studio import (text + current labels)."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


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
    """The `n` passages most worth annotating, most uncertain first within each round.

    Each passage is filed under the category it is least sure about; categories take turns (round-robin)
    giving their most uncertain passage, and no report gives more than its share (n / number of reports,
    rounded up) until every other candidate is used. Ties are broken by a shuffle seeded by `seed`.
    Returns records `{"text", "label": [ids the model tags now], "meta": {"passage_id", "doc_id",
    "uncertainty", "scores"}}`."""
    count = len(passage_ids)
    if not (count == len(texts) == len(doc_ids) == len(model_scores)):
        raise ValueError("passage_ids, texts, doc_ids and model_scores must have one entry per passage")
    if n <= 0 or count == 0:
        return []
    order = list(range(count))
    random.Random(seed).shuffle(order)
    measured = {i: uncertainty(model_scores[i], thresholds) for i in order}
    queues: dict[str, list[int]] = {}
    for i in sorted(order, key=lambda i: -measured[i][0]):  # stable: shuffled order breaks ties
        queues.setdefault(measured[i][1] or "", []).append(i)
    cap = math.ceil(n / len(set(doc_ids)))
    chosen: list[int] = []
    taken: set[int] = set()
    per_document: dict[str, int] = {}
    for limit in (cap, count):  # second pass lifts the per-report cap if candidates ran out
        progress = True
        while len(chosen) < n and progress:
            progress = False
            for category in sorted(queues):
                queue = queues[category]
                pick = next(
                    (i for i in queue if i not in taken and per_document.get(doc_ids[i], 0) < limit), None
                )
                if pick is None:
                    continue
                chosen.append(pick)
                taken.add(pick)
                per_document[doc_ids[pick]] = per_document.get(doc_ids[pick], 0) + 1
                progress = True
                if len(chosen) == n:
                    break
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
