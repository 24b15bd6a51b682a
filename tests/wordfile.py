"""Word 97-2003 (.doc) files for the tests, written from the format's specification ([MS-DOC] for the text,
[MS-CFB] for the compound file): a File Information Block, one piece of text (one byte a character or two),
the paragraphs' properties on PAPX pages, a style sheet, in a version 3 compound file. No Word is at hand
to save real ones; the reader was also checked on files Word saved (`docs/robustness.md`)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from tests.compound import compound_file

_SECTOR = 512
_TEXT_START = 1024

# built-in style identifiers (sti): Normal, heading 1-3, toc 1, List Bullet
NORMAL, HEADING_1, HEADING_2, HEADING_3, TOC_1, LIST_BULLET = 0, 1, 2, 3, 19, 48
_STYLE_NAMES = {NORMAL: "Normal", HEADING_1: "heading 1", HEADING_2: "heading 2", HEADING_3: "heading 3",
                TOC_1: "toc 1", LIST_BULLET: "List Bullet"}


@dataclass
class Paragraph:
    """One paragraph: its text (fields and special characters written as Word stores them), its style's
    identifier (sti) or a user style's name, and its direct properties."""

    text: str
    style: int | str = NORMAL
    in_table: bool = False
    row_end: bool = False
    outline_level: int | None = None
    list_number: int = 0
    end: str = "\r"
    extra: bytes = field(default=b"")  # further property modifiers, as stored


def cell(text: str) -> Paragraph:
    return Paragraph(text, in_table=True, end="\x07")


def row_end() -> Paragraph:
    return Paragraph("", in_table=True, row_end=True, end="\x07")


def word97(body: list[Paragraph], *, footnotes: list[Paragraph] = (), text_boxes: list[Paragraph] = (),
           one_byte: bool = True, encrypted: bool = False, n_fib: int = 0x00C1) -> bytes:
    paragraphs = [*body, *footnotes, *text_boxes]  # the parts in the file's order
    text = "".join(paragraph.text + paragraph.end for paragraph in paragraphs)
    width = 1 if one_byte else 2
    encoded = text.encode("cp1252") if one_byte else text.encode("utf-16-le")
    styles = _style_list(paragraphs)
    word = bytearray(_TEXT_START) + encoded
    word += bytes(-len(word) % _SECTOR)
    first_page = len(word) // _SECTOR
    pages, bounds, position = [], [], _TEXT_START
    for paragraph in paragraphs:
        end = position + width * (len(paragraph.text) + 1)
        bounds.append((position, end, _grpprl(paragraph, styles)))
        position = end
    for index in range(0, len(bounds), 8):
        pages.append(_papx_page(bounds[index:index + 8]))
    for page in pages:
        word += page
    word += bytes(max(0, 4096 - len(word)))

    table = bytearray()
    style_sheet = _style_sheet(styles)
    bin_table = (struct.pack(f"<{len(pages) + 1}I", *[bounds[i][0] for i in range(0, len(bounds), 8)],
                             bounds[-1][1])
                 + struct.pack(f"<{len(pages)}I", *range(first_page, first_page + len(pages))))
    pieces = (struct.pack("<II", 0, len(text))
              + struct.pack("<HIH", 0, (_TEXT_START * 2) | 0x40000000 if one_byte else _TEXT_START, 0))
    clx = b"\x02" + struct.pack("<I", len(pieces)) + pieces
    pairs = [(0, 0)] * 93
    for index, part in ((1, style_sheet), (13, bin_table), (33, clx)):
        pairs[index] = (len(table), len(part))
        table += part
    table += bytes(max(0, 4096 - len(table)))

    counts = [0] * 22
    counts[0] = len(word)
    counts[3] = sum(len(p.text) + 1 for p in body)
    counts[4] = sum(len(p.text) + 1 for p in footnotes)
    counts[9] = sum(len(p.text) + 1 for p in text_boxes)
    flags = 0x0200 | (0x0100 if encrypted else 0)
    fib = (struct.pack("<HHHHHHHIBBHHII", 0xA5EC, n_fib, 0, 0x040C, 0, flags, 0xBF, 0, 0, 0, 0, 0, 0, 0)
           + struct.pack("<H", 14) + bytes(28)
           + struct.pack("<H", 22) + struct.pack("<22i", *counts)
           + struct.pack("<H", 93) + b"".join(struct.pack("<II", *pair) for pair in pairs)
           + struct.pack("<H", 0))
    word[:len(fib)] = fib
    return compound_file({"WordDocument": bytes(word), "1Table": bytes(table)})


def _style_list(paragraphs: list[Paragraph]) -> list[int | str]:
    styles: list[int | str] = [NORMAL]
    for paragraph in paragraphs:
        if paragraph.style not in styles:
            styles.append(paragraph.style)
    return styles


def _grpprl(paragraph: Paragraph, styles: list[int | str]) -> bytes:
    grpprl = struct.pack("<H", styles.index(paragraph.style))
    if paragraph.in_table:
        grpprl += struct.pack("<HB", 0x2416, 1)
    if paragraph.row_end:
        grpprl += struct.pack("<HB", 0x2417, 1)
    if paragraph.outline_level is not None:
        grpprl += struct.pack("<HB", 0x2640, paragraph.outline_level)
    if paragraph.list_number:
        grpprl += struct.pack("<HH", 0x460B, paragraph.list_number)
    return grpprl + paragraph.extra


def _papx_page(bounds: list[tuple[int, int, bytes]]) -> bytes:
    page = bytearray(_SECTOR)
    count = len(bounds)
    struct.pack_into(f"<{count + 1}I", page, 0, *[start for start, _, _ in bounds], bounds[-1][1])
    top = _SECTOR - 1
    for index, (_, _, grpprl) in enumerate(bounds):
        if len(grpprl) % 2:
            stored = bytes([(len(grpprl) + 1) // 2]) + grpprl
        else:
            stored = bytes([0, len(grpprl) // 2]) + grpprl
        top = (top - len(stored)) & ~1
        page[top:top + len(stored)] = stored
        page[4 * (count + 1) + 13 * index] = top // 2
    page[_SECTOR - 1] = count
    return bytes(page)


def _style_sheet(styles: list[int | str]) -> bytes:
    header = struct.pack("<HH", len(styles), 10) + bytes(14)
    entries = b""
    for style in styles:
        sti = style if isinstance(style, int) else 0x0FFE
        name = _STYLE_NAMES.get(style, "") if isinstance(style, int) else style
        entry = (struct.pack("<H", sti) + bytes(8) + struct.pack("<H", len(name))
                 + name.encode("utf-16-le") + b"\0\0")
        entries += struct.pack("<H", len(entry)) + entry
    return struct.pack("<H", len(header)) + header + entries
