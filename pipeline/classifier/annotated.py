"""From annotated passages to a trained model: what `make train` and `make evaluate` run.

The rule tags are made without passage context (`analyse` also passes the heading path and parent lines): an
annotation is a standalone text with no heading or parent recorded, so there is none to give. The codebook's
cues that readers mostly reject become weak, judged on the passages the combination is fitted on, and the
weights travel with the model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.annotations import Annotation
from pipeline.classifier.cues import tags_with_judged_cues
from pipeline.classifier.features import passage_features
from pipeline.classifier.training import TrainResult, combination_rows, precision_floor_for, train
from pipeline.codebook import Codebook
from pipeline.nlp.encoder import PassageEncoder


def train_on_annotations(codebook: Codebook, nlp: Language, annotations: Sequence[Annotation],
                         docs: Sequence[Doc], *, seed: int,
                         encoder: PassageEncoder | None = None) -> TrainResult:
    """Cross-validate and fit the model on `annotations`, whose parsed texts are `docs` (in order); with an
    `encoder`, the model's vectors are its sentence vectors instead of spaCy's."""
    sources = [a.source for a in annotations]
    vector_source = "encoder" if encoder is not None else "spacy"
    floor = precision_floor_for(vector_source)
    tags, weights = tags_with_judged_cues(codebook, nlp, docs, [a.labels for a in annotations],
                                          combination_rows(sources, len(annotations)), floor)
    features = passage_features(docs, [frozenset(t.category for t in doc_tags) for doc_tags in tags],
                                vector_source=vector_source, encoder=encoder)
    result = train(features, [a.labels for a in annotations], [a.group for a in annotations],
                   categories=codebook.ids, sources=sources, seed=seed, precision_floor=floor)
    return replace(result, model=replace(result.model, cue_weights=weights, vector_source=vector_source))
