"""Concordance (key word in context): each occurrence of a lemma, or a run of lemmas, with its surroundings.

Matching is on lemmas, so the query "coopérer" finds "coopère" and "coopéraient". The caller lemmatises
what the user typed (with the same spaCy model) and passes the lemmas; case and apostrophe style are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.types import AnalysedPassage

APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class KwicLine:
    doc_id: str
    passage_id: str
    left: str
    match: str
    right: str


def _normalise(lemma: str) -> str:
    return lemma.strip().translate(APOSTROPHES).lower()


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text)


def kwic(
    query_lemmas: Sequence[str],
    passages: Iterable[AnalysedPassage],
    *,
    width: int = 40,
) -> Iterator[KwicLine]:
    """Yield a line per match, in passage order; contexts are at most `width` characters, on one line."""
    query = [_normalise(lemma) for lemma in query_lemmas]
    if not query or not all(query):
        raise ValueError("the concordance needs at least one non-empty lemma")
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    size = len(query)
    for analysed in passages:
        text = analysed.passage.text
        tokens = analysed.tokens
        lemmas = [_normalise(token[1] or token[0]) for token in tokens]
        for start in range(len(tokens) - size + 1):
            if lemmas[start : start + size] != query:
                continue
            first, last = tokens[start], tokens[start + size - 1]
            begin, end = first[4], last[4] + len(last[0])
            left = _one_line(text[:begin]).strip()
            right = _one_line(text[end:]).strip()
            yield KwicLine(
                doc_id=analysed.passage.doc_id,
                passage_id=analysed.passage.passage_id,
                left=left[len(left) - width :].lstrip(),
                match=_one_line(text[begin:end]),
                right=right[:width].rstrip(),
            )


def format_kwic(lines: Iterable[KwicLine]) -> str:
    """Align lines for a terminal: left context right-aligned, the match, right context, then the passage id.

    The passage id ("doc_id#index") names the document and the passage. No lines give an empty string."""
    lines = list(lines)
    if not lines:
        return ""
    left_width = max(len(line.left) for line in lines)
    match_width = max(len(line.match) for line in lines)
    right_width = max(len(line.right) for line in lines)
    return "\n".join(
        f"{line.left:>{left_width}}  {line.match:<{match_width}}  "
        f"{line.right:<{right_width}}  {line.passage_id}"
        for line in lines
    )
