"""Copies of one report in a corpus, so that it is counted once: the same text (the same file twice, a page
saved as `.html` and as `.txt`), or nearly the same (one report as a `.docx` and as a PDF, whose page
numbers and running headers the cleaning removed with a few words around them; one article printed by two
sites). Documents come in the corpus's order and the first of a group is kept (`pipeline.run`).

Two cleaned texts are the same when their words and numbers are. They are nearly the same when each has
`NEAR_COPY_SHARE` of its runs of `SHINGLE_WORDS` words in the other: a document of which more than a
quarter is its own is kept, so that no more than a quarter of a report is ever left out (a text that holds
only part of another, a revised edition, is counted as it is). Pairs are put forward by MinHash signatures
with locality-sensitive hashing (Broder's resemblance), so that a corpus of thousands of documents is
compared in one pass, and their shares are then counted exactly on their runs (the hashes of each document
kept are held, eight bytes a run, about as much as its text). On 553 real
documents (303 pages of 285 territorial sites, 250 reports of the crdh corpus), the two distinct documents
closest to each other share 10 % of their runs; one article printed by two sites, 92 % of the longer one's.
A 376-page specification attached to one mail as a `.docx`, a PDF and a `.txt` shares 78 to 81 % of its
runs between the Word file and the other two (tables laid out otherwise, the PDF's page headers), 97 %
between the PDF and the text; a report with one word in twenty rewritten here and there, 78 %; one word in
ten, 51 to 68 %."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
NEAR_COPY_SHARE = 0.75
# Texts with fewer runs are compared for exact copies only: a few words in common (« Bonjour, ci-joint le
# compte rendu ») make a large share of a short text
MIN_SHINGLES = 50
# A pair at the bar (three quarters of each in the other: a resemblance of 0.6 at least) is put forward
# 98.8 % of the time, one of a resemblance of 0.7 99.98 %
_PERMUTATIONS, _BANDS = 128, 32
_ROWS = _PERMUTATIONS // _BANDS
_CHUNK = 8192
_WORDS = re.compile(r"[^\W_]+")  # words and numbers: a copy with other punctuation or spacing is the same
# A run's hash is mixed once by SplitMix64's finaliser, whose output bits each depend on every input bit, and
# each permutation xors it with its seed and multiplies it by an odd constant (a linear function such as
# (a·x + b) mod p of unmixed x smaller than p keeps the order of the x, and every permutation would pick the
# same run)
_RUN_BASE = np.uint64(0x100000001B3)  # the polynomial's base, odd
_SEEDS = np.random.default_rng(20261208).integers(0, np.iinfo(np.uint64).max, _PERMUTATIONS, dtype=np.uint64,
                                                  endpoint=True)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class Copy:
    """A document found to be a copy of `of`, kept earlier: the same text (`exact`), or nearly, `share`
    of its text being in `of`."""

    of: str
    share: float
    exact: bool = False

    def reason(self) -> str:
        """Why the copy is left out, as the skipped files list says it."""
        if self.exact:
            return f"même texte que {self.of} : compté une fois"
        percent = min(round(self.share * 100), 99)
        return f"presque le même texte que {self.of} ({percent} % de son texte s'y trouve) : compté une fois"


class CopyFinder:
    """The documents kept so far, against which each next one is compared."""

    def __init__(self) -> None:
        self._exact: dict[str, str] = {}
        self._runs_of: dict[str, np.ndarray] = {}  # each kept document's distinct runs, for the exact share
        self._buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
        self._word_ids: dict[str, int] = {}  # each word a number, for the runs' hashes

    def copy_of(self, doc_id: str, clean_text: str) -> Copy | None:
        """The copy `doc_id` is of a document kept before, or None, in which case it is kept: compared with
        the next ones."""
        words = _WORDS.findall(clean_text.lower())
        if not words:  # nothing to count twice
            return None
        key = hashlib.sha256(" ".join(words).encode()).hexdigest()
        if key in self._exact:
            return Copy(self._exact[key], 1.0, exact=True)
        runs = self._runs(words)
        signature = _signature(runs) if len(runs) >= MIN_SHINGLES else None
        if signature is not None and (near := self._near_copy(signature, runs)) is not None:
            return near
        self._exact[key] = doc_id
        if signature is not None:
            self._runs_of[doc_id] = runs
            for band in _bands(signature):
                self._buckets[band].append(doc_id)
        return None

    def _runs(self, words: list[str]) -> np.ndarray:
        """The hashes of the text's distinct runs of `SHINGLE_WORDS` words, mixed: a polynomial of the words'
        numbers, computed for every run at once."""
        if len(words) < SHINGLE_WORDS:
            return np.empty(0, dtype=np.uint64)
        ids = np.fromiter((self._word_ids.setdefault(word, len(self._word_ids) + 1) for word in words),
                          dtype=np.uint64, count=len(words))
        count = len(words) - SHINGLE_WORDS + 1
        hashes = np.zeros(count, dtype=np.uint64)
        for offset in range(SHINGLE_WORDS):
            hashes = hashes * _RUN_BASE + ids[offset:offset + count]
        return _mix(np.unique(hashes))

    def _near_copy(self, signature: np.ndarray, runs: np.ndarray) -> Copy | None:
        """The first document kept that shares a band of the signature with this one (a candidate) and
        `NEAR_COPY_SHARE` of the runs of each, counted exactly on their runs (the signature's estimate of a
        share varies by about four points, and a pair near the bar would be a copy or not by chance)."""
        candidates = dict.fromkeys(kept for band in _bands(signature) for kept in self._buckets.get(band, ()))
        for kept in candidates:  # in the order they were kept: the first of the corpus wins
            kept_runs = self._runs_of[kept]
            shared = len(np.intersect1d(runs, kept_runs, assume_unique=True))
            if shared / max(len(runs), len(kept_runs)) >= NEAR_COPY_SHARE:
                return Copy(kept, shared / len(runs))
        return None


def _signature(runs: np.ndarray) -> np.ndarray:
    """The smallest value of each permutation over the runs' mixed hashes: each permutation the hash xored
    with its seed and multiplied by an odd constant, a bijection of 64-bit numbers."""
    signature = np.full(_PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(runs), _CHUNK):  # a long report's runs a chunk at a time: bounded memory
        permuted = (runs[start:start + _CHUNK, None] ^ _SEEDS[None, :]) * _GOLDEN
        signature = np.minimum(signature, permuted.min(axis=0))
    return signature


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in unsigned 64-bit arithmetic that wraps around."""
    values = values + _GOLDEN
    values = (values ^ (values >> np.uint64(30))) * _MIX1
    values = (values ^ (values >> np.uint64(27))) * _MIX2
    return values ^ (values >> np.uint64(31))


def _bands(signature: np.ndarray) -> list[tuple[int, bytes]]:
    return [(band, signature[band * _ROWS:(band + 1) * _ROWS].tobytes()) for band in range(_BANDS)]
