"""Word 97-2003 (.doc, .dot) -> text: the body, then its text boxes, the footnotes and endnotes, written as
the Word reader writes a .docx (headings `#` by level, list paragraphs `- `, a table cell's text as list
items, a blank line between blocks; a table of contents left out).

olefile opens the compound file; the text is then read as the format's specification ([MS-DOC]) lays it out:
the File Information Block at the start of the `WordDocument` stream gives the length of each part of the
text and where the piece table and the paragraph properties lie in the table stream (`0Table` or `1Table`).
The piece table maps each run of characters to its bytes, one byte each (Windows-1252) or two (UTF-16). The
paragraph properties give each paragraph's style, whether it stands in a table and its outline level; the
style sheet tells Word's built-in headings and table-of-contents styles from the others, whatever the
language of the interface that wrote them.

What is not text is left out: a field's instructions (« HYPERLINK "…" », « PAGE », « TOC \\o »: its shown
result stays), the marks anchoring pictures, drawings, notes and comments. Page headers and footers and
comments are left out, as the Word reader leaves them out."""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import UnreadableFile
from pipeline.readers.compound import opened, password_protected
from pipeline.readers.text import HEADING_STYLE_NAME, list_items

_WORD_IDENT = 0xA5EC
# nFib of Word 97 and later; Word 6 and 95 wrote 0x0065 to 0x0069, with another layout of the text
_FIRST_WORD97_NFIB = 0x00C0
_ENCRYPTED = 0x0100
_TABLE_STREAM_1 = 0x0200
# positions in FibRgLw97 (4-byte counts) and in FibRgFcLcb (offset and length pairs in the table stream)
_CCP_TEXT, _CCP_FOOTNOTES, _CCP_ENDNOTES, _CCP_TEXT_BOXES = 3, 4, 8, 9  # headers, macros, comments: 5-7
_STYLE_SHEET, _PARAGRAPH_BIN_TABLE, _PIECE_TABLE = 1, 13, 33
_COMPRESSED = 0x40000000
_PAGE = 512
# built-in style identifiers (sti): heading 1-9, toc 1-9, the list styles (List, List Bullet, List Number and
# their levels 2-5)
_HEADING_STIS = range(1, 10)
_CONTENTS_STIS = range(19, 28)
_LIST_STIS = range(47, 62)
# paragraph property modifiers read: in a table, a row's end, table depth, outline level, list
_SPRM_IN_TABLE, _SPRM_ROW_END, _SPRM_TABLE_DEPTH = 0x2416, 0x2417, 0x6649
_SPRM_INNER_CELL, _SPRM_INNER_ROW_END = 0x244B, 0x244C
_SPRM_OUTLINE_LEVEL, _SPRM_LIST = 0x2640, 0x460B
_SPRM_TABLE_DEFINITION, _SPRM_TABS = 0xD608, 0xC615
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # by the modifier's top three bits; 6 is variable

_PARAGRAPH_END, _CELL_END = "\r", "\x07"
_FIELD_START, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
# special characters: a line break, a page or section break, a column break, Word's non-breaking and optional
# hyphens; the other control characters anchor pictures, drawings, notes and comments and are no text
_CHARACTERS = {"\x0b": "\n", "\x0c": "\n", "\x0e": "\n", "\x1e": "-", "\x1f": "", "\t": "\t"}
_SYMBOL_FONT = re.compile("[\uf000-\uf0ff]")  # glyphs of Symbol or Wingdings (bullets typed by hand)


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    with opened(raw, "document Word 97-2003") as compound:
        if not compound.exists("WordDocument"):
            raise UnreadableFile("fichier Office sans texte Word (ni flux WordDocument) : un classeur ou une "
                                 "présentation nommé .doc ?")
        word = compound.stream("WordDocument")
        fib = _Fib.parse(word)
        table = compound.stream(fib.table_stream)
    try:
        blocks = _text_blocks(word, table, fib)
    except (struct.error, IndexError) as exc:  # a count or an offset that points outside its stream
        raise UnreadableFile(f"document Word 97-2003 endommagé ({exc})") from None
    body = "\n\n".join(block for block in blocks if block.strip())
    if not body.strip():
        raise UnreadableFile("aucun texte dans le document Word 97-2003")
    return body + "\n", ("Word 97-2003 document",)


def _text_blocks(word: bytes, table: bytes, fib: _Fib) -> list[str]:
    pieces = _Pieces.parse(word, _part(table, fib.pair(_PIECE_TABLE)))
    paragraphs = _ParagraphRuns.parse(word, _part(table, fib.pair(_PARAGRAPH_BIN_TABLE)))
    styles = _styles(_part(table, fib.pair(_STYLE_SHEET)))
    text = pieces.text()
    blocks: list[str] = []
    for start, end in fib.readable_parts():
        blocks += _blocks(text, start, min(end, len(text)), pieces, paragraphs, styles)
    return blocks


@dataclass(frozen=True)
class _Fib:
    """What the reader needs of the File Information Block."""

    table_stream: str
    counts: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, word: bytes) -> _Fib:
        if len(word) < 64 or _u16(word, 0) != _WORD_IDENT:
            raise UnreadableFile("ce n'est pas un document Word 97-2003 (en-tête inconnu)")
        if _u16(word, 2) < _FIRST_WORD97_NFIB:
            raise UnreadableFile("document Word 6 ou Word 95, non lu : ouvrez-le dans Word ou LibreOffice et "
                                 "enregistrez-le en .docx")
        flags = _u16(word, 10)
        if flags & _ENCRYPTED:
            raise password_protected("document Word")
        # FibBase (32 bytes), then three blocks each preceded by its count: 2-byte words, 4-byte longs, pairs
        def block(position: int, width: int) -> tuple[int, int]:
            """The count of the block at `position` and where its items start, checked against the stream."""
            count = _u16(word, position) if position + 2 <= len(word) else -1
            if count < 0 or position + 2 + width * count > len(word):
                raise UnreadableFile("document Word 97-2003 endommagé (bloc d'information hors du fichier)")
            return count, position + 2

        words, position = block(32, 2)
        longs, position = block(position + 2 * words, 4)
        counts = struct.unpack_from(f"<{longs}i", word, position)
        pair_count, position = block(position + 4 * longs, 8)
        values = struct.unpack_from(f"<{2 * pair_count}I", word, position)
        pairs = tuple(zip(values[::2], values[1::2], strict=True))
        if len(counts) <= _CCP_TEXT_BOXES or len(pairs) <= _PIECE_TABLE:
            raise UnreadableFile("document Word 97-2003 tronqué (bloc d'information incomplet)")
        return cls("1Table" if flags & _TABLE_STREAM_1 else "0Table", counts, pairs)

    def pair(self, index: int) -> tuple[int, int]:
        return self.pairs[index]

    def readable_parts(self) -> Iterator[tuple[int, int]]:
        """Character ranges of the body, its text boxes, the footnotes and the endnotes, in that order. In the
        file the parts follow one another as main text, footnotes, headers, macros, comments, endnotes, text
        boxes (a text box's text cannot be put back where its box stands, so it follows the body)."""
        count = [max(0, self.counts[index]) if index < len(self.counts) else 0
                 for index in range(_CCP_TEXT_BOXES + 1)]
        starts = {index: sum(count[_CCP_TEXT:index]) for index in range(_CCP_TEXT, _CCP_TEXT_BOXES + 1)}
        for part in (_CCP_TEXT, _CCP_TEXT_BOXES, _CCP_FOOTNOTES, _CCP_ENDNOTES):
            yield starts[part], starts[part] + count[part]


@dataclass(frozen=True)
class _Pieces:
    """The piece table: runs of character positions, each with where its bytes start and their width."""

    starts: tuple[int, ...]  # the first character position of each piece, and the end of the last
    offsets: tuple[int, ...]
    compressed: tuple[bool, ...]
    word: bytes

    @classmethod
    def parse(cls, word: bytes, clx: bytes) -> _Pieces:
        position = 0
        while position < len(clx) and clx[position] == 0x01:  # property modifiers kept for fast saves
            position += 3 + _u16(clx, position + 1)
        if position + 5 > len(clx) or clx[position] != 0x02:
            raise UnreadableFile("document Word 97-2003 endommagé (table des morceaux de texte introuvable)")
        size = _u32(clx, position + 1)
        table = clx[position + 5:position + 5 + size]
        count = (len(table) - 4) // 12
        if count < 1:
            raise UnreadableFile("document Word 97-2003 endommagé (table des morceaux de texte vide)")
        starts = struct.unpack_from(f"<{count + 1}I", table, 0)
        descriptors = [struct.unpack_from("<HIH", table, 4 * (count + 1) + 8 * index)
                       for index in range(count)]
        fcs = [descriptor[1] for descriptor in descriptors]
        compressed = tuple(bool(fc & _COMPRESSED) for fc in fcs)
        offsets = tuple((fc & ~_COMPRESSED) // 2 if packed else fc for fc, packed in zip(fcs, compressed,
                                                                                           strict=True))
        return cls(tuple(starts), offsets, compressed, word)

    def text(self) -> str:
        """Every piece's characters end to end, so that a character's index is its position."""
        chunks = []
        for index, offset in enumerate(self.offsets):
            length = max(0, self.starts[index + 1] - self.starts[index])
            if self.compressed[index]:
                chunks.append(self.word[offset:offset + length].decode("cp1252", errors="replace"))
            else:
                chunks.append(self.word[offset:offset + 2 * length].decode("utf-16-le", errors="replace"))
        return "".join(chunks)

    def byte_offset(self, position: int) -> int:
        """Where the bytes of the character at `position` lie in the WordDocument stream."""
        index = max(0, bisect_right(self.starts, position) - 1)
        index = min(index, len(self.offsets) - 1)
        width = 1 if self.compressed[index] else 2
        return self.offsets[index] + width * (position - self.starts[index])


@dataclass(frozen=True)
class _Paragraph:
    style: int = 0
    in_table: bool = False
    row_end: bool = False
    outline_level: int | None = None
    in_list: bool = False


@dataclass(frozen=True)
class _ParagraphRuns:
    """The paragraph properties by byte range of the WordDocument stream (the PAPX pages)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    properties: tuple[_Paragraph, ...]

    @classmethod
    def parse(cls, word: bytes, bin_table: bytes) -> _ParagraphRuns:
        runs = []
        count = (len(bin_table) - 4) // 8 if len(bin_table) >= 12 else 0
        for index in range(count):
            page_number = _u32(bin_table, 4 * (count + 1) + 4 * index) & 0x3FFFFF
            page = word[page_number * _PAGE:(page_number + 1) * _PAGE]
            if len(page) == _PAGE:
                runs += _page_runs(page)
        runs.sort(key=lambda run: run[0])
        starts, ends, properties = zip(*runs, strict=True) if runs else ((), (), ())
        return cls(tuple(starts), tuple(ends), tuple(properties))

    def at(self, offset: int) -> _Paragraph:
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and offset < self.ends[index]:
            return self.properties[index]
        return _Paragraph()


def _page_runs(page: bytes) -> list[tuple[int, int, _Paragraph]]:
    run_count = page[_PAGE - 1]
    if 4 * (run_count + 1) + 13 * run_count > _PAGE - 1:
        return []
    bounds = struct.unpack_from(f"<{run_count + 1}I", page, 0)
    runs = []
    for index in range(run_count):
        word_offset = page[4 * (run_count + 1) + 13 * index]
        runs.append((bounds[index], bounds[index + 1], _paragraph_properties(page, 2 * word_offset)))
    return runs


def _paragraph_properties(page: bytes, position: int) -> _Paragraph:
    if position == 0:
        return _Paragraph()
    size = page[position]
    if size == 0:
        size, position = 2 * page[position + 1], position + 2
    else:
        size, position = 2 * size - 1, position + 1
    grpprl = page[position:position + size]
    if len(grpprl) < 2:
        return _Paragraph()
    return _modified(_Paragraph(style=_u16(grpprl, 0)), grpprl[2:])


def _modified(paragraph: _Paragraph, grpprl: bytes) -> _Paragraph:
    """`paragraph` with the property modifiers of `grpprl` the reader needs applied; an unknown layout stops
    the reading there (what was read stays)."""
    values = vars(paragraph).copy()
    position = 0
    while position + 2 <= len(grpprl):
        sprm = _u16(grpprl, position)
        position += 2
        kind = sprm >> 13
        if sprm == _SPRM_TABLE_DEFINITION and position + 2 <= len(grpprl):
            size, position = _u16(grpprl, position) - 1, position + 2
        elif sprm == _SPRM_TABS and position < len(grpprl) and grpprl[position] == 255:
            break
        elif kind == 6 and position < len(grpprl):
            size, position = grpprl[position], position + 1
        else:
            size = _OPERAND_SIZE.get(kind, 0)
        operand = grpprl[position:position + size]
        if size <= 0 or len(operand) < size:
            break
        if sprm in (_SPRM_IN_TABLE, _SPRM_INNER_CELL):
            values["in_table"] = values["in_table"] or operand[0] == 1
        elif sprm in (_SPRM_ROW_END, _SPRM_INNER_ROW_END):
            values["row_end"] = values["row_end"] or operand[0] == 1
        elif sprm == _SPRM_TABLE_DEPTH:
            values["in_table"] = values["in_table"] or _u32(operand, 0) > 0
        elif sprm == _SPRM_OUTLINE_LEVEL:
            values["outline_level"] = operand[0] if operand[0] < 9 else None
        elif sprm == _SPRM_LIST:
            values["in_list"] = _u16(operand, 0) > 0
        position += size
    return _Paragraph(**values)


@dataclass(frozen=True)
class _Style:
    heading_level: int | None = None
    contents: bool = False
    list_style: bool = False


def _styles(sheet: bytes) -> dict[int, _Style]:
    """What each style index means to the reader: a heading (built-in heading N, or a style named « Titre N »
    or « Heading N »), a table of contents' entry, a list. An unreadable style sheet gives no styles."""
    if len(sheet) < 6:
        return {}
    header_size = _u16(sheet, 0)
    count, base_size = _u16(sheet, 2), _u16(sheet, 4)
    styles, position = {}, 2 + header_size
    for index in range(count):
        if position + 2 > len(sheet):
            break
        size = _u16(sheet, position)
        entry = sheet[position + 2:position + 2 + size]
        position += 2 + size
        if len(entry) < 2:
            continue
        identifier = _u16(entry, 0) & 0x0FFF
        name = _style_name(entry, base_size)
        named = HEADING_STYLE_NAME.match(name)
        if identifier in _HEADING_STIS:
            styles[index] = _Style(heading_level=identifier)
        elif identifier in _CONTENTS_STIS:
            styles[index] = _Style(contents=True)
        elif identifier in _LIST_STIS:
            styles[index] = _Style(list_style=True)
        elif named:
            styles[index] = _Style(heading_level=max(1, int(named.group(1))))
    return styles


def _style_name(entry: bytes, base_size: int) -> str:
    if base_size + 2 > len(entry):
        return ""
    length = _u16(entry, base_size)
    return entry[base_size + 2:base_size + 2 + 2 * length].decode("utf-16-le", errors="replace")


def _blocks(text: str, start: int, end: int, pieces: _Pieces, paragraphs: _ParagraphRuns,
            styles: dict[int, _Style]) -> list[str]:
    """The blocks of the characters `start` to `end`: one per paragraph, a table's cells gathered into one
    block of list items."""
    blocks: list[str] = []
    cells: list[str] = []
    fields: list[bool] = []  # one entry per open field: True once its shown result has begun
    paragraph_start = start
    for position in range(start, end):
        if text[position] not in (_PARAGRAPH_END, _CELL_END):
            continue
        content = _visible(text[paragraph_start:position], fields)
        paragraph_start = position + 1
        properties = paragraphs.at(pieces.byte_offset(position))
        style = styles.get(properties.style, _Style())
        if style.contents:
            continue
        if properties.in_table or text[position] == _CELL_END:
            if not properties.row_end:
                cells.append(content)
            continue
        if cells:
            blocks.append(list_items("\n".join(cells)))
            cells = []
        blocks.append(_written(content, style, properties))
    tail = _visible(text[paragraph_start:end], fields)
    if cells:
        blocks.append(list_items("\n".join(cells)))
    blocks.append(tail)
    return [block for block in blocks if block.strip()]


def _visible(chunk: str, fields: list[bool]) -> str:
    """`chunk`'s characters a reader of the document sees: a field's instructions and the anchors of
    pictures and notes left out, Word's special characters written as text. `fields` carries the open
    fields from one paragraph to the next (a table of contents' field spans many)."""
    out = []
    for char in chunk:
        if char == _FIELD_START:
            fields.append(False)
        elif char == _FIELD_SEPARATOR:
            if fields:
                fields[-1] = True
        elif char == _FIELD_END:
            if fields:
                fields.pop()
        elif not all(fields):
            continue
        elif char in _CHARACTERS:
            out.append(_CHARACTERS[char])
        elif char >= " " and char != "\x7f":
            out.append(char)
    return _SYMBOL_FONT.sub("", "".join(out))


def _written(content: str, style: _Style, properties: _Paragraph) -> str:
    content = content.strip()
    if not content:
        return ""
    level = style.heading_level
    if level is None and properties.outline_level is not None:
        level = properties.outline_level + 1
    if level is not None and "\n" not in content:
        return f"{'#' * min(level, 6)} {content}"
    if properties.in_list or style.list_style:
        return f"- {content}"
    return content


def _part(table: bytes, pair: tuple[int, int]) -> bytes:
    offset, size = pair
    return table[offset:offset + size] if size else b""


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]
