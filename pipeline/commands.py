"""The commands besides `analyse`: train, evaluate, suggest, kwic: their options turned into calls of the
stages (documents.parsed_documents for the corpus, classifier.annotated for the annotations) and what they
print. None writes into the corpus.

Each command imports what only it uses inside its function: the classifier package loads scikit-learn, 1.9 s
of import measured on a 2-core machine (`import pipeline.classifier` after this module), which `kwic` never
needs; the modules imported at the top are those every command uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language

from pipeline.analysis.tagging import RuleTagger
from pipeline.annotations import annotations_sha256, load_annotation_source, normalised_text
from pipeline.codebook import Codebook, check_patterns, load_codebook
from pipeline.documents import ParsedDocument, parsed_documents
from pipeline.nlp import load_nlp
from pipeline.nlp.encoder import encoder_for
from pipeline.nlp.parse import ParseCache, parse_texts
from pipeline.settings import ConfigError, Settings
from pipeline.types import Skipped


def run(command: str, args: argparse.Namespace, settings: Settings) -> int:
    handlers = {"train": train, "evaluate": evaluate, "suggest": suggest, "kwic": kwic}
    return handlers[command](args, settings)


def _setup(settings: Settings) -> tuple[Codebook, Language]:
    codebook = load_codebook(settings.codebook)
    nlp = load_nlp(settings.spacy_model)
    check_patterns(codebook, nlp)
    return codebook, nlp


def _cross_validate(settings: Settings):
    from pipeline.classifier.annotated import train_on_annotations

    codebook, nlp = _setup(settings)
    annotations = load_annotation_source(settings.annotations, codebook.ids)
    docs = parse_texts([a.text for a in annotations], nlp, ParseCache(settings.cache_dir, nlp),
                       batch_size=settings.batch_size)
    encoder = encoder_for(settings.vector_source, settings.cache_dir)
    return codebook, annotations, train_on_annotations(codebook, nlp, annotations, docs, seed=settings.seed,
                                                       encoder=encoder)


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.evaluation import format_table

    codebook, annotations, result = _cross_validate(settings)
    print(f"{len(annotations)} passages annotés, en validation croisée par document ou par le groupe "
          f"qu'indique l'annotation (le site, pour les pages web) "
          f"({result.folds.get('folds', '?')} plis, graine {settings.seed})\n")
    print(format_table(result.metrics, categories=codebook.ids))
    if result.skipped:
        print("catégories laissées aux règles (trop peu d'exemples) : " + ", ".join(sorted(result.skipped)))
    print(f"combinaison choisie sur les scores hors pli : {result.model.policy} (F1 macro de chacune, "
          "hors pli : "
          + ", ".join(f"{name} {100 * f1:.1f}" for name, f1 in result.policies.items()) + ")")
    print("combinaison par catégorie : "
          + ", ".join(f"{c} {p}" for c, p in result.model.category_policies.items()))
    return 0


def train(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.classifier import save_model, write_model_card
    from pipeline.evaluation import format_table

    codebook, annotations, result = _cross_validate(settings)
    metadata = result.metadata(codebook_sha256=codebook.sha256, data_sha256=annotations_sha256(annotations))
    metadata["training_files"] = sorted({Path(a.file).name for a in annotations})
    save_model(result.model, settings.model_path, metadata)
    write_model_card(metadata, settings.model_card_path)
    print(format_table(result.metrics, categories=codebook.ids))
    print(f"modèle écrit dans {settings.model_path} (fiche : {settings.model_card_path})")
    return 0


def _parsed_corpus(settings: Settings, nlp: Language) -> Iterator[ParsedDocument]:
    """The corpus's parsed documents; a file that cannot be used is a warning on stderr."""
    for item in parsed_documents(settings, nlp):
        if isinstance(item, Skipped):
            print(f"avertissement : fichier ignoré {item.path} : {item.reason}", file=sys.stderr)
        else:
            yield item


def suggest(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.annotation_sheet import write_sheet
    from pipeline.classifier import load_model, passage_features, predict
    from pipeline.classifier.cues import with_cue_weights
    from pipeline.suggest import suggest as pick
    from pipeline.suggest import write_jsonl

    codebook, nlp = _setup(settings)
    if not settings.model_path.is_file():
        raise ConfigError(f"{settings.model_path} : aucun modèle entraîné ; lancer d'abord `make train`")
    model = load_model(settings.model_path, codebook_sha256=codebook.sha256)
    encoder = encoder_for(model.vector_source, settings.cache_dir)
    tagger = RuleTagger(with_cue_weights(codebook, model.cue_weights), nlp)
    try:
        annotated = {normalised_text(a.text) for a in load_annotation_source(settings.annotations,
                                                                              codebook.ids)}
    except ConfigError:  # no annotation yet: every passage may be offered
        annotated = set()
    ids, texts, doc_ids, scores = [], [], [], []
    headings: dict[str, str] = {}  # passage id -> the headings it stands under, for the annotator
    for document in _parsed_corpus(settings, nlp):
        passages, docs = document.passages, document.docs
        # beside a model the rule tags read the passage alone, as `analyse` and training do
        rule_sets = [frozenset(t.category for t in tagger.tag(doc)) for doc in docs]
        features = passage_features(docs, rule_sets, vector_source=model.vector_source, encoder=encoder)
        for passage, score in zip(passages, predict(model, features), strict=True):
            if passage.kind == "heading" or normalised_text(passage.text) in annotated:
                continue
            ids.append(passage.passage_id)
            headings[passage.passage_id] = " › ".join(passage.heading)
            texts.append(passage.text)
            doc_ids.append(passage.doc_id)
            scores.append(score)
    records = pick(ids, texts, doc_ids, scores, model.thresholds, n=args.n, seed=settings.seed)
    for record in records:
        record["meta"]["heading"] = headings[record["meta"]["passage_id"]]
    out = args.out or _free_name(settings.output.resolve().parent / "suggestions" / "to_annotate.jsonl")
    write_jsonl(records, out)
    sheet = _free_name(out.with_suffix(".csv"))
    write_sheet(records, {c.id: c.label for c in codebook.categories}, sheet)
    print(f"{len(records)} passages à annoter ensuite, écrits dans {out} (JSONL pour doccano ou Label "
          f"Studio) et dans {sheet} (à remplir dans un tableur : une croix par catégorie, ou dans "
          f"« aucune », puis l'enregistrer en CSV dans {settings.annotations})")
    return 0


def _free_name(path: Path) -> Path:
    """`path`, or `stem-2`, `stem-3`… beside it when it exists: a list of passages being annotated is never
    overwritten."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def kwic(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.analysis import token_tuples
    from pipeline.kwic import CSV_HEADER, csv_rows, format_kwic, sort_lines
    from pipeline.kwic import kwic as concordance
    from pipeline.outputs.csvio import write_csv
    from pipeline.types import AnalysedPassage

    nlp = load_nlp(settings.spacy_model)
    query = _query_words(args.term, nlp)
    if not query:
        raise ConfigError(f"« {args.term} » : rien à chercher")

    def analysed() -> Iterator[AnalysedPassage]:
        for document in _parsed_corpus(settings, nlp):
            for passage, doc in zip(document.passages, document.docs, strict=True):
                yield AnalysedPassage(passage, tokens=token_tuples(doc))

    lines = sort_lines(concordance(query, analysed(), width=args.width), args.sort)
    if args.csv:
        write_csv(args.csv, CSV_HEADER, csv_rows(lines))
    elif lines:
        print(format_kwic(lines))
    shown = " ".join(query)
    print(f"{len(lines)} occurrence(s) de « {shown} »" + (f", écrites dans {args.csv}" if args.csv else ""),
          file=sys.stderr)
    return 0


def _query_words(term: str, nlp) -> list[str]:
    """The words to look for: lemmas of what the user typed, patterns (`coopér*`) kept as typed."""
    from pipeline.kwic import is_pattern

    if not any(is_pattern(word) for word in term.split()):
        return [t.lemma_.lower() for t in nlp(term) if not t.is_space and not t.is_punct]
    words = []
    for word in term.split():
        if is_pattern(word):
            words.append(word)
        else:
            words += [t.lemma_.lower() for t in nlp(word) if not t.is_space and not t.is_punct]
    return words
