"""Model files: a skops archive (no pickle) and its JSON metadata, written atomically; loading checks every
type in the file against a fixed allow-list before anything is built (`load_model`)."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

from pipeline.classifier.combination import POLICIES, STRATEGIES
from pipeline.classifier.features import VECTOR_SOURCES, lemma_column, rule_column, vector_column
from pipeline.classifier.prediction import ModelBundle
from pipeline.errors import ModelError
from pipeline.modelfile import check_codebook, metadata_path

_COLUMNS = (lemma_column, vector_column, rule_column)
# Model files name the column selectors by where they are defined; files written before the package was
# split name them `pipeline.classifier.<name>`, which re-exports them.
ALLOWED_FUNCTIONS = frozenset(
    {f"{f.__module__}.{f.__name__}" for f in _COLUMNS}
    | {f"pipeline.classifier.{f.__name__}" for f in _COLUMNS}
)
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
            "category_policies": {c: str(p) for c, p in bundle.policy_per_category().items()},
            "strict_thresholds": {c: float(t) for c, t in bundle.strict_thresholds.items()},
            "blocks": list(bundle.blocks),
            "vector_source": bundle.vector_source,
            "cue_weights": {c: {cue: float(w) for cue, w in cues.items()}
                            for c, cues in bundle.cue_weights.items()},
        },
    }
    _atomic_write(path, lambda target: sio.dump(bundle.pipeline, target))
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    _atomic_write(metadata_path(path), lambda target: target.write_text(text + "\n", encoding="utf-8"))


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
    metadata = check_codebook(path, codebook_sha256)
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
    policy = str(info.get("combination_policy", "union"))
    # files written before per-category policies apply their one policy to every category
    default = dict.fromkeys(categories, policy) if policy in POLICIES else {}
    category_policies = info.get("category_policies") or default
    strict = info.get("strict_thresholds") or {}
    if (
        policy not in STRATEGIES
        or not isinstance(category_policies, dict)
        or set(category_policies) != set(categories)
        or not set(category_policies.values()) <= set(POLICIES)
        or not isinstance(strict, dict)
        or not all(isinstance(t, int | float) for t in strict.values())
        or any(p == "rules+strict" and c not in strict for c, p in category_policies.items())
    ):
        raise ModelError(f"{path}: the metadata's combination policies are invalid; run `make train`")
    cue_weights = info.get("cue_weights") or {}  # files written before cue weights have none
    if not isinstance(cue_weights, dict) or not all(
        isinstance(cues, dict) and all(isinstance(w, int | float) and 0 < w <= 5 for w in cues.values())
        for cues in cue_weights.values()
    ):
        raise ModelError(f"{path}: the metadata's cue weights are invalid; run `make train`")
    vector_source = str(info.get("vector_source", "spacy"))  # files written before the encoder: spaCy's
    if vector_source not in VECTOR_SOURCES:
        raise ModelError(f"{path}: the metadata's vector source '{vector_source}' is unknown; "
                         "run `make train`")
    return ModelBundle(
        pipeline=pipeline,
        categories=categories,
        thresholds={c: float(thresholds[c]) for c in categories},
        policy=policy,
        blocks=tuple(info.get("blocks") or ("lemmas",)),
        category_policies={c: str(category_policies[c]) for c in categories},
        strict_thresholds={c: float(strict[c]) for c in categories if c in strict},
        cue_weights={c: {cue: float(w) for cue, w in cues.items()} for c, cues in cue_weights.items()},
        vector_source=vector_source,
    )
