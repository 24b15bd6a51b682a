"""A web page's text: the main text trafilatura extracts (headings and lists kept, comments left out, the
page's own metadata), every text node when it finds none, and the tests that tell a page or a fragment of
marked-up HTML from a text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import trafilatura

from pipeline.errors import UnreadableFile
from pipeline.html_headings import restore_headings
from pipeline.htmltags import HTML_BLOCK_TAGS, HTML_BODY_TAG, NON_TEXT_TAGS
from pipeline.readers.text import table_rows_as_items

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def declared_charset(raw: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(raw[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


# The opening of an HTML page (an XML declaration and comments may come first)
HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL)


HTML_FRAGMENT_MIN_TAGS = 3  # a text that names a tag or two (« la balise <p> ») stays a text


def is_html_fragment(text: str) -> bool:
    """Whether a text file is marked-up HTML without a page around it: at least HTML_FRAGMENT_MIN_TAGS tags of
    a page's body, one of them a block (a paragraph, a break, a heading, a list item…)."""
    tags = [match.group(2).lower() for match in HTML_BODY_TAG.finditer(text)]
    return len(tags) >= HTML_FRAGMENT_MIN_TAGS and any(tag in HTML_BLOCK_TAGS for tag in tags)


# The tags trafilatura's formatted output keeps around words (underline, superscript, subscript): no meaning
# for the analysis, and « 1<sup>re</sup> édition » is « 1re édition »
_EXTRACTION_TAGS = re.compile(r"</?(?:u|sup|sub)>")
# trafilatura's formatted output escapes the characters Markdown would read (« 1\. Contexte », « 5 \* 3 »,
# « \_quinze\_ »); the escapes are dropped, but for a « # » opening a line, which would then read as a heading
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()+\-.!|~>#])")


def _unescaped(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        at_line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        return match.group() if match.group(1) == "#" and at_line_start else match.group(1)

    return _MARKDOWN_ESCAPE.sub(character, text)


# What a page says of itself, as the report's variables (pipeline.metadata): trafilatura's field -> name.
HTML_METADATA = {"date": "date", "sitename": "site", "title": "titre", "author": "auteur"}


class _TextNodes(HTMLParser):
    """Every text node of a page outside scripts and styles, a line break at each block element."""

    SKIPPED = NON_TEXT_TAGS | {"head"}
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                        "article", "blockquote", "header", "footer", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text_nodes(html: str) -> str:
    reader = _TextNodes()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)


def page_main_text(html: str) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """The main text of a page as Markdown-like lines (headings `#`, bullets `- `), comments left out, and
    the page's own metadata (HTML_METADATA; a date only where the page's markup gives one)."""
    notes: list[str] = []
    extracted = trafilatura.bare_extraction(html, include_comments=True, include_formatting=True,
                                            with_metadata=True,
                                            date_extraction_params={"extensive_search": False})
    found = {name: str(getattr(extracted, field)).strip() for field, name in HTML_METADATA.items()
             if extracted is not None and getattr(extracted, field, None)}
    text = (extracted.text or "") if extracted is not None else ""
    comments = (extracted.comments or "") if extracted is not None else ""
    if comments.strip():
        notes.append(f"section de commentaires écartée ({len(comments.strip())} caractères)")
    text, restored = restore_headings(html, text)
    if restored:
        notes.append(f"titres de la page remis au-dessus de leurs paragraphes ({restored})")
    text = _unescaped(table_rows_as_items(_EXTRACTION_TAGS.sub("", text)))
    if not text.strip():
        notes = ["no main text found in the HTML: the whole page text was kept (menus may remain)"]
        # html2txt without cleaning keeps footers and asides too, and still leaves scripts out.
        text = trafilatura.baseline(html)[1] or trafilatura.html2txt(html, clean=False)
    if not text.strip():
        # lxml gives up on a tree nested deeper than about 255 elements (page builders, broken markup) and
        # trafilatura then finds nothing; the standard library's parser reads any depth
        text = html_text_nodes(html)
    if not text.strip():
        raise UnreadableFile("aucun texte trouvé dans le HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n"), tuple(notes), found
