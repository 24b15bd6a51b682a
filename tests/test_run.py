"""End-to-end runs of `analyse` on small corpora (in-process, sharing the session's spaCy model)."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline.nlp.parse import ParseCache
from pipeline.outputs.csvio import read_csv
from pipeline.run import analyse
from pipeline.settings import load_settings

pytestmark = pytest.mark.slow  # whole runs of analyse: left to `make test`, out of `make test-fast`

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_78cea8dd92422722.txt"


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, nlp):
    base = tmp_path_factory.mktemp("seed-run")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    settings = load_settings(corpus=corpus, output=base / "outputs", cache_dir=base / "cache",
                             models_dir=base / "no-models", progress=False)
    result = analyse(settings)
    return settings, result


def test_every_output_file_is_written(seed_run):
    settings, result = seed_run
    out = settings.output
    assert result.documents == 1 and not result.skipped
    for name in ["report.html", "summary.md", "passages.jsonl", "manifest.json", "tables/removed.csv",
                 "tables/categories.csv", "tables/category_counts.csv", "tables/frequencies.csv",
                 "tables/competences.csv", "tables/competences_by_type.csv",
                 "tables/keyness_by_category.csv", "tables/category_competence.csv",
                 "figures/nuage_corpus.png", "figures/nuage_competences.png",
                 "figures/passages_par_categorie.png", "figures/categories_competences.png", "projet.qdpx"]:
        assert (out / name).is_file(), name
    assert (out / "clean" / f"{SEED.name}.txt").is_file()


def test_passages_jsonl_follows_the_contract(seed_run):
    settings, _ = seed_run
    records = [json.loads(line) for line in (settings.output / "passages.jsonl").open(encoding="utf-8")]
    assert records and len({r["passage_id"] for r in records}) == len(records)
    for record in records:
        assert {"doc_id", "passage_id", "heading", "kind", "text", "categories", "competences"} <= set(record)
        for tag in record["categories"]:
            assert {"id", "score", "source", "evidence"} <= set(tag) and tag["source"] == "rule"
        for term in record["competences"]:
            assert record["text"][term["start"]:term["end"]]
    texts = " ".join(r["text"] for r in records)
    assert "dumps" not in texts and "Les commentaires sont fermés" not in texts
    bullet = next(r for r in records if r["text"] == "coopération entre personnes")
    assert "acteurs:interpersonnel" in [t["id"] for t in bullet["categories"]]


def test_tables_sum_to_the_manifest_counts(seed_run):
    settings, _ = seed_run
    out = settings.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    removed = read_csv(out / "tables" / "removed.csv")
    assert len(removed) == counts["removed_spans"]
    assert sum(int(r["end"]) - int(r["start"]) for r in removed) == sum(
        r["characters"] for r in manifest["removals"].values()
    )
    corpus_rows = [r for r in read_csv(out / "tables" / "category_counts.csv") if r["scope"] == "corpus"]
    assert sum(int(r["passages"]) for r in corpus_rows) == counts["tags"]
    assert len(read_csv(out / "tables" / "categories.csv")) == counts["tags"]
    assert sum(int(r["count"]) for r in read_csv(out / "tables" / "frequencies.csv")) == counts["words"]
    by_type = read_csv(out / "tables" / "competences_by_type.csv")
    assert sum(int(r["occurrences"]) for r in by_type) == counts["competences"]
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_removed_spans_rebuild_the_source(seed_run):
    settings, _ = seed_run
    clean = (settings.output / "clean" / f"{SEED.name}.txt").read_text(encoding="utf-8")
    source = SEED.read_text(encoding="utf-8")
    rows = sorted(read_csv(settings.output / "tables" / "removed.csv"), key=lambda r: int(r["start"]))
    rebuilt, position = [], 0
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        rebuilt.append(source[position:start])
        position = end
    rebuilt.append(source[position:])
    assert "".join(rebuilt) == clean


def test_rerun_on_an_unchanged_corpus_does_not_parse(seed_run, nlp, monkeypatch):
    settings, _ = seed_run
    before = _tree_hashes(settings.output)

    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser was called on an unchanged corpus")

    monkeypatch.setattr(nlp, "pipe", no_parsing)
    monkeypatch.setattr(type(nlp), "__call__", no_parsing)
    result = analyse(settings)
    assert result.up_to_date
    assert _tree_hashes(settings.output) == before


def test_codebook_edit_retags_from_the_parse_cache(seed_run, nlp, monkeypatch, tmp_path):
    settings, _ = seed_run
    edited = tmp_path / "codebook.yaml"
    edited.write_text(settings.codebook.read_text(encoding="utf-8").replace(
        'version: "2015.1"', 'version: "2015.1-edited"'), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != settings.codebook.read_text(encoding="utf-8")

    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser was called although every passage is cached")

    def no_docs(*args, **kwargs):
        raise AssertionError("parsed docs were loaded although the analysis cache holds the document")

    monkeypatch.setattr(nlp, "pipe", no_parsing)
    monkeypatch.setattr(ParseCache, "load", no_docs)
    output = tmp_path / "outputs"
    result = analyse(load_settings(corpus=settings.corpus, output=output, cache_dir=settings.cache_dir,
                                   codebook=edited, models_dir=settings.models_dir, progress=False))
    assert not result.up_to_date and result.passages > 0
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["caches"]["parse"] == {"hits": 1, "misses": 0}
    assert manifest["caches"]["prepared"] == {"hits": 1, "misses": 0}  # not cleaned again either
    assert manifest["caches"]["analysis"] == {"hits": 1, "misses": 0}


def test_retagging_from_the_analysis_cache_equals_a_cold_run(seed_run, tmp_path):
    """A cue added to the codebook: tags, tables and figures re-made from the cached reading of the
    document are the ones a run with empty caches makes."""
    settings, _ = seed_run
    text = settings.codebook.read_text(encoding="utf-8")
    anchor = "    lemmas: [mutualisation, "
    assert anchor in text
    edited = tmp_path / "codebook.yaml"
    edited.write_text(text.replace(anchor, anchor + "journée, ", 1), encoding="utf-8")

    def run(output: Path, cache: Path) -> dict:
        analyse(load_settings(corpus=settings.corpus, output=output, cache_dir=cache, codebook=edited,
                              models_dir=settings.models_dir, progress=False))
        return json.loads((output / "manifest.json").read_text(encoding="utf-8"))

    warm = run(tmp_path / "warm", settings.cache_dir)
    cold = run(tmp_path / "cold", tmp_path / "empty-cache")
    assert warm["caches"]["analysis"]["hits"] == 1 and cold["caches"]["analysis"]["hits"] == 0
    passages = (tmp_path / "warm" / "passages.jsonl").read_text(encoding="utf-8")
    assert '"journée"' in passages
    assert passages != (settings.output / "passages.jsonl").read_text(encoding="utf-8")
    first, second = _tree_hashes(tmp_path / "warm"), _tree_hashes(tmp_path / "cold")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name] and name != "manifest.json"] == []


def test_two_runs_give_identical_files(seed_run, tmp_path):
    settings, _ = seed_run
    output = tmp_path / "again"
    analyse(load_settings(corpus=settings.corpus, output=output, cache_dir=tmp_path / "cache",
                          models_dir=settings.models_dir, progress=False))
    first, second = _tree_hashes(settings.output), _tree_hashes(output)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name] and name != "manifest.json"]
    assert differing == []


def test_the_corpus_folder_is_never_modified(seed_run):
    settings, _ = seed_run
    assert _tree_hashes(settings.corpus) == {SEED.name: hashlib.sha256(SEED.read_bytes()).hexdigest()}


def test_the_classifier_tags_the_same_from_the_analysis_cache(seed_run, tmp_path):
    """With the shipped model (it needs the parsed docs), a run from a warm analysis cache writes the same
    files as the run that filled it."""
    settings, _ = seed_run
    shipped = ROOT / "models"

    def run(output: Path) -> dict:
        analyse(load_settings(corpus=settings.corpus, output=output, cache_dir=tmp_path / "cache",
                              models_dir=shipped, progress=False))
        return json.loads((output / "manifest.json").read_text(encoding="utf-8"))

    first, second = run(tmp_path / "first"), run(tmp_path / "second")
    assert first["versions"]["classifier"]["used"] is True
    assert first["caches"]["analysis"] == {"hits": 0, "misses": 1}
    assert second["caches"]["analysis"] == {"hits": 1, "misses": 0}
    lines = (tmp_path / "second" / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    assert any(c["source"] != "rule" for line in lines for c in json.loads(line)["categories"])
    one, two = _tree_hashes(tmp_path / "first"), _tree_hashes(tmp_path / "second")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name] and name != "manifest.json"] == []


@pytest.mark.slow
def test_the_shipped_models_evidence_is_words_of_the_passage_and_is_highlighted(tmp_path):
    from pipeline.outputs.passagesfile import read_passages
    from pipeline.outputs.report import highlight_segments

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    settings = load_settings(corpus=corpus, output=tmp_path / "outputs", cache_dir=tmp_path / "cache",
                             progress=False)
    analyse(settings)
    by_model = [(item, tag) for item in read_passages(settings.output / "passages.jsonl")
                for tag in item.tags if tag.source != "rule"]
    assert by_model, "the shipped classifier added no tag to the seed report"
    for item, tag in by_model:
        assert tag.evidence and not any(e.startswith("modèle") for e in tag.evidence)
        words = [e for e in tag.evidence if not e.startswith("contexte")]
        assert all(word in item.passage.text for word in words), (tag, item.passage.text)
        highlighted = [s for s in highlight_segments(item) if isinstance(s, list) and tag.category in s[1]]
        assert highlighted, (tag, item.passage.text)


def test_the_report_quotes_what_each_rule_removed(seed_run):
    settings, _ = seed_run
    manifest = json.loads((settings.output / "manifest.json").read_text(encoding="utf-8"))
    spam = manifest["removals"]["spam_links"]
    assert spam["examples"] and all(n >= 1 for _, n in spam["examples"])
    text, _ = spam["examples"][0]
    assert "dumps" in text and "\n" not in text
    assert manifest["removals"].get("whitespace", {}).get("examples", []) == []
    report = (settings.output / "report.html").read_text(encoding="utf-8")
    assert "Exemples (les plus fréquents)" in report and html.escape(text, quote=False) in report


def test_the_report_carries_each_documents_removed_spans_for_its_view(seed_run):
    settings, _ = seed_run
    report = (settings.output / "report.html").read_text(encoding="utf-8")
    start = report.index('id="donnees-passages">') + len('id="donnees-passages">')
    data = json.loads(report[start:report.index("</script>", start)])
    removed = data["docRemoved"][data["docs"].index(SEED.name)]
    assert ["initiales isolées", "CC CC"] in removed
    assert all(reason != "espaces et lignes vides" for reason, _ in removed)


def test_the_run_exports_a_refi_qda_project_of_its_tags(seed_run):
    from pipeline.outputs.qdpx import read_codings

    settings, _ = seed_run
    records = [json.loads(line) for line in (settings.output / "passages.jsonl").open(encoding="utf-8")]
    tagged = {(r["start"], r["end"]) for r in records if r["categories"]}
    codings = read_codings(settings.output / "projet.qdpx")
    assert {(c.start, c.end) for c in codings if c.code_path[0] != "Compétences"} == tagged
    assert sum(len(r["competences"]) for r in records) == sum(c.code_path[0] == "Compétences"
                                                              for c in codings)


def test_a_refi_qda_round_trip_gives_back_the_tagged_passages_and_their_labels(seed_run):
    from pipeline.annotations import load_annotations
    from pipeline.codebook import load_codebook

    settings, _ = seed_run
    records = [json.loads(line) for line in (settings.output / "passages.jsonl").open(encoding="utf-8")]
    tagged = {(r["text"], frozenset(c["id"] for c in r["categories"])) for r in records if r["categories"]}
    ids = load_codebook(settings.codebook).ids
    back = load_annotations([settings.output / "projet.qdpx"], ids)
    assert {(a.text, frozenset(a.labels)) for a in back} == tagged


def test_a_corpus_without_tags_or_competences_draws_no_chart_of_zeros_and_says_why(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "meteo.txt").write_text("Le temps était doux ce matin-là.\n\nLa pluie est tombée le soir.\n",
                                      encoding="utf-8")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             models_dir=tmp_path / "no-models", progress=False)
    analyse(settings)
    figures = {p.name for p in (tmp_path / "out" / "figures").glob("*.png")}
    assert not figures & {"passages_par_categorie.png", "competences_par_type.png", "nuage_competences.png"}
    page = html.unescape((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "Figures non tracées" in page
    assert "Passages par catégorie : aucun passage n'a reçu de catégorie" in page
    assert "Compétences par type : aucun terme de compétence trouvé" in page


def test_summary_report_and_tables_give_the_same_count_per_category(seed_run):
    import re

    settings, _ = seed_run
    out = settings.output
    tables = {r["category"]: int(r["passages"]) for r in read_csv(out / "tables" / "category_counts.csv")
              if r["scope"] == "corpus"}
    summary = (out / "summary.md").read_text(encoding="utf-8")
    listed = re.finditer(r"\(`([^`]+)`\) : ([\d\u202f]+)", summary)
    in_summary = {m[1]: int(m[2].replace("\u202f", "")) for m in listed}
    assert tables and in_summary == {c: n for c, n in tables.items() if n}
    page = (out / "report.html").read_text(encoding="utf-8")
    start = page.index('id="donnees-passages">') + len('id="donnees-passages">')
    data = json.loads(page[start:page.index("</script>", start)])
    in_browser = Counter(t[0] for row in data["passages"] for t in row[6])
    assert dict(in_browser) == {c: n for c, n in tables.items() if n}  # the seed is small: every passage held


def test_the_category_chart_draws_the_counts_of_the_tables(seed_run, tmp_path, monkeypatch):
    from pipeline.analysis.counts import CorpusCounts
    from pipeline.codebook import load_codebook
    from pipeline.outputs import figures
    from pipeline.outputs.passagesfile import read_passages
    from pipeline.outputs.render import draw_figures

    settings, _ = seed_run
    codebook = load_codebook(settings.codebook)
    counts = CorpusCounts({c.id: c.dimension for c in codebook.categories})
    counts.add(SEED.name, list(read_passages(settings.output / "passages.jsonl")))
    drawn: dict[str, float] = {}

    def grouped_bar_chart(groups, path, **_):
        drawn.update({label: value for items in groups.values() for label, value in items})
        return []

    monkeypatch.setattr(figures, "grouped_bar_chart", grouped_bar_chart)
    draw_figures(tmp_path, tmp_path / "no-previous-outputs", counts, codebook, workers=1)
    labels = {c.id: c.label for c in codebook.categories}
    tables = {labels[r["category"]]: int(r["passages"])
              for r in read_csv(settings.output / "tables" / "category_counts.csv") if r["scope"] == "corpus"}
    assert drawn and {k: v for k, v in drawn.items() if v} == {k: v for k, v in tables.items() if v}


def test_a_run_prunes_cache_entries_no_run_used_for_a_month_and_keeps_its_own(seed_run, tmp_path):
    import os
    import time

    settings, _ = seed_run
    cache = tmp_path / "cache"
    shutil.copytree(settings.cache_dir, cache)
    month_ago = time.time() - 31 * 86_400
    for entry in (p for p in cache.rglob("*") if p.is_file()):  # this corpus's entries, unused for a month
        os.utime(entry, (month_ago, month_ago))
    stale = cache / "parse" / "00" / ("0" * 64 + ".spacy")  # an entry of an older model, say
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"old generation")
    os.utime(stale, (month_ago, month_ago))

    analyse(load_settings(corpus=settings.corpus, output=tmp_path / "out", cache_dir=cache,
                          models_dir=settings.models_dir, progress=False))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["caches"]["parse"] == {"hits": 1, "misses": 0}  # its own entries were used, so kept
    assert manifest["caches_pruned"]["entries"] == 1 and not stale.exists()
    assert sorted(p.parent.parent.name for p in cache.rglob("*") if p.is_file()) == [
        "analysis", "parse", "prepared"]


def _found_by_document(tmp_path: Path, files: dict[str, str], with_text: bool = False) -> dict[str, list]:
    """Analyse a corpus of `files` (name -> text): each document's passages as (categories, terms), each with
    its text first when `with_text`."""
    corpus = tmp_path / "corpus"
    for name, text in files.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             models_dir=tmp_path / "no-models", progress=False)
    analyse(settings)
    found: dict[str, list] = {}
    for line in (tmp_path / "out" / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        row = (sorted(c["id"] for c in record["categories"]),
               sorted(c["term"] for c in record["competences"]))
        found.setdefault(record["doc_id"], []).append((record["text"], *row) if with_text else row)
    return found


def test_a_report_typed_with_special_spaces_and_breaks_reads_as_the_same_report_typed_plainly(tmp_path):
    # French typography puts no-break spaces everywhere, a word processor or a PDF's text adds soft
    # hyphens, zero-width spaces, page and line separators: none of them may change what is found.
    plain = ("Compte rendu du séminaire des développeurs territoriaux\n\n"
             "Les communes et l'intercommunalité ont mutualisé leurs services techniques.\nL'écoute et "
             "l'esprit de synthèse sont des compétences clés pour animer des ateliers de concertation.\n\n"
             "Les élus soulignent les freins à la coopération : le manque de confiance et de moyens.\n")
    from_a_feed = (plain.replace("é", "&eacute;").replace("'", "&#8217;").replace(" :", "&nbsp;:")
                   .replace("è", "&#232;"))  # text taken from a page's source or a feed, references left in
    typed = (plain.replace("esprit de synthèse", "esprit\u00a0de\u00a0synthèse")
             .replace("animer des ateliers", "animer\u202fdes\u2009ateliers")
             .replace("compétences", "compé\u00adtences").replace("écoute", "é\u200bcoute")
             .replace(" :", "\u00a0:").replace("séminaire\n\n", "séminaire\n\f")
             .replace("techniques.\n", "techniques.\u2028"))
    # a last line of its own to each, or the copies would be counted once (test_a_report_found_twice…)
    found = _found_by_document(tmp_path, {"plain.txt": plain + "\nExemplaire un.\n",
                                          "typed.txt": typed + "\nExemplaire deux.\n",
                                          "feed.txt": from_a_feed + "\nExemplaire trois.\n"})
    assert found["typed.txt"][:-1] == found["plain.txt"][:-1] == found["feed.txt"][:-1]
    terms = {term for _, passage_terms in found["plain.txt"] for term in passage_terms}
    assert {"écoute", "esprit de synthèse", "animer des ateliers"} <= terms


def test_a_report_exported_as_html_markup_in_a_text_file_reads_as_the_report_typed_plainly(tmp_path):
    paragraphs = ["Compte rendu du séminaire des développeurs territoriaux",
                  "Les communes et l'intercommunalité ont mutualisé leurs services techniques.",
                  "L'écoute et l'esprit de synthèse sont des compétences clés pour animer des ateliers.",
                  "Les élus soulignent les freins à la coopération : le manque de confiance et de moyens."]
    markup = [f"<h2>{paragraphs[0]}</h2>",
              *(f"<p>{p.replace('écoute', '<strong>écoute</strong>')}</p>" for p in paragraphs[1:])]
    # a last line of its own to each, or the copies would be counted once (test_a_report_found_twice…)
    plain = "\n\n".join([*paragraphs, "Exemplaire un."]) + "\n"
    export = "\n".join([*markup, "<p>Exemplaire deux.</p>"]) + "\n"
    found = _found_by_document(tmp_path, {"plain.txt": plain, "export.txt": export}, with_text=True)
    assert found["export.txt"][:-1] == found["plain.txt"][:-1]
    assert any("écoute" in terms for _, _, terms in found["export.txt"])


def test_markdown_notes_with_html_tags_are_read_as_the_same_notes_typed_plainly(tmp_path):
    plain = ("# Atelier\n\nLes élus ont souligné l'importance de l'écoute et de l'esprit de synthèse.\n\n"
             "La mutualisation des services techniques avance entre les communes.\n")
    tagged = (plain.replace("l'écoute", "l'<strong>écoute</strong>")
              .replace("esprit de synthèse", "<em>esprit de synthèse</em>")
              .replace("La mutualisation", 'La <span class="x">mutualisation</span>')
              .replace("synthèse.\n", "synthèse.<br>\n"))
    found = _found_by_document(tmp_path, {"plain.md": plain, "tagged.md": tagged})
    assert found["tagged.md"] == found["plain.md"]
    assert {"écoute", "esprit de synthèse"} <= {t for _, terms in found["tagged.md"] for t in terms}
    by_document = read_csv(tmp_path / "out" / "tables" / "frequencies_by_document.csv")
    counted = {(row["doc_id"], row["lemma"]) for row in by_document}
    assert ("tagged.md", "mutualisation") in counted and ("tagged.md", "span") not in counted


def test_a_markdown_links_words_are_read_and_counted_and_its_address_is_not(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text(
        "# Atelier\n\nLes communes ont présenté leur [schéma de mutualisation](https://exemple.fr/"
        "schema-pilote.pdf) aux élus.\n\n![Photo de la salle](salle-pleine.jpg)\n", encoding="utf-8")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             models_dir=tmp_path / "no-models", progress=False)
    analyse(settings)
    records = [json.loads(line) for line in
               (tmp_path / "out" / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    linked = next(r for r in records if "schéma" in r["text"])
    assert "objet:organisationnel" in {c["id"] for c in linked["categories"]}  # the codebook's phrase
    counted = {row["lemma"] for row in read_csv(tmp_path / "out" / "tables" / "frequencies.csv")}
    assert {"mutualisation", "schéma", "élu"} <= counted
    assert not {"schema", "pilote", "photo", "salle"} & counted


def test_a_corpus_sent_as_a_zip_is_analysed_and_a_changed_member_is_seen(tmp_path):
    import zipfile

    corpus = tmp_path / "corpus"
    corpus.mkdir()

    def send(second: str) -> None:
        with zipfile.ZipFile(corpus / "envoi.zip", "w") as package:
            package.writestr("a.txt", "Les communes rurales ont mutualisé leurs services techniques.\n")
            package.writestr("b/c.md", second)

    send("# Atelier\n\nLes élus du Pays ont créé un office de tourisme commun.\n")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             models_dir=tmp_path / "no-models", progress=False)
    first = analyse(settings)
    assert first.documents == 2 and not first.skipped
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [i["doc_id"] for i in manifest["inputs"]] == ["envoi.zip/a.txt", "envoi.zip/b/c.md"]
    assert analyse(settings).up_to_date
    send("# Atelier\n\nLes élus du Pays ont créé une maison de services commune.\n")
    again = analyse(settings)
    assert not again.up_to_date and again.documents == 2


def test_mails_whose_attachments_are_not_read_are_named_in_the_summary_and_the_report(tmp_path):
    from tests.test_ingest import _mail

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cr.eml").write_bytes(_mail())
    (corpus / "notes.txt").write_text("Les communes coopèrent depuis dix ans.\n", encoding="utf-8")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             models_dir=tmp_path / "no-models", progress=False)
    result = analyse(settings)
    expected = ("1 courriel(s) avec des pièces jointes non lues (cr.eml : budget.xlsx) : enregistrez-les "
                "dans le dossier du corpus pour qu'elles soient analysées")
    assert expected in result.notes
    assert expected in (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "cr.eml : budget.xlsx" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    # the attached PDF is a document of its own; this one is broken, and listed as such
    assert [s.path for s in result.skipped] == ["cr.eml/actes.pdf"]


def test_a_report_found_twice_in_the_corpus_is_counted_once_and_the_copy_is_listed(tmp_path):
    from tests.test_copies import REPORT, _as_printed

    report = REPORT + "\n"
    page = f"<html><body><article><p>{report.split(chr(10) * 2)[2]}</p></article></body></html>"
    other = "Un autre compte rendu\n\nLes élus du Pays ont créé un office de tourisme commun.\n"
    found = _found_by_document(tmp_path, {"a.txt": report, "copie/a.txt": report.replace(" ", "  "),
                                          "imprimé.txt": _as_printed(report), "b.txt": other,
                                          "page.html": page})
    # the copy with its spaces doubled reads as the same text, the report as its PDF gives it nearly so; the
    # page holds only part of it and is kept
    assert set(found) == {"a.txt", "b.txt", "page.html"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    copy = {"path": "copie/a.txt", "reason": "même texte que a.txt : compté une fois"}
    assert manifest["skipped"][0] == copy
    assert manifest["skipped"][1]["path"] == "imprimé.txt"
    assert manifest["skipped"][1]["reason"].startswith("presque le même texte que a.txt (9")
    assert len(manifest["skipped"]) == 2
    assert manifest["counts"]["documents"] == 3
    by_document = read_csv(tmp_path / "out" / "tables" / "frequencies_by_document.csv")
    assert not [row for row in by_document if row["doc_id"] == "copie/a.txt"]
    # the benches score every page by itself
    every = load_settings(corpus=tmp_path / "corpus", output=tmp_path / "every", cache_dir=tmp_path / "cache",
                          models_dir=tmp_path / "no-models", progress=False, count_copies_once=False)
    assert analyse(every).documents == 5
