"""OpenDocument text (.odt) -> text with odfpy: headings (`#` per outline level), paragraphs and list items
(`- `) in document order, a table cell's text as list items, a blank line between blocks; a generated table of
contents or index is left out.

A paragraph's footnotes and text boxes are read as blocks of their own after it, so that they do not cut its
sentence (« coopèrent1Source : … depuis »); tracked deletions and reviewers' comments are left out."""

from __future__ import annotations

import io
import zipfile
from xml.parsers.expat import ExpatError

from pipeline.errors import UnreadableFile
from pipeline.readers.text import list_items

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TABLE_CELLS = frozenset({(_TABLE, "table-cell"), (_TABLE, "covered-table-cell")})
# Tracked deletions (kept apart from the text, in the body's tracked-changes list), reviewers' comments, and
# the indexes the writer generates from the text (table of contents, lists of figures and tables, alphabetical
# index), which repeat its headings, captions or words with page numbers. A bibliography is written, and read.
_LEFT_OUT = frozenset({(_TEXT, "tracked-changes"), (_OFFICE, "annotation"), (_TEXT, "table-of-content"),
                       (_TEXT, "illustration-index"), (_TEXT, "table-index"), (_TEXT, "object-index"),
                       (_TEXT, "alphabetical-index"), (_TEXT, "user-index")})


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ExpatError, ValueError) as exc:
        raise UnreadableFile(f"texte OpenDocument illisible ({exc})") from None
    body = "\n\n".join(text_blocks(document.text))
    if not body.strip():
        raise UnreadableFile("aucun texte dans le fichier OpenDocument")
    return body + "\n", ("OpenDocument text",)


def text_blocks(node) -> list[str]:
    """The non-empty blocks (headings, paragraphs, list items) under `node`, in document order, as `read`
    writes them; the OpenDocument presentation reader reads its frames with it."""
    blocks: list[str] = []
    _walk(node, blocks, in_list=False)
    return [block for block in blocks if block.strip()]


def _walk(node, blocks: list[str], in_list: bool) -> None:
    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname in _LEFT_OUT:
            continue
        if qname in ((_TEXT, "h"), (_TEXT, "p")):
            inner: list = []
            content = _text(child, inner).strip()
            if qname == (_TEXT, "h") and content:
                level = int(child.attributes.get((_TEXT, "outline-level")) or 1)
                content = "#" * min(level, 6) + " " + content
            elif in_list and content:
                content = "- " + content
            blocks.append(content)
            for element in inner:  # its footnotes and text boxes, after it
                _walk(element, blocks, in_list=False)
        elif qname == (_TEXT, "list-item"):
            _walk(child, blocks, in_list=True)
        elif qname in _TABLE_CELLS:
            cell: list[str] = []
            _walk(child, cell, in_list=False)
            blocks.append(list_items("\n".join(block for block in cell if block.strip())))
        elif getattr(child, "childNodes", None):
            _walk(child, blocks, in_list)


def _text(node, inner: list) -> str:
    """The text of a paragraph's children; the note bodies and text boxes met are put in `inner`."""
    parts = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        qname = getattr(child, "qname", None)
        if qname in _LEFT_OUT or qname == (_TEXT, "note-citation"):
            continue
        if qname == (_TEXT, "s"):
            parts.append(" " * int(child.attributes.get((_TEXT, "c")) or 1))
        elif qname == (_TEXT, "tab"):
            parts.append("\t")
        elif qname == (_TEXT, "line-break"):
            parts.append("\n")
        elif qname in ((_TEXT, "note-body"), (_DRAW, "text-box")):
            inner.append(child)
        else:
            parts.append(_text(child, inner))
    return "".join(parts)
