"""Rule "picture_alt": the text a page's template prints for a picture (its alternative text or caption
heading), left as a line of its own when the page is scraped: « Logo du programme Territoires d'industrie »,
« Capture écran de la visioconférence avec les 2 ministres », « Bandeau Congrès », « Photo des participants ».

A line is taken when it starts with the kind of picture it describes (logo, capture d'écran, bandeau,
bannière, vignette, pictogramme, photo de…) and is one short phrase: at most one sentence, no question or
exclamation. Not « Portrait de territoire » nor « Photographie du tissu associatif »: reports head their own
sections so. Scraped and extracted text only: in Markdown notes such a line is the
note-taker's description of a slide, which is content."""

from __future__ import annotations

import re

from pipeline.clean.lines import Span, split_lines, whole_line

_KIND = (
    r"(?:logos?|captures?(?:\s+d['’]|\s+des?\s+|\s+)écrans?|bandeau|bannière|vignette|pictogrammes?|"
    r"photos?\s+(?:de|du|des|d['’]))"
)
PICTURE_ALT = re.compile(rf"[•·-]?\s*{_KIND}(?:\b[^.!?]{{0,110}})?\.?", re.IGNORECASE)


def find_picture_alt(text: str) -> list[Span]:
    return [whole_line(line) for line in split_lines(text)
            if not line.is_blank and PICTURE_ALT.fullmatch(line.stripped)]
