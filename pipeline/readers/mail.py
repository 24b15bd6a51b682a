"""E-mails saved as files: `.eml` (the standard format every mail program saves and exports) and `.msg`
(Outlook's, a compound file of MAPI properties, read with olefile). A report is often sent round as a mail,
or a network's newsletter kept as one.

Each gives its body, as HTML when the mail has an HTML body (the richer one, read by `pipeline.ingest` as
any web page) or as text, and what the mail says of itself: its subject (the report's title), sender and
date; and its attached files, each a document of the corpus when its format is read (« cr.eml/actes.pdf »,
`readers.containers`). The attachments that are not (an attached message, a spreadsheet) are named in a
note."""

from __future__ import annotations

import email
import email.policy
import email.utils
import mimetypes
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import PurePosixPath

from pipeline.errors import UnreadableFile
from pipeline.readers.compound import Compound, opened
from pipeline.types import PICTURE_SUFFIXES

UNREAD_ATTACHMENTS = "pièces jointes non lues"  # how a mail's note on its attachments begins
_ATTACHED_MESSAGE = "message joint"
_UNNAMED = "pièce jointe"  # a file attached without a name (a picture in the text), its type's suffix added


@dataclass(frozen=True)
class MailBody:
    content: bytes
    charset: str | None  # None: the HTML's own declaration, or the bytes, say it
    is_html: bool
    subject: str = ""
    sender: str = ""
    date: str = ""  # ISO date, yyyy-mm-dd
    attachments: tuple[str, ...] = ()  # the attached files' names
    messages: tuple[str, ...] = ()  # the attached messages' names (a forwarded mail)

    def metadata(self) -> dict[str, str]:
        """The mail's subject, sender and date as the report's variables (`pipeline.metadata`)."""
        found = {"titre": self.subject, "auteur": self.sender, "date": self.date}
        return {name: value for name, value in found.items() if value}

    def notes(self, read: Callable[[str], bool]) -> tuple[str, ...]:
        """A note naming the attachments not read as documents of their own (`read` says which are, by
        name), pictures left out: a signature's logo is no report."""
        files = [name for name in self.attachments
                 if not read(name) and PurePosixPath(name).suffix.lower() not in PICTURE_SUFFIXES]
        unread = [*files, *self.messages]
        if not unread:
            return ()
        names = ", ".join(unread[:5]) + (" …" if len(unread) > 5 else "")
        return (f"{UNREAD_ATTACHMENTS} ({len(unread)}) : {names} ; pour les analyser, enregistrez-les dans "
                "le corpus",)


def eml_body(raw: bytes) -> MailBody:
    """The body of a mail in the standard format (RFC 5322, MIME)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not any(message.get(name) for name in
                                                        ("From", "To", "Subject", "Date", "MIME-Version")):
        raise UnreadableFile("pas un courriel (aucun en-tête From, To, Subject ou Date)")
    attachments = tuple(_eml_files(message))
    messages = tuple(part.get_filename() or _ATTACHED_MESSAGE for part in message.iter_attachments()
                     if part.get_content_type() == "message/rfc822")
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        raise UnreadableFile("courriel sans texte (ni partie texte ni partie HTML)")
    payload = body.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise UnreadableFile("courriel au corps vide")
    return MailBody(payload, body.get_content_charset(), body.get_content_type() == "text/html",
                    _header_text(message, "Subject"), _sender(message), _iso_date(message.get("Date", "")),
                    attachments, messages)


def eml_attachments(raw: bytes) -> dict[str, bytes]:
    """The files attached to a mail in the standard format, by a name unique in the mail."""
    return _eml_files(email.message_from_bytes(raw, policy=email.policy.default))


def _eml_files(message: EmailMessage) -> dict[str, bytes]:
    files = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if part.get_content_type() != "message/rfc822" and isinstance(payload, bytes):
            unnamed = _UNNAMED + (mimetypes.guess_extension(part.get_content_type()) or "")
            files.append((part.get_filename() or unnamed, payload))
    return _by_unique_name(files)


def _by_unique_name(files: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Attached files by name, a name made safe as a path's last part and told apart from another file's of
    the same name (« actes (2).pdf »)."""
    named: dict[str, bytes] = {}
    for name, data in files:
        name = " ".join(name.replace("/", "_").replace("\\", "_").split()).lstrip(".") or _UNNAMED
        stem, dot, suffix = name.rpartition(".")
        unique, copy = name, 1
        while unique in named:
            copy += 1
            unique = f"{stem} ({copy}).{suffix}" if dot and stem else f"{name} ({copy})"
        named[unique] = data
    return named


# MAPI property streams of an Outlook message: name `__substg1.0_` + property id + type (001F: UTF-16, 001E:
# 8-bit, 0102: binary)
_SUBJECT, _SENDER_NAME, _SENDER_ADDRESS, _HEADERS = "0037", "0C1A", "0C1F", "007D"
_BODY, _HTML = "1000", "1013"
_ATTACHMENT_NAMES = ("3707", "3704", "3001")  # long file name, short file name, display name
_ATTACHMENT_DATA, _ATTACHMENT_EXTENSION = "37010102", "3703"
_CODE_PAGE_TAG = 0x3FFD0003  # PR_MESSAGE_CODEPAGE, in the properties stream
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def msg_body(raw: bytes) -> MailBody:
    """The body of an Outlook message (.msg)."""
    with opened(raw, "message Outlook") as compound:
        if not compound.exists("__properties_version1.0"):
            raise UnreadableFile("fichier Office qui n'est pas un message Outlook (aucune propriété de "
                                 "message)")
        code_page = _code_page(compound.stream("__properties_version1.0"))

        def text(tag: str) -> str:
            return _msg_text(compound, "", tag, code_page)

        attachments = tuple(_msg_files(compound, code_page))
        messages = tuple(_msg_messages(compound, code_page))
        subject, sender = text(_SUBJECT), text(_SENDER_NAME) or text(_SENDER_ADDRESS)
        headers = email.message_from_string(text(_HEADERS), policy=email.policy.default)
        html = compound.stream(f"__substg1.0_{_HTML}0102", required=False)
        plain = text(_BODY)
    date = _iso_date(headers.get("Date", "")) if headers else ""
    if html.strip(b"\0 \r\n"):
        declared = _META_CHARSET.search(html[:4096])
        return MailBody(html.rstrip(b"\0"), None if declared else code_page, True, subject, sender, date,
                        attachments, messages)
    if plain.strip():
        return MailBody(plain.encode("utf-8"), "utf-8", False, subject, sender, date, attachments, messages)
    raise UnreadableFile("message Outlook sans texte (ni corps texte ni corps HTML)")


def msg_attachments(raw: bytes) -> dict[str, bytes]:
    """The files attached to an Outlook message, by a name unique in the message."""
    with opened(raw, "message Outlook") as compound:
        return _msg_files(compound, _code_page(compound.stream("__properties_version1.0", required=False)))


def _msg_files(compound: Compound, code_page: str) -> dict[str, bytes]:
    """The attachments that are files (an attached message is a storage, not data), by unique name."""
    files = []
    for folder in compound.folders("__attach_version1.0_"):
        data = compound.stream(f"{folder}/__substg1.0_{_ATTACHMENT_DATA}", required=False)
        if data:
            names = (_msg_text(compound, f"{folder}/", tag, code_page) for tag in _ATTACHMENT_NAMES)
            unnamed = _UNNAMED + _msg_text(compound, f"{folder}/", _ATTACHMENT_EXTENSION, code_page)
            files.append((next((name for name in names if name), unnamed), data))
    return _by_unique_name(files)


def _msg_messages(compound: Compound, code_page: str) -> list[str]:
    """The names of the messages attached to an Outlook message (each a storage of its own)."""
    return [_msg_text(compound, f"{folder}/", "3001", code_page) or _ATTACHED_MESSAGE
            for folder in compound.folders("__attach_version1.0_")
            if not compound.stream(f"{folder}/__substg1.0_{_ATTACHMENT_DATA}", required=False)]


def _msg_text(compound: Compound, prefix: str, tag: str, code_page: str) -> str:
    """A string property of the message (or of the attachment whose folder `prefix` names)."""
    unicode = compound.stream(f"{prefix}__substg1.0_{tag}001F", required=False)
    if unicode:
        return unicode.decode("utf-16-le", errors="replace").rstrip("\0")
    eight_bit = compound.stream(f"{prefix}__substg1.0_{tag}001E", required=False)
    return eight_bit.decode(code_page, errors="replace").rstrip("\0")


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
