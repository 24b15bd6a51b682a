"""The cooperation codebook: a YAML file of dimensions and categories with their cues, validated on load.

`load_codebook` checks the structure and fails on the first problem; `check_patterns` then asks the spaCy
model whether every cue can ever match (a `lemmas` entry must be its own lemma, a phrase must hold a word).
Every error message names the file, and the category when there is one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from spacy.language import Language

from pipeline.errors import CodebookError

DEFAULT_WEIGHT = 1.0
MAX_WEIGHT = 5.0

TOP_LEVEL_KEYS = ("version", "description", "dimensions", "categories")
DIMENSION_KEYS = ("label", "lemmas", "requires")
CATEGORY_KEYS = ("id", "label", "meaning", "lemmas", "phrases", "weights", "examples")

# A word alone is often mis-tagged (« manque » alone becomes the adjective « manqu »), so a `lemmas` entry
# counts as a lemma when the model gives it back in any of these small contexts.
_LEMMA_PROBES = ("{}", "le {}", "un {}")

_ELISIONS = {"d'": "de", "l'": "le", "qu'": "que", "n'": "ne", "s'": "se", "j'": "je", "c'": "ce", "m'": "me"}


@lru_cache(maxsize=1 << 16)  # called for every token of every passage, on a vocabulary of a few 10,000 words
def cue_key(text: str) -> str:
    """The form under which lemmas and words are compared: lowercase, straight apostrophe, elided
    articles spelt out (« d’ » and « d' » both become « de »)."""
    key = text.strip().lower().replace("’", "'")
    return _ELISIONS.get(key, key)


@dataclass(frozen=True)
class Category:
    id: str
    dimension: str
    label: str
    meaning: str = ""
    lemmas: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    examples: tuple[str, ...] = ()

    @property
    def cues(self) -> tuple[str, ...]:
        return self.lemmas + self.phrases

    def weight(self, cue: str) -> float:
        return self.weights.get(cue, DEFAULT_WEIGHT)


@dataclass(frozen=True)
class Codebook:
    path: Path
    version: str
    dimensions: Mapping[str, str]  # dimension id -> label
    categories: tuple[Category, ...]
    sha256: str  # of the file bytes, recorded in the run manifest and the model metadata
    # dimension id -> lemmas that, in a heading or a parent bullet, say which dimension the passage is about
    dimension_lemmas: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    # dimension id -> words of which the passage or its context must hold one for the rules to tag any of
    # the dimension's categories (naming a body is no cooperation between bodies: « entre », « avec »,
    # « partenariat » say the bodies act together)
    dimension_requires: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise CodebookError(f"{self.path}: unknown category '{category_id}' (known: {', '.join(self.ids)})")


def load_codebook(path: Path) -> Codebook:
    """Read and validate the codebook at `path` (YAML, safe loading only). Raises CodebookError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    except OSError as exc:
        raise CodebookError(f"{path}: codebook file cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: codebook is not UTF-8 text") from None
    except yaml.constructor.ConstructorError as exc:
        raise CodebookError(
            f"{path}: the codebook uses a YAML tag that is refused for safety ({_first_line(exc)}); "
            "write plain lists, strings and numbers only"
        ) from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({_first_line(exc)})") from None

    where = str(path)
    if not isinstance(data, dict):
        raise CodebookError(f"{where}: the codebook must be a mapping with keys {', '.join(TOP_LEVEL_KEYS)}")
    _check_keys(data, TOP_LEVEL_KEYS, where, required=("version", "dimensions", "categories"))
    version = data["version"]
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise CodebookError(f"{where}: 'version' must be a string or a number, got {_type(version)}")

    dimensions, dimension_lemmas, dimension_requires = _read_dimensions(data["dimensions"], where)
    categories = _read_categories(data["categories"], dimensions, where)
    return Codebook(
        path=path,
        version=str(version),
        dimensions=MappingProxyType(dimensions),
        categories=categories,
        sha256=hashlib.sha256(raw).hexdigest(),
        dimension_lemmas=MappingProxyType(dimension_lemmas),
        dimension_requires=MappingProxyType(dimension_requires),
    )


def check_patterns(codebook: Codebook, nlp: Language) -> None:
    """Raise CodebookError listing every cue that can never match a text parsed by `nlp`."""
    where = str(codebook.path)
    lemma_entries: list[tuple[str, str]] = []  # (owner, lemma): owner is "category 'x'" or "dimension 'y'"
    problems: list[str] = []
    for dimension, lemmas in codebook.dimension_lemmas.items():
        lemma_entries += [(f"dimension '{dimension}'", lemma) for lemma in lemmas]
    for category in codebook.categories:
        lemma_entries += [(f"category '{category.id}'", lemma) for lemma in category.lemmas]
        phrases = list(category.phrases)
        for phrase, doc in zip(phrases, nlp.pipe(phrases, batch_size=32), strict=True):
            if not any(cue_key(token.lemma_) for token in doc if not (token.is_punct or token.is_space)):
                problems.append(
                    f"{where}: category '{category.id}': phrase {phrase!r} has no word to match "
                    "(only punctuation or spaces)"
                )

    probes = [template.format(lemma) for _, lemma in lemma_entries for template in _LEMMA_PROBES]
    probe_docs = list(nlp.pipe(probes, batch_size=32))
    for position, (owner, lemma) in enumerate(lemma_entries):
        docs = probe_docs[position * len(_LEMMA_PROBES) : (position + 1) * len(_LEMMA_PROBES)]
        found = [cue_key(doc[-1].lemma_) for doc in docs]
        if len(docs[0]) > 1:
            problems.append(
                f"{where}: {owner}: lemma {lemma!r} is split by the model into {len(docs[0])} tokens "
                f"({' | '.join(token.text for token in docs[0])}); move it to 'phrases'"
            )
        elif cue_key(lemma) not in found:
            problems.append(
                f"{where}: {owner}: lemma {lemma!r} is not its own lemma, so it can never match "
                f"(the model lemmatises it as {found[0]!r}); write {found[0]!r} instead, "
                "or move the word to 'phrases'"
            )
    if problems:
        count = f"{len(problems)} codebook pattern(s) can never match:\n" if len(problems) > 1 else ""
        raise CodebookError(count + "\n".join(problems))


def _read_dimensions(
    value: Any, where: str
) -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    if not isinstance(value, dict) or not value:
        raise CodebookError(f"{where}: 'dimensions' must be a non-empty mapping of dimension id -> label")
    labels: dict[str, str] = {}
    lemmas: dict[str, tuple[str, ...]] = {}
    requires: dict[str, tuple[str, ...]] = {}
    for dimension, spec in value.items():
        owner = f"{where}: dimension '{dimension}'"
        if not isinstance(dimension, str) or not dimension or ":" in dimension:
            raise CodebookError(f"{owner}: a dimension id must be a word without ':'")
        if isinstance(spec, str):
            labels[dimension], lemmas[dimension] = spec, ()
            continue
        if not isinstance(spec, dict):
            raise CodebookError(f"{owner}: expected a label or a mapping with keys label, lemmas, requires")
        _check_keys(spec, DIMENSION_KEYS, owner, required=("label",))
        labels[dimension] = _string(spec["label"], f"{owner}: 'label'")
        lemmas[dimension] = _words(spec.get("lemmas", []), f"{owner}: 'lemmas'", single=True)
        if "requires" in spec:
            requires[dimension] = _words(spec["requires"], f"{owner}: 'requires'", single=True)
    return labels, lemmas, requires


def _read_categories(value: Any, dimensions: Mapping[str, str], where: str) -> tuple[Category, ...]:
    if not isinstance(value, list) or not value:
        raise CodebookError(f"{where}: 'categories' must be a non-empty list")
    categories: list[Category] = []
    seen: set[str] = set()
    for number, spec in enumerate(value, start=1):
        if not isinstance(spec, dict):
            raise CodebookError(f"{where}: category #{number}: expected a mapping, got {_type(spec)}")
        name = spec.get("id")
        owner = f"{where}: category '{name}'" if isinstance(name, str) else f"{where}: category #{number}"
        _check_keys(spec, CATEGORY_KEYS, owner, required=("id", "label"))
        category_id = _string(name, f"{owner}: 'id'")
        dimension, _, local = category_id.partition(":")
        if not local:
            raise CodebookError(f"{owner}: id must look like 'dimension:name' (e.g. 'objet:projet')")
        if dimension not in dimensions:
            raise CodebookError(
                f"{owner}: dimension '{dimension}' is not declared under 'dimensions' "
                f"(declared: {', '.join(dimensions)})"
            )
        if category_id in seen:
            raise CodebookError(f"{owner}: duplicate id, each category id must appear once")
        seen.add(category_id)
        lemmas = _words(spec.get("lemmas", []), f"{owner}: 'lemmas'", single=True)
        phrases = _words(spec.get("phrases", []), f"{owner}: 'phrases'", single=False)
        if not lemmas and not phrases:
            raise CodebookError(f"{owner}: empty category, give at least one entry in 'lemmas' or 'phrases'")
        categories.append(
            Category(
                id=category_id,
                dimension=dimension,
                label=_string(spec["label"], f"{owner}: 'label'"),
                meaning=_string(spec.get("meaning", ""), f"{owner}: 'meaning'", allow_empty=True),
                lemmas=lemmas,
                phrases=phrases,
                weights=MappingProxyType(_weights(spec.get("weights", {}), lemmas + phrases, owner)),
                examples=_words(spec.get("examples", []), f"{owner}: 'examples'", single=False),
            )
        )
    return tuple(categories)


def _weights(value: Any, cues: tuple[str, ...], owner: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise CodebookError(f"{owner}: 'weights' must be a mapping of cue -> number, got {_type(value)}")
    weights: dict[str, float] = {}
    for cue, weight in value.items():
        if cue not in cues:
            raise CodebookError(f"{owner}: weight given for {cue!r}, which is none of its lemmas or phrases")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_WEIGHT:
            raise CodebookError(f"{owner}: weight of {cue!r} must be a number in (0, {MAX_WEIGHT}]")
        weights[cue] = float(weight)
    return weights


def _words(value: Any, owner: str, *, single: bool) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise CodebookError(f"{owner} must be a list of strings, got {_type(value)}")
    words: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise CodebookError(f"{owner}: entries must be non-empty strings, got {item!r}")
        item = item.strip()
        if single and len(item.split()) > 1:
            raise CodebookError(f"{owner}: {item!r} has several words; put it under 'phrases'")
        words.append(item)
    return tuple(words)


def _string(value: Any, owner: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise CodebookError(f"{owner} must be a non-empty string, got {_type(value)}")
    return value.strip()


def _check_keys(mapping: dict, allowed: tuple[str, ...], owner: str, *, required: tuple[str, ...]) -> None:
    unknown = [str(key) for key in mapping if key not in allowed]
    if unknown:
        raise CodebookError(f"{owner}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    missing = [key for key in required if key not in mapping]
    if missing:
        raise CodebookError(f"{owner}: missing key(s) {', '.join(missing)}")


def _type(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
