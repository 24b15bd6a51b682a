"""How a page is cut into lines and how a line is keyed, the same way everywhere in the set."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_line(line: str) -> str:
    """NFC, no-break space to space, ’ to ', whitespace collapsed, stripped, lowercased."""
    text = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u202f", " ")
    text = text.replace("\u2019", "'")
    return _SPACES.sub(" ", text).strip().lower()


def line_key(line: str) -> str:
    """The sha1 of the normalised line: what the repository keeps of a line whose text it may not hold."""
    return hashlib.sha1(normalise_line(line).encode("utf-8")).hexdigest()


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def page_lines(text: str) -> list[tuple[int, int, str]]:
    """Every non-empty line of a page as (start, end, text) with character offsets into the page text."""
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if normalise_line(body):
            out.append((pos, pos + len(body), body))
        pos += len(raw)
    return out
