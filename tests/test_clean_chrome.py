"""The cleaning rule `chrome`: a line model on generic features, kept away from Markdown and headings."""

from __future__ import annotations

from pipeline.clean import clean_text
from pipeline.clean.chrome import ChromeModel, active_model, find_chrome, use_model
from pipeline.clean.line_features import heading_over_prose, page_features
from pipeline.text.prepcache import PrepCache

PAGE = (
    "Accueil\n"
    "Actualités\n"
    "Publié le 12 mars 2019\n"
    "Rencontre des conseils de développement\n"
    "Les conseils de développement de la région se sont réunis pour partager leurs pratiques de "
    "participation citoyenne et préparer ensemble leur contribution au schéma régional.\n"
    "Les échanges ont porté sur la place des habitants dans les projets de territoire et sur les moyens "
    "dont disposent les conseils pour animer le débat public.\n"
    "Partager\n"
    "Facebook\n"
    "Twitter\n"
    "Imprimer\n"
)


def test_the_shipped_model_reads_every_feature_the_page_gives():
    model = active_model()
    row = page_features(["Une ligne.", "Une autre ligne de texte."])[0]
    assert set(model.features) == set(row)
    assert 0.5 < model.threshold < 1.0


def test_prose_stays_and_some_chrome_goes_on_a_scraped_page():
    cleaned = clean_text(PAGE, doc_id="page.txt")
    assert "partager leurs pratiques" in cleaned.text and "animer le débat public" in cleaned.text
    assert "Rencontre des conseils de développement" in cleaned.text  # a heading right above prose
    for chrome in ("Partager", "Facebook", "Twitter", "Imprimer", "Publié le"):
        assert chrome not in cleaned.text
    # a menu entry no named rule knows, read as chrome by the model; the site's section above the title
    # is page furniture
    assert [r.text for r in cleaned.removals if r.reason == "chrome"] == ["Accueil\n"]
    assert [r.text for r in cleaned.removals if r.reason == "page_furniture"] == ["Actualités\n"]


def _cohesion(lines: list[str]) -> list[tuple[float, float]]:
    return [(row["lexical_cohesion"], row["lexical_cohesion_long"]) for row in page_features(lines)]


def test_lexical_cohesion_tells_the_reports_subject_from_the_sites_furniture():
    lines = [line for line in PAGE.splitlines() if line]
    cohesion = dict(zip(lines, _cohesion(lines), strict=True))
    title = cohesion["Rencontre des conseils de développement"]
    assert title == (1.0, 1.0)  # « conseils » recurs below (jusText's list holds the title's other words)
    assert cohesion["Publié le 12 mars 2019"] == (0.0, 0.0)  # « publié » said nowhere else
    assert cohesion["Facebook"][0] == 0.0
    # a line of stop words alone has nothing to compare
    assert _cohesion(["Et le la les.", "Une phrase."])[0] == (-1.0, -1.0)
    # words compared by their beginning: the plural of a word of the page counts as the word
    pair = ["Les coopérations", "La coopération intercommunale avance."]
    shared, _ = _cohesion(pair)[0]
    assert shared == 1.0


def test_links_and_addresses_are_seen_however_long_the_line():
    def link(line: str) -> float:
        return page_features([line])[0]["link"]

    assert link("Contact : jean.dupont@territoires.example") == 1.0
    assert link("Voir https://www.example.org/rencontre") == 1.0
    assert link("Le site unadel.org publie les actes.") == 1.0
    assert link("Une phrase de contenu sans adresse.") == 0.0
    assert link("a" * 100_000) == 0.0  # one long word: no address (and read in linear time, bench_robust)


def test_markdown_files_are_left_to_the_other_rules():
    notes = "Jean Dupont\nDiscussion\nLe projet associe trois laboratoires et une bibliothèque.\n"
    assert not [r for r in clean_text(notes, doc_id="notes.md").removals if r.reason == "chrome"]


def test_a_short_capitalised_line_above_prose_is_a_heading():
    prose = "Depuis 2010, nous avons l'impression d'assister à une réforme territoriale en continu."
    assert heading_over_prose("Introduction", prose)
    assert not heading_over_prose("Introduction", "Partager")
    assert not heading_over_prose("12 mars 2019", prose)


def _model(baseline: float, trees: list) -> ChromeModel:
    return ChromeModel.from_dict({"features": ["log_words"], "words": {}, "word_intercept": 0.0,
                                  "trees": trees, "baseline": baseline, "threshold": 0.5})


# one split: a line of two words or fewer is chrome, a longer one is not
SHORT_LINES = {"feature": [0, 0, 0], "threshold": [1.25, 0.0, 0.0], "left": [1, 0, 0], "right": [2, 0, 0],
               "missing_left": [1, 0, 0], "leaf": [0, 1, 1], "value": [0.0, 20.0, -20.0]}


def test_another_model_changes_what_is_removed_and_the_prepared_text_key(tmp_path):
    cache = PrepCache(tmp_path, ("chrome",))
    shipped_key = cache.key("page.txt", PAGE)
    text = "Une phrase de contenu assez longue.\nAccueil\nUne autre phrase de contenu.\n"
    try:
        use_model(_model(0.0, [SHORT_LINES]))
        assert cache.key("page.txt", PAGE) != shipped_key
        assert [text[start:end] for start, end in find_chrome(text)] == ["Accueil\n"]
    finally:
        use_model(None)
    assert cache.key("page.txt", PAGE) == shipped_key


def test_a_page_the_model_would_empty_keeps_every_line():
    # a text of one or two short lines has no page around it to be told from: in doubt, it stays
    try:
        use_model(_model(10.0, []))  # every line is chrome for it
        assert find_chrome("Une phrase de contenu.\nUne autre.\n") == []
        use_model(_model(0.0, [SHORT_LINES]))
        assert find_chrome("Accueil\nContact\n") == []
        assert len(find_chrome("Accueil\nUne phrase de contenu assez longue.\n")) == 1
    finally:
        use_model(None)
    assert find_chrome("Notre réseau suppose une vision partagée.\n") == []  # the shipped model too


def test_a_page_of_sentences_only_keeps_every_line():
    # no title, menu, date or label around it: nothing is chrome there, however short a sentence is
    try:
        use_model(_model(0.0, [SHORT_LINES]))  # a line of two words or fewer is chrome for it
        assert find_chrome("Coopérer ensuite ?\nLes communes mutualisent leurs services techniques.\n") == []
        page = "Accueil\nCoopérer ensuite ?\nLes communes mutualisent leurs services techniques.\n"
        assert [page[start:end] for start, end in find_chrome(page)] == ["Accueil\n", "Coopérer ensuite ?\n"]
    finally:
        use_model(None)
    # the shipped model read this question, which shares no word with the rest, as a slogan (0.98)
    text = ("Notre réseau suppose l’intérêt commun ?\n\nCette démarche facilite le projet de territoire "
            "selon les participants. La coopération interroge les compétences des agents\u00a0?\n\n"
            "Cette démarche renforce le projet de territoire depuis 2015.\n")
    assert find_chrome(text) == []


def test_the_written_trees_give_the_probabilities_scikit_learn_gives():
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from bench.realpages.chrome_fit import _tree_data
    from pipeline.clean.chrome import Forest

    rng = np.random.RandomState(0)
    rows = rng.rand(400, 3)
    rows[::17, 1] = np.nan  # a missing value follows the side the tree learnt
    labels = (np.nan_to_num(rows[:, 1]) + rows[:, 0] * rows[:, 2] + 0.2 * rng.rand(400)) > 0.7
    fitted = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(rows, labels)
    forest = Forest.from_dicts([_tree_data(predictor) for (predictor,) in fitted._predictors])
    raw = float(np.ravel(fitted._baseline_prediction)[0]) + forest.raw(rows)
    assert np.allclose(1 / (1 + np.exp(-raw)), fitted.predict_proba(rows)[:, 1], atol=1e-6)
