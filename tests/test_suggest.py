"""Choosing the passages to annotate next, and writing them for doccano / Label Studio."""

from __future__ import annotations

import json

import pytest

from pipeline.suggest import margin, suggest, write_jsonl

THRESHOLDS = {"objet:projet": 0.4, "conditions:freins": 0.6}


def candidates():
    """Doc A: six passages near the cuts; doc B: two near the cuts; doc C: two confident ones."""
    rows = []
    for i in range(6):
        rows.append(("A", {"objet:projet": 0.38 + 0.01 * i, "conditions:freins": 0.05}))
    rows.append(("B", {"objet:projet": 0.02, "conditions:freins": 0.61}))
    rows.append(("B", {"objet:projet": 0.41, "conditions:freins": 0.9}))
    rows.append(("C", {"objet:projet": 0.99, "conditions:freins": 0.01}))
    rows.append(("C", {"objet:projet": 0.0, "conditions:freins": 0.99}))
    ids = [f"{doc}.md#{i}" for i, (doc, _) in enumerate(rows)]
    texts = [f"Passage {i} du rapport « {doc} », été 2015." for i, (doc, _) in enumerate(rows)]
    return ids, texts, [f"{doc}.md" for doc, _ in rows], [scores for _, scores in rows]


def test_least_certain_passages_come_first_and_confident_ones_last():
    ids, texts, docs, scores = candidates()
    picked = suggest(ids, texts, docs, scores, THRESHOLDS, n=8, seed=1)
    chosen = {r["meta"]["passage_id"] for r in picked}
    assert "C.md#8" not in chosen and "C.md#9" not in chosen
    assert picked[0]["meta"]["passage_id"] == "A.md#2"  # exactly at the projet threshold
    assert picked[0]["meta"]["uncertainty"] == 1.0


def test_comparable_passages_are_spread_across_reports_and_categories():
    ids, texts, docs, scores = candidates()
    picked = suggest(ids, texts, docs, scores, THRESHOLDS, n=4, seed=1)
    per_doc = [r["meta"]["doc_id"] for r in picked]
    assert per_doc[:2].count("A.md") == 1 and "B.md" in per_doc[:2]  # not the four near-ties of A first
    assert per_doc.count("A.md") <= 2
    assert len({r["meta"]["passage_id"] for r in picked}) == 4


def test_every_passage_is_offered_when_n_exceeds_them():
    ids, texts, docs, scores = candidates()
    assert len(suggest(ids, texts, docs, scores, THRESHOLDS, n=50, seed=1)) == len(ids)


def test_same_seed_same_suggestions():
    ids, texts, docs, scores = candidates()
    first = suggest(ids, texts, docs, scores, THRESHOLDS, n=5, seed=3)
    assert first == suggest(ids, texts, docs, scores, THRESHOLDS, n=5, seed=3)


def test_written_file_is_jsonl_with_text_and_current_labels(tmp_path):
    ids, texts, docs, scores = candidates()
    records = suggest(ids, texts, docs, scores, THRESHOLDS, n=5, seed=1)
    path = tmp_path / "out" / "suggestions.jsonl"
    write_jsonl(records, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    for line in lines:
        record = json.loads(line)
        assert isinstance(record["text"], str) and record["text"].startswith("Passage")
        assert isinstance(record["label"], list) and all(isinstance(label, str) for label in record["label"])
        assert set(record["meta"]) == {"passage_id", "doc_id", "uncertainty", "scores"}
    assert "« " in lines[0] and "été" in lines[0]  # accents kept readable for annotators
    by_id = {json.loads(line)["meta"]["passage_id"]: json.loads(line) for line in lines}
    if "B.md#7" in by_id:
        assert by_id["B.md#7"]["label"] == ["conditions:freins", "objet:projet"]


def test_margin_is_zero_at_the_threshold_and_one_at_the_ends():
    assert margin(0.3, 0.3) == 0.0
    assert margin(1.0, 0.3) == 1.0 and margin(0.0, 0.3) == 1.0
    assert margin(0.2, 0.4) == 0.5


@pytest.mark.slow
def test_suggest_skips_annotated_passages_and_writes_where_analyse_never_deletes(tmp_path):
    import argparse
    import shutil

    from pipeline.commands import suggest as suggest_command
    from pipeline.run import analyse
    from pipeline.settings import load_settings
    from tests.conftest import SEED_PATH

    corpus = tmp_path / "corpus"
    (corpus / "annotations").mkdir(parents=True)
    shutil.copy(SEED_PATH, corpus / SEED_PATH.name)
    annotated = ["Introduction", "coopération entre personnes", "Synthèse de la journée"]
    (corpus / "annotations" / "a.jsonl").write_text(
        "".join(json.dumps({"text": t, "label": []}, ensure_ascii=False) + "\n" for t in annotated),
        encoding="utf-8")
    settings = load_settings(corpus=corpus, output=tmp_path / "outputs", cache_dir=tmp_path / "cache",
                             annotations=corpus / "annotations", progress=False)
    suggest_command(argparse.Namespace(n=200, out=None), settings)
    first = tmp_path / "suggestions" / "to_annotate.jsonl"
    offered = [json.loads(line)["text"] for line in first.read_text(encoding="utf-8").splitlines()]
    assert offered and not set(offered) & set(annotated)
    sheet = first.with_suffix(".csv")  # the same passages, as a sheet to fill in a spreadsheet
    header = sheet.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["passage_id", "doc_id", "titres", "texte", "suggestion"] and header[-1] == "aucune"
    assert "objet:projet — Coopération de projet" in header
    suggest_command(argparse.Namespace(n=5, out=None), settings)
    assert (tmp_path / "suggestions" / "to_annotate-2.jsonl").is_file()  # the first list is kept
    assert (tmp_path / "suggestions" / "to_annotate-2.csv").is_file()
    analyse(settings)
    assert first.is_file() and not list(corpus.rglob("to_annotate*"))
