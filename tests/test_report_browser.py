"""The report in a real browser (headless system Chromium): no errors, no script from the corpus runs,
the filters work. Skips when Chromium or the playwright package is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.outputs import figures
from pipeline.outputs.report import ReportData, write_report
from pipeline.types import AnalysedPassage, Passage, Tag

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script> et <img src=x onerror=alert(2)>"
FILLERS = 120  # more than one page of the browser (100 passages)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def analysed(doc_id: str, index: int, text: str, tags: tuple[Tag, ...] = ()) -> AnalysedPassage:
    passage = Passage(doc_id, index, "paragraph", text, 0, len(text), heading=("Atelier",))
    return AnalysedPassage(passage, tags)


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rapport")
    chart = figures.bar_chart([("Freins", 2), ("Leviers", 1)], folder / "bars", title="t", xlabel="x")[0]
    freins = Tag("conditions:freins", 0.8, "rule", ("manque de moyens",))
    leviers = Tag("conditions:leviers", 0.7, "rule", ("confiance",))
    passages = [
        analysed("a.md", 0, "Le manque de moyens freine la coopération.", (freins,)),
        analysed("a.md", 1, "La confiance aide, mais le manque de moyens pèse.", (leviers, freins)),
        analysed("b.md", 0, "La confiance entre techniciens est un levier.", (leviers,)),
        analysed("b.md", 1, HOSTILE),
        *(analysed("c.md", n, f"Passage de remplissage numéro {n}.") for n in range(FILLERS)),
    ]
    data = ReportData(
        title="Rapport de test",
        generated_from="corpus/",
        counts={"documents": 3, "passages": len(passages)},
        figures=[("Passages par catégorie", chart)],
        categories={"conditions:leviers": "Leviers", "conditions:freins": "Freins"},
        dimensions={"conditions": "Conditions"},
        passages=passages,
        document_metadata={"a.md": {"annee": "2014"}, "b.md": {"annee": "2016"}, "c.md": {"annee": "2016"}},
        browser_variables=["annee"],
        document_words={"a.md": ["moyens", "manque"]},
        document_removals={"a.md": [("comments", "Laisser un commentaire Annuler la réponse")]},
    )
    path = folder / "report.html"
    write_report(data, path)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium binary found (install Debian's chromium package to run browser tests)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page with everything worrying it reported: console errors, page errors, dialogs, requests."""

    def __init__(self, browser, report_path: Path) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(report_path.as_uri())
        self.page.wait_for_load_state("load")

    def _console(self, message) -> None:
        if message.type in ("error", "assert"):
            self.console_errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible_passages(self):
        return self.page.locator("#liste-passages article.passage:visible")


@pytest.fixture()
def watched(browser, report_path) -> Iterator[Watched]:
    page = Watched(browser, report_path)
    yield page
    page.page.close()


def test_report_opens_cleanly_from_disk(watched):
    page = watched.page
    assert page.title() == "Rapport de test"
    assert page.locator("figure img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert watched.visible_passages().count() == 100  # first page of the browser
    assert watched.console_errors == []
    assert watched.page_errors == []
    assert watched.dialogs == []
    assert all(url.startswith(("file:", "data:")) for url in watched.requests), watched.requests


def test_script_in_a_passage_is_shown_as_text_and_never_runs(watched):
    page = watched.page
    page.select_option("#filtre-document", "b.md")
    hostile = page.locator("#liste-passages .texte", has_text="<script>alert(1)</script>")
    assert hostile.count() == 1
    assert hostile.is_visible()
    assert hostile.inner_text() == HOSTILE
    assert page.locator("#liste-passages script, #liste-passages img").count() == 0
    assert page.locator("script").count() == 2
    assert watched.dialogs == []
    assert watched.page_errors == []


def test_category_filter_hides_passages_without_it(watched):
    page = watched.page
    page.select_option("#filtre-categorie", "conditions:freins")
    shown = watched.visible_passages()
    assert shown.count() == 2
    for number in range(shown.count()):
        assert "conditions:freins" in shown.nth(number).get_attribute("data-categories").split()
    assert page.locator("#liste-passages", has_text="La confiance entre techniciens").count() == 0
    assert page.locator("#compte-passages").inner_text().startswith("2 passages sur 124")

    page.select_option("#filtre-categorie", "__aucune__")
    assert watched.visible_passages().count() == 100
    assert page.locator("#liste-passages article[data-categories='conditions:freins']").count() == 0


def test_category_and_document_filters_combine_and_reset(watched):
    page = watched.page
    page.select_option("#filtre-categorie", "conditions:leviers")
    page.select_option("#filtre-document", "b.md")
    shown = watched.visible_passages()
    assert shown.count() == 1
    assert "La confiance entre techniciens" in shown.first.inner_text()
    page.click("#filtre-reinitialiser")
    assert watched.visible_passages().count() == 100


def test_evidence_is_marked_with_its_category(watched):
    page = watched.page
    page.select_option("#filtre-document", "a.md")
    mark = page.locator("#liste-passages mark", has_text="manque de moyens").first
    assert mark.is_visible()
    assert "Catégorie : Freins (conditions:freins)" in mark.get_attribute("title")
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_more_button_reveals_the_next_page(watched):
    page = watched.page
    more = page.locator("#plus-de-passages")
    assert more.is_visible()
    more.click()
    assert watched.visible_passages().count() == 124
    assert more.is_hidden()


def test_a_variable_of_the_reports_filters_the_passages(watched):
    page = watched.page
    page.select_option('select[data-variable="annee"]', "2014")
    assert watched.visible_passages().count() == 2
    assert set(watched.page.locator("#liste-passages article .doc").all_inner_texts()) == {"a.md"}
    page.select_option("#filtre-categorie", "conditions:leviers")
    assert watched.visible_passages().count() == 1
    page.click("#filtre-reinitialiser")
    assert page.locator('select[data-variable="annee"]').input_value() == ""
    assert watched.visible_passages().count() == 100
    assert watched.page_errors == []


def test_choosing_a_document_shows_its_view(watched):
    page = watched.page
    page.select_option("#filtre-document", "a.md")
    view = page.locator("#vue-document")
    assert view.is_visible()
    text = view.inner_text()
    assert "Le document a.md" in text and "2 passages" in text
    assert "Freins : 2" in text and "Leviers : 1" in text
    assert "moyens, manque" in text
    removed = view.locator(".retire")
    assert removed.inner_text() == "Laisser un commentaire Annuler la réponse"
    assert "commentaires et rétroliens" in text
    page.click("#filtre-reinitialiser")
    assert view.is_hidden()


def test_text_search_ignores_accents_and_case(watched):
    page = watched.page
    page.fill("#filtre-texte", "COOPERATION")
    shown = watched.visible_passages()
    assert shown.count() == 1 and "freine la coopération" in shown.first.inner_text()


def test_concordance_finds_every_form_with_a_wildcard_sorts_and_leads_to_the_passage(watched):
    page = watched.page
    page.fill("#concordance-terme", "confi*")
    rows = page.locator("#concordance-lignes tbody tr")
    assert rows.count() == 2
    assert set(page.locator("#concordance-lignes td.forme").all_inner_texts()) == {"confiance"}
    assert page.locator("#concordance-compte").inner_text() == "2 occurrences"
    page.fill("#concordance-terme", "manque de moyen?")
    assert rows.count() == 2
    page.select_option("#concordance-tri", "right")
    assert [row.split("\t")[3].strip() for row in rows.all_inner_texts()] == [
        "freine la coopération.", "pèse."]
    page.fill("#concordance-terme", "moyen")  # a word finds its plural too
    assert rows.count() == 2
    assert set(page.locator("#concordance-lignes td.forme").all_inner_texts()) == {"moyens"}
    page.fill("#concordance-terme", "techniciens")
    rows.first.click()
    target = page.locator("#liste-passages article.vise")
    assert target.count() == 1 and "La confiance entre techniciens" in target.inner_text()
    assert page.locator("#filtre-document").input_value() == "b.md"
    page.fill("#concordance-terme", "remplissage")
    assert rows.count() == FILLERS
    rows.last.click()  # on the second page of the browser: the pages up to it are shown
    assert f"numéro {FILLERS - 1}." in page.locator("#liste-passages article.vise").inner_text()
    assert watched.page_errors == [] and watched.console_errors == []


def test_the_concordance_is_exported_as_csv(watched):
    page = watched.page
    page.fill("#concordance-terme", "confiance")
    with page.expect_download() as download:
        page.click("#concordance-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "document,passage,avant,forme,apres" and len(lines) == 3
    assert lines[1].startswith("a.md,a.md#1,La ,confiance,")
