"""Rule "page_furniture": what a paginated document (a PDF's text, a document host's viewer) leaves between
its pages: page numbers alone on their line (« 12 », « - 12 - », « Page 3 », « p. 4 / 20 », « (2) ») and a
viewer's page labels (« Page 2: <the document's title> », removed when the document has two or more).

A number alone on its line says nothing a reader of the report needs; a line of four digits is kept (a year
heading people's notes: « 1978 »), and so is a number right under a line ending with a colon (a figure
given for the label above it: « Participants : » / « 66 »). Scraped and extracted text only: the rule does
not run on Markdown, where people number things as they please."""

from __future__ import annotations

import re

from pipeline.clean.lines import Span, non_blank, split_lines, whole_line

_PAGE_WORD = r"(?:page|p\.|pg\.?)"
PAGE_NUMBER = re.compile(
    rf"[(\[–—-]?\s*(?:{_PAGE_WORD}\s*[—–:-]?\s*)?\d{{1,3}}(?:\s*(?:/|sur|of)\s*\d{{1,4}})?\s*[)\]–—-]?",
    re.IGNORECASE,
)
PAGE_LABEL = re.compile(rf"{_PAGE_WORD}\s*\d{{1,4}}\s*[:–—-]\s*\S.*", re.IGNORECASE)


def find_page_furniture(text: str) -> list[Span]:
    lines = non_blank(split_lines(text))
    labels = [PAGE_LABEL.fullmatch(line.stripped) is not None for line in lines]
    several_labels = sum(labels) >= 2
    spans: list[Span] = []
    for index, line in enumerate(lines):
        under_label = index > 0 and lines[index - 1].stripped.endswith(":")
        page_number = PAGE_NUMBER.fullmatch(line.stripped) is not None and not under_label
        if page_number or (several_labels and labels[index]):
            spans.append(whole_line(line))
    return spans
