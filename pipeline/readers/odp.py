"""OpenDocument presentation (.odp, LibreOffice Impress) -> text with odfpy: each slide's title as a `#`
heading, then its frames top to bottom and left to right (an outline's items written `- `, a table's cells one
per line as items, a text box's lines as items, a group's frames in place), then the slide's speaker notes; a
blank line between blocks, as the PowerPoint reader gives them. Slide numbers, dates, headers and footers are
left out."""

from __future__ import annotations

import io
import re

from pipeline.errors import UnreadableFile
from pipeline.readers.odt import text_blocks
from pipeline.readers.text import list_items

_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_TITLES = frozenset({"title"})
_FURNITURE = frozenset({"page-number", "date-time", "header", "footer"})
_CENTIMETRES = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72, "pc": 2.54 / 6, "px": 2.54 / 96}
_LENGTH = re.compile(r"(-?[\d.]+)\s*([a-z]*)")


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    from odf.opendocument import load

    document = load(io.BytesIO(raw))  # a damaged file: ingest reports what odfpy raises
    if getattr(document, "presentation", None) is None:  # a text or a spreadsheet named .odp
        raise UnreadableFile("pas une présentation OpenDocument")
    blocks = [block for page in _children(document.presentation, (_DRAW, "page")) for block in _slide(page)]
    body = "\n\n".join(blocks)
    if not body.strip():
        raise UnreadableFile("aucun texte dans la présentation OpenDocument")
    return body + "\n", ("OpenDocument slides",)


def _slide(page) -> list[str]:
    frames = sorted(_frames(page), key=_position)
    kinds = [frame.attributes.get((_PRESENTATION, "class")) for frame in frames]
    blocks = []
    for frame, kind in zip(frames, kinds, strict=True):
        title = " ".join(" ".join(text_blocks(frame)).split()) if kind in _TITLES else ""
        if title:
            blocks.append("# " + title)
    for frame, kind in zip(frames, kinds, strict=True):
        if kind is None:  # a text box, a diagram's shape: its lines as items, as the PowerPoint reader writes
            blocks.extend(list_items(block) for block in text_blocks(frame))
        elif kind not in _TITLES and kind not in _FURNITURE:
            blocks.extend(text_blocks(frame))
    for notes in _children(page, (_PRESENTATION, "notes")):
        for frame in _frames(notes):
            if frame.attributes.get((_PRESENTATION, "class")) == "notes":
                blocks.extend(text_blocks(frame))
    return blocks


def _children(node, qname: tuple[str, str]) -> list:
    return [child for child in node.childNodes if getattr(child, "qname", None) == qname]


def _frames(node) -> list:
    """The frames of a slide (or of its notes page), a group's frames in its place; not the notes' own."""
    found = []
    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (_DRAW, "frame"):
            found.append(child)
        elif qname == (_DRAW, "g"):
            found.extend(_frames(child))
    return found


def _position(frame) -> tuple[float, float]:
    return (_length(frame.attributes.get((_SVG, "y"))), _length(frame.attributes.get((_SVG, "x"))))


def _length(value: str | None) -> float:
    """An ODF length (« 2.5cm », « 1in ») in centimetres; 0 when absent or not understood."""
    found = _LENGTH.fullmatch((value or "").strip())
    if not found:
        return 0.0
    try:
        return float(found.group(1)) * _CENTIMETRES.get(found.group(2) or "cm", 1.0)
    except ValueError:
        return 0.0
