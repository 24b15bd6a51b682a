"""Files that hold documents of their own: a zip archive's files (`readers.archive`) and a mail's attached
files (`readers.mail`). A document inside one is named by the container's path followed by its own name
(« envoi.zip/2019/cr.docx », « cr.eml/actes.pdf »); `pipeline.ingest` lists and reads it where it lies, and
the corpus folder is never unpacked or written to."""

from __future__ import annotations

from collections.abc import Callable
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
    with open(container, "rb") as handle:
        files = _ATTACHMENTS[suffix](handle.read())
    if name not in files:
        raise FileNotFoundError(name)
    return files[name]


def attachment_names(mail_file: Path) -> list[str]:
    """The names of the files attached to the mail `mail_file` (none when it cannot be read: the mail's own
    reading says why)."""
    try:
        with open(mail_file, "rb") as handle:
            return list(_ATTACHMENTS[mail_file.suffix.lower()](handle.read()))
    except Exception:  # noqa: BLE001 - a damaged mail: reported when the mail itself is read
        return []
