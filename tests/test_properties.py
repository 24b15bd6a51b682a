"""Properties of ingest and segmentation on generated input: whatever bytes a corpus file holds, reading it
either gives a document or a plain `UnreadableFile` reason (never a crash that stops the run); whatever the
clean text, segmentation never fails and its passages are exact, ordered, non-overlapping spans of it.

Cleaning has its own properties in test_clean_properties.py."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import UnreadableFile, read_document
from pipeline.readers.decoding import DecodedText, decode_bytes
from pipeline.text.segment import segment
from pipeline.types import CleanDocument, Document

PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------------------------- ingest

FRENCH = "Le séminaire « Coopérer » a réuni élus et habitants : l’été, ça a été un vrai cœur d’échanges."

# Byte fragments that reach every branch of the reader: byte-order marks, magic numbers of binary formats,
# NUL bytes, UTF-16 without BOM, mojibake, C1 punctuation, HTML with (lying or unknown) declared charsets.
BYTE_FRAGMENTS = [
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
    b"{\\rtf",
    b"\x00",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\x85\x92\x93\x94\x96\x97",
    FRENCH.encode("utf-8"),
    FRENCH.encode("cp1252"),
    FRENCH.encode("mac_roman"),
    FRENCH.encode("utf-16-le"),
    FRENCH.encode("utf-16-be"),
    FRENCH.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),  # mojibake
    b'<meta charset="utf-8">',
    b'<meta charset="klingon">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
    b'<meta charset="utf-7">',
    b"<html><body><article><p>",
    b"</p></article></body></html>",
    b"<script>alert(1)</script>",
    b"<!-- commentaire -->",
    b"\xc3",
    b"\xe2\x80",
    b"\xff\xfe\xff",
]
RAW_BYTES = st.lists(st.one_of(st.sampled_from(BYTE_FRAGMENTS), st.binary(max_size=64)), max_size=12).map(
    b"".join
)
SUFFIXES = st.sampled_from([".txt", ".md", ".markdown", ".html", ".htm"])


@PROPERTY_SETTINGS
@given(raw=RAW_BYTES)
def test_decoding_any_bytes_gives_text_or_a_reason(raw: bytes) -> None:
    try:
        decoded = decode_bytes(raw)
    except UnreadableFile as exc:
        assert exc.reason.strip()
        return
    assert isinstance(decoded, DecodedText) and isinstance(decoded.text, str)
    assert "\r" not in decoded.text and not decoded.text.startswith("\ufeff")
    decoded.text.encode("utf-8")  # no lone surrogate: every later stage writes UTF-8


@PROPERTY_SETTINGS
@given(raw=RAW_BYTES, suffix=SUFFIXES)
def test_reading_any_corpus_file_gives_a_document_or_a_reason(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder)
        path = corpus / f"rapport{suffix}"
        path.write_bytes(raw)
        try:
            document = read_document(path, corpus)
        except UnreadableFile as exc:
            assert exc.reason.strip()
            return
        assert isinstance(document, Document)
        assert document.doc_id == f"rapport{suffix}" and document.size == len(raw)
        assert document.text.strip()
        document.text.encode("utf-8")
        assert path.read_bytes() == raw  # reading never writes


# ---------------------------------------------------------------------------------------------- segment

# Lines built from the shapes that reach every segmentation rule: indentation, Markdown heading marks (with
# and without a title), bullet markers of every kind (with and without text), quote openers, thematic breaks
# and front-matter fences, title-like lines, lines introducing a list; joined by single or blank lines.
INDENTS = st.sampled_from(["", "", " ", "  ", "    ", "\t", "\xa0", " \t "])
MARKS = st.sampled_from(
    ["", "", "", "#", "# ", "### ", "###### ", "####### ", "- ", "* ", "+ ", "• ", "◦ ", "▪ ", "– ", "1. ",
     "12) ", "a) ", "> ", "« ", "“", '"', "-", "1.", "---", "***", "_ _ _", "..."]
)
BODIES = st.one_of(
    st.sampled_from(
        ["", " ", "Synthèse de la journée", "Les participants ont listé :", "la coopération entre personnes",
         "Une phrase finie.", "Séquence « compétences »", "À", ",", "#", "- ", "---", " » ", "Le 3 mars, à"]
    ),
    st.text(max_size=25),
)
LINES = st.tuples(INDENTS, MARKS, BODIES).map("".join)
SEPARATORS = st.sampled_from(["\n", "\n", "\n\n", "\n \n", "\r\n"])
CLEAN_TEXT = st.lists(st.tuples(LINES, SEPARATORS), max_size=25).map(
    lambda pairs: "".join(line + separator for line, separator in pairs)
)


@PROPERTY_SETTINGS
@given(text=CLEAN_TEXT)
def test_passages_are_exact_ordered_non_overlapping_spans(text: str) -> None:
    passages = segment(CleanDocument(doc_id="d.txt", source=text, text=text, removals=()))
    previous_end = 0
    for number, passage in enumerate(passages):
        assert passage.text == text[passage.start : passage.end]
        assert passage.start >= previous_end, "passages overlap or are out of order"
        assert passage.start < passage.end and passage.text.strip(), "empty passage"
        assert passage.index == number and passage.doc_id == "d.txt"
        assert passage.kind in {"heading", "paragraph", "bullet", "quote"}
        previous_end = passage.end
