"""`python -m pipeline analyse|train|evaluate|suggest|kwic`: a thin layer over the run and model modules.

Exit codes: 0 the run completed (skipped files are listed as warnings); 1 the run failed; 2 usage or
configuration error (missing corpus folder, empty corpus, broken codebook, bad option). `--strict` turns
skipped files into a failure (exit 1)."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pipeline.settings import Settings, load_settings


class UsageError(Exception):
    """Exit code 2 with a one-line message."""


class _FrenchHelpFormatter(argparse.HelpFormatter):
    """argparse's own headings in French (« usage », « options »)."""

    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "usage : ")


# argparse's own error messages (Python 3.11), in French; anything else is shown as argparse wrote it.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), r"arguments obligatoires manquants : \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments inconnus : \1"),
    (re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
     r"argument \1 : choix invalide : \2 (au choix : \3)"),
    (re.compile(r"argument (\S+): invalid int value: (.*)"),
     r"argument \1 : nombre entier attendu, reçu \2"),
    (re.compile(r"argument (\S+): expected one argument"), r"argument \1 : une valeur attendue"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, french in _ARGPARSE_MESSAGES:
            if pattern.fullmatch(message):
                message = pattern.sub(french, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _french(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser._optionals.title = "options"
    parser._positionals.title = "arguments"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "afficher cette aide et quitter"
    return parser


# Options shared by several commands: name -> (metavar, type, help, commands that take it).
_EVERY = ("analyse", "train", "evaluate", "suggest", "kwic")
_OPTIONS: dict[str, tuple[str | None, type | None, str, tuple[str, ...]]] = {
    "--config": ("FICHIER", Path, "fichier TOML de réglages (voir le README)", _EVERY),
    "--corpus": ("DOSSIER", Path, "dossier des comptes rendus (défaut : corpus/)",
                 ("analyse", "suggest", "kwic")),
    "--output": ("DOSSIER", Path, "dossier des résultats (défaut : outputs/)", ("analyse", "suggest")),
    "--codebook": ("FICHIER", Path, "grille de catégories, fichier YAML (défaut : celle fournie)",
                   ("analyse", "train", "evaluate", "suggest")),
    "--lexicon": ("FICHIER", Path, "lexique des compétences, fichier YAML (défaut : celui fourni)",
                  ("analyse",)),
    "--annotations": ("CHEMIN", Path, "passages annotés : fichier JSONL, projet REFI-QDA .qdpx ou dossier "
                      "(défaut : corpus/annotations/)", ("train", "evaluate", "suggest")),
    "--models-dir": ("DOSSIER", Path, "dossier des modèles entraînés (défaut : models/)",
                     ("analyse", "train", "suggest")),
    "--cache-dir": ("DOSSIER", Path, "dossier du cache d'analyse (défaut : .cache/)", _EVERY),
    "--n-process": ("N", int, "processus de travail (défaut : un par cœur, 4 au plus)", ("analyse",)),
    "--batch-size": ("N", int, "passages par lot pour spaCy (défaut : 32)", _EVERY),
    "--seed": ("N", int, "graine aléatoire (défaut : 13)", ("train", "evaluate", "suggest")),
    "--quiet": (None, None, "sans barre de progression, seulement les avertissements", _EVERY),
    "--encoder": (None, argparse.BooleanOptionalAction,
                  "lire les passages avec l'encodeur de phrases (défaut ; meilleures catégories, environ "
                  "40 ms de plus par passage au premier passage ; modèle models/categories-encoder.skops) ; "
                  "--no-encoder : les vecteurs de mots de spaCy, plus rapide (modèle "
                  "models/categories.skops)",
                  ("analyse", "train", "evaluate", "suggest")),
}


def _parser() -> argparse.ArgumentParser:
    parser = _french(_Parser(
        prog="python -m pipeline", formatter_class=_FrenchHelpFormatter,
        description="Analyse de comptes rendus de séminaires : nettoyage, passages, catégories de la "
                    "coopération, compétences, figures et rapport."))
    sub = parser.add_subparsers(dest="command", required=True, title="commandes", metavar="COMMANDE")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        p = _french(sub.add_parser(name, help=summary, description=summary,
                                   formatter_class=_FrenchHelpFormatter))
        for option, (metavar, kind, text, commands) in _OPTIONS.items():
            if name not in commands:
                continue
            if kind is None:
                p.add_argument(option, action="store_true", help=text)
            elif kind is argparse.BooleanOptionalAction:
                p.add_argument(option, action=kind, help=text)
            else:
                p.add_argument(option, metavar=metavar, type=kind, help=text)
        return p

    analyse = command("analyse", "nettoyer, découper, étiqueter un corpus et en tirer figures, tableaux "
                                 "et rapport")
    analyse.add_argument("--strict", action="store_true",
                         help="code de sortie 1 si un fichier a été ignoré")
    analyse.add_argument("--engine", choices=("local", "dask"),
                         help="où traiter les documents : processus locaux (défaut) ou tâches Dask")
    analyse.add_argument("--scheduler", metavar="ADRESSE",
                         help="avec --engine dask : adresse d'un ordonnanceur Dask déjà lancé "
                              "(défaut : une grappe locale de --n-process processus)")

    command("train", "entraîner le classifieur de catégories sur les passages annotés")
    command("evaluate", "précision, rappel et F1 par catégorie des règles, du modèle et de leur "
                        "combinaison")

    suggest = command("suggest", "les passages qu'il vaut le plus la peine d'annoter ensuite (JSONL)")
    suggest.add_argument("-n", type=int, metavar="N", default=50, help="combien de passages (défaut : 50)")
    suggest.add_argument("--out", type=Path, metavar="FICHIER",
                         help="fichier JSONL à écrire (défaut : suggestions/to_annotate.jsonl à côté du "
                              "dossier des résultats, jamais écrasé : -2, -3… s'il existe)")

    kwic = command("kwic", "concordance d'un terme (toutes ses formes) dans le corpus")
    kwic.add_argument("term", metavar="terme",
                      help="un mot ou une expression ; son lemme trouve toutes ses formes, sans égard aux "
                           "accents ni à la casse ; * et ? sont des jokers (coopér*)")
    kwic.add_argument("--width", type=int, default=40, metavar="N",
                      help="caractères de contexte de chaque côté (défaut : 40)")
    kwic.add_argument("--sort", choices=("text", "left", "right", "match"), default="text",
                      help="ordre : celui du corpus (text), le mot d'avant (left), les mots d'après (right) "
                           "ou la forme trouvée (match)")
    kwic.add_argument("--csv", type=Path, metavar="FICHIER",
                      help="écrire les lignes dans ce fichier CSV plutôt qu'à l'écran")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        args.config,
        corpus=getattr(args, "corpus", None),
        output=getattr(args, "output", None),
        codebook=getattr(args, "codebook", None),
        lexicon=getattr(args, "lexicon", None),
        cache_dir=args.cache_dir,
        models_dir=getattr(args, "models_dir", None),
        n_process=getattr(args, "n_process", None),
        batch_size=args.batch_size,
        strict=getattr(args, "strict", None) or None,
        progress=False if args.quiet or not sys.stderr.isatty() else None,
        annotations=getattr(args, "annotations", None),
        seed=getattr(args, "seed", None),
        engine=getattr(args, "engine", None),
        scheduler=getattr(args, "scheduler", None),
        encoder=getattr(args, "encoder", None),
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
            print(f"avertissement : fichier ignoré {skipped.path} : {skipped.reason}", file=sys.stderr)
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note : {note}", file=sys.stderr)
    for skipped in result.skipped:
        print(f"avertissement : fichier ignoré {skipped.path} : {skipped.reason}", file=sys.stderr)
    if result.up_to_date:
        print(f"{settings.output} : à jour ({result.documents} documents, rien n'a changé depuis la "
              "dernière analyse)")
    else:
        print(
            f"{result.documents} documents, {result.passages} passages analysés"
            f" en {result.timings.get('total', 0):.1f} s -> {settings.output}/ (ouvrir report.html)"
        )
    if result.skipped and settings.strict:
        print(f"erreur : {len(result.skipped)} fichier(s) ignoré(s) et --strict est demandé", file=sys.stderr)
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
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    except EXPECTED_ERRORS as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrompu : les résultats précédents sont inchangés", file=sys.stderr)
        return 1
