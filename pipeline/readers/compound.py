"""Compound files (OLE2), the container of Word and PowerPoint 97-2003 files and Outlook messages, opened
with olefile for the readers of those formats: what goes wrong with the container itself (damaged, cut,
protected by a password) is said here, in the format's words."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.errors import UnreadableFile

# An Office file protected by a password (any generation, .docx included) is a compound file holding the
# encrypted package
_ENCRYPTED = ("EncryptedPackage", "EncryptionInfo")


def password_protected(what: str, *, feminine: bool = False) -> UnreadableFile:
    """The reason given for a file `what` names (« document Word ») that a password protects."""
    ending = "e" if feminine else ""
    return UnreadableFile(f"{what} protégé{ending} par un mot de passe : enregistrez-en une copie "
                          "sans mot de passe")


@contextmanager
def opened(raw: bytes, kind: str, *, feminine: bool = False) -> Iterator[Compound]:
    """The compound file `raw`, `kind` naming its format in messages (« document Word 97-2003 », with
    `feminine` for « présentation … »)."""
    import olefile  # imported when such a file is met

    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
    except (OSError, ValueError, struct.error, IndexError) as exc:  # a damaged header or sector table
        raise UnreadableFile(f"{kind} illisible ({type(exc).__name__})") from None
    with ole:
        if any(ole.exists(name) for name in _ENCRYPTED):
            raise password_protected("document Office")
        yield Compound(ole, kind, feminine)


class Compound:
    def __init__(self, ole, kind: str, feminine: bool) -> None:
        self.ole, self.kind, self.ending = ole, kind, "e" if feminine else ""

    def exists(self, name: str) -> bool:
        return bool(self.ole.exists(name))

    def stream(self, name: str, *, required: bool = True) -> bytes:
        """The whole stream `name` (b"" when it is absent and not `required`). olefile gives what it finds of
        a stream cut short, which is no text to read: that is said as such."""
        if not self.ole.exists(name):
            if required:
                raise UnreadableFile(f"{self.kind} incomplet{self.ending} (flux « {name} » absent)")
            return b""
        try:
            data = self.ole.openstream(name).read()
        except (OSError, ValueError) as exc:  # a storage where the stream should be, a broken sector chain
            raise UnreadableFile(f"{self.kind} endommagé{self.ending} ({exc})") from None
        if len(data) < self.ole.get_size(name):
            raise UnreadableFile(f"{self.kind} tronqué{self.ending} (le fichier s'arrête avant sa fin)")
        return data

    def folders(self, prefix: str, inside: str = "") -> list[str]:
        """The storages whose name starts with `prefix`, at the top or in the storage `inside` (a path,
        « a/b/ »), by path, in name order."""
        parent = [part for part in inside.split("/") if part]
        depth = len(parent)
        return sorted({"/".join(entry[:depth + 1]) for entry in self.ole.listdir(streams=True, storages=False)
                       if len(entry) > depth + 1 and entry[:depth] == parent
                       and entry[depth].startswith(prefix)})
