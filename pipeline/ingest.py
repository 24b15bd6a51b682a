"""Corpus folder -> documents: find the corpus files, read their bytes (never writing anything), and turn each
into text: the format's reader (`pipeline.readers`), the decoding of text files (`readers.decoding`) and the
main text of web pages (`readers.webpage`).

Every problem with one file becomes an `UnreadableFile` (or a `Skipped` in `read_corpus`) so the run goes
on; only a corpus folder that is unusable as a whole raises `CorpusError`."""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import CorpusError, UnreadableFile
from pipeline.readers import (
    PDF_SIGNATURE,
    READER_NAMES,
    READERS,
    actual_format,
    containers,
    epub,
    mail,
    webarchive,
)
from pipeline.readers.decoding import (
    compose_accents,
    decode_bytes,
    decode_character_references,
    read_layout_characters,
)
from pipeline.readers.mailhtml import mail_html_text
from pipeline.readers.mhtml import page_html
from pipeline.readers.text import repair as repair_laid_out_text
from pipeline.readers.webpage import (
    HTML_START,
    declared_charset,
    html_text_nodes,
    is_html_fragment,
    page_main_text,
)
from pipeline.types import MAIL_SUFFIXES, PICTURE_SUFFIXES, Document, Skipped

if TYPE_CHECKING:
    from pipeline.settings import Settings

__all__ = [
    "CORPUS_SUFFIXES",
    "CorpusError",
    "UnreadableFile",
    "check_corpus_folder",
    "discover",
    "document_id",
    "read_bytes",
    "read_corpus",
    "read_document",
]

CORPUS_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
                   ".xhtml": "html", ".shtml": "html", ".mhtml": "mhtml", ".mht": "mhtml",
                   ".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".dotm": "docx",
                   ".doc": "doc", ".dot": "doc", ".odt": "odt", ".ott": "odt", ".rtf": "rtf",
                   ".pptx": "pptx", ".pptm": "pptx", ".ppsx": "pptx", ".ppsm": "pptx", ".potx": "pptx",
                   ".potm": "pptx", ".ppt": "ppt", ".pps": "ppt", ".odp": "odp", ".otp": "odp",
                   ".webarchive": "webarchive", ".eml": "eml", ".msg": "msg", ".epub": "epub"}
# Pages a site mirror (wget, HTTrack) saves under the name of the script that served them (« actes.php »,
# « article.aspx ») or under no suffix at all: read when their first bytes are a page's or a PDF's
_SERVER_PAGE_SUFFIXES = frozenset({".php", ".php3", ".asp", ".aspx", ".jsp", ".cfm", ".cgi", ""})
_SNIFFED_BYTES = 4096
# What a Word or PowerPoint file holds when its suffix says another format (`readers.actual_format`)
_FORMAT_NAMES = {"rtf": "RTF document", "docx": "Word (.docx) document", "pptx": "PowerPoint (.pptx) slides",
                 "doc": "Word 97-2003 document", "ppt": "PowerPoint 97-2003 slides",
                 "txt": "text or web page", "pdf": "PDF document"}
_WRAPPER_NAMES = {"mhtml": "MHTML", "webarchive": "archive web Safari", "eml": "courriel",
                  "msg": "message Outlook", "epub": "livre numérique"}
# Documents a user may leave in a corpus folder that no reader handles: listed as skipped, with what to do.
UNREAD_SUFFIXES = {
    ".xls": "Excel", ".xlsx": "Excel",
    ".ods": "tableur OpenDocument",
    ".pages": "document Pages", ".key": "présentation Keynote",
    ".numbers": "tableur Numbers",
    **dict.fromkeys(PICTURE_SUFFIXES, "image"),
    ".7z": "archive", ".rar": "archive",
}
# What to do with a file of each kind the readers do not read
_UNREAD_ADVICE = {"archive": "décompressez-la dans le dossier du corpus, ses fichiers seront lus"}
_DEFAULT_ADVICE = "l'enregistrer en PDF, .docx, .odt, .pptx, .txt ou .html"


# --------------------------------------------------------------------------------------------- discovery


def document_id(path: Path, corpus: Path) -> str:
    """The path of `path` relative to `corpus`, with POSIX separators: stable across runs and machines.

    Symbolic links are not resolved (a link keeps its own name). Bytes of a file name that are not valid
    in the file-system encoding are shown as `\\xNN`, so the id can always be written as UTF-8."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(corpus))
    posix = Path(relative).as_posix()
    return os.fsencode(posix).decode("utf-8", errors="backslashreplace")


def name_suffix(path: Path) -> str:
    """The suffix of `path`'s name, lowercased, without the query a site mirror keeps in a saved page's name
    (« index.html?p=2 », « page.php?id=3 »)."""
    return Path(path.name.split("?", 1)[0]).suffix.lower()


def corpus_format(path: Path) -> str | None:
    """The format a corpus file's name says (`CORPUS_SUFFIXES`); `html` for a page saved under a server
    script's name or no suffix; None for other names."""
    suffix = name_suffix(path)
    return CORPUS_SUFFIXES.get(suffix) or ("html" if suffix in _SERVER_PAGE_SUFFIXES else None)


def _starts_as_page(path: Path) -> bool:
    """Whether the file's first bytes are those of a web page or a PDF (a site mirror's saved page)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFFED_BYTES)
    except OSError:
        return False
    return head.startswith(PDF_SIGNATURE) or HTML_START.match(head.decode("latin-1")) is not None


def corpus_files(settings: Settings) -> tuple[list[Path], list[Skipped]]:
    """The corpus files every command reads, and the entries it cannot use, leaving out the project's own
    folders that may sit inside the corpus (outputs, caches, annotations, models)."""
    excluded = [settings.output.resolve(), settings.cache_dir, settings.annotations, settings.models_dir]
    return discover(settings.corpus, exclude=excluded)


def check_corpus_folder(corpus: Path) -> None:
    """Raise CorpusError when `corpus` is missing or is not a folder. Cheap: the command line calls it
    before loading the language model, so a mistyped path fails at once."""
    corpus = Path(corpus)
    if not corpus.exists():
        raise CorpusError(f"dossier du corpus introuvable : {corpus}")
    if not corpus.is_dir():
        raise CorpusError(f"le chemin du corpus n'est pas un dossier : {corpus}")


def discover(corpus: Path, *, exclude: Sequence[Path] = ()) -> tuple[list[Path], list[Skipped]]:
    """The corpus files under `corpus` (recursively, sorted by document id) and the entries that look like
    corpus files but cannot be used (broken links, unreadable folders, link loops).

    Hidden entries (name starting with '.'), anything at or under a path in `exclude` (the output or
    cache folder may sit inside the corpus), the resources a browser saves beside a page
    (`is_saved_page_resources`) and files of other extensions are silently left out.
    Raises CorpusError when `corpus` is missing, is not a folder, or holds no corpus file at all."""
    corpus = Path(corpus)
    check_corpus_folder(corpus)
    walker = _Walker(corpus, root=corpus.resolve(), excluded=tuple(Path(p).resolve() for p in exclude))
    try:
        walker.walk_tree(corpus)
    except PermissionError:
        raise CorpusError(
            f"le dossier du corpus ne peut pas être ouvert (permission refusée) : {corpus}"
        ) from None
    walker.walk_linked_folders()
    if not walker.files and not walker.skipped:
        suffixes = " ".join(sorted(CORPUS_SUFFIXES))
        raise CorpusError(f"aucun fichier de corpus ({suffixes}) dans le dossier du corpus : {corpus}")
    files = sorted(walker.files, key=lambda p: document_id(p, corpus))
    return files, sorted(walker.skipped, key=lambda s: s.path)


# The folder a browser writes beside a page saved « complete » (`Page.html` and `Page_files/`; older French
# browsers wrote `Page_fichiers/`): the page's pictures, scripts and styles, and its embedded frames as HTML
# files of their own (« saved_resource.html »: an advertisement, a video player, a share widget), no report.
_RESOURCE_FOLDER = re.compile(r"(.+)_(?:files|fichiers)", re.IGNORECASE)
_PAGE_SUFFIXES = tuple(suffix for suffix, kind in CORPUS_SUFFIXES.items() if kind == "html")


def _saved_page_resource(name: str, names: Sequence[str]) -> bool:
    """Whether the archive member `name` lies in the resources folder of a page saved beside it."""
    listed = set(names)
    parts = name.split("/")
    for depth, part in enumerate(parts[:-1]):
        named = _RESOURCE_FOLDER.fullmatch(part)
        page = "/".join([*parts[:depth], named.group(1)]) if named else ""
        if named and any(f"{page}{suffix}" in listed for suffix in _PAGE_SUFFIXES):
            return True
    return False


def is_saved_page_resources(folder: Path) -> bool:
    """Whether `folder` is the resources of a page saved beside it (`Page_files` next to `Page.html`)."""
    named = _RESOURCE_FOLDER.fullmatch(folder.name)
    return named is not None and any((folder.parent / f"{named.group(1)}{suffix}").is_file()
                                     for suffix in (*_PAGE_SUFFIXES, *(s.upper() for s in _PAGE_SUFFIXES)))


@dataclass
class _Walker:
    """Collects corpus files. Real folders are walked first and linked folders afterwards, so a link to a
    folder that is already in the corpus (or a loop back to an ancestor) is reported rather than read
    twice, and the files keep their real paths as ids."""

    corpus: Path
    root: Path
    excluded: tuple[Path, ...]
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    visited: set[Path] = field(default_factory=set)
    linked_folders: list[tuple[Path, Path]] = field(default_factory=list)

    def walk_tree(self, folder: Path) -> None:
        self.visited.add(folder.resolve())
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda e: e.name)
        for entry in ordered:
            if not entry.name.startswith("."):
                self._visit(Path(entry.path))

    def walk_linked_folders(self) -> None:
        while self.linked_folders:
            link, target = self.linked_folders.pop(0)
            if not target.is_relative_to(self.root):
                self._skip(link, f"lien vers un dossier hors du corpus ({target}), non suivi")
            elif target in self.visited:
                self._skip(link, "lien vers un dossier déjà compris dans le corpus, non suivi")
            else:
                self._walk_subfolder(link)

    def _visit(self, path: Path) -> None:
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:
            if name_suffix(path) in CORPUS_SUFFIXES:
                self._skip(path, "lien cassé (sa cible n'existe pas)")
            return
        except RuntimeError:  # Python < 3.13 reports a symlink loop this way
            self._skip(path, "boucle de liens symboliques, non suivie")
            return
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self._skip(path, "boucle de liens symboliques, non suivie")
            else:
                self._skip(path, f"ne peut pas être ouvert ({exc.strerror})")
            return
        if _is_within_any(path.absolute(), self.excluded) or _is_within_any(resolved, self.excluded):
            return
        if resolved.is_dir():
            if is_saved_page_resources(path):
                return
            if path.is_symlink():
                self.linked_folders.append((path, resolved))
            else:
                self._walk_subfolder(path)
        elif resolved.is_file():
            self._visit_file(path, resolved)

    def _visit_file(self, path: Path, resolved: Path) -> None:
        suffix = name_suffix(path)
        if containers.is_collection(path.name):
            self._visit_container(path, lambda: containers.on_disk(resolved), depth=1)
        elif suffix in CORPUS_SUFFIXES or (suffix in _SERVER_PAGE_SUFFIXES and _starts_as_page(resolved)):
            self.files.append(path)
            if suffix in MAIL_SUFFIXES:  # the files attached to it, each a document of its own
                self._visit_container(path, lambda: containers.on_disk(resolved), depth=1)
        elif suffix in UNREAD_SUFFIXES:
            kind = UNREAD_SUFFIXES[suffix]
            self._skip(path, f"format non lu ({kind}) : {_UNREAD_ADVICE.get(kind, _DEFAULT_ADVICE)}")

    def _visit_container(self, path: Path, open_: Callable[[], containers.Container], depth: int) -> None:
        """The documents inside an archive (`readers.archive`) or attached to a mail, read where they lie and
        listed as a folder's; a container among them (a zip attached to a mail, mails kept in a zip) is
        visited in turn, down to `containers.MAX_DEPTH`. A mail's unread attachments are named in its own
        notes, and a mail that cannot be read says why when it is read."""
        is_mail = name_suffix(path) in MAIL_SUFFIXES
        try:
            container = open_()
        except UnreadableFile as exc:
            if not is_mail:
                self._skip(path, exc.reason)
            return
        names = container.names()
        found = len(self.files)
        for name in names:
            member, suffix = path / name, name_suffix(Path(name))
            inner = containers.container_kind(name)
            if inner and depth >= containers.MAX_DEPTH:
                self._skip(member, f"contenu dans {depth} archives ou courriels imbriqués, au-delà de ce qui "
                                   "est ouvert : enregistrez-le à part dans le dossier du corpus")
            elif containers.is_collection(name):
                self._visit_container(member, lambda name=name: containers.nested(container, name), depth + 1)
            elif suffix in CORPUS_SUFFIXES and (is_mail or not _saved_page_resource(name, names)):
                self.files.append(member)
                if inner:  # a mail: its attachments too
                    self._visit_container(member, lambda name=name: containers.nested(container, name),
                                          depth + 1)
            elif suffix in UNREAD_SUFFIXES and not is_mail:
                kind = UNREAD_SUFFIXES[suffix]
                self._skip(member, f"format non lu ({kind}) : {_UNREAD_ADVICE.get(kind, _DEFAULT_ADVICE)}")
        if not is_mail and len(self.files) == found:
            self._skip(path, "archive sans document à lire (.txt, .md, .html, .pdf, .docx, .odt…)")

    def _walk_subfolder(self, folder: Path) -> None:
        try:
            self.walk_tree(folder)
        except PermissionError:
            self._skip(folder, "dossier impossible à ouvrir (permission refusée)")
        except OSError as exc:
            self._skip(folder, f"dossier impossible à ouvrir ({exc.strerror or exc})")

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped.append(Skipped(document_id(path, self.corpus), reason))


def _is_within_any(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path == folder or path.is_relative_to(folder) for folder in folders)


# ----------------------------------------------------------------------------------------------- reading


def read_bytes(path: Path) -> bytes:
    """The raw content of `path`, opened read-only; a document inside a zip archive or attached to a mail is
    read from it (`readers.containers`). A separate function so tests can simulate failures."""
    if (located := containers.locate(path)) is not None:
        return containers.read_member(*located)
    with open(path, "rb") as handle:
        return handle.read()


def read_document(path: Path, corpus: Path) -> Document:
    """Read and decode one corpus file. Raises UnreadableFile with a plain-words reason on any problem."""
    path = Path(path)
    file_format = corpus_format(path) or "txt"
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise UnreadableFile(
            "fichier disparu avant d'être lu (déplacé ou supprimé pendant l'analyse)"
        ) from None
    except PermissionError:
        raise UnreadableFile("permission refusée") from None
    except IsADirectoryError:
        raise UnreadableFile("c'est un dossier, pas un fichier") from None
    except OSError as exc:
        raise UnreadableFile(f"lecture impossible ({exc.strerror or exc})") from None
    if not raw:
        raise UnreadableFile("fichier vide (0 octet)")
    found: dict[str, str] = {}
    wrapped = _unwrap(file_format, raw, name_suffix(path) or "(sans suffixe)")
    content, declared, file_format, notes = (wrapped.content, wrapped.declared, wrapped.file_format,
                                             wrapped.notes)
    if file_format in READERS:  # PDF, Word, OpenDocument, RTF, PowerPoint: the format's reader gives the text
        text, reader_notes = _read_binary(file_format, raw)
        notes += reader_notes
        text, composed = compose_accents(text)
        notes += (composed,) if composed else ()
        encoding = "binary"
    else:
        if file_format == "html":
            declared = declared or declared_charset(content)
        decoded = decode_bytes(content, declared=declared)
        if not decoded.text.strip():
            raise UnreadableFile("fichier vide (seulement des espaces)")
        text, notes, encoding = decoded.text, notes + decoded.notes, decoded.encoding
        if file_format == "txt" and HTML_START.match(text):  # a page's source saved under a .txt name
            file_format = "html"
            notes += ("HTML page in a text file: read as a web page",)
        if file_format == "html" and wrapped.mail:
            text = mail_html_text(text)
        elif file_format == "html":
            text, html_notes, found = page_main_text(text)
            notes += html_notes
        elif file_format == "txt" and is_html_fragment(text):  # a CMS export, a copied page body
            text = html_text_nodes(text)
            notes += ("HTML markup in a text file: read as the text it marks up",)
            if not text.strip():
                raise UnreadableFile("aucun texte trouvé dans le HTML")
        else:
            text, references = decode_character_references(text)
            notes += (references,) if references else ()
            text, repaired = repair_laid_out_text(text)  # text copied from a PDF: ligatures, hyphenated lines
            notes += repaired
    text, layout_notes = read_layout_characters(text)
    if not text.strip():  # what was left besides spaces was invisible
        raise UnreadableFile("fichier vide (seulement des espaces)")
    notes += layout_notes
    if wrapped.title and wrapped.title not in text[:len(wrapped.title) + 200]:  # a mail's subject, its title
        text = f"# {wrapped.title}\n\n{text}"
    found = {**found, **wrapped.metadata}
    return Document(
        doc_id=document_id(path, corpus),
        path=path,
        text=text,
        encoding=encoding,
        format=file_format,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        notes=notes,
        metadata=found,
    )


@dataclass(frozen=True)
class _Unwrapped:
    """What a file holds once what wraps it is undone: the bytes to read, their declared charset, their
    format, notes, and what the wrapper says of the document (a mail's subject, sender and date)."""

    content: bytes
    declared: str | None
    file_format: str
    notes: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    title: str = ""
    mail: bool = False  # a mail's body: its HTML read whole (`readers.mailhtml`), not as a page's


def _unwrap(file_format: str, raw: bytes, suffix: str) -> _Unwrapped:
    """A page saved as one file (MHTML, Safari's web archive) gives its HTML; a mail its body; a Word or
    PowerPoint file whose suffix names another format is read as what it is. Other files as they are."""
    try:
        if file_format == "mhtml":
            content, declared = page_html(raw)
            return _Unwrapped(content, declared, "html", ("web page saved as one MHTML file",))
        if file_format == "webarchive":
            content, declared = webarchive.page_html(raw)
            return _Unwrapped(content, declared, "html", ("web page saved as a Safari web archive",))
        if file_format == "epub":
            content, found = epub.book_html(raw)
            return _Unwrapped(content, "utf-8", "html", ("EPUB book",), found)
        if file_format in ("eml", "msg"):
            body = mail.eml_body(raw) if file_format == "eml" else mail.msg_body(raw)
            notes = body.notes(read=lambda name: name_suffix(Path(name)) in CORPUS_SUFFIXES
                               or containers.is_collection(name))
            return _Unwrapped(body.content, body.charset, "html" if body.is_html else "txt",
                              ("e-mail", *notes), body.metadata(), body.subject, mail=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # as in _read_binary: a damaged file, not a failure of the run
        raise UnreadableFile(f"fichier {_WRAPPER_NAMES[file_format]} endommagé ({type(exc).__name__}: "
                             f"{exc})") from None
    if (actual := actual_format(file_format, raw)) != file_format:  # a .doc that is a .docx, and so on
        return _Unwrapped(raw, None, actual, (f"{_FORMAT_NAMES[actual]} saved under a {suffix} name",))
    return _Unwrapped(raw, None, file_format)


def _read_binary(file_format: str, raw: bytes) -> tuple[str, tuple[str, ...]]:
    """The format's reader on `raw`. The libraries the readers call trip on a damaged file in many ways of
    their own (a zip member whose compressed data is broken raises zlib.error, an unsupported compression
    NotImplementedError, an encrypted member RuntimeError, a cut file EOFError, odd XML what its parser
    raises): whatever they raise is the file's fault, reported as such, and the rest of the corpus runs."""
    try:
        return READERS[file_format](raw)
    except UnreadableFile:
        raise
    except Exception as exc:  # see the docstring: a damaged file, not a failure of the run
        kind = READER_NAMES.get(file_format, file_format)
        raise UnreadableFile(f"fichier {kind} endommagé ({type(exc).__name__}: {exc})") from None


def read_corpus(corpus: Path, *, exclude: Sequence[Path] = ()) -> Iterator[Document | Skipped]:
    """Every corpus file as a Document, or a Skipped saying why it could not be used, one at a time.

    Problems found while listing the folder come first, then the files in document-id order. Raises
    CorpusError (from `discover`, or at the end when not a single file could be read)."""
    files, skipped = discover(corpus, exclude=exclude)
    yield from skipped
    read_any = False
    for path in files:
        try:
            document = read_document(path, corpus)
        except UnreadableFile as exc:
            yield Skipped(document_id(path, corpus), exc.reason)
            continue
        read_any = True
        yield document
    if not read_any:
        raise CorpusError(f"aucun des {len(files) + len(skipped)} fichiers du corpus {corpus} n'a pu être lu")


