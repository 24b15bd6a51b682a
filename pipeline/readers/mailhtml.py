"""The HTML body of a mail as text, every word of it kept: paragraphs, line breaks, headings `#`, list items
`- `, table cells one per line, and the lines of a quoted message marked `> ` as a plain-text mail marks
them.

A mail is no web page: it has no site around it, and what a page's extraction takes for boilerplate in it
is the mail's own structure, the line introducing a quoted message, the header block above a forwarded
one, the signature. Dropping those silently, and keeping the quoted message without its marks, would lose
what tells the mail's text from the rest; here everything is kept and the cleaning rule `mail_furniture`
removes what is no part of the message, each removal logged with its reason. The standard library's parser
reads markup of any depth and any breakage."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pipeline.htmltags import NON_TEXT_TAGS

_SKIPPED = NON_TEXT_TAGS | {"head", "title"}
_PARAGRAPHS = frozenset({"p", "div", "table", "ul", "ol", "dl", "section", "article", "header", "footer",
                         "aside", "main", "nav", "form", "pre", "address", "center", "hr", "figure"})
_LINES = frozenset({"br", "tr", "td", "th", "li", "dt", "dd", "caption", "figcaption"})
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_QUOTES = frozenset({"blockquote"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# A quote inside a quote is marked « > > »; deeper ones no more (a mail nesting thousands of quotes would
# otherwise give text quadratic in its size)
_MAX_QUOTE_MARKS = 5


class _MailText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list] = [["", 0]]  # each line's text and quote depth, the last one being written
        self.skipping = 0
        self.depth = 0  # blockquotes open
        self.prefix = ""  # a list item's or a heading's mark, for the next words

    def _break(self, blank: bool) -> None:
        """End the line being written, if it has words; with `blank`, a blank line before the next one."""
        if self.lines[-1][0].strip():
            self.lines.append(["", self.depth])
        self.lines[-1][1] = self.depth
        if blank and len(self.lines) > 1 and self.lines[-2][0]:
            self.lines.insert(len(self.lines) - 1, ["", self.depth])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += tag not in _VOID
        elif tag in _QUOTES:
            self._break(blank=True)
            self.depth += 1
            self.lines[-1][1] = self.depth
        elif tag in _HEADINGS:
            self._break(blank=True)
            self.prefix = "#" * _HEADINGS[tag] + " "
        elif tag == "li":
            self._break(blank=False)
            self.prefix = "- "
        elif tag in _PARAGRAPHS:
            self._break(blank=True)
        elif tag in _LINES:
            self._break(blank=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LINES:
            self._break(blank=False)
        elif tag in _PARAGRAPHS:
            self._break(blank=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _QUOTES:
            self.depth = max(0, self.depth - 1)
            self._break(blank=True)
        elif tag in _HEADINGS or tag in _PARAGRAPHS:
            self._break(blank=True)
        elif tag in _LINES:
            self._break(blank=False)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        words = _SPACES.sub(" ", data.replace("\n", " "))
        if not self.lines[-1][0]:
            if not words.strip():
                return
            words = self.prefix + words.lstrip()
            self.prefix = ""
        self.lines[-1][0] += words


def mail_html_text(html: str) -> str:
    """The text of a mail's HTML body (see the module's docstring)."""
    reader = _MailText()
    reader.feed(html)
    reader.close()
    lines = [("> " * min(depth, _MAX_QUOTE_MARKS) + line.strip()) if line.strip() and depth else line.strip()
             for line, depth in reader.lines]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
