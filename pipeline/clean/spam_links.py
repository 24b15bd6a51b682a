"""Rule "spam_links": runs of tokens that are not prose: exam-dump codes and lists of links or domains.

A run is a sequence of junk tokens separated only by spaces or separator punctuation. It goes when it
holds an exam-dump code ("200-125dumps", "QV_DEVELOPER_01dumps", "117-201exam": no prose has these), or
at least `MIN_LINKS_IN_RUN` links/domains in a row. A single link, or two, is kept: seminar notes cite
URLs, alone on a line or after a sentence. A run that fills its line takes the whole line; a run glued
to a sentence takes only itself."""

from __future__ import annotations

from pipeline.clean.lines import HORIZONTAL_SPACE, Span, split_lines, tokens, whole_line

# Calibrated on crdh: its notes have at most 2 links in a row on one line (12 lines), and lists of
# references are one link per line; the spam lists inserted by bench/junk.py have 3 or more.
MIN_LINKS_IN_RUN = 3

DUMP_SUFFIXES = ("braindumps", "dumps", "dump", "exams", "exam", "vce")

# Generic and country top-level domains frequent in link spam and in citations; a dotted token counts as
# a bare domain only if it ends with one of these (so "etc." or "p.ex." never do).
TOP_LEVEL_DOMAINS = frozenset(
    "com net org info biz xyz top online site club shop store live pro io co me tv cc ws pw tk ml ga cf gq "
    "fr de uk ru cn pl in br it es nl be ch ca us eu au jp kr se no fi dk cz sk hu ro ua by kz tr gr pt ie "
    "at mx ar cl vn id th my ph sg hk tw nz za ng ke eg ma tn dz".split()
)

URL_PREFIXES = ("http://", "https://", "ftp://", "www.")
SEPARATOR_CHARS = frozenset("|,;/-–—•·*+>»«()[]<>:")
EDGE_PUNCTUATION = "()[]<>«»\"'“”‘’,;:!?."
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def dump_code_start(token: str) -> int | None:
    """Where an exam-dump code ends `token` ("…200-125dumps"), or None. Handles a code glued to a word."""
    lowered = token.lower()
    suffix = next((s for s in DUMP_SUFFIXES if lowered.endswith(s)), None)
    if suffix is None:
        return None
    code_end = len(token) - len(suffix)
    start = code_end
    while start > 0 and token[start - 1] in _CODE_CHARS:
        start -= 1
    # A code glued to a lowercase word ("développement200-125dumps") starts at its first digit or capital;
    # a lowercase prefix joined by a hyphen ("az-900dumps") is part of the code.
    first_code_char = start
    while first_code_char < code_end and token[first_code_char].islower():
        first_code_char += 1
    if first_code_char < code_end and token[first_code_char] not in "-_":
        start = first_code_char
    code = token[start:code_end]
    if sum(char.isdigit() for char in code) < 2:
        return None
    return start


def is_link(token: str) -> bool:
    """A URL or a bare domain name ("cheap-pills.ru", "example.com/page")."""
    bare = token.strip(EDGE_PUNCTUATION)
    lowered = bare.lower()
    if lowered.startswith(URL_PREFIXES):
        return len(lowered) > 8
    host = lowered.split("/", 1)[0]
    labels = host.split(".")
    if len(labels) < 2 or labels[-1] not in TOP_LEVEL_DOMAINS:
        return False
    if not bare.split("/", 1)[0].split(".")[0].islower() and not labels[0].isdigit():
        # "Visualcomplexity.com" at a sentence start is a citation as often as spam; spam hosts are lowercase.
        return False
    return all(label and set(label) <= _LABEL_CHARS for label in labels)


def _is_separator(token: str) -> bool:
    return all(char in SEPARATOR_CHARS for char in token)


def _runs_in_line(text: str) -> list[Span]:
    """Spans (inside the line) of the junk runs to delete, not counting surrounding spaces."""
    runs: list[Span] = []
    run_start: int | None = None
    run_end = 0
    dumps = links = 0
    pending_separator = False

    def close() -> None:
        if run_start is not None and (dumps > 0 or links >= MIN_LINKS_IN_RUN):
            runs.append((run_start, run_end))

    for start, end, token in tokens(text):
        glued = dump_code_start(token)
        if glued is not None or is_link(token):
            if run_start is None:
                run_start = start + (glued or 0)
            run_end = end
            dumps += glued is not None
            links += glued is None
            pending_separator = False
        elif run_start is not None and _is_separator(token) and not pending_separator:
            pending_separator = True
        else:
            close()
            run_start, dumps, links, pending_separator = None, 0, 0, False
    close()
    return runs


def find_spam_links(text: str) -> list[Span]:
    spans: list[Span] = []
    for line in split_lines(text):
        if line.is_blank:
            continue
        runs = _runs_in_line(line.text)
        if not runs:
            continue
        gap_starts = [0] + [end for _, end in runs]
        gap_ends = [start for start, _ in runs] + [len(line.text)]
        covered = "".join(line.text[a:b] for a, b in zip(gap_starts, gap_ends, strict=True))
        if all(char in HORIZONTAL_SPACE or char in SEPARATOR_CHARS for char in covered):
            spans.append(whole_line(line))
            continue
        for run_start, run_end in runs:
            # Take the spaces on the side that joins the run to the text, so no double space is left.
            before = run_start
            while before > 0 and line.text[before - 1] in HORIZONTAL_SPACE:
                before -= 1
            if before > 0:
                spans.append((line.start + before, line.start + run_end))
            else:
                after = run_end
                while after < len(line.text) and line.text[after] in HORIZONTAL_SPACE:
                    after += 1
                spans.append((line.start + run_start, line.start + after))
    return spans
