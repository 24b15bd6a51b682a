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

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF = re.compile(rb"\s*\{\\rtf")
_ZIP = b"PK\x03\x04"


_OLD_AND_NEW = {"doc": "docx", "ppt": "pptx"}
_TEXT_FORMATS = frozenset({"txt", "md", "html"})
_PDF = b"%PDF-"


def actual_format(file_format: str, raw: bytes) -> str:
    """The format a Word or PowerPoint file really has, whatever its suffix says: Word writes RTF or a web
    page under a .doc name when asked, and a file is often renamed from the old suffix to the new one or
    back. `txt` stands for text or a web page, which the text formats' path reads (it finds the markup)."""
    if file_format in _TEXT_FORMATS and raw.startswith(_PDF):  # a PDF saved under a page's or a text's name
        return "pdf"
    old = {new: old for old, new in _OLD_AND_NEW.items()}
    if file_format in old and raw.startswith(_OLE_SIGNATURE):
        return old[file_format]
    if file_format not in _OLD_AND_NEW or raw.startswith(_OLE_SIGNATURE):
        return file_format
    if raw.startswith(_ZIP):
        return _OLD_AND_NEW[file_format]
    if file_format == "doc":
        return "rtf" if _RTF.match(raw) else "txt"
    return file_format
