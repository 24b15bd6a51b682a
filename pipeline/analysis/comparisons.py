"""Reports compared across a variable of their metadata (`annee`, `reseau`, a column of metadata.csv):
category counts and shares, and specific words, per value.

A variable is compared when at least two of its values hold two documents or more, it has at most MAX_VALUES
values and no more than half as many values as documents (a title or an identifier, nearly one value per
document, says nothing a per-document table does not).
Documents without the variable are left out of its tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.analysis.counts import CorpusCounts
from pipeline.outputs.csvio import write_csv
from pipeline.outputs.tables import KEYNESS_HEADER

MAX_VALUES = 30
TOP_WORDS = 30  # specific words kept per value and direction
CATEGORY_HEADER = ("valeur", "documents", "passages", "categorie", "passages_avec_categorie",
                   "part_des_passages_pour_cent")
COMPETENCE_HEADER = ("valeur", "terme", "type", "occurrences", "pour_10000_mots", "documents")


@dataclass(frozen=True)
class Comparison:
    variable: str
    groups: Mapping[str, tuple[str, ...]]  # value -> doc_ids, values in order (numbers by value)
    shares: Mapping[str, Mapping[str, float]]  # category -> value -> percentage of the value's passages

    @property
    def file_stem(self) -> str:
        return f"par_{re.sub(r'[^a-z0-9_]+', '_', self.variable)}"


def _value_order(value: str) -> tuple:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.lower())


def comparable_variables(metadata: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, tuple[str, ...]]]:
    """variable -> value -> doc_ids, for the variables worth comparing (see the module's note)."""
    values: dict[str, dict[str, list[str]]] = {}
    for doc_id, variables in metadata.items():
        for name, value in variables.items():
            values.setdefault(name, {}).setdefault(value, []).append(doc_id)
    chosen = {}
    for name, groups in sorted(values.items()):
        documents = sum(len(docs) for docs in groups.values())
        shared = sum(len(docs) >= 2 for docs in groups.values())
        if shared < 2 or len(groups) > MAX_VALUES or 2 * len(groups) > documents:
            continue
        chosen[name] = {value: tuple(groups[value]) for value in sorted(groups, key=_value_order)}
    return chosen


def compare(counts: CorpusCounts, metadata: Mapping[str, Mapping[str, str]],
            passages_per_document: Mapping[str, int], folder: Path,
            competences: Mapping[str, Mapping[tuple[str, str], int]] | None = None) -> list[Comparison]:
    """Write `par_<variable>_categories.csv`, `par_<variable>_specificites.csv` and, given `competences`
    (doc_id -> (term, type) -> occurrences), `par_<variable>_competences.csv` under `folder` for each
    variable worth comparing, and return the comparisons (for the chart and the report)."""
    comparisons = []
    for variable, groups in comparable_variables(metadata).items():
        shares: dict[str, dict[str, float]] = {}
        rows = list(_category_rows(counts, groups, passages_per_document, shares))
        comparison = Comparison(variable, groups, shares)
        write_csv(folder / f"{comparison.file_stem}_categories.csv", CATEGORY_HEADER, rows)
        write_csv(folder / f"{comparison.file_stem}_specificites.csv", KEYNESS_HEADER,
                  _keyness_rows(counts, groups))
        if competences is not None:
            write_csv(folder / f"{comparison.file_stem}_competences.csv", COMPETENCE_HEADER,
                      _competence_rows(counts, groups, competences))
        comparisons.append(comparison)
    return comparisons


def _category_rows(counts: CorpusCounts, groups: Mapping[str, Sequence[str]],
                   passages_per_document: Mapping[str, int],
                   shares: dict[str, dict[str, float]]) -> Iterator[tuple[object, ...]]:
    for value, doc_ids in groups.items():
        passages = sum(passages_per_document.get(d, 0) for d in doc_ids)
        tagged: dict[str, int] = {}
        for doc_id in doc_ids:
            for category, n in counts.category_passages(doc_id).items():
                tagged[category] = tagged.get(category, 0) + n
        for category in counts.categories:
            share = round(100 * tagged.get(category, 0) / passages, 2) if passages else 0.0
            shares.setdefault(category, {})[value] = share
            yield value, len(doc_ids), passages, category, tagged.get(category, 0), share


def _keyness_rows(counts: CorpusCounts, groups: Mapping[str, Sequence[str]]) -> Iterator[tuple[object, ...]]:
    kept: dict[tuple[str, str], int] = {}
    for term in counts.keyness_by_group(groups):
        key = (term.part, term.direction)
        if kept.get(key, 0) >= TOP_WORDS:
            continue
        kept[key] = kept.get(key, 0) + 1
        yield (term.part, term.lemma, term.form, term.count_part, term.count_rest, term.g2, term.log_ratio,
               term.direction)


def _competence_rows(counts: CorpusCounts, groups: Mapping[str, Sequence[str]],
                     competences: Mapping[str, Mapping[tuple[str, str], int]]
                     ) -> Iterator[tuple[object, ...]]:
    """Each value's competence terms, most frequent first, with their rate per 10,000 words of the value's
    reports (values of unequal size compare by rate, not by count)."""
    for value, doc_ids in groups.items():
        words = sum(counts.words_in_document(d) for d in doc_ids)
        occurrences: dict[tuple[str, str], int] = {}
        documents: dict[tuple[str, str], int] = {}
        for doc_id in doc_ids:
            for key, n in competences.get(doc_id, {}).items():
                occurrences[key] = occurrences.get(key, 0) + n
                documents[key] = documents.get(key, 0) + 1
        for (term, kind), n in sorted(occurrences.items(), key=lambda item: (-item[1], item[0])):
            yield value, term, kind, n, round(10000 * n / words, 2) if words else 0.0, documents[(term, kind)]
