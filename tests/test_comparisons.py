"""A corpus whose reports carry years and a network: tables, chart and report section per variable, and the
metadata in passages.jsonl, the manifest, the REFI-QDA cases and the IRaMuTeQ corpus."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest

from pipeline.run import analyse
from pipeline.settings import load_settings

REPORTS = {
    "2014-lyon.txt": "Les communes et la communauté de communes mutualisent leurs services techniques "
                     "dans un projet de territoire commun.\n"
                     "Le partenariat avec les associations reste difficile.\n",
    "2014-rennes.txt": "La Région et le Département coopèrent pour un contrat de territoire.\nLes élus "
                       "partagent une vision commune du développement local.\n",
    "2016-nantes.txt": "Les entreprises et la commune montent ensemble un projet de tiers-lieu.\nLe manque "
                       "de moyens freine la coopération entre les structures.\n",
    "2016-lille.txt": "Les agents de développement animent des ateliers avec les habitants.\nLa confiance "
                      "entre les acteurs facilite la coopération.\n",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory, nlp):
    base = tmp_path_factory.mktemp("comparisons")
    corpus = base / "corpus"
    corpus.mkdir()
    for name, text in REPORTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        "doc_id,reseau\n2014-lyon.txt,A\n2014-rennes.txt,B\n2016-nantes.txt,A\n2016-lille.txt,B\n",
        encoding="utf-8")
    settings = load_settings(corpus=corpus, output=base / "outputs", cache_dir=base / "cache",
                             models_dir=base / "no-models", progress=False)
    analyse(settings)
    return settings.output


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_category_shares_per_year_and_per_network(run):
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["comparisons"] == {"annee": {"2014": 2, "2016": 2}, "reseau": {"A": 2, "B": 2}}
    for variable in ("annee", "reseau"):
        rows = _rows(run / "tables" / f"par_{variable}_categories.csv")
        assert {r["valeur"] for r in rows} == set(manifest["comparisons"][variable])
        assert sum(int(r["passages_avec_categorie"]) for r in rows if r["valeur"] == rows[0]["valeur"]) > 0
        for row in rows:
            expected = 100 * int(row["passages_avec_categorie"]) / int(row["passages"])
            assert float(row["part_des_passages_pour_cent"]) == pytest.approx(expected, abs=0.01)
        assert (run / "tables" / f"par_{variable}_specificites.csv").is_file()
        competences = _rows(run / "tables" / f"par_{variable}_competences.csv")
        assert {r["valeur"] for r in competences} <= set(manifest["comparisons"][variable])
    passages = {r["valeur"]: int(r["passages"]) for r in _rows(run / "tables" / "par_annee_categories.csv")}
    assert sum(passages.values()) == manifest["counts"]["passages"]
    assert (run / "figures" / "categories_par_annee.png").is_file()
    report = (run / "report.html").read_text(encoding="utf-8")
    assert "Catégories selon « annee »" in report and "Catégories selon « reseau »" in report


def test_metadata_travel_with_the_passages_and_the_exports(run):
    records = [json.loads(line) for line in (run / "passages.jsonl").open(encoding="utf-8")]
    assert {r["doc_id"]: r["metadata"]["reseau"] for r in records}["2016-nantes.txt"] == "A"
    assert all(r["metadata"]["annee"] == r["doc_id"][:4] for r in records)
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert {i["doc_id"]: i["metadata"] for i in manifest["inputs"]}["2014-lyon.txt"] == {"annee": "2014",
                                                                                      "reseau": "A"}
    iramuteq = (run / "corpus_iramuteq.txt").read_text(encoding="utf-8")
    headers = [line for line in iramuteq.splitlines() if line.startswith("****")]
    assert "**** *doc_2014-lyon-txt *annee_2014 *reseau_A" in headers and len(headers) == 4
    with zipfile.ZipFile(run / "projet.qdpx") as archive:
        qde = archive.read("project.qde").decode("utf-8")
    assert qde.count("<Case ") == 4 and 'name="reseau" typeOfVariable="Text"' in qde


def test_competences_per_value_add_up_to_the_corpus_occurrences(run):
    records = [json.loads(line) for line in (run / "passages.jsonl").open(encoding="utf-8")]
    total = sum(len(r["competences"]) for r in records)
    rows = _rows(run / "tables" / "par_annee_competences.csv")
    assert total > 0 and sum(int(r["occurrences"]) for r in rows) == total
    assert all(int(r["documents"]) <= 2 for r in rows)
