"""The competence licence model: what it may add to the lexicon's rules, and how its file is read."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pipeline.analysis.competences import CompetenceExtractor
from pipeline.analysis.lexicon import LexiconError, load_lexicon
from pipeline.analysis.licence import LicenceModel, lexicon_sha256, read_licence
from pipeline.settings import PACKAGE_DATA

LEXICON_PATH = PACKAGE_DATA / "competences.yaml"
# « animer » without people, a gathering or a word of roles around it: the rules reject it for want of an
# anchor; « comité d'animation » names a body, which no model may read as a competence.
UNANCHORED = "Il faudra animer ce lieu sur la durée."
IN_A_NAME = "Le comité d'animation s'est réuni en mars."
ANCHORED = "Elle a animé un atelier avec les habitants."


def _sure(yes: bool, seen: int = 5) -> LicenceModel:
    """A model that finds every candidate marked (or none), whatever its features, having seen « animation »
    `seen` times in training."""
    return LicenceModel({}, 50.0 if yes else -50.0, 0.5, {"animation": (seen, seen)})


@pytest.fixture(scope="module")
def rules_only():
    return load_lexicon(LEXICON_PATH, with_licence=False)


def _terms(lexicon, nlp, text):
    return {c.term for c in CompetenceExtractor(lexicon, nlp).extract(nlp(text))}


def test_the_model_reads_again_what_the_rules_reject_for_want_of_an_anchor(rules_only, nlp):
    assert "animation" not in _terms(rules_only, nlp, UNANCHORED)
    assert "animation" in _terms(replace(rules_only, licence=_sure(True)), nlp, UNANCHORED)
    assert "animation" not in _terms(replace(rules_only, licence=_sure(False)), nlp, UNANCHORED)


def test_the_model_does_not_read_again_a_term_it_has_hardly_seen(rules_only, nlp):
    assert "animation" not in _terms(replace(rules_only, licence=_sure(True, seen=2)), nlp, UNANCHORED)


def test_the_rules_terms_stay_and_names_stay_out_whatever_the_model_says(rules_only, nlp):
    assert "animation" in _terms(replace(rules_only, licence=_sure(False)), nlp, ANCHORED)
    assert _terms(replace(rules_only, licence=_sure(True)), nlp, IN_A_NAME) == set()


def test_a_term_the_model_adds_carries_its_probability(rules_only, nlp):
    found = CompetenceExtractor(replace(rules_only, licence=_sure(True)), nlp).extract(nlp(UNANCHORED))
    added = [c for c in found if c.term == "animation"]
    assert added and added[0].origin == "lexicon" and added[0].score == pytest.approx(1.0)


def test_shipped_lexicon_names_its_model_and_its_hash_follows_the_model(tmp_path):
    shipped = load_lexicon(LEXICON_PATH)
    assert shipped.licence is not None and 0 < shipped.licence.threshold < 1
    model_file = PACKAGE_DATA / "competence_licence.json"
    (tmp_path / LEXICON_PATH.name).write_bytes(LEXICON_PATH.read_bytes())
    data = json.loads(model_file.read_text(encoding="utf-8"))
    (tmp_path / model_file.name).write_text(json.dumps(data), encoding="utf-8")
    same_model = load_lexicon(tmp_path / LEXICON_PATH.name)
    assert same_model.licence == shipped.licence == read_licence(model_file)[0]
    data["intercept"] += 1.0
    (tmp_path / model_file.name).write_text(json.dumps(data), encoding="utf-8")
    other_model = load_lexicon(tmp_path / LEXICON_PATH.name)
    assert same_model.sha256 != other_model.sha256  # cached readings follow the model, not the YAML alone
    # and so does a run's signature: `analyse` runs again after the model is refitted
    assert lexicon_sha256(tmp_path / LEXICON_PATH.name) == other_model.sha256


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    ("{not json", "not valid JSON"),
    (json.dumps({"features": {"shoe_size": 1.0}, "intercept": 0, "threshold": 0.5}), "unknown feature"),
    (json.dumps({"features": {}, "intercept": 0, "threshold": 1.5}), "threshold"),
    (json.dumps({"features": {}, "threshold": 0.5}), "not a competence licence model"),
])
def test_a_bad_model_file_is_named_in_a_clear_error(tmp_path, content, message):
    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_text("types:\n  methode:\n    terms:\n      - term: animation\nlicence: model.json\n",
                       encoding="utf-8")
    if content is not None:
        (tmp_path / "model.json").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        load_lexicon(lexicon)
    assert "model.json" in str(caught.value)


def test_a_model_survives_its_file():
    model = LicenceModel({"anchored": 1.5, "type=methode": -0.2}, -0.3, 0.5, {"animation": (3, 7)},
                         context_weights=(0.1, -0.2))
    again = LicenceModel.from_dict(json.loads(json.dumps(model.to_dict())))
    features = {"anchored": 1.0, "type=methode": 1.0}
    assert again.probability(features, (1.0, 0.0)) == pytest.approx(model.probability(features, (1.0, 0.0)))
    assert again.term_features("animation") == model.term_features("animation")
    assert model.term_features("unknown")[0] == pytest.approx(model.prior_rate)


def test_a_model_fitted_on_other_word_vectors_is_refused_by_name(rules_only, nlp):
    other = LicenceModel({}, 0.0, 0.5, context_weights=(0.1, 0.2, 0.3))
    with pytest.raises(LexiconError, match="3 dimensions") as caught:
        CompetenceExtractor(replace(rules_only, licence=other), nlp)
    assert "competences.yaml" in str(caught.value)


@pytest.mark.parametrize("doc_id, read_again", [("page.txt", True), ("notes.md", False)])
def test_markdown_notes_get_the_rules_alone(rules_only, nlp, doc_id, read_again):
    from pipeline.analysis import Analyser
    from pipeline.analysis.tagging import RuleTagger
    from pipeline.codebook import load_codebook
    from pipeline.settings import load_settings
    from pipeline.types import Passage

    lexicon = replace(rules_only, licence=_sure(True))
    analyser = Analyser(RuleTagger(load_codebook(load_settings().codebook), nlp),
                        CompetenceExtractor(lexicon, nlp), nlp)
    passage = Passage(doc_id, 0, "paragraph", UNANCHORED, 0, len(UNANCHORED))
    reading = analyser.read([passage], [nlp(UNANCHORED)])
    assert ("animation" in {c.term for c in reading.competences[0]}) is read_again
