"""PowerPoint 97-2003 (.ppt) files for the tests, written from the format's specification ([MS-PPT]): a
`Current User` stream pointing at the last edit, and a `PowerPoint Document` stream holding the document's
slide lists, each slide with its drawing (shapes, their anchors, placeholders and text), notes pages, the
persist directory and the user edit. The reader was also checked on files PowerPoint saved
(`docs/robustness.md`)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from tests.compound import compound_file

TITLE, BODY, NOTES, OTHER, CENTER_BODY = 0, 1, 2, 4, 5
_PLACEHOLDERS = {TITLE: 0x0D, BODY: 0x0E, CENTER_BODY: 0x10, NOTES: 0x0C}
SLIDE_NUMBER, FOOTER = 0x08, 0x09


@dataclass
class Shape:
    """A shape with text: its text type (title, body, other…), text (paragraphs ended by a carriage
    return), position, and the placeholder it stands for (by default the one of its text type)."""

    kind: int
    text: str
    top: int = 0
    left: int = 0
    placeholder: int | None = -1
    in_list: bool = False  # its text held in the slide list, the shape referring to it
    one_byte: bool = False


@dataclass
class Slide:
    shapes: list[Shape]
    notes: str = ""
    old_shapes: list[Shape] = field(default_factory=list)  # a version an earlier quick save left


def record(kind: int, data: bytes, *, instance: int = 0, container: bool = False) -> bytes:
    return struct.pack("<HHI", (instance << 4) | (0xF if container else 0), kind, len(data)) + data


def slide_show(slides: list[Slide], *, encrypted: bool = False) -> bytes:
    stream = bytearray()
    slide_list, notes_list = b"", b""
    listed: list[list[Shape]] = []
    for index, slide in enumerate(slides):
        in_list = [shape for shape in slide.shapes if shape.in_list]
        listed.append(in_list)
        slide_list += record(0x03F3, struct.pack("<IIiII", 2 + index, 0, len(in_list), 256 + index, 0))
        for shape in in_list:
            slide_list += record(0x0F9F, struct.pack("<I", shape.kind)) + _text_atom(shape)
        if slide.notes:
            notes_list += record(0x03F3, struct.pack("<IIiII", 100 + index, 0, 0, 512 + index, 0))
    document = record(0x03E8, record(0x03E9, bytes(40)) + record(0x0FF0, slide_list, container=True)
                      + record(0x0FF0, notes_list, instance=2, container=True), container=True)
    offsets = {1: len(stream)}
    stream += document
    old_offsets = {}
    for index, slide in enumerate(slides):
        if slide.old_shapes:
            old_offsets[2 + index] = len(stream)
            stream += _slide(slide.old_shapes, [], None)
    first_edit = None
    if old_offsets:  # an earlier edit: its persist directory and user edit, then the newer objects
        first_edit = _edit(stream, {**offsets, **old_offsets}, None)
    for index, slide in enumerate(slides):
        offsets[2 + index] = len(stream)
        stream += _slide(slide.shapes, listed[index], 512 + index if slide.notes else 0)
        if slide.notes:
            offsets[100 + index] = len(stream)
            notes_shape = Shape(NOTES, slide.notes)
            stream += record(0x03F0, record(0x03F1, bytes(8)) + _drawing([notes_shape], []), container=True)
    # a later edit lists only what it changed: the document is found through the earlier one
    newer = offsets if first_edit is None else {key: value for key, value in offsets.items() if key != 1}
    last_edit = _edit(stream, newer, first_edit)
    stream += bytes(max(0, 4096 - len(stream)))
    token = 0xF3D1C4DF if encrypted else 0xE391C05F
    user = b"seminaire"
    current = record(0x0FF6, struct.pack("<IIIHHBBH", 0x14, token, last_edit, len(user), 0x03F4, 3, 0, 0)
                     + user + struct.pack("<I", 8))
    current += bytes(4096 - len(current))
    return compound_file({"PowerPoint Document": bytes(stream), "Current User": current})


def _edit(stream: bytearray, offsets: dict[int, int], last_edit: int | None) -> int:
    directory = b""
    for persist_id in sorted(offsets):
        directory += struct.pack("<II", persist_id | (1 << 20), offsets[persist_id])
    directory_offset = len(stream)
    stream += record(0x1772, directory)
    edit_offset = len(stream)
    stream += record(0x0FF5, struct.pack("<IHBBIIIIHH", 256, 0, 0, 3, last_edit or 0, directory_offset, 1,
                                         200, 1, 0))
    return edit_offset


def _slide(shapes: list[Shape], listed: list[Shape], notes_id: int | None) -> bytes:
    atom = struct.pack("<I8sIIHH", 0, bytes(8), 0x80000000, notes_id or 0, 0, 0)
    return record(0x03EE, record(0x03EF, atom, instance=2) + _drawing(shapes, listed), container=True)


def _drawing(shapes: list[Shape], listed: list[Shape]) -> bytes:
    group = record(0xF009, bytes(16)) + record(0xF00A, bytes(8))  # the group's own shape
    group = record(0xF004, group, container=True)
    for shape in shapes:
        children = record(0xF00A, bytes(8)) + record(0xF010, struct.pack("<hhhh", shape.top, shape.left,
                                                                          shape.left + 100, shape.top + 50))
        placeholder = _PLACEHOLDERS.get(shape.kind) if shape.placeholder == -1 else shape.placeholder
        if placeholder is not None:
            children += record(0xF011, record(0x0BC3, struct.pack("<iBBH", 0, placeholder, 0, 0)),
                               container=True)
        if shape.in_list:
            text = record(0x0F9E, struct.pack("<I", listed.index(shape)))
        else:
            text = record(0x0F9F, struct.pack("<I", shape.kind)) + _text_atom(shape)
        children += record(0xF00D, text, container=True)
        group += record(0xF004, children, container=True)
    container = record(0xF003, group, container=True)
    return record(0x040C, record(0xF002, record(0xF008, bytes(8)) + container, container=True),
                  container=True)


def _text_atom(shape: Shape) -> bytes:
    if shape.one_byte:
        return record(0x0FA8, shape.text.encode("latin-1"))
    return record(0x0FA0, shape.text.encode("utf-16-le"))
