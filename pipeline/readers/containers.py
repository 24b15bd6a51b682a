"""Files that hold documents of their own: a zip archive's files (`readers.archive`) and a mail's attached
files (`readers.mail`). A document inside one is named by the container's path followed by its own name
(« envoi.zip/2019/cr.docx », « cr.eml/actes.pdf »); `pipeline.ingest` lists and reads it where it lies, and
the corpus folder is never unpacked or written to."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pipeline.readers import archive, mail

MAIL_SUFFIXES = (".eml", ".msg")
_ATTACHMENTS: dict[str, Callable[[bytes], dict[str, bytes]]] = {
    ".eml": mail.eml_attachments, ".msg": mail.msg_attachments}


def locate(path: Path) -> tuple[Path, str] | None:
    """The container and member name `path` stands for, when one of its folders is a container on disk and
    `path` itself is no file; None otherwise."""
    if path.exists():
        return None
    for parent in path.parents:
        suffix = parent.suffix.lower()
        if (suffix == archive.ARCHIVE_SUFFIX or suffix in _ATTACHMENTS) and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def read_member(container: Path, name: str) -> bytes:
    """The bytes of the document `name` of `container`. Raises FileNotFoundError when it is not there (any
    more), UnreadableFile when it cannot be read."""
    suffix = container.suffix.lower()
    if suffix == archive.ARCHIVE_SUFFIX:
        return archive.read_member(container, name)
    files = _attachments(container)
    if name not in files:
        raise FileNotFoundError(name)
    return files[name]


def attachment_names(mail_file: Path) -> list[str]:
    """The names of the files attached to the mail `mail_file` (none when it cannot be read: the mail's own
    reading says why)."""
    try:
        return list(_attachments(mail_file))
    except Exception:  # noqa: BLE001 - a damaged mail: reported when the mail itself is read
        return []


def _attachments(mail_file: Path) -> dict[str, bytes]:
    stat = mail_file.stat()
    return _parsed(str(mail_file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _parsed(mail_file: str, modified: int, size: int) -> dict[str, bytes]:
    """A mail's attached files, parsed once while its documents are listed, hashed and read one after the
    other (parsed again when the mail changes)."""
    with open(mail_file, "rb") as handle:
        return _ATTACHMENTS[Path(mail_file).suffix.lower()](handle.read())
