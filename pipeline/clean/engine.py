"""Apply named rules one after the other and map what each removes back to offsets in the source text.

Each rule sees the text left by the rules before it (so the whitespace rule collapses the blank lines
that junk removal leaves behind). The engine keeps the surviving text as a list of source segments, so a
span a rule removes from the current text becomes one or more spans of the source."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.clean.lines import Span
from pipeline.clean.repeated import NO_REPETITION, RepeatedLines
from pipeline.types import CleanDocument, Removal, is_authored


class SpanFinder(Protocol):
    def __call__(self, text: str) -> Iterable[Span]: ...


class CorpusSpanFinder(Protocol):
    def __call__(self, text: str, repeated: RepeatedLines) -> Iterable[Span]: ...


@dataclass(frozen=True)
class Rule:
    """A named cleaning rule: `find` returns the spans of `text` to delete (any order, may overlap).
    `scraped_only`: the rule is for text scraped from the web, not for the files people write themselves
    (`pipeline.types.is_authored`: Markdown, Word, OpenDocument, RTF, slides), where a speaker's name or a
    one-word heading alone on a line is content.
    `only_for`: the documents the rule reads, by id, when they are not all those `scraped_only` says (the
    body of a mail for `mail_furniture`, `pipeline.types.is_mail`; scraped text and mails for `repeated`).
    `uses_corpus`: `find` also takes what recurs across the corpus's documents (`RepeatedLines`).
    `label`: what the report calls its removals; `default`: whether a run uses it unless told otherwise."""

    name: str
    summary: str
    label: str
    find: SpanFinder | CorpusSpanFinder
    scraped_only: bool = False
    uses_corpus: bool = False
    default: bool = True
    only_for: Callable[[str], bool] | None = None

    def applies_to(self, doc_id: str) -> bool:
        if self.only_for is not None:
            return self.only_for(doc_id)
        return not (self.scraped_only and is_authored(doc_id))


def _normalise(spans: Iterable[Span], length: int) -> list[Span]:
    clipped = sorted((max(0, a), min(length, b)) for a, b in spans)
    merged: list[Span] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _cut(kept: list[Span], spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """Split the kept source segments by spans given in current-text coordinates.

    Returns (removed source pieces, still kept source segments). Linear in len(kept) + len(spans)."""
    removed: list[Span] = []
    still_kept: list[Span] = []
    span_index = 0
    offset = 0  # current-text offset of the segment being read
    for seg_start, seg_end in kept:
        seg_len = seg_end - seg_start
        cursor = 0  # position inside the segment
        while cursor < seg_len:
            while span_index < len(spans) and spans[span_index][1] <= offset + cursor:
                span_index += 1
            if span_index == len(spans) or spans[span_index][0] >= offset + seg_len:
                still_kept.append((seg_start + cursor, seg_end))
                break
            cut_start = max(spans[span_index][0] - offset, cursor)
            cut_end = min(spans[span_index][1] - offset, seg_len)
            if cut_start > cursor:
                still_kept.append((seg_start + cursor, seg_start + cut_start))
            removed.append((seg_start + cut_start, seg_start + cut_end))
            cursor = cut_end
        offset += seg_len
    return removed, still_kept


def run_rules(source: str, rules: Sequence[Rule], *, doc_id: str = "",
              repeated: RepeatedLines = NO_REPETITION) -> CleanDocument:
    kept: list[Span] = [(0, len(source))] if source else []
    current = source
    pieces: list[tuple[int, int, str]] = []
    for rule in rules:
        if not rule.applies_to(doc_id):
            continue
        found = rule.find(current, repeated) if rule.uses_corpus else rule.find(current)  # type: ignore[call-arg]
        spans = _normalise(found, len(current))
        if not spans:
            continue
        removed, kept = _cut(kept, spans)
        pieces.extend((start, end, rule.name) for start, end in removed)
        current = "".join(source[a:b] for a, b in kept)
    pieces.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in pieces:
        if merged and merged[-1][1] == start and merged[-1][2] == reason:
            merged[-1] = (merged[-1][0], end, reason)
        else:
            merged.append((start, end, reason))
    removals = tuple(Removal(start, end, source[start:end], reason) for start, end, reason in merged)
    return CleanDocument(doc_id=doc_id, source=source, text=current, removals=removals)


def select_rules(registry: Mapping[str, Rule], names: Sequence[str]) -> list[Rule]:
    """The named rules in registry order (whitespace last), after checking every name exists."""
    if isinstance(names, str):
        names = [names]
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise ValueError(
            f"unknown cleaning rule(s): {', '.join(map(repr, unknown))}; known rules: {', '.join(registry)}"
        )
    wanted = set(names)
    return [rule for name, rule in registry.items() if name in wanted]
