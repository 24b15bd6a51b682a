"""The real development set's tooling: line keys, the committed set's licence guarantee, matching a local
copy, agreement, and mapping the pipeline's outputs back to labelled lines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.realpages.agreement import agreement, cohen_kappa
from bench.realpages.annotate import from_answers, problems
from bench.realpages.build import LOCAL_REAL_ANNOTATIONS, licence_allows_reuse, write_passages
from bench.realpages.dataset import (
    HELDOUT_AGREEMENT_FILE,
    HELDOUT_FILE,
    OPEN_TEXTS,
    PAGES_FILE,
    GoldLine,
    attach,
    find_text,
    read_records,
    site_folds,
)
from bench.realpages.lines import line_key, normalise_line, page_lines, text_sha1
from bench.realpages.restore import compare
from bench.realpages.scoring import (
    CleanToSource,
    LineOutcome,
    PredictedPassage,
    Prediction,
    gold_term_spans,
    line_outcomes,
    paired_site_intervals,
    read_predictions,
    score,
    site_intervals,
    write_predictions,
)
from tests.conftest import DESIGN_CATEGORY_IDS, ROOT

PAGE = ("Accueil > Actualités\n\nLe PETR et le Département ont signé une convention.\n  \n"
        "Partager\u00a0: Facebook\n")


def record_for(text: str, labels: list[dict], page_id: str = "site-1") -> dict:
    lines = [{"key": line_key(line), **label}
             for (_, _, line), label in zip(page_lines(text), labels, strict=True)]
    return {"page_id": page_id, "site": "site.fr", "url": "https://site.fr/x", "licence": "unknown",
            "sha1": text_sha1(text), "lines": lines}


LABELS = [
    {"chrome": True, "labels": [], "competences": []},
    {"chrome": False, "labels": ["acteurs:public-public", "organisation:verticale"], "competences": []},
    {"chrome": True, "labels": [], "competences": []},
]


def test_lines_are_the_non_empty_ones_with_offsets_into_the_page():
    lines = page_lines(PAGE)
    assert [text for _, _, text in lines] == ["Accueil > Actualités",
                                             "Le PETR et le Département ont signé une convention.",
                                             "Partager\u00a0: Facebook"]
    assert all(PAGE[start:end] == text for start, end, text in lines)


def test_line_key_ignores_case_spacing_no_break_spaces_and_apostrophes():
    assert normalise_line("  L\u2019Écoute\u00a0 active ") == "l'écoute active"
    assert line_key("L’écoute  active") == line_key("l'écoute active")
    assert line_key("écoute active") != line_key("écoute passive")


def test_a_copy_is_used_when_exact_or_when_only_spacing_differs_and_refused_otherwise(tmp_path):
    record = record_for(PAGE, LABELS)
    (tmp_path / "site-1.txt").write_text(PAGE, encoding="utf-8")
    assert find_text(record, [tmp_path]) == (PAGE, "exact")
    respaced = PAGE.replace("\u00a0", " ").replace("Le PETR", "Le  PETR")
    (tmp_path / "site-1.txt").write_text(respaced, encoding="utf-8")
    assert find_text(record, [tmp_path]) == (respaced, "keys")
    (tmp_path / "site-1.txt").write_text(PAGE.replace("convention", "charte"), encoding="utf-8")
    text, why = find_text(record, [tmp_path])
    assert text is None and "recorded" in why
    assert find_text(record, [tmp_path / "nowhere"]) == (None, "no copy")


def test_restore_points_at_the_lines_of_a_copy_that_differ_from_the_labelled_page():
    text = "Titre\n\nUne phrase du rapport.\nPartager"
    record = {"lines": [{"key": line_key(line)} for _, _, line in page_lines(text)]}
    assert compare(record, text) == []
    assert compare(record, text.replace("Partager", "partager ")) == []
    retyped = compare(record, text.replace("rapport.", "rapport ."))
    assert len(retyped) == 1 and retyped[0].startswith("line 2 differs (matches no recorded line)")
    joined = compare(record, text.replace("\n\n", " "))
    assert joined[-1] == "2 non-empty lines in the copy, 3 recorded"


def test_answers_file_becomes_a_checked_annotation():
    answers = "1\tchrome\n2\tcontent\tacteurs:public-public\n3\tchrome\n"
    filled, errors = from_answers(PAGE, answers)
    assert not errors and not problems(PAGE, filled)
    assert [entry["chrome"] for entry in filled["lines"]] == [True, False, True]
    bad, _ = from_answers(PAGE, "1\tchrome\n2\tcontent\tacteurs:inconnu\n3\tcontent\t\tsynthèse=methode\n")
    found = problems(PAGE, bad)
    assert any("unknown label" in p for p in found) and any("not in the line" in p for p in found)


def test_kappa_and_agreement_figures():
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0
    assert cohen_kappa([False, False], [False, False]) is None
    a = {"chrome": False, "labels": ["objet:projet"], "competences": [{"term": "animer", "type": "methode"}]}
    b = {"chrome": False, "labels": ["objet:projet", "conditions:leviers"], "competences": []}
    c = {"chrome": True, "labels": [], "competences": []}
    result = agreement([(a, b), (b, b), (c, c), (c, a)], DESIGN_CATEGORY_IDS)
    assert result["passages"] == 2  # the lines both call content
    assert result["categories"]["objet:projet"]["f1"] == 1.0
    leviers = result["categories"]["conditions:leviers"]
    assert leviers == {"a": 1, "b": 2, "both": 1, "kappa": 0.0, "f1": 0.6667}
    assert result["chrome"]["agree"] == 3
    assert result["competences"] == {"a": 1, "b": 0, "both": 0, "f1": 0.0}


def test_clean_offsets_map_back_to_the_page():
    text = "JUNK\nLe PETR signe.\nMORE\nFin."
    removals = [(0, 5), (20, 25)]  # "JUNK\n" and "MORE\n"
    clean = "Le PETR signe.\nFin."
    mapper = CleanToSource(removals, len(text))
    for start, end in ((0, 14), (15, 19), (3, 7)):
        source_start, source_end = mapper.span(start, end)
        assert text[source_start:source_end] == clean[start:end]


def test_scores_count_kept_chrome_removed_content_and_tags_on_chrome():
    page = attach(record_for(PAGE, LABELS), PAGE)
    lines = page_lines(PAGE)
    convention = lines[1]
    prediction = Prediction(
        removals=((lines[2][0], lines[2][1], "chrome"),),
        passages=(
            PredictedPassage(lines[0][0], lines[0][1], frozenset({"conditions:leviers"}), ()),
            PredictedPassage(convention[0], convention[1], frozenset({"acteurs:public-public"}),
                             ((convention[0] + 3, convention[0] + 7, "PETR", "autre"),)),
        ),
    )
    scores = score(line_outcomes(page, prediction), DESIGN_CATEGORY_IDS)
    assert (scores.chrome_lines, scores.chrome_removed, scores.content_kept) == (2, 1, 1)
    assert scores.chrome_lines_tagged == 1  # the breadcrumb kept and tagged
    assert scores.categories["acteurs:public-public"].tp == 1
    assert scores.categories["organisation:verticale"].fn == 1
    assert scores.categories["conditions:leviers"].fp == 1
    assert scores.tags_per_gold_tag == 1.0  # two predicted (one on chrome), two gold
    assert (scores.found_terms, scores.found_terms_right) == (1, 0)


def test_a_gold_term_is_found_in_a_copy_that_writes_its_apostrophes_and_spaces_otherwise():
    # the annotator's copy wrote « l’écoute » and « esprit de synthèse » with a no-break space; the copy at
    # hand, accepted by its line keys, writes them with a straight apostrophe and plain spaces
    text = "Il faut de l'écoute et l'esprit de synthèse, et encore de l'écoute."
    line = GoldLine(10, 10 + len(text), text, False, frozenset(),
                    (("l’écoute", "savoir-etre"), ("esprit\xa0de synthèse", "methode"),
                     ("l’écoute", "savoir-etre")))
    spans = gold_term_spans(line)
    assert [text[s - 10:e - 10] for s, e, _, _ in spans] == ["l'écoute", "esprit de synthèse", "l'écoute"]
    assert spans[0][0] != spans[2][0]  # the second mention is the second occurrence


def _outcomes_of_sites(removed_by_site: list[list[bool]]) -> list[LineOutcome]:
    """One chrome line per entry, on one page per site; True where the cleaning removed it."""
    outcomes = []
    for k, flags in enumerate(removed_by_site):
        for removed in flags:
            line = GoldLine(0, 4, "Menu", True, frozenset(), ())
            outcomes.append(LineOutcome(f"p{k}", f"site{k}.fr", line, removed, (), frozenset(), ()))
    return outcomes


def test_site_intervals_bracket_the_figure_and_widen_when_sites_disagree():
    alike = _outcomes_of_sites([[True, False]] * 10)  # every site: half its chrome removed
    low, high = site_intervals(alike, DESIGN_CATEGORY_IDS)["chrome removed"]
    assert low == high == 0.5
    unlike = _outcomes_of_sites([[True, True]] * 5 + [[False, False]] * 5)  # the same 50 %, all or none
    assert score(unlike, DESIGN_CATEGORY_IDS).chrome_recall == 0.5
    low, high = site_intervals(unlike, DESIGN_CATEGORY_IDS)["chrome removed"]
    assert low < 0.4 and high > 0.6
    # no content line, no tag and no term anywhere: those figures have no interval
    assert set(site_intervals(unlike, DESIGN_CATEGORY_IDS)) == {"chrome removed"}


def test_a_change_every_site_shares_is_told_apart_and_no_change_is_not():
    before = _outcomes_of_sites([[True, False, False]] * 4 + [[False, False, False]] * 4)
    same = paired_site_intervals(before, before, DESIGN_CATEGORY_IDS)
    assert same["chrome removed"] == (0.0, 0.0)
    # one more chrome line of three removed on every site: the sites' own spread no longer hides it
    after = _outcomes_of_sites([[True, True, False]] * 4 + [[True, False, False]] * 4)
    low, high = paired_site_intervals(before, after, DESIGN_CATEGORY_IDS)["chrome removed"]
    assert 0 < low <= 1 / 3 <= high
    assert site_intervals(before, DESIGN_CATEGORY_IDS)["chrome removed"][1] - \
        site_intervals(before, DESIGN_CATEGORY_IDS)["chrome removed"][0] > high - low
    with pytest.raises(ValueError, match="same sites"):
        paired_site_intervals(before, before[:6], DESIGN_CATEGORY_IDS)


def test_saved_predictions_score_as_the_run_did(tmp_path):
    page = attach(record_for(PAGE, LABELS), PAGE)
    lines = page_lines(PAGE)
    prediction = Prediction(
        removals=((lines[2][0], lines[2][1], "chrome"),),
        passages=(PredictedPassage(lines[1][0], lines[1][1], frozenset({"acteurs:public-public"}),
                                   ((lines[1][0] + 3, lines[1][0] + 7, "PETR", "autre"),)),),
    )
    path = tmp_path / "run.json"
    write_predictions(path, {page.page_id: prediction})
    assert "PETR et le Département" not in path.read_text(encoding="utf-8")  # no page text is written
    again = read_predictions(path)[page.page_id]
    assert again == prediction
    assert score(line_outcomes(page, again), DESIGN_CATEGORY_IDS) == \
        score(line_outcomes(page, prediction), DESIGN_CATEGORY_IDS)


def test_site_folds_keep_a_site_whole_and_balance_pages():
    sites = ["a"] * 4 + ["b"] * 2 + ["c"] * 2 + ["d"]
    folds = site_folds(sites, 2)
    sizes = [sum(1 for s in sites if folds[s] == f) for f in (0, 1)]
    assert sorted(sizes) == [4, 5]


@pytest.mark.parametrize("licence, allowed", [
    ("Licence Ouverte / Etalab 2.0", True), ("CC BY-SA 4.0", True), ("CC BY-NC-SA", False),
    ("CC BY-ND", False), ("unknown", False), ("Tous droits réservés", False),
])
def test_only_open_licences_allow_committing_a_page(licence, allowed):
    assert licence_allows_reuse(licence) is allowed


def test_committed_set_holds_no_text_of_a_page_whose_licence_does_not_allow_it():
    if not PAGES_FILE.is_file():
        pytest.skip("no real development set")
    records = read_records(PAGES_FILE)
    assert records
    for record in records:
        committed = (OPEN_TEXTS / f"{record['page_id']}.txt").is_file()
        assert committed == record["text_committed"] == licence_allows_reuse(record["licence"])
        assert "text" not in record and all(set(line) <= {
            "key", "chrome", "labels", "competences", "chrome_a", "chrome_b", "labels_a", "labels_b",
            "competences_b"} for line in record["lines"])
        assert all(set(line["labels"]) <= set(DESIGN_CATEGORY_IDS) for line in record["lines"])
        assert all(not line["labels"] for line in record["lines"] if line["chrome"])


def test_committed_open_texts_match_their_records():
    if not PAGES_FILE.is_file():
        pytest.skip("no real development set")
    for record in read_records(PAGES_FILE):
        if record["text_committed"]:
            text, how = find_text(record, [OPEN_TEXTS])
            assert how == "exact"
            attach(record, text)


def test_agreement_file_reports_every_category_and_a_macro_figure():
    path = PAGES_FILE.with_name("agreement.json")
    if not path.is_file():
        pytest.skip("no agreement figures")
    figures = json.loads(path.read_text(encoding="utf-8"))
    assert set(figures["categories"]) == set(DESIGN_CATEGORY_IDS)
    assert figures["passages"] >= 150 and figures["macro"]["kappa"] is not None


def test_bench_real_without_any_page_text_says_so_and_scores_nothing(tmp_path, capsys):
    from bench.bench_real import main

    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps(record_for(PAGE, LABELS)) + "\n", encoding="utf-8")
    assert main(["--pages", str(pages)]) == 0
    out = capsys.readouterr().out
    assert "0 pages with their text at hand, 1 without" in out and "No page to score." in out


def test_compare_real_shows_both_runs_and_the_change(tmp_path, capsys):
    from bench.compare_real import main

    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps(record_for(PAGE, LABELS)) + "\n", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "site-1.txt").write_text(PAGE, encoding="utf-8")
    lines = page_lines(PAGE)
    kept_all = Prediction((), ())
    menu_out = Prediction(((lines[0][0], lines[0][1], "chrome"),), ())
    write_predictions(tmp_path / "a.json", {"site-1": kept_all})
    write_predictions(tmp_path / "b.json", {"site-1": menu_out})
    args = [str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--pages", str(pages), "--texts", str(texts)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "| chrome removed | 0.0 | 50.0 | 50.0 | 50.0 to 50.0 * |" in out
    assert "| content kept | 100.0 | 100.0 | 0.0 | 0.0 to 0.0 |" in out
    assert main([*args[:2], "--pages", str(pages)]) == 2  # no text at hand: nothing to compare
    assert "nothing to compare" in capsys.readouterr().out


def test_heldout_pages_are_of_other_sites_and_commit_no_text():
    if not (HELDOUT_FILE.is_file() and PAGES_FILE.is_file()):
        pytest.skip("no held-out set")
    held = read_records(HELDOUT_FILE)
    assert held
    assert not {r["site"] for r in held} & {r["site"] for r in read_records(PAGES_FILE)}
    for record in held:
        assert not record["text_committed"] and not (OPEN_TEXTS / f"{record['page_id']}.txt").is_file()
        assert "text" not in record and all(set(line) <= {
            "key", "chrome", "labels", "competences", "chrome_b", "labels_b", "competences_b"}
            for line in record["lines"])
        assert all(set(line["labels"]) <= set(DESIGN_CATEGORY_IDS) for line in record["lines"])
    held_ids = {f"real/{r['page_id']}" for r in held}
    for path in (ROOT / "corpus" / "annotations").glob("*.jsonl"):
        if path.name == LOCAL_REAL_ANNOTATIONS.name:  # git-ignored: where their passages train
            continue
        with path.open(encoding="utf-8") as handle:
            assert not any(json.loads(line).get("doc_id") in held_ids for line in handle if line.strip())
    figures = json.loads(HELDOUT_AGREEMENT_FILE.read_text(encoding="utf-8"))
    assert figures["passages"] >= 300 and figures["macro"]["kappa"] is not None


def test_both_real_sets_content_lines_become_training_passages_and_their_texts_stay_local(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    other = ("Menu\nLes élus et les habitants ont préparé ensemble le projet.\n"
             "Le PETR et le Département ont signé une convention.\n")
    (texts / "site-1.txt").write_text(PAGE, encoding="utf-8")
    (texts / "other-1.txt").write_text(other, encoding="utf-8")
    held_record = record_for(other, [
        {"chrome": True, "labels": [], "competences": []},
        {"chrome": False, "labels": ["organisation:horizontale"], "competences": []},
        {"chrome": False, "labels": ["acteurs:public-public"], "competences": []}], page_id="other-1")
    held_record["site"] = "autre.fr"
    blind_text = "Les communes du Pays ont mutualisé leurs services techniques.\n"
    (texts / "blind-1.txt").write_text(blind_text, encoding="utf-8")
    blind_record = record_for(blind_text, [
        {"chrome": False, "labels": ["objet:organisationnel"], "competences": []}], page_id="blind-1")
    blind_record |= {"site": "aveugle.fr", "trains": False}  # a blind batch: scored, never trained on
    sets = []
    for name, records in (("pages", [record_for(PAGE, LABELS)]), ("heldout", [held_record, blind_record])):
        sets.append(tmp_path / f"{name}.jsonl")
        sets[-1].write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    committed, local = tmp_path / "real.jsonl", tmp_path / "real-local.jsonl"
    write_passages(sets, [texts], committed, local)
    rows = [json.loads(line) for line in local.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["label"], r["group"]) for r in rows] == [
        ("Le PETR et le Département ont signé une convention.",
         ["acteurs:public-public", "organisation:verticale"], "real/site.fr"),
        ("Les élus et les habitants ont préparé ensemble le projet.", ["organisation:horizontale"],
         "real/autre.fr")]  # chrome lines never, a text met twice once
    assert not committed.exists()  # neither page's licence allows its text in the repository


def test_a_held_out_batch_may_hold_no_site_of_the_development_set_nor_of_another_batch(tmp_path):
    from bench.realpages.build import assemble_heldout

    if not PAGES_FILE.is_file():
        pytest.skip("no real development set")
    dev_site = read_records(PAGES_FILE)[0]["site"]

    def batch(name: str, sites: list[str]) -> Path:
        work = tmp_path / name
        work.mkdir()
        (work / "pages-meta.jsonl").write_text("".join(
            json.dumps({"page_id": f"{name}-{i}", "site": site}) + "\n" for i, site in enumerate(sites)),
            encoding="utf-8")
        return work

    with pytest.raises(SystemExit, match=dev_site):
        assemble_heldout([batch("one", ["nouveau-site.fr", dev_site])])
    with pytest.raises(SystemExit, match="autre-site.fr"):
        assemble_heldout([batch("two", ["autre-site.fr"]), batch("three", ["autre-site.fr"])])


def test_bench_real_heldout_reads_the_held_out_pages_and_says_which_texts_are_missing(tmp_path, capsys):
    from bench.bench_real import main

    pages = tmp_path / "heldout.jsonl"
    pages.write_text(json.dumps(record_for(PAGE, LABELS)) + "\n", encoding="utf-8")
    assert main(["--heldout", "--pages", str(pages)]) == 0
    out = capsys.readouterr().out
    assert "# Held-out real pages: 0 pages with their text at hand, 1 without" in out
    assert "No page to score." in out


@pytest.mark.slow
def test_bench_real_runs_the_pipeline_and_reports_what_it_kept_and_tagged(tmp_path, capsys):
    from bench.bench_real import main

    text = ("Accueil > Actualités > Rencontres\n"
            "Rencontre des intercommunalités du Pays\n"
            "Les quatre communautés de communes du Pays ont décidé de mutualiser leurs services "
            "techniques et de créer un office de tourisme commun.\n"
            "Partager : Facebook Twitter LinkedIn\n")
    labels = [
        {"chrome": True, "labels": [], "competences": []},
        {"chrome": False, "labels": [], "competences": []},
        {"chrome": False, "labels": ["objet:organisationnel", "acteurs:public-public",
                                     "organisation:horizontale"], "competences": []},
        {"chrome": True, "labels": [], "competences": []},
    ]
    record = record_for(text, labels, page_id="pays-1")
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps(record) + "\n", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "pays-1.txt").write_text(text, encoding="utf-8")
    assert main(["--pages", str(pages), "--texts", str(texts), "--folds", "2", "--model", "shipped"]) == 0
    out = capsys.readouterr().out
    assert "1 pages with their text at hand, 0 without" in out
    assert "lines: 2 chrome, 2 content; gold tags 3" in out
    summary = next(line for line in out.splitlines() if line.startswith("| all |"))
    assert summary.split("|")[5].strip() == "100.0"  # no content line removed
    assert "## Tagging per category" in out and "| organisation:horizontale | 1 |" in out


def test_held_out_folds_train_without_their_sites_and_keep_the_shipped_chrome_model(tmp_path, monkeypatch):
    import bench.bench_real as bench_real
    import bench.fit_licence as fit_licence
    import bench.realpages.chrome_fit as chrome_fit

    pages = [attach({**record_for(PAGE, LABELS, page_id=f"p{i}"), "site": f"site{i}.fr"}, PAGE)
             for i in range(4)]
    trained_without: list[set[str]] = []
    scored: list[str] = []

    def train_without(sites, folder, encoder=None):
        trained_without.append(set(sites))
        return folder

    licensed_without: list[set[str]] = []

    def run_pipeline(part, folder, models=None, encoder=None, lexicon=None):
        assert lexicon == folder / "lexicon.yaml"
        scored.extend(page.page_id for page in part)
        return {page.page_id: Prediction((), ()) for page in part}

    def refit(*args, **kwargs):
        raise AssertionError("the chrome model was refitted on held-out pages")

    def lexicon_without(sites, folder, texts=()):
        licensed_without.append(set(sites))
        return folder / "lexicon.yaml"

    monkeypatch.setattr(bench_real, "train_without", train_without)
    monkeypatch.setattr(bench_real, "run_pipeline", run_pipeline)
    monkeypatch.setattr(chrome_fit, "fit", refit)
    monkeypatch.setattr(fit_licence, "lexicon_without", lexicon_without)
    predictions = bench_real.predictions_by_fold(pages, 2, tmp_path, refit_chrome=False)
    assert sorted(predictions) == sorted(scored) == [f"p{i}" for i in range(4)]
    assert len(trained_without) == 2 and set().union(*trained_without) == {f"site{i}.fr" for i in range(4)}
    assert not trained_without[0] & trained_without[1]  # each fold's classifier misses only its own sites
    assert licensed_without == trained_without  # and so does each fold's competence licence model


def test_the_licence_cut_is_the_best_term_f1_whose_terms_stay_right_at_least_half_the_time():
    from bench.fit_licence import EVEN_ODDS, best_cut

    # cut -> (gold terms, gold found, terms extracted, extracted right)
    scores = {0.2: (100, 70, 160, 70),   # F1 0.538, right 44 % of the time
              0.3: (100, 60, 110, 57),   # F1 0.556, right 52 %
              0.5: (100, 40, 70, 40)}    # F1 0.471, right 57 %
    assert best_cut(scores) == 0.3
    assert best_cut({**scores, 0.3: (100, 60, 130, 60)}) == 0.2  # the F1-best cut alone
    assert best_cut({**scores, 0.3: (100, 60, 130, 60)}, floor=0.5) == 0.5  # the floor rules 0.2 and 0.3 out
    assert best_cut({0.2: (100, 70, 160, 70)}, floor=0.5) == EVEN_ODDS  # no cut reaches it


def test_the_ceiling_cut_is_the_one_a_reader_would_pick_and_keeps_the_rules_when_no_cut_helps() -> None:
    from bench.tagging_ceiling import NO_CUT, best_cut

    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    gold = np.array([True, True, False, True, False, False])
    no_rules = np.zeros(6, dtype=bool)
    assert best_cut(scores, gold, no_rules) == 0.6  # three right for one wrong: F1 6/7
    assert best_cut(scores, gold, no_rules, floor=0.9) == 0.8  # the floor asks for precision first
    # the rules already tag every right passage: no cut adds anything but wrong tags
    assert best_cut(scores, gold, gold.copy()) == NO_CUT
