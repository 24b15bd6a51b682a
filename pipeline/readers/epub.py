"""An e-book (`.epub`), as proceedings and collected papers are published (OpenEdition Books, a network's
own publications): a zip of XHTML chapters, in the order its package file's spine gives. The chapters'
bodies are put end to end into one page, which `pipeline.ingest` reads as any web page (headings, lists,
tables as the HTML reader writes them); the book's title, author and date become the report's variables.

A book whose chapters are encrypted (DRM) is skipped with its reason; lxml reads its XML without fetching or
expanding anything outside the file."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from pipeline.errors import UnreadableFile

_CONTAINER = "META-INF/container.xml"
_ENCRYPTION = "META-INF/encryption.xml"
_CONTENT_TYPES = ("application/xhtml+xml", "text/html")
# Elements a web page's extraction takes for boilerplate but that hold a book's text: a chapter's header (its
# title), a footnote or a sidebar (« aside »), a chapter's footer
_KEPT_AS_TEXT = ("header", "footer", "aside")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def book_html(raw: bytes) -> tuple[bytes, dict[str, str]]:
    """One HTML page holding the book's chapters in reading order, and the book's title, author and date."""
    from lxml import etree, html

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            names = set(book.namelist())
            if _ENCRYPTION in names and b"EncryptedData" in book.read(_ENCRYPTION):
                raise UnreadableFile("livre numérique protégé (DRM) : son texte est chiffré")
            container = etree.fromstring(book.read(_CONTAINER), parser)
            package_path = next((node.get("full-path") for node in container.iter()
                                 if _local(node.tag) == "rootfile" and node.get("full-path")), None)
            if package_path not in names:
                raise UnreadableFile("livre numérique sans fichier de description (OPF)")
            package = etree.fromstring(book.read(package_path), parser)
            chapters = _spine(package, posixpath.dirname(package_path))
            bodies = []
            for chapter in chapters:
                if chapter in names:
                    document = html.document_fromstring(book.read(chapter))
                    body = document.find("body")
                    if body is not None:
                        for part in body.iter(*_KEPT_AS_TEXT):  # a page reader's boilerplate, a book's text
                            part.tag = "div"
                        bodies.append("".join(html.tostring(child, encoding="unicode") for child in body))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, EOFError) as exc:
        raise UnreadableFile(f"livre numérique illisible ({type(exc).__name__}: {exc})") from None
    if not bodies:
        raise UnreadableFile("livre numérique sans chapitre lisible")
    page = "<html><head><meta charset='utf-8'></head><body><article>" + "".join(
        f"<section>{body}</section>" for body in bodies) + "</article></body></html>"
    return page.encode("utf-8"), _metadata(package)


def _spine(package, folder: str) -> list[str]:
    """The paths, in the zip, of the chapters the spine lists, in its order."""
    items = {node.get("id"): node for node in package.iter() if _local(node.tag) == "item"}
    chapters = []
    for reference in (node for node in package.iter() if _local(node.tag) == "itemref"):
        item = items.get(reference.get("idref"))
        if item is not None and item.get("media-type") in _CONTENT_TYPES and item.get("href"):
            chapters.append(posixpath.normpath(posixpath.join(folder, unquote(item.get("href")))))
    return chapters


def _metadata(package) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in package.iter():
        name, text = _local(node.tag), " ".join((node.text or "").split())
        if not text:
            continue
        if name == "title":
            found.setdefault("titre", text)
        elif name == "creator":
            found.setdefault("auteur", text)
        elif name == "date" and (date := _DATE.match(text)):
            found.setdefault("date", date.group())
    return found


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
