"""Word (.docx) -> text with python-docx: paragraphs in order, headings written `#` (their level), list
paragraphs written `- `, table cells one per line; a blank line between blocks."""

from __future__ import annotations

import io
import re
import zipfile

from pipeline.errors import UnreadableFile

_HEADING = re.compile(r"(?:heading|titre)\s*(\d)", re.IGNORECASE)


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    import docx  # imported when a .docx is met
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"document Word illisible ({exc})") from None
    blocks = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(_paragraph(item))
        elif isinstance(item, Table):
            blocks.extend(cell.text.strip() for row in item.rows for cell in row.cells)
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise UnreadableFile("aucun texte dans le document Word")
    return text + "\n", ("Word document",)


def _paragraph(paragraph) -> str:
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING.search(style)
    if heading and text:
        return "#" * int(heading.group(1)) + " " + text
    if style.lower().startswith(("title", "titre")) and text:
        return "# " + text
    if "list" in style.lower() and text:
        return "- " + text
    return text
