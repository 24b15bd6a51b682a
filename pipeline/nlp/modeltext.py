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
  `pipeline/htmltags.py`: spaCy glued them to the word, which then matched nothing and « span » was counted).
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


def parsing_text(text: str) -> str:
    """`text` as the model reads it (module docstring): the same length, every offset the same."""
    text = text.translate(_SPACES)
    if "](" not in text and "<" not in text and "[^" not in text:
        return text
    for pattern in (_COMMENT, _IMAGE, _AUTOLINK, _FOOTNOTE_CALL, HTML_BODY_TAG):
        text = pattern.sub(_blank, text)
    return _LINK.sub(_blank_markup, text)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _blank_markup(match: re.Match[str]) -> str:
    """A link: its brackets and target blanked, its words kept."""
    whole, start = match.group(), match.start()
    opening, closing = match.span(1), match.span(2)
    return (" " * (opening[1] - opening[0]) + whole[opening[1] - start:closing[0] - start]
            + " " * (closing[1] - closing[0]))
