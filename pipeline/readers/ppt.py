"""PowerPoint 97-2003 (.ppt, .pps) -> text, written as the .pptx reader writes it: each slide's title as a `#`
heading, then its other text in reading order (a body's paragraphs as list items, a text box's lines as list
items too), then the slide's speaker notes; a blank line between blocks.

olefile opens the compound file; the slides are then read as the format's specification ([MS-PPT]) lays them
out. The `Current User` stream points at the last edit; the chain of edits gives, for each object, where its
latest version lies (the persist directory: a file saved quickly appends new versions and keeps the old
ones, which are not read). The document's slide list gives the slides in order, with the text of their
placeholders; each slide's drawing gives its shapes, their position, the placeholder each stands for and the
text it holds or refers to. Slide numbers, dates, footers and headers (the master's placeholders) are left
out, as in a .pptx."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.errors import UnreadableFile
from pipeline.readers.compound import opened, password_protected
from pipeline.readers.text import list_items, one_line

_DOCUMENT, _SLIDE, _SLIDE_ATOM, _NOTES, _SLIDE_PERSIST = 0x03E8, 0x03EE, 0x03EF, 0x03F0, 0x03F3
_DRAWING, _SLIDE_LIST, _USER_EDIT, _PERSIST_DIRECTORY = 0x040C, 0x0FF0, 0x0FF5, 0x1772
_OUTLINE_TEXT_REF, _TEXT_HEADER, _TEXT_CHARS, _TEXT_BYTES = 0x0F9E, 0x0F9F, 0x0FA0, 0x0FA8
_SHAPE, _CLIENT_ANCHOR, _CHILD_ANCHOR, _CLIENT_DATA, _CLIENT_TEXTBOX = 0xF004, 0xF010, 0xF00F, 0xF011, 0xF00D
_PLACEHOLDER = 0x0BC3
_SLIDES_LIST, _NOTES_LIST = 0, 2  # the slide list's instance: slides, (masters,) notes
_ENCRYPTED_TOKEN = 0xF3D1C4DF
# text types (TextHeaderAtom): title, body, notes, other (a text box), centred body (a subtitle), centred
# title, half and quarter bodies
_TITLE_TYPES = {0, 6}
_BODY_TYPES = {1, 7, 8}
_NOTES_TYPE = 2
# placeholders that are a slide's furniture: the master's date, slide number, footer and header
_FURNITURE = {0x07, 0x08, 0x09, 0x0A}
_NOTES_FURNITURE = {0x05, 0x0B}  # the picture of the slide on a notes page
_MAX_DEPTH = 64


@dataclass(frozen=True)
class _Record:
    kind: int
    instance: int
    start: int  # where its data starts in the stream
    end: int
    container: bool


@dataclass
class _Text:
    kind: int  # the text type of its header
    text: str
    top: int = 0
    left: int = 0
    placeholder: int | None = None


@dataclass
class _SlideEntry:
    persist_id: int
    identifier: int  # the slide's or notes page's id, by which a slide names its notes page
    texts: list[_Text] = field(default_factory=list)


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    with opened(raw, "présentation PowerPoint 97-2003", feminine=True) as compound:
        if not compound.exists("PowerPoint Document"):
            raise UnreadableFile("fichier Office sans diapositives PowerPoint (ni flux « PowerPoint "
                                 "Document ») : un document Word ou un classeur nommé .ppt ?")
        stream = compound.stream("PowerPoint Document")
        current_user = compound.stream("Current User")
    try:
        blocks = list(_blocks(stream, current_user))
    except (struct.error, IndexError, KeyError, RecursionError) as exc:
        raise UnreadableFile(f"présentation PowerPoint 97-2003 endommagée ({type(exc).__name__})") from None
    body = "\n\n".join(block for block in blocks if block.strip())
    if not body:
        raise UnreadableFile("aucun texte dans la présentation PowerPoint 97-2003")
    return body + "\n", ("PowerPoint 97-2003 slides",)


def _blocks(stream: bytes, current_user: bytes) -> Iterator[str]:
    if len(current_user) < 20:
        raise UnreadableFile("présentation PowerPoint 97-2003 endommagée (flux « Current User » trop court)")
    if _u32(current_user, 12) == _ENCRYPTED_TOKEN:
        raise password_protected("présentation PowerPoint", feminine=True)
    persist, document_id = _persist_directory(stream, _u32(current_user, 16))
    document = _record_at(stream, persist[document_id], _DOCUMENT)
    slides = _slide_list(stream, document, _SLIDES_LIST)
    notes = {entry.identifier: entry for entry in _slide_list(stream, document, _NOTES_LIST)}
    for entry in slides:
        if entry.persist_id not in persist:
            continue
        slide = _record_at(stream, persist[entry.persist_id], _SLIDE)
        yield from _written(_shape_texts(stream, slide, entry.texts, _FURNITURE))
        notes_entry = notes.get(_notes_id(stream, slide))
        if notes_entry is not None and notes_entry.persist_id in persist:
            page = _record_at(stream, persist[notes_entry.persist_id], _NOTES)
            texts = _shape_texts(stream, page, notes_entry.texts, _FURNITURE | _NOTES_FURNITURE)
            yield from (paragraph for text in texts if text.kind == _NOTES_TYPE
                        for paragraph in _paragraphs(text.text))


def _persist_directory(stream: bytes, offset: int) -> tuple[dict[int, int], int]:
    """Where the latest version of each persisted object lies, and the document's persist id: the edits
    are read from the last one back, a later edit's entry standing over an earlier one's."""
    persist: dict[int, int] = {}
    document_id, seen = None, set()
    while offset and offset not in seen:
        seen.add(offset)
        edit = _record_at(stream, offset, _USER_EDIT)
        if document_id is None:
            document_id = _u32(stream, edit.start + 16)
        directory = _record_at(stream, _u32(stream, edit.start + 12), _PERSIST_DIRECTORY)
        position = directory.start
        while position + 4 <= directory.end:
            value = _u32(stream, position)
            first, count = value & 0xFFFFF, value >> 20
            for index in range(count):
                persist.setdefault(first + index, _u32(stream, position + 4 + 4 * index))
            position += 4 + 4 * count
        offset = _u32(stream, edit.start + 8)
    if document_id is None or document_id not in persist:
        raise UnreadableFile("présentation PowerPoint 97-2003 endommagée (document introuvable)")
    return persist, document_id


def _slide_list(stream: bytes, document: _Record, instance: int) -> list[_SlideEntry]:
    """The entries of the document's slide (or notes) list in order, each with the text of its
    placeholders as the list holds it."""
    entries: list[_SlideEntry] = []
    for record in _children(stream, document):
        if record.kind != _SLIDE_LIST or record.instance != instance:
            continue
        kind = 4
        for child in _children(stream, record):
            if child.kind == _SLIDE_PERSIST:
                entries.append(_SlideEntry(_u32(stream, child.start), _u32(stream, child.start + 12)))
            elif child.kind == _TEXT_HEADER and entries:
                kind = _u32(stream, child.start)
            elif child.kind in (_TEXT_CHARS, _TEXT_BYTES) and entries:
                entries[-1].texts.append(_Text(kind, _text(stream, child)))
    return entries


def _notes_id(stream: bytes, slide: _Record) -> int | None:
    """The id of the slide's notes page (its SlideAtom's notesIdRef), None when it has none."""
    for child in _children(stream, slide):
        if child.kind == _SLIDE_ATOM and child.end - child.start >= 20:
            return _u32(stream, child.start + 16) or None
    return None


def _shape_texts(stream: bytes, page: _Record, listed: list[_Text], furniture: set[int]) -> list[_Text]:
    """The texts of a slide's (or notes page's) shapes in reading order, the titles first; a shape refers
    to a placeholder's text held in the slide list by its index. Listed texts no shape refers to follow."""
    texts: list[_Text] = []
    used: set[int] = set()
    for shape in _descendants(stream, page, _SHAPE):
        top, left, placeholder, kind, parts = 0, 0, None, 4, []
        for child in _children(stream, shape):
            if child.kind in (_CLIENT_ANCHOR, _CHILD_ANCHOR):
                top, left = _anchor(stream, child)
            elif child.kind == _CLIENT_DATA:
                for atom in _children(stream, child):
                    if atom.kind == _PLACEHOLDER and atom.end - atom.start >= 5:
                        placeholder = stream[atom.start + 4]
            elif child.kind == _CLIENT_TEXTBOX:
                for atom in _children(stream, child):
                    if atom.kind == _TEXT_HEADER:
                        kind = _u32(stream, atom.start)
                    elif atom.kind in (_TEXT_CHARS, _TEXT_BYTES):
                        parts.append(_Text(kind, _text(stream, atom)))
                    elif atom.kind == _OUTLINE_TEXT_REF:
                        index = _u32(stream, atom.start)
                        if index < len(listed):
                            used.add(index)
                            parts.append(listed[index])
        if placeholder in furniture:
            continue
        texts += [_Text(part.kind, part.text, top, left, placeholder) for part in parts]
    texts += [text for index, text in enumerate(listed) if index not in used]
    order = sorted(range(len(texts)), key=lambda i: (texts[i].kind not in _TITLE_TYPES, texts[i].top,
                                                     texts[i].left, i))
    return [texts[i] for i in order]


def _written(texts: list[_Text]) -> Iterator[str]:
    for text in texts:
        paragraphs = _paragraphs(text.text)
        if text.kind in _TITLE_TYPES:
            line = " ".join(paragraphs)
            if line:
                yield "# " + line
        elif text.kind in _BODY_TYPES:
            yield from ("- " + paragraph for paragraph in paragraphs)
        elif text.kind == _NOTES_TYPE:
            continue  # speaker notes are read from the notes page
        elif text.kind == 4:  # a text box or a shape's label: its lines as items, as in a .pptx
            yield from (list_items(paragraph) for paragraph in paragraphs)
        else:
            yield from paragraphs


def _paragraphs(text: str) -> list[str]:
    """A text's paragraphs (PowerPoint ends each with a carriage return), each on one line: a line break
    inside a paragraph is a vertical tab."""
    lines = (one_line(part) for part in text.split("\r"))
    return [line for line in lines if line]


def _text(stream: bytes, atom: _Record) -> str:
    data = stream[atom.start:atom.end]
    if atom.kind == _TEXT_CHARS:
        return data[:len(data) - len(data) % 2].decode("utf-16-le", errors="replace")
    return data.decode("latin-1")  # the low bytes of UTF-16 characters under U+0100


def _anchor(stream: bytes, anchor: _Record) -> tuple[int, int]:
    size = anchor.end - anchor.start
    if size >= 16:  # top, left, right, bottom as 4-byte numbers
        return struct.unpack_from("<ii", stream, anchor.start)
    if size >= 8:  # as 2-byte numbers
        return struct.unpack_from("<hh", stream, anchor.start)
    return 0, 0


def _record_at(stream: bytes, offset: int, kind: int) -> _Record:
    record = _header(stream, offset, len(stream))
    if record is None or record.kind != kind:
        raise UnreadableFile(f"présentation PowerPoint 97-2003 endommagée (enregistrement 0x{kind:04X} "
                             "introuvable)")
    return record


def _header(stream: bytes, offset: int, limit: int) -> _Record | None:
    if offset < 0 or offset + 8 > limit:
        return None
    version_instance, kind, size = struct.unpack_from("<HHI", stream, offset)
    end = offset + 8 + size
    if end > limit:
        return None
    return _Record(kind, version_instance >> 4, offset + 8, end, (version_instance & 0xF) == 0xF)


def _children(stream: bytes, record: _Record) -> Iterator[_Record]:
    if not record.container:
        return
    position = record.start
    while (child := _header(stream, position, record.end)) is not None:
        yield child
        position = child.end


def _descendants(stream: bytes, record: _Record, kind: int, depth: int = 0) -> Iterator[_Record]:
    """The records of type `kind` under `record`, in order (not those inside one found)."""
    if depth > _MAX_DEPTH:
        return
    for child in _children(stream, record):
        if child.kind == kind:
            yield child
        elif child.container:
            yield from _descendants(stream, child, kind, depth + 1)


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]
