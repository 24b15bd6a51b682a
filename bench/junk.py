"""Seeded generator of scraped-web junk, inserted into clean reports with a record of where it went.

Templates vary numbers, names, domains and wording so that a benchmark on them measures the rules, not
the seed report's exact strings. Every inserted piece is recorded as a gold (start, end, kind) span."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = ["Marie", "Jean", "Sophie", "Karim", "Lucie", "Thomas", "Nadia", "Pierre", "Élodie", "Hugo"]
LAST_NAMES = [
    "Martin",
    "Durand",
    "Lefèvre",
    "Benali",
    "Moreau",
    "Garnier",
    "Roux",
    "Fabre",
    "Petit",
    "Nguyen",
]
SITES = [
    "Développeurs territoriaux",
    "Unadel",
    "Territoires en réseau",
    "Le blog de l'ARDTA",
    "Mairie-conseils",
]
TITLES = [
    "Programme du {n}ème Congrès {year}",
    "Coopérer entre et dans les territoires :...",
    "Retour sur la journée du {day} {month}",
    "Compte rendu de l'atelier {n}",
    "Les ateliers de l'ingénierie territoriale",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
WORDS = ["coopération", "territoire", "réseau", "mutualisation", "projet", "acteurs", "ingénierie", "pays"]
SPAM_STRONG = ["viagra", "cialis", "casino", "poker", "replica", "payday", "pharmacy", "essay", "tramadol"]
SPAM_FILLER = [
    "cheap",
    "buy",
    "online",
    "best",
    "loans",
    "writing",
    "service",
    "discount",
    "generic",
    "bonus",
]
TLDS = ["com", "net", "ru", "info", "biz", "org", "xyz", "co.uk", "pl"]
CERT_SUFFIXES = ["dumps", "dumps", "exam", "braindumps", "vce"]
CAPTION_WORDS = [
    "nuage",
    "mots",
    "compétences",
    "photo",
    "atelier",
    "schéma",
    "synthèse",
    "carte",
    "groupe",
    "table",
]
CAMERA_FORMATS = ["SL{d6}", "DSC_{d4}", "DSC{d5}", "IMG_{d4}.jpg", "IMG_{d4}", "P{d7}.JPG", "DSCN{d4}.JPG"]
GENERIC_IMAGES = ["Image{n}", "image{n}", "photo-{n}.png", "Photo{n}", "capture-ecran-{n}.png", "img_{n}"]


@dataclass(frozen=True)
class Piece:
    """A piece of junk: its text, how it is placed ("line" block or "start"/"end" glued), and its kind."""

    text: str
    kind: str
    placement: str  # "block" | "start" | "end"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2009, 2024)}"


def _domain(rng: random.Random) -> str:
    stem = "-".join(rng.sample(SPAM_FILLER + SPAM_STRONG + WORDS, rng.randint(1, 3)))
    stem = stem.replace("é", "e").replace("è", "e").replace("ê", "e")
    return f"{stem}{rng.randint(0, 99) if rng.random() < 0.3 else ''}.{rng.choice(TLDS)}"


def _dump_code(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.7:
        code = f"{_digits(rng, 3)}-{_digits(rng, 3)}"
    elif shape < 0.85:
        vendor, role = rng.choice(["QV", "AZ", "SY", "CX"]), rng.choice(["DEVELOPER", "ADMIN", "CORE"])
        code = f"{vendor}_{role}_{_digits(rng, 2)}"
    else:
        code = f"{rng.choice(['CCNA', 'MB', 'PMP', 'NSE'])}{_digits(rng, 3)}"
    return code + rng.choice(CERT_SUFFIXES)


def dump_run(rng: random.Random) -> str:
    return " ".join(_dump_code(rng) for _ in range(rng.randint(2, 20)))


def link_list(rng: random.Random) -> str:
    links = []
    for _ in range(rng.randint(3, 8)):
        domain = _domain(rng)
        style = rng.random()
        if style < 0.4:
            links.append(domain)
        elif style < 0.7:
            links.append(f"http://{domain}/{rng.choice(WORDS)}-{rng.randint(1, 999)}")
        else:
            links.append(f"https://www.{domain}")
    return rng.choice([" ", " | ", ", ", " • "]).join(links)


def stuffed_line(rng: random.Random) -> str:
    words = [rng.choice(SPAM_STRONG) for _ in range(rng.randint(2, 5))]
    words += [rng.choice(SPAM_FILLER) for _ in range(rng.randint(1, 6))]
    rng.shuffle(words)
    return " ".join(words)


def comment_block(rng: random.Random) -> list[str]:
    count = rng.randint(1, 6)
    title = rng.choice(TITLES).format(
        n=rng.randint(1, 9), year=rng.randint(2010, 2024), day=rng.randint(1, 28), month=rng.choice(MONTHS)
    )
    header = rng.choice(
        [
            f"{count} réponses à “{title}”",
            f"{count} résponses à “{title}”",
            f"{count} commentaires",
            "Un commentaire",
            f"{count} réflexions sur « {title} »",
            f"Une réponse à « {title} »",
        ]
    )
    lines = [header, ""]
    for item in range(1, rng.randint(1, 3) + 1):
        if rng.random() < 0.5:
            lines += [
                f"  {item}. {rng.choice(TITLES).format(n=item + 1, year=2015, day=3, month='mars')} | "
                f"{rng.choice(SITES)}",
                "",
            ]
            lines += [
                f"    […] {' '.join(rng.sample(WORDS, 5))}, des échanges sur la {rng.choice(WORDS)} […]",
                "",
            ]
        else:
            author = _name(rng)
            lines += [
                rng.choice([f"{author} dit :", author]),
                _date(rng) + rng.choice(["", " à 10 h 12 min"]),
            ]
            thanks = rng.choice(["Merci pour ce compte rendu sur la", "Bravo pour ce travail sur la"])
            lines += [f"{thanks} {rng.choice(WORDS)}, très utile pour notre {rng.choice(WORDS)} !"]
            if rng.random() < 0.6:
                lines.append("Répondre")
            lines.append("")
    lines.append(
        rng.choice(["Les commentaires sont fermés.", "Laisser un commentaire", "Laisser une réponse"])
    )
    if rng.random() < 0.5:
        lines += ["Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *"]
    return lines


def navigation_line(rng: random.Random) -> str:
    return rng.choice(
        [
            "Partager :",
            f"Partager sur {rng.choice(['Facebook', 'Twitter', 'LinkedIn'])}",
            "Twitter",
            "Facebook",
            "J’aime chargement…",
            "J'aime",
            "Articles similaires",
            "Lire la suite",
            f"Article précédent : {rng.choice(TITLES).format(n=2, year=2014, day=4, month='mai')}",
            "Article suivant",
            f"Accueil > {rng.choice(['Actualités', 'Séminaires'])} > {rng.choice(WORDS).capitalize()}",
            f"Accueil » {rng.choice(['Blog', 'Agenda'])}",
            "Ce site utilise des cookies pour améliorer votre expérience. "
            "En poursuivant, vous acceptez leur usage.",
            "Accepter",
            "Imprimer",
            f"Catégories : {rng.choice(['Actualités', 'Séminaires'])}, {rng.choice(WORDS).capitalize()}",
            f"Étiquettes : {', '.join(rng.sample(WORDS, 3))}",
            f"Publié le {_date(rng)} par {_name(rng)}",
        ]
    )


def image_piece(rng: random.Random) -> str:
    if rng.random() < 0.6:
        template = rng.choice(CAMERA_FORMATS)
        return template.format(d4=_digits(rng, 4), d5=_digits(rng, 5), d6=_digits(rng, 6), d7=_digits(rng, 7))
    return rng.choice(GENERIC_IMAGES).format(n=rng.randint(1, 30))


def caption_line(rng: random.Random) -> str:
    words = rng.sample(CAPTION_WORDS, rng.randint(2, 4))
    words = [word.replace("é", "e") if rng.random() < 0.5 else word for word in words]
    joiner = rng.choice([" ", " ", "-", "_"])
    return joiner.join(words + [str(rng.randint(1, 12))])


def initials_block(rng: random.Random) -> list[str]:
    """Two stray capitals lines, as under the seed's title ("CC", "CC"), sometimes a blank line apart."""
    first = "".join(rng.choice("ABCDEFGHJKLMNPRSTV") for _ in range(rng.randint(1, 3)))
    second = first if rng.random() < 0.6 else "".join(rng.choice("ABCDEFGHJKLMNPRSTV") for _ in range(2))
    return [first, second] if rng.random() < 0.5 else [first, "", second]


def random_piece(rng: random.Random) -> list[Piece]:
    """One junk item; block items may span several lines."""
    kind = rng.choice(
        [
            "spam_links",
            "spam_links",
            "keyword_stuffing",
            "comments",
            "image_residue",
            "image_residue",
            "share_navigation",
            "share_navigation",
            "initials",
        ]
    )
    if kind == "spam_links":
        roll = rng.random()
        if roll < 0.4:
            return [Piece(dump_run(rng), kind, "block")]
        if roll < 0.7:
            return [Piece(dump_run(rng), kind, "end")]
        return [Piece(link_list(rng), kind, "block")]
    if kind == "keyword_stuffing":
        return [Piece(stuffed_line(rng), kind, "block")]
    if kind == "comments":
        return [Piece("\n".join(comment_block(rng)), kind, "block")]
    if kind == "image_residue":
        roll = rng.random()
        if roll < 0.35:
            return [Piece(image_piece(rng), kind, "block")]
        if roll < 0.55:
            return [Piece(caption_line(rng), kind, "block")]
        if roll < 0.8:
            return [Piece(image_piece(rng), kind, "start")]
        return [Piece(image_piece(rng), kind, "end")]
    if kind == "share_navigation":
        return [Piece(navigation_line(rng), kind, "block")]
    return [Piece("\n".join(initials_block(rng)), kind, "block")]


@dataclass(frozen=True)
class Polluted:
    text: str
    gold: tuple[tuple[int, int, str], ...]  # junk spans in `text`, with the rule expected to remove them


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) > 40 and stripped[0].isupper() and stripped[-1] in ".!?:"


def pollute(text: str, rng: random.Random, *, items: int = 8) -> Polluted:
    """Insert `items` junk pieces into `text`: blocks as their own paragraph between lines, glued pieces at
    the start (file names) or end (file names, dump runs) of a prose line."""
    lines = text.split("\n")
    # Plan insertions: line index -> pieces to put before it ("block"), or glue onto it.
    blocks: dict[int, list[Piece]] = {}
    glued: dict[int, Piece] = {}
    prose = [i for i, line in enumerate(lines) if _is_prose(line)]
    title_index = next((i for i, line in enumerate(lines) if line.startswith("# ")), 0)
    # Paragraph boundaries: a blank line, so a block becomes its own paragraph.
    boundaries = [i for i, line in enumerate(lines) if not line.strip()] or [len(lines)]
    for _ in range(items):
        for piece in random_piece(rng):
            if piece.placement == "block" or not prose:
                if piece.kind == "initials" and rng.random() < 0.3:
                    # Initials also come right under the title, as in the seed report.
                    blocks.setdefault(title_index + 1, []).append(piece)
                    continue
                blocks.setdefault(rng.choice(boundaries), []).append(piece)
            else:
                target = rng.choice(prose)
                if target not in glued:
                    glued[target] = piece
    out: list[str] = []
    gold: list[tuple[int, int, str]] = []
    position = 0

    def emit(chunk: str, kind: str | None = None) -> None:
        nonlocal position
        if kind is not None:
            gold.append((position, position + len(chunk), kind))
        out.append(chunk)
        position += len(chunk)

    for index, line in enumerate(lines):
        for piece in blocks.get(index, []):
            emit("\n")
            emit(piece.text, piece.kind)
            emit("\n")
        piece = glued.get(index)
        if piece is not None and piece.placement == "start":
            emit(piece.text, piece.kind)
            emit(line)
        elif piece is not None:
            emit(line)
            emit(rng.choice([" ", ""]) + piece.text, piece.kind)
        else:
            emit(line)
        if index < len(lines) - 1:
            emit("\n")
    for piece in blocks.get(len(lines), []):
        emit("\n\n")
        emit(piece.text, piece.kind)
    return Polluted("".join(out), tuple(gold))
