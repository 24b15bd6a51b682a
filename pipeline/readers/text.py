"""Repairs shared by the readers of laid-out documents (and, for words hyphenated across lines, of text files
copied from them): ligature glyphs and words hyphenated across lines; and how their tables' cells and a
slide's free shapes are written."""

from __future__ import annotations

import re

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
# a word cut at the end of a line with a hyphen and going on in lowercase on the next one; PDFium writes such
# a hyphen as U+FFFE and joins the two lines itself
_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
_HYPHENATED = re.compile(rf"(?<=[{_LOWER}])(?:-\n|\ufffe)(?=[{_LOWER}])")
_MARKED_HYPHEN = "\ufffe"
_ADDRESS_MARKS = ("/", "@", "www.")


# A style whose name says it is a heading and which level (« Heading 2 », « Titre 1 »): Word writes its
# built-in names in English whatever the language of its interface, a user's own style may be named in French
HEADING_STYLE_NAME = re.compile(r"(?:heading|titre)\s*(\d)", re.IGNORECASE)


def one_line(text: str) -> str:
    """A paragraph's text on one line: PowerPoint writes a line break inside a paragraph as a vertical tab."""
    return " ".join(text.replace("\v", " ").split())


def list_items(text: str) -> str:
    """`text`'s lines, each written as a list item (`- `): a table's cells, or the labels of a slide's shapes,
    are items side by side, never the section headings a short line standing alone would be read as
    (`pipeline.text.segment`: « Savoir-être », « 9 h » or « Freins » in a cell headed every passage after the
    table). A heading's marks on such a line are dropped the same way."""
    lines = (line.strip().lstrip("#").strip() if line.strip().startswith("#") else line.strip()
             for line in text.splitlines())
    return "\n".join(line if line.startswith("- ") else f"- {line}" for line in lines if line)


# A row of a Markdown table as trafilatura writes a page's table: `| a | b |`, a pipe inside a cell escaped
_TABLE_ROW = re.compile(r"^(\|.*\|)[ \t]*(?:\n|$)", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\|(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*$")
_CELL_BORDER = re.compile(r"(?<!\\)\|")


def table_rows_as_items(text: str) -> str:
    """`text` with each row of a Markdown table written as its cells' list items, the rule under a header
    row and empty cells left out: a web page's table read as the other readers read a table's cells
    (`list_items`), so that a report saved as a page and as a Word file gives the same passages."""

    def items(match: re.Match[str]) -> str:
        row = match.group(1)
        if _TABLE_RULE.match(row):
            return ""
        cells = (cell.strip().replace("\\|", "|") for cell in _CELL_BORDER.split(row)[1:-1])
        written = list_items("\n".join(cell for cell in cells if cell))
        return written + "\n" if written else ""

    return _TABLE_ROW.sub(items, text)


def repair(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with ligature glyphs spelt out and hyphenated line ends joined, and notes saying so."""
    notes = []
    ligatures = sum(text.count(glyph) for glyph in _LIGATURES)
    for glyph, letters in _LIGATURES.items():
        text = text.replace(glyph, letters)
    if ligatures:
        notes.append(f"{ligatures} ligature glyph(s) spelt out (ﬁ -> fi)")
    text, joined = _join_hyphenated_lines(text)
    text = text.replace(_MARKED_HYPHEN, "-")  # a marked hyphen before a capital or a digit is a real one
    notes += [joined] if joined else []
    return text, tuple(notes)


def _join_hyphenated_lines(text: str) -> tuple[str, str | None]:
    """`text` with the words cut by a hyphen at a line's end joined (« coopé- » then « rer » on the next
    line: « coopérer »), and a note saying how many; a hyphen ending an address stays
    (« https://…/Actualisation-du- » then « repertoire-des-… »)."""
    count = 0

    def joined(match: re.Match[str]) -> str:
        nonlocal count
        line_start = text.rfind("\n", 0, match.start()) + 1
        last_word = text[line_start:match.start()].rsplit(None, 1)[-1]
        if any(mark in last_word for mark in _ADDRESS_MARKS):
            return match.group()
        count += 1
        return ""

    text = _HYPHENATED.sub(joined, text)
    return text, f"{count} word(s) hyphenated across lines joined" if count else None
