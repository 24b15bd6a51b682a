"""Readers of the binary document formats: one module per format, each `read(raw bytes) -> (text, notes)`.

Text formats (.txt, .md, .html) are decoded by `pipeline.ingest`, which calls these for the others. A reader
raises `pipeline.errors.UnreadableFile` with a plain-words reason when it cannot give text; the run then lists
the file as skipped and goes on."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.readers import doc, docx, odp, odt, pdf, pptx, rtf

READERS: dict[str, Callable[[bytes], tuple[str, tuple[str, ...]]]] = {
    "pdf": pdf.read,
    "docx": docx.read,
    "doc": doc.read,
    "odt": odt.read,
    "rtf": rtf.read,
    "pptx": pptx.read,
    "odp": odp.read,
}
READER_NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word 97-2003", "odt": "OpenDocument", "rtf": "RTF",
                "pptx": "PowerPoint", "odp": "OpenDocument"}
