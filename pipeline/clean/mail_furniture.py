"""Rule "mail_furniture": what mail programs put around a message's own text, in the body of a mail read as a
document of the corpus (`.eml`, `.msg`, a mailbox's messages, a message attached to another):

- the message a reply quotes: the line that introduces it (« Le mar. 10 mars 2020 à 09:12, Paul Martin
  <…> a écrit : », « On … wrote: ») with the lines marked « > » under it, or two such lines or more without
  it;
- the header block a program writes above a message it quotes or forwards (« De : … », « Envoyé : … »,
  « À : … », « Objet : … », three such fields or more, on their lines or on one, as Outlook puts them, and
  the « -----Message d'origine----- » or « Message transféré » line above them). The text under it stays: it
  may be the report that was forwarded;
- the signature: from the line « -- » that opens one by convention (RFC 3676), or from a closing formula
  (« Bien cordialement, », « Bien à vous ») followed only by short lines that are no sentences (a name, a
  position, an address, a telephone number, a site), to the end of the message or of its own part; and
  « Envoyé de mon iPhone » and its kin;
- the notices mail servers add below a message: confidentiality (« Ce message et toutes les pièces jointes
  sont confidentiels… ») and « Pensez à l'environnement avant d'imprimer ce courriel »;
- a mailing's own lines, which the programs that send newsletters write: « Voir la version en ligne »,
  « Si ce message ne s'affiche pas correctement… », « Se désinscrire », « Vous recevez ce message car… ».

What the rule takes is structure every mail program writes, not phrases of one network's mails: a line
that does not have that structure stays, and the rule runs on mails only (`Rule.only_for`): a report that
quotes with « > » or signs off stays as written."""

from __future__ import annotations

import re

from pipeline.clean.lines import Line, Span, split_lines, whole_line

# « Le 10 mars 2020 à 09:12, Paul Martin <p@x.fr> a écrit : », « On Tue, Mar 10, 2020 at 9:12 AM X wrote: »
_ATTRIBUTION = re.compile(r"(?:le|on)\s.{4,300}?\s(?:a\s+écrit|wrote)\s*:\s*", re.IGNORECASE)
_QUOTED = re.compile(r">")
_FIELD_NAMES = r"(?:de|from|envoyé|sent|date|à|a|to|cc|cci|bcc|objet|subject|répondre à|reply-to)"
_FIELD = re.compile(rf"\*{{0,2}}{_FIELD_NAMES}\s*\*{{0,2}}\s*:\s*\*{{0,2}}\s*\S.*", re.IGNORECASE)
_FIELD_INSIDE = re.compile(rf"(?:^|\s)\*{{0,2}}{_FIELD_NAMES}\s*\*{{0,2}}\s*:", re.IGNORECASE)
_SENDER = re.compile(r"\*{0,2}(?:de|from)\s*\*{0,2}\s*:", re.IGNORECASE)  # a header block opens so
_SEPARATOR = re.compile(
    r"-{2,}\s*(?:message d['’]origine|original message|message transféré|forwarded message)\s*-{2,}|"
    r"(?:début du message (?:réexpédié|transféré)|begin forwarded message)\s*:?|_{10,}",
    re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"--\s*")
_SENT_FROM = re.compile(
    r"(?:envoyé|sent)\s+(?:de|depuis|from)\s+(?:mon|ma|my)?\s*(?:iphone|ipad|smartphone|mobile|android|"
    r"appareil|téléphone|tablette|samsung|galaxy|huawei|xiaomi|outlook|yahoo|device)\b.{0,60}",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"(?:(?:très |bien |bien très )?cordialement|(?:bien|très) à (?:vous|toi)|salutations(?: \w+)?|"
    r"(?:belle|bonne) (?:journée|soirée|fin de (?:journée|semaine)|semaine)|à (?:très )?bientôt|amicalement|"
    r"(?:best|kind) regards|regards)[\s,.!]*",
    re.IGNORECASE,
)
_SIGNATURE_LINE_WORDS = 12
_SIGNATURE_LINES = 20  # a name, a position, a service, an address, telephones, a site, a slogan, logos
# After « -- », a sentence this long is a paragraph of the message (« -- » drawn as a separator), not a
# signature's line
_PARAGRAPH_WORDS = 12
_NOTICE = re.compile(
    r"(?:confidenti|destinataires? (?:désignés?|exclusifs?|visés?)|à l['’]intention exclusive|"
    r"(?:reçu|received) (?:ce|this) (?:message|courriel|mail|e-?mail) (?:par erreur|in error)|"
    r"avertir (?:immédiatement )?l['’]expéditeur|(?:détruire|supprimer|delete) (?:ce|le|this)|"
    r"avant d['’]imprimer|before printing|pensez à l['’]environnement|think (?:of|about) the environment)",
    re.IGNORECASE,
)
_MAIL_WORDS = re.compile(r"\b(?:message|courriel|mail|e-?mail|pièces? jointes?|attachments?)\b",
                         re.IGNORECASE)
_NOTICE_WORDS = 150
_MAILING = re.compile(
    r".{0,120}?(?:version en ligne|version web|ne s['’]affiche pas (?:correctement|bien)|"
    r"(?:se|vous) (?:désinscrire|désabonner)|désinscription|désabonnement|unsubscribe|"
    r"view (?:it |this (?:e-?mail|message) )?(?:in|on) (?:your |a )?(?:browser|web)|"
    r"vous recevez (?:ce|cet) (?:message|courriel|e-?mail|lettre)|"
    r"gérer (?:vos|mes) (?:préférences|abonnements)|"
    r"(?:update|manage) (?:your )?(?:preferences|subscription)).*",
    re.IGNORECASE,
)
_MAILING_WORDS = 25  # a longer line may be the message's own sentence


def find_mail_furniture(text: str) -> list[Span]:
    lines = split_lines(text)
    spans: list[Span] = []
    spans += _quoted_replies(lines)
    spans += _header_blocks(lines)
    spans += _signatures(lines)
    spans += [whole_line(line) for line in lines if _notice(line) or _mailing(line)]
    return spans


def _quoted_replies(lines: list[Line]) -> list[Span]:
    """An attribution line and the quoted lines under it (blank lines among them too), or a run of two
    quoted lines or more."""
    spans: list[Span] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        attributed = _ATTRIBUTION.fullmatch(line.stripped) is not None
        start = index + 1 if attributed else index
        end = start
        quoted = 0
        while end < len(lines) and (lines[end].is_blank or _QUOTED.match(lines[end].stripped)):
            quoted += not lines[end].is_blank
            end += 1
        while end > start and lines[end - 1].is_blank:  # the blank lines after the quote are not its own
            end -= 1
        if quoted and (attributed or quoted >= 2):
            spans += [whole_line(lines[number]) for number in range(index, end)]
        index = max(index + 1, end)  # the run read is read once: time linear in the number of lines
    return spans


def _header_blocks(lines: list[Line]) -> list[Span]:
    """Three fields of a message's header or more, on consecutive lines or on one line, and the separator
    line right above them."""
    spans: list[Span] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _FIELD.fullmatch(lines[end].stripped):
            end += 1
        opens = _SENDER.match(lines[index].stripped) is not None  # « Date, À, Objet » may be an invitation's
        one_line = opens and len(_FIELD_INSIDE.findall(lines[index].stripped)) >= 3
        if opens and (end - index >= 3 or one_line):
            first = index - 1 if index and _SEPARATOR.fullmatch(lines[index - 1].stripped) else index
            spans += [whole_line(lines[number]) for number in range(first, max(end, index + 1))]
        elif _SEPARATOR.fullmatch(lines[index].stripped):
            spans.append(whole_line(lines[index]))
        index = max(index + 1, end)
    return spans


def _signatures(lines: list[Line]) -> list[Span]:
    """A signature: after « -- », or a closing formula and the short lines under it, up to the end or to the
    next part of the mail (a quoted message, a header block, a notice); « Envoyé de mon iPhone »."""
    spans: list[Span] = []
    for index, line in enumerate(lines):
        stripped = line.stripped
        if _SENT_FROM.fullmatch(stripped):
            spans.append(whole_line(line))
            continue
        delimiter = _SIGNATURE_DELIMITER.fullmatch(stripped) is not None
        if not delimiter and not _CLOSING.fullmatch(stripped):
            continue
        end = _signature_end(lines, index + 1)
        if end is None:
            continue
        signed = [other for other in lines[index + 1:end] if not other.is_blank]
        if (delimiter and not any(_paragraph(other.stripped) for other in signed)) or \
                (signed and all(_signature_line(other.stripped) for other in signed)):
            spans += [whole_line(other) for other in lines[index:end]]
    return spans


def _signature_end(lines: list[Line], start: int) -> int | None:
    """Where the signature opening before `start` ends; None when more than `_SIGNATURE_LINES` lines follow
    before the next part of the mail: that is no signature (and a text of many closing formulas is read in
    linear time)."""
    end, signed = start, 0
    while end < len(lines):
        stripped = lines[end].stripped
        if (_ATTRIBUTION.fullmatch(stripped) or _QUOTED.match(stripped) or _FIELD.fullmatch(stripped)
                or _SEPARATOR.fullmatch(stripped) or _notice(lines[end]) or _SENT_FROM.fullmatch(stripped)):
            break
        signed += bool(stripped)
        if signed > _SIGNATURE_LINES:
            return None
        end += 1
    while end > start and lines[end - 1].is_blank:
        end -= 1
    return end


def _paragraph(text: str) -> bool:
    """A sentence of the message's own: long, and ending as a sentence ends."""
    return len(text.split()) > _PARAGRAPH_WORDS and text.endswith((".", "!", "?", "…"))


def _signature_line(text: str) -> bool:
    """A line of a signature: short, and no sentence (a sentence of the message ends with its point)."""
    words = text.split()
    return len(words) <= _SIGNATURE_LINE_WORDS and not (text.endswith((".", "!", "?")) and len(words) > 4)


def _mailing(line: Line) -> bool:
    """A line a newsletter's sending program writes (online version, unsubscribing, why one receives it)."""
    stripped = line.stripped
    return len(stripped.split()) <= _MAILING_WORDS and _MAILING.fullmatch(stripped) is not None


def _notice(line: Line) -> bool:
    """A server's notice: a paragraph on the message itself (confidential, printed, received by mistake)."""
    stripped = line.stripped
    return (len(stripped.split()) <= _NOTICE_WORDS and _MAIL_WORDS.search(stripped) is not None
            and len(_NOTICE.findall(stripped)) >= (1 if re.search(r"imprim|print", stripped, re.I) else 2))
