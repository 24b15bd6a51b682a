"""Line model shared by the cleaning rules: each rule reads lines of the current text and returns spans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.spaces import UNICODE_SPACES

# Characters that count as "space" for blank lines and trailing spaces: the ASCII ones plus the Unicode
# spaces that scraped French pages carry (pipeline/spaces.py), the zero-width space and BOM, and a stray
# carriage return.
HORIZONTAL_SPACE = " \t\r" + UNICODE_SPACES + "\u200b\ufeff"

Span = tuple[int, int]

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Line:
    """One line of a text: `text` is `source[start:end]`, without its newline."""

    number: int
    start: int
    end: int  # index of the newline, or len(source) for a last line without one
    text: str
    has_newline: bool

    @property
    def stripped(self) -> str:
        return self.text.strip(HORIZONTAL_SPACE)

    @property
    def is_blank(self) -> bool:
        return not self.stripped

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(HORIZONTAL_SPACE))


def split_lines(text: str) -> list[Line]:
    """Split on "\\n" only (never on other Unicode line breaks), keeping offsets into `text`."""
    lines: list[Line] = []
    start = 0
    number = 0
    while True:
        newline = text.find("\n", start)
        if newline < 0:
            lines.append(Line(number, start, len(text), text[start:], False))
            return lines
        lines.append(Line(number, start, newline, text[start:newline], True))
        start = newline + 1
        number += 1


def whole_line(line: Line) -> Span:
    """The span that deletes a line and one newline, so that the lines around it keep their structure."""
    if line.has_newline:
        return (line.start, line.end + 1)
    if line.start > 0:
        return (line.start - 1, line.end)
    return (line.start, line.end)


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """Whitespace-separated tokens with their offsets inside `text`."""
    for match in _TOKEN.finditer(text):
        yield match.start(), match.end(), match.group()


def non_blank(lines: list[Line]) -> list[Line]:
    """The lines that carry something other than spaces, in order (rules that look at neighbours use it)."""
    return [line for line in lines if not line.is_blank]
