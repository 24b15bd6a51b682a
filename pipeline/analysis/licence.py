"""Whether a lexicon form found in a passage is a competence there: a logistic model on generic features.

The lexicon's rules (`competences.py`) say when a form counts: a plain form everywhere, a context-only form in
a passage about competences or roles, an activity where its object is a person, group or gathering, never
inside a name. On real pages nobody had read, those rules found a third of the terms readers mark. With a
licence model (`licence:` in the lexicon file, fitted by `python -m bench.fit_licence` on the real pages'
annotations, `docs/competences.md` section 7), every form match is a candidate and the model decides from
what the rules know of it, how often readers marked that term in the training pages, and the shape of the
match and its passage. The rules keep what they keep; the model reads again only the forms they reject for
want of context or anchor, never a form inside a name or one they refuse by what stands around it.

The model is JSON (weights, threshold, per-term counts), read without unpickling anything."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.errors import LexiconError

FEATURES = (
    "needs_context",   # a context-only or anchored form (the rules would ask for something around it)
    "anchored_form",   # an anchored form (« faciliter », « partager »)
    "anchored",        # its object, agent or qualified gathering is a person, group or gathering
    "about_competences",
    "about_roles",
    "term_rate",       # share of the term's occurrences readers marked in the training pages (smoothed)
    "term_seen",       # log(1 + occurrences of the term in the training pages)
    "passage_words",   # log(1 + words in the passage)
    "capitalised",     # the match starts with a capital
    "match_words",     # words in the match
)
TYPE_FEATURE = "type={}"
CONTEXT_WINDOW = 5  # words each side of a match whose word vectors say what it is said of


@dataclass(frozen=True)
class LicenceModel:
    weights: Mapping[str, float]  # feature name -> weight (type features: "type=<type id>")
    intercept: float
    threshold: float  # keep a candidate whose probability reaches it
    term_counts: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # term -> (marked, seen)
    prior_rate: float = 0.3  # the smoothing's prior share of marked occurrences
    prior_weight: float = 2.0  # how many occurrences the prior counts for
    # weights of the unit mean word vector of the content words around the match (CONTEXT_WINDOW each side)
    context_weights: tuple[float, ...] = ()
    # the model reads again only terms it saw this often in training: elsewhere it would judge a word by
    # its neighbours alone (« médiation » of museums, « évaluation » of language models in other corpora)
    min_seen: int = 3

    def knows(self, term: str) -> bool:
        return self.term_counts.get(term, (0, 0))[1] >= self.min_seen

    def term_features(self, term: str) -> tuple[float, float]:
        """(term_rate, term_seen) of a lexicon term; a term the training pages never showed gets the prior."""
        marked, seen = self.term_counts.get(term, (0, 0))
        rate = (marked + self.prior_rate * self.prior_weight) / (seen + self.prior_weight)
        return rate, math.log1p(seen)

    def probability(self, features: Mapping[str, float], context: Sequence[float] | None = None) -> float:
        z = self.intercept + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        if context is not None and self.context_weights:
            z += sum(w * x for w, x in zip(self.context_weights, context, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def to_dict(self) -> dict:
        return {"features": dict(self.weights), "intercept": self.intercept, "threshold": self.threshold,
                "term_counts": {t: list(c) for t, c in sorted(self.term_counts.items())},
                "prior_rate": self.prior_rate, "prior_weight": self.prior_weight,
                "context_weights": [round(w, 6) for w in self.context_weights], "min_seen": self.min_seen}

    @classmethod
    def from_dict(cls, data: dict, where: str = "licence") -> LicenceModel:
        try:
            weights = {str(k): float(v) for k, v in data["features"].items()}
            counts = {str(t): (int(c[0]), int(c[1])) for t, c in data.get("term_counts", {}).items()}
            model = cls(weights, float(data["intercept"]), float(data["threshold"]), counts,
                        float(data.get("prior_rate", 0.3)), float(data.get("prior_weight", 2.0)),
                        tuple(float(w) for w in data.get("context_weights", ())),
                        int(data.get("min_seen", 3)))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise LexiconError(f"{where}: not a competence licence model ({exc!r})") from None
        unknown = {n for n in weights if n not in FEATURES and not n.startswith(TYPE_FEATURE.format(""))}
        if unknown:
            raise LexiconError(f"{where}: unknown feature(s) {', '.join(sorted(unknown))}")
        if not 0.0 < model.threshold < 1.0:
            raise LexiconError(f"{where}: threshold must lie between 0 and 1")
        return model


def read_licence(path: Path) -> tuple[LicenceModel, bytes]:
    """The model in `path`, and the file's bytes (for the lexicon's hash). Raises LexiconError naming the
    file."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: competence licence model not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LexiconError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: not a competence licence model")
    return LicenceModel.from_dict(data, str(path)), raw


def lexicon_digest(lexicon: bytes, model: bytes | None) -> str:
    """`Lexicon.sha256`: the lexicon file's bytes and those of the licence model it names, if any."""
    digest = hashlib.sha256(lexicon)
    if model is not None:
        digest.update(model)
    return digest.hexdigest()


def lexicon_sha256(path: Path) -> str:
    """The hash of a lexicon file and of the licence model it names (`lexicon_digest`), read without
    validating either: for a run's signature, which must change when the model is refitted;
    `load_lexicon` reports what is wrong with them."""
    raw = Path(path).read_bytes()
    model = None
    try:
        named = yaml.safe_load(raw.decode("utf-8")).get("licence")
        if named is not None:
            model = (Path(path).parent / named).read_bytes()
    except (yaml.YAMLError, UnicodeDecodeError, AttributeError, TypeError, OSError):
        pass
    return lexicon_digest(raw, model)
