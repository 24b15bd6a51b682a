"""Rule "initials": stray lines of one to three capital letters (author initials left by a page template).

Real notes also put a lone acronym on a line ("EDM", "RDF", "OK": 20 such lines in the crdh corpus), even
right under the title ("IEA", "CR"), so a lone capitals line is kept. Template residue comes in groups:
the seed has "CC" twice under its title. A capitals line is removed when the nearest non-blank line
before or after it is another capitals line; crdh has no such pair."""

from __future__ import annotations

import re

from pipeline.clean.lines import Span, non_blank, split_lines, whole_line

_INITIALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{1,3}")


def find_initials(text: str) -> list[Span]:
    lines = non_blank(split_lines(text))
    flags = [_INITIALS.fullmatch(line.stripped) is not None for line in lines]
    spans: list[Span] = []
    for index, flagged in enumerate(flags):
        if not flagged:
            continue
        if (index > 0 and flags[index - 1]) or (index + 1 < len(lines) and flags[index + 1]):
            spans.append(whole_line(lines[index]))
    return spans
