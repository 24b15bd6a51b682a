"""Mailboxes exported as one file (`.mbox`: Thunderbird's export, Google Takeout, Apple Mail's « Exporter la
boîte aux lettres », which writes a folder `Nom.mbox/` holding a file named `mbox`): each message a mail of
the corpus, read where it lies (« lettres.mbox/003 Compte rendu.eml », `readers.containers`), with its own
attachments.

The format puts the messages end to end, each opened by a line « From sender date »; a line of the text
that began so is written « >From » (the `mboxrd` variant quotes « >From » too), and is given back without
its quote. The file is scanned once for where its messages start, and each message is read when asked for,
so that a mailbox of gigabytes is not held in memory."""

from __future__ import annotations

import email
import email.errors
import email.header
import email.parser
import email.policy
import io
import re
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import UnreadableFile
from pipeline.readers.mail import safe_file_name

MBOX_SUFFIX = ".mbox"
MBOX_FILE_NAME = "mbox"  # the file Apple Mail writes inside the folder it exports
# « From sender date »: the date as C's asctime writes it, its year last but for a time zone
_SEPARATOR = re.compile(rb"From \S+ .*\b(?:19|20)\d\d\b")
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_SUBJECT_CHARS = 80  # of a subject, in a message's name


class Mailbox:
    """The messages of an mbox file (or of its bytes), by name: their number in the mailbox and subject."""

    def __init__(self, source: Path | bytes) -> None:
        self._source = source
        try:
            with self._open() as handle:
                self._spans = _message_spans(handle)
                if not self._spans:
                    raise UnreadableFile("boîte de courriels (mbox) sans message (aucune ligne « From … »)")
                self._names = {self._name(number, handle, start, end): (start, end)
                               for number, (start, end) in enumerate(self._spans, start=1)}
        except OSError as exc:
            raise UnreadableFile(f"boîte de courriels illisible ({exc.strerror or exc})") from None

    def names(self) -> list[str]:
        return list(self._names)

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str) -> bytes:
        """The message `name`, as a standard mail (.eml)."""
        if name not in self._names:
            raise FileNotFoundError(name)
        start, end = self._names[name]
        with self._open() as handle:
            return _message_bytes(handle, start, end)

    def _open(self) -> BinaryIO:
        return io.BytesIO(self._source) if isinstance(self._source, bytes) else open(self._source, "rb")

    def _name(self, number: int, handle: BinaryIO, start: int, end: int) -> str:
        head = _message_bytes(handle, start, min(end, start + 65536)).split(b"\n\n", 1)[0]
        try:  # the header alone, with the compatible policy: parsing each whole message is 50 times slower
            raw = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)["Subject"]
            subject = " ".join(str(email.header.make_header(email.header.decode_header(raw))).split()) \
                if raw else ""
        except (ValueError, TypeError, IndexError, LookupError, email.errors.HeaderParseError):
            subject = ""  # a header whose encoded words cannot be decoded
        subject = safe_file_name(subject)[:_SUBJECT_CHARS].strip(" .")
        width = max(3, len(str(len(self._spans))))
        return f"{number:0{width}} {subject}.eml" if subject else f"{number:0{width}}.eml"


def _message_spans(handle: BinaryIO) -> list[tuple[int, int]]:
    """Where each message lies: from after its « From sender date » line to the next such line (a line of
    the text that began with « From » was quoted by the writer), without the blank line writers put between
    two messages."""
    starts: list[int] = []
    ends: list[int] = []
    offset, blank = 0, 0  # blank: the length of the line before when it was blank
    for line in handle:
        if _SEPARATOR.match(line):
            if starts:
                ends.append(offset - blank)
            starts.append(offset + len(line))
        elif not starts and line.strip():
            raise UnreadableFile("pas une boîte de courriels mbox (elle ne commence pas par « From … »)")
        blank = len(line) if not line.strip(b"\r\n") else 0
        offset += len(line)
    ends.append(offset - blank)
    return [(start, end) for start, end in zip(starts, ends, strict=False) if end > start]


def _message_bytes(handle: BinaryIO, start: int, end: int) -> bytes:
    handle.seek(start)
    return _QUOTED_FROM.sub(rb"\1", handle.read(end - start))
