"""Loading hand-labelled passages: doccano and Label Studio shapes, and refusals that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DESIGN_CATEGORY_IDS

from pipeline.annotations import AnnotationError, annotations_sha256, load_annotations

KNOWN = ("objet:projet", "conditions:leviers", "conditions:freins")
ROOT = Path(__file__).resolve().parent.parent
DESIGN_IDS = DESIGN_CATEGORY_IDS


def write_lines(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_doccano_lines_load_with_defaults_for_source_and_document(tmp_path):
    path = write_lines(
        tmp_path / "written.jsonl",
        {"id": 1, "text": "La confiance entre élus.", "label": ["conditions:leviers"]},
        "",
        {"text": "Un projet de territoire.", "label": ["objet:projet"], "source": "crdh", "doc_id": "cr.md"},
        {"text": "Rien à signaler.", "label": []},
    )
    annotations = load_annotations([path], KNOWN)
    assert [a.labels for a in annotations] == [("conditions:leviers",), ("objet:projet",), ()]
    assert annotations[0].source == "written" and annotations[0].doc_id == "written.jsonl"
    assert annotations[1].source == "crdh" and annotations[1].doc_id == "cr.md"
    assert [a.line for a in annotations] == [1, 3, 4]


def test_unknown_label_names_file_line_label_and_the_known_ones(tmp_path):
    path = write_lines(
        tmp_path / "seed.jsonl",
        {"text": "Bonne entente.", "label": ["conditions:leviers"]},
        {"text": "Manque de moyens.", "label": ["conditions:frein"]},
    )
    with pytest.raises(AnnotationError) as caught:
        load_annotations([path], KNOWN)
    message = str(caught.value)
    assert f"{path}:2" in message
    assert "conditions:frein'" in message
    assert all(label in message for label in KNOWN)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "Sans fin", "label": [', "not valid JSON"),
        ('{"label": ["objet:projet"]}', "no text"),
        ('{"text": "   ", "label": []}', "no text"),
        ('{"text": "Une étiquette seule", "label": "objet:projet"}', "list of category ids"),
        ('{"text": "Un nombre", "label": [3]}', "list of category ids"),
        ('["pas", "un objet"]', "expected a JSON object"),
    ],
)
def test_malformed_lines_stop_with_file_and_line(tmp_path, line, problem):
    path = write_lines(tmp_path / "a.jsonl", {"text": "Correct.", "label": []}, line)
    with pytest.raises(AnnotationError, match=problem) as caught:
        load_annotations([path], KNOWN)
    assert f"{path}:2" in str(caught.value)


def test_same_text_with_different_labels_names_both_lines(tmp_path):
    first = write_lines(
        tmp_path / "seed.jsonl", {"text": "Des règles claires.", "label": ["conditions:leviers"]}
    )
    second = write_lines(
        tmp_path / "written.jsonl",
        {"text": "Autre chose.", "label": []},
        {"text": "Des  règles claires. ", "label": ["conditions:freins"]},
    )
    with pytest.raises(AnnotationError) as caught:
        load_annotations([first, second], KNOWN)
    assert f"{second}:2" in str(caught.value) and f"{first}:1" in str(caught.value)


def test_identical_duplicates_are_kept_once(tmp_path):
    record = {"text": "Des règles claires.", "label": ["conditions:leviers"]}
    path = write_lines(tmp_path / "seed.jsonl", record, record)
    assert len(load_annotations([path], KNOWN)) == 1


def test_label_studio_tasks_are_accepted(tmp_path):
    task = {
        "data": {"text": "Un projet commun."},
        "annotations": [{"result": [{"type": "choices", "value": {"choices": ["objet:projet"]}}]}],
    }
    as_lines = write_lines(tmp_path / "ls.jsonl", task)
    as_list = tmp_path / "export.json"
    as_list.write_text(
        json.dumps([task, {"data": {"text": "Sans étiquette."}, "annotations": []}]), encoding="utf-8"
    )
    assert load_annotations([as_lines], KNOWN)[0].labels == ("objet:projet",)
    assert [a.labels for a in load_annotations([as_list], KNOWN)] == [("objet:projet",), ()]


def test_training_data_hash_follows_content_not_file_layout(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", {"text": "Un.", "label": [], "source": "s", "doc_id": "d"})
    b = write_lines(tmp_path / "b.jsonl", "", {"text": "Un.", "label": [], "source": "s", "doc_id": "d"})
    c = write_lines(
        tmp_path / "c.jsonl", {"text": "Un.", "label": ["objet:projet"], "source": "s", "doc_id": "d"}
    )
    hashes = [annotations_sha256(load_annotations([p], KNOWN)) for p in (a, b, c)]
    assert hashes[0] == hashes[1] != hashes[2]


def test_bundled_annotations_use_only_codebook_ids():
    files = sorted((ROOT / "corpus" / "annotations").glob("*.jsonl"))
    if not files:
        pytest.skip("no bundled annotations")
    annotations = load_annotations(files, DESIGN_IDS)
    assert annotations and all(a.source for a in annotations)


def test_a_record_may_name_its_cross_validation_group_else_its_document_is_the_group(tmp_path):
    path = write_lines(
        tmp_path / "real.jsonl",
        {"text": "Un.", "label": [], "source": "real", "doc_id": "real/p1", "group": "real/site.fr"},
        {"text": "Deux.", "label": [], "source": "real", "doc_id": "real/p2"},
    )
    first, second = load_annotations([path], KNOWN)
    assert (first.group, second.group) == ("real/site.fr", "real/p2")
    regrouped = write_lines(
        tmp_path / "other.jsonl",
        {"text": "Un.", "label": [], "source": "real", "doc_id": "real/p1", "group": "real/autre.fr"},
        {"text": "Deux.", "label": [], "source": "real", "doc_id": "real/p2"},
    )
    assert annotations_sha256([first, second]) != annotations_sha256(load_annotations([regrouped], KNOWN))
