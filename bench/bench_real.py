"""The pipeline, as a user runs it, scored on the real development set (bench/realpages/).

    .venv/bin/python -m bench.bench_real [--folds 5] [--examples 10] [--texts DIR]
    .venv/bin/python -m bench.bench_real --heldout [--texts DIR]     (make bench-heldout)
    .venv/bin/python -m bench.bench_real --save run.json              (then: python -m bench.compare_real)

The pages whose text is at hand (committed open-licensed texts, `bench/realpages/local/`, REALPAGES_TEXTS or
--texts) are written to a temporary corpus and analysed with the project's settings (rules, codebook,
lexicon). The classifier is, by default, trained once per site fold, like `make train` on the bundled
annotations less the real pages of that fold's sites, and used on that fold only (`--model folds`);
`--model shipped` uses the shipped one, which is in-sample when it was trained on the real passages (the
bench warns). Scores: cleaning (chrome lines removed, content lines kept), tagging (line-level micro and
macro F1, predicted tags per gold tag, per category precision and recall beside the annotators'
agreement), competences (recall, precision, type accuracy), for each site fold and overall. Anything else
fitted on the set must likewise be fitted on the other folds before it is scored on one.

`--heldout` scores the held-out pages (`bench/realpages/heldout.jsonl`: other sites, not read while writing
the rules or the chrome model's features; one lexicon choice was, docs/annotation.md 6.9), beside their own
annotators' agreement: the check that what the development folds say holds on sites nobody tuned on. Their
passages train the shipped classifier too, so it is scored there by site folds as well (each fold's
classifier trained without that fold's sites); the chrome model, fitted on the development set alone, is
the shipped one."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.realpages.dataset import (
    AGREEMENT_FILE,
    HELDOUT_AGREEMENT_FILE,
    HELDOUT_FILE,
    PAGES_FILE,
    RealPage,
    load_pages,
    site_folds,
)
from bench.realpages.scoring import (
    INTERVAL_DRAWS,
    INTERVAL_FIGURES,
    CleanToSource,
    LineOutcome,
    PredictedPassage,
    Prediction,
    Scores,
    line_outcomes,
    score,
    site_intervals,
    write_predictions,
)
from pipeline.clean.chrome import MODEL_FILE

PROJECT = Path(__file__).resolve().parents[1]
ANNOTATIONS = PROJECT / "corpus" / "annotations"
CACHE = PROJECT / ".cache"  # the project's own caches: parses are shared with analyse and train


def run_pipeline(pages: list[RealPage], workdir: Path, models_dir: Path | None = None,
                 encoder: bool | None = None, lexicon: Path | None = None) -> dict[str, Prediction]:
    """Analyse the pages as a corpus folder and read back, per page, its removals and passages."""
    from pipeline.outputs.passagesfile import FILE_NAME as PASSAGES_FILE
    from pipeline.outputs.passagesfile import read_records
    from pipeline.run import analyse
    from pipeline.settings import load_settings

    corpus = workdir / "corpus"
    corpus.mkdir()
    for page in pages:
        (corpus / f"{page.page_id}.txt").write_text(page.text, encoding="utf-8")
    chosen = {"lexicon": lexicon} if lexicon is not None else {}
    # every page is scored by itself: a page whose cleaned text is another's is analysed too
    settings = load_settings(corpus=corpus, output=workdir / "out", cache_dir=CACHE, progress=False,
                             models_dir=models_dir, encoder=encoder, count_copies_once=False, **chosen)
    analyse(settings)
    out = workdir / "out"
    removals: dict[str, list[tuple[int, int, str]]] = {}
    with (out / "tables" / "removed.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            removals.setdefault(row["doc_id"], []).append((int(row["start"]), int(row["end"]), row["reason"]))
    passages: dict[str, list[PredictedPassage]] = {}
    lengths = {page.page_id: len(page.text) for page in pages}
    mappers: dict[str, CleanToSource] = {}
    for record in read_records(out / PASSAGES_FILE):
        page_id = record["doc_id"].removesuffix(".txt")
        mapper = mappers.get(page_id)
        if mapper is None:
            spans = [(s, e) for s, e, _ in removals.get(record["doc_id"], [])]
            mapper = mappers[page_id] = CleanToSource(spans, lengths[page_id])
        start, end = mapper.span(record["start"], record["end"])
        terms = tuple(
            (*mapper.span(record["start"] + c["start"], record["start"] + c["end"]), c["term"], c["type"])
            for c in record["competences"]
        )
        categories = frozenset(c["id"] for c in record["categories"])
        passages.setdefault(page_id, []).append(PredictedPassage(start, end, categories, terms))
    return {
        page.page_id: Prediction(tuple(removals.get(f"{page.page_id}.txt", ())),
                                 tuple(passages.get(page.page_id, ())))
        for page in pages
    }


def train_without(sites: set[str], workdir: Path, encoder: bool | None = None) -> Path:
    """A classifier trained like `make train` on the bundled annotations, less the `real` passages of
    `sites`; returns its models folder."""
    from pipeline.commands import train
    from pipeline.settings import load_settings

    annotations = workdir / "annotations"
    annotations.mkdir()
    for path in sorted(ANNOTATIONS.glob("*.jsonl")):
        kept = [line for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and json.loads(line).get("group", "").removeprefix("real/") not in sites]
        (annotations / path.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    models = workdir / "models"
    settings = load_settings(annotations=annotations, models_dir=models, cache_dir=CACHE, progress=False,
                             encoder=encoder)
    with contextlib.redirect_stdout(io.StringIO()):
        train(argparse.Namespace(), settings)
    return models


def predictions_by_fold(pages: list[RealPage], folds: int, workdir: Path, encoder: bool | None = None,
                        refit_chrome: bool = True, texts: Sequence[Path] = ()) -> dict[str, Prediction]:
    """Each fold's pages analysed with a classifier trained, a competence licence model fitted (on both
    real sets), and (`refit_chrome`) a chrome-line model fitted, without any page of that fold's sites;
    without `refit_chrome`, the shipped chrome model, for pages it was not fitted on."""
    from bench.fit_licence import lexicon_without
    from bench.realpages.chrome_fit import DEFAULT_CLEAN, clean_lines
    from bench.realpages.chrome_fit import fit as fit_chrome
    from pipeline.clean.chrome import ChromeModel, use_model  # the prepared-text cache keys on the model

    if refit_chrome:
        shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))  # refitted with the shipped settings
        clean = clean_lines(DEFAULT_CLEAN)  # the shipped threshold's second condition (docs/cleaning.md)
    fold_of = site_folds([page.site for page in pages], folds)
    predictions: dict[str, Prediction] = {}
    try:
        for fold in range(folds):
            part = [page for page in pages if fold_of[page.site] == fold]
            if not part:
                continue
            folder = workdir / f"fold-{fold + 1}"
            folder.mkdir()
            models = train_without({page.site for page in part}, folder, encoder)
            if refit_chrome:
                others = [page for page in pages if fold_of[page.site] != fold]
                use_model(ChromeModel.from_dict(fit_chrome(others, shipped["c"], keep=shipped["keep"],
                                                                 clean=clean)))
            lexicon = lexicon_without({page.site for page in part}, folder, texts)
            predictions |= run_pipeline(part, folder, models, encoder, lexicon)
    finally:
        use_model(None)
    return predictions


def shipped_model_saw_real_pages(encoder: bool) -> bool:
    from pipeline.modelfile import metadata_path
    from pipeline.settings import Settings

    metadata = metadata_path(Settings(encoder=encoder).model_path)
    try:
        sources = json.loads(metadata.read_text(encoding="utf-8")).get("passages_per_source", {})
    except (OSError, ValueError):
        return False
    return bool(sources.get("real"))


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}"


def _ratio(value: float | None) -> str:
    return " n/a" if value is None else f"{value:4.2f}"


def _interval(name: str, low: float, high: float) -> str:
    if name == "tags per gold tag":
        return f"{low:.2f}–{high:.2f}"
    return f"{100 * low:.1f}–{100 * high:.1f} %"


def print_summary_row(name: str, s: Scores) -> None:
    micro = s.micro()
    print(f"| {name} | {s.pages} | {s.sites} | {_pct(s.chrome_recall)} | {_pct(s.content_kept_share)} | "
          f"{_pct(micro.f1)} | {_pct(s.macro_f1())} | {_pct(s.micro(True).f1)} | "
          f"{_ratio(s.tags_per_gold_tag)} | "
          f"{s.chrome_lines_tagged}/{s.chrome_lines} | {_pct(s.term_recall)} | {_pct(s.term_precision)} | "
          f"{_pct(s.type_accuracy)} |")


def report(outcomes: list[LineOutcome], categories: list[str], folds: int, examples: int,
           agreement_file: Path = AGREEMENT_FILE) -> None:
    fold_of = site_folds([o.site for o in {o.page_id: o for o in outcomes}.values()], folds)
    overall = score(outcomes, categories)
    print("## Summary (percentages; tagging on every line, a chrome line's gold being no category)\n")
    print("| fold | pages | sites | chrome removed | content kept | micro F1 | macro F1 | micro F1 content "
          "| tags per gold tag | chrome lines tagged | term recall | term precision | type right |")
    print("| --- " * 13 + "|")
    for fold in range(folds):
        part = [o for o in outcomes if fold_of[o.site] == fold]
        if part:
            print_summary_row(f"fold {fold + 1}", score(part, categories))
    print_summary_row("all", overall)
    print(f"\nlines: {overall.chrome_lines} chrome, {overall.content_lines} content; gold tags "
          f"{overall.gold_tags}, predicted {overall.predicted_tags}; gold terms {overall.gold_terms}, "
          f"found {overall.found_terms}")
    intervals = site_intervals(outcomes, categories)
    if intervals:
        shown = [f"{name} {_interval(name, *intervals[name])}"
                 for name in INTERVAL_FIGURES if name in intervals]
        print(f"\n95 % intervals, the {overall.sites} sites drawn again with replacement "
              f"({INTERVAL_DRAWS:,} draws): " + "; ".join(shown))

    agreement = {}
    if agreement_file.is_file():
        agreement = json.loads(agreement_file.read_text(encoding="utf-8")).get("categories", {})
    print("\n## Tagging per category (every line)\n")
    print("| category | gold | predicted | precision | precision, 95 % over sites | recall | F1 | "
          "annotators' kappa | annotators' F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for category in categories:
        c = overall.categories[category]
        agreed = agreement.get(category, {})
        spread = intervals.get(f"precision {category}")
        shown = f"{100 * spread[0]:.1f}–{100 * spread[1]:.1f}" if spread else "n/a"
        print(f"| {category} | {c.tp + c.fn} | {c.tp + c.fp} | {_pct(c.precision)} | {shown} | "
              f"{_pct(c.recall)} | {_pct(c.f1)} | {_ratio(agreed.get('kappa'))} | {_pct(agreed.get('f1'))} |")

    def show(title: str, rows: list[LineOutcome]) -> None:
        print(f"\n## {title}: {len(rows)} (first {min(examples, len(rows))})\n")
        for o in rows[:examples]:
            reasons = f" [{', '.join(o.reasons)}]" if o.reasons else ""
            print(f"- {o.page_id}: {o.line.text[:110]!r}{reasons}")

    show("Chrome lines kept", overall.chrome_kept_examples)
    show("Content lines removed", overall.content_removed_examples)
    for title, terms in (("Competence terms missed", overall.missed_terms),
                         ("Competence terms found that a reader did not mark", overall.wrong_terms)):
        common = Counter(terms).most_common(examples)
        print(f"\n## {title}: {len(terms)}\n")
        print(", ".join(f"{term} ({kind})" + (f" ×{n}" if n > 1 else "") for (term, kind), n in common))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=None,
                        help="the labelled pages (default: the development set; with --heldout, the "
                             "held-out set)")
    parser.add_argument("--heldout", action="store_true",
                        help="score the held-out pages (classifier by site folds, the shipped chrome model)")
    parser.add_argument("--texts", type=Path, action="append", default=[],
                        help="a folder of <page_id>.txt copies of the pages whose text is not committed")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--model", choices=("shipped", "folds", "rules"), default="folds",
                        help="the shipped classifier, one trained per fold on the annotations less the "
                             "real pages of that fold's sites (needs corpus/annotations/real*.jsonl), or "
                             "none (the codebook's rules alone)")
    parser.add_argument("--save", type=Path, default=None,
                        help="also write the run's predictions (offsets, reasons, categories and terms) to "
                             "this JSON file, for `python -m bench.compare_real`")
    parser.add_argument("--encoder", action=argparse.BooleanOptionalAction,
                        help="the classifier reading passages with the sentence encoder (default, as the "
                             "settings say) or, with --no-encoder, spaCy's word vectors")
    args = parser.parse_args(argv)
    pages_file = args.pages or (HELDOUT_FILE if args.heldout else PAGES_FILE)
    agreement_file = HELDOUT_AGREEMENT_FILE if args.heldout else AGREEMENT_FILE
    name = "Held-out real pages" if args.heldout else "Real development set"
    if not pages_file.is_file():
        print(f"{pages_file}: no {name.lower()} here")
        return 2
    pages, absent = load_pages(pages_file, args.texts)
    print(f"# {name}: {len(pages)} pages with their text at hand, {len(absent)} without\n")
    if absent:
        print("Pages whose text is not here (only their keys and labels are committed; see docs/data.md):")
        for line in absent[:5]:
            print(f"- {line}")
        if len(absent) > 5:
            print(f"- … and {len(absent) - 5} more")
        print()
    if not pages:
        print("No page to score.")
        return 0
    from pipeline.codebook import load_codebook
    from pipeline.settings import Settings

    categories = list(load_codebook(Settings().codebook).ids)
    trained = "the shipped one"
    if args.model == "folds":
        trained = "one per fold, trained without that fold's sites"
    elif args.model == "rules":
        trained = "none (rules only)"
    encoder = Settings().encoder if args.encoder is None else args.encoder
    reads = (", reading passages with the sentence encoder" if encoder
             else ", reading spaCy's word vectors (no sentence encoder)")
    print(f"Classifier: {trained}{reads if args.model != 'rules' else ''}\n")
    if args.model != "folds":
        print("Warning: the competence licence model of the shipped lexicon was fitted on these pages: its "
              "competence figures are in-sample. Use --model folds (the default).\n")
    if args.model == "shipped" and shipped_model_saw_real_pages(encoder):
        print("Warning: the shipped classifier was trained on these pages' passages: its tagging figures are "
              "in-sample and optimistic. Use --model folds (the default).\n")
    with tempfile.TemporaryDirectory(prefix="bench-real-") as tmp:
        if args.model == "folds":
            predictions = predictions_by_fold(pages, args.folds, Path(tmp), encoder,
                                              refit_chrome=not args.heldout, texts=args.texts)
        elif args.model == "rules":
            (Path(tmp) / "no-model").mkdir()
            predictions = run_pipeline(pages, Path(tmp), Path(tmp) / "no-model")
        else:
            predictions = run_pipeline(pages, Path(tmp), encoder=encoder)
    if args.save:
        write_predictions(args.save, predictions)
    outcomes = [o for page in pages for o in line_outcomes(page, predictions[page.page_id])]
    report(outcomes, categories, args.folds, args.examples, agreement_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
