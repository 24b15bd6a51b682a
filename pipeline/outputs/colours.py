"""The colours a reader learns once: one per dimension of the codebook and one per competence type, the same
in the figures, their legends and the report's passage browser."""

from __future__ import annotations

from collections.abc import Sequence

# Dark, distinguishable colours (Okabe-Ito-like, darkened for contrast on white): bars, lines, cloud words.
PALETTE = (
    "#0b5fa5",
    "#c2410c",
    "#15803d",
    "#7e22ce",
    "#b45309",
    "#0e7490",
    "#be123c",
    "#4d7c0f",
    "#1e3a8a",
    "#86198f",
)
# The n-th dimension of the codebook is drawn in PALETTE[n] (bars grouped by dimension) and its evidence words
# in the report are marked with this light tint of the same hue, so the text stays readable.
DIMENSION_TINTS = ("#cfe3f7", "#fbd9c4", "#cdeed5", "#e6d5f5", "#fbecb8", "#c9eef3", "#f7cfd8", "#dde9c6")
# Competence types: word-cloud words, legend, and the underline of terms in the report.
TYPE_COLOURS = {"savoir-etre": "#15803d", "methode": "#c2410c", "transversale": "#7e22ce", "autre": "#6b6b6b"}
OTHER_TYPE_COLOURS = ("#0e7490", "#be123c", "#b45309", "#1e3a8a")  # types a lexicon of one's own adds


def cycle(colours: Sequence[str], number: int) -> str:
    return colours[number % len(colours)]


def dimension_colour(number: int) -> str:
    return cycle(PALETTE, number)


def dimension_tint(number: int) -> str:
    return cycle(DIMENSION_TINTS, number)


def type_colours(types: Sequence[str]) -> dict[str, str]:
    """A colour for each competence type: the fixed one of a known type, else the next of the others, in the
    order given (sorted, so that a lexicon's extra types keep their colours from run to run)."""
    extra = [t for t in sorted(set(types)) if t not in TYPE_COLOURS]
    return {t: TYPE_COLOURS.get(t) or cycle(OTHER_TYPE_COLOURS, extra.index(t)) for t in types}
