"""The CSV tables of a run, written from the corpus totals (and, for `categories.csv`, the passages).

Every table has a fixed header and a deterministic row order, usually by count descending then by key, so
two runs on the same corpus produce identical files. `per_10k` is the count per 10,000 content words of the
table's scope (the corpus, the document or the category's passages).

`frequencies.csv` and `terms.csv` are complete, so their counts add up to the corpus totals. The
per-document and per-category frequency tables and the keyness tables keep the `top` rows of each part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pipeline.analysis.counts import CorpusCounts, LemmaCount
from pipeline.analysis.keyness import KeyTerm
from pipeline.outputs.csvio import write_csv
from pipeline.types import AnalysedPassage

EVIDENCE_SEPARATOR = " | "
KEYNESS_HEADER = ("part", "lemma", "form", "count_part", "count_rest", "g2", "log_ratio", "direction")


def per_10k(count: int, total: int) -> float:
    """Occurrences per 10,000 words; 0.0 for an empty scope."""
    return count * 10_000 / total if total else 0.0


def _frequency_rows(counts: CorpusCounts) -> Iterator[tuple[object, ...]]:
    for row in counts.frequencies():
        yield row.lemma, row.form, row.count, per_10k(row.count, counts.words), row.documents


def _part_rows(part: str, rows: list[LemmaCount], total: int, top: int) -> Iterator[tuple[object, ...]]:
    for row in rows[:top]:
        yield part, row.lemma, row.form, row.count, per_10k(row.count, total)


def _by_document_rows(counts: CorpusCounts, top: int) -> Iterator[tuple[object, ...]]:
    for doc_id in sorted(counts.doc_ids):
        yield from _part_rows(
            doc_id, counts.frequencies_in_document(doc_id), counts.words_in_document(doc_id), top
        )


def _by_category_rows(counts: CorpusCounts, top: int) -> Iterator[tuple[object, ...]]:
    for category in counts.categories:
        yield from _part_rows(
            category, counts.frequencies_in_category(category), counts.words_in_category(category), top
        )


def _term_rows(counts: CorpusCounts) -> Iterator[tuple[object, ...]]:
    for term in counts.terms():
        yield term.term, term.count, per_10k(term.count, counts.words), term.documents


def _keyness_rows(terms: Iterable[KeyTerm], top: int) -> Iterator[tuple[object, ...]]:
    kept_per_part: dict[str, int] = {}
    for term in terms:
        kept = kept_per_part.get(term.part, 0)
        if kept >= top:
            continue
        kept_per_part[term.part] = kept + 1
        yield (
            term.part,
            term.lemma,
            term.form,
            term.count_part,
            term.count_rest,
            term.g2,
            term.log_ratio,
            term.direction,
        )


def _category_count_rows(counts: CorpusCounts) -> Iterator[tuple[object, ...]]:
    corpus = counts.category_passages()
    every_category = {category: corpus.get(category, 0) for category in counts.categories}
    for category, passages in sorted(every_category.items(), key=lambda item: (-item[1], item[0])):
        yield "corpus", counts.dimension(category), category, passages
    for doc_id in sorted(counts.doc_ids):
        for category, passages in counts.category_passages(doc_id).items():
            yield doc_id, counts.dimension(category), category, passages


def category_rows(analysed: Iterable[AnalysedPassage]) -> Iterator[tuple[object, ...]]:
    """One row per passage and category, in passage order, categories sorted within a passage."""
    for item in analysed:
        for tag in sorted(item.tags, key=lambda tag: tag.category):
            yield (
                item.passage.doc_id,
                item.passage.passage_id,
                tag.category,
                tag.score,
                tag.source,
                EVIDENCE_SEPARATOR.join(tag.evidence),
            )


FORMS_SHOWN = 8  # a term's most frequent written forms in its row; the others counted after « … »


def forms_cell(forms: Sequence[tuple[str, int]]) -> str:
    """« animation (30) ; animer (12) ; … 4 autres »: how a term was written, most frequent first."""
    shown = " ; ".join(f"{form} ({count})" for form, count in forms[:FORMS_SHOWN])
    rest = len(forms) - FORMS_SHOWN
    return f"{shown} ; … {rest} autre{'s' if rest > 1 else ''}" if rest > 0 else shown


def _competence_rows(counts: CorpusCounts) -> Iterator[tuple[object, ...]]:
    for row in counts.competence_counts():
        yield (row.term, row.type, row.count, row.documents, row.passages, row.example_passage_id, row.origin,
               row.kept_by_model, forms_cell(row.forms))


def _competence_type_rows(counts: CorpusCounts) -> Iterator[tuple[object, ...]]:
    for row in counts.competence_types():
        yield row.type, row.terms, row.occurrences


def _category_competence_rows(counts: CorpusCounts, types: list[str]) -> Iterator[tuple[object, ...]]:
    for category, by_type in counts.category_competence().items():
        yield (category, *(by_type[kind] for kind in types))


def write_tables(
    counts: CorpusCounts,
    analysed: Iterable[AnalysedPassage] | None,
    folder: Path,
    *,
    top: int = 200,
) -> list[Path]:
    """Write every table under `folder` and return their paths.

    `analysed` is read once, lazily, for `categories.csv` only; with None that table is not written."""
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    folder = Path(folder)
    types = counts.competence_type_names
    tables: list[tuple[str, tuple[str, ...], Iterable[tuple[object, ...]]]] = [
        ("frequencies.csv", ("lemma", "form", "count", "per_10k", "documents"), _frequency_rows(counts)),
        (
            "frequencies_by_document.csv",
            ("doc_id", "lemma", "form", "count", "per_10k"),
            _by_document_rows(counts, top),
        ),
        (
            "frequencies_by_category.csv",
            ("category", "lemma", "form", "count", "per_10k"),
            _by_category_rows(counts, top),
        ),
        ("terms.csv", ("term", "count", "per_10k", "documents"), _term_rows(counts)),
        ("keyness_by_category.csv", KEYNESS_HEADER, _keyness_rows(counts.keyness_by_category(), top)),
        ("keyness_by_document.csv", KEYNESS_HEADER, _keyness_rows(counts.keyness_by_document(), top)),
        ("category_counts.csv", ("scope", "dimension", "category", "passages"), _category_count_rows(counts)),
    ]
    if analysed is not None:
        tables.append(
            (
                "categories.csv",
                ("doc_id", "passage_id", "category", "score", "source", "evidence"),
                category_rows(analysed),
            )
        )
    tables += [
        (
            "competences.csv",
            ("term", "type", "count", "documents", "passages", "example_passage_id", "origin",
             "kept_by_model", "forms"),
            _competence_rows(counts),
        ),
        ("competences_by_type.csv", ("type", "terms", "occurrences"), _competence_type_rows(counts)),
        ("category_competence.csv", ("category", *types), _category_competence_rows(counts, types)),
    ]
    written: list[Path] = []
    for name, header, rows in tables:
        path = folder / name
        write_csv(path, header, rows)
        written.append(path)
    return written
