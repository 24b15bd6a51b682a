"""Rule "initials": stray lines of one to three capital letters (author initials left by a page template).

Real notes also put a lone acronym on a line ("EDM", "RDF", "OK": 20 such lines in the crdh corpus), so a
lone capitals line is removed only where template residue sits: in a group of two or more such lines
(the seed has "CC" twice), or in the header of the document, right under its title."""

from __future__ import annotations

import re

from pipeline.clean.lines import Span, non_blank, split_lines, whole_line

_INITIALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{1,3}")

# A capitals line counts as header residue when at most this many non-blank lines precede it (the title,
# and a subtitle or date line). Calibrated on the seed (title, then "CC") and checked on crdh, where no
# acronym line sits that high.
HEADER_LINES = 2


def _is_front_matter_fence(text: str) -> bool:
    return text.strip() == "---"


def find_initials(text: str) -> list[Span]:
    lines = non_blank(split_lines(text))
    # Skip a YAML front matter block: its lines are metadata, not the document's header text.
    first_body = 0
    if lines and _is_front_matter_fence(lines[0].text):
        for index in range(1, len(lines)):
            if _is_front_matter_fence(lines[index].text):
                first_body = index + 1
                break
    flags = [_INITIALS.fullmatch(line.stripped) is not None for line in lines]
    spans: list[Span] = []
    for index in range(first_body, len(lines)):
        if not flags[index]:
            continue
        in_group = (index > first_body and flags[index - 1]) or (index + 1 < len(lines) and flags[index + 1])
        in_header = index - first_body <= HEADER_LINES
        if in_group or in_header:
            spans.append(whole_line(lines[index]))
    return spans
