"""Generic features of the lines of a page, for telling web chrome from the report's own text.

Nothing here names a site or a phrase: length, French stop-word density (jusText's list), sentence shape,
capitals, digits, punctuation, links and dates, where the line stands, whether its shape recurs in the page,
and the same of its neighbours, and how much of its vocabulary the rest of the page shares (chrome speaks of
the site, the report of its own subject: `lexical_cohesion`). The words of the line are read separately
(`line_words`), so that a model can weigh words that mark chrome on many sites (« partager », « publié »,
« télécharger »)."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from pipeline.apostrophes import STRAIGHTENED

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_MONTH = r"(?:janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec)[a-zéû]*\.?"
_DAY = r"(?:lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?"
DATE_LINE = re.compile(
    rf"(?:{_DAY}\s+)?\d{{1,2}}(?:er)?\s+{_MONTH}\s+\d{{2,4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{_MONTH}\s+\d{{4}}",
    re.IGNORECASE,
)
LINK = re.compile(r"https?://|www\.|\.(?:fr|com|org|eu|net|bzh)\b", re.IGNORECASE)
# an address's parts are bounded (64 characters before the @, 253 after, as e-mail allows): an unbounded \S+
# would try every start of a long line without an @ against the rest of it, time quadratic in its length;
# and it is looked for only in a line with an @
EMAIL = re.compile(r"[^\s@]{1,64}@[^\s@]{1,253}\.\w+")
SEPARATORS = re.compile(r"[|•›»>/·–—]")
SHORT_WORDS = 5  # a line of fewer words is "short" for the runs of short lines (menus, tag lists)
PROSE_WORDS = 15  # the first line with this many words and enough stop words starts the prose
PROSE_BELOW = 8  # a line this long, with enough stop words, under a short capitalised line makes it a heading
STEM_CHARS = 6  # content words compared by their first characters: « coopération » ~ « coopérations »
LONG_LINE_STEMS = 8  # a line with this many content words is one the others can be compared with
NEARBY_LINES = 50  # ... when it stands within this many lines (a page is read in time linear in its length)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    import justext  # on first use: 69 ms of import (lxml), which text without a scraped line never needs

    # jusText writes most elisions with a straight apostrophe (« c'est », « n'a ») and three with a curly one:
    # both spellings of each, so that a page typed with either has the same share of stop words
    listed = {word.lower() for word in justext.get_stoplist("French")}
    return frozenset(spelling for word in listed for spelling in (word, word.translate(STRAIGHTENED),
                                                                   word.replace("'", "’")))


def line_words(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in WORD.findall(text))


def shape(text: str) -> str:
    """The line lowercased, spaces collapsed and every number written 0: « Page 12 : … » ~ « Page 3 : … »."""
    return re.sub(r"\d+", "0", re.sub(r"\s+", " ", text.strip().lower()))


def heading_over_prose(line: str, following: str) -> bool:
    """A short capitalised line without digits or a closing stop, right above a line of prose: a section
    heading (« Introduction », « Édito »), whatever a model makes of it alone."""
    words = WORD.findall(line)
    if not (1 <= len(words) <= 6) or not line[:1].isupper() or any(c.isdigit() for c in line):
        return False
    if line.rstrip().endswith((".", ":", "!", "?")):
        return False
    below = WORD.findall(following)
    stops = stop_words()
    return len(below) >= PROSE_BELOW and sum(w.lower() in stops for w in below) / len(below) > 0.25


def _own(text: str, words: Sequence[str], stops: frozenset[str]) -> dict[str, float]:
    s = text.strip()
    n = len(words)
    # character counts with map/filter over str methods: a 20 MB line is read at C speed
    letters = "".join(filter(str.isalpha, s))
    visible = len(s) - sum(map(str.isspace, s))
    return {
        "log_chars": math.log1p(len(s)),
        "log_words": math.log1p(n),
        "stop_share": sum(w.lower() in stops for w in words) / n if n else 0.0,
        "no_word": float(n == 0),
        "one_or_two_words": float(1 <= n <= 2),
        "ends_sentence": float(s.endswith((".", "!", "?", "…"))),
        "ends_colon": float(s.endswith(":")),
        "upper_share": sum(map(str.isupper, letters)) / len(letters) if letters else 0.0,
        "digit_share": sum(map(str.isdigit, s)) / visible if visible else 0.0,  # digits are never spaces
        "punct_share": (visible - sum(map(str.isalnum, s))) / visible if visible else 0.0,
        "capitalised_words": sum(w[0].isupper() for w in words) / n if n else 0.0,
        "link": float(bool(LINK.search(s) or "@" in s and EMAIL.search(s))),
        "date_only": float(bool(DATE_LINE.fullmatch(s))),
        "separators": min(len(SEPARATORS.findall(s)), 5) / 5,
        "comma": float("," in s),
        "starts_lower": float(bool(s) and s[0].islower()),
    }


def content_stems(words: Sequence[str], stops: frozenset[str]) -> frozenset[str]:
    """A line's content words (not stop words, three letters or more), lowercased and cut to STEM_CHARS."""
    return frozenset(w.lower()[:STEM_CHARS] for w in words if len(w) > 2 and w.lower() not in stops)


def lexical_cohesion(stems: Sequence[frozenset[str]]) -> list[tuple[float, float]]:
    """For each line of a page (its `content_stems`), the share of its content words found on another line,
    and the largest share found on one other long line nearby; (-1, -1) for a line without content words.
    A report's lines share its subject's words; a menu, a related article's title or a login form share
    few."""
    lines_with = Counter(stem for own in stems for stem in own)
    long_lines = [i for i, own in enumerate(stems) if len(own) >= LONG_LINE_STEMS]
    out = []
    for i, own in enumerate(stems):
        if not own:
            out.append((-1.0, -1.0))
            continue
        shared = sum(lines_with[stem] > 1 for stem in own) / len(own)
        low, high = bisect_left(long_lines, i - NEARBY_LINES), bisect_right(long_lines, i + NEARBY_LINES)
        best = max((len(own & stems[j]) / len(own) for j in long_lines[low:high] if j != i), default=-1.0)
        out.append((shared, best))
    return out


def page_features(lines: Sequence[str]) -> list[dict[str, float]]:
    """Features of each of a page's non-empty lines, read with the lines around it."""
    stops = stop_words()
    words = [WORD.findall(line.strip()) for line in lines]
    own = [_own(line, found, stops) for line, found in zip(lines, words, strict=True)]
    n = len(lines)
    shapes = [shape(line) for line in lines]
    prefixes = [" ".join(s.split()[:3]) for s in shapes]
    shape_count, prefix_count = Counter(shapes), Counter(prefixes)
    short = [f["log_words"] < math.log1p(SHORT_WORDS) for f in own]
    run = [0] * n
    i = 0
    while i < n:
        j = i
        while j < n and short[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    prose = next((i for i, f in enumerate(own)
                  if f["log_words"] > math.log1p(PROSE_WORDS) and f["stop_share"] > 0.25), n)
    cohesion = lexical_cohesion([content_stems(found, stops) for found in words])
    features = []
    for i, f in enumerate(own):
        row = dict(f)
        row["lexical_cohesion"], row["lexical_cohesion_long"] = cohesion[i]
        row["position"] = i / max(n - 1, 1)
        row["first"] = float(i == 0)
        row["last"] = float(i == n - 1)
        row["before_prose"] = float(i < prose)
        row["shape_repeated"] = float(shape_count[shapes[i]] > 1)
        row["prefix_repeated"] = float(prefix_count[prefixes[i]] > 2)
        row["short_run"] = min(run[i], 6) / 6
        for side, j in (("previous", i - 1), ("next", i + 1)):
            other = own[j] if 0 <= j < n else None
            row[f"{side}_log_words"] = other["log_words"] if other else 0.0
            row[f"{side}_stop_share"] = other["stop_share"] if other else 0.0
            row[f"{side}_ends_sentence"] = other["ends_sentence"] if other else 0.0
            row[f"{side}_none"] = float(other is None)
        features.append(row)
    return features
