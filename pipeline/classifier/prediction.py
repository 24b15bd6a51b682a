"""A trained model in use: its bundle, probabilities for passages, tags merged with the rules, evidence."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from pipeline.classifier.combination import combine
from pipeline.classifier.features import PassageFeatures


@dataclass(frozen=True)
class ModelBundle:
    """A fitted pipeline and what is needed to read its output."""

    pipeline: Pipeline
    categories: tuple[str, ...]  # the pipeline's output columns, in order
    thresholds: Mapping[str, float]
    policy: str  # the combination strategy chosen on out-of-fold scores: a POLICIES name or PER_CATEGORY
    blocks: tuple[str, ...]
    # per modelled category, the policy `combine` applies (empty: `policy` for every category) ...
    category_policies: Mapping[str, str] = field(default_factory=dict)
    # ... and, for "rules+strict", the stricter model cut above which the model adds to the rules
    strict_thresholds: Mapping[str, float] = field(default_factory=dict)
    # the codebook cues made weak because readers mostly rejected their tags (category -> cue -> weight)
    cue_weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # what the "vectors" block reads: spaCy's averaged word vectors or the sentence encoder (VECTOR_SOURCES)
    vector_source: str = "spacy"

    def policy_per_category(self) -> dict[str, str]:
        """The policy of each modelled category (a bundle built without them applies `policy` to all)."""
        if self.category_policies:
            return dict(self.category_policies)
        return dict.fromkeys(self.categories, self.policy)


def predict(model_bundle: ModelBundle, features: Sequence[PassageFeatures]) -> list[dict[str, float]]:
    """Per passage, category -> probability for each category the model covers (categories with too few
    examples to train are absent: the rules alone decide them). Tag when score >= the category threshold."""
    if not len(features):
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        probabilities = model_bundle.pipeline.predict_proba(list(features))
    return [
        {c: float(p) for c, p in zip(model_bundle.categories, row, strict=True)}
        for row in np.asarray(probabilities)
    ]


def combine_with(
    bundle: ModelBundle,
    rule_tags: frozenset[str],
    rule_scores: Mapping[str, float],
    model_scores: Mapping[str, float],
) -> dict[str, tuple[float, str]]:
    """`combine` with the thresholds and per-category policies the bundle was trained with."""
    return combine(
        rule_tags,
        rule_scores,
        model_scores,
        bundle.thresholds,
        policy=bundle.policy_per_category(),
        strict_thresholds=bundle.strict_thresholds,
    )


def top_features(
    model_bundle: ModelBundle,
    features: Sequence[PassageFeatures],
    categories: Sequence[Collection[str]],
    k: int = 5,
) -> list[dict[str, tuple[str, ...]]]:
    """For each passage and each of its `categories` the model covers, the lemmas (or lemma pairs) of the
    passage that push most towards that category: the model's evidence. One vectorizer call for all."""
    result: list[dict[str, tuple[str, ...]]] = [{} for _ in features]
    if "lemmas" not in model_bundle.blocks or not len(features):
        return result
    union: FeatureUnion = model_bundle.pipeline.named_steps["features"]
    vectorizer: TfidfVectorizer = union.transformer_list[0][1][-1]
    rows = vectorizer.transform([f.lemmas for f in features]).tocsr()
    estimators = model_bundle.pipeline.named_steps["classify"].estimators_
    names = vectorizer.get_feature_names_out()
    for index, wanted in enumerate(categories):
        span = slice(rows.indptr[index], rows.indptr[index + 1])
        columns, values = rows.indices[span], rows.data[span]
        for category in wanted:
            if category not in model_bundle.categories:
                continue
            weights = np.ravel(estimators[model_bundle.categories.index(category)].coef_)[: rows.shape[1]]
            contributions = values * weights[columns]
            order = np.argsort(-contributions, kind="stable")[:k]
            result[index][category] = tuple(str(names[columns[j]]) for j in order if contributions[j] > 0)
    return result
