"""Rule "repeated": lines that recur across the documents of the corpus (menus, footers, widget text, a
site's name and slogan, a document host's viewer), removed whole.

A site's chrome is the same on all its pages while its reports differ, so a line found in two documents or
more, next to another such line, is chrome unless it looks like content: a sentence of prose (quoted in
several reports), a line of more than ten words, a heading right above prose (« Introduction »), or the
heading a document opens with, its title (« # Lettre n° 12 », a newsletter's subject). Lines
are compared by shape (lowercased, spaces collapsed, every number written 0), so « Mis à jour le
01/07/2022 » and « Mis à jour le 12/03/2021 » are one line. But a site's chrome is the same text on every
page: a run of repeated lines most of which recur only by shape, their numbers differing from page to page
(« N° 219 », « SESSION ORDINAIRE DE 2019-2020 » heading each report of a series), is each document's own
title block, and stays. The counts come from a pass over the whole corpus before cleaning
(`count_repeated`); a document cleaned alone, without them, loses nothing to this rule. Like `chrome`, it
is for scraped text, not for the files people write (`pipeline.types.is_authored`), but for mails: a
newsletter's header and footer recur from one issue to the next, and a person's signature from one mail
to the next (`repetition_counted`)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.clean.line_features import WORD, heading_over_prose, shape, stop_words
from pipeline.clean.lines import Span, split_lines, whole_line
from pipeline.types import is_authored, is_mail

MIN_DOCUMENTS = 2  # a line in this many documents of the corpus is repeated
DUPLICATE_SHARE = 0.8  # two documents sharing this share of their lines are copies: their lines count once
PAIR_LIMIT = 50
PROSE_WORDS = 12  # a sentence of at least this many words with enough stop words is content, repeated or not
PROSE_STOP_SHARE = 0.3
# Inside the body of a document (between its first and last lines of prose) a repeated line goes only with
# a repeated neighbour: a menu or a viewer's buttons come in runs, a heading that recurs from one report of a
# series to the next (« Discussion », « Questions ») stands alone between lines of its own.
BODY_WORDS = 15
# Longer lines stay whatever recurs: in a corpus that holds one report twice (a copy, a translation next to
# its original) the shared notes are content, and the chrome that recurs is short (menus, buttons, labels).
MAX_WORDS = 10
BODY_STOP_SHARE = 0.25


@dataclass(frozen=True)
class RepeatedLines:
    """The shapes of the lines found in MIN_DOCUMENTS documents or more of a corpus."""

    shapes: frozenset[int] = frozenset()  # 64-bit digests of the shapes: a big corpus holds millions
    documents: int = 0  # documents counted
    varying: frozenset[int] = frozenset()  # the shapes whose numbers differ between the documents

    def signature(self, text: str) -> str:
        """What this rule will remove from `text` depends on: the repeated shapes among its lines (part of
        the prepared-text cache key, so that a document is cleaned again when the rest of the corpus
        changes what recurs in it)."""
        if not self.shapes:  # nothing recurs (one document, a Markdown corpus): no line to read
            return ""
        present = sorted({key for line in split_lines(text) if (key := _key(line.stripped)) in self.shapes})
        marks = [f"{key}{'~' if key in self.varying else ''}" for key in present]
        return hashlib.sha256(",".join(marks).encode("ascii")).hexdigest()


NO_REPETITION = RepeatedLines()


def _key(line: str) -> int:
    """A digest of the line's shape; 0 for a line without a letter (never counted)."""
    if not any(c.isalpha() for c in line):
        return 0
    digest = hashlib.blake2b(shape(line).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") or 1


_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D+")  # what is left is the line's digits, which its shape writes 0


def repetition_counted(doc_id: str) -> bool:
    """Whether the document's lines are counted, and removed when they recur: scraped text and mails, not
    the other files people write."""
    return not is_authored(doc_id) or is_mail(doc_id)


def count_repeated(documents: Iterable[tuple[str, str]]) -> RepeatedLines:
    """The repeated lines of the `(doc_id, text)` documents; the files people write (`is_authored`) but mails
    are not counted, and copies of one document (sharing DUPLICATE_SHARE of their lines) count once."""
    lines_of: list[frozenset[int]] = []
    digits_of: dict[int, str] = {}  # shape -> the digits it was first seen with
    varying: set[int] = set()  # shapes seen with other digits since
    for doc_id, text in documents:
        if not repetition_counted(doc_id):
            continue
        keys = set()
        for line in split_lines(text):
            if key := _key(line.stripped):
                keys.add(key)
                if _DIGIT.search(line.stripped):  # a shape without digits never varies
                    digits = _NOT_DIGIT.sub("", line.stripped)
                    if digits_of.setdefault(key, digits) != digits:
                        varying.add(key)
        lines_of.append(frozenset(keys))
    holders: dict[int, list[int]] = {}
    for d, keys in enumerate(lines_of):
        for key in keys:
            holders.setdefault(key, []).append(d)
    family = _copies(lines_of, holders)
    shapes = frozenset(key for key, docs in holders.items()
                       if len(docs) >= MIN_DOCUMENTS and len({family[d] for d in docs}) >= MIN_DOCUMENTS)
    return RepeatedLines(shapes, len(lines_of), frozenset(varying & shapes))


def _copies(lines_of: list[frozenset[int]], holders: dict[int, list[int]]) -> list[int]:
    """A family number per document: documents that share DUPLICATE_SHARE of the lines of the shorter one
    are copies of one another and get the same number. Only lines held by at most PAIR_LIMIT documents are
    used to find pairs (a menu on every page says nothing of copies and would make the pairs quadratic)."""
    shared: Counter[tuple[int, int]] = Counter()
    for docs in holders.values():
        if 2 <= len(docs) <= PAIR_LIMIT:
            for i, a in enumerate(docs):
                for b in docs[i + 1:]:
                    shared[a, b] += 1
    parent = list(range(len(lines_of)))

    def root(d: int) -> int:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for (a, b), n in shared.items():
        if n >= DUPLICATE_SHARE * min(len(lines_of[a]), len(lines_of[b])):
            parent[root(a)] = root(b)
    return [root(d) for d in range(len(lines_of))]


def looks_like_prose(line: str) -> bool:
    words = WORD.findall(line)
    if len(words) < PROSE_WORDS or not line.rstrip().endswith((".", "!", "?", "…", "»", '"')):
        return False
    stops = stop_words()
    return sum(word.lower() in stops for word in words) / len(words) >= PROSE_STOP_SHARE


def find_repeated(text: str, repeated: RepeatedLines = NO_REPETITION) -> list[Span]:
    if not repeated.shapes:
        return []
    lines = [line for line in split_lines(text) if not line.is_blank]
    texts = [line.stripped for line in lines]
    following = [*texts[1:], ""]
    keys = [_key(t) for t in texts]
    candidate = [key in repeated.shapes and len(WORD.findall(t)) <= MAX_WORDS and not looks_like_prose(t)
                 and not heading_over_prose(t, below) and not (number == 0 and t.startswith("#"))
                 for number, (key, t, below) in enumerate(zip(keys, texts, following, strict=True))]
    varying = [key in repeated.varying for key in keys]
    spans: list[Span] = []
    start = 0
    while start < len(lines):  # runs of consecutive candidates
        end = start
        while end < len(lines) and candidate[end]:
            end += 1
        for part in _chrome_parts(range(start, end), varying):
            spans.extend(whole_line(lines[i]) for i in part)
        start = end + 1
    return spans


def _chrome_parts(run: range, varying: list[bool]) -> list[range]:
    """The parts of a run of repeated lines that go: the whole run when it has two lines or more, except a
    title block inside it (from its first line whose numbers vary between documents to its last, two such
    lines or more, and most of its lines), which stays; what is left on each side goes if it is two lines
    or more. A lone repeated line stays."""
    numbered = [i for i in run if varying[i]]
    if len(numbered) >= 2:
        block = range(numbered[0], numbered[-1] + 1)
        if 2 * len(numbered) > len(block):
            return [part for part in (range(run.start, block.start), range(block.stop, run.stop))
                    if len(part) >= 2]
    return [run] if len(run) >= 2 else []
