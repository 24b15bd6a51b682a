"""Parsed passages -> analysed passages, in two steps.

`Analyser.read` takes from the parsed docs everything that depends on the text, the model and the lexicon but
not on the codebook or the classifier: what the rule tagger reads of each passage and context line, the
competence terms, and the words the counts need. That DocumentReading is cached per document (readcache.py),
so a codebook edit or a new classifier re-tags from it without loading a parsed doc. `Analyser.analyse` then
adds the rule tags, and the model's tags when a model fits the codebook (which needs the docs). The rules
read a passage's headings and parent bullets when they decide alone; beside a classifier they read the
passage alone, as its training read the annotations."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.analysis.competences import CompetenceExtractor
from pipeline.analysis.counts import passage_words
from pipeline.analysis.lexicon import Lexicon
from pipeline.analysis.tagging import RuleTagger, TokenKeys, token_keys
from pipeline.codebook import Codebook, check_patterns
from pipeline.errors import ModelError
from pipeline.modelfile import check_codebook
from pipeline.settings import Settings
from pipeline.types import AnalysedPassage, Competence, Passage, PassageWords, Tag, is_markdown

log = logging.getLogger(__name__)


def token_tuples(doc: Doc) -> tuple[tuple[str, str, str, bool, int], ...]:
    return tuple((t.text, t.lemma_, t.pos_, t.is_stop, t.idx) for t in doc if not t.is_space)


def context_docs(passage: Passage, docs_by_text: dict[str, Doc], nlp: Language) -> list[Doc]:
    """Docs of the passage's heading path and parent lines; they are passages of the same document, so
    they were parsed already (a context line that is not a passage is parsed on the spot)."""
    context = []
    for text in (*passage.heading, *passage.context):
        doc = docs_by_text.get(text)
        if doc is None:
            doc = docs_by_text[text] = nlp(text)
        context.append(doc)
    return context


@dataclass(frozen=True)
class DocumentReading:
    """What the analysis needs of a document's parsed passages whatever the codebook and classifier."""

    keys: tuple[TokenKeys, ...]  # per passage
    context_keys: Mapping[str, TokenKeys]  # by text: the headings and parent lines of the passages
    competences: tuple[tuple[Competence, ...], ...]  # per passage
    words: tuple[PassageWords, ...]  # per passage


@dataclass
class Analyser:
    tagger: RuleTagger
    extractor: CompetenceExtractor
    nlp: Language
    model: Any = None
    model_sha: str = ""
    model_info: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    encoder: Any = None  # a PassageEncoder when the model reads sentence vectors (engine loaded on first use)

    @property
    def needs_docs(self) -> bool:
        """Whether `analyse` needs the parsed docs besides the reading (the classifier's features do)."""
        return self.model is not None

    @classmethod
    def create(cls, codebook: Codebook, lexicon: Lexicon, nlp: Language, settings: Settings) -> Analyser:
        check_patterns(codebook, nlp)
        loaded = _load_model(codebook, settings)
        model = loaded["model"]
        if model is not None and model.cue_weights:
            from pipeline.classifier.cues import with_cue_weights  # with a model only (scikit-learn: 1.9 s)

            # the cues training found readers mostly reject are weak, as the model was trained with them
            codebook = with_cue_weights(codebook, model.cue_weights)
        return cls(RuleTagger(codebook, nlp), CompetenceExtractor(lexicon, nlp), nlp, **loaded)

    @staticmethod
    def licence_reads(doc_id: str) -> bool:
        """Whether the competence licence model reads the document's lexicon matches again: it was fitted on
        scraped pages, so people's Markdown notes get the rules alone. A reading depends on it (its cache
        key too)."""
        return not is_markdown(doc_id)

    def read(self, passages: Sequence[Passage], docs: Sequence[Doc]) -> DocumentReading:
        """The codebook-independent part of the analysis of one document's parsed passages."""
        docs_by_text = {p.text: d for p, d in zip(passages, docs, strict=True)}
        contexts = [context_docs(p, docs_by_text, self.nlp) for p in passages]
        # headings are shared by the passages below them: each text is tested once
        skills: dict[str, bool] = {}
        roles: dict[str, bool] = {}

        def speaks_of(passage: Passage, memo: dict[str, bool], test: Callable[[str], bool]) -> bool:
            for text in (passage.text, *passage.heading, *passage.context):
                if text not in memo:
                    memo[text] = test(text)
                if memo[text]:
                    return True
            return False

        extractor = self.extractor
        second_reading = not passages or self.licence_reads(passages[0].doc_id)
        competences = tuple(
            extractor.extract(doc, context,
                              in_context=speaks_of(passage, skills, extractor.mentions_competences),
                              on_roles=speaks_of(passage, roles, extractor.mentions_roles),
                              second_reading=second_reading)
            for passage, doc, context in zip(passages, docs, contexts, strict=True)
        )
        keys = tuple(token_keys(doc) for doc in docs)
        # context lines are mostly passages of the document too: their keys are made once
        keys_of = {id(doc): doc_keys for doc, doc_keys in zip(docs, keys, strict=True)}
        context_texts = sorted({text for p in passages for text in (*p.heading, *p.context)})
        return DocumentReading(
            keys=keys,
            context_keys={text: keys_of.get(id(docs_by_text[text])) or token_keys(docs_by_text[text])
                          for text in context_texts},
            competences=competences,
            words=tuple(passage_words(token_tuples(doc)) for doc in docs),
        )

    def analyse(self, passages: Sequence[Passage], reading: DocumentReading,
                docs: Sequence[Doc] | None = None) -> list[AnalysedPassage]:
        """Tag the passages of one document from its reading; `docs` are needed when `needs_docs`."""
        if self.model is None:
            around = reading.context_keys
            tags = [self.tagger.tag(keys, [around[text] for text in (*p.heading, *p.context)])
                    for p, keys in zip(passages, reading.keys, strict=True)]
        else:
            # The classifier was trained on rule tags of annotated passages read alone (annotations carry no
            # headings): its rule-match features and the cuts combining its scores with the rules hold for
            # such tags. Fed tags that a heading raised, it over-tags (docs/realset.md, "The rules beside the
            # classifier read what its training read").
            tags = [self.tagger.tag(keys) for keys in reading.keys]
        if self.model is not None and passages:
            if docs is None:
                raise ValueError("the classifier needs the parsed docs")
            tags = self._with_model(docs, tags)
        return [
            AnalysedPassage(passage, passage_tags, competences, words=words)
            for passage, passage_tags, competences, words in zip(
                passages, tags, reading.competences, reading.words, strict=True
            )
        ]

    def _with_model(self, docs: Sequence[Doc], rule_tags: list[tuple[Tag, ...]]) -> list[tuple[Tag, ...]]:
        """Merge the model's predictions with the rule tags, by the per-category policies chosen at
        training time."""
        # imported when a model is in use: the classifier package loads scikit-learn (1.9 s of import)
        from pipeline.classifier import combine_with, enough_content, passage_features, predict, top_features

        features = passage_features(docs, [frozenset(t.category for t in tags) for tags in rule_tags],
                                    with_vectors="vectors" in self.model.blocks,
                                    vector_source=self.model.vector_source, encoder=self.encoder)
        combined_tags = [
            combine_with(self.model, frozenset(t.category for t in tags), {t.category: t.score for t in tags},
                         scores if enough_content(feature) else {})
            for scores, tags, feature in zip(predict(self.model, features), rule_tags, features, strict=True)
        ]
        from_model = [{c for c, (_, source) in combined.items() if source != "rule"}
                      for combined in combined_tags]
        explanations = top_features(self.model, features, from_model, k=3)
        merged = []
        for doc, combined, tags, explained in zip(docs, combined_tags, rule_tags, explanations, strict=True):
            by_rule = {t.category: t for t in tags}
            written = _written_forms(doc)
            passage_tags = []
            for category, (score, source) in combined.items():
                evidence = by_rule[category].evidence if category in by_rule else ()
                # the model's evidence as the passage writes it, so that the report can highlight it
                words = (written.get(lemma)
                         for feature in explained.get(category, ()) for lemma in feature.split())
                evidence += tuple(word for word in dict.fromkeys(words) if word and word not in evidence)
                passage_tags.append(Tag(category, score, source, evidence))
            merged.append(tuple(passage_tags))
        return merged


def _load_model(codebook: Codebook, settings: Settings) -> dict[str, Any]:
    """The classifier matching the codebook, as Analyser fields (model, model_sha, model_info, notes): no
    model, and a note saying why, when there is none or it cannot be used."""
    path = settings.model_path
    if not path.is_file():
        return {"model": None, "model_info": {"used": False, "reason": "no model file"},
                "notes": [f"pas de modèle entraîné ({path}) : les catégories viennent des règles seules"]}
    try:
        check_codebook(path, codebook.sha256)  # before the costly import of the classifier's libraries
        from pipeline.classifier import load_model
        from pipeline.nlp.encoder import encoder_for

        model = load_model(path, codebook_sha256=codebook.sha256)
        encoder = encoder_for(model.vector_source, settings.cache_dir)
    except ModelError as exc:
        return {"model": None, "model_info": {"used": False, "reason": str(exc)},
                "notes": [f"modèle non utilisé, les catégories viennent des règles seules : {exc}"]}
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    info = {"used": True, "path": str(path), "sha256": sha}
    if encoder is not None:
        info["vectors"] = encoder.signature
    return {"model": model, "model_sha": sha, "model_info": info, "encoder": encoder}


def _written_forms(doc: Doc) -> dict[str, str]:
    """Lowercase lemma -> the passage's first word with that lemma."""
    forms: dict[str, str] = {}
    for token in doc:
        forms.setdefault(token.lemma_.lower(), token.text)
    return forms
