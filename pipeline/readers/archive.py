"""Documents inside a zip archive left in the corpus folder (a corpus is often sent as one): listed and read
where they lie, never unpacked, so that the corpus folder stays as it is. A member is a document whose id is
the archive's path followed by the member's (« comptes-rendus.zip/2019/cr.docx »).

Member names are read as the archive wrote them: UTF-8 when it says so, otherwise UTF-8 when they are valid
UTF-8 (macOS and Linux tools), else the DOS code page Windows uses for French names (cp850). Folders of
resources, hidden files and macOS's `__MACOSX` copies are left out, as in a folder; an archive inside the
archive is not opened."""

from __future__ import annotations

import struct
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path, PurePosixPath

from pipeline.errors import UnreadableFile

ARCHIVE_SUFFIX = ".zip"
# Above this, a member is refused rather than decompressed into memory (a « zip bomb », or a video)
MAX_MEMBER_BYTES = 512 * 1024 * 1024
# what zipfile raises on a damaged archive or member: a broken header, an unknown version or compression,
# compressed data that does not inflate, a cut file
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, ValueError,
            struct.error, UnicodeDecodeError)
_UTF8_NAMES = 0x800
_ENCRYPTED = 0x1


def member_names(archive: Path) -> list[str]:
    """The names of the files in `archive` (folders, hidden files and macOS's copies left out), in order.
    Raises UnreadableFile when the archive cannot be opened."""
    try:
        stat = archive.stat()
        _, members = _opened(str(archive), stat.st_mtime_ns, stat.st_size)
    except (*_DAMAGED, OSError) as exc:
        raise UnreadableFile(f"archive zip illisible ({type(exc).__name__}: {exc})") from None
    return [name for name in members if _kept(name)]


def read_member(archive: Path, name: str) -> bytes:
    """The bytes of the member `name` of `archive`. Raises FileNotFoundError when it is not there (any
    more), UnreadableFile when it cannot be read."""
    try:
        stat = archive.stat()
        package, members = _opened(str(archive), stat.st_mtime_ns, stat.st_size)
        info = members.get(name)
        if info is None:
            raise FileNotFoundError(name)
        if info.flag_bits & _ENCRYPTED:
            raise UnreadableFile("fichier protégé par un mot de passe dans l'archive zip")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnreadableFile(f"fichier de {info.file_size // 2**20} Mo une fois décompressé, au-delà "
                                 f"de {MAX_MEMBER_BYTES // 2**20} Mo : décompressez-le à part")
        return package.read(info)
    except _DAMAGED as exc:
        raise UnreadableFile(f"fichier illisible dans l'archive zip ({type(exc).__name__}: {exc})") from None


@lru_cache(maxsize=4)
def _opened(archive: str, modified: int, size: int) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """The archive opened once for all its members (its directory is read at each opening: reading every
    member of an archive of thousands would read it thousands of times), opened again when it changes."""
    package = zipfile.ZipFile(archive)
    return package, {_name(info): info for info in package.infolist() if not info.is_dir()}


def _name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & _UTF8_NAMES:
        return info.filename
    raw = info.filename.encode("cp437")  # what zipfile decoded the name's bytes with
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp850")


def _kept(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not any(part.startswith(".") or part == "__MACOSX" or part == ".."
                                   for part in parts)
