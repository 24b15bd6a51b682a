"""Rule "page_furniture": what a paginated document or a page's template puts around the text itself:

- page numbers alone on their line (« 12 », « - 12 - », « Page 3 », « p. 4 / 20 », « (2) ») and a viewer's
  page labels (« Page 2: <the document's title> », removed when the document has two or more);
- a table of contents: two or more lines ending with a page number (« Les enjeux du séminaire page 8 »,
  « Programme ........ 7 »), and the « Sommaire » heading right above them;
- a document host's viewer text around the document (« Transcription », « 1 download », « VIEWS: 4 PAGES: 9 »,
  « Download "<title>" », « Documents pareils », « Copied! »), when a document shows two or more such lines:
  one alone may be a heading of the report (« Description »); its counters and stamps (« 218 views »,
  « Upload: … ») go even alone;
- the name of the site's section a page sits in, alone on one of its first two lines (« Archives »,
  « Actualités », « Retour sur », « Reportage »): a title says what a page is about, not where it is filed;
- a paginated text's running headers and footers: a short line printed by three or more of its page numbers
  (or its first or last line), the same each time but for its numbers (« Actes du séminaire – Valence »);
  a line ending with a page counter, the same on three or more pages out of one total (« https://… 2/3 », as
  a browser prints a page's address at the foot of each sheet), is a page number itself;
- a page's publication date standing alone near its top (« 17 août 2023 » under the title): the only line of
  the document that is a bare date, among its first three lines. A date with its weekday (« Jeudi 13 octobre
  2016 ») heads a day of a programme, and a document with several bare dates has them as headings: both stay.

A number alone on its line says nothing a reader of the report needs; a line of four digits is kept (a year
heading people's notes: « 1978 »), and so is a number right under a line ending with a colon (a figure
given for the label above it: « Participants : » / « 66 »). Scraped and extracted text only: the rule does
not run on Markdown, where people number and date things as they please."""

from __future__ import annotations

import itertools
import re

from pipeline.clean.dates import DATE
from pipeline.clean.lines import Line, Span, non_blank, split_lines, whole_line

_PAGE_WORD = r"(?:page|p\.|pg\.?)"
PAGE_NUMBER = re.compile(
    rf"[(\[–—-]?\s*(?:{_PAGE_WORD}\s*[—–:-]?\s*)?\d{{1,3}}(?:\s*(?:/|sur|of)\s*\d{{1,4}})?\s*[)\]–—-]?",
    re.IGNORECASE,
)
PAGE_LABEL = re.compile(rf"{_PAGE_WORD}\s*\d{{1,4}}\s*[:–—-]\s*\S.*", re.IGNORECASE)
# An entry of a table of contents: a title, then its page after the word « page » or a dot leader. Not
# « p. 12 »: a list of references ends its lines so (« Rapport du CGET, 2016, p. 12 »).
CONTENTS_ENTRY = re.compile(r"\S.*?(?:\spage\s*\d{1,3}|\s*(?:\.{4,}|…{2,})\s*\d{1,3})", re.IGNORECASE)
# Longer lines are not tried: a title and its dot leader fit in far less, and the pattern's lazy title
# against a greedy leader takes time quadratic in the length of a long line of dots.
CONTENTS_ENTRY_MAX_CHARS = 400
CONTENTS_HEADING = re.compile(r"(?:sommaire|table des matières)\s*:?", re.IGNORECASE)
# Inside a table of contents, an entry whose title a PDF's text wrapped around its page number
# (« Le Centre international d'art et du page 44 paysage de l'île de Vassivière »).
PAGE_REFERENCE = re.compile(r"\spage\s*\d{1,3}\s", re.IGNORECASE)
# What the viewers of document-hosting sites print around a document they show as text. Their counters and
# stamps (« 218 views », « VIEWS: 4 PAGES: 9 », « Upload: … ») are never a report's text and go alone; their
# words (« Description », « Transcription », « Download "…" ») go when the document shows two different ones.
VIEWER_COUNTER = re.compile(
    r"[•·-]?\s*(?:\d+\s+(?:downloads?|views?|vues|téléchargements?)|views?\s*:\s*\d+(?:\s+pages?\s*:\s*\d+)?|"
    r"la page est créée(?:\s+\S.{0,60})?|upload\s*:.{0,60}|post(?:ed)? on \d{1,2}-\w{3}-\d{4})\s*",
    re.IGNORECASE,
)
VIEWER_LINE = re.compile(
    rf"{VIEWER_COUNTER.pattern}|[•·-]?\s*(?:(?:download|télécharger|partager|share)(?:\s*[\"“«].*)?|"
    r"transcript(?:ion)?|description|documents? (?:pareils|similaires|associés|liés)|copied\s*!?|"
    r"academic year\s*:\s*\d{4}|aucun résultat trouvé|continuer à lire)\s*",
    re.IGNORECASE,
)
# The sections a site files its pages under, as they head a page; read on its first lines only.
SECTION_NAME = re.compile(
    r"(?:archives?|actualités?|actus?|news|agenda|évènements?|événements?|publications?|ressources|documents|"
    r"blog|à la une|a la une|brèves|dossiers?|reportages?|interviews?|retours? sur)\s*:?",
    re.IGNORECASE,
)
SECTION_LINES_FROM_TOP = 2
# Running headers and footers of a paginated text (`_running_lines`).
RUNNING_MIN_PAGES = 3
RUNNING_MAX_WORDS = 20
RUNNING_NEAR = 2  # non-blank lines from a page number, or from the text's first or last line
_NUMBERS = re.compile(r"\d+")
# A page counter ending a running line (« https://…/rencontre 2/3 », « Actes du séminaire – page 2 sur 12 »),
# as a browser prints a page's address at the foot of each sheet: the same line on three or more pages, its
# counter out of the same total each time.
PAGE_COUNTER = re.compile(rf"(?:\b{_PAGE_WORD}\s*)?(\d{{1,3}})\s*(?:/|sur|of)\s*(\d{{1,3}})\s*[)\]]?",
                          re.IGNORECASE)
BARE_DATE = re.compile(rf"[-–—•·]?\s*{DATE}", re.IGNORECASE)
# How far from the top a lone date is read as the page's publication date (title, date, text).
DATE_LINES_FROM_TOP = 3


def _contents(lines: list[Line]) -> set[int]:
    entries = {index for index, line in enumerate(lines)
               if len(line.stripped) <= CONTENTS_ENTRY_MAX_CHARS and CONTENTS_ENTRY.fullmatch(line.stripped)}
    if len(entries) < 2:
        return set()
    # lines next to an entry that name a page inside them, and are no sentence, are entries too
    grown = True
    while grown:
        near = {index + step for index in entries for step in (-1, 1)} - entries
        wrapped = {index for index in near if 0 <= index < len(lines)
                   and PAGE_REFERENCE.search(lines[index].stripped)
                   and not lines[index].stripped.endswith((".", "!", "?"))}
        entries |= wrapped
        grown = bool(wrapped)
    headings = {index - 1 for index in entries
                if index > 0 and CONTENTS_HEADING.fullmatch(lines[index - 1].stripped)}
    return entries | headings


def _viewer_text(lines: list[Line]) -> set[int]:
    found = {index for index, line in enumerate(lines) if VIEWER_LINE.fullmatch(line.stripped)}
    distinct = {lines[index].stripped.lower() for index in found}
    if len(distinct) >= 2:
        return found
    return {index for index in found if VIEWER_COUNTER.fullmatch(lines[index].stripped)}


def _publication_date(lines: list[Line]) -> set[int]:
    dates = [index for index, line in enumerate(lines) if BARE_DATE.fullmatch(line.stripped)]
    if len(dates) == 1 and dates[0] < DATE_LINES_FROM_TOP:
        return set(dates)
    return set()


def _section_name(lines: list[Line]) -> set[int]:
    return {index for index, line in enumerate(lines[:SECTION_LINES_FROM_TOP])
            if SECTION_NAME.fullmatch(line.stripped)}


def _running_lines(lines: list[Line], page_numbers: set[int]) -> set[int]:
    """A paginated text's running headers and footers: a short line (RUNNING_MAX_WORDS words at most, no
    sentence's end) printed on RUNNING_MIN_PAGES pages or more, each time within RUNNING_NEAR lines of a page
    number or of the text's start or end (compared with its numbers set aside: « Actes du séminaire – page
    3 »). The text's first line stays, as its title; a sentence, or a line a report repeats away from the
    page numbers, stays too."""
    if len(page_numbers) < RUNNING_MIN_PAGES - 1:
        return set()
    edges = sorted(page_numbers | {-1, len(lines)})
    groups: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if (index not in page_numbers and len(line.stripped.split()) <= RUNNING_MAX_WORDS
                and not line.stripped.endswith((".", "!", "?", "…"))):
            groups.setdefault(_NUMBERS.sub("0", " ".join(line.stripped.lower().split())), []).append(index)
    running: set[int] = set()
    for indices in groups.values():
        near = [i for i in indices if min(abs(i - edge) for edge in edges) <= RUNNING_NEAR]
        if len(near) >= RUNNING_MIN_PAGES and 3 * len(near) >= 2 * len(indices):
            running.update(i for i in near if i != 0)  # the first line is the text's title as well
    return running


def _counted_lines(lines: list[Line]) -> set[int]:
    """Lines that end with a page counter (PAGE_COUNTER) and are the same but for it, on RUNNING_MIN_PAGES
    pages or more: as many different pages out of one total, within it, in the order of the text and each
    some lines after the one before (a column of ratios, « 1/3 », « 2/3 », on lines in a row is no footer)."""
    groups: dict[tuple[str, str], dict[int, int]] = {}  # (the line before its counter, total) -> page -> line
    for index, line in enumerate(lines):
        if len(line.stripped.split()) > RUNNING_MAX_WORDS:
            continue
        counter = PAGE_COUNTER.search(line.stripped)
        if counter is None or counter.end() != len(line.stripped):
            continue
        page, total = int(counter.group(1)), counter.group(2)
        if 1 <= page <= int(total):
            before = _NUMBERS.sub("0", " ".join(line.stripped[:counter.start()].lower().split()))
            groups.setdefault((before, total), {}).setdefault(page, index)
    counted: set[int] = set()
    for pages in groups.values():
        order = [index for _, index in sorted(pages.items())]  # the lines, page 1 first
        in_page_order = order == sorted(order)
        apart = all(after - before > 2 * RUNNING_NEAR for before, after in itertools.pairwise(order))
        if len(order) >= RUNNING_MIN_PAGES and in_page_order and apart:
            counted.update(order)
    return counted


def find_page_furniture(text: str) -> list[Span]:
    lines = non_blank(split_lines(text))
    labels = [PAGE_LABEL.fullmatch(line.stripped) is not None for line in lines]
    several_labels = sum(labels) >= 2
    page_numbers = {index for index, line in enumerate(lines)
                    if PAGE_NUMBER.fullmatch(line.stripped) is not None
                    and not (index > 0 and lines[index - 1].stripped.endswith(":"))}
    page_numbers |= _counted_lines(lines)
    furniture = (_contents(lines) | _viewer_text(lines) | _publication_date(lines) | _section_name(lines)
                 | _running_lines(lines, page_numbers))
    spans: list[Span] = []
    for index, line in enumerate(lines):
        if index in page_numbers or (several_labels and labels[index]) or index in furniture:
            spans.append(whole_line(line))
    return spans
