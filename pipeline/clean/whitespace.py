"""Rule "whitespace": trailing spaces, space-only lines, and runs of blank lines collapsed to one.

Leading indentation is never touched: the segmenter reads it to nest bullets."""

from __future__ import annotations

from pipeline.clean.lines import HORIZONTAL_SPACE, Span, split_lines, whole_line


def find_whitespace(text: str) -> list[Span]:
    lines = split_lines(text)
    spans: list[Span] = []
    for line in lines:
        content_length = len(line.text.rstrip(HORIZONTAL_SPACE))
        if content_length < len(line.text):
            spans.append((line.start + content_length, line.end))
    last = len(lines) - 1
    index = 0
    while index <= last:
        if not lines[index].is_blank:
            index += 1
            continue
        run_end = index
        while run_end + 1 <= last and lines[run_end + 1].is_blank:
            run_end += 1
        if index == 0 or run_end == last:
            # Blank lines at the very start or end of the document carry nothing: drop them all.
            # (At the end, the newline of the last content line stays.)
            spans.extend(whole_line(lines[i]) for i in range(index, run_end + 1) if lines[i].has_newline)
            if not lines[run_end].has_newline:
                spans.append((lines[run_end].start, lines[run_end].end))
        else:
            # Keep the first blank line of the run (one paragraph break), drop the others.
            spans.extend(whole_line(lines[i]) for i in range(index + 1, run_end + 1))
        index = run_end + 1
    return spans
