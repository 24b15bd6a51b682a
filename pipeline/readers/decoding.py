"""Bytes -> text, whatever encoding a French user saved a file in: a byte-order mark, a declared charset,
UTF-8, or the most plausible French reading among single-byte encodings; mojibake (« Ã© »), Windows-1252
punctuation gone through Latin-1, decomposed accents and HTML character references repaired; layout
characters (form feeds, soft hyphens, zero-width spaces) read as what they mean. Binary content raises
`UnreadableFile`."""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.entities import html5 as HTML5_ENTITIES

import charset_normalizer
import ftfy

from pipeline.errors import UnreadableFile
from pipeline.readers import OLE_SIGNATURE, PDF_SIGNATURE, ZIP_SIGNATURE

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
    repaired, nfc_note = compose_accents(repaired)
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


def compose_accents(text: str) -> tuple[str, str | None]:
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


def decode_character_references(text: str) -> tuple[str, str | None]:
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


def read_layout_characters(text: str) -> tuple[str, tuple[str, ...]]:
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
