"""Repairs shared by the readers of laid-out documents: ligature glyphs and words hyphenated across lines."""

from __future__ import annotations

import re

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
# a word cut at the end of a line with a hyphen and going on in lowercase on the next one; PDFium writes such
# a hyphen as U+FFFE and joins the two lines itself
_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
_HYPHENATED = re.compile(rf"(?<=[{_LOWER}])(?:-\n|\ufffe)(?=[{_LOWER}])")
_MARKED_HYPHEN = "\ufffe"


def repair(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with ligature glyphs spelt out and hyphenated line ends joined, and notes saying so."""
    notes = []
    ligatures = sum(text.count(glyph) for glyph in _LIGATURES)
    for glyph, letters in _LIGATURES.items():
        text = text.replace(glyph, letters)
    if ligatures:
        notes.append(f"{ligatures} ligature glyph(s) spelt out (ﬁ -> fi)")
    text, joined = _HYPHENATED.subn("", text)
    text = text.replace(_MARKED_HYPHEN, "-")  # a marked hyphen before a capital or a digit is a real one
    if joined:
        notes.append(f"{joined} word(s) hyphenated across lines joined")
    return text, tuple(notes)
