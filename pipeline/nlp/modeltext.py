"""What the language model reads of a passage: its text with the characters that are not words to read
turned into plain spaces, one character for one, so that every offset into the doc is an offset into the
passage, and the passage itself (shown, exported, encoded) stays as written.

- The spaces other than U+0020 that French text carries (`pipeline/spaces.py`), and the tab (a Word
  document's tab stops). spaCy separates words at U+0020 only and made each of these a token, so « esprit
  de synthèse » typed with no-break spaces matched no phrase.
- Markdown's markup around words: a link's target (`[texte](https://…)`: spaCy glued the link's last word to
  the address, « mutualisation](https://example.org », and counted pieces of the address as words), an
  image (`![…](photo.jpg)`), an autolink (`<https://…>`), a footnote call (`[^1]`), an HTML comment, and
  the HTML tags Markdown lets a writer put around words (« l'<strong>écoute</strong> », « <br> »,
  `pipeline/htmltags.py`: spaCy glued them to the word, which then matched nothing and « span » was counted),
  and the asterisks and underscores of emphasis (« l'**écoute** », « *esprit de synthèse* », « __animer__ »,
  as people write notes and as a web page's bold and italics are extracted): spaCy glued « l'**écoute » into
  one word, and a star inside « esprit de **synthèse** » cut the phrase. A star or underscore that opens no
  emphasis (a bullet « * », « Nom * », « snake_case ») stays.
  These forms are Markdown's own, so they are read this way in any file."""

from __future__ import annotations

import re

from pipeline.htmltags import HTML_BODY_TAG
from pipeline.spaces import UNICODE_SPACES

_SPACES = str.maketrans(dict.fromkeys("\t" + UNICODE_SPACES, " "))
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # (address "title"), one level of brackets inside
_IMAGE = re.compile(r"!\[[^\]\n]*\]" + _TARGET)
_LINK = re.compile(r"(\[)[^\[\]\n]+(\]" + _TARGET + ")")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>", re.IGNORECASE)
_FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Emphasis as CommonMark reads it, on one line: a run of one to three stars (or underscores, not inside a
# word) that no space follows, the words (at most EMPHASIS_LONGEST characters: a star that closes nothing
# costs a bounded look ahead, so a line of them is read in linear time), and the same run that no space
# precedes.
EMPHASIS_LONGEST = 400
_STAR_EMPHASIS = re.compile(
    rf"(?<![*\\])(\*{{1,3}})(?=[^\s*])([^\n]{{0,{EMPHASIS_LONGEST}}}?[^\s*\\])\1(?!\*)")
_UNDERSCORE_EMPHASIS = re.compile(
    rf"(?<![\w\\])(_{{1,3}})(?=[^\s_])([^\n]{{0,{EMPHASIS_LONGEST}}}?[^\s_\\])\1(?![\w])")
_EMPHASIS_PASSES = 3  # emphasis inside emphasis (« **les *acteurs* du réseau** »)


def parsing_text(text: str) -> str:
    """`text` as the model reads it (module docstring): the same length, every offset the same."""
    text = _without_emphasis(text.translate(_SPACES))
    if "](" not in text and "<" not in text and "[^" not in text:
        return text
    for pattern in (_COMMENT, _IMAGE, _AUTOLINK, _FOOTNOTE_CALL, HTML_BODY_TAG):
        text = pattern.sub(_blank, text)
    return _LINK.sub(_blank_markup, text)


def rendered_markup(text: str) -> frozenset[int]:
    """The positions of the Markdown markup a reader of the rendered text does not see: emphasis stars and
    underscores, a link's brackets and target, an image. (HTML tags and comments are not among them: a
    passage that shows them shows what its author wrote.)"""
    read = _without_emphasis(text)
    hidden = {index for index, (written, seen) in enumerate(zip(text, read, strict=True)) if written != seen}
    if "](" in read:
        images = [match.span() for match in _IMAGE.finditer(read)]
        read = _IMAGE.sub(_blank, read)
        links = [span for match in _LINK.finditer(read) for span in (match.span(1), match.span(2))]
        hidden.update(index for start, end in images + links for index in range(start, end))
    return frozenset(hidden)


def _without_emphasis(text: str) -> str:
    if "*" in text or "_" in text:
        for _ in range(_EMPHASIS_PASSES):
            unmarked = _STAR_EMPHASIS.sub(_blank_delimiters, text)
            unmarked = _UNDERSCORE_EMPHASIS.sub(_blank_delimiters, unmarked)
            if unmarked == text:
                break
            text = unmarked
    return text


def _blank_delimiters(match: re.Match[str]) -> str:
    """Emphasis: its stars or underscores blanked, its words kept."""
    run = len(match.group(1))
    return " " * run + match.group(2) + " " * run


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _blank_markup(match: re.Match[str]) -> str:
    """A link: its brackets and target blanked, its words kept."""
    whole, start = match.group(), match.start()
    opening, closing = match.span(1), match.span(2)
    return (" " * (opening[1] - opening[0]) + whole[opening[1] - start:closing[0] - start]
            + " " * (closing[1] - closing[0]))
