"""The plain values that flow between stages. Every stage takes and returns these, never spaCy objects
across module boundaries except in `parse` and the stages that read parsed docs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Files people write in Markdown: a single line break is a soft break there, and no web chrome is expected.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(doc_id: str) -> bool:
    return doc_id.lower().endswith(MARKDOWN_SUFFIXES)


# Files people write themselves rather than pages scraped off the web: Markdown notes, word-processor files
# and slides. The cleaning rules made for web pages (site chrome, lines repeated from page to page, a page's
# furniture, a picture's alternative text) leave them alone: a dated subtitle, a speaker's name alone on its
# line or a template's heading is content there. PDF is not among them: a PDF is often a page printed from the
# web, and its running headers and page numbers are furniture. Mails are (a person's « FYI… » or name alone on
# a line is the message's own); what mail programs put around a message is the rule `mail_furniture`'s.
AUTHORED_SUFFIXES = (*MARKDOWN_SUFFIXES, ".docx", ".docm", ".dotx", ".dotm", ".doc", ".dot", ".odt", ".ott",
                     ".rtf", ".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm", ".ppt", ".pps", ".odp",
                     ".otp", ".epub", ".eml", ".msg")


# Pictures: no text to read (a scan needs OCR first; a mail's attached picture is mostly a signature's logo)
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".emz", ".wmz")


def is_authored(doc_id: str) -> bool:
    return doc_id.lower().endswith(AUTHORED_SUFFIXES)


MAIL_SUFFIXES = (".eml", ".msg")  # a mail, or a message of a mailbox or attached to a mail (named .eml)


def is_mail(doc_id: str) -> bool:
    return doc_id.lower().endswith(MAIL_SUFFIXES)


@dataclass(frozen=True)
class Document:
    """One readable file of the corpus, decoded to text.

    `text` has Unix newlines and no BOM; `encoding` is the codec the bytes were decoded with;
    `notes` lists anything the reader did that a user may want to know (mojibake repaired, HTML
    comments dropped…)."""

    doc_id: str  # path relative to the corpus folder, POSIX separators
    path: Path
    text: str
    encoding: str
    format: str  # "txt" | "md" | "html"
    sha256: str  # of the raw bytes
    size: int  # raw bytes
    notes: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)  # what the file says of itself (HTML: date…)


@dataclass(frozen=True)
class Skipped:
    """A corpus file that could not be used, and why, in plain words."""

    path: str  # relative to the corpus folder
    reason: str


@dataclass(frozen=True)
class Removal:
    """A span of `Document.text` that cleaning removed. Offsets are into the document text."""

    start: int
    end: int
    text: str
    reason: str  # the rule's name, e.g. "spam_links"


@dataclass(frozen=True)
class CleanDocument:
    """A document after cleaning. Invariant: deleting every removal span from `source` gives `text`."""

    doc_id: str
    source: str
    text: str
    removals: tuple[Removal, ...]


@dataclass(frozen=True)
class Passage:
    """A unit of reading: a heading, a paragraph, a bullet or a quote. `start`/`end` index the clean text."""

    doc_id: str
    index: int
    kind: str  # "heading" | "paragraph" | "bullet" | "quote"
    text: str
    start: int
    end: int
    heading: tuple[str, ...] = ()  # titles of the enclosing sections, outermost first
    context: tuple[str, ...] = ()  # texts of the parent bullets (or the line introducing a list)
    level: int = 0  # bullet nesting depth, 0 for non-bullets

    @property
    def passage_id(self) -> str:
        return f"{self.doc_id}#{self.index}"


@dataclass(frozen=True)
class Tag:
    """A cooperation category on a passage."""

    category: str
    score: float
    source: str  # "rule" | "model" | "rule+model"
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Competence:
    """One occurrence of a competence term in a passage. Offsets index the passage text."""

    term: str  # canonical form, e.g. "esprit de synthèse"
    type: str  # "savoir-etre" | "methode" | "transversale" | "autre"
    start: int
    end: int
    origin: str  # "lexicon" | "discovered"
    # similarity when the type came from word vectors; for a lexicon term the licence model kept although
    # the rules did not, the model's probability
    score: float | None = None

    @property
    def kept_by_model(self) -> bool:
        """A lexicon term the rules rejected and the licence model kept (its probability is the score)."""
        return self.origin == "lexicon" and self.score is not None


@dataclass(frozen=True)
class PassageWords:
    """What the counts take of a passage's tokens (see counts.passage_words)."""

    content: tuple[tuple[str, str], ...]  # (lemma key, display form) of each content word, in order
    terms: tuple[tuple[str, str], ...]  # (lemma keys, surface) of each multi-word term
    tokens: int = 0  # every word token (letters or digits), content words or not


@dataclass(frozen=True)
class AnalysedPassage:
    """A passage with everything the analysis found in it."""

    passage: Passage
    tags: tuple[Tag, ...] = ()
    competences: tuple[Competence, ...] = ()
    # (text, lemma, pos, is_stop, offset in passage text) for every token, for counts and concordances
    tokens: tuple[tuple[str, str, str, bool, int], ...] = field(default=(), repr=False)
    # the counts' reading of `tokens`, when it was computed (or cached) already
    words: PassageWords | None = field(default=None, repr=False)
