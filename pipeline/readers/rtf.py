"""Rich Text Format (.rtf) -> text with striprtf: one block per paragraph, headings written `#` (their level),
list items `- `, a table cell's text on its own lines, a blank line between blocks (as the Word and
OpenDocument readers give them).

RTF is what TextEdit saves by default and what Word and LibreOffice offer as « Texte enrichi ». Its text is
mostly 7-bit escapes (`\\'e9`, `\\u8217`) decoded by the document's code page, which striprtf reads (the
header's `\\ansicpg`, each font's `\\fcharset`). The few writers that put 8-bit characters in the file itself
are read by that same code page. Footnotes follow the body as blocks of their own, so that they do not cut
the sentence they are called from; pictures, page headers and footers, the document's properties and a table
of contents (a field Word generates from the headings, which the text then has twice) are left out."""

from __future__ import annotations

import re

from pipeline.errors import UnreadableFile
from pipeline.readers.text import list_items

_SIGNATURE = re.compile(rb"\s*\{\\rtf", re.ASCII)
_CODE_PAGE = re.compile(rb"\\ansicpg(\d+)", re.ASCII)
# A cell or row end (`\cell`, `\nestcell`, `\row`; not `\cellx1000`, a cell's right edge): a paragraph end,
# so that each cell's text is a line of its own instead of cells joined by striprtf's « | ».
_CELL_END = re.compile(r"\\(?:nest)?(?:cell|row)(?![a-zA-Z])\s?")
# Where a table cell's text starts: a row's definition (its first cell), a paragraph in a table (`\intbl`),
# the end of the cell before. Each gets a mark, a noncharacter like the heading marks, and the paragraph it
# opens is written as a list item, as the other readers write a cell (`readers.text.list_items`).
_CELL_START = re.compile(r"\\(?:trowd|intbl|(?:nest)?cell)(?![a-zA-Z])\s?")
_CELL_MARK = "\uFDD7"
_FOOTNOTE = re.compile(r"\{\\footnote(?![a-zA-Z])\s?")
# Headings: paragraphs whose style (`\sN`) the style sheet names « heading N » or « Titre N », or gives an
# outline level. striprtf drops styles, so each such paragraph gets a mark of its level, a noncharacter
# (U+FDD1 to U+FDD6, never in a text), turned into `#` marks once the text is out.
_STYLE_SHEET = re.compile(r"\{\\stylesheet(?![a-zA-Z])")
_STYLE_ENTRY = re.compile(r"\{(?:\\\*)?\\s(\d+)(?![0-9])([^{}]*)\}")
_HEADING_NAME = re.compile(r"(?:heading|titre)\s*(\d)\s*;?\s*$", re.IGNORECASE)
_OUTLINE_LEVEL = re.compile(r"\\outlinelevel(\d)")
_PARAGRAPH_STYLE = re.compile(r"\\s(\d+)(?![0-9]) ?")
_LEVEL_MARK = {level: chr(0xFDD0 + level) for level in range(1, 7)}
_MARKS = re.compile("[\uFDD1-\uFDD7]")
_MARKED_HEADING = re.compile("^([\uFDD1-\uFDD6])[\uFDD1-\uFDD6\\s]*")
# A list item as striprtf gives it: the bullet (a symbol font's glyph, in the private use area, or a bullet
# character) or number the list wrote, then a tab. Old Word lists write their bullet in a `\pntext` group,
# which striprtf skips: it is read as text.
_BULLET = re.compile("^(?:[\uF000-\uF0FF•·▪◦○■□➢►✓–—-]|o)\t\\s*")
_NUMBER = re.compile(r"^(\d{1,3}[.)]|[a-zA-Z][.)])\t\s*")
_OLD_LIST_TEXT = re.compile(r"\{\\pntext(?![a-zA-Z])\s?")
# A field (`{\field{\*\fldinst TOC …}{\fldrslt …}}`): its instruction says what it is, its result is the text
_FIELD = re.compile(r"\{\\field(?![a-zA-Z])")
_FIELD_INSTRUCTION = re.compile(r"\{\\\*\\fldinst(?![a-zA-Z])")
_CONTROLS_AND_BRACES = re.compile(r"\\[a-zA-Z]+-?\d* ?|[{}]")


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    from striprtf.striprtf import rtf_to_text

    if not _SIGNATURE.match(raw):
        raise UnreadableFile("pas un document RTF (il ne commence pas par « {\\rtf »)")
    source = _without_tables_of_contents(_source_text(raw))
    source = _CELL_START.sub(_mark_cell, source)
    source = _footnotes_after_body(_CELL_END.sub(r"\\par ", source))
    source = _mark_headings(_OLD_LIST_TEXT.sub("{", source))
    notes: tuple[str, ...] = ("Rich Text Format",)
    try:  # malformed control words make striprtf raise: ingest reports the file as damaged
        text = rtf_to_text(source, errors="strict")
    except UnicodeDecodeError:  # an escape its code page has no character for
        text = rtf_to_text(source, errors="replace")
        notes += ("RTF characters its code page cannot decode replaced by \ufffd",)
    blocks = [_block(line) for line in text.replace("\r", "\n").split("\n")]
    body = "\n\n".join(block for block in blocks if block)
    if not body:
        raise UnreadableFile("aucun texte dans le document RTF")
    return body + "\n", notes


def _as_rtf(mark: str) -> str:
    """A mark character written in RTF, in a group of its own, so that its \\uc stays its own."""
    return f"{{\\uc1\\u{ord(mark)}?}}"


def _mark_cell(found: re.Match[str]) -> str:
    """A cell start's control word, then the mark."""
    word = found.group().rstrip()
    mark = _as_rtf(_CELL_MARK)
    if word.endswith("cell"):  # the cell before ends here (`_CELL_END` makes it a paragraph's end)
        return f"{word} {mark}"
    return f"{word}{mark}"


def _block(line: str) -> str:
    """A paragraph as the other readers write it: `#` marks for a heading, `- ` for a bulleted item, a table
    cell's paragraph as an item too."""
    if _CELL_MARK in line:
        block = _block(line.replace(_CELL_MARK, ""))
        return list_items(block) if block else ""
    line = line.strip()
    heading = _MARKED_HEADING.match(line)
    if heading:
        text = _strip_marks(line[heading.end():]).strip()
        return "#" * (ord(heading.group(1)) - 0xFDD0) + " " + text if text else ""
    line = _strip_marks(line)
    bullet = _BULLET.match(line)
    if bullet:
        return "- " + line[bullet.end():]
    return _NUMBER.sub(r"\1 ", line, count=1)


def _strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


def _mark_headings(source: str) -> str:
    """`source` with the level mark of a heading style after each `\\sN` of one (module docstring)."""
    sheet = _STYLE_SHEET.search(source)
    if not sheet:
        return source
    end = _group_end(source, sheet.start())
    levels: dict[str, int] = {}
    for entry in _STYLE_ENTRY.finditer(source, sheet.end(), end):
        properties = entry.group(2)
        outline = _OUTLINE_LEVEL.search(properties)
        name = _HEADING_NAME.search(re.sub(r"\\[a-zA-Z]+-?\d* ?|\\'[0-9a-fA-F]{2}", "", properties))
        level = int(outline.group(1)) + 1 if outline else int(name.group(1)) if name else 0
        if 1 <= level <= 6:
            levels[entry.group(1)] = level

    def mark(found: re.Match[str]) -> str:
        level = levels.get(found.group(1))
        if level is None:
            return found.group()
        return f"\\s{found.group(1)}{_as_rtf(_LEVEL_MARK[level])}"

    if not levels:
        return source
    return source[: end + 1] + _PARAGRAPH_STYLE.sub(mark, source[end + 1:])


def _source_text(raw: bytes) -> str:
    """The file's characters: RTF's own syntax is ASCII; the 8-bit bytes some writers put in the text are
    UTF-8 or the code page the header declares (Windows-1252 when it declares none)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CODE_PAGE.search(raw[:2000])
    code_page = f"cp{int(declared.group(1))}" if declared else "cp1252"
    try:
        return raw.decode(code_page, errors="replace")
    except LookupError:  # a code page Python does not know
        return raw.decode("cp1252", errors="replace")


def _footnotes_after_body(source: str) -> str:
    """`source` with each footnote group (`{\\footnote …}`, which striprtf skips) taken from where it is
    called and its content set at the end of the document, a paragraph each."""
    notes: list[str] = []
    pieces: list[str] = []
    position = 0
    for found in _FOOTNOTE.finditer(source):
        if found.start() < position:  # inside a footnote already taken
            continue
        end = _group_end(source, found.start())
        pieces.append(source[position:found.start()])
        notes.append(source[found.end():end])
        position = end + 1
    if not notes:
        return source
    rest = source[position:].rstrip()
    closing = "}" if rest.endswith("}") else ""
    body = "".join(pieces) + rest[: len(rest) - len(closing)]
    return body + "".join(f"\\par {{{note}}}\\par " for note in notes) + closing  # each in its own group


def _without_tables_of_contents(source: str) -> str:
    """`source` without its table-of-contents fields (instruction and result)."""
    pieces: list[str] = []
    position = 0
    for found in _FIELD.finditer(source):
        if found.start() < position:  # inside a field already left out
            continue
        end = _group_end(source, found.start())
        instruction = _FIELD_INSTRUCTION.search(source, found.end(), end)
        if instruction is None:
            continue
        instruction_end = _group_end(source, instruction.start())
        words = _CONTROLS_AND_BRACES.sub("", source[instruction.end():instruction_end])
        if words.strip().upper().startswith("TOC"):
            pieces.append(source[position:found.start()])
            position = end + 1
    return "".join(pieces) + source[position:] if pieces else source


def _group_end(source: str, start: int) -> int:
    """The index of the brace closing the group opened at `start` (the end of `source` if none does)."""
    depth, i = 0, start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2  # an escaped brace or backslash, or the first letter of a control word
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(source) - 1
