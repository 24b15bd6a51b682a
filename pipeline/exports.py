"""Exports of a run for other tools, written into the staged output folder from what the run wrote there
(`passages.jsonl`, `clean/`): one function per format, each a file at the top of the outputs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.codebook import Codebook
from pipeline.qdpx import QdaReport, write_qdpx
from pipeline.report import COMPETENCE_TYPES

QDPX_NAME = "projet.qdpx"


def _reports(stage: Path) -> Iterator[QdaReport]:
    """Each document's cleaned text with its passage records, in the order of passages.jsonl."""
    with (stage / "passages.jsonl").open(encoding="utf-8") as handle:
        records = (json.loads(line) for line in handle)
        for doc_id, passages in itertools.groupby(records, key=lambda r: r["doc_id"]):
            text = (stage / "clean" / f"{doc_id}.txt").read_text(encoding="utf-8")
            yield QdaReport(doc_id, text, list(passages))


def write_refi_qda(stage: Path, codebook: Codebook) -> Path:
    """`projet.qdpx`: the cleaned reports, the codebook and the competences as codes, tags and competence
    occurrences as codings (`pipeline.qdpx`)."""
    path = stage / QDPX_NAME
    write_qdpx(path, _reports(stage),
               categories={c.id: (c.dimension, c.label, c.meaning) for c in codebook.categories},
               dimensions=dict(codebook.dimensions), competence_types=COMPETENCE_TYPES)
    return path
