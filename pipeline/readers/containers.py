"""Files that hold documents of their own: an archive's files (`readers.archive`: zip, tar), a mailbox's
messages (`readers.mbox`) and a mail's attached files and messages (`readers.mail`). A document inside one
is named by the container's path followed by its own name (« envoi.zip/2019/cr.docx », « cr.eml/actes.pdf »,
« lettres.mbox/003 Compte rendu.eml »). A container may lie in another
(a zip attached to a mail, mails kept in a zip, a forwarded message): its documents are named along the way
(« envoi.zip/cr.eml/actes.pdf »), down to `MAX_DEPTH` containers. `pipeline.ingest` lists and reads them
where they lie; the corpus folder is never unpacked or written to."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from pipeline.errors import UnreadableFile
from pipeline.readers import archive, mail, mbox
from pipeline.types import MAIL_SUFFIXES

# Containers inside containers read: a zip attached to a mail kept in a zip is three. Deeper ones are listed
# as skipped (an archive that holds itself, a « zip bomb » of nested archives, would never end).
MAX_DEPTH = 4
_OPENED_KEPT = 8  # containers kept open, the most recently used: a corpus's documents are read in id order


def container_kind(name: str) -> str | None:
    """« zip », « tar », « mbox », « eml » or « msg » for a container's file name; None for another name."""
    if kind := archive.archive_kind(name):
        return kind
    path = PurePosixPath(name)
    suffix = path.suffix.lower()
    if suffix == mbox.MBOX_SUFFIX or path.name == mbox.MBOX_FILE_NAME:
        return "mbox"
    return suffix[1:] if suffix in MAIL_SUFFIXES else None


def is_collection(name: str) -> bool:
    """Whether `name` is a container that is no document itself (an archive, a mailbox; a mail has a body)."""
    return container_kind(name) in ("zip", "tar", "mbox")


class Container:
    """A container opened: the names of the documents it holds, and each one's bytes."""

    def __init__(self, kind: str, source: Path | bytes, key: tuple) -> None:
        self.kind, self.key = kind, key  # the key: what it is opened from, for the cache of opened ones
        self._files: archive.ZipArchive | archive.FilesInMemory | mbox.Mailbox
        if kind in ("zip", "tar"):
            self._files = archive.opened(kind, source)
        elif kind == "mbox":
            self._files = mbox.Mailbox(source)
        else:
            raw = source.read_bytes() if isinstance(source, Path) else source
            try:
                self._files = archive.FilesInMemory(mail.attached_files(kind, raw), every_name=True)
            except UnreadableFile:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged mail: said as such
                raise UnreadableFile(f"pièces jointes illisibles ({type(exc).__name__}: {exc})") from None

    def names(self) -> list[str]:
        """The names of what it holds, in order (an archive's hidden files and resources left out)."""
        return self._files.names()

    def __contains__(self, name: str) -> bool:
        return name in self._files

    def read(self, name: str) -> bytes:
        """The bytes of `name`. Raises FileNotFoundError when it is not there, UnreadableFile when it cannot
        be read."""
        return self._files.read(name)


def on_disk(path: Path) -> Container:
    """The container in the file `path`, opened once while its documents are listed, hashed and read (opened
    again when it changes, and in each worker process: an open file is not shared across a fork)."""
    kind = container_kind(path.name)
    if kind is None:
        raise ValueError(f"{path} is no container")
    stat = path.stat()  # a file replaced has another inode; one rewritten in place, another change time
    key = (os.getpid(), str(path), stat.st_ino, stat.st_ctime_ns, stat.st_mtime_ns, stat.st_size)
    return _cached(key, lambda: Container(kind, path, key))


def nested(container: Container, name: str) -> Container:
    """The container `name` inside `container`."""
    kind = container_kind(name)
    if kind is None:
        raise ValueError(f"{name} is no container")
    key = (*container.key, name)
    return _cached(key, lambda: Container(kind, container.read(name), key))


def locate(path: Path) -> tuple[Path, str] | None:
    """The container on disk and the member name `path` stands for, when one of its folders is a container
    file and `path` itself is no file; None otherwise. The member name may go through containers inside it
    (« cr.eml/actes.zip/cr.docx »)."""
    if path.exists():
        return None
    for parent in reversed(path.parents):
        if container_kind(parent.name) and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def read_member(container_path: Path, name: str) -> bytes:
    """The bytes of the document `name` of the container `container_path`, going through the containers
    inside it that `name` names. Raises FileNotFoundError when it is not there (any more), UnreadableFile
    when it cannot be read."""
    container = on_disk(container_path)
    while name not in container:
        inner = inner_container(container, name)
        if inner is None:
            raise FileNotFoundError(name)
        container, name = nested(container, inner), name[len(inner) + 1:]
    return container.read(name)


def inner_container(container: Container, name: str) -> str | None:
    """The container inside `container` that the path `name` goes through, the longest one named."""
    parts = name.split("/")
    for end in range(len(parts) - 1, 0, -1):
        head = "/".join(parts[:end])
        if container_kind(head) and head in container:
            return head
    return None


_OPENED: OrderedDict[tuple, Container] = OrderedDict()


def _cached(key: tuple, open_: Callable[[], Container]) -> Container:
    if key in _OPENED:
        _OPENED.move_to_end(key)
        return _OPENED[key]
    container = open_()
    _OPENED[key] = container
    while len(_OPENED) > _OPENED_KEPT:
        _OPENED.popitem(last=False)
    return container
