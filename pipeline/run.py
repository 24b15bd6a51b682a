"""The order of the stages. Only this module knows it: ingest -> clean -> segment -> parse -> tag and
extract -> counts -> tables, figures, report. Everything is written into a staging folder that replaces the
output folder at the end (see outputs/__init__.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.diskcache import cache_key
from pipeline.errors import CorpusError, UnreadableFile
from pipeline.fingerprint import source_fingerprint
from pipeline.ingest import corpus_files, document_id, read_bytes
from pipeline.metadata import METADATA_FILE
from pipeline.nlp import expected_signature
from pipeline.outputs import recover
from pipeline.readers.mail import UNREAD_ATTACHMENTS
from pipeline.settings import CHROME_MODEL, Settings
from pipeline.types import Document, Skipped

if TYPE_CHECKING:  # imported where used: the up-to-date check must not pay for them
    from pipeline.analysis.counts import CorpusCounts
    from pipeline.analysis.lexicon import Lexicon
    from pipeline.codebook import Codebook
    from pipeline.documents import DocumentOutcome

log = logging.getLogger(__name__)

OUTPUT_SCHEMA_VERSION = 1


class StrictModeError(Exception):
    """--strict and some files were skipped: the run is a failure and its outputs are not kept."""

    def __init__(self, skipped: list[Skipped]) -> None:
        super().__init__(
            f"{len(skipped)} file(s) skipped and --strict is set: the previous outputs are unchanged"
        )
        self.skipped = skipped


@dataclass
class RunResult:
    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    passages: int = 0
    up_to_date: bool = False
    output: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _lexicon_sha256(path: Path) -> str:
    """The lexicon's hash with its licence model's (`pipeline.analysis.licence.lexicon_sha256`), or what
    `_file_sha256` says of a file that cannot be read."""
    from pipeline.analysis.licence import lexicon_sha256  # light: no spaCy

    try:
        return lexicon_sha256(path)
    except OSError:
        return _file_sha256(path)


def _file_sha256(path: Path, read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """sha256 of a file's bytes: "" when there is no such file, a marker when it cannot be read (the run that
    follows reports why). A corpus file is read with `ingest.read_bytes`, which reads a document inside a zip
    archive or attached to a mail too."""
    try:
        return hashlib.sha256(read(path)).hexdigest()
    except FileNotFoundError:
        return ""
    except (OSError, UnreadableFile) as exc:
        return f"unreadable:{exc.__class__.__name__}"


def _run_signature(settings: Settings, codebook_sha: str, lexicon_sha: str, model_sha: str,
                   nlp_signature: str, inputs: list[tuple[str, str]]) -> str:
    parts = [__version__, source_fingerprint(), str(OUTPUT_SCHEMA_VERSION), nlp_signature, codebook_sha,
             lexicon_sha, model_sha, ",".join(settings.clean_rules), str(settings.count_copies_once),
             _file_sha256(CHROME_MODEL),
             _file_sha256(settings.corpus / METADATA_FILE)]
    return cache_key(*parts, *(f"{doc_id}:{sha}" for doc_id, sha in inputs))


def _say(settings: Settings, message: str) -> None:
    """A line of progress on stderr, where the progress bar would show (a terminal, not --quiet)."""
    if settings.progress and sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


EXAMPLES_PER_REASON = 5
EXAMPLE_CHARS = 80


def _example(text: str) -> str:
    """A removed span as the report quotes it: on one line, cut to EXAMPLE_CHARS characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXAMPLE_CHARS else flat[: EXAMPLE_CHARS - 1] + "…"


def _top_examples(examples: Counter[str]) -> list[list]:
    """The removals a rule made most often (then in text order), with their counts."""
    ranked = sorted(examples.items(), key=lambda item: (-item[1], item[0]))
    return [[text, n] for text, n in ranked[:EXAMPLES_PER_REASON] if text]


def _unread_attachments(documents: Sequence[Document]) -> list[str]:
    """A note of the run naming the mails whose attachments were not read, for the user to add them."""
    mails = [(document.doc_id, note.split(" : ", 1)[-1].split(" ; ")[0]) for document in documents
             for note in document.notes if note.startswith(UNREAD_ATTACHMENTS)]
    if not mails:
        return []
    shown = " ; ".join(f"{doc_id} : {names}" for doc_id, names in mails[:3])
    shown += " ; …" if len(mails) > 3 else ""
    return [f"{len(mails)} courriel(s) avec des pièces jointes non lues ({shown}) : enregistrez-les dans le "
            "dossier du corpus pour qu'elles soient analysées"]


def _previous_manifest(output: Path) -> dict:
    try:
        return json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def analyse(settings: Settings) -> RunResult:
    """Run every stage on `settings.corpus` and replace `settings.output` with the results.

    The up-to-date check comes first and needs neither spaCy's model nor the analysis modules, so a rerun
    with nothing to do returns in about a second."""
    started = time.perf_counter()
    result = RunResult(output=settings.output)
    output = settings.output.resolve()
    recover(output)
    paths, skipped = corpus_files(settings)

    hashes = [(document_id(p, settings.corpus), _file_sha256(p, read_bytes)) for p in paths]
    signature = _run_signature(settings, _file_sha256(settings.codebook), _lexicon_sha256(settings.lexicon),
                               _file_sha256(settings.model_path), expected_signature(settings.spacy_model),
                               hashes)
    previous = _previous_manifest(output)
    if previous.get("signature") == signature and all(
        (output / name).is_file() for name in previous.get("files", [])
    ):
        result.up_to_date = True
        result.documents = previous.get("counts", {}).get("documents", 0)
        result.skipped = [Skipped(s["path"], s["reason"]) for s in previous.get("skipped", [])]
        result.timings["total"] = time.perf_counter() - started
        return result
    return _run_stages(settings, result, output, paths, skipped, signature, started)


def _run_stages(settings: Settings, result: RunResult, output: Path, paths: list[Path],
                skipped: list[Skipped], signature: str, started: float) -> RunResult:
    from pipeline.analysis import Analyser
    from pipeline.analysis.counts import CorpusCounts
    from pipeline.analysis.lexicon import load_lexicon
    from pipeline.codebook import load_codebook
    from pipeline.documents import DocumentProcessor, process_documents
    from pipeline.metadata import read_metadata_table
    from pipeline.nlp import load_nlp, model_signature
    from pipeline.text.prepcache import corpus_repetition

    codebook = load_codebook(settings.codebook)
    lexicon = load_lexicon(settings.lexicon)
    category_dimension = {c.id: c.dimension for c in codebook.categories}
    counts = CorpusCounts(category_dimension)
    repeated = corpus_repetition(paths, settings.corpus, settings.clean_rules)
    metadata_table = read_metadata_table(settings.corpus)
    _say(settings, "Chargement du modèle et des règles…" if settings.engine == "local"
         else "Démarrage des travailleurs Dask et chargement du modèle…")
    with contextlib.ExitStack() as engine_stack:
        if settings.engine == "dask":  # the workers load the model; this process needs none
            from pipeline.dask_engine import DaskSession, WorkerJob

            session = engine_stack.enter_context(
                DaskSession(WorkerJob(settings, repeated, metadata_table), workers=settings.n_process,
                            scheduler=settings.scheduler))
            described = session.describe()
            result.notes.extend(described.notes)
            model_info, nlp_signature = described.model_info, described.nlp_signature
            stream_of = session.map
        else:
            nlp = load_nlp(settings.spacy_model)
            analyser = Analyser.create(codebook, lexicon, nlp, settings)
            result.notes.extend(analyser.notes)
            model_info, nlp_signature = analyser.model_info, model_signature(nlp)
            processor = DocumentProcessor(settings, nlp, analyser, category_dimension, repeated,
                                          metadata_table)

            def stream_of(paths: list[Path]) -> Iterator:
                return process_documents(paths, processor, settings.n_process)

        result.timings["load"] = time.perf_counter() - started
        loaded = Loaded(codebook, lexicon, model_info, nlp_signature, stream_of)
        return _process_and_write(settings, result, output, paths, skipped, signature, started, counts,
                                  loaded)


@dataclass(frozen=True)
class Loaded:
    """What the per-document stage was set up with: the run's resources, the model's description for the
    manifest, and the function that turns the corpus paths into outcomes (local or Dask engine)."""

    codebook: Codebook
    lexicon: Lexicon
    model_info: Mapping[str, Any]
    nlp_signature: Any  # what model_signature() says of the spaCy pipeline
    outcomes: Callable[[list[Path]], Iterator[DocumentOutcome | Skipped]]


def _process_and_write(settings: Settings, result: RunResult, output: Path, paths: list[Path],
                       skipped: list[Skipped], signature: str, started: float, counts: CorpusCounts,
                       loaded: Loaded) -> RunResult:
    import spacy
    import tqdm

    from pipeline.analysis.comparisons import compare
    from pipeline.copies import CopyFinder
    from pipeline.diskcache import prune
    from pipeline.outputs import staged_output, write_json
    from pipeline.outputs.csvio import write_csv
    from pipeline.outputs.exports import write_iramuteq, write_refi_qda
    from pipeline.outputs.passagesfile import FILE_NAME as PASSAGES_FILE
    from pipeline.outputs.passagesfile import read_passages
    from pipeline.outputs.render import render_outputs
    from pipeline.outputs.tables import write_tables

    documents: list[Document] = []
    removal_totals: dict[str, list[int]] = {}
    removal_examples: dict[str, Counter[str]] = {}  # what each rule removed most often, for the report
    metadata: dict[str, dict[str, str]] = {}  # doc_id -> its variables (pipeline.metadata)
    doc_passages: dict[str, int] = {}
    doc_competences: dict[str, dict[tuple[str, str], int]] = {}  # doc_id -> (term, type) -> occurrences
    # clean, parse and analyse are summed over documents (and workers); the others are wall-clock
    timings = {"load": result.timings["load"], "clean": 0.0, "parse": 0.0, "analyse": 0.0}
    # by cache folder name (pipeline.diskcache): hits (or not needed), misses
    cache_use = {"parse": [0, 0], "prepared": [0, 0], "analysis": [0, 0]}
    copies = CopyFinder() if settings.count_copies_once else None

    with staged_output(output) as stage:
        (stage / "clean").mkdir()
        (stage / "tables").mkdir()
        removed_rows: list[tuple] = []
        tick = time.perf_counter()
        tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from this one
        outcomes = tqdm.tqdm(loaded.outcomes(paths), total=len(paths),
                             desc="documents", unit="doc", disable=None if settings.progress else True)
        with (stage / PASSAGES_FILE).open("w", encoding="utf-8") as jsonl:
            for outcome in outcomes:
                if isinstance(outcome, Skipped):
                    skipped.append(outcome)
                    continue
                document = outcome.document
                if copies is not None and (copy := copies.copy_of(document.doc_id, outcome.clean_text)):
                    skipped.append(Skipped(document.doc_id, copy.reason()))  # the first in the corpus's order
                    continue
                clean_path = stage / "clean" / f"{document.doc_id}.txt"
                clean_path.parent.mkdir(parents=True, exist_ok=True)
                clean_path.write_text(outcome.clean_text, encoding="utf-8")
                for removal in outcome.removals:
                    removed_rows.append((document.doc_id, removal.start, removal.end, removal.reason,
                                         removal.text))
                    total = removal_totals.setdefault(removal.reason, [0, 0])
                    total[0] += 1
                    total[1] += removal.end - removal.start
                    if removal.reason != "whitespace":
                        removal_examples.setdefault(removal.reason, Counter())[_example(removal.text)] += 1
                jsonl.write(outcome.records)
                counts.merge(outcome.counts)
                documents.append(document)
                metadata[document.doc_id] = dict(outcome.metadata)
                doc_passages[document.doc_id] = outcome.passages
                doc_competences[document.doc_id] = {(c.term, c.type): c.count
                                                    for c in outcome.counts.competence_counts()}
                result.passages += outcome.passages
                for stage_name, seconds in outcome.seconds.items():
                    timings[stage_name] += seconds
                cache_use["parse"][0 if outcome.parse_cached else 1] += 1
                cache_use["prepared"][0 if outcome.clean_cached else 1] += 1
                cache_use["analysis"][0 if outcome.reading_cached else 1] += 1
        timings["documents (wall)"] = time.perf_counter() - tick
        # every entry this run needed has just been used or written: what is older belongs to other code,
        # models or corpora
        pruned = prune(settings.cache_dir, settings.cache_days)
        if not documents:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5])
            raise CorpusError(f"{settings.corpus} : aucun fichier n'a pu être lu ({reasons})")
        if settings.strict and skipped:
            raise StrictModeError(skipped)  # before the swap: the previous outputs stay as they were

        tick = time.perf_counter()
        removed_header = ["doc_id", "start", "end", "reason", "text"]
        write_csv(stage / "tables" / "removed.csv", removed_header, removed_rows)
        write_tables(counts, read_passages(stage / PASSAGES_FILE), stage / "tables")
        comparisons = compare(counts, metadata, doc_passages, stage / "tables", doc_competences)
        timings["tables"] = time.perf_counter() - tick
        tick = time.perf_counter()
        write_refi_qda(stage, loaded.codebook)
        write_iramuteq(stage, [d.doc_id for d in documents], metadata)
        timings["exports"] = time.perf_counter() - tick

        result.documents = len(documents)
        result.skipped = skipped
        result.notes.extend(_unread_attachments(documents))
        manifest = {
            "schema_version": OUTPUT_SCHEMA_VERSION,
            "signature": signature,
            "versions": {
                "pipeline": __version__,
                "python": platform.python_version(),
                "spacy": spacy.__version__,
                "spacy_model": loaded.nlp_signature,
                "codebook": {"path": str(settings.codebook), "sha256": loaded.codebook.sha256},
                "lexicon": {"path": str(settings.lexicon), "sha256": loaded.lexicon.sha256},
                "classifier": loaded.model_info,
            },
            "corpus": str(settings.corpus),
            "inputs": [
                {"doc_id": d.doc_id, "sha256": d.sha256, "size": d.size, "encoding": d.encoding,
                 "format": d.format, "notes": list(d.notes), "metadata": metadata.get(d.doc_id, {})}
                for d in documents
            ],
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            "removals": {reason: {"spans": n, "characters": chars,
                                  "examples": _top_examples(removal_examples.get(reason, Counter()))}
                         for reason, (n, chars) in sorted(removal_totals.items())},
            "counts": {**counts.to_manifest(), "skipped": len(skipped),
                       "removed_spans": len(removed_rows)},
            "caches": {name: dict(zip(("hits", "misses"), use, strict=True))
                       for name, use in cache_use.items()},
            "caches_pruned": {"entries": pruned.entries, "bytes": pruned.bytes,
                              "unused_for_days": settings.cache_days},
            "notes": result.notes,
            "comparisons": {c.variable: {v: len(docs) for v, docs in c.groups.items()} for c in comparisons},
        }
        tick = time.perf_counter()
        _say(settings, "Figures et rapport…")
        render_outputs(stage, output, counts, manifest, loaded.codebook, settings, comparisons, removed_rows)
        timings["figures+report"] = time.perf_counter() - tick
        timings["total"] = time.perf_counter() - started
        manifest["timings_seconds"] = {k: round(v, 3) for k, v in timings.items()}
        manifest["files"] = sorted(
            p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file() and p.name != ".gitkeep"
        ) + ["manifest.json"]
        write_json(stage / "manifest.json", manifest)
    result.timings = timings
    return result
