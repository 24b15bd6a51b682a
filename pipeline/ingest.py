"""Corpus folder -> documents: find the corpus files, read their bytes (never writing anything), decode them
to text whatever encoding a French user saved them in, and extract the main text of HTML pages.

Every problem with one file becomes an `UnreadableFile` (or a `Skipped` in `read_corpus`) so the run goes
on; only a corpus folder that is unusable as a whole raises `CorpusError`."""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.entities import html5 as HTML5_ENTITIES
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import charset_normalizer
import ftfy
import trafilatura

from pipeline.errors import CorpusError, UnreadableFile
from pipeline.html_headings import restore_headings
from pipeline.htmltags import HTML_BLOCK_TAGS, HTML_BODY_TAG, NON_TEXT_TAGS
from pipeline.readers import (
    OLE_SIGNATURE,
    PDF_SIGNATURE,
    READER_NAMES,
    READERS,
    ZIP_SIGNATURE,
    actual_format,
    containers,
    epub,
    mail,
    webarchive,
)
from pipeline.readers.mailhtml import mail_html_text
from pipeline.readers.mhtml import page_html
from pipeline.readers.text import repair as repair_laid_out_text
from pipeline.readers.text import table_rows_as_items
from pipeline.types import MAIL_SUFFIXES, PICTURE_SUFFIXES, Document, Skipped

if TYPE_CHECKING:
    from pipeline.settings import Settings

__all__ = [
    "CORPUS_SUFFIXES",
    "CorpusError",
    "DecodedText",
    "UnreadableFile",
    "check_corpus_folder",
    "decode_bytes",
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

# Share of control characters (other than tab, newline, carriage return, form feed) above which decoded
# content is taken for binary data. Real reports have none; random bytes give 10-25 %.
MAX_CONTROL_SHARE = 0.01

# Magic numbers of the binary formats most often renamed .txt by mistake, for a clearer message.
_BINARY_SIGNATURES = (
    (PDF_SIGNATURE, "un fichier PDF"),
    (b"\x89PNG\r\n\x1a\n", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (ZIP_SIGNATURE, "une archive ZIP ou un document Office"),
    (OLE_SIGNATURE, "un ancien document Word ou Excel"),
    (b"{\\rtf", "un document RTF"),
    (b"\x1f\x8b", "une archive gzip"),
)

_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Single-byte encodings tried when the bytes are not UTF-8, in tie-break order: when two readings give the
# same text (no byte in 0x80-0x9F, say), the first name is recorded.
_SINGLE_BYTE_CANDIDATES = ("latin-1", "cp1252", "iso-8859-15", "mac_roman")

_READABLE_NAMES = {
    "iso8859-1": "latin-1",
    "latin-1": "latin-1",
    "iso8859-15": "iso-8859-15",
    "mac-roman": "mac_roman",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
}

_FRENCH_LOWER = frozenset("àâäçéèêëîïôöùûüÿœæ")
_FRENCH_UPPER = frozenset("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ")
_FRENCH_MARKS = frozenset("«»’‘“”…–—€°§·\xa0\u202f\u2009")
_APOSTROPHES = frozenset("’‘")


@dataclass(frozen=True)
class DecodedText:
    """Bytes turned into text: the codec used and what was repaired on the way."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


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
    return head.startswith(PDF_SIGNATURE) or _HTML_START.match(head.decode("latin-1")) is not None


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
        text, composed = _compose_accents(text)
        notes += (composed,) if composed else ()
        encoding = "binary"
    else:
        if file_format == "html":
            declared = declared or _declared_charset(content)
        decoded = decode_bytes(content, declared=declared)
        if not decoded.text.strip():
            raise UnreadableFile("fichier vide (seulement des espaces)")
        text, notes, encoding = decoded.text, notes + decoded.notes, decoded.encoding
        if file_format == "txt" and _HTML_START.match(text):  # a page's source saved under a .txt name
            file_format = "html"
            notes += ("HTML page in a text file: read as a web page",)
        if file_format == "html" and wrapped.mail:
            text = mail_html_text(text)
        elif file_format == "html":
            text, html_notes, found = _html_main_text(text)
            notes += html_notes
        elif file_format == "txt" and _is_html_fragment(text):  # a CMS export, a copied page body
            text = _html_text_nodes(text)
            notes += ("HTML markup in a text file: read as the text it marks up",)
            if not text.strip():
                raise UnreadableFile("aucun texte trouvé dans le HTML")
        else:
            text, references = _decode_character_references(text)
            notes += (references,) if references else ()
            text, repaired = repair_laid_out_text(text)  # text copied from a PDF: ligatures, hyphenated lines
            notes += repaired
    text, layout_notes = _read_layout_characters(text)
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


# ---------------------------------------------------------------------------------------------- decoding


def decode_bytes(raw: bytes, *, declared: str | None = None) -> DecodedText:
    """Decode `raw` to text with Unix newlines and no BOM, repairing mojibake.

    Order: a byte-order mark; the `declared` charset (HTML) if the bytes agree with it; strict UTF-8;
    otherwise the most plausible French reading among single-byte encodings and charset-normalizer's
    guess. Raises UnreadableFile for binary content."""
    signature = next((kind for magic, kind in _BINARY_SIGNATURES if raw.startswith(magic)), None)
    if signature:
        raise UnreadableFile(f"contenu binaire, pas du texte (on dirait {signature})")
    decoded = _decode_unicode_with_bom(raw)
    if decoded is None and b"\x00" in raw:
        decoded = _decode_utf16_without_bom(raw)
        if decoded is None:
            raise UnreadableFile("contenu binaire, pas du texte (octets nuls)")
    if decoded is None:
        decoded = _decode_declared_or_utf8(raw, declared)
    if decoded is None:
        decoded = _most_plausible_reading(raw)
        if declared:
            note = (f"le jeu de caractères déclaré {declared!r} ne correspond pas aux octets ; "
                    f"lu en {decoded.encoding}")
            decoded = DecodedText(decoded.text, decoded.encoding, (note, *decoded.notes))
    text = decoded.text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise UnreadableFile("contenu binaire, pas du texte (nombreux caractères de contrôle)")
    repaired, repair_note = _repair_mojibake(text)
    repaired, c1_note = _restore_c1_punctuation(repaired)
    repaired, nfc_note = _compose_accents(repaired)
    notes = decoded.notes + tuple(note for note in (repair_note, c1_note, nfc_note) if note)
    return DecodedText(repaired, decoded.encoding, notes)


def _decode_unicode_with_bom(raw: bytes) -> DecodedText | None:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(codec), codec)
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"illisible comme texte (commence par la marque {codec} mais n'est pas en {codec})"
                ) from None
    return None


def _decode_utf16_without_bom(raw: bytes) -> DecodedText | None:
    """UTF-16 saved without a BOM: mostly-Latin text then has a NUL in nearly every other byte."""
    if len(raw) % 2:
        return None
    even_nuls = raw[0::2].count(0) / (len(raw) / 2)
    odd_nuls = raw[1::2].count(0) / (len(raw) / 2)
    if odd_nuls > 0.7 and even_nuls < 0.05:
        codec = "utf-16-le"
    elif even_nuls > 0.7 and odd_nuls < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        return DecodedText(raw.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _decode_declared_or_utf8(raw: bytes, declared: str | None) -> DecodedText | None:
    """The charset an HTML page declares, or strict UTF-8. Pages often lie about their charset, so when
    both readings are possible the more plausible French one wins (the declared one on a tie)."""
    readings: list[DecodedText] = []
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = ""
        if codec in ("iso8859-1", "ascii"):  # browsers read both as windows-1252 (WHATWG encoding standard)
            codec = "cp1252"
        if codec:
            with contextlib.suppress(UnicodeDecodeError):
                readings.append(DecodedText(raw.decode(codec), _READABLE_NAMES.get(codec, codec)))
    with contextlib.suppress(UnicodeDecodeError):
        readings.append(DecodedText(raw.decode("utf-8"), "utf-8"))
    if len(readings) < 2:
        return readings[0] if readings else None
    return max(readings, key=lambda reading: french_plausibility(reading.text))


def _most_plausible_reading(raw: bytes) -> DecodedText:
    readings: list[DecodedText] = []
    for codec in _SINGLE_BYTE_CANDIDATES:
        try:
            readings.append(DecodedText(raw.decode(codec), codec))
        except UnicodeDecodeError:
            continue
    mixed, bad_bytes = _decode_utf8_with_cp1252_fallback(raw)
    if bad_bytes:
        note = f"{bad_bytes} octet(s) non valides en UTF-8 lus en Windows-1252"
        readings.append(DecodedText(mixed, "utf-8", (note,)))
    guess = charset_normalizer.from_bytes(raw).best()
    if guess is not None:
        codec = codecs.lookup(guess.encoding).name
        if codec.startswith("utf"):
            codec = ""  # strict UTF-8 already failed; UTF-16/32 were handled by their BOM
        name = _READABLE_NAMES.get(codec, codec)
        if codec and name not in {r.encoding for r in readings}:
            with contextlib.suppress(UnicodeDecodeError):
                readings.append(DecodedText(raw.decode(codec), name))
    # max() keeps the first of equal scores, so the tie-break order of the candidates holds.
    return max(readings, key=lambda reading: french_plausibility(reading.text))


def _decode_utf8_with_cp1252_fallback(raw: bytes) -> tuple[str, int]:
    """UTF-8 where each invalid byte is read as Windows-1252 (files edited by two programs), and how many
    bytes needed the fallback."""
    escaped = raw.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(escaped))
    if not bad:
        return escaped, 0
    text = _ESCAPED_BYTE.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), escaped)
    return text, bad


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _mojibake_pattern(lead_bytes: Iterable[int], codecs_: Iterable[str]) -> re.Pattern[str]:
    """UTF-8 read with a single-byte code page: a lead byte followed by a continuation byte (0x80-0xBF),
    as each code page displays them."""
    leads: set[str] = set()
    continuations: set[str] = set()
    for codec in codecs_:
        leads.update(bytes([b]).decode(codec, errors="ignore") for b in lead_bytes)
        continuations.update(bytes([b]).decode(codec, errors="ignore") for b in range(0x80, 0xC0))
    leads.discard("")
    continuations.discard("")
    return re.compile(f"[{re.escape(''.join(sorted(leads)))}][{re.escape(''.join(sorted(continuations)))}]")


# Narrow, for scoring readings: the lead bytes of French accented letters, œ, « » and ’ (0xC2-0xC5, 0xE2).
_MOJIBAKE = _mojibake_pattern((0xC2, 0xC3, 0xC4, 0xC5, 0xE2), ("cp1252", "latin-1", "mac_roman"))
# Broad, to decide which lines ftfy should examine: any lead byte, and the DOS code page too. It matches
# some correct French ("à" + no-break space); ftfy then leaves those lines alone.
_MAYBE_MOJIBAKE = _mojibake_pattern(range(0xC2, 0xF5), ("cp1252", "latin-1", "mac_roman", "cp437"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def french_plausibility(text: str) -> float:
    """How much `text` looks like correctly decoded French: accented letters where French puts them score
    up; control characters, mojibake pairs, symbols inside words and capitals inside lowercase words
    score down. Only meaningful to compare readings of the same bytes."""
    score = -8.0 * len(_MOJIBAKE.findall(text))
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        previous = text[index - 1] if index else " "
        following = text[index + 1] if index + 1 < len(text) else " "
        score += _char_plausibility(match.group(), previous, following)
    return score


def _char_plausibility(char: str, previous: str, following: str) -> float:
    inside_word = previous.isalpha() and following.isalpha()
    if char in _FRENCH_LOWER:
        return 2.0 if previous.isalpha() or following.isalpha() else 1.0
    if char in _FRENCH_UPPER:
        return -3.0 if previous.islower() else 1.0
    if char in _FRENCH_MARKS:
        return -3.0 if inside_word and char not in _APOSTROPHES else 1.0
    category = unicodedata.category(char)
    if category in ("Cc", "Co", "Cn") or char == "\ufffd":
        return -5.0
    # Any other letter or symbol: rare in French, and a sure sign of a misreading inside a word ("rŽunion").
    return -3.0 if inside_word else -1.0


# C0 controls except tab, newline, VT, FF (layout); C1 controls are handled by _restore_c1_punctuation.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


# ftfy limited to encoding repairs: typographic quotes, ligatures, widths and Unicode normal forms are left
# exactly as written (the cleaner relies on « » ’), and HTML entities are left to the HTML extractor.
_FTFY_ENCODING_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,  # done by _restore_c1_punctuation, only next to letters
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)


def _repair_mojibake(text: str) -> tuple[str, str | None]:
    # ftfy is slow on long texts; only the lines showing a UTF-8 sequence misread are given to it.
    if text.isascii() or not _looks_garbled(text):
        return text, None
    lines = text.split("\n")
    changed = 0
    for index, line in enumerate(lines):
        if line.isascii() or not _looks_garbled(line):
            continue
        fixed, steps = ftfy.fix_and_explain(line, config=_FTFY_ENCODING_ONLY)
        # Reading C1 controls as Windows-1252 alone is not mojibake: _restore_c1_punctuation decides.
        if fixed != line and steps != _C1_ONLY_STEPS:
            lines[index] = fixed
            changed += 1
    if not changed:
        return text, None
    return "\n".join(
        lines
    ), f"mojibake réparé sur {changed} ligne(s) (texte enregistré autrefois dans un mauvais codage)"


_C1_ONLY_STEPS = [("encode", "latin-1"), ("decode", "windows-1252")]


def _looks_garbled(text: str) -> bool:
    return _MAYBE_MOJIBAKE.search(text) is not None


# A C1 control touching a letter ("l\x92été", "c\x9cur") is Windows-1252 punctuation that went through a
# Latin-1 conversion. Elsewhere (a lone "\x84" before a time in a programme) it is a lost symbol and is left
# for the cleaner rather than turned into a misleading quote.
_C1 = re.compile(r"[\x80-\x9f]")
_C1_NEXT_TO_LETTER = re.compile(r"(?<=[^\W\d_])[\x80-\x9f]|[\x80-\x9f](?=[^\W\d_])")


def _restore_c1_punctuation(text: str) -> tuple[str, str | None]:
    if not _C1.search(text):
        return text, None
    restored, count = _C1_NEXT_TO_LETTER.subn(_c1_as_cp1252, text)
    if not count:
        return text, None
    return restored, f"{count} stray control character(s) read as Windows-1252 punctuation"


def _compose_accents(text: str) -> tuple[str, str | None]:
    """NFC: an accent typed as letter + combining mark (macOS file names and some Mac editors) becomes the
    single accented letter, so "é" matches the lexicon whichever way it was typed. Nothing visible changes."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text, None
    return unicodedata.normalize("NFC", text), "decomposed accents composed (Unicode NFC)"


# An HTML character reference left in text taken from a page or a feed (« s&eacute;minaire »,
# « l&#8217;écoute », « coop&eacute;rer&nbsp;»): named (HTML5's list) or numeric, always with its closing
# semicolon, since without it « &ampli » or « R&Dcaron » in plain prose would be read as one.
_CHARACTER_REFERENCE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));")


def _reference_text(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return HTML5_ENTITIES.get(name + ";", match.group())
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code in (0x9, 0xA, 0xD) or (0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
                                   and not 0x7F <= code <= 0x9F):
        return chr(code)
    return match.group()  # a control character or no character at all: left as written


def _decode_character_references(text: str) -> tuple[str, str | None]:
    """`text` (a plain-text or Markdown file) with its HTML character references read as the characters they
    stand for, as a browser and a Markdown renderer would show them, and a note saying how many. Left in,
    « s&eacute;minaire » is no word, and « l&#8217;écoute » no competence."""
    if "&" not in text:
        return text, None
    count = 0

    def decoded(match: re.Match[str]) -> str:
        nonlocal count
        character = _reference_text(match)
        count += character != match.group()
        return character

    text = _CHARACTER_REFERENCE.sub(decoded, text)
    if not count:
        return text, None
    return text, f"{count} HTML character reference(s) read as characters (&eacute;, &#8217;…)"


# Characters that are never read: a soft hyphen (where a word may be cut at a line's end), a zero-width
# space, a word joiner, a byte-order mark inside the text. Left in, each cuts the word it sits in, and
# « compé\u00adtences » or « é\u200bcoute » no longer match the lexicon.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
# Breaks written otherwise than "\n", which the cleaning rules and the segmenter read: a form feed between
# the pages of a PDF's text, a vertical tab (Word's manual line break saved as text), Unicode's line and
# paragraph separators (text pasted from word processors and scripts).
_BREAKS = re.compile("[\f\v\u2028\u2029]")


def _read_layout_characters(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` without invisible characters, and with its other breaks as newlines (a paragraph separator
    as a blank line), and notes saying so. Nothing a reader sees changes."""
    notes = []
    text, removed = _INVISIBLE.subn("", text)
    if removed:
        notes.append(f"{removed} invisible character(s) removed (soft hyphens, zero-width spaces)")
    text, breaks = _BREAKS.subn(lambda match: "\n\n" if match.group() == "\u2029" else "\n", text)
    if breaks:
        notes.append(f"{breaks} page, line or paragraph separator(s) read as line breaks")
    return text, tuple(notes)


def _c1_as_cp1252(match: re.Match[str]) -> str:
    char = match.group()
    try:
        return char.encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D have no Windows-1252 meaning
        return char


# ------------------------------------------------------------------------------------------------- HTML

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _declared_charset(raw: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(raw[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


# The opening of an HTML page (an XML declaration and comments may come first)
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL)


HTML_FRAGMENT_MIN_TAGS = 3  # a text that names a tag or two (« la balise <p> ») stays a text


def _is_html_fragment(text: str) -> bool:
    """Whether a text file is marked-up HTML without a page around it: at least HTML_FRAGMENT_MIN_TAGS tags of
    a page's body, one of them a block (a paragraph, a break, a heading, a list item…)."""
    tags = [match.group(2).lower() for match in HTML_BODY_TAG.finditer(text)]
    return len(tags) >= HTML_FRAGMENT_MIN_TAGS and any(tag in HTML_BLOCK_TAGS for tag in tags)


# The tags trafilatura's formatted output keeps around words (underline, superscript, subscript): no meaning
# for the analysis, and « 1<sup>re</sup> édition » is « 1re édition »
_EXTRACTION_TAGS = re.compile(r"</?(?:u|sup|sub)>")
# trafilatura's formatted output escapes the characters Markdown would read (« 1\. Contexte », « 5 \* 3 »,
# « \_quinze\_ »); the escapes are dropped, but for a « # » opening a line, which would then read as a heading
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()+\-.!|~>#])")


def _unescaped(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        at_line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        return match.group() if match.group(1) == "#" and at_line_start else match.group(1)

    return _MARKDOWN_ESCAPE.sub(character, text)


# What a page says of itself, as the report's variables (pipeline.metadata): trafilatura's field -> name.
HTML_METADATA = {"date": "date", "sitename": "site", "title": "titre", "author": "auteur"}


class _TextNodes(HTMLParser):
    """Every text node of a page outside scripts and styles, a line break at each block element."""

    SKIPPED = NON_TEXT_TAGS | {"head"}
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                        "article", "blockquote", "header", "footer", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html_text_nodes(html: str) -> str:
    reader = _TextNodes()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _html_main_text(html: str) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """The main text of a page as Markdown-like lines (headings `#`, bullets `- `), comments left out, and
    the page's own metadata (HTML_METADATA; a date only where the page's markup gives one)."""
    notes: list[str] = []
    extracted = trafilatura.bare_extraction(html, include_comments=True, include_formatting=True,
                                            with_metadata=True,
                                            date_extraction_params={"extensive_search": False})
    found = {name: str(getattr(extracted, field)).strip() for field, name in HTML_METADATA.items()
             if extracted is not None and getattr(extracted, field, None)}
    text = (extracted.text or "") if extracted is not None else ""
    comments = (extracted.comments or "") if extracted is not None else ""
    if comments.strip():
        notes.append(f"section de commentaires écartée ({len(comments.strip())} caractères)")
    text, restored = restore_headings(html, text)
    if restored:
        notes.append(f"titres de la page remis au-dessus de leurs paragraphes ({restored})")
    text = _unescaped(table_rows_as_items(_EXTRACTION_TAGS.sub("", text)))
    if not text.strip():
        notes = ["no main text found in the HTML: the whole page text was kept (menus may remain)"]
        # html2txt without cleaning keeps footers and asides too, and still leaves scripts out.
        text = trafilatura.baseline(html)[1] or trafilatura.html2txt(html, clean=False)
    if not text.strip():
        # lxml gives up on a tree nested deeper than about 255 elements (page builders, broken markup) and
        # trafilatura then finds nothing; the standard library's parser reads any depth
        text = _html_text_nodes(html)
    if not text.strip():
        raise UnreadableFile("aucun texte trouvé dans le HTML")
    return text.replace("\r\n", "\n").replace("\r", "\n"), tuple(notes), found
