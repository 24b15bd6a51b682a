"""Scores of the pipeline's outputs against the real set's line labels: cleaning, tagging, competences.

The pipeline's outputs are read as a user gets them (`tables/removed.csv`, `passages.jsonl`); passages and
competence spans index the clean text and are mapped back to the page text through the removals."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.realpages.dataset import GoldLine, RealPage
from pipeline.apostrophes import STRAIGHTENED
from pipeline.diskcache import write_atomic
from pipeline.spaces import UNICODE_SPACES

REMOVED_SHARE = 0.5  # a line counts as removed when at least half of its non-space characters are


@dataclass(frozen=True)
class PredictedPassage:
    start: int  # page-text offsets
    end: int
    categories: frozenset[str]
    competences: tuple[tuple[int, int, str, str], ...]  # page-text start, end, term, type


@dataclass(frozen=True)
class Prediction:
    removals: tuple[tuple[int, int, str], ...]  # page-text start, end, reason
    passages: tuple[PredictedPassage, ...]

    def to_dict(self) -> dict:
        """Offsets, reasons, category ids and terms: nothing of the page's text but the terms as found."""
        return {"removals": [list(r) for r in self.removals],
                "passages": [{"start": p.start, "end": p.end, "categories": sorted(p.categories),
                              "competences": [list(c) for c in p.competences]} for p in self.passages]}

    @classmethod
    def from_dict(cls, data: dict) -> Prediction:
        def passage(p: dict) -> PredictedPassage:
            terms = tuple((int(s), int(e), str(t), str(k)) for s, e, t, k in p["competences"])
            return PredictedPassage(int(p["start"]), int(p["end"]), frozenset(p["categories"]), terms)

        return cls(tuple((int(s), int(e), str(r)) for s, e, r in data["removals"]),
                   tuple(passage(p) for p in data["passages"]))


def write_predictions(path: Path, predictions: dict[str, Prediction]) -> None:
    """Save a bench run's predictions (page id -> Prediction) as JSON, atomically, to score again or
    compare later (`python -m bench.compare_real`)."""
    data = {page_id: p.to_dict() for page_id, p in sorted(predictions.items())}
    write_atomic(path, (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"))


def read_predictions(path: Path) -> dict[str, Prediction]:
    return {page_id: Prediction.from_dict(data)
            for page_id, data in json.loads(path.read_text(encoding="utf-8")).items()}


class CleanToSource:
    """Maps offsets of the clean text back to the page text, given the removed spans."""

    def __init__(self, removals: Iterable[tuple[int, int]], length: int) -> None:
        self.clean_starts: list[int] = []
        self.source_starts: list[int] = []
        pos = clean = 0
        for start, end in sorted(removals):
            if start > pos:
                self.clean_starts.append(clean)
                self.source_starts.append(pos)
                clean += start - pos
            pos = max(pos, end)
        if pos < length:
            self.clean_starts.append(clean)
            self.source_starts.append(pos)

    def __call__(self, offset: int) -> int:
        i = max(bisect.bisect_right(self.clean_starts, offset) - 1, 0)
        if not self.clean_starts:
            return offset
        return self.source_starts[i] + offset - self.clean_starts[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return self(start), self(start)
        return self(start), self(end - 1) + 1


def removed_share(line: GoldLine, removals: Sequence[tuple[int, int, str]]) -> float:
    text = line.text
    counted = [i for i, ch in enumerate(text) if not ch.isspace()]
    if not counted:
        return 0.0
    gone = set()
    for start, end, _ in removals:
        if end <= line.start or start >= line.end:
            continue
        gone.update(range(max(start, line.start) - line.start, min(end, line.end) - line.start))
    return sum(1 for i in counted if i in gone) / len(counted)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


# A copy of a page may write its apostrophes and spaces otherwise than the annotator's copy did
# (`dataset.find_text`): a term is looked for with both read alike, one character for one.
_SPACES = str.maketrans(dict.fromkeys(UNICODE_SPACES, " "))


def _loose(text: str) -> str:
    return text.lower().translate(STRAIGHTENED).translate(_SPACES)


def gold_term_spans(line: GoldLine) -> list[tuple[int, int, str, str]]:
    """Page-text spans of a line's gold terms: each term found in the line, left to right, case-blind and
    whatever the apostrophes and spaces."""
    lowered = _loose(line.text)
    spans, taken = [], Counter()
    for term, kind in line.competences:
        wanted = _loose(term)
        at = -1
        for _ in range(taken[wanted] + 1):
            at = lowered.find(wanted, at + 1)
        taken[wanted] += 1
        if at < 0:
            at = lowered.find(wanted)
        if at >= 0:
            spans.append((line.start + at, line.start + at + len(term), term, kind))
    return spans


@dataclass
class LineOutcome:
    page_id: str
    site: str
    line: GoldLine
    removed: bool
    reasons: tuple[str, ...]
    predicted: frozenset[str]
    found_terms: tuple[tuple[int, int, str, str], ...]


def line_outcomes(page: RealPage, prediction: Prediction) -> list[LineOutcome]:
    out = []
    for line in page.lines:
        share = removed_share(line, prediction.removals)
        removed = share >= REMOVED_SHARE
        reasons = tuple(sorted({r for s, e, r in prediction.removals if overlaps(s, e, line.start, line.end)
                                and r != "whitespace"}))
        predicted: set[str] = set()
        terms = []
        if not removed:
            for passage in prediction.passages:
                if overlaps(passage.start, passage.end, line.start, line.end):
                    predicted |= passage.categories
                    terms.extend(term for term in passage.competences
                                 if overlaps(term[0], term[1], line.start, line.end))
        out.append(LineOutcome(page.page_id, page.site, line, removed, reasons, frozenset(predicted),
                               tuple(sorted(set(terms)))))
    return out


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class CategoryScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return _share(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _share(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _share(2 * self.tp, 2 * self.tp + self.fp + self.fn)


@dataclass
class Scores:
    pages: int = 0
    sites: int = 0
    chrome_lines: int = 0
    chrome_removed: int = 0
    content_lines: int = 0
    content_kept: int = 0
    chrome_kept_examples: list[LineOutcome] = field(default_factory=list)
    content_removed_examples: list[LineOutcome] = field(default_factory=list)
    categories: dict[str, CategoryScore] = field(default_factory=dict)  # over every line
    content_categories: dict[str, CategoryScore] = field(default_factory=dict)  # content lines only
    chrome_lines_tagged: int = 0
    gold_tags: int = 0
    predicted_tags: int = 0
    gold_terms: int = 0
    gold_terms_found: int = 0
    found_terms: int = 0
    found_terms_right: int = 0
    typed_pairs: int = 0
    typed_right: int = 0
    missed_terms: list[tuple[str, str]] = field(default_factory=list)
    wrong_terms: list[tuple[str, str]] = field(default_factory=list)

    @property
    def chrome_recall(self) -> float | None:
        return _share(self.chrome_removed, self.chrome_lines)

    @property
    def content_kept_share(self) -> float | None:
        return _share(self.content_kept, self.content_lines)

    def micro(self, content_only: bool = False) -> CategoryScore:
        table = self.content_categories if content_only else self.categories
        total = CategoryScore()
        for score in table.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def macro_f1(self, content_only: bool = False) -> float | None:
        table = self.content_categories if content_only else self.categories
        values = [s.f1 or 0.0 for s in table.values() if s.tp + s.fn > 0]
        return sum(values) / len(values) if values else None

    @property
    def tags_per_gold_tag(self) -> float | None:
        return _share(self.predicted_tags, self.gold_tags)

    @property
    def term_recall(self) -> float | None:
        return _share(self.gold_terms_found, self.gold_terms)

    @property
    def term_precision(self) -> float | None:
        return _share(self.found_terms_right, self.found_terms)

    @property
    def type_accuracy(self) -> float | None:
        return _share(self.typed_right, self.typed_pairs)


def score(outcomes: Iterable[LineOutcome], categories: Sequence[str]) -> Scores:
    scores = Scores(categories={c: CategoryScore() for c in categories},
                    content_categories={c: CategoryScore() for c in categories})
    pages, sites = set(), set()
    for outcome in outcomes:
        line = outcome.line
        pages.add(outcome.page_id)
        sites.add(outcome.site)
        if line.chrome:
            scores.chrome_lines += 1
            if outcome.removed:
                scores.chrome_removed += 1
            else:
                scores.chrome_kept_examples.append(outcome)
            if outcome.predicted:
                scores.chrome_lines_tagged += 1
        else:
            scores.content_lines += 1
            if outcome.removed:
                scores.content_removed_examples.append(outcome)
            else:
                scores.content_kept += 1
        gold = set() if line.chrome else set(line.labels)
        scores.gold_tags += len(gold)
        scores.predicted_tags += len(outcome.predicted)
        tables = [scores.categories] if line.chrome else [scores.categories, scores.content_categories]
        for table in tables:
            for category in categories:
                in_gold, in_predicted = category in gold, category in outcome.predicted
                table[category].tp += in_gold and in_predicted
                table[category].fp += in_predicted and not in_gold
                table[category].fn += in_gold and not in_predicted
        _score_terms(scores, outcome)
    scores.pages, scores.sites = len(pages), len(sites)
    return scores


def _score_terms(scores: Scores, outcome: LineOutcome) -> None:
    gold = [] if outcome.line.chrome else gold_term_spans(outcome.line)
    found = outcome.found_terms
    scores.gold_terms += len(gold)
    scores.found_terms += len(found)
    for g_start, g_end, g_term, g_type in gold:
        hits = [f for f in found if overlaps(f[0], f[1], g_start, g_end)]
        if hits:
            scores.gold_terms_found += 1
            scores.typed_pairs += 1
            scores.typed_right += any(f[3] == g_type for f in hits)
        else:
            scores.missed_terms.append((g_term, g_type))
    for f_start, f_end, f_term, f_type in found:
        if any(overlaps(f_start, f_end, g[0], g[1]) for g in gold):
            scores.found_terms_right += 1
        else:
            scores.wrong_terms.append((f_term, f_type))


# The summary figures `site_intervals` gives an interval for, as Scores names them.
INTERVAL_FIGURES = ("chrome removed", "content kept", "micro F1", "macro F1", "tags per gold tag",
                    "term recall", "term precision")
INTERVAL_DRAWS = 1000


def figure(scores: Scores, name: str) -> float | None:
    """One of the figures `site_intervals` names (INTERVAL_FIGURES, or "precision <category>"), read off
    `scores`."""
    if name.startswith("precision "):
        return scores.categories[name.removeprefix("precision ")].precision
    return {
        "chrome removed": scores.chrome_recall,
        "content kept": scores.content_kept_share,
        "micro F1": scores.micro().f1,
        "macro F1": scores.macro_f1(),
        "tags per gold tag": scores.tags_per_gold_tag,
        "term recall": scores.term_recall,
        "term precision": scores.term_precision,
    }[name]


def _site_counts(outcomes: Sequence[LineOutcome], categories: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Per site, the counts every summary figure is a ratio of: chrome lines and those removed, content lines
    and those kept, gold and predicted tags, gold and found terms and those matched, then tp, fp and fn of
    each category (over every line, as `Scores.categories`)."""
    by_site: dict[str, list[LineOutcome]] = {}
    for outcome in outcomes:
        by_site.setdefault(outcome.site, []).append(outcome)
    rows = []
    for part in by_site.values():
        s = score(part, categories)
        row = [s.chrome_lines, s.chrome_removed, s.content_lines, s.content_kept, s.gold_tags,
               s.predicted_tags, s.gold_terms, s.gold_terms_found, s.found_terms, s.found_terms_right]
        for category in categories:
            c = s.categories[category]
            row += [c.tp, c.fp, c.fn]
        rows.append(row)
    return list(by_site), np.array(rows, dtype=float).reshape(len(rows), -1)


def _ratio_or_nan(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1), np.nan)


def _figures(total: np.ndarray, categories: Sequence[str]) -> dict[str, np.ndarray]:
    """Each figure for each row of summed site counts (`_site_counts`' columns); NaN where it has no
    denominator."""
    chrome, removed, content, kept, gold, predicted, terms, terms_found, found, found_right = total[:, :10].T
    per_category = total[:, 10:].reshape(len(total), len(categories), 3)
    tp, fp, fn = per_category[..., 0], per_category[..., 1], per_category[..., 2]
    f1 = _ratio_or_nan(2 * tp, 2 * tp + fp + fn)
    # as Scores.macro_f1: the mean over the categories with a gold tag
    with_gold = tp + fn > 0
    macro = _ratio_or_nan(np.where(with_gold, np.nan_to_num(f1), 0.0).sum(axis=1), with_gold.sum(axis=1))
    figures = {
        "chrome removed": _ratio_or_nan(removed, chrome),
        "content kept": _ratio_or_nan(kept, content),
        "micro F1": _ratio_or_nan(2 * tp.sum(axis=1), (2 * tp + fp + fn).sum(axis=1)),
        "macro F1": macro,
        "tags per gold tag": _ratio_or_nan(predicted, gold),
        "term recall": _ratio_or_nan(terms_found, terms),
        "term precision": _ratio_or_nan(found_right, found),
    }
    for j, category in enumerate(categories):
        figures[f"precision {category}"] = _ratio_or_nan(tp[:, j], tp[:, j] + fp[:, j])
    return figures


def _draws(n_sites: int, draws: int, seed: int) -> np.ndarray:
    """How many times each site is drawn, in each of `draws` draws of `n_sites` sites with replacement."""
    return np.random.default_rng(seed).multinomial(n_sites, np.full(n_sites, 1 / n_sites), size=draws)


def _percentiles(figures: dict[str, np.ndarray], level: float) -> dict[str, tuple[float, float]]:
    tail = 100 * (1 - level) / 2
    intervals = {}
    for name, values in figures.items():
        values = values[~np.isnan(values)]
        if len(values):
            low, high = np.percentile(values, [tail, 100 - tail])
            intervals[name] = (float(low), float(high))
    return intervals


def site_intervals(outcomes: Sequence[LineOutcome], categories: Sequence[str], draws: int = INTERVAL_DRAWS,
                   level: float = 0.95, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Percentile intervals of the summary figures when the sites are drawn again with replacement, as many
    as there are (a site's pages and lines go together, as they do in the site folds): how much a figure
    depends on which sites happened to be gathered. A figure with no denominator in a draw is left out of
    that draw; a figure with none in any draw is absent. Beside the summary figures (INTERVAL_FIGURES), each
    category's precision as "precision <category>"."""
    sites, counts = _site_counts(outcomes, categories)
    if not sites:
        return {}
    return _percentiles(_figures(_draws(len(sites), draws, seed) @ counts, categories), level)


def paired_site_intervals(before: Sequence[LineOutcome], after: Sequence[LineOutcome],
                          categories: Sequence[str], draws: int = INTERVAL_DRAWS, level: float = 0.95,
                          seed: int = 0) -> dict[str, tuple[float, float]]:
    """Intervals of each figure's change from `before` to `after` (two runs over the same pages), the same
    sites drawn for both in each draw: a difference whose interval holds 0 is one the set cannot tell from
    the luck of which sites were gathered. Far narrower than the two runs' own intervals, since a site that
    is hard for one run is mostly hard for the other."""
    sites, counts_before = _site_counts(before, categories)
    sites_after, counts_after = _site_counts(after, categories)
    if sites != sites_after:
        raise ValueError("the two runs do not cover the same sites in the same order")
    if not sites:
        return {}
    weights = _draws(len(sites), draws, seed)
    old, new = _figures(weights @ counts_before, categories), _figures(weights @ counts_after, categories)
    return _percentiles({name: new[name] - old[name] for name in old}, level)
