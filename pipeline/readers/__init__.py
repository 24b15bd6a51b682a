"""Readers of the binary document formats: one module per format, each `read(raw bytes) -> (text, notes)`.

Text formats (.txt, .md, .html) are decoded by `pipeline.ingest`, which calls these for the others. A reader
raises `pipeline.errors.UnreadableFile` with a plain-words reason when it cannot give text; the run then lists
the file as skipped and goes on."""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.readers import doc, docx, odp, odt, pdf, ppt, pptx, rtf

READERS: dict[str, Callable[[bytes], tuple[str, tuple[str, ...]]]] = {
    "pdf": pdf.read,
    "docx": docx.read,
    "doc": doc.read,
    "odt": odt.read,
    "rtf": rtf.read,
    "pptx": pptx.read,
    "ppt": ppt.read,
    "odp": odp.read,
}
READER_NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word 97-2003", "odt": "OpenDocument", "rtf": "RTF",
                "pptx": "PowerPoint", "ppt": "PowerPoint 97-2003", "odp": "OpenDocument"}

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Office 97-2003, or protected
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"  # a zip: an Office Open XML, OpenDocument or EPUB file, an archive
_RTF = re.compile(rb"\s*\{\\rtf")
_NEWER = {"doc": "docx", "ppt": "pptx"}
_OLDER = {new: old for old, new in _NEWER.items()}
_TEXT_FORMATS = frozenset({"txt", "md", "html"})


def actual_format(file_format: str, raw: bytes) -> str:
    """The format a file really has when its suffix says another: a PDF saved under a text's or a page's
    name; a Word or PowerPoint file renamed from the old suffix to the new one or back; the RTF or web page
    Word writes under a .doc name when asked (`txt`: the text formats' path, which finds a page's markup)."""
    if file_format in _TEXT_FORMATS:
        return "pdf" if raw.startswith(PDF_SIGNATURE) else file_format
    compound = raw.startswith(OLE_SIGNATURE)
    if file_format in _OLDER:
        return _OLDER[file_format] if compound else file_format
    if file_format in _NEWER and not compound:
        if raw.startswith(ZIP_SIGNATURE):
            return _NEWER[file_format]
        if file_format == "doc":
            return "rtf" if _RTF.match(raw) else "txt"
    return file_format
