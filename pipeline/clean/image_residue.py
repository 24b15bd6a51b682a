"""Rule "image_residue": camera and image file names, and caption or alt-text lines that are not sentences.

Removed: a line made only of file names ("SL702349", "DSC_0042", "IMG_1234.jpg", "P1010203.JPG",
"Image1", "photo-3.png"); a file name glued to the start or end of a real line ("SL702349Parmi les…"
keeps "Parmi les…"); a caption line such as "nuages de mots competences 2" (two to eight lowercase
words, no punctuation, ending with a small number); a picture's credit alone on a line, or ending the
caption it closes ("Visite du tiers-lieu © Réseau rural")."""

from __future__ import annotations

import re

from pipeline.clean.lines import HORIZONTAL_SPACE, Span, split_lines, tokens, whole_line

IMAGE_EXTENSIONS = r"(?:jpe?g|png|gif|webp|tiff?|bmp|heic|svg)"
# Camera and phone file stems. Known prefixes need 3+ digits; an unknown prefix of 1-3 capitals needs 6+
# digits (the seed's "SL702349", Olympus "P1010203"), because crdh notes carry course and catalogue codes
# such as "HAR3510" and "FSS4007" on lines of their own, and Wikidata properties like "P2677".
_CAMERA_STEM = (
    r"(?:(?:DSCN?|DSCF|IMG|IMAG|PICT|GOPR|GOPRO|DJI|MVI|CIMG|PXL|SAM|WP|PANO|VID|Screenshot)[_-]?\d{3,}"
    r"(?:[_-]\d+)*|(?:[A-PR-Z]|[A-Z]{2,3})\d{6,})"
)
# "Image1", "photo-3", "img_12", "capture-ecran-4": generic words + a small number.
# "Image12", "photo-3", "capture-decran-2015-02-13" (a date written with hyphens after the stem)
_GENERIC_STEM = (r"(?:[Ii]mage|[Pp]hoto|[Ii]mg|[Ii]llustration|[Cc]apture)(?:[_-][a-zé]+)*[_-]?\d{1,4}"
                 r"(?:[_-]\d{1,4}){0,3}")
# Files are matched token by token, so a stem never contains a space.
_ANY_STEM_WITH_EXTENSION = r"[\w()-]+"
FILE_NAME = re.compile(
    rf"(?:{_CAMERA_STEM}(?:\.{IMAGE_EXTENSIONS})?|{_GENERIC_STEM}(?:\.{IMAGE_EXTENSIONS})?|"
    rf"{_ANY_STEM_WITH_EXTENSION}\.{IMAGE_EXTENSIONS})",
    re.IGNORECASE,
)
_WITH_EXTENSION = re.compile(rf"{_ANY_STEM_WITH_EXTENSION}\.{IMAGE_EXTENSIONS}", re.IGNORECASE)
_CAMERA_ONLY = re.compile(rf"{_CAMERA_STEM}(?:\.{IMAGE_EXTENSIONS})?")
_GENERIC_ONLY = re.compile(rf"{_GENERIC_STEM}(?:\.{IMAGE_EXTENSIONS})?", re.IGNORECASE)
# A file name glued to the capital that starts a paragraph: "SL702349Parmi", "photo-3.pngL’idée", "Image7A".
GLUED_START = re.compile(
    rf"(?:{_CAMERA_STEM}|{_GENERIC_STEM}|{_ANY_STEM_WITH_EXTENSION}(?=\.))(?:\.(?i:{IMAGE_EXTENSIONS}))?"
    r"(?=[A-ZÀ-ÖØ-ÞŒÆ])"
)
# A picture's credit on a line of its own: « © Léa Rumeau/Communication du CGET », « Crédits photos »,
# « Crédit photo : X », « Visuel : Gémozac – Bernard-ECAV ». A report's sentences never start with ©.
# « Crédits : Jeanne Martin » too, but only before a name, its words capitalised whatever the pattern's case
# flag: « Crédits : 3 ECTS pour le module. », « Crédits : enseignements du semestre » are content.
_CAPITALISED = r"[A-ZÀ-ÖØ-ÞŒÆ][\w'’.-]*"
_PARTICLE = r"(?:de la|de l['’]|de|du|des|la|le|d['’]|et|/|-|–)"
_NAME = rf"(?-i:{_CAPITALISED}(?:\s+(?:{_PARTICLE}\s*)?{_CAPITALISED}){{0,4}})"
CREDIT = re.compile(
    r"©.+|(?:crédits?|credits?) (?:photos?|images?|illustrations?)(?:\s*:.*)?|"
    r"(?:photo|photos|visuel|illustration)\s*:\s*[^.!?]{1,80}|"
    rf"(?:crédits?|credits?)\s*:\s*{_NAME}",
    re.IGNORECASE,
)
MAX_CREDIT = 120
# A caption that ends with its picture's credit: « Visite du tiers-lieu © Réseau rural », « Les élus réunis
# en mairie./ Photo Mairie de Vic », « … (Photo Jeanne Martin) ». At most eight words after the mark, none
# of them ending a sentence: a report's sentence does not end on a credit. The credit starts with a name:
# « Pour André Rossinot (photo), le président… » points at a picture and goes on as a sentence.
CAPTION_CREDIT = re.compile(
    r".{3,}?\s*(?:©|(?<!\w)/\s*(?i:photos?)\b|\(\s*(?i:photos?)\b)\s*"
    r"[^\s.!?),;:][^\s.!?]*(?:\s+[^\s.!?]+){0,7}\s*\)?"
)
MAX_CAPTION = 250
# Two to eight lowercase words, no punctuation, then a number of 1-2 digits ("nuages de mots competences 2").
CAPTION = re.compile(r"[a-zà-ÿ][a-zà-ÿ'’]*(?:[ _-][a-zà-ÿ'’]+){1,7}[ _-]\d{1,2}")
GLUE_PUNCTUATION = frozenset(".)»!?;:,\"”")
# Longest file name looked at; longer tokens are prose or data, never a file name.
MAX_FILE_NAME = 80
# Dimensions or sizes that image captions carry: "(1024×768)", "1.2 Mo".
SIZE_TOKEN = re.compile(
    r"\(?\d{2,5}\s*[x×]\s*\d{2,5}\)?|\(?\d+(?:[.,]\d+)?\s*(?:ko|mo|kb|mb)\)?", re.IGNORECASE
)


def is_file_name(token: str) -> bool:
    return len(token) <= MAX_FILE_NAME and "/" not in token and FILE_NAME.fullmatch(token) is not None


def _glued_end(token: str) -> int | None:
    """Start of a camera or image file name glued after punctuation at the end of `token`, or None."""
    tail_start = max(0, len(token) - MAX_FILE_NAME)
    in_link = "/" in token  # ".../Fichier:Portrait-1965.png" is part of a link, not a residue
    for position in range(tail_start, len(token)):
        if position and token[position - 1] in GLUE_PUNCTUATION:
            candidate = token[position:]
            if (
                _CAMERA_ONLY.fullmatch(candidate)
                or _GENERIC_ONLY.fullmatch(candidate)
                or (not in_link and _WITH_EXTENSION.fullmatch(candidate))
            ):
                return position
    return None


def _line_spans(line_text: str) -> list[Span]:
    """Spans inside one non-blank line; a single span covering the line means 'the whole line'."""
    stripped = line_text.strip(HORIZONTAL_SPACE)
    # One pass over the tokens, keeping only the two first and two last: a line may be megabytes long.
    first = second = before_last = last = None
    only_files, some_file = True, False
    for token in tokens(line_text):
        if first is None:
            first = token
        elif second is None:
            second = token
        before_last, last = last, token
        if only_files:
            if is_file_name(token[2]):
                some_file = True
            elif not SIZE_TOKEN.fullmatch(token[2]):
                only_files = False
    if first is None or last is None:
        return []
    if only_files and some_file:
        return [(0, len(line_text))]
    if len(stripped) <= MAX_FILE_NAME and CAPTION.fullmatch(stripped):
        return [(0, len(line_text))]
    if len(stripped) <= MAX_CREDIT and CREDIT.fullmatch(stripped):
        return [(0, len(line_text))]
    if len(stripped) <= MAX_CAPTION and CAPTION_CREDIT.fullmatch(stripped):
        return [(0, len(line_text))]
    spans: list[Span] = []
    first_start, _, first_word = first
    glued = GLUED_START.match(first_word[:MAX_FILE_NAME])
    if glued:
        spans.append((first_start, first_start + glued.end()))
    elif second is not None and is_file_name(first_word):
        spans.append((first_start, second[0]))
    last_start, last_end, last_word = last
    end_file = _CAMERA_ONLY.fullmatch(last_word) or _WITH_EXTENSION.fullmatch(last_word)
    if before_last is not None and (end_file or _GENERIC_ONLY.fullmatch(last_word)) and "/" not in last_word:
        spans.append((before_last[1], last_end))
    else:
        position = _glued_end(last_word)
        if position is not None:
            spans.append((last_start + position, last_end))
    return spans


def find_image_residue(text: str) -> list[Span]:
    spans: list[Span] = []
    for line in split_lines(text):
        if line.is_blank:
            continue
        found = _line_spans(line.text)
        if found == [(0, len(line.text))]:
            spans.append(whole_line(line))
        else:
            spans.extend((line.start + start, line.start + end) for start, end in found)
    return spans
