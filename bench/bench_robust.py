"""Robustness benchmark: cleaning time, and the reading of one long passage, must grow linearly.

    .venv/bin/python -m bench.bench_robust [--scale 1.0]

Each input is built at two sizes, 1x and 4x; a time ratio near 4 means linear time (quadratic would be 16).
The second table reads one long passage (a paragraph nobody broke, as a PDF without blank lines gives) with
the codebook's rules and the competence lexicon, on its spaCy parse (the parse itself is not timed). The third
times what the model is given to read of a passage (`parsing_text`: emphasis, links and tags blanked), on
lines of stars that close nothing and of emphasis."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from pipeline.clean import clean_text

MEGABYTE = 1_000_000


def single_line(size: int) -> str:
    """One line without a newline: words, links and dump codes, never a line break."""
    unit = "coopération territoriale http://example.com 200-125dumps SL702349Parmi IMG_1234.jpg "
    return (unit * (size // len(unit) + 1))[:size]


def many_short_lines(count: int) -> str:
    lines = [
        "CC",
        "",
        "Partager :",
        "Une phrase courte.",
        "\xa0",
        "Image1",
        "1. Titre | Site",
        "[…] extrait […]",
    ]
    return "\n".join(lines[i % len(lines)] for i in range(count))


def same_character(size: int) -> str:
    return "a" * size


def same_code_character(size: int) -> str:
    """A run of a character that several patterns accept (digits fit dump codes, camera names, numbers)."""
    return "1" * size


def dot_leader(size: int) -> str:
    """A line of dots, as a PDF's table of contents draws its leaders, with no page number at the end."""
    return "." * size


def one_address_character(size: int) -> str:
    """A line of one letter and no @: what an unbounded e-mail pattern would read in quadratic time."""
    return "a" * (size - 1) + "@"


# Nesting depth of the bullet staircase; the input repeats the staircase to reach its size.
BULLET_DEPTH = 1_000


def nested_bullets(size: int) -> str:
    """Bullets nested 1,000 levels deep (2,000 spaces of indentation), down and up again, to `size` chars."""
    levels = list(range(BULLET_DEPTH)) + list(range(BULLET_DEPTH, 0, -1))
    staircase = "\n".join("  " * level + f"- point {level}" for level in levels) + "\n"
    return (staircase * (size // len(staircase) + 1))[:size]


# What the rule "mail_furniture" reads line by line and looks ahead from: closing formulas, header fields,
# quoted lines, in a mail (the rule runs on mails only)
_MAIL_LINES = ("Cordialement,", "Objet : atelier", "À : Paul", "> cité", "", "De : Jean", "Bien à vous",
               "Une phrase du message, assez longue pour en être une.")


def mail_furniture_lines(count: int) -> str:
    return "\n".join(_MAIL_LINES[index % len(_MAIL_LINES)] for index in range(count))


CASES: list[tuple[str, Callable[[int], str], int]] = [
    ("20 MB single line", single_line, 20 * MEGABYTE),
    ("100,000 short lines", many_short_lines, 100_000),
    ("1 MB of one letter", same_character, MEGABYTE),
    ("1 MB of one digit", same_code_character, MEGABYTE),
    ("4 MB of bullets nested 1,000 deep", nested_bullets, 4 * MEGABYTE),
    ("1 MB of dots (a contents leader)", dot_leader, MEGABYTE),
    ("1 MB of one letter, then an @", one_address_character, MEGABYTE),
    ("a mail of 50,000 closings, fields, quotes", mail_furniture_lines, 50_000),
]
MAIL_CASES = {mail_furniture_lines}  # cleaned as a mail's body


def timed(text: str, doc_id: str = "") -> float:
    started = time.perf_counter()
    clean_text(text, doc_id=doc_id)
    return time.perf_counter() - started


PASSAGE_CASES: list[tuple[str, str, int]] = [
    ("prose, one cue and one term a sentence",
     "Les élus et les habitants animent des ateliers de concertation entre communes voisines. ", 150),
    ("a competence list", "compétences : écoute, animation, ", 750),
]


def passage_table(scale: float) -> None:
    from pipeline.analysis.competences import CompetenceExtractor
    from pipeline.analysis.lexicon import load_lexicon
    from pipeline.analysis.tagging import RuleTagger
    from pipeline.codebook import load_codebook
    from pipeline.nlp import load_nlp
    from pipeline.settings import load_settings

    settings = load_settings(progress=False)
    nlp = load_nlp(settings.spacy_model)
    extractor = CompetenceExtractor(load_lexicon(settings.lexicon), nlp)
    tagger = RuleTagger(load_codebook(settings.codebook), nlp)

    def read(text: str) -> tuple[int, float]:
        doc = nlp(text)
        started = time.perf_counter()
        extractor.extract(doc)
        tagger.tag(doc)
        return len(doc), time.perf_counter() - started

    print(f"\n{'one passage (1x)':<38} {'tokens 1x':>11} {'1x (s)':>8} {'4x (s)':>8} {'ratio':>6}")
    for label, unit, base in PASSAGE_CASES:
        repeats = max(1, int(base * scale))
        (tokens, small_time), (_, large_time) = read(unit * repeats), read(unit * 4 * repeats)
        ratio = large_time / small_time if small_time else float("nan")
        print(f"{label:<38} {tokens:>11} {small_time:>8.3f} {large_time:>8.3f} {ratio:>6.2f}")


MODEL_TEXT_CASES: list[tuple[str, str, int]] = [
    ("a line of stars that close nothing", "*a ", 300_000),
    ("a line of words in emphasis", "l'**écoute** et *l'esprit de synthèse* ", 30_000),
    ("a line of Markdown links", "[schéma](https://exemple.fr/a.pdf) ", 30_000),
]


def model_text_table(scale: float) -> None:
    from pipeline.nlp.modeltext import parsing_text

    print(f"\n{'what the model reads (1x)':<38} {'chars 1x':>11} {'1x (s)':>8} {'4x (s)':>8} {'ratio':>6}")
    for label, unit, base in MODEL_TEXT_CASES:
        repeats = max(1, int(base * scale))
        times = []
        for text in (unit * repeats, unit * 4 * repeats):
            started = time.perf_counter()
            parsing_text(text)
            times.append(time.perf_counter() - started)
        ratio = times[1] / times[0] if times[0] else float("nan")
        print(f"{label:<38} {len(unit) * repeats:>11} {times[0]:>8.3f} {times[1]:>8.3f} {ratio:>6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size (default 1.0)")
    args = parser.parse_args(argv)
    print(f"{'input (1x)':<38} {'chars 1x':>11} {'1x (s)':>8} {'4x (s)':>8} {'ratio':>6}")
    for label, build, base in CASES:
        size = max(1, int(base * args.scale))
        small, large = build(size), build(4 * size)
        doc_id = "message.eml" if build in MAIL_CASES else ""
        small_time, large_time = timed(small, doc_id), timed(large, doc_id)
        ratio = large_time / small_time if small_time else float("nan")
        print(f"{label:<38} {len(small):>11} {small_time:>8.3f} {large_time:>8.3f} {ratio:>6.2f}")
    passage_table(args.scale)
    model_text_table(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
