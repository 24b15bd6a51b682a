"""report.html and summary.md: escaped corpus text, embedded figures, no network, reproducible bytes."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.outputs import figures
from pipeline.outputs.report import ReportData, highlight_segments, write_report, write_summary
from pipeline.types import AnalysedPassage, Competence, Passage, Tag

HOSTILE = "<script>alert(1)</script> puis <img src=x onerror=alert(2)> et </SCRIPT > <!-- fin"
LINKED = "Voir http://exemple.invalid/image.png et //cdn.invalid/x.js pour la suite."
COOPERATION = "Les communes coopèrent avec l'intercommunalité dans la confiance et l'écoute."
JSON_BLOCK = re.compile(r'<script type="application/json" id="donnees-passages">(.*?)</script>', re.DOTALL)


def analysed(doc_id, index, text, *, tags=(), competences=(), tokens=(), heading=("Atelier",)):
    passage = Passage(doc_id, index, "paragraph", text, 0, len(text), heading=heading)
    return AnalysedPassage(passage, tuple(tags), tuple(competences), tuple(tokens))


def competence(text: str, term: str, kind: str) -> Competence:
    start = text.index(term)
    return Competence(term, kind, start, start + len(term), "lexicon")


@pytest.fixture()
def chart(tmp_path) -> Path:
    items = [("Leviers", 3), ("Freins", 1)]
    return figures.bar_chart(items, tmp_path / "fig" / "bars", title="t", xlabel="x")[0]


@pytest.fixture()
def data(chart) -> ReportData:
    passages = [
        analysed(
            "atelier.md",
            0,
            COOPERATION,
            tags=[Tag("acteurs:public-public", 0.9, "rule", ("communes", "intercommunalité")),
                  Tag("conditions:leviers", 0.7, "model", ("confiance",))],
            competences=[competence(COOPERATION, "écoute", "savoir-etre")],
        ),
        analysed("pi<b>ege.md", 0, HOSTILE, heading=("Titre <i>piégé</i> & co",)),
        analysed("pi<b>ege.md", 1, LINKED),
    ]
    return ReportData(
        title="Analyse <du> séminaire",
        generated_from="corpus/",
        counts={"documents": 2, "passages": 3, "words": 1234},
        removals_by_reason=[("spam_links", 2, 120)],
        skipped=[("scan<1>.pdf", "format non pris en charge")],
        figures=[("Passages par catégorie", chart)],
        tables=[("Termes fréquents", ["Terme", "Occurrences"], [("<b>gras</b>", 3), ("écoute", 2)])],
        categories={"acteurs:public-public": "Entre acteurs publics", "conditions:leviers": "Leviers"},
        dimensions={"acteurs": "Acteurs", "conditions": "Conditions"},
        passages=passages,
        notes=["Pas de modèle entraîné : catégories par règles seulement."],
    )


def render(data: ReportData, tmp_path: Path, name: str = "report.html") -> str:
    path = tmp_path / name
    write_report(data, path)
    return path.read_text(encoding="utf-8")


def embedded_payload(page: str) -> dict:
    blocks = JSON_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def decoded_passages(payload: dict) -> list[dict]:
    """The browser's passage rows as the script reads them: objects, with their looked-up tables."""
    out = []
    for row in payload["passages"]:
        item = dict(zip(payload["row"], row, strict=True))
        item["doc"] = payload["docs"][item["doc"]]
        item["heading"] = payload["headings"][item["heading"]]
        item["kind"] = payload["kinds"][item["kind"]]
        item["id"] = f"{item['doc']}#{item['index']}"
        out.append(item)
    return out


def plain_text(passage_payload: dict) -> str:
    return "".join(s if isinstance(s, str) else s[0] for s in passage_payload["segments"])


def test_hostile_passage_text_is_never_raw_markup(data, tmp_path):
    page = render(data, tmp_path)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<!-- fin" not in page
    assert "<i>piégé</i>" not in page
    assert "<b>gras</b>" not in page
    assert "&lt;b&gt;gras&lt;/b&gt;" in page  # table cells are escaped
    assert "pi&lt;b&gt;ege.md" in page  # document names in the filter are escaped
    assert "scan&lt;1&gt;.pdf" in page
    assert "Analyse &lt;du&gt; séminaire" in page
    # The passage still reaches the browser, intact, through the JSON block.
    passages = decoded_passages(embedded_payload(page))
    assert HOSTILE in [plain_text(p) for p in passages]
    assert passages[1]["heading"] == ["Titre <i>piégé</i> & co"]


def test_json_block_cannot_be_closed_early(data, tmp_path):
    page = render(data, tmp_path)
    block = JSON_BLOCK.findall(page)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\\u003c/script\\u003e" in block
    # Only the page's own two script elements close.
    assert page.lower().count("</script") == 2
    assert page.count("<script") == 2


def test_figures_are_embedded_as_data_uris(data, chart, tmp_path):
    page = render(data, tmp_path)
    found = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', page)
    assert len(found) == 1
    encoded, alt = found[0]
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(base64.b64decode(encoded))) as embedded, Image.open(chart) as original:
        assert embedded.size == original.size  # the same figure, on a lighter palette (embedded_png)
    assert alt == "Passages par catégorie"


def test_missing_figure_is_reported_not_fatal(data, tmp_path):
    broken = replace(data, figures=[("Nuage absent", tmp_path / "nulle-part.png")])
    page = render(broken, tmp_path)
    assert "Figure introuvable : Nuage absent" in page
    assert "data:image/png" not in page


def test_nothing_is_loaded_from_the_network(data, tmp_path):
    page = render(data, tmp_path)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "img-src data:" in csp.group(1)
    # The page's own links only point inside the page.
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith("#") or href.startswith("data:"), href


def test_two_writes_are_identical(data, tmp_path):
    assert render(data, tmp_path, "one.html") == render(data, tmp_path, "two.html")
    first, second = tmp_path / "one.md", tmp_path / "two.md"
    write_summary(data, first, links=[("Rapport", "report.html")])
    write_summary(data, second, links=[("Rapport", "report.html")])
    assert first.read_bytes() == second.read_bytes()


def test_report_shows_overview_notes_and_labels_in_french(data, tmp_path):
    page = render(data, tmp_path)
    assert '<html lang="fr">' in page
    assert "Documents analysés" in page
    assert "1\u202f234" in page  # French thousands separator
    assert "spam_links" in page
    assert "format non pris en charge" in page
    assert "Pas de modèle entraîné" in page
    assert "Entre acteurs publics" in page
    assert "produit le" not in page  # no timestamp unless given
    dated = replace(data, generated_at="2025-01-31")
    assert "produit le 2025-01-31" in render(dated, tmp_path, "dated.html")


def test_evidence_and_competences_are_highlighted(data):
    segments = highlight_segments(data.passages[0])
    marked = {s[0]: (s[1], s[2]) for s in segments if not isinstance(s, str)}
    assert marked["communes"] == (["acteurs:public-public"], [])
    assert marked["intercommunalité"] == (["acteurs:public-public"], [])
    assert marked["confiance"] == (["conditions:leviers"], [])
    assert marked["écoute"] == ([], [["savoir-etre", "écoute"]])
    assert "".join(s if isinstance(s, str) else s[0] for s in segments) == COOPERATION


def test_a_passage_is_shown_without_the_markdown_markup_around_its_words():
    text = ("Les agents ont parlé de l'**écoute** et du [schéma de mutualisation](https://exemple.fr/s.pdf) "
            "![photo de la salle](salle.jpg), de *snake_case* et de 3 * 4.")
    item = analysed("notes.md", 0, text, competences=[competence(text, "écoute", "savoir-etre")])
    segments = highlight_segments(item)
    assert "".join(s if isinstance(s, str) else s[0] for s in segments) == (
        "Les agents ont parlé de l'écoute et du schéma de mutualisation , de snake_case et de 3 * 4.")
    assert ["écoute", [], [["savoir-etre", "écoute"]]] in segments
    plain = "Les communes <b>coopèrent</b>."  # what the author wrote in HTML is shown as written (escaped)
    assert highlight_segments(analysed("a.txt", 0, plain)) == [plain]


def test_lemma_evidence_is_found_on_inflected_words():
    text = "Les communes coopèrent souvent."
    tokens = [("Les", "le", "DET", True, 0), ("communes", "commune", "NOUN", False, 4),
              ("coopèrent", "coopérer", "VERB", False, 13), ("souvent", "souvent", "ADV", False, 23),
              (".", ".", "PUNCT", False, 30)]
    item = analysed("a.md", 0, text, tags=[Tag("objet:projet", 1.0, "rule", ("coopérer",))], tokens=tokens)
    assert highlight_segments(item) == ["Les communes ", ["coopèrent", ["objet:projet"], []], " souvent."]


def test_overlapping_marks_split_without_losing_text():
    text = "Une vision partagée du territoire."
    item = analysed(
        "a.md", 0, text,
        tags=[Tag("finalites:communes", 0.8, "rule", ("vision partagée",))],
        competences=[competence(text, "partagée du territoire", "transversale")],
    )
    segments = highlight_segments(item)
    assert segments == [
        "Une ",
        ["vision ", ["finalites:communes"], []],
        ["partagée", ["finalites:communes"], [["transversale", "partagée du territoire"]]],
        [" du territoire", [], [["transversale", "partagée du territoire"]]],
        ".",
    ]


def test_summary_has_counts_categories_and_relative_links(data, tmp_path):
    path = tmp_path / "summary.md"
    write_summary(data, path, links=[("Rapport", "report.html"), ("Figures", "figures/mes figures.png")])
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Analyse \\<du\\> séminaire\n")
    assert "- Passages : 3" in text
    assert "- Entre acteurs publics (`acteurs:public-public`) : 1" in text
    assert "[Rapport](report.html)" in text
    assert "[Figures](<figures/mes figures.png>)" in text
    assert "`scan<1>.pdf` : format non pris en charge" in text


def test_summary_and_report_show_corpus_totals_and_how_far_each_category_can_be_trusted(data, tmp_path):
    from dataclasses import replace

    from pipeline.outputs.report import Reliability

    measured = replace(
        data,
        category_totals={"acteurs:public-public": 4595, "conditions:leviers": 16154},
        reliability={"acteurs:public-public": Reliability(0.62, 0.55, 118),
                     "conditions:leviers": Reliability(0.15, 0.9, 60)},
        reliability_source="sur les pages réelles annotées (876 passages)",
    )
    path = tmp_path / "summary.md"
    write_summary(measured, path, links=[])
    text = path.read_text(encoding="utf-8")
    # the corpus totals, not the passages the browser holds
    assert "- Leviers (`conditions:leviers`) : 16\u202f154 — précision 15 %, rappel 90 % ⚠ peu fiable" in text
    public = "- Entre acteurs publics (`acteurs:public-public`) : 4\u202f595 — précision 62 %, rappel 55 %\n"
    assert public in text
    page = render(measured, tmp_path)
    assert "Fiabilité des catégories" in page and "⚠ peu fiable" in page
    assert "sur les pages réelles annotées (876 passages)" in page


def test_without_a_model_the_report_says_reliability_was_not_measured(data, tmp_path):
    assert "Aucune mesure de fiabilité" in render(data, tmp_path)
