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


def actual_format(file_format: str, raw: bytes) -> str:
    """The format a file named as an Office 97-2003 file (`doc`, `ppt`) really has: Word writes RTF or a web
    page under a .doc name when asked, and a .docx or .pptx is often renamed to the old suffix. `txt` stands
    for text or a web page, which the text formats' path reads (it finds a page's markup itself)."""
    if file_format not in ("doc", "ppt") or raw.startswith(_OLE_SIGNATURE):
        return file_format
    if raw.startswith(_ZIP):
        return file_format + "x"
    if file_format == "doc":
        return "rtf" if _RTF.match(raw) else "txt"
    return file_format
