"""`passages.jsonl`, the run's main output: one JSON object per passage, in corpus order (output contract in
DESIGN section 2 and the README). This module writes a line and reads the file back; nothing else opens it.

A line holds the passage (document, index, kind, heading path, context, level, character span in the clean
text, text), its categories (id, score, source, evidence words) and its competence terms (term, type, span
in the passage text, origin, score), and the document's metadata variables."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.types import AnalysedPassage, Competence, Passage, Tag

FILE_NAME = "passages.jsonl"


def passage_record(item: AnalysedPassage, metadata: Mapping[str, str]) -> dict[str, Any]:
    """The object of one line."""
    p = item.passage
    return {
        "doc_id": p.doc_id,
        "passage_id": p.passage_id,
        "index": p.index,
        "kind": p.kind,
        "heading": list(p.heading),
        "context": list(p.context),
        "level": p.level,
        "start": p.start,
        "end": p.end,
        "text": p.text,
        "categories": [
            {"id": t.category, "score": round(t.score, 4), "source": t.source, "evidence": list(t.evidence)}
            for t in item.tags
        ],
        "competences": [
            {"term": c.term, "type": c.type, "start": c.start, "end": c.end, "origin": c.origin,
             "score": None if c.score is None else round(c.score, 4)}
            for c in item.competences
        ],
        "metadata": dict(metadata),
    }


def passage_line(item: AnalysedPassage, metadata: Mapping[str, str]) -> str:
    """One line of the file, newline included."""
    return json.dumps(passage_record(item, metadata), ensure_ascii=False) + "\n"


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Each line's object, in file order."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def from_record(record: Mapping[str, Any]) -> AnalysedPassage:
    passage = Passage(
        doc_id=record["doc_id"], index=record["index"], kind=record["kind"], text=record["text"],
        start=record["start"], end=record["end"], heading=tuple(record["heading"]),
        context=tuple(record["context"]), level=record["level"],
    )
    tags = tuple(Tag(c["id"], c["score"], c["source"], tuple(c["evidence"])) for c in record["categories"])
    competences = tuple(Competence(c["term"], c["type"], c["start"], c["end"], c["origin"], c["score"])
                        for c in record["competences"])
    return AnalysedPassage(passage, tags, competences)


def read_passages(path: Path) -> Iterator[AnalysedPassage]:
    """The file back into analysed passages (their metadata is left in the file)."""
    for record in read_records(path):
        yield from_record(record)
