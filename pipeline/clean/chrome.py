"""Rule "chrome": lines a model on generic line features reads as web chrome (menus, bylines, dates standing
alone, captions, counters, share and download links, site names…), removed whole.

The model is data (`pipeline/data/chrome_lines.json`, read as JSON, never unpickled): a word score (one
weight per word, a logistic model), boosted regression trees over the line features and that score, and the
threshold. It was fitted on the real development set's line labels with
site-grouped cross-validation, and the threshold keeps at least 99 % of content lines there (a line is kept
when in doubt); `python -m bench.fit_chrome` refits it and says how it does on sites it never saw. A short
capitalised line right above prose is kept whatever the model says (a section heading). The rule runs after
the rules that name their junk, on the lines they left, and not on the files people write
(`Rule.scraped_only`)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.clean.line_features import heading_over_prose, line_words, page_features
from pipeline.clean.lines import Span, split_lines, whole_line
from pipeline.settings import CHROME_MODEL

MODEL_FILE = CHROME_MODEL
SENTENCE_ENDS = (".", "!", "?", "…", ".»", "!»", "?»", ". »", "! »", "? »")


@dataclass(frozen=True)
class Forest:
    """Boosted regression trees, their nodes laid end to end (node `roots[k]` is the root of tree k), so
    that one walk takes every line down every tree at once."""

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    @classmethod
    def from_dicts(cls, trees: Sequence[Mapping]) -> Forest:
        sizes = [len(tree["value"]) for tree in trees]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if trees else np.zeros(0, int)

        def joined(key: str, dtype, shift: bool = False) -> np.ndarray:
            parts = [np.asarray(tree[key], dtype=dtype) for tree in trees]
            if shift:
                parts = [part + offset for part, offset in zip(parts, offsets, strict=True)]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        return cls(offsets, joined("feature", np.int64), joined("threshold", float),
                   joined("left", np.int64, shift=True), joined("right", np.int64, shift=True),
                   joined("missing_left", bool), joined("leaf", bool), joined("value", float))

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """The sum over the trees of the leaf value each row of `rows` (one line per row) reaches."""
        if not len(self.roots):
            return np.zeros(len(rows))
        node = np.tile(self.roots, (len(rows), 1))
        line = np.arange(len(rows))[:, None]
        while True:
            inner = ~self.leaf[node]
            if not inner.any():
                return self.value[node].sum(axis=1)
            x = rows[line, self.feature[node]]
            left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
            node = np.where(inner, np.where(left, self.left[node], self.right[node]), node)


@dataclass(frozen=True)
class ChromeModel:
    features: tuple[str, ...]
    words: Mapping[str, float]  # the word score: a logistic model on the words of the line
    word_intercept: float
    trees: Forest  # boosted trees on the features and the word score (its column comes last)
    baseline: float
    threshold: float
    signature: str  # sha256 of the serialised model: part of the prepared-text cache key

    @classmethod
    def from_dict(cls, data: Mapping) -> ChromeModel:
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return cls(tuple(data["features"]), dict(data["words"]), float(data["word_intercept"]),
                   Forest.from_dicts(data["trees"]), float(data["baseline"]),
                   float(data["threshold"]), hashlib.sha256(text.encode("utf-8")).hexdigest())

    def probabilities(self, lines: Sequence[str]) -> list[float]:
        """The probability that each line is chrome, reading each with the others around it."""
        if not lines:
            return []
        rows = np.array([[row[name] for name in self.features] + [self._word_score(text)]
                         for text, row in zip(lines, page_features(lines), strict=True)], dtype=float)
        raw = self.baseline + self.trees.raw(rows)
        return [float(p) for p in 1.0 / (1.0 + np.exp(-np.clip(raw, -50.0, 50.0)))]

    def _word_score(self, text: str) -> float:
        z = self.word_intercept + sum(self.words.get(word, 0.0) for word in line_words(text))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@lru_cache(maxsize=1)
def _shipped() -> ChromeModel:
    return ChromeModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


_override: ChromeModel | None = None


def active_model() -> ChromeModel:
    return _override if _override is not None else _shipped()


def use_model(model: ChromeModel | None) -> None:
    """Use `model` instead of the shipped one in this process and the workers it forks (None: back to the
    shipped one). For benches that fit the model on some sites and score it on others."""
    global _override
    _override = model


def removable_probabilities(texts: Sequence[str], model: ChromeModel | None = None) -> list[float | None]:
    """The chrome probability of each of a page's non-blank lines (stripped) under `model` (the active one by
    default), None for a heading right above prose, which the rule keeps whatever the model says."""
    model = model or active_model()
    following = [*texts[1:], ""]
    return [None if heading_over_prose(text, below) else p
            for text, p, below in zip(texts, model.probabilities(texts), following, strict=True)]


def chrome_lines(texts: Sequence[str], model: ChromeModel | None = None) -> list[bool]:
    """Whether each of a page's non-blank lines (stripped) is chrome for `model` (the active one by default):
    above the model's threshold and not a heading right above prose. A page the model would empty, or whose
    every line ends a sentence, keeps every line: chrome is what stands around a text, and a text of one or
    two lines (a short note, a page whose body was lost before) or of sentences only (no title, menu, date or
    label: 10 of the 303 real pages, none with a chrome line) has nothing around it to be told from; its
    short sentences would otherwise read as slogans (« Notre réseau suppose l'intérêt commun ? », which
    shares no word with the rest of the page). In doubt, a line stays."""
    model = model or active_model()
    if all(text.endswith(SENTENCE_ENDS) for text in texts):
        return [False] * len(texts)
    flags = [p is not None and p >= model.threshold for p in removable_probabilities(texts, model)]
    return [False] * len(flags) if all(flags) else flags


def find_chrome(text: str) -> list[Span]:
    lines = [line for line in split_lines(text) if not line.is_blank]
    if not lines:
        return []
    flags = chrome_lines([line.stripped for line in lines])
    return [whole_line(line) for line, chrome in zip(lines, flags, strict=True) if chrome]
