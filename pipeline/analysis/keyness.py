"""Keyness: which words a part of the corpus (a category's passages, a document) uses more, or less, than the
rest of the corpus. This is the "specificities" table of lexicometry, computed with Dunning's log-likelihood.

For a word seen `a` times in a part of `c` words and `b` times in the rest of `d` words:

* G2 = 2 * sum(observed * ln(observed / expected)) over the two cells, expected from the pooled rate. It
  follows a chi-square law with one degree of freedom, so G2 >= 3.84 means p < 0.05 and >= 6.63 p < 0.01.
* log ratio = log2 of the ratio of the two relative frequencies: +1 means twice as frequent in the part,
  -1 half as frequent. Each count gets LOG_RATIO_SMOOTHING added first so a word absent from the rest gets
  a finite value (the usual choice, after Hardie's Log Ratio).
* direction is "+" for over-use in the part and "-" for under-use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

SIGNIFICANT_G2 = 3.84  # chi-square, 1 degree of freedom, p < 0.05
MIN_PART_COUNT = 2
LOG_RATIO_SMOOTHING = 0.5


@dataclass(frozen=True)
class KeyTerm:
    part: str  # a category id or a doc_id
    lemma: str
    form: str
    count_part: int
    count_rest: int
    g2: float
    log_ratio: float
    direction: str  # "+" over-used in the part, "-" under-used


def log_likelihood(count_part: int, count_rest: int, total_part: int, total_rest: int) -> float:
    """Dunning's G2 for one word; 0.0 when either side has no words at all."""
    if total_part <= 0 or total_rest <= 0:
        return 0.0
    pooled = (count_part + count_rest) / (total_part + total_rest)
    g2 = 0.0
    for observed, total in ((count_part, total_part), (count_rest, total_rest)):
        expected = pooled * total
        if observed > 0:
            g2 += observed * math.log(observed / expected)
    return 2.0 * g2


def log_ratio(count_part: int, count_rest: int, total_part: int, total_rest: int) -> float:
    """log2 of (relative frequency in the part) / (relative frequency in the rest), smoothed."""
    part_rate = (count_part + LOG_RATIO_SMOOTHING) / total_part
    rest_rate = (count_rest + LOG_RATIO_SMOOTHING) / total_rest
    return math.log2(part_rate / rest_rate)


def keyness(
    part: str,
    part_counts: Mapping[str, int],
    part_total: int,
    corpus_counts: Mapping[str, int],
    corpus_total: int,
    forms: Mapping[str, str] | None = None,
    *,
    min_g2: float = SIGNIFICANT_G2,
    min_count: int = MIN_PART_COUNT,
) -> list[KeyTerm]:
    """Significant words of `part` against the rest: over-used first, then under-used, each by G2 desc.

    `part_counts` must be included in `corpus_counts` (the part is a subset of the corpus). A part that is
    the whole corpus has no rest to compare with and gets no key terms."""
    rest_total = corpus_total - part_total
    if part_total <= 0 or rest_total <= 0:
        return []
    forms = forms or {}
    found: list[KeyTerm] = []
    for lemma, count_part in part_counts.items():
        if count_part < min_count:
            continue
        count_rest = corpus_counts.get(lemma, 0) - count_part
        g2 = log_likelihood(count_part, count_rest, part_total, rest_total)
        if g2 < min_g2:
            continue
        over_used = count_part / part_total > count_rest / rest_total
        found.append(
            KeyTerm(
                part=part,
                lemma=lemma,
                form=forms.get(lemma, lemma),
                count_part=count_part,
                count_rest=count_rest,
                g2=g2,
                log_ratio=log_ratio(count_part, count_rest, part_total, rest_total),
                direction="+" if over_used else "-",
            )
        )
    found.sort(key=lambda term: (term.direction != "+", -term.g2, term.lemma))
    return found
