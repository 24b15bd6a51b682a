"""E-mails saved as files: `.eml` (the standard format every mail program saves and exports) and `.msg`
(Outlook's, a compound file of MAPI properties, read with olefile). A report is often sent round as a mail,
or a network's newsletter kept as one.

Each gives its body, as HTML when the mail has an HTML body (the richer one, read by `pipeline.ingest` as
any web page) or as text, and what the mail says of itself: its subject (the report's title), sender and
date, and the names of its attachments, which are not read here (a note names them, to be added to the
corpus as files of their own)."""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
import struct
from dataclasses import dataclass
from email.message import EmailMessage

from pipeline.errors import UnreadableFile
from pipeline.readers.compound import opened

UNREAD_ATTACHMENTS = "pièces jointes non lues"  # how a mail's note on its attachments begins


@dataclass(frozen=True)
class MailBody:
    content: bytes
    charset: str | None  # None: the HTML's own declaration, or the bytes, say it
    is_html: bool
    subject: str = ""
    sender: str = ""
    date: str = ""  # ISO date, yyyy-mm-dd
    attachments: tuple[str, ...] = ()

    def metadata(self) -> dict[str, str]:
        """The mail's subject, sender and date as the report's variables (`pipeline.metadata`)."""
        found = {"titre": self.subject, "auteur": self.sender, "date": self.date}
        return {name: value for name, value in found.items() if value}

    def notes(self) -> tuple[str, ...]:
        if not self.attachments:
            return ()
        names = ", ".join(self.attachments[:5]) + (" …" if len(self.attachments) > 5 else "")
        return (f"{UNREAD_ATTACHMENTS} ({len(self.attachments)}) : {names} ; pour les analyser, "
                "déposez-les dans le corpus",)


def eml_body(raw: bytes) -> MailBody:
    """The body of a mail in the standard format (RFC 5322, MIME)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(message.get(name) for name in
                                                        ("From", "To", "Subject", "Date", "MIME-Version")):
        raise UnreadableFile("pas un courriel (aucun en-tête From, To, Subject ou Date)")
    attachments = tuple(part.get_filename() or part.get_content_type() for part in message.iter_attachments())
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        raise UnreadableFile("courriel sans texte (ni partie texte ni partie HTML)")
    payload = body.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise UnreadableFile("courriel au corps vide")
    return MailBody(payload, body.get_content_charset(), body.get_content_type() == "text/html",
                    _header_text(message, "Subject"), _sender(message), _iso_date(message.get("Date", "")),
                    attachments)


# MAPI property streams of an Outlook message: name `__substg1.0_` + property id + type (001F: UTF-16, 001E:
# 8-bit, 0102: binary)
_SUBJECT, _SENDER_NAME, _SENDER_ADDRESS, _HEADERS = "0037", "0C1A", "0C1F", "007D"
_BODY, _HTML = "1000", "1013"
_ATTACHMENT_NAMES = ("3707", "3704", "3001")  # long file name, short file name, display name
_CODE_PAGE_TAG = 0x3FFD0003  # PR_MESSAGE_CODEPAGE, in the properties stream
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def msg_body(raw: bytes) -> MailBody:
    """The body of an Outlook message (.msg)."""
    with opened(raw, "message Outlook") as compound:
        if not compound.exists("__properties_version1.0"):
            raise UnreadableFile("fichier Office qui n'est pas un message Outlook (aucune propriété de "
                                 "message)")
        code_page = _code_page(compound.stream("__properties_version1.0"))

        def text(prefix: str, tag: str) -> str:
            unicode = compound.stream(f"{prefix}__substg1.0_{tag}001F", required=False)
            if unicode:
                return unicode.decode("utf-16-le", errors="replace").rstrip("\0")
            eight_bit = compound.stream(f"{prefix}__substg1.0_{tag}001E", required=False)
            return eight_bit.decode(code_page, errors="replace").rstrip("\0")

        folders = compound.folders("__attach_version1.0_")
        attachments = tuple(next((name for tag in _ATTACHMENT_NAMES if (name := text(f"{folder}/", tag))),
                                 "pièce jointe sans nom") for folder in folders)
        subject, sender = text("", _SUBJECT), text("", _SENDER_NAME) or text("", _SENDER_ADDRESS)
        headers = email.message_from_string(text("", _HEADERS), policy=email.policy.default)
        html = compound.stream(f"__substg1.0_{_HTML}0102", required=False)
        plain = text("", _BODY)
    date = _iso_date(headers.get("Date", "")) if headers else ""
    if html.strip(b"\0 \r\n"):
        declared = _META_CHARSET.search(html[:4096])
        return MailBody(html.rstrip(b"\0"), None if declared else code_page, True, subject, sender, date,
                        attachments)
    if plain.strip():
        return MailBody(plain.encode("utf-8"), "utf-8", False, subject, sender, date, attachments)
    raise UnreadableFile("message Outlook sans texte (ni corps texte ni corps HTML)")


def _code_page(properties: bytes) -> str:
    """The message's code page, for its 8-bit strings: Windows-1252 unless the message says otherwise."""
    # fixed-size entries of 16 bytes (tag, flags, value) after a header of 32 bytes (24 in an attachment)
    for offset in range(32, len(properties) - 15, 16):
        tag, _, value = struct.unpack_from("<III", properties, offset)
        if tag == _CODE_PAGE_TAG:
            name = f"cp{value}" if value != 65001 else "utf-8"
            try:
                "".encode(name)
            except LookupError:
                break
            return name
    return "cp1252"


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "")).split())
    except (ValueError, TypeError):  # a header whose encoded words cannot be decoded
        return ""


def _sender(message: EmailMessage) -> str:
    name, address = email.utils.parseaddr(_header_text(message, "From"))
    return name or address


def _iso_date(value: str) -> str:
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
    return parsed.date().isoformat() if parsed is not None else ""
