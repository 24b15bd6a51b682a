"""Rule "chrome": lines a logistic model on generic line features reads as web chrome (menus, bylines, dates
standing alone, captions, counters, share and download links, site names…), removed whole.

The model is data (`pipeline/data/chrome_lines.json`): feature means and scales, one weight per feature and
per word, an intercept and the threshold. It was fitted on the real development set's line labels with
site-grouped cross-validation, and the threshold keeps at least 99 % of content lines there (a line is kept
when in doubt); `python -m bench.fit_chrome` refits it and says how it does on sites it never saw. A short
capitalised line right above prose is kept whatever the model says (a section heading). The rule runs after
the rules that name their junk, on the lines they left, and not on Markdown files (`Rule.scraped_only`)."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.clean.line_features import heading_over_prose, line_words, page_features
from pipeline.clean.lines import Span, split_lines, whole_line
from pipeline.settings import CHROME_MODEL

MODEL_FILE = CHROME_MODEL


@dataclass(frozen=True)
class ChromeModel:
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    words: Mapping[str, float]
    intercept: float
    threshold: float
    signature: str  # sha256 of the serialised model: part of the prepared-text cache key

    @classmethod
    def from_dict(cls, data: Mapping) -> ChromeModel:
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return cls(tuple(data["features"]), tuple(data["means"]), tuple(data["scales"]),
                   tuple(data["weights"]), dict(data["words"]), float(data["intercept"]),
                   float(data["threshold"]), hashlib.sha256(text.encode("utf-8")).hexdigest())

    def probabilities(self, lines: Sequence[str]) -> list[float]:
        """The probability that each line is chrome, reading each with the others around it."""
        out = []
        for text, row in zip(lines, page_features(lines), strict=True):
            z = self.intercept
            for name, mean, scale, weight in zip(self.features, self.means, self.scales, self.weights,
                                                 strict=True):
                z += weight * (row[name] - mean) / scale
            z += sum(self.words.get(word, 0.0) for word in line_words(text))
            out.append(1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))))
        return out


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


def find_chrome(text: str) -> list[Span]:
    model = active_model()
    lines = [line for line in split_lines(text) if not line.is_blank]
    if not lines:
        return []
    texts = [line.stripped for line in lines]
    probabilities = model.probabilities(texts)
    following = [*texts[1:], ""]
    return [
        whole_line(line)
        for line, p, below in zip(lines, probabilities, following, strict=True)
        if p >= model.threshold and not heading_over_prose(line.stripped, below)
    ]
