"""Training, combining, saving and safely loading the category classifier, on small synthetic data."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from pipeline.classifier import (
    NEVER,
    PER_CATEGORY,
    POLICIES,
    STRATEGIES,
    ModelBundle,
    ModelError,
    PassageFeatures,
    best_threshold,
    build_pipeline,
    combine,
    combine_with,
    features_from_doc,
    fit_combination,
    load_model,
    precise_cut,
    predict,
    save_model,
    strict_threshold,
    train,
    write_model_card,
)
from pipeline.evaluation import evaluate_systems, format_table, macro_f1

CATEGORIES = ("objet:projet", "conditions:leviers", "conditions:freins", "acteurs:public-prive")
CUES = {
    "objet:projet": ["projet", "stratégie", "programme"],
    "conditions:leviers": ["confiance", "convivialité", "volonté"],
    "conditions:freins": ["manque", "silo", "réorganisation"],
}  # acteurs:public-prive has no cue word: only the rules see it
FILLER = [f"mot{i}" for i in range(60)]
CODEBOOK = "c0debook" * 8


def synthetic(n: int = 160, documents: int = 8, seed: int = 0):
    rng = np.random.default_rng(seed)
    features, labels, groups = [], [], []
    for index in range(n):
        chosen = [c for c in CATEGORIES if rng.random() < 0.3]
        words = list(rng.choice(FILLER, size=8))
        for category in chosen:
            words += list(rng.choice(CUES.get(category, FILLER), size=2))
        rules = {c for c in chosen if c == "acteurs:public-prive" or rng.random() < 0.4}
        vector = rng.standard_normal(300).astype(np.float32)
        features.append(PassageFeatures(" ".join(words), vector, frozenset(rules)))
        labels.append(chosen)
        groups.append(f"doc{index % documents}")
    return features, labels, groups


@pytest.fixture(scope="module")
def data():
    return synthetic()


@pytest.fixture(scope="module")
def trained(data):
    features, labels, groups = data
    sources = ["seed" if g == "doc0" else "written" for g in groups]
    return train(features, labels, groups, categories=CATEGORIES, sources=sources, seed=7, folds=3)


@pytest.fixture()
def saved(tmp_path, trained):
    path = tmp_path / "models" / "categories.skops"
    save_model(trained.model, path, trained.metadata(codebook_sha256=CODEBOOK, data_sha256="d" * 64))
    return path


def test_same_data_and_seed_give_the_same_model_and_metrics(data, trained):
    features, labels, groups = data
    sources = ["seed" if g == "doc0" else "written" for g in groups]
    again = train(features, labels, groups, categories=CATEGORIES, sources=sources, seed=7, folds=3)
    assert again.metrics == trained.metrics
    assert again.thresholds == trained.thresholds
    np.testing.assert_array_equal(again.oof_scores, trained.oof_scores)
    assert predict(again.model, features[:20]) == predict(trained.model, features[:20])


def test_model_learns_the_cue_words_and_beats_the_rules(trained):
    macro = {
        system: trained.metrics[system]["all"]["macro"]["f1"] for system in ("rules", "model", "combination")
    }
    assert macro["model"] > 0.8
    assert macro["model"] > macro["rules"]
    assert macro["combination"] >= max(macro["rules"], macro["model"]) - 1e-9
    assert set(trained.metrics["model"]) == {"all", "seed", "written"}


def test_rule_block_is_kept_only_when_cross_validation_says_it_helps(trained):
    compared = {tuple(f["blocks"]): f for f in trained.feature_sets}
    assert {("lemmas",), ("lemmas", "vectors"), ("lemmas", "rules")} <= set(compared)
    assert sum(f["kept"] for f in trained.feature_sets) == 1
    # one category is only visible through the rules, and the vectors are noise
    assert "rules" in trained.model.blocks and "vectors" not in trained.model.blocks
    assert compared[tuple(trained.model.blocks)]["macro_f1"] > compared[("lemmas",)]["macro_f1"]


def test_one_document_falls_back_to_plain_folds_and_says_so(data):
    features, labels, _ = data
    result = train(features[:60], labels[:60], ["only.md"] * 60, categories=CATEGORIES, folds=3, seed=1)
    assert result.folds["method"] == "KFold" and "optimistic" in result.folds["note"]
    fewer = train(
        features[:60], labels[:60], [f"d{i % 2}" for i in range(60)], categories=CATEGORIES, folds=5
    )
    assert fewer.folds == {"method": "GroupKFold", "folds": 2, "documents": 2, "note": fewer.folds["note"]}


def test_rare_category_gets_no_model_and_the_rules_keep_it(data):
    features, labels, groups = data
    labels = [[c for c in row if c != "conditions:freins"] for row in labels]
    labels[0] = [*labels[0], "conditions:freins"]
    result = train(features, labels, groups, categories=CATEGORIES, folds=3)
    assert "conditions:freins" in result.skipped
    assert "conditions:freins" not in result.model.categories
    assert "conditions:freins" not in predict(result.model, features[:1])[0]
    tags = combine(frozenset({"conditions:freins"}), {"conditions:freins": 0.9}, {}, result.thresholds)
    assert tags == {"conditions:freins": (0.9, "rule")}


def test_best_threshold_separates_the_classes():
    scores = np.array([0.9, 0.8, 0.35, 0.3, 0.1])
    truth = np.array([1, 1, 0, 0, 0])
    assert 0.35 < best_threshold(scores, truth) < 0.8
    assert best_threshold(scores, np.zeros(5)) == 0.5


def test_combine_says_where_each_tag_came_from():
    thresholds = {"a": 0.5, "b": 0.5, "c": 0.5}
    model = {"a": 0.9, "b": 0.2, "c": 0.7}
    union = combine(frozenset({"a", "b"}), {"a": 0.6, "b": 0.6}, model, thresholds, policy="union")
    assert union == {"a": (0.9, "rule+model"), "b": (0.6, "rule"), "c": (0.7, "model")}
    assert set(combine(frozenset({"a", "b"}), {}, model, thresholds, policy="intersection")) == {"a"}
    assert set(combine(frozenset({"b"}), {}, model, thresholds, policy="model")) == {"a", "c"}


def test_saved_model_predicts_the_same_after_loading(saved, trained, data):
    bundle = load_model(saved, codebook_sha256=CODEBOOK)
    assert bundle.thresholds == pytest.approx(trained.thresholds)
    assert bundle.policy == trained.model.policy
    assert bundle.category_policies == trained.model.category_policies
    assert bundle.strict_thresholds == pytest.approx(trained.model.strict_thresholds)
    assert predict(bundle, data[0][:10]) == predict(trained.model, data[0][:10])
    metadata = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
    assert metadata["codebook_sha256"] == CODEBOOK and metadata["seed"] == 7
    assert {"scikit-learn", "skops", "numpy", "spacy"} <= set(metadata["versions"])
    assert metadata["metrics"]["rules"]["all"]["macro"]["f1"] >= 0


def test_every_feature_block_round_trips_through_the_allow_list(tmp_path, data):
    features, labels, _ = data
    targets = np.array([[c in row for c in CATEGORIES] for row in labels], dtype=np.int64)
    pipeline = build_pipeline(("lemmas", "vectors", "rules"), seed=0, n_passages=len(features)).fit(
        features, targets
    )
    bundle = ModelBundle(
        pipeline, CATEGORIES, dict.fromkeys(CATEGORIES, 0.5), "union", ("lemmas", "vectors", "rules")
    )
    save_model(bundle, tmp_path / "all.skops", {"codebook_sha256": CODEBOOK})
    loaded = load_model(tmp_path / "all.skops", codebook_sha256=CODEBOOK)
    assert predict(loaded, features[:5]) == predict(bundle, features[:5])


def test_model_for_another_codebook_is_refused(saved):
    with pytest.raises(ModelError, match="another codebook") as caught:
        load_model(saved, codebook_sha256="f" * 64)
    assert "make train" in str(caught.value)


def test_truncated_or_altered_file_is_refused_as_damaged(saved):
    whole = saved.read_bytes()
    saved.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ModelError, match="model file is damaged"):
        load_model(saved, codebook_sha256=CODEBOOK)
    with zipfile.ZipFile(saved.with_name("altered.skops"), "w") as archive:  # valid zip, wrong content
        archive.writestr("schema.json", "{not json")
    saved.with_suffix(".json").replace(saved.with_name("altered.json"))
    with pytest.raises(ModelError, match="model file is damaged"):
        load_model(saved.with_name("altered.skops"), codebook_sha256=CODEBOOK)


EXECUTED: list[str] = []


class Trap:
    """Records any attempt to rebuild it: loading it would run code chosen by the file."""

    def __init__(self) -> None:
        self.armed = True

    def __setstate__(self, state: dict) -> None:
        EXECUTED.append("Trap.__setstate__")
        self.__dict__.update(state)


def outside_function(values):
    EXECUTED.append("outside_function")
    return values


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (FunctionTransformer(outside_function), "test_classifier.outside_function"),
        (FunctionTransformer(kw_args={"trap": Trap()}), "test_classifier.Trap"),
    ],
)
def test_file_with_an_unexpected_type_is_refused_and_nothing_runs(tmp_path, trained, step, expected):
    path = tmp_path / "evil.skops"
    save_model(trained.model, path, trained.metadata(codebook_sha256=CODEBOOK, data_sha256="d" * 64))
    sio.dump(Pipeline([("bad", step), *trained.model.pipeline.steps]), path)
    EXECUTED.clear()
    with pytest.raises(ModelError, match="unexpected types") as caught:
        load_model(path, codebook_sha256=CODEBOOK)
    assert expected in str(caught.value)
    assert EXECUTED == []


def test_missing_model_says_to_train(tmp_path):
    with pytest.raises(ModelError, match="make train"):
        load_model(tmp_path / "none.skops", codebook_sha256=CODEBOOK)


def test_model_card_names_the_weakest_categories(tmp_path, trained):
    card = tmp_path / "README.md"
    write_model_card(trained.metadata(codebook_sha256=CODEBOOK, data_sha256="d" * 64), card)
    text = card.read_text(encoding="utf-8")
    assert "160 hand-labelled passages" in text and "Where it fails" in text
    for category in CATEGORIES:
        assert f"| {category} |" in text


def test_format_table_lines_up_each_system(trained):
    gold = [frozenset({"a"}), frozenset(), frozenset({"a", "b"})]
    systems = {"rules": [frozenset({"a"}), frozenset({"b"}), frozenset()], "model": [frozenset({"a"})] * 3}
    report = evaluate_systems(gold, systems, ["a", "b"], sources=["seed", "crdh", "crdh"])
    assert report["rules"]["all"]["per_category"]["a"] == pytest.approx(
        {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2, "predicted": 1}
    )
    table = format_table(report, categories=["a", "b"])
    assert {"Source : all", "Source : seed", "Source : crdh"} <= set(table.splitlines())
    rows = [line for line in table.splitlines() if line.startswith(("a ", "b ", "moyenne macro"))]
    assert len(rows) == 9 and len({len(line) for line in rows}) == 1  # fixed width
    assert " 66.7" in table  # model precision on "a" over all passages: 2 of 3


def test_features_from_doc_keeps_lowercase_content_lemmas_and_the_vector(nlp):
    doc = nlp("Les élus ont mutualisé les services techniques de la commune.")
    features = features_from_doc(doc, frozenset({"objet:organisationnel"}))
    assert "service" in features.lemmas.split() and "les" not in features.lemmas.split()
    assert features.lemmas == features.lemmas.lower()
    assert features.vector.shape == (300,) and np.any(features.vector)
    assert features.rule_labels == frozenset({"objet:organisationnel"})


@pytest.mark.parametrize("text", [
    "[Page Projet](https://fr.wikipedia.org/wiki/Projet:Archives_nationales_de_France)",
    "Contact : animation.territoires@pays-du-sud.fr ou www.pays-du-sud.fr/ateliers-cooperation",
])
def test_a_link_or_an_address_is_not_content_enough_for_the_model(nlp, text):
    from pipeline.classifier import enough_content

    features = features_from_doc(nlp(text), frozenset(), vector=False)
    assert not enough_content(features), features.lemmas


def test_thresholds_cover_exactly_the_modelled_categories(trained):
    assert set(trained.thresholds) == set(trained.model.categories)
    assert all(0.0 < t < 1.0 for t in trained.thresholds.values())


# --- combination policies ---------------------------------------------------------------------------


def test_combination_strategy_and_policies_are_chosen_among_the_known_ones(trained):
    assert trained.model.policy in STRATEGIES
    assert set(trained.policies) == set(STRATEGIES)
    assert trained.model.policy == max(STRATEGIES, key=lambda s: (trained.policies[s], -STRATEGIES.index(s)))
    assert set(trained.model.category_policies) == set(trained.model.categories)
    assert set(trained.model.category_policies.values()) <= set(POLICIES)
    if trained.model.policy != PER_CATEGORY:
        assert set(trained.model.category_policies.values()) == {trained.model.policy}
    for category, cut in trained.model.strict_thresholds.items():
        assert cut >= trained.thresholds[category] - 1e-6


def test_per_category_combination_is_never_below_rules_or_model_on_out_of_fold_data(data, trained):
    """On the out-of-fold scores it is chosen on, the per-category combination picks for each category
    a policy at least as good as "rules" and "model", so its macro F1 cannot be lower than either's.
    (The cross-fitted figures in `metrics`, where each fold's policies come from the other folds, carry
    no such guarantee: there a policy can do worse on the fold it is applied to.)"""
    features, labels, _ = data
    modelled = trained.model.categories
    columns = [trained.categories.index(c) for c in modelled]
    scores = trained.oof_scores[:, columns]
    targets = np.array([[c in row for c in modelled] for row in labels], dtype=np.int64)
    by_rules = np.array([[c in f.rule_labels for c in modelled] for f in features])
    combination = fit_combination(scores, by_rules, targets, PER_CATEGORY)
    policies = dict(zip(modelled, combination.policies, strict=True))
    thresholds = dict(zip(modelled, combination.cuts, strict=True))
    stricts = dict(zip(modelled, combination.strict_cuts, strict=True))
    gold = [frozenset(row) for row in labels]
    rows = [dict(zip(modelled, row, strict=True)) for row in scores]

    def system(policy):
        return [
            frozenset(combine(f.rule_labels, {}, row, thresholds, policy=policy, strict_thresholds=stricts))
            for f, row in zip(features, rows, strict=True)
        ]

    macro = {name: macro_f1(gold, system(name), CATEGORIES) for name in ("rules", "model")}
    macro["per-category"] = macro_f1(gold, system(policies), CATEGORIES)
    assert macro["per-category"] >= max(macro["rules"], macro["model"]) - 1e-9
    # `combine` decides as the matrix code training scored
    assert macro["per-category"] == pytest.approx(trained.selection_f1["per-category"], abs=1e-6)
    assert (
        trained.selection_f1["per-category"]
        >= max(trained.selection_f1["rules"], trained.selection_f1["model"]) - 1e-9
    )


def test_strict_threshold_is_never_looser_than_the_model_cut():
    scores = np.array([0.95, 0.9, 0.8, 0.6, 0.55, 0.2])
    truth = np.array([1, 1, 1, 0, 1, 0])
    by_rules = np.array([False, False, True, False, True, False])
    cut = best_threshold(scores, truth)
    strict = strict_threshold(scores, by_rules, truth, cut)
    assert strict >= cut
    # the rules already find every passage the model is unsure of: only the confident ones are added
    assert 0.6 < strict_threshold(scores, by_rules, truth, 0.1) <= 0.9
    # nothing the model adds helps when the rules find every positive: it adds nothing
    perfect = np.array([True, True, True, False, True, False])
    assert strict_threshold(scores, perfect, truth, cut) == NEVER


def test_combine_applies_each_category_its_own_policy():
    thresholds = {"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.5}
    stricts = {"d": 0.8}
    model = {"a": 0.9, "b": 0.6, "c": 0.7, "d": 0.7}
    policies = {"a": "rules", "b": "intersection", "c": "model", "d": "rules+strict"}
    tags = combine(
        frozenset({"b", "x"}),
        {"b": 0.4, "x": 0.3},
        model,
        thresholds,
        policy=policies,
        strict_thresholds=stricts,
    )
    # a: the rules say no; b: both say yes; c: the model alone; d: 0.7 is below the strict cut;
    # x: no model, the rules decide
    assert tags == {"b": (0.6, "rule+model"), "c": (0.7, "model"), "x": (0.3, "rule")}
    assert "d" in combine(
        frozenset(), {}, {**model, "d": 0.85}, thresholds, policy=policies, strict_thresholds=stricts
    )
    with pytest.raises(ValueError, match="strict threshold"):
        combine(frozenset(), {}, model, thresholds, policy=policies)


def test_bundle_without_category_policies_applies_its_one_policy_everywhere(trained, data):
    old_style = ModelBundle(
        trained.model.pipeline,
        trained.model.categories,
        trained.thresholds,
        "intersection",
        trained.model.blocks,
    )
    scores = predict(old_style, data[0][:1])[0]
    rules = frozenset(data[0][0].rule_labels)
    assert combine_with(old_style, rules, {}, scores) == combine(
        rules, {}, scores, trained.thresholds, policy="intersection"
    )


def test_invalid_combination_policy_in_the_metadata_is_refused(saved):
    meta_file = saved.with_suffix(".json")
    metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    first = next(iter(metadata["model"]["category_policies"]))
    metadata["model"]["category_policies"][first] = "os.system"
    meta_file.write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelError, match="combination policies are invalid"):
        load_model(saved, codebook_sha256=CODEBOOK)


def test_the_shipped_model_loads_and_tags():
    from pathlib import Path

    from pipeline.codebook import load_codebook
    from pipeline.settings import Settings

    shipped = Path(__file__).resolve().parents[1] / "models" / "categories.skops"
    bundle = load_model(shipped, codebook_sha256=load_codebook(Settings().codebook).sha256)
    scores = predict(bundle, [PassageFeatures("projet territoire coopération commune", np.zeros(300))])
    assert set(scores[0]) == set(bundle.categories) and all(0 <= s <= 1 for s in scores[0].values())


def test_a_cue_whose_tags_readers_mostly_reject_becomes_weak_and_tags_no_more_alone(nlp):
    from pipeline.analysis.tagging import RuleTagger
    from pipeline.classifier.cues import MIN_CUE_TAGS, WEAK_WEIGHT, weak_cues, with_cue_weights
    from pipeline.codebook import load_codebook
    from pipeline.settings import Settings

    prive = "acteurs:public-prive"
    hits = [frozenset({(prive, "association")})] * 8 + [frozenset({(prive, "société civile")})] * 8
    labels = [frozenset()] * 7 + [frozenset({prive})] + [frozenset({prive})] * 7 + [frozenset()]
    weights = weak_cues(hits, labels, range(len(hits)), floor=0.4)
    assert weights == {prive: {"association": WEAK_WEIGHT}}
    assert weak_cues(hits[:MIN_CUE_TAGS - 1], labels, range(MIN_CUE_TAGS - 1), floor=0.4) == {}

    codebook = load_codebook(Settings().codebook)
    text = "Les élus ont travaillé avec une association du quartier."
    assert prive in {t.category for t in RuleTagger(codebook, nlp).tag(nlp(text))}
    calibrated = with_cue_weights(codebook, weights)
    assert calibrated.sha256 == codebook.sha256
    assert prive not in {t.category for t in RuleTagger(calibrated, nlp).tag(nlp(text))}
    both = "Les élus ont travaillé avec une association et des entreprises du quartier."
    assert prive in {t.category for t in RuleTagger(calibrated, nlp).tag(nlp(both))}


def test_cue_weights_are_saved_with_the_model_and_loaded_back(trained, tmp_path):
    from dataclasses import replace

    bundle = replace(trained.model, cue_weights={"conditions:freins": {"frein": 0.5}})
    path = tmp_path / "m.skops"
    save_model(bundle, path, {"codebook_sha256": "abc"})
    assert load_model(path, codebook_sha256="abc").cue_weights == {"conditions:freins": {"frein": 0.5}}


def _real_and_written(seed: int, *, cue_without_label_in_real: bool):
    """240 `real` passages (enough for cuts to be fitted on them alone) where « freins » is labelled 6 times,
    and 160 written passages where it is labelled wherever its cue words are (about a third). With
    `cue_without_label_in_real`, the real passages also carry its cue words about a third of the time without
    the label. Returns a model trained on them (lemma features only)."""
    rng = np.random.default_rng(seed)
    features, labels, groups, sources = [], [], [], []
    for index in range(400):
        real = index < 240
        chosen = [c for c in CATEGORIES[:2] if rng.random() < 0.3]
        has_cue = rng.random() < 0.35
        if (real and index % 40 == 0) or (not real and has_cue):
            chosen.append("conditions:freins")
        words = list(rng.choice(FILLER, size=8))
        for category in chosen:
            words += list(rng.choice(CUES[category], size=2))
        if real and has_cue and cue_without_label_in_real and "conditions:freins" not in chosen:
            words += list(rng.choice(CUES["conditions:freins"], size=2))
        features.append(PassageFeatures(" ".join(words), np.zeros(300, dtype=np.float32), frozenset()))
        labels.append(chosen)
        groups.append(f"{'real' if real else 'written'}{index % 12}")
        sources.append("real" if real else "written")
    return train(features, labels, groups, categories=CATEGORIES[:3], sources=sources, seed=7, folds=3,
                 blocks_to_try=()).model


def _tags_freins_without_rules(model) -> bool:
    probe = PassageFeatures("manque silo réorganisation mot1 mot2 mot3", np.zeros(300, dtype=np.float32))
    (scores,) = predict(model, [probe])
    return "conditions:freins" in combine_with(model, frozenset(), {}, scores)


def test_a_category_with_few_real_positives_keeps_a_model_cut_fitted_on_every_passage():
    # its cut comes from every passage, so the model still tags it where the rules see nothing, instead of
    # leaving the category to the rules
    model = _real_and_written(3, cue_without_label_in_real=False)
    assert model.policy_per_category()["conditions:freins"] != "rules"
    assert _tags_freins_without_rules(model)


def test_precise_cut_raises_a_cut_until_its_tags_reach_the_precision():
    scores, truth = np.array([0.9, 0.8, 0.7, 0.6, 0.2]), np.array([1, 0, 0, 0, 1])
    assert precise_cut(scores, truth, 0.5, 0.4) == 0.8  # 0.5-0.7 tag 4, 4, 3 passages with 1 right
    assert precise_cut(scores, truth, 0.1, 0.4) == pytest.approx(0.1)  # 2 right of 5
    assert precise_cut(scores, truth, 0.95, 0.4) == 0.95  # tags nothing here: nothing to hold it to
    assert precise_cut(scores, np.zeros(5), 0.5, 0.4) == NEVER


def test_a_fallback_cut_the_real_passages_contradict_is_raised_out_of_use():
    # the cut fitted on every passage would tag the real passages with a precision far under the floor,
    # so the model adds nothing for it there
    assert not _tags_freins_without_rules(_real_and_written(5, cue_without_label_in_real=True))


def test_a_higher_precision_floor_never_lowers_a_model_cut(data):
    features, labels, groups = data
    sources = ["real" if g != "doc0" else "seed" for g in groups]
    loose = train(features, labels, groups, categories=CATEGORIES, sources=sources, seed=7, folds=3,
                  precision_floor=0.0)
    strict = train(features, labels, groups, categories=CATEGORIES, sources=sources, seed=7, folds=3,
                   precision_floor=0.99)
    assert strict.precision_floor == 0.99 and loose.precision_floor == 0.0
    assert all(strict.thresholds[c] >= loose.thresholds[c] for c in loose.thresholds)
    assert any(strict.thresholds[c] > loose.thresholds[c] for c in loose.thresholds)
