"""The date words and shapes the cleaning rules share: bylines, publication stamps, comment dates, a page's
lone publication date. (The chrome model's date feature, `line_features.DATE_LINE`, is part of that model's
definition and keeps its own, abbreviation-tolerant pattern.)"""

from __future__ import annotations

FRENCH_MONTHS = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
    r"décembre|decembre)"
)
ENGLISH_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
WEEKDAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
# « 13 février 2015 », « 1er mars 2020 », « 13/02/2015 », « 13.02.15 », « 13-02-2015 »
DATE = rf"(?:\d{{1,2}}(?:er)?\s+{FRENCH_MONTHS}\s+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}})"
