"""PowerPoint (.pptx) -> text with python-pptx: each slide's title as a `#` heading, then its text in reading
order (top to bottom, left to right), bulleted paragraphs written `- `, a table cell's text on its own lines
and the lines of a text box or a diagram's shape written as list items too (on a slide only the title heads
what follows), then the slide's speaker notes; a blank line between blocks (as the Word and OpenDocument
readers give them).

A seminar's slides are often the only written trace of a talk, and their speaker notes hold what was said.
Slide numbers, dates and footers (the master's placeholders) and pictures are left out."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pipeline.errors import UnreadableFile
from pipeline.readers.ooxml import with_standard_content_type
from pipeline.readers.text import list_items, one_line

_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_EXPLICIT_BULLETS = (f"{_DRAWING}buChar", f"{_DRAWING}buAutoNum", f"{_DRAWING}buBlip")


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    from pptx import Presentation

    # a damaged file: ingest reports what python-pptx raises
    presentation = Presentation(io.BytesIO(with_standard_content_type(raw, "pptx")))
    blocks = [block for slide in presentation.slides for block in _slide_blocks(slide)]
    body = "\n\n".join(block for block in blocks if block.strip())
    if not body:
        raise UnreadableFile("aucun texte dans la présentation PowerPoint")
    return body + "\n", ("PowerPoint slides",)


def _slide_blocks(slide) -> Iterator[str]:
    from pptx.enum.shapes import PP_PLACEHOLDER

    titles = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
    furniture = {PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER,
                 PP_PLACEHOLDER.HEADER}
    # a layout's body or content area, whose paragraphs are bulleted unless they say not (a subtitle is not)
    bodies = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY,
              PP_PLACEHOLDER.VERTICAL_OBJECT}
    shapes = sorted(_flattened(slide.shapes), key=_reading_position)
    kinds = [shape.placeholder_format.type if shape.is_placeholder else None for shape in shapes]
    for shape, kind in zip(shapes, kinds, strict=True):
        if kind in titles and shape.has_text_frame and shape.text_frame.text.strip():
            yield "# " + one_line(shape.text_frame.text)
    for shape, kind in zip(shapes, kinds, strict=True):
        if kind in titles or kind in furniture:
            continue
        if shape.has_table:
            for row in shape.table.rows:
                yield from (list_items(one_line(cell.text)) for cell in row.cells if not cell.is_spanned)
        elif shape.has_text_frame and kind is None:  # a text box, a diagram's shape: its lines as items
            yield from (list_items(text) for text in _paragraphs(shape.text_frame, bulleted=False))
        elif shape.has_text_frame:
            yield from _paragraphs(shape.text_frame, bulleted=kind in bodies)
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        yield from _paragraphs(slide.notes_slide.notes_text_frame, bulleted=False)


def _flattened(shapes) -> Iterator:
    """The shapes of a slide, a group's shapes in its place."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _flattened(shape.shapes)
        else:
            yield shape


def _reading_position(shape) -> tuple[int, int]:
    return (shape.top or 0, shape.left or 0)


def _paragraphs(frame, bulleted: bool) -> Iterator[str]:
    for paragraph in frame.paragraphs:
        text = one_line(paragraph.text)
        if not text:
            continue
        properties = paragraph._p.pPr  # python-pptx gives no bullet property: read the paragraph's own
        own = {child.tag for child in properties} if properties is not None else set()
        if f"{_DRAWING}buNone" in own:
            yield text
        elif bulleted or own.intersection(_EXPLICIT_BULLETS):
            yield "- " + text
        else:
            yield text
