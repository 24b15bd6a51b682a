"""The codebook file: the shipped one is complete and valid; every kind of mistake a user can make while
editing it gives an error naming the file, the category and the problem."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import pytest
import yaml
from conftest import DESIGN_CATEGORY_IDS

from pipeline.codebook import CodebookError, check_patterns, load_codebook
from pipeline.settings import load_settings

EXPECTED_IDS = DESIGN_CATEGORY_IDS

MINIMAL = {
    "version": 1,
    "dimensions": {"objet": "Objet", "acteurs": {"label": "Acteurs", "lemmas": ["acteur"]}},
    "categories": [
        {"id": "objet:organisationnel", "label": "Organisationnelle", "lemmas": ["mutualisation"]},
        {"id": "acteurs:public-prive", "label": "Public-privé", "phrases": ["société civile"]},
    ],
}


def write(tmp_path: Path, data: dict | str, name: str = "mon_codebook.yaml") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def with_category(**changes) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["categories"][1].update(changes)
    return data


def test_shipped_codebook_has_the_seminar_grid(nlp):
    codebook = load_codebook(load_settings().codebook)
    assert codebook.ids == EXPECTED_IDS
    assert set(codebook.dimensions) == {"objet", "acteurs", "organisation", "finalites", "conditions"}
    assert codebook.sha256 == hashlib.sha256(codebook.path.read_bytes()).hexdigest()
    assert "mutualisation" in codebook.category("objet:organisationnel").lemmas
    assert all(category.label and category.meaning and category.examples for category in codebook.categories)
    check_patterns(codebook, nlp)  # every cue of the shipped file can match


def test_weights_default_to_one_and_are_read_per_cue(tmp_path):
    data = with_category(lemmas=["habitant"], weights={"habitant": 0.5})
    category = load_codebook(write(tmp_path, data)).category("acteurs:public-prive")
    assert category.weight("habitant") == 0.5
    assert category.weight("société civile") == 1.0


def test_unknown_category_lookup_names_the_file(tmp_path):
    codebook = load_codebook(write(tmp_path, MINIMAL))
    with pytest.raises(CodebookError, match="mon_codebook.yaml.*objet:inconnu"):
        codebook.category("objet:inconnu")


def test_missing_file(tmp_path):
    with pytest.raises(CodebookError, match="absent.yaml: codebook file not found"):
        load_codebook(tmp_path / "absent.yaml")


def test_not_yaml(tmp_path):
    path = write(tmp_path, "categories: [\n  - id: objet:x\n  label: {oops\n")
    with pytest.raises(CodebookError, match="mon_codebook.yaml: not valid YAML"):
        load_codebook(path)


def test_python_object_tags_are_refused(tmp_path):
    path = write(tmp_path, "version: 1\ndimensions: !!python/object/apply:os.system ['echo owned']\n")
    with pytest.raises(CodebookError, match="mon_codebook.yaml: .*refused for safety"):
        load_codebook(path)


def test_unknown_key_lists_the_allowed_keys(tmp_path):
    with pytest.raises(CodebookError) as error:
        load_codebook(write(tmp_path, with_category(lemmes=["habitant"])))
    message = str(error.value)
    assert "mon_codebook.yaml" in message and "acteurs:public-prive" in message
    assert "lemmes" in message
    assert "allowed: id, label, meaning, lemmas, phrases, weights, examples" in message


def test_duplicate_id(tmp_path):
    data = with_category(id="objet:organisationnel")
    with pytest.raises(CodebookError, match="mon_codebook.yaml: category 'objet:organisationnel': duplicate"):
        load_codebook(write(tmp_path, data))


def test_id_with_undeclared_dimension(tmp_path):
    data = with_category(id="acteur:public-prive")
    with pytest.raises(CodebookError) as error:
        load_codebook(write(tmp_path, data))
    message = str(error.value)
    assert "mon_codebook.yaml" in message and "'acteur:public-prive'" in message
    assert "dimension 'acteur' is not declared" in message and "objet, acteurs" in message


def test_empty_category(tmp_path):
    data = with_category(phrases=[])
    with pytest.raises(CodebookError, match="mon_codebook.yaml: category 'acteurs:public-prive': empty"):
        load_codebook(write(tmp_path, data))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"lemmas": "habitant"}, "'lemmas' must be a list of strings, got str"),
        ({"lemmas": ["habitant", 3]}, "entries must be non-empty strings, got 3"),
        ({"label": ["Public", "privé"]}, "'label' must be a non-empty string, got list"),
        ({"weights": ["société civile"]}, "'weights' must be a mapping"),
        ({"weights": {"société civile": "fort"}}, "weight of 'société civile' must be a number"),
        ({"weights": {"entreprise": 2}}, "weight given for 'entreprise', which is none of its lemmas"),
        ({"lemmas": ["acteur privé"]}, "'acteur privé' has several words; put it under 'phrases'"),
    ],
)
def test_wrong_types(tmp_path, changes, problem):
    with pytest.raises(CodebookError) as error:
        load_codebook(write(tmp_path, with_category(**changes)))
    message = str(error.value)
    assert "mon_codebook.yaml" in message and "acteurs:public-prive" in message
    assert problem in message


@pytest.mark.parametrize(
    ("entry", "lemma"), [("intercommunalités", "intercommunalité"), ("mutualisées", "mutualiser")]
)
def test_inflected_lemma_entry_can_never_match(tmp_path, nlp, entry, lemma):
    codebook = load_codebook(write(tmp_path, with_category(lemmas=[entry])))
    with pytest.raises(CodebookError) as error:
        check_patterns(codebook, nlp)
    message = str(error.value)
    assert "mon_codebook.yaml" in message and "acteurs:public-prive" in message
    assert f"lemma {entry!r} is not its own lemma" in message and f"write {lemma!r} instead" in message


def test_hyphenated_lemma_entry_must_be_a_phrase(tmp_path, nlp):
    codebook = load_codebook(write(tmp_path, with_category(lemmas=["turn-over"])))
    expected = "mon_codebook.yaml: category 'acteurs:public-prive'.*split by the model.*move it to 'phrases'"
    with pytest.raises(CodebookError, match=expected):
        check_patterns(codebook, nlp)


def test_phrase_without_words_can_never_match(tmp_path, nlp):
    codebook = load_codebook(write(tmp_path, with_category(phrases=["société civile", "( … )"])))
    with pytest.raises(CodebookError) as error:
        check_patterns(codebook, nlp)
    message = str(error.value)
    assert "mon_codebook.yaml" in message and "acteurs:public-prive" in message
    assert "'( … )' has no word to match" in message
    assert "société civile" not in message  # the good phrase is not reported


def test_inflected_dimension_lemma_is_reported_with_its_dimension(tmp_path, nlp):
    data = copy.deepcopy(MINIMAL)
    data["dimensions"]["acteurs"]["lemmas"] = ["acteurs"]
    with pytest.raises(CodebookError, match="mon_codebook.yaml: dimension 'acteurs': lemma 'acteurs'"):
        check_patterns(load_codebook(write(tmp_path, data)), nlp)
