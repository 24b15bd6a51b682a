"""Quality benchmark of the cleaning stage: line-level precision and recall of removal.

    .venv/bin/python -m bench.bench_clean --seed-corpus corpus --clean-corpus ../shared/corpora/crdh

(a) the seed report against a hand-made gold labelling of its lines (below); (b) crdh reports polluted
with seeded junk (bench/junk.py); (c) the untouched crdh reports, where every removal is a mistake;
(d) the real development set (bench/realpages/, when the page texts are at hand: docs/data.md), its chrome
lines against its content lines, by site folds: each fold cleaned as a corpus of its own with the chrome
model fitted on the other folds' sites, as `make bench-real` does (its tagging and competences left out).
(a)-(b) say whether the rules still do what they were written for; (d) is what holds on pages never seen.

Scoring, per non-blank source line, on non-space characters: a line is *junk* when gold junk covers some
of it, *removed* when a non-whitespace rule removed some of it. Precision = removed lines where nothing
but junk was removed / removed lines. Recall = junk lines whose junk was entirely removed / junk lines.
Space-only lines are left out: the whitespace rule handles them deterministically (and the tests check)."""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.junk import pollute
from pipeline.clean import clean_text
from pipeline.clean.lines import HORIZONTAL_SPACE, split_lines
from pipeline.types import CleanDocument

SEED_NAME = "000_78cea8dd92422722.txt"
# Gold labelling of the seed report, checked by reading it line by line (0-based line numbers).
# Whole junk lines: the "CC" initials (2, 3), the caption (91), "Image1" (105), the comment section
# (155-169: header, three pingback items and their excerpts, "Les commentaires sont fermés."), the dump
# list (170). Line 85 starts with the glued camera name "SL702349". Lines 81 and 107 are nbsp-only
# (whitespace rule, not scored).
SEED_JUNK_LINES = {2: "initials", 3: "initials", 91: "image_residue", 105: "image_residue"}
SEED_JUNK_LINES |= {n: "comments" for n in (155, 157, 159, 161, 163, 165, 167, 169)}
SEED_JUNK_LINES |= {170: "spam_links"}
SEED_GLUED = {85: ("SL702349", "image_residue")}


@dataclass
class Score:
    junk_lines: int = 0
    junk_found: int = 0
    removed_lines: int = 0
    removed_clean: int = 0
    missed: list[str] | None = None
    wrong: list[str] | None = None

    def add(self, other: Score) -> None:
        self.junk_lines += other.junk_lines
        self.junk_found += other.junk_found
        self.removed_lines += other.removed_lines
        self.removed_clean += other.removed_clean
        self.missed = (self.missed or []) + (other.missed or [])
        self.wrong = (self.wrong or []) + (other.wrong or [])

    @property
    def precision(self) -> float:
        return self.removed_clean / self.removed_lines if self.removed_lines else 1.0

    @property
    def recall(self) -> float:
        return self.junk_found / self.junk_lines if self.junk_lines else 1.0


def _mask(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def score(document: CleanDocument, gold: Iterable[tuple[int, int]]) -> Score:
    source = document.source
    junk = _mask(len(source), gold)
    removed = _mask(len(source), ((r.start, r.end) for r in document.removals if r.reason != "whitespace"))
    result = Score(missed=[], wrong=[])
    for line in split_lines(source):
        positions = [i for i in range(line.start, line.end) if source[i] not in HORIZONTAL_SPACE]
        if not positions:
            continue
        is_junk = any(junk[i] for i in positions)
        is_removed = any(removed[i] for i in positions)
        if is_junk:
            result.junk_lines += 1
            if all(removed[i] for i in positions if junk[i]):
                result.junk_found += 1
            else:
                result.missed.append(line.text)
        if is_removed:
            result.removed_lines += 1
            if all(junk[i] for i in positions if removed[i]):
                result.removed_clean += 1
            else:
                result.wrong.append(line.text)
    return result


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".txt", ".md"})


def seed_gold(text: str) -> list[tuple[int, int]]:
    lines = split_lines(text)
    gold = [(lines[n].start, lines[n].end) for n in SEED_JUNK_LINES]
    for number, (prefix, _kind) in SEED_GLUED.items():
        assert lines[number].text.startswith(prefix), "the seed report changed: re-check the gold labels"
        gold.append((lines[number].start, lines[number].start + len(prefix)))
    return gold


def bench_seed(folder: Path) -> Score:
    text = read_text(folder / SEED_NAME)
    return score(clean_text(text, doc_id=SEED_NAME), seed_gold(text))


def bench_polluted(files: list[Path], seed: int, items: int) -> tuple[Score, Counter[str], Counter[str]]:
    rng = random.Random(seed)
    total = Score(missed=[], wrong=[])
    per_kind_junk: Counter[str] = Counter()
    per_kind_missed: Counter[str] = Counter()
    for path in files:
        polluted = pollute(read_text(path), rng, items=items)
        document = clean_text(polluted.text, doc_id=path.name)
        result = score(document, [(start, end) for start, end, _ in polluted.gold])
        total.add(result)
        missed = set(result.missed or [])
        for start, end, kind in polluted.gold:
            per_kind_junk[kind] += 1
            if any(
                polluted.text[start:end].strip() and part in missed
                for part in polluted.text[start:end].split("\n")
            ):
                per_kind_missed[kind] += 1
    return total, per_kind_junk, per_kind_missed


def bench_untouched(files: list[Path]) -> tuple[int, Counter[str], list[tuple[str, str, str]]]:
    characters = 0
    removed: Counter[str] = Counter()
    examples: list[tuple[str, str, str]] = []
    for path in files:
        document = clean_text(read_text(path), doc_id=path.name)
        characters += len(document.source)
        for removal in document.removals:
            removed[removal.reason] += removal.end - removal.start
            if removal.reason != "whitespace":
                examples.append((path.name, removal.reason, removal.text))
    return characters, removed, examples


def bench_real_set(folds: int = 5) -> tuple[int, int, int, int, Counter[str]] | None:
    """(d): chrome lines, chrome lines removed, content lines, content lines kept, and chrome lines removed
    per rule; None when no page text is at hand."""
    import json

    from bench.realpages.chrome_fit import DEFAULT_CLEAN, clean_lines
    from bench.realpages.chrome_fit import fit as fit_chrome
    from bench.realpages.dataset import load_pages, site_folds
    from bench.realpages.scoring import Prediction, line_outcomes
    from pipeline.clean import count_repeated
    from pipeline.clean.chrome import MODEL_FILE, ChromeModel, use_model

    pages, _ = load_pages()
    if not pages:
        return None
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    clean = clean_lines(DEFAULT_CLEAN)
    fold_of = site_folds([page.site for page in pages], folds)
    outcomes = []
    try:
        for fold in range(folds):
            part = [page for page in pages if fold_of[page.site] == fold]
            others = [page for page in pages if fold_of[page.site] != fold]
            if not part:
                continue
            fitted = fit_chrome(others, shipped["c"], keep=shipped["keep"], clean=clean)
            use_model(ChromeModel.from_dict(fitted))
            repeated = count_repeated((f"{page.page_id}.txt", page.text) for page in part)
            for page in part:
                cleaned = clean_text(page.text, doc_id=f"{page.page_id}.txt", repeated=repeated)
                removals = tuple((r.start, r.end, r.reason) for r in cleaned.removals)
                outcomes.extend(line_outcomes(page, Prediction(removals, ())))
    finally:
        use_model(None)
    chrome = [o for o in outcomes if o.line.chrome]
    content = [o for o in outcomes if not o.line.chrome]
    by_rule: Counter[str] = Counter(reason for o in chrome if o.removed for reason in o.reasons)
    return (len(chrome), sum(o.removed for o in chrome), len(content), sum(not o.removed for o in content),
            by_rule)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seed-corpus", type=Path, default=Path("corpus"), help="folder with the seed report"
    )
    parser.add_argument(
        "--clean-corpus", type=Path, default=Path("../shared/corpora/crdh"), help="crdh folder"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the junk generator (default 0)")
    parser.add_argument("--items", type=int, default=8, help="junk items inserted per report (default 8)")
    parser.add_argument("--show", type=int, default=0, help="print up to N misses and mistakes of each part")
    args = parser.parse_args(argv)

    seed_score = bench_seed(args.seed_corpus)
    files = corpus_files(args.clean_corpus)
    polluted, per_kind, per_kind_missed = bench_polluted(files, args.seed, args.items)
    characters, removed, examples = bench_untouched(files)

    print(f"{'part':<34} {'junk lines':>10} {'removed':>8} {'precision':>9} {'recall':>7}")
    for label, result in (("(a) seed report", seed_score), (f"(b) crdh + junk (seed {args.seed})", polluted)):
        print(
            f"{label:<34} {result.junk_lines:>10} {result.removed_lines:>8} "
            f"{result.precision:>9.4f} {result.recall:>7.4f}"
        )
    print()
    print("(b) junk items by kind (missed = some of its lines kept):")
    for kind in sorted(per_kind):
        print(f"    {kind:<18} {per_kind[kind]:>5} items, {per_kind_missed[kind]:>3} missed")
    print()
    without_space = sum(count for reason, count in removed.items() if reason != "whitespace")
    with_space = sum(removed.values())
    print(f"(c) untouched crdh: {len(files)} reports, {characters} characters")
    print(f"    removed by junk rules:         {without_space:>8} = {100 * without_space / characters:.4f} %")
    print(f"    removed including whitespace:  {with_space:>8} = {100 * with_space / characters:.4f} %")
    for reason, count in sorted(removed.items()):
        print(f"      {reason:<18} {count:>8}")
    real = bench_real_set()
    print()
    if real is None:
        print("(d) real development set: no page text at hand (docs/data.md), not scored")
    else:
        chrome, chrome_removed, content, content_kept, by_rule = real
        print(f"(d) real development set, site folds: {chrome} chrome lines, {chrome_removed} removed "
              f"({100 * chrome_removed / chrome:.1f} %); {content} content lines, {content_kept} kept "
              f"({100 * content_kept / content:.1f} %)")
        print("    chrome lines removed per rule: "
              + ", ".join(f"{rule} {count}" for rule, count in by_rule.most_common()))
    if args.show:
        for label, result in (("seed", seed_score), ("polluted", polluted)):
            for line in (result.missed or [])[: args.show]:
                print(f"MISSED {label}: {line[:150]!r}")
            for line in (result.wrong or [])[: args.show]:
                print(f"WRONG  {label}: {line[:150]!r}")
        for name, reason, text in examples[: args.show]:
            print(f"REMOVED crdh {name} {reason}: {text[:150]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
