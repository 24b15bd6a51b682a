"""E-mails saved as files: `.eml` (the standard format every mail program saves and exports) and `.msg`
(Outlook's, a compound file of MAPI properties, read with olefile). A report is often sent round as a mail,
or a network's newsletter kept as one.

Each gives its body, as HTML when the mail has an HTML body (the richer one, read whole by
`readers.mailhtml`, not as a web page: a mail has no site around it) or as text (for an Outlook message
whose only body is in Rich Text, that text: `readers.rtf`), and what the mail says of
itself: its subject (the report's title), sender and date; and its attached files, each a document of the
corpus when its format is read (« cr.eml/actes.pdf », `readers.containers`). A message attached to it (a
mail forwarded « as an attachment ») is one of them, as a standard mail (« cr.eml/Compte rendu.eml »), with
its own attachments; Outlook keeps it inside the .msg file, and it is written out as such a mail. The
attachments that are not read (a spreadsheet) are named in a note."""

from __future__ import annotations

import datetime
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

import compressed_rtf

from pipeline.errors import UnreadableFile
from pipeline.htmltags import HTML_BLOCK_TAGS
from pipeline.readers import rtf
from pipeline.readers.compound import Compound, opened
from pipeline.types import PICTURE_SUFFIXES

UNREAD_ATTACHMENTS = "pièces jointes non lues"  # how a mail's note on its attachments begins
_ATTACHED_MESSAGE = "message joint"
# What a file name cannot hold on Windows, or holds as a path's separator; « ? » would also read as a saved
# page's query (`ingest.name_suffix`)
_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|]')
# What mail programs put before a subject answered or forwarded, in French, English and German, repeated
_REPLY_MARKS = re.compile(r"^(?:\s*(?:re|ré|réf|tr|fw|fwd|aw|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_UNNAMED = "pièce jointe"  # a file attached without a name (a picture in the text), its type's suffix added


@dataclass(frozen=True)
class MailBody:
    content: bytes
    charset: str | None  # None: the HTML's own declaration, or the bytes, say it
    is_html: bool
    subject: str = ""
    sender: str = ""
    date: str = ""  # ISO date, yyyy-mm-dd
    attachments: tuple[str, ...] = ()  # the attached files' names (attached messages as `.eml` files)
    messages: tuple[str, ...] = ()  # the attached messages that could not be read (a damaged one)

    def metadata(self) -> dict[str, str]:
        """The mail's subject, sender and date as the report's variables (`pipeline.metadata`); the title
        without the marks a reply or a forward puts before the subject (« RE : TR: Compte rendu »), so that
        a report sent, answered and forwarded has one title."""
        title = _REPLY_MARKS.sub("", self.subject) or self.subject
        found = {"titre": title, "auteur": self.sender, "date": self.date}
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
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        raise UnreadableFile("courriel sans texte (ni partie texte ni partie HTML)")
    payload = body.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise UnreadableFile("courriel au corps vide")
    return MailBody(payload, body.get_content_charset(), body.get_content_type() == "text/html",
                    _header_text(message, "Subject"), _sender(message), _iso_date(message.get("Date", "")),
                    attachments)


def attached_files(kind: str, raw: bytes) -> dict[str, bytes]:
    """The files attached to a mail of `kind` (« eml », « msg »), by a name unique in the mail."""
    return eml_attachments(raw) if kind == "eml" else msg_attachments(raw)


def eml_attachments(raw: bytes) -> dict[str, bytes]:
    """The files attached to a mail in the standard format, by a name unique in the mail."""
    return _eml_files(email.message_from_bytes(raw, policy=email.policy.default))


def _eml_files(message: EmailMessage) -> dict[str, bytes]:
    files = []
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            attached = part.get_payload()
            attached = attached[0] if isinstance(attached, list) and attached else attached
            if isinstance(attached, email.message.Message):
                subject = _header_text(attached, "Subject")  # type: ignore[arg-type]
                files.append((_message_name(part.get_filename() or subject), attached.as_bytes()))
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            unnamed = _UNNAMED + (mimetypes.guess_extension(part.get_content_type()) or "")
            files.append((part.get_filename() or unnamed, payload))
    return _by_unique_name(files)


def safe_file_name(text: str) -> str:
    """`text` as a file name's part: the characters a name cannot hold written « _ »."""
    return _NOT_IN_FILE_NAMES.sub("_", text)


def _message_name(name: str) -> str:
    """The file name of an attached message: its own, or its subject, as a mail's (`.eml`)."""
    name = safe_file_name(name or _ATTACHED_MESSAGE)
    return name if name.lower().endswith(".eml") else f"{name[:120]}.eml"


def _by_unique_name(files: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Attached files by name, a name made safe as a path's last part and told apart from another file's of
    the same name (« actes (2).pdf »)."""
    named: dict[str, bytes] = {}
    for name, data in files:
        name = " ".join(safe_file_name(name).split()).lstrip(".") or _UNNAMED
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
_RTF_BODY = "__substg1.0_10090102"  # PR_RTF_COMPRESSED: the body in Rich Text, compressed ([MS-OXRTFCP])
# Largest Rich Text body read: the decompressor is pure Python (0.35 s for 1.4 MB, and as long again to read
# the text), and a body that large is pictures written as hexadecimal digits, not a letter
_MAX_RTF_BODY = 20_000_000
# A body Outlook got as HTML is kept in Rich Text with the HTML's tags in groups an RTF reader skips
# ([MS-OXRTFEX]); the breaks between blocks are often only in those tags, and the paragraph before a tag
# such as « </h1> » would run into the next one. Such a group of a block's tag (`htmltags`) is read as a
# paragraph end.
_HTML_BLOCK_TAG = re.compile(
    rb"\{\\\*\\htmltag\d*\s?<\s*/?\s*(?:" + "|".join(sorted(HTML_BLOCK_TAGS)).encode() + rb")\b[^{}]*\}",
    re.IGNORECASE)
_ATTACHMENT_NAMES = ("3707", "3704", "3001")  # long file name, short file name, display name
_ATTACHMENT_DATA, _ATTACHMENT_EXTENSION = "37010102", "3703"
_EMBEDDED_MESSAGE = "__substg1.0_3701000D"  # a storage: an attached message (or an OLE object)
_PROPERTIES = "__properties_version1.0"
# The fixed-size properties stream's header: 32 bytes for the message, 24 for a message attached to it
_TOP_HEADER, _EMBEDDED_HEADER = 32, 24
_CODE_PAGE_TAG = 0x3FFD0003  # PR_MESSAGE_CODEPAGE
# When it was sent (PR_CLIENT_SUBMIT_TIME) or received (PR_MESSAGE_DELIVERY_TIME): a FILETIME, for a message
# without transport headers (one saved from the drafts or sent items, or attached to another)
_TIME_TAGS = (0x00390040, 0x0E060040)
_MAX_NESTED_MESSAGES = 8  # messages attached to attached messages written out, deeper ones left out
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def msg_body(raw: bytes) -> MailBody:
    """The body of an Outlook message (.msg)."""
    with opened(raw, "message Outlook") as compound:
        if not compound.exists(_PROPERTIES):
            raise UnreadableFile("fichier Office qui n'est pas un message Outlook (aucune propriété de "
                                 "message)")
        message = _OutlookMessage(compound, "", _TOP_HEADER)
        files, unread = message.files()
        subject, sender, date = message.subject(), message.sender(), message.date()
        html = message.html()
        plain = "" if html else message.plain()
    if html:
        declared = _META_CHARSET.search(html[:4096])
        return MailBody(html, None if declared else message.code_page, True, subject, sender, date,
                        tuple(files), tuple(unread))
    if plain.strip():
        return MailBody(plain.encode("utf-8"), "utf-8", False, subject, sender, date, tuple(files),
                        tuple(unread))
    raise UnreadableFile("message Outlook sans texte (ni corps texte, ni HTML, ni texte enrichi)")


def msg_attachments(raw: bytes) -> dict[str, bytes]:
    """The files attached to an Outlook message, by a name unique in the message; an attached message
    written out as a standard mail (`.eml`)."""
    with opened(raw, "message Outlook") as compound:
        return _OutlookMessage(compound, "", _TOP_HEADER).files()[0]


class _OutlookMessage:
    """The message at the top of an Outlook file, or one attached to it (its storage's path, `root`)."""

    def __init__(self, compound: Compound, root: str, header: int, depth: int = 0) -> None:
        self.compound, self.root, self.depth = compound, root, depth
        self.properties = _fixed_properties(compound.stream(f"{root}{_PROPERTIES}", required=False), header)
        self.code_page = _code_page(self.properties.get(_CODE_PAGE_TAG))

    def text(self, tag: str, root: str | None = None) -> str:
        """A string property of the message (or of the attachment whose storage is `root`)."""
        return _msg_text(self.compound, self.root if root is None else root, tag, self.code_page)

    def subject(self) -> str:
        return self.text(_SUBJECT)

    def sender(self) -> str:
        return self.text(_SENDER_NAME) or self.text(_SENDER_ADDRESS)

    def date(self) -> str:
        headers = email.message_from_string(self.text(_HEADERS), policy=email.policy.default)
        if headers and (date := _iso_date(headers.get("Date", ""))):
            return date
        return next((date for tag in _TIME_TAGS if (date := _filetime_date(self.properties.get(tag)))), "")

    def html(self) -> bytes:
        html = self.compound.stream(f"{self.root}__substg1.0_{_HTML}0102", required=False)
        return html.rstrip(b"\0") if html.strip(b"\0 \r\n") else b""

    def plain(self) -> str:
        """The text body; for a message saved with its body in Rich Text alone (some clients write no text
        body beside it), the text of that body."""
        if (text := self.text(_BODY)).strip():
            return text
        compressed = self.compound.stream(f"{self.root}{_RTF_BODY}", required=False)
        if len(compressed) < 16:
            return text
        declared_size = struct.unpack_from("<I", compressed, 4)[0]
        if declared_size > _MAX_RTF_BODY:
            raise UnreadableFile(f"corps en texte enrichi trop grand ({declared_size // 1_000_000} Mo)")
        try:
            source = compressed_rtf.decompress(compressed)
            if b"\\fromhtml" in source[:1024]:
                source = _HTML_BLOCK_TAG.sub(rb"\\par ", source)
            return rtf.read(source)[0] if source.strip() else text
        except UnreadableFile:
            raise
        except Exception as exc:  # the library raises a bare Exception for a bad header or checksum, and a
            # damaged body may trip the RTF reader: the message's fault (an attached message's alone)
            raise UnreadableFile(f"corps en texte enrichi endommagé ({exc})") from None

    def files(self) -> tuple[dict[str, bytes], list[str]]:
        """The attached files by unique name, attached messages among them as standard mails; and the
        names of the attached messages that could not be written out."""
        files, unread = [], []
        for folder in self.compound.folders("__attach_version1.0_", inside=self.root):
            data = self.compound.stream(f"{folder}/__substg1.0_{_ATTACHMENT_DATA}", required=False)
            names = (self.text(tag, f"{folder}/") for tag in _ATTACHMENT_NAMES)
            if data:
                unnamed = _UNNAMED + self.text(_ATTACHMENT_EXTENSION, f"{folder}/")
                files.append((next((name for name in names if name), unnamed), data))
                continue
            embedded = f"{folder}/{_EMBEDDED_MESSAGE}/"
            if not self.compound.exists(f"{embedded}{_PROPERTIES}"):
                continue  # an OLE object (a drawing, an equation), no document
            name = next((name for name in names if name), "")
            try:
                if self.depth >= _MAX_NESTED_MESSAGES:
                    raise UnreadableFile("messages joints imbriqués trop profondément")
                attached = _OutlookMessage(self.compound, embedded, _EMBEDDED_HEADER, self.depth + 1)
                files.append((_message_name(name or attached.subject()), attached.as_eml()))
            except UnreadableFile:
                unread.append(name or _ATTACHED_MESSAGE)
        return _by_unique_name(files), unread

    def as_eml(self) -> bytes:
        """The message as a standard mail: its subject, sender, date, body and attached files."""
        message = EmailMessage()
        if subject := self.subject():
            message["Subject"] = " ".join(subject.split())
        if sender := self.sender():
            message["From"] = email.utils.formataddr((" ".join(sender.split()), ""))
        if date := self.date():
            message["Date"] = email.utils.format_datetime(datetime.datetime.fromisoformat(date))
        html = self.html()
        plain = "" if html else self.plain()
        if html:
            declared = _META_CHARSET.search(html[:4096])
            charset = declared.group(1).decode("ascii") if declared else self.code_page
            message.set_content(html, maintype="text", subtype="html", cte="base64")
            message.set_param("charset", charset)
        elif plain.strip():
            message.set_content(plain, charset="utf-8")
        else:
            raise UnreadableFile("message joint sans texte")
        files, _ = self.files()
        for name, data in files.items():
            if name.lower().endswith(".eml"):
                message.add_attachment(email.message_from_bytes(data, policy=email.policy.default),
                                       filename=name)
            else:
                message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
        return message.as_bytes()


def _msg_text(compound: Compound, prefix: str, tag: str, code_page: str) -> str:
    """A string property of the message (or of the attachment whose folder `prefix` names)."""
    unicode = compound.stream(f"{prefix}__substg1.0_{tag}001F", required=False)
    if unicode:
        return unicode.decode("utf-16-le", errors="replace").rstrip("\0")
    eight_bit = compound.stream(f"{prefix}__substg1.0_{tag}001E", required=False)
    return eight_bit.decode(code_page, errors="replace").rstrip("\0")


def _fixed_properties(stream: bytes, header: int) -> dict[int, bytes]:
    """The fixed-size properties of a properties stream, by tag: entries of 16 bytes (tag, flags, an 8-byte
    value) after the stream's header."""
    return {struct.unpack_from("<I", stream, offset)[0]: stream[offset + 8:offset + 16]
            for offset in range(header, len(stream) - 15, 16)}


def _code_page(value: bytes | None) -> str:
    """The message's code page, for its 8-bit strings: Windows-1252 unless the message says otherwise."""
    if value is None:
        return "cp1252"
    number = struct.unpack_from("<I", value)[0]
    name = f"cp{number}" if number != 65001 else "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "cp1252"
    return name


def _filetime_date(value: bytes | None) -> str:
    """A FILETIME (100-nanosecond steps since 1601) as an ISO date; empty when absent or out of range."""
    if value is None:
        return ""
    steps = struct.unpack_from("<Q", value)[0]
    try:
        when = datetime.datetime(1601, 1, 1) + datetime.timedelta(microseconds=steps // 10)
    except OverflowError:
        return ""
    return when.date().isoformat() if 1980 <= when.year <= 2100 else ""


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
