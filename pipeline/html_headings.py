"""A web page's headings put back where its main-text extraction lost them.

trafilatura finds a page's main text in the block the page marks as its content (`<article>`, `<main>`, a
`content` class…). A page without one — a report saved by Word as a filtered web page, a page written by hand,
an old site — is read by its fallback, which keeps the paragraphs and drops every heading: the report's title
and section names, which the passages are read under. A heading is put back, written `#` by its level as
trafilatura writes them, right above the paragraph that follows it on the page, when that paragraph was kept.
A heading whose following text was left out (a sidebar's « Articles récents » over its list) stays out."""

from __future__ import annotations

import re

from pipeline.htmltags import NON_TEXT_TAGS

_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
# Blocks whose text can follow a heading; the inline elements inside one are read with it.
_TEXT_BLOCKS = frozenset({"p", "li", "blockquote", "pre", "td", "th", "dd", "dt", "div", "section",
                          "article", "figcaption", "main", "table", "tr", "ul", "ol", "dl", "body"})
# Parts of a page that are not its text: their headings are never put back
_SKIPPED = NON_TEXT_TAGS | {"nav", "header", "footer", "aside", "form"}
_NOT_A_WORD_CHARACTER = re.compile(r"[\W_]+")
_ANY_HEADING = re.compile(r"<h[1-6][\s>/]", re.IGNORECASE)
KEY_LENGTH = 40  # a block's first letters and digits that identify it
SURE_LENGTH = 12  # fewer in common identify a block only when they are all of both


def _key(text: str) -> str:
    return _NOT_A_WORD_CHARACTER.sub("", text.lower())[:KEY_LENGTH]


def _same_start(a: str, b: str) -> bool:
    common = min(len(a), len(b))
    return common > 0 and a[:common] == b[:common] and (common >= SURE_LENGTH or len(a) == len(b))


def restore_headings(html: str, text: str) -> tuple[str, int]:
    """`text` (blocks separated by blank lines, extracted from `html`) with the page's lost headings put
    back, and how many were. A text that already has a heading line, or a page that cannot be parsed, is
    returned as it is."""
    blocks = text.split("\n\n")
    if not text.strip() or any(block.lstrip().startswith("#") for block in blocks) \
            or not _ANY_HEADING.search(html):
        return text, 0
    sequence = _headings_and_blocks(html)
    if not any(level for level, _ in sequence):
        return text, 0
    block_keys = [_key(block.lstrip("-*> ")) for block in blocks]
    by_start: dict[str, list[int]] = {}
    for i, key in enumerate(block_keys):
        by_start.setdefault(key[:SURE_LENGTH], []).append(i)
    above: dict[int, list[str]] = {}
    pending: list[str] = []
    searched_from = 0
    for level, words in sequence:
        if level:
            pending.append("#" * level + " " + words)
            continue
        key = _key(words)
        candidates = by_start.get(key[:SURE_LENGTH], ()) if key else ()
        found = next((i for i in candidates if i >= searched_from and _same_start(block_keys[i], key)), None)
        if found is None:  # text the extraction left out: the headings above it go with it
            pending = []
            continue
        if pending:
            above.setdefault(found, []).extend(pending)
            pending = []
        searched_from = found
    if not above:
        return text, 0
    restored = [part for i, block in enumerate(blocks) for part in (*above.get(i, ()), block)]
    return "\n\n".join(restored), sum(len(headings) for headings in above.values())


def _headings_and_blocks(html: str) -> list[tuple[int, str]]:
    """The page's body in document order: (level, text) for each heading, (0, text) for each other block
    that holds text of its own (directly or in its inline elements), its whole text."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    body = tree.find("body")
    if body is None:
        return []
    sequence: list[tuple[int, str]] = []
    stack = [body]
    while stack:
        element = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED:
            continue
        if tag in _HEADING_TAGS:
            words = " ".join(element.text_content().split())
            if words:
                sequence.append((_HEADING_TAGS[tag], words))
            continue
        if tag in _TEXT_BLOCKS and _has_own_text(element):
            sequence.append((0, " ".join(element.text_content().split())))
        stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    return sequence


def _has_own_text(element) -> bool:
    if (element.text or "").strip():
        return True
    for child in element:
        if (child.tail or "").strip():
            return True
        if isinstance(child.tag, str) and child.tag not in _TEXT_BLOCKS and child.tag not in _HEADING_TAGS \
                and child.tag not in _SKIPPED and child.text_content().strip():
            return True
    return False
