"""Rule "comments": comment sections, pingbacks and trackbacks, and the comment form's boilerplate.

A section header ("3 réponses à “…”", "Un commentaire", "Laisser un commentaire"…) opens a zone that runs
over the comment block: blank lines, pingback items ("1. Title | Site" and their "[…] excerpt […]"),
author and date lines, comment bodies (after an author/date line, up to "Répondre", or one paragraph when
there is no "Répondre"), and closing lines. The zone ends at the first line that is none of these, so
report text after a block is kept. The zone never reaches backwards: the paragraph before a header stays."""

from __future__ import annotations

import re

from pipeline.clean.dates import ENGLISH_MONTHS, FRENCH_MONTHS
from pipeline.clean.lines import Line, Span, split_lines, whole_line

_COUNT = r"(?:\d{1,5}|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|one|two|three)"
_NOUN = (
    r"(?:r[ée]s?ponses?|commentaires?|r[ée]actions?|r[ée]flexions?|avis|pingbacks?|trackbacks?|"
    r"comments?|responses?|replies|thoughts?)"
)
_BARE_NOUN = r"(?:r[ée]s?ponses?|commentaires?|comments?|responses?|pingbacks?|trackbacks?)"
_QUOTED_TITLE = r"(?:[«“\"'‘„].*)"
# "3 résponses à “Titre”", "2 réflexions sur « Titre »", « 1 commentaire "Titre" » (the plain nouns only);
# without a title only the plain nouns count ("Un commentaire", "12 commentaires :"), since crdh notes have
# lines such as "Deux réflexions".
TITLED_HEADER = re.compile(
    rf"{_COUNT}\s+(?:{_NOUN}\s+(?:à|a|sur|pour|au sujet de|on|to)\s+|{_BARE_NOUN}\s+){_QUOTED_TITLE}",
    re.IGNORECASE,
)
SECTION_HEADER = re.compile(rf"{TITLED_HEADER.pattern}|{_COUNT}\s+{_BARE_NOUN}\s*:?", re.IGNORECASE)
# Phrases of the comment form or of a closed section; a line of one or several of them (themes print
# "Laisser un commentaire Annuler la réponse" or "Commentaire Nom * E-mail * Site web" on one line).
_FORM_PHRASE = (
    r"(?:les commentaires sont (?:fermés|clos|désactivés)|comments are closed|"
    r"laisser un commentaire|laisser une réponse|leave a (?:reply|comment)|"
    r"soyez (?:le|la) premi(?:er|ère) à (?:commenter|réagir|rédiger un commentaire)(?: cet article)?|"
    r"be the first to comment|"
    r"annuler (?:la )?réponse|répondre|reply|pingbacks?|trackbacks?|rétroliens?|"
    r"(?:ajouter|écrire|poster) un commentaire|commentaires?|"
    r"votre adresse (?:e-?mail|de messagerie|électronique) ne sera pas publiée|"
    r"your email address will not be published|"
    r"les champs obligatoires sont (?:indiqués|marqués) (?:avec|par) \*|required fields are marked \*|"
    r"enregistrer mon nom, (?:mon )?e-?mail et (?:mon )?site(?: web)?"
    r"(?: dans (?:le|ce) navigateur pour (?:mon|le) prochain commentaire)?|"
    r"(?:nom|e-?mail|site web|commentaire|name|website|comment)\s*\*?)"
    r"(?:\s*[.:!*…]*)?"
)
BOILERPLATE = re.compile(rf"{_FORM_PHRASE}(?:\s+{_FORM_PHRASE})*", re.IGNORECASE)
# "Pingback: Retour sur le séminaire | Réseau des acteurs": a pingback as one line.
PINGBACK_LINE = re.compile(r"(?:pingback|trackback|rétrolien)\s*:\s*\S.{0,200}", re.IGNORECASE)
# These boilerplate lines also open a zone; "Répondre" and bare field labels only count inside one.
ZONE_OPENERS = re.compile(
    r"(?:les commentaires sont|comments are closed|laisser un|leave a|votre adresse|your email|"
    r"les champs obligatoires|enregistrer mon nom|soyez (?:le|la) premi|be the first|pingbacks?|trackbacks?|"
    r"rétroliens?|commentaires?\b)",
    re.IGNORECASE,
)
PINGBACK_ITEM = re.compile(r"\d{1,3}[.)]\s+\S.{0,200}?(?:\s\|\s\S.*|\.\.\.|…)")
EXCERPT = re.compile(r"\[(?:…|\.\.\.)\].*\[(?:…|\.\.\.)\]")
_MONTH = rf"(?:{FRENCH_MONTHS}|{ENGLISH_MONTHS})"
_TIME = r"(?:\s*(?:à|a|at|,|-)\s*\d{1,2}\s*(?:h|:)\s*\d{2}(?:\s*min)?(?:\s*[ap]m)?)?"
DATE_LINE = re.compile(
    rf"(?:le\s+|on\s+)?(?:\d{{1,2}}(?:er)?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|"
    rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}){_TIME}",
    re.IGNORECASE,
)
# "Marie Dupont dit :", "Jean a dit :", "Paul says:", with or without the date on the same line.
# (a name may hold an initial: "Marie L. dit :")
_SAYS = r"(?:[^.!?]|(?<=\s[A-Z])\.){1,60}?\s(?:dit|a dit|says|said)\s*:"
AUTHOR_SAYS = re.compile(rf"{_SAYS}.{{0,80}}", re.IGNORECASE)
# "Marie L. dit : 14 mars 2016 à 10 h 12 min": a comment's author and date open a section by themselves.
DATED_AUTHOR = re.compile(rf"{_SAYS}\s*{DATE_LINE.pattern}", re.IGNORECASE)
# A bare author name right above a date line: one to four capitalised words.
AUTHOR_NAME = re.compile(r"[A-ZÀ-Þ][\w'’.-]*(?:\s[A-ZÀ-Þa-z][\w'’.-]*){0,3}")

# A comment body without a "Répondre" line below it is taken as one paragraph; with one, the body runs to
# it, if it comes within this many non-blank lines (a comment rarely has more paragraphs).
MAX_BODY_LINES = 12


def _full(pattern: re.Pattern[str], text: str) -> bool:
    return len(text) <= 400 and pattern.fullmatch(text) is not None


_SENTENCE_BREAK = re.compile(r"(?<=[.*!])\s+")


def is_boilerplate(text: str) -> bool:
    """One or more comment-form sentences ("Votre adresse e-mail ne sera pas publiée. Les champs…")."""
    return len(text) <= 400 and all(BOILERPLATE.fullmatch(part) for part in _SENTENCE_BREAK.split(text))


def is_section_start(text: str) -> bool:
    if _full(SECTION_HEADER, text) or _full(PINGBACK_LINE, text) or _full(DATED_AUTHOR, text):
        return True
    return is_boilerplate(text) and ZONE_OPENERS.match(text) is not None


def _is_reply_link(text: str) -> bool:
    return text.lower().rstrip(" ↓→.") in {"répondre", "reply", "repondre"}


def _is_author_or_date(lines: list[Line], index: int) -> bool:
    text = lines[index].stripped
    if _full(DATE_LINE, text) or _full(AUTHOR_SAYS, text):
        return True
    following = lines[index + 1].stripped if index + 1 < len(lines) else ""
    return _full(AUTHOR_NAME, text) and _full(DATE_LINE, following)


def _comment_block_end(lines: list[Line], start: int) -> int:
    """Index one past the last line of the zone that starts at `start` (a header line)."""
    index = start + 1
    last_junk = start
    opener = lines[start].stripped
    if _full(TITLED_HEADER, opener) and index < len(lines) and not lines[index].is_blank:
        # A header naming the article commented on, with a paragraph right under it: a comment whose author
        # line is missing (themes that show the author only as an avatar). After a blank line, the
        # paragraph may be the report's again.
        index = _body_end(lines, index)
        last_junk = index - 1
    elif _full(DATED_AUTHOR, opener):  # a comment's own author line: its body follows
        index = _body_end(lines, index)
        last_junk = index - 1
    while index < len(lines):
        line = lines[index]
        text = line.stripped
        if line.is_blank:
            index += 1
            continue
        if (
            is_section_start(text)
            or is_boilerplate(text)
            or _full(PINGBACK_ITEM, text)
            or _full(PINGBACK_LINE, text)
            or _full(EXCERPT, text)
            or _is_reply_link(text)
        ):
            last_junk = index
            index += 1
            continue
        if _is_author_or_date(lines, index):
            index = _body_end(lines, index + 1)
            last_junk = index - 1
            continue
        break
    return last_junk + 1


def _body_end(lines: list[Line], index: int) -> int:
    """After an author/date line: skip further author/date lines, then the comment body."""
    while index < len(lines) and (lines[index].is_blank or _is_author_or_date(lines, index)):
        index += 1
    seen = 0
    probe = index
    while probe < len(lines) and seen < MAX_BODY_LINES:
        if not lines[probe].is_blank:
            text = lines[probe].stripped
            if _is_reply_link(text):
                return probe + 1
            if is_section_start(text) or _is_author_or_date(lines, probe):
                break
            seen += 1
        probe += 1
    # No "Répondre": the body is the paragraph that follows.
    while index < len(lines) and not lines[index].is_blank:
        index += 1
    return index


def find_comments(text: str) -> list[Span]:
    lines = split_lines(text)
    spans: list[Span] = []
    index = 0
    while index < len(lines):
        text_of_line = lines[index].stripped
        if not text_of_line:
            index += 1
            continue
        if is_section_start(text_of_line):
            end = _comment_block_end(lines, index)
            spans.extend(whole_line(lines[i]) for i in range(index, end) if not lines[i].is_blank)
            index = end
            continue
        if (
            _full(PINGBACK_ITEM, text_of_line)
            and index + 2 < len(lines)
            and any(_full(EXCERPT, lines[i].stripped) for i in (index + 1, index + 2))
        ):
            # A pingback list without its header: an item followed by its "[…] excerpt […]".
            end = _comment_block_end(lines, index)
            spans.extend(whole_line(lines[i]) for i in range(index, end) if not lines[i].is_blank)
            index = end
            continue
        index += 1
    return spans
