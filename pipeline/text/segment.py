"""Clean text -> passages: headings, paragraphs, bullets and quotes, with their heading path and, for
bullets, the lines they hang from.

Rules, line-based on the cleaned text:
- a Markdown heading (`#`…`######`) is a heading of that level; the first line of a document, when it stands
  alone and is short, is its title (level 1); another short line standing alone, starting with a capital and
  not ending like a sentence, is a section heading (level 2), and so is such a line written in bold
  (`**Atelier 1 : les leviers**`, as notes and web pages set their section titles), its words the heading;
- a line starting with a bullet marker (• ◦ ▪ · - – — * + or `1.` `1)` `a)`) is a bullet; nesting comes
  from indentation, and each bullet keeps the texts of its parent bullets, or the line that introduces the
  list (a paragraph ending with a colon), as context;
- a line starting with « “ " or `>` is a quote;
- in Markdown files (`.md`, `.markdown`), consecutive non-blank lines form one paragraph (a single line
  break is a soft break, as CommonMark reads it); in other text (`.txt`, the text taken from HTML) they do
  only when they are the wrapped lines of one paragraph (a line that does not end a sentence, followed by
  one that goes on with it: lowercase start, or after a comma, a hyphen or a dangling word): scraped pages put
  one block (title, paragraph, caption) per line with no blank line between them, and those lines stay
  separate passages, while a PDF's hard-wrapped lines are joined; a line that follows a bullet without a
  blank line continues that bullet in the same way;
- a YAML front matter block at the top and thematic breaks (`---`) are layout, not passages, and so is,
  outside Markdown, a line without a letter or a digit (a web table's border row, `====`);
- a paragraph, quote or bullet longer than MAX_PASSAGE_CHARS (a PDF or a pasted text without paragraph
  breaks) is cut into consecutive passages of the same kind at sentence ends (at a space where a sentence
  runs longer), so that every passage can be read and tagged; a "heading" that long is read as a paragraph.
Every passage's `text` is exactly `clean_text[start:end]`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.types import CleanDocument, Passage, is_markdown

_MD_HEADING = re.compile(r"#{1,6}(?=\s|$)")
_BULLET = re.compile(r"(?:[•◦▪▫●○·\-–—*+]|\d{1,3}[.)]|[a-zA-Z][)])[ \t\u00a0]+")
_WORD_CHARACTER = re.compile(r"[^\W_]")
_THEMATIC_BREAK = re.compile(r"(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}")
_STRONG_LINE = re.compile(r"(\*{2,3}|_{2,3})(?=[^\s*_])(.*?[^\s*_])\1\s*")  # a whole line in bold
_QUOTE_START = ("«", "“", '"', ">", "‘")
_SENTENCE_END = tuple(".,;:!?…")
# Calibrated on the seed report's section titles ("Synthèse de la journée", "Séquence « compétences »") and
# crdh's short title lines: a title has at most 12 words and 100 characters.
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100
_MAX_TITLE_CHARS = 160
_TAB_WIDTH = 4
# Longer passages are cut. Well above any paragraph of the project's corpora (the longest: 2,163 characters
# among 31,000 passages of the seed, crdh and the real pages), and far below what the language model reads at
# once (one million characters).
MAX_PASSAGE_CHARS = 5000
_SENTENCE_BREAK = re.compile(r"[.!?…][»”\"')\]]*\s+")
# A line ending with one of these is an unfinished sentence (often one that introduces a list), not a title.
_DANGLING_WORDS = frozenset(
    "à a de d’ d' du des le la les l’ l' un une et ou pour en sur par avec dans que qui sans entre".split()
)


@dataclass
class _Line:
    start: int  # offset of the first character of the line
    raw: str  # without the newline

    @property
    def indent(self) -> int:
        stripped = self.raw.lstrip(" \t\u00a0")
        prefix = self.raw[: len(self.raw) - len(stripped)]
        return sum(_TAB_WIDTH if ch == "\t" else 1 for ch in prefix)

    @property
    def body(self) -> str:
        return self.raw.strip(" \t\u00a0\r")  # \r: the first half of a Windows line break

    @property
    def body_start(self) -> int:
        return self.start + (len(self.raw) - len(self.raw.lstrip(" \t\u00a0")))


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, raw))
        offset += len(raw) + 1
    return lines


def _front_matter_end(lines: list[_Line]) -> int:
    """Number of lines taken by a YAML front matter block (`---` … `---`) at the top, else 0."""
    if not lines or lines[0].body != "---":
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if line.body in ("---", "..."):
            return number + 1
    return 0


def _blocks(lines: list[_Line], markdown: bool) -> Iterator[list[_Line]]:
    """Runs of non-blank lines; thematic breaks (`---`, `***`, `___`) separate blocks like blank lines, and so
    do, outside Markdown, lines without a letter or a digit (a table's border row from a web page, `====`,
    a lone `,`): nothing in them to read, tag or count. In Markdown a table's border row stays inside its
    table, which is one passage."""
    block: list[_Line] = []
    for line in lines[_front_matter_end(lines) :]:
        if (line.body and not _THEMATIC_BREAK.fullmatch(line.body)
                and (markdown or _WORD_CHARACTER.search(line.body))):
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def continues(previous: str, following: str) -> bool:
    """Whether `following` is the next wrapped line of the paragraph `previous` ends: `previous` does not
    end a sentence and `following` goes on with it (starts in lowercase, or `previous` ends with a comma,
    a hyphen, an opening bracket or a word that cannot end a sentence)."""
    previous, following = previous.rstrip(), following.lstrip()
    if not previous or not following or previous.endswith((".", "!", "?", "…", ":", ";", "»", "”")):
        return False
    if previous.endswith((",", "-", "(", "«", "“", "/")):
        return True
    if following[0].islower():
        return True
    last = previous.split()[-1].lower()
    return last in _DANGLING_WORDS or last.endswith(("'", "’"))


def _run_end(block: list[_Line], i: int, soft_breaks: bool) -> int:
    """Index after the last line continuing line i, never past a bullet or heading line: every following
    line with `soft_breaks` (Markdown), else those that go on with it (`continues`)."""
    j = i + 1
    while (j < len(block) and not _BULLET.match(block[j].body) and not _MD_HEADING.match(block[j].body)
           and (soft_breaks or continues(block[j - 1].body, block[j].body))):
        j += 1
    return j


def _looks_like_title(body: str, *, first: bool) -> bool:
    if not body or not (body[0].isupper() or body[0].isdigit() or body.startswith("Séquence")):
        return False
    if first:
        return len(body) <= _MAX_TITLE_CHARS
    if len(body) > _MAX_HEADING_CHARS or len(body.split()) > _MAX_HEADING_WORDS or "," in body:
        return False
    if body.split()[-1].lower() in _DANGLING_WORDS:
        return False
    return not body.endswith(_SENTENCE_END) or body.endswith("»")


class _Builder:
    """Accumulates passages while tracking the heading stack and the bullet stack."""

    def __init__(self, doc: CleanDocument) -> None:
        self.doc = doc
        self.passages: list[Passage] = []
        self.headings: list[tuple[int, str]] = []  # (level, text)
        self.bullets: list[tuple[int, str]] = []  # (indent, text)
        self.list_intro: str | None = None

    def add(self, kind: str, start: int, end: int, *, level: int = 0, context: tuple[str, ...] = ()) -> None:
        text = self.doc.text[start:end]
        self.passages.append(
            Passage(
                doc_id=self.doc.doc_id,
                index=len(self.passages),
                kind=kind,
                text=text,
                start=start,
                end=end,
                heading=tuple(title for _, title in self.headings),
                context=context,
                level=level,
            )
        )

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """[start, end) cut into spans of at most MAX_PASSAGE_CHARS, each ending after a sentence end when
        one falls in its second half, else at its last space or line break, else at the limit; the blanks
        between pieces are left out."""
        text, out = self.doc.text, []
        while end - start > MAX_PASSAGE_CHARS:
            limit = start + MAX_PASSAGE_CHARS
            window = text[start:limit + 1]
            breaks = [m.end() for m in _SENTENCE_BREAK.finditer(window, MAX_PASSAGE_CHARS // 2)]
            space = max(window.rfind(blank, MAX_PASSAGE_CHARS // 2) for blank in " \n\t\u00a0")
            cut = start + (breaks[-1] if breaks else space + 1 if space > 0 else MAX_PASSAGE_CHARS)
            piece_end = cut
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((start, piece_end))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            out.append((start, end))
        return out

    def heading(self, level: int, start: int, end: int) -> None:
        if end - start > MAX_PASSAGE_CHARS:  # no heading is that long
            self.paragraph("paragraph", start, end)
            return
        self.bullets.clear()
        self.list_intro = None
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.add("heading", start, end, level=0)
        self.headings.append((level, self.doc.text[start:end]))

    def bullet(self, line: _Line, marker: re.Match[str], end: int) -> None:
        while self.bullets and self.bullets[-1][0] >= line.indent:
            self.bullets.pop()
        start = line.body_start + marker.end()
        context = ((self.list_intro,) if self.list_intro else ()) + tuple(t for _, t in self.bullets)
        pieces = self.pieces(start, end)
        for piece_start, piece_end in pieces:
            self.add("bullet", piece_start, piece_end, level=len(self.bullets) + 1, context=context)
        self.bullets.append((line.indent, self.doc.text[pieces[0][0]:pieces[0][1]]))

    def paragraph(self, kind: str, start: int, end: int) -> None:
        self.bullets.clear()
        pieces = self.pieces(start, end)
        for piece_start, piece_end in pieces:
            self.add(kind, piece_start, piece_end)
        last_start = pieces[-1][0]
        text = self.doc.text[last_start:end].rstrip()
        # a paragraph that does not end like a finished sentence introduces what follows
        self.list_intro = text if not text.endswith((".", "!", "?", "…", "»")) else None


def segment(doc: CleanDocument) -> tuple[Passage, ...]:
    """Split a cleaned document into passages, in reading order."""
    soft_breaks = is_markdown(doc.doc_id)
    builder = _Builder(doc)
    first_block = True
    for block in _blocks(_lines(doc.text), markdown=soft_breaks):
        i = 0
        while i < len(block):
            line = block[i]
            body, body_start = line.body, line.body_start
            heading = _MD_HEADING.match(body)
            marker = _BULLET.match(body)
            if heading:
                title_start = body_start + heading.end()
                title = doc.text[title_start : body_start + len(body)]
                lead = len(title) - len(title.lstrip())
                if title.strip():
                    builder.heading(len(heading.group()), title_start + lead, body_start + len(body))
                i += 1
                continue
            if marker and body[marker.end() :].strip():
                # a bullet runs over the following lines until a blank line or another bullet / heading
                j = _run_end(block, i, soft_breaks)
                builder.bullet(line, marker, block[j - 1].body_start + len(block[j - 1].body))
                i = j
                continue
            # a paragraph or quote runs until a bullet or heading line
            j = _run_end(block, i, soft_breaks)
            end = block[j - 1].body_start + len(block[j - 1].body)
            # a line standing alone (its own block, or one block per line as scraped pages have them)
            single = j == i + 1
            first = first_block and i == 0
            strong = _STRONG_LINE.fullmatch(body) if single else None
            if single and _looks_like_title(body, first=first):
                builder.heading(1 if first else 2, body_start, end)
            elif strong and _looks_like_title(strong.group(2), first=first):
                builder.heading(1 if first else 2, body_start + strong.start(2), body_start + strong.end(2))
            else:
                kind = "quote" if body.startswith(_QUOTE_START) else "paragraph"
                builder.paragraph(kind, body_start, end)
            i = j
        first_block = False
    return tuple(builder.passages)
