"""Word (.docx) -> text with python-docx: the body read in document order, headings written `#` (their level),
list paragraphs written `- `, a table cell's text on its own lines, as list items; a blank line between
blocks. A table of
contents is left out: Word generates it from the headings, which the text then has twice, with page numbers.

The body's XML is walked rather than python-docx's paragraph and cell lists, which leave out text a reader
of the document sees: a tracked insertion not yet accepted, a content control's paragraphs (templates and
forms), a text box, a table inside a cell; and give a merged cell's text once per column it spans. The
footnotes and endnotes follow the body, as blocks of their own."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from pipeline.errors import UnreadableFile
from pipeline.readers.ooxml import with_standard_content_type
from pipeline.readers.text import HEADING_STYLE_NAME, list_items

# The styles of a table of contents' entries and heading: Word stores its built-in names in English whatever
# the language of its interface (« toc 1 », « TOC Heading »); LibreOffice writes « Contents 1 ».
_CONTENTS_STYLE = re.compile(r"(?:toc|contents)\s*(?:\d|heading)", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Inside a paragraph, what is not its text: deleted runs (a tracked deletion, or the place moved text left),
# text boxes (read as blocks of their own), the copy of a drawing kept for old readers (it repeats the text
# box), field codes.
_NOT_THE_PARAGRAPHS_TEXT = frozenset({f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _MC_FALLBACK,
                                      f"{_W}instrText"})
_CHARACTERS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
# Elements that only wrap blocks: a content control (its blocks in its content), custom XML
_WRAPPERS = {f"{_W}sdt": f"{_W}sdtContent", f"{_W}customXml": None}


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    import docx  # imported when a .docx is met

    try:
        document = docx.Document(io.BytesIO(with_standard_content_type(raw, "docx")))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"document Word illisible ({exc})") from None
    body = document._body  # the body's XML, and the part paragraph styles are looked up in
    blocks = [*_blocks(body._element, body), *_notes(document, body)]
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise UnreadableFile("aucun texte dans le document Word")
    return text + "\n", ("Word document",)


def _blocks(element, body) -> Iterator[str]:
    """The text blocks of the block-level children of `element`, in order."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph(child, body)
            for box in child.iter(f"{_W}txbxContent"):  # a box inside a box is read with the outer one
                if not _inside(box, child, (_MC_FALLBACK, f"{_W}txbxContent")):
                    yield from _blocks(box, body)
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                for cell in row.iterchildren(f"{_W}tc"):  # a merged cell is one element, however wide
                    yield list_items("\n".join(block for block in _blocks(cell, body) if block.strip()))
        elif tag in _WRAPPERS:
            if _is_table_of_contents(child):
                continue
            inner = child.find(_WRAPPERS[tag]) if _WRAPPERS[tag] else child
            if inner is not None:
                yield from _blocks(inner, body)


def _notes(document, body) -> Iterator[str]:
    """The text blocks of the footnotes, then the endnotes, after the body (their calls in the text are left
    out, so that no number is glued to a word)."""
    from docx.oxml.parser import parse_xml  # python-docx's parser: no entities resolved, no network

    for kind in ("footnotes", "endnotes"):
        for relation in document.part.rels.values():
            if relation.is_external or not relation.reltype.endswith("/" + kind):
                continue
            for note in parse_xml(relation.target_part.blob).iterchildren(f"{_W}{kind[:-1]}"):
                if note.get(f"{_W}type") in (None, "normal"):  # not the separator lines Word adds
                    yield from _blocks(note, body)


def _is_table_of_contents(element) -> bool:
    """Whether a content control is the one Word puts a table of contents in (its heading and entries)."""
    gallery = element.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and (gallery.get(f"{_W}val") or "").lower() == "table of contents"


def _inside(element, top, tags: tuple[str, ...]) -> bool:
    """Whether an element with one of `tags` lies between `element` and its ancestor `top`."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _paragraph(element, body) -> str:
    from docx.text.paragraph import Paragraph

    text = _text(element).strip()
    if not text:
        return ""
    paragraph = Paragraph(element, body)
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if _CONTENTS_STYLE.match(style):
        return ""
    heading = HEADING_STYLE_NAME.search(style)
    if heading:
        return "#" * int(heading.group(1)) + " " + text
    if style.lower().startswith(("title", "titre")):
        return "# " + text
    numbered = element.find(f"{_W}pPr/{_W}numPr") is not None
    if "list" in style.lower() or numbered:
        return "- " + text
    return text


def _text(element) -> str:
    parts: list[str] = []
    for child in element.iterchildren():
        tag = child.tag
        if tag in _NOT_THE_PARAGRAPHS_TEXT:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag in _CHARACTERS:
            parts.append(_CHARACTERS[tag])
        else:
            parts.append(_text(child))
    return "".join(parts)
