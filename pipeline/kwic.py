"""Concordance (key word in context): each occurrence of a lemma, or a run of lemmas, with its surroundings.

Matching is on lemmas, so the query "coopérer" finds "coopère" and "coopéraient". The caller lemmatises
what the user typed (with the same spaCy model) and passes the lemmas. Case, accents and apostrophe style
are ignored (« cooperer » finds « coopèrent »), and a query word matches a token's form as well as its
lemma. A query word with `*` (any letters) or `?` (one letter) is a pattern, matched whole against the
form and the lemma and not lemmatised: « coopér* » finds « coopération », « coopérer », « coopèrent ».
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.apostrophes import STRAIGHTENED as APOSTROPHES
from pipeline.types import AnalysedPassage

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class KwicLine:
    doc_id: str
    passage_id: str
    left: str
    match: str
    right: str


def fold(text: str) -> str:
    """Lowercase, accents taken off, apostrophes made straight: the key both sides are compared on."""
    decomposed = unicodedata.normalize("NFKD", text.strip().translate(APOSTROPHES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_pattern(word: str) -> bool:
    return "*" in word or "?" in word


def _matcher(word: str) -> Callable[[str, str], bool]:
    """Whether a token (its folded form and lemma) matches one query word."""
    key = fold(word)
    if is_pattern(word):
        compiled = re.compile(fnmatch.translate(key).replace(".*", r"[^\s]*"))
        return lambda form, lemma: bool(compiled.fullmatch(form) or compiled.fullmatch(lemma))
    return lambda form, lemma: key in (form, lemma)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text)


def kwic(
    query_lemmas: Sequence[str],
    passages: Iterable[AnalysedPassage],
    *,
    width: int = 40,
) -> Iterator[KwicLine]:
    """Yield a line per match, in passage order; contexts are at most `width` characters, on one line."""
    if not query_lemmas or not all(fold(word).strip("*?") for word in query_lemmas):
        raise ValueError("the concordance needs at least one non-empty lemma")
    if width < 0:
        raise ValueError(f"width must not be negative, got {width}")
    matchers = [_matcher(word) for word in query_lemmas]
    size = len(matchers)
    for analysed in passages:
        text = analysed.passage.text
        tokens = analysed.tokens
        keys = [(fold(token[0]), fold(token[1] or token[0])) for token in tokens]
        for start in range(len(tokens) - size + 1):
            if not all(match(*keys[start + k]) for k, match in enumerate(matchers)):
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


SORT_KEYS: dict[str, Callable[[KwicLine], tuple]] = {
    "text": lambda line: (),  # the order of the corpus
    "left": lambda line: (fold(line.left).split()[::-1], fold(line.match)),  # nearest word first
    "right": lambda line: (fold(line.right), fold(line.match)),
    "match": lambda line: (fold(line.match), fold(line.right)),
}


def sort_lines(lines: Iterable[KwicLine], by: str = "text") -> list[KwicLine]:
    """The lines in corpus order (`text`), or sorted by the word before the match and on leftwards
    (`left`), by what follows (`right`) or by the matched form (`match`); accents and case ignored."""
    if by not in SORT_KEYS:
        raise ValueError(f"unknown sort {by!r}; choose one of {', '.join(SORT_KEYS)}")
    return sorted(lines, key=SORT_KEYS[by])


CSV_HEADER = ("document", "passage", "contexte_gauche", "occurrence", "contexte_droit")


def csv_rows(lines: Iterable[KwicLine]) -> Iterator[tuple[str, ...]]:
    for line in lines:
        yield (line.doc_id, line.passage_id, line.left, line.match, line.right)


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
