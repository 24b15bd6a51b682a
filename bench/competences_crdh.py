"""Competence extraction over a folder of Markdown/text reports: the most frequent discovered terms.

    .venv/bin/python -m bench.competences_crdh <corpus dir> [--top 30] [--lexicon FILE]
    .venv/bin/python -m bench.competences_crdh --calibrate     # leave-one-out check of vector typing

Paragraphs are blocks separated by blank lines; a paragraph's context is the last heading above it and,
for list blocks, nothing else (this bench does not rebuild the segmenter's bullet context)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.analysis.competences import CompetenceExtractor, calibrate_vector_typing
from pipeline.analysis.lexicon import load_lexicon
from pipeline.nlp import load_nlp
from pipeline.settings import PACKAGE_DATA

_HEADING = re.compile(r"^#{1,6}\s+")


def paragraphs(corpus: Path) -> Iterator[tuple[str, str]]:
    """(paragraph, nearest heading above it) for every non-empty block of every .md/.txt file."""
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() not in {".md", ".txt"} or not path.is_file():
            continue
        heading = ""
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            block = block.strip()
            if not block:
                continue
            if _HEADING.match(block):
                heading = _HEADING.sub("", block.splitlines()[0])
            yield block, heading


def run(corpus: Path, lexicon_path: Path, top: int) -> None:
    nlp = load_nlp()
    extractor = CompetenceExtractor(load_lexicon(lexicon_path), nlp)
    blocks = list(paragraphs(corpus))
    headings = {h: nlp.make_doc(h) for _, h in blocks}  # markers are read from text: no need to parse
    counts: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    lexicon_count = 0
    docs = nlp.pipe((text for text, _ in blocks), batch_size=32)
    for doc, (_, heading) in zip(docs, blocks, strict=True):
        context = (headings[heading],) if heading else ()
        for competence in extractor.extract(doc, context):
            if competence.origin == "lexicon":
                lexicon_count += 1
                continue
            counts[competence.term] += 1
            types.setdefault(competence.term, Counter())[competence.type] += 1
    discovered = sum(counts.values())
    untyped = sum(c["autre"] for c in types.values())
    print(f"{len(blocks)} paragraphs, {lexicon_count} lexicon occurrences, "
          f"{discovered} discovered occurrences ({len(counts)} distinct terms)")
    share = untyped / max(discovered, 1)
    print(f"discovered occurrences typed 'autre': {untyped}/{discovered} = {share:.1%}")
    print(f"\n{'count':>5}  {'type':<13} term")
    for term, count in counts.most_common(top):
        print(f"{count:>5}  {types[term].most_common(1)[0][0]:<13} {term}")


def calibrate(lexicon_path: Path) -> None:
    lexicon = load_lexicon(lexicon_path)
    rows = calibrate_vector_typing(lexicon, load_nlp())
    print(f"leave-one-out over {len(rows)} lexicon terms; current threshold "
          f"{lexicon.vector_typing.threshold}, margin {lexicon.vector_typing.margin}")
    print(f"{'threshold':>9} {'margin':>6} {'typed':>5} {'correct':>7} {'precision':>9}")
    for threshold in (0.3, 0.4, 0.5, 0.6):
        for margin in (0.0, 0.02, 0.04, 0.06, 0.08):
            typed = [r for r in rows if r.score >= threshold and r.margin >= margin]
            correct = sum(r.gold == r.predicted for r in typed)
            precision = correct / len(typed) if typed else 0.0
            print(f"{threshold:>9} {margin:>6} {len(typed):>5} {correct:>7} {precision:>9.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, help="folder of .md/.txt reports")
    parser.add_argument("--lexicon", type=Path, default=PACKAGE_DATA / "competences.yaml")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--calibrate", action="store_true", help="leave-one-out table for vector typing")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate(args.lexicon)
        return 0
    if args.corpus is None or not args.corpus.is_dir():
        parser.error("give a corpus folder (or --calibrate)")
    run(args.corpus, args.lexicon, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
