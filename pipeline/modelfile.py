"""The metadata file saved beside a trained model, read without importing scikit-learn: a run whose codebook
no longer fits the model learns it in milliseconds instead of paying for the import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError


def metadata_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


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


def check_codebook(path: Path, codebook_sha256: str) -> dict[str, Any]:
    """The model's metadata, or ModelError when the model was trained for another codebook."""
    metadata = read_metadata(path)
    if metadata.get("codebook_sha256") != codebook_sha256:
        trained_for = str(metadata.get("codebook_sha256"))[:12]
        raise ModelError(
            f"{path}: the model was trained for another codebook (hash {trained_for}…, current "
            f"{codebook_sha256[:12]}…); run `make train` to retrain it for the current codebook"
        )
    return metadata
