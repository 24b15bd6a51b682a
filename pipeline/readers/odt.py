"""OpenDocument text (.odt) -> text with odfpy: headings (`#` per outline level), paragraphs and list items
(`- `) in document order, a blank line between blocks."""

from __future__ import annotations

import io
import zipfile
from xml.parsers.expat import ExpatError

from pipeline.errors import UnreadableFile


def read(raw: bytes) -> tuple[str, tuple[str, ...]]:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ExpatError, ValueError) as exc:
        raise UnreadableFile(f"texte OpenDocument illisible ({exc})") from None
    blocks: list[str] = []

    def walk(node, in_list: bool = False) -> None:
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname == (TEXTNS, "h"):
                level = int(child.attributes.get((TEXTNS, "outline-level")) or 1)
                blocks.append("#" * min(level, 6) + " " + teletype.extractText(child).strip())
            elif qname == (TEXTNS, "p"):
                content = teletype.extractText(child).strip()
                blocks.append(("- " if in_list and content else "") + content)
            elif qname == (TEXTNS, "list-item"):
                walk(child, in_list=True)
            elif getattr(child, "childNodes", None):
                walk(child, in_list)

    walk(document.text)
    body = "\n\n".join(block for block in blocks if block.strip())
    if not body.strip():
        raise UnreadableFile("aucun texte dans le fichier OpenDocument")
    return body + "\n", ("OpenDocument text",)
