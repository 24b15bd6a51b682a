"""The retrainable category classifier: features of a passage, training with grouped cross-validation,
the rules/model combination, prediction, model files loaded safely with skops, and the model card.

- `features`: what the model reads of a passage and the untrained scikit-learn pipeline;
- `combination`: thresholds and the policies that merge model scores with rule matches;
- `training`: blocks, thresholds and policies chosen out of fold, then the fit on every passage;
- `prediction`: the trained bundle in use (probabilities, tags, evidence words);
- `storage`: the model file and its metadata, written atomically, loaded against an allow-list;
- `card`: the model's README.

The names below are the package's public API; model files written before the split refer to the column
selectors as `pipeline.classifier.<name>`, which stays importable (see `storage.ALLOWED_FUNCTIONS`)."""

from pipeline.classifier.card import model_card, write_model_card
from pipeline.classifier.combination import (
    NEVER,
    PER_CATEGORY,
    POLICIES,
    STRATEGIES,
    Combination,
    best_threshold,
    combine,
    fit_combination,
    precise_cut,
    strict_threshold,
)
from pipeline.classifier.features import (
    FEATURE_BLOCKS,
    PassageFeatures,
    build_pipeline,
    enough_content,
    features_from_doc,
    lemma_column,
    passage_features,
    rule_column,
    vector_column,
)
from pipeline.classifier.prediction import ModelBundle, combine_with, predict, top_features
from pipeline.classifier.storage import ALLOWED_FUNCTIONS, ALLOWED_TYPES, load_model, save_model
from pipeline.classifier.training import PRECISION_FLOOR, TrainResult, train
from pipeline.errors import ModelError

__all__ = [
    "ALLOWED_FUNCTIONS", "ALLOWED_TYPES", "FEATURE_BLOCKS", "NEVER",
    "PER_CATEGORY", "POLICIES", "PRECISION_FLOOR", "STRATEGIES", "Combination", "ModelBundle", "ModelError",
    "PassageFeatures", "TrainResult", "best_threshold", "build_pipeline", "combine", "combine_with",
    "enough_content", "features_from_doc", "fit_combination", "lemma_column", "load_model", "model_card",
    "passage_features", "precise_cut", "predict", "rule_column", "save_model", "strict_threshold",
    "top_features", "train", "vector_column", "write_model_card",
]
