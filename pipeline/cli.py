"""`python -m pipeline analyse|train|evaluate|suggest|kwic`: a thin layer over the run and model modules.

Exit codes: 0 the run completed (skipped files are listed as warnings); 1 the run failed; 2 usage or
configuration error (missing corpus folder, empty corpus, broken codebook, bad option). `--strict` turns
skipped files into a failure (exit 1)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.settings import Settings, load_settings


class UsageError(Exception):
    """Exit code 2 with a one-line message."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, help="TOML file of settings (see README)")
        p.add_argument("--corpus", type=Path, help="folder of reports (default: corpus/)")
        p.add_argument("--output", type=Path, help="output folder (default: outputs/)")
        p.add_argument("--codebook", type=Path, help="codebook YAML file (default: the shipped one)")
        p.add_argument("--lexicon", type=Path, help="competence lexicon YAML file")
        p.add_argument("--cache-dir", type=Path, help="parse cache folder (default: .cache/)")
        p.add_argument("--models-dir", type=Path, help="folder of trained models (default: models/)")
        p.add_argument("--n-process", type=int, help="analyse: worker processes (default: 1 per core, max 4)")
        p.add_argument("--batch-size", type=int, help="passages per spaCy batch (default 32)")
        p.add_argument("--quiet", action="store_true", help="no progress bar, warnings only")

    analyse = sub.add_parser("analyse", help="clean, segment, tag and chart a corpus")
    common(analyse)
    analyse.add_argument("--strict", action="store_true", help="exit 1 when any file was skipped")
    analyse.add_argument("--engine", choices=("local", "dask"),
                         help="where documents are processed: local worker processes (default) or Dask tasks")
    analyse.add_argument("--scheduler", help="with --engine dask: address of a running Dask scheduler "
                         "(default: start a local cluster of --n-process workers)")

    train = sub.add_parser("train", help="train the category classifier on annotated passages")
    common(train)
    train.add_argument("--annotations", type=Path,
                       help="JSONL or REFI-QDA .qdpx file, or folder (default corpus/annotations)")
    train.add_argument("--seed", type=int, help="random seed (default 13)")

    evaluate = sub.add_parser("evaluate", help="per-category scores of rules, model and combination")
    common(evaluate)
    evaluate.add_argument("--annotations", type=Path,
                          help="JSONL or REFI-QDA .qdpx file, or folder (default: annotations/)")
    evaluate.add_argument("--seed", type=int, help="random seed (default 13)")

    suggest = sub.add_parser("suggest", help="passages most worth annotating next (JSONL)")
    common(suggest)
    suggest.add_argument("-n", type=int, default=50, help="how many passages (default 50)")
    suggest.add_argument("--out", type=Path,
                         help="JSONL file to write (default suggestions/to_annotate.jsonl beside the output "
                              "folder, never overwritten: -2, -3… when it exists)")

    kwic = sub.add_parser("kwic", help="concordance of a term (all its forms) across the corpus")
    common(kwic)
    kwic.add_argument("term", help="a word or expression; its lemma matches every form, accents and case "
                      "ignored; * and ? are wildcards (coopér*)")
    kwic.add_argument("--width", type=int, default=40, help="characters of context on each side")
    kwic.add_argument("--sort", choices=("text", "left", "right", "match"), default="text",
                      help="order: corpus order, word before, words after, or matched form")
    kwic.add_argument("--csv", type=Path, help="write the lines to this CSV file instead of the terminal")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        args.config,
        corpus=args.corpus,
        output=args.output,
        codebook=args.codebook,
        lexicon=args.lexicon,
        cache_dir=args.cache_dir,
        models_dir=args.models_dir,
        n_process=args.n_process,
        batch_size=args.batch_size,
        strict=getattr(args, "strict", None) or None,
        progress=False if args.quiet or not sys.stderr.isatty() else None,
        annotations=getattr(args, "annotations", None),
        seed=getattr(args, "seed", None),
        engine=getattr(args, "engine", None),
        scheduler=getattr(args, "scheduler", None),
    )


def _analyse(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.ingest import check_corpus_folder
    from pipeline.outputs import OutputError, check_output_folder
    from pipeline.settings import ConfigError

    # before the language model is loaded: a mistyped path fails at once, and nothing is overwritten
    check_corpus_folder(settings.corpus)
    try:
        check_output_folder(settings.output)
    except OutputError as exc:
        raise ConfigError(str(exc)) from None
    from pipeline.run import StrictModeError, analyse

    try:
        result = analyse(settings)
    except StrictModeError as exc:
        for skipped in exc.skipped:
            print(f"warning: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for skipped in result.skipped:
        print(f"warning: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if result.up_to_date:
        print(f"{settings.output}: up to date ({result.documents} documents, nothing changed since last run)")
    else:
        print(
            f"{result.documents} documents, {result.passages} passages analysed"
            f" in {result.timings.get('total', 0):.1f} s -> {settings.output}/ (open report.html)"
        )
    if result.skipped and settings.strict:
        print(f"error: {len(result.skipped)} file(s) skipped and --strict is set", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    from pipeline.errors import EXPECTED_ERRORS, USAGE_ERRORS

    try:
        settings = _settings(args)
        if args.command == "analyse":
            return _analyse(args, settings)
        from pipeline import commands

        return commands.run(args.command, args, settings)
    except USAGE_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except EXPECTED_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the previous outputs are unchanged", file=sys.stderr)
        return 1
