"""Cleaning stage: named rules remove scraped web junk from a report, and say what they removed and why.

    from pipeline.clean import clean_text, RULES
    document = clean_text(text, doc_id="report.txt")           # all default rules
    document = clean_text(text, rules=("comments", "whitespace"))
    document = clean_text(text, doc_id="page.txt", repeated=count_repeated(corpus))  # with the corpus

Invariant: deleting every `Removal` span from `document.source` gives exactly `document.text`; the
removals are sorted, do not overlap, and carry the name of the rule that made them. Rules run in the
order of `RULES` whatever the order asked, so that "whitespace" always tidies up after the others."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from pipeline.clean.chrome import find_chrome
from pipeline.clean.comments import find_comments
from pipeline.clean.engine import Rule, run_rules, select_rules
from pipeline.clean.image_residue import find_image_residue
from pipeline.clean.initials import find_initials
from pipeline.clean.keyword_stuffing import find_keyword_stuffing
from pipeline.clean.mail_furniture import find_mail_furniture
from pipeline.clean.page_furniture import find_page_furniture
from pipeline.clean.picture_alt import find_picture_alt
from pipeline.clean.repeated import (
    NO_REPETITION,
    RepeatedLines,
    count_repeated,
    find_repeated,
    repetition_counted,
)
from pipeline.clean.share_navigation import find_share_navigation
from pipeline.clean.spam_links import find_spam_links
from pipeline.clean.whitespace import find_whitespace
from pipeline.types import CleanDocument, is_mail

__all__ = ["DEFAULT_CLEAN_RULES", "NO_REPETITION", "RULES", "RepeatedLines", "Rule", "clean_text",
           "count_repeated"]

# Each rule: its name (the `reason` of its removals), what it removes, the label a reader of the report sees,
# its finder, and whether it runs by default. Adding a rule is one line here and its module.
_ALL_RULES = (
    Rule("spam_links", "exam-dump codes and lists of three or more links or domains",
         "listes de liens et codes de spam", find_spam_links),
    Rule("keyword_stuffing", "lines made mostly of spam keywords", "mots-clés de spam",
         find_keyword_stuffing),
    Rule("comments", "comment sections, pingbacks, trackbacks and comment-form text",
         "commentaires et rétroliens", find_comments),
    Rule("image_residue", "image file names and caption lines", "noms et légendes d'images",
         find_image_residue),
    Rule("mail_furniture", "a reply's quoted message, header blocks, signatures and notices of a mail",
         "citations, signatures et mentions de courriels", find_mail_furniture, only_for=is_mail),
    Rule("share_navigation", "share buttons, related posts, breadcrumbs, cookies",
         "partage, navigation, cookies", find_share_navigation),
    Rule("initials", "stray lines of one to three capitals under the title or in a group",
         "initiales isolées", find_initials),
    Rule("page_furniture", "page numbers, viewer page labels, tables of contents, a lone publication date",
         "numéros de page, sommaires, date de publication", find_page_furniture, scraped_only=True),
    Rule("picture_alt", "a picture's alternative text on a line of its own (logo, capture d'écran, bandeau…)",
         "textes de remplacement d'images", find_picture_alt, scraped_only=True),
    Rule("repeated", "lines found in several documents of the corpus (menus, footers, widgets)",
         "lignes répétées d'une page à l'autre", find_repeated, uses_corpus=True,
         only_for=repetition_counted),
    Rule("chrome", "lines a model of generic line features reads as web chrome",
         "habillage du site (menus, dates, légendes…)", find_chrome, scraped_only=True),
    Rule("whitespace", "trailing spaces, space-only lines, repeated blank lines", "espaces et lignes vides",
         find_whitespace),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.name: rule for rule in _ALL_RULES})
DEFAULT_CLEAN_RULES: tuple[str, ...] = tuple(rule.name for rule in _ALL_RULES if rule.default)


def clean_text(text: str, *, doc_id: str = "", rules: Sequence[str] = DEFAULT_CLEAN_RULES,
               repeated: RepeatedLines = NO_REPETITION) -> CleanDocument:
    """Remove junk from `text` with the named rules. An unknown rule name raises ValueError. `repeated`:
    the lines that recur across the corpus (`count_repeated`); without it the rule "repeated" removes
    nothing."""
    selected = select_rules(RULES, rules)
    # The rules build one small object per line and token and none of them form cycles; with the cyclic
    # garbage collector on, its full passes over a growing heap made 400,000 lines cost 5.6 times
    # 100,000 lines (bench/bench_robust.py). Pausing it keeps the time linear in the text's size.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return run_rules(text, selected, doc_id=doc_id, repeated=repeated)
    finally:
        if collecting:
            gc.enable()
