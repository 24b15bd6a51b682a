"""Exports of a run for other tools, written into the staged output folder from what the run wrote there
(`passages.jsonl`, `clean/`): one function per format, each a file at the top of the outputs."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pipeline.codebook import Codebook
from pipeline.metadata import strip_front_matter
from pipeline.outputs.passagesfile import FILE_NAME as PASSAGES_FILE
from pipeline.outputs.passagesfile import read_records
from pipeline.outputs.qdpx import QdaReport, write_qdpx
from pipeline.outputs.report import COMPETENCE_TYPES

QDPX_NAME = "projet.qdpx"
IRAMUTEQ_NAME = "corpus_iramuteq.txt"


def _reports(stage: Path) -> Iterator[QdaReport]:
    """Each document's cleaned text with its passage records, in the order of passages.jsonl."""
    for doc_id, records in itertools.groupby(read_records(stage / PASSAGES_FILE), key=lambda r: r["doc_id"]):
        text = (stage / "clean" / f"{doc_id}.txt").read_text(encoding="utf-8")
        passages = list(records)
        yield QdaReport(doc_id, text, passages, passages[0].get("metadata", {}) if passages else {})


def write_refi_qda(stage: Path, codebook: Codebook) -> Path:
    """`projet.qdpx`: the cleaned reports, the codebook and the competences as codes, tags and competence
    occurrences as codings (`pipeline.outputs.qdpx`)."""
    path = stage / QDPX_NAME
    write_qdpx(path, _reports(stage),
               categories={c.id: (c.dimension, c.label, c.meaning) for c in codebook.categories},
               dimensions=dict(codebook.dimensions), competence_types=COMPETENCE_TYPES)
    return path


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def iramuteq_variable(name: str, value: str) -> str:
    """`*name_value` as IRaMuTeQ reads a starred variable: the name without `_` (IRaMuTeQ splits the name
    from the value at the first one), both in ASCII letters and digits, other characters made `-`."""
    plain_name = re.sub(r"[^a-z0-9]", "", _ascii(name).lower()) or "variable"
    plain_value = re.sub(r"[^A-Za-z0-9]+", "-", _ascii(value)).strip("-") or "inconnu"
    return f"*{plain_name}_{plain_value}"


def iramuteq_text(text: str) -> str:
    """The text as IRaMuTeQ wants it: no `*` (it starts variables and the `****` of a new text), no line
    that starts `-*` (a thematic line), no blank runs, no control characters; a YAML front matter (its
    fields are the starred variables) and Markdown heading and quote marks are taken off."""
    text = strip_front_matter(text)
    text = "".join(" " if unicodedata.category(c) == "Cc" and c != "\n" else c for c in text)
    text = text.replace("*", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    lines = [re.sub(r"^(?:#{1,6}|>+)\s+", "", line) for line in lines]
    return "\n".join(line for line in lines if line)


def iramuteq_corpus(documents: Iterable[tuple[str, str, Mapping[str, str]]]) -> Iterator[str]:
    """Each document as one IRaMuTeQ text: `**** *doc_… *annee_… …` then its cleaned text."""
    for doc_id, text, variables in documents:
        stars = [iramuteq_variable("doc", doc_id)]
        stars += [iramuteq_variable(name, value) for name, value in sorted(variables.items())]
        yield "**** " + " ".join(stars) + "\n" + iramuteq_text(text) + "\n\n"


def write_iramuteq(stage: Path, doc_ids: Iterable[str], metadata: Mapping[str, Mapping[str, str]]) -> Path:
    """`corpus_iramuteq.txt`: the cleaned corpus for IRaMuTeQ (Reinert classification, similarity
    analysis, specificities by variable), one text per report with its metadata as starred variables."""
    path = stage / IRAMUTEQ_NAME
    documents = ((d, (stage / "clean" / f"{d}.txt").read_text(encoding="utf-8"), metadata.get(d, {}))
                 for d in doc_ids)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.writelines(iramuteq_corpus(documents))
    return path
