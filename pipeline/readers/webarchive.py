"""A web page Safari saved as one file (`.webarchive`, Safari's default « Archive web »): a property list
whose main resource holds the page's bytes and their text encoding, its images and styles in sub-resources.
The standard library's plistlib reads it; the page is then read as any web page's (`pipeline.ingest`)."""

from __future__ import annotations

import plistlib

from pipeline.errors import UnreadableFile


def page_html(raw: bytes) -> tuple[bytes, str | None]:
    """The bytes of the page a web archive holds and the text encoding it records (None: the page's own
    <meta charset> or the bytes say it). Raises UnreadableFile when it holds no page."""
    try:
        archive = plistlib.loads(raw)
    except (plistlib.InvalidFileException, ValueError, TypeError, KeyError, IndexError, OverflowError,
            UnicodeDecodeError, RecursionError) as exc:
        raise UnreadableFile(f"archive web Safari illisible ({type(exc).__name__})") from None
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    data = main.get("WebResourceData") if isinstance(main, dict) else None
    if not isinstance(data, bytes) or not data.strip():
        raise UnreadableFile("archive web Safari sans page (aucune ressource principale)")
    encoding = main.get("WebResourceTextEncodingName")
    return data, encoding if isinstance(encoding, str) and encoding.strip() else None
