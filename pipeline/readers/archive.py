"""Documents inside an archive left in the corpus folder (a corpus is often sent as one): a zip archive, or a
tar archive compressed or not (`.tar`, `.tgz`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, as Linux and macOS tools
make them). Listed and read where they lie, never unpacked, so that the corpus folder stays as it is. A
member is a document whose id is the archive's path followed by the member's
(« comptes-rendus.zip/2019/cr.docx »).

Zip member names are read as the archive wrote them: UTF-8 when it says so, otherwise UTF-8 when they are
valid UTF-8 (macOS and Linux tools), else the DOS code page Windows uses for French names (cp850). Folders
of resources, hidden files and macOS's `__MACOSX` copies are left out, as in a folder."""

from __future__ import annotations

import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from pipeline.errors import UnreadableFile

ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tgz", ".tar.gz", ".tbz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz")
# Above this, a member is refused rather than decompressed into memory (a « zip bomb », or a video)
MAX_MEMBER_BYTES = 512 * 1024 * 1024
# A compressed tar archive cannot be read at random: its files are read in one pass and kept, up to this
MAX_TAR_BYTES = 512 * 1024 * 1024
# what zipfile raises on a damaged archive or member: a broken header, an unknown version or compression,
# compressed data that does not inflate, a cut file
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, ValueError,
            struct.error, UnicodeDecodeError)
_TAR_DAMAGED = (tarfile.TarError, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)
_UTF8_NAMES = 0x800
_ENCRYPTED = 0x1


def archive_kind(name: str) -> str | None:
    """« zip » or « tar » for an archive's file name, None for another name."""
    lowered = name.lower()
    if lowered.endswith(ZIP_SUFFIXES):
        return "zip"
    if lowered.endswith(TAR_SUFFIXES):
        return "tar"
    return None


class ZipArchive:
    """A zip archive opened once for all its members (its directory is read at each opening: reading every
    member of an archive of thousands would read it thousands of times)."""

    def __init__(self, source: Path | bytes) -> None:
        try:
            self._package = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
            self._members = {_zip_name(info).lstrip("/"): info for info in self._package.infolist()
                             if not info.is_dir()}
        except (*_DAMAGED, OSError) as exc:
            raise UnreadableFile(f"archive zip illisible ({type(exc).__name__}: {exc})") from None

    def names(self) -> list[str]:
        """The names of the files in the archive (folders, hidden files and macOS's copies left out)."""
        return [name for name in self._members if _kept(name)]

    def __contains__(self, name: str) -> bool:
        return name in self._members

    def read(self, name: str) -> bytes:
        """The bytes of the member `name`. Raises FileNotFoundError when it is not there, UnreadableFile when
        it cannot be read."""
        info = self._members.get(name)
        if info is None:
            raise FileNotFoundError(name)
        if info.flag_bits & _ENCRYPTED:
            raise UnreadableFile("fichier protégé par un mot de passe dans l'archive zip")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnreadableFile(f"fichier de {info.file_size // 2**20} Mo une fois décompressé, au-delà "
                                 f"de {MAX_MEMBER_BYTES // 2**20} Mo : décompressez-le à part")
        try:
            return self._package.read(info)
        except (*_DAMAGED, RuntimeError, OSError) as exc:  # OSError: an offset before the start
            raise UnreadableFile(f"fichier illisible dans l'archive zip ({type(exc).__name__}: "
                                 f"{exc})") from None


class FilesInMemory:
    """Files held in memory by name (a tar archive's, a mail's attached files): `names` lists those kept as
    a folder's would be (hidden files and macOS's copies left out, unless `every_name`)."""

    def __init__(self, files: dict[str, bytes] | None = None, *, every_name: bool = False) -> None:
        self._files: dict[str, bytes] = {} if files is None else files
        self._every_name = every_name

    def names(self) -> list[str]:
        return [name for name in self._files if self._every_name or _kept(name)]

    def __contains__(self, name: str) -> bool:
        return name in self._files

    def read(self, name: str) -> bytes:
        """The bytes of `name`. Raises FileNotFoundError when it is not there."""
        if name not in self._files:
            raise FileNotFoundError(name)
        return self._files[name]


class TarArchive(FilesInMemory):
    """A tar archive, compressed (gzip, bzip2, xz) or not. Its files are read in one pass when it is opened
    (a compressed stream is read from its start for each member otherwise), up to `MAX_TAR_BYTES`."""

    def __init__(self, source: Path | bytes) -> None:
        super().__init__()
        total = 0
        try:
            with tarfile.open(fileobj=io.BytesIO(source), mode="r:*") if isinstance(source, bytes) \
                    else tarfile.open(source, mode="r:*") as package:
                for info in package:
                    if not info.isfile():  # folders, links and devices hold no document
                        continue
                    total += info.size
                    if total > MAX_TAR_BYTES:
                        raise UnreadableFile(f"archive tar de plus de {MAX_TAR_BYTES // 2**20} Mo une fois "
                                             "décompressée : décompressez-la dans le dossier du corpus")
                    handle = package.extractfile(info)
                    if handle is not None:
                        self._files[info.name.removeprefix("./").lstrip("/")] = handle.read()
        except _TAR_DAMAGED as exc:
            raise UnreadableFile(f"archive tar illisible ({type(exc).__name__}: {exc})") from None


def opened(kind: str, source: Path | bytes) -> ZipArchive | TarArchive:
    """The archive of `kind` (`archive_kind`) in the file `source` or in its bytes."""
    return ZipArchive(source) if kind == "zip" else TarArchive(source)


def _zip_name(info: zipfile.ZipInfo) -> str:
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
