"""Counts + manifest -> figures, report.html and summary.md, written into the staging folder.

A figure whose inputs are the same as in the previous run is not drawn again: its inputs are hashed, the
hash is kept in `figures/inputs.json`, and an unchanged figure is linked from the previous outputs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.analysis.comparisons import Comparison
from pipeline.analysis.counts import CorpusCounts
from pipeline.codebook import Codebook
from pipeline.diskcache import cache_key
from pipeline.fingerprint import code_fingerprint
from pipeline.modelfile import metadata_path
from pipeline.outputs import figures, link_from_previous, write_json
from pipeline.outputs.colours import type_colours
from pipeline.outputs.csvio import read_csv
from pipeline.outputs.passagesfile import FILE_NAME as PASSAGES_FILE
from pipeline.outputs.passagesfile import read_passages
from pipeline.outputs.report import Reliability, ReportData, embedded_png, write_report, write_summary
from pipeline.parallel import fork_map
from pipeline.settings import CLOUD_STOP_WORDS, Settings
from pipeline.types import AnalysedPassage

TYPE_LABELS = {
    "savoir-etre": "savoir-être",
    "methode": "méthode",
    "transversale": "transversale",
    "autre": "autre (non typée)",
}
WORD_CLOUD_WORDS = 150
# A category's word cloud (its words weighted by keyness) is drawn only when it has this many significantly
# over-used words: fewer make an unreadable picture.
MIN_KEY_WORDS = 5
TOP_TERMS_CHART = 30
# The report's passage browser holds at most this many passages (the tagged ones first); every passage is in
# passages.jsonl. Calibrated so that the report stays under ~10 MB and renders in a second or two.
MAX_BROWSER_PASSAGES = 6000



class _Drawer:
    """Draws figures into the stage, or links them from the previous outputs when their inputs match.

    `draw` only takes note; `finish` draws what must be drawn, spread over `workers` processes."""

    def __init__(self, stage: Path, previous_output: Path, workers: int = 1) -> None:
        self.folder = stage / "figures"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.previous_output = previous_output
        self.workers = workers
        try:
            self.previous = json.loads((previous_output / "figures" / "inputs.json").read_text("utf-8"))
        except (OSError, ValueError):
            self.previous = {}
        self._figures: list[tuple[str, str, str, list[Path] | None]] = []  # name, caption, key, files
        self._jobs: list[tuple[Callable[..., list[Path]], tuple, dict[str, Any]]] = []
        self.inputs: dict[str, dict[str, Any]] = {}
        self.drawn: list[tuple[str, Path]] = []
        self.embedded: dict[Path, bytes] = {}  # each drawn PNG as the report embeds it (`embedded_png`)
        self.not_drawn: list[tuple[str, str]] = []  # (caption, why)
        self.reused = 0

    def skip(self, caption: str, why: str) -> None:
        """Say why a figure is not drawn (its data are all zeros) instead of drawing an empty chart."""
        self.not_drawn.append((caption, why))

    def draw(
        self, name: str, caption: str, function: Callable[..., list[Path]], *args: Any, **kwargs: Any
    ) -> None:
        inputs = [code_fingerprint("outputs/figures.py"), function.__name__, args, kwargs]
        key = cache_key(json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=str))
        old = self.previous.get(name)
        stage = self.folder.parent
        if old and old.get("key") == key and all(
            link_from_previous(self.previous_output, f"figures/{file}", stage) for file in old["files"]
        ):
            self._figures.append((name, caption, key, [self.folder / file for file in old["files"]]))
            self.reused += 1
        else:
            self._figures.append((name, caption, key, None))
            self._jobs.append((function, args, {**kwargs, "path": self.folder / name}))

    def finish(self) -> None:
        def draw_job(index: int) -> list[Path]:  # workers inherit the jobs: only the index is sent
            function, args, kwargs = self._jobs[index]
            return function(*args, **kwargs)

        drawn = iter(list(fork_map(draw_job, range(len(self._jobs)), self.workers)))  # workers end here
        for name, caption, key, files in self._figures:
            if files is None:
                files = next(drawn)
            if not files:
                continue
            self.inputs[name] = {"key": key, "files": [f.name for f in files]}
            png = next((f for f in files if f.suffix == ".png"), None)
            if png is not None:
                self.drawn.append((caption, png))
        # the report's lighter copies, drawn again or not: PNG encoding is as slow as drawing, and shared out
        pngs = [png for _, png in self.drawn]
        self.embedded = dict(zip(pngs, fork_map(embedded_png, pngs, self.workers), strict=True))
        write_json(self.folder / "inputs.json", self.inputs)


def _frequencies(rows: list, limit: int) -> dict[str, float]:
    return {row.form: row.count for row in rows[:limit]}


def _specific_words(counts: CorpusCounts) -> dict[str, dict[str, float]]:
    """category -> its over-used words (form -> G² against the rest of the corpus), the strongest first."""
    found: dict[str, dict[str, float]] = {}
    for term in counts.keyness_by_category():
        words = found.setdefault(term.part, {})
        if term.direction == "+" and len(words) < WORD_CLOUD_WORDS:
            words[term.form] = words.get(term.form, 0.0) + round(term.g2, 3)
    return found


@lru_cache(maxsize=1)
def cloud_stop_words() -> frozenset[str]:
    """Lemmas left out of the corpus cloud and the frequent-words chart (pipeline/data/cloud_stop_words.txt):
    verbs and nouns frequent in any French text, which would crowd out what the corpus is about."""
    lines = CLOUD_STOP_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


SERIES_PER_CHART = 6  # categories drawn per comparison chart: the most frequent ones


def draw_figures(stage: Path, previous_output: Path, counts: CorpusCounts, codebook: Codebook,
                 workers: int = 1, comparisons: Sequence[Comparison] = ()) -> _Drawer:
    drawer = _Drawer(stage, previous_output, workers)
    labels = {c.id: c.label for c in codebook.categories}
    frequent = [row for row in counts.frequencies() if row.lemma not in cloud_stop_words()]
    drawer.draw("nuage_corpus", "Les mots du corpus (sans les verbes et noms passe-partout)",
                figures.word_cloud, _frequencies(frequent, WORD_CLOUD_WORDS), title="Les mots du corpus")
    competences = counts.competence_counts()
    competence_freq: dict[str, float] = {}
    colour_of: dict[str, str] = {}
    for item in competences[:WORD_CLOUD_WORDS]:
        competence_freq[item.term] = competence_freq.get(item.term, 0) + item.count
        colour_of.setdefault(item.term, item.type)
    if competence_freq:
        drawer.draw("nuage_competences", "Les compétences, par type", figures.word_cloud, competence_freq,
                    title="Les compétences citées", colour_of=colour_of,
                    legend={t: TYPE_LABELS.get(t, t) for t in sorted(set(colour_of.values()))},
                    group_colours=type_colours([*TYPE_LABELS, *colour_of.values()]))
    else:
        drawer.skip("Les compétences, par type", "aucun terme de compétence trouvé")
    drawer.draw("termes_frequents", "Les termes les plus fréquents", figures.bar_chart,
                [(row.form, row.count) for row in frequent[:TOP_TERMS_CHART]],
                title="Les mots les plus fréquents", xlabel="occurrences")
    per_category = counts.category_passages()
    groups: dict[str, list[tuple[str, float]]] = {}
    for category in codebook.categories:
        dimension = codebook.dimensions.get(category.dimension, category.dimension)
        groups.setdefault(dimension, []).append((category.label, per_category.get(category.id, 0)))
    if any(per_category.get(c.id, 0) for c in codebook.categories):
        drawer.draw("passages_par_categorie", "Passages par catégorie, groupés par dimension",
                    figures.grouped_bar_chart, groups, title="Passages par catégorie de coopération",
                    xlabel="passages")
    else:
        drawer.skip("Passages par catégorie", "aucun passage n'a reçu de catégorie")
    type_counts = [(TYPE_LABELS.get(t.type, t.type), t.occurrences) for t in counts.competence_types()]
    if any(value for _, value in type_counts):
        drawer.draw("competences_par_type", "Compétences par type", figures.bar_chart, type_counts,
                    title="Occurrences de compétences par type", xlabel="occurrences")
    else:
        drawer.skip("Compétences par type", "aucun terme de compétence trouvé")
    matrix = counts.category_competence()
    types = [t for t in counts.competence_type_names]
    rows = [c.id for c in codebook.categories if c.id in matrix]
    cells = [[matrix[r].get(t, 0) for t in types] for r in rows]
    if any(any(row) for row in cells):
        drawer.draw("categories_competences", "Catégories × types de compétences", figures.heat_map,
                    [labels[r] for r in rows], [TYPE_LABELS.get(t, t) for t in types], cells,
                    title="Passages qui portent la catégorie et une compétence du type")
    elif rows and types:
        drawer.skip("Catégories × types de compétences",
                    "aucun passage ne porte à la fois une catégorie et une compétence")
    for comparison in comparisons:
        by_total = sorted(comparison.shares, key=lambda c: -sum(comparison.shares[c].values()))
        shown = by_total[:SERIES_PER_CHART]
        series = {labels.get(c, c): [comparison.shares[c][v] for v in comparison.groups] for c in shown
                  if any(comparison.shares[c].values())}
        drawer.draw(f"categories_{comparison.file_stem}",
                    f"Part des passages de chaque catégorie, selon « {comparison.variable} »",
                    figures.share_chart, list(comparison.groups), series,
                    title=f"Catégories selon « {comparison.variable} »", ylabel="% des passages")
    specific = _specific_words(counts)
    for category in codebook.categories:
        words = specific.get(category.id, {})
        caption = (f"Les mots propres aux passages « {category.label} » (taille : G² contre le reste du "
                   "corpus)")
        if len(words) >= MIN_KEY_WORDS:
            slug = category.id.replace(":", "_")
            drawer.draw(f"nuage_{slug}", caption, figures.word_cloud, words,
                        title=f"Mots propres aux passages : {category.label}")
        elif per_category.get(category.id, 0):
            drawer.skip(caption, f"moins de {MIN_KEY_WORDS} mots significativement plus fréquents dans ces "
                                 "passages qu'ailleurs")
    drawer.finish()
    return drawer


def browser_quotas(sizes: Mapping[str, int], limit: int) -> dict[str, int]:
    """How many passages of each document the browser holds when the corpus has more than `limit`: an even
    share each, what a short document leaves going to the longer ones (every document keeps at least one,
    so every document is reachable)."""
    if sum(sizes.values()) <= limit:
        return dict(sizes)
    quotas: dict[str, int] = {}
    remaining = limit
    ordered = sorted(sizes.items(), key=lambda item: (item[1], item[0]))
    for number, (doc_id, size) in enumerate(ordered):
        share = max(1, remaining // (len(ordered) - number))
        quotas[doc_id] = min(size, share)
        remaining = max(0, remaining - quotas[doc_id])
    return quotas


def _browser_passages(path: Path) -> tuple[list[AnalysedPassage], Counter[str]]:
    """The passages the report's browser shows, and every document's number of passages: every passage up
    to the cap; past it, each document's share (`browser_quotas`), its passages with a category or a
    competence first. Two passes over the file, so memory holds only what is kept."""
    sizes: Counter[str] = Counter()
    for item in read_passages(path):
        sizes[item.passage.doc_id] += 1
    quotas = browser_quotas(sizes, MAX_BROWSER_PASSAGES)
    kept: dict[str, list[AnalysedPassage]] = {}
    spare: dict[str, list[AnalysedPassage]] = {}
    for item in read_passages(path):
        doc_id = item.passage.doc_id
        chosen = kept.setdefault(doc_id, [])
        if item.tags or item.competences:
            if len(chosen) < quotas[doc_id]:
                chosen.append(item)
        elif len(chosen) + len(spare.setdefault(doc_id, [])) < quotas[doc_id]:
            spare[doc_id].append(item)
    shown: list[AnalysedPassage] = []
    for doc_id, chosen in kept.items():
        shown += chosen + spare.get(doc_id, [])[: quotas[doc_id] - len(chosen)]
    shown.sort(key=lambda p: (p.passage.doc_id, p.passage.index))
    return shown, sizes


def _table_rows(path: Path, limit: int) -> tuple[list[str], list[list[str]]]:

    rows = read_csv(path)
    header = list(rows[0].keys()) if rows else []
    return header, [list(r.values()) for r in rows[:limit]]


def _reliability(manifest: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The per-category precision and recall of the classifier's last cross-validation (the combination
    with the rules, on the scraped real pages when it was trained on some, else on every annotated passage),
    as ReportData fields; nothing when no classifier was used."""
    if not manifest.get("versions", {}).get("classifier", {}).get("used"):
        return {}
    try:
        metadata = json.loads(metadata_path(settings.model_path).read_text(encoding="utf-8"))
        tables = metadata["metrics"]["combination"]
        source = "real" if "real" in tables else "all"
        per_category = tables[source]["per_category"]
        reliability = {c: Reliability(float(s["precision"]), float(s["recall"]), int(s["support"]))
                       for c, s in per_category.items() if s.get("support")}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    count = metadata.get("passages_per_source", {}).get(source) or metadata.get("passages", "?")
    where = ("sur les pages réelles annotées" if source == "real" else "sur les passages annotés")
    return {"reliability": reliability,
            "reliability_source": f"{where} ({count} passages), en validation croisée, lors du dernier "
                                  "entraînement du modèle"}


# A document's view in the report shows this many of its specific words and of its removed spans (each cut
# to REMOVED_EXCERPT characters); whitespace removals are not shown there (they are in tables/removed.csv).
DOCUMENT_KEY_WORDS = 12
DOCUMENT_REMOVALS = 30
REMOVED_EXCERPT = 160


def _document_views(removals: Iterable[Sequence], counts: CorpusCounts
                    ) -> tuple[dict[str, list[str]], dict[str, list]]:
    """Per document: its most specific words (over-used against the rest of the corpus, by G²) and what the
    cleaning removed from it (`removals`: the rows of tables/removed.csv, doc_id, start, end, reason, text),
    as (reason, excerpt) pairs."""
    words: dict[str, list[str]] = {}
    for term in counts.keyness_by_document():
        kept = words.setdefault(term.part, [])
        if term.direction == "+" and len(kept) < DOCUMENT_KEY_WORDS:
            kept.append(term.form)
    removed: dict[str, list] = {}
    for doc_id, _, _, reason, text in removals:
        if reason == "whitespace":
            continue
        spans = removed.setdefault(doc_id, [])
        if len(spans) < DOCUMENT_REMOVALS:
            text = " ".join(text.split())
            spans.append((reason, text if len(text) <= REMOVED_EXCERPT else text[:REMOVED_EXCERPT - 1] + "…"))
    return words, removed


def render_outputs(stage: Path, output: Path, counts: CorpusCounts, manifest: Mapping[str, Any],
                   codebook: Codebook, settings: Settings, comparisons: Sequence[Comparison] = (),
                   removed_rows: Iterable[Sequence] = ()) -> None:
    """Figures, report.html and summary.md into the stage. `removed_rows`: the rows written to
    tables/removed.csv, for each document's view in the report."""
    drawer = draw_figures(stage, output, counts, codebook, settings.n_process, comparisons)
    passages, sizes = _browser_passages(stage / PASSAGES_FILE)
    total = sum(sizes.values())
    notes = list(manifest.get("notes", []))
    if total > len(passages):
        notes.append(f"le navigateur montre {len(passages)} passages sur {total} : une part de chaque "
                     "document (ceux qui portent une catégorie ou une compétence d'abord) ; tous sont dans "
                     f"{PASSAGES_FILE}")
    tables = []
    for caption, name, limit in (
        ("Compétences", "competences.csv", 40),
        ("Passages par catégorie (corpus)", "category_counts.csv", 20),
        ("Mots les plus fréquents", "frequencies.csv", 40),
        ("Termes de plusieurs mots", "terms.csv", 30),
        ("Spécificités par catégorie", "keyness_by_category.csv", 40),
    ):
        header, rows = _table_rows(stage / "tables" / name, limit)
        if header:
            tables.append((caption, header, rows))
    labels = {c.id: c.label for c in codebook.categories}
    for comparison in comparisons:
        rows = [(labels.get(c, c), *(shares[v] for v in comparison.groups))
                for c, shares in comparison.shares.items() if any(shares.values())]
        header = ["Catégorie (% des passages)",
                  *(f"{v} ({len(docs)} doc.)" for v, docs in comparison.groups.items())]
        tables.append((f"Catégories selon « {comparison.variable} »", header, rows))
    removals = manifest.get("removals", {})
    specific_words, removed_spans = _document_views(removed_rows, counts)
    data = ReportData(
        title="Analyse des comptes rendus de séminaires",
        generated_from=str(settings.corpus),
        counts={**manifest["counts"],
                "removed_characters": sum(r["characters"] for r in removals.values())},
        removals_by_reason=[(reason, r["spans"], r["characters"]) for reason, r in removals.items()],
        removal_examples={reason: [(text, n) for text, n in r.get("examples", [])]
                          for reason, r in removals.items()},
        skipped=[(s["path"], s["reason"]) for s in manifest.get("skipped", [])],
        figures=drawer.drawn,
        embedded_figures=drawer.embedded,
        figures_not_drawn=drawer.not_drawn,
        tables=tables,
        categories={c.id: c.label for c in codebook.categories},
        dimensions=dict(codebook.dimensions),
        passages=passages,
        notes=notes,
        category_totals=counts.category_passages(),
        document_metadata={i["doc_id"]: i.get("metadata", {}) for i in manifest.get("inputs", [])},
        browser_variables=[c.variable for c in comparisons],
        document_totals=dict(sizes),
        document_words=specific_words,
        document_removals=removed_spans,
        **_reliability(manifest, settings),
    )
    write_report(data, stage / "report.html")
    links = [("Rapport", "report.html"), ("Passages (JSONL)", PASSAGES_FILE),
             ("Segments retirés", "tables/removed.csv"), ("Manifeste", "manifest.json")]
    links += [(caption, f"figures/{png.name}") for caption, png in drawer.drawn]
    write_summary(data, stage / "summary.md", links=links)
