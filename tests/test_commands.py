"""Each command from the command line, end to end: train, evaluate and kwic as a user types them (analyse and
suggest have theirs in test_run.py, test_cli.py and test_suggest.py)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main

pytestmark = pytest.mark.slow  # each parses a corpus or trains a model

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_78cea8dd92422722.txt"
SEED_ANNOTATIONS = ROOT / "corpus" / "annotations" / "seed.jsonl"
SHIPPED_MODEL = ROOT / "models" / "categories.skops"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_train_writes_a_model_and_its_card_where_asked_and_leaves_the_shipped_one(tmp_path, capsys):
    shipped = _sha(SHIPPED_MODEL)
    models = tmp_path / "models"
    code = main(["train", "--no-encoder", "--annotations", str(SEED_ANNOTATIONS), "--models-dir", str(models),
                 "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert (models / "categories.skops").is_file() and (models / "categories.json").is_file()
    card = (models / "README.md").read_text(encoding="utf-8")
    assert "77 hand-labelled passages" in card
    assert "modèle écrit dans" in out and "moyenne macro" in out
    assert _sha(SHIPPED_MODEL) == shipped


def test_evaluate_prints_each_categorys_scores_and_writes_nothing(tmp_path, capsys):
    code = main(["evaluate", "--annotations", str(SEED_ANNOTATIONS), "--cache-dir", str(tmp_path / "cache"),
                 "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("77 passages annotés")
    assert "Source : all" in out and "conditions:leviers" in out and "combinaison choisie" in out
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]


@pytest.fixture()
def seed_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    return corpus


def test_kwic_with_a_wildcard_finds_every_form_of_cooperer_and_cooperation(seed_corpus, tmp_path, capsys):
    code = main(["kwic", "coopér*", "--corpus", str(seed_corpus), "--cache-dir", str(tmp_path / "cache"),
                 "--quiet"])
    captured = capsys.readouterr()
    assert code == 0
    lines = captured.out.splitlines()
    assert len(lines) >= 30
    assert any("coopération" in line for line in lines) and any("Coopérer" in line for line in lines)
    assert captured.err.strip().startswith(f"{len(lines)} occurrence(s) de « coopér* »")


def test_kwic_without_accents_finds_the_verb_and_can_write_csv(seed_corpus, tmp_path, capsys):
    table = tmp_path / "kwic.csv"
    code = main(["kwic", "cooperer", "--corpus", str(seed_corpus), "--cache-dir", str(tmp_path / "cache"),
                 "--csv", str(table), "--quiet"])
    err = capsys.readouterr().err
    assert code == 0
    rows = list(csv.DictReader(table.open(encoding="utf-8-sig", newline="")))
    forms = {row["occurrence"].lower() for row in rows}
    assert "coopérer" in forms and all(form.startswith("coop") for form in forms)
    assert "coopération" not in forms  # the verb's lemma, not the noun's
    assert f"{len(rows)} occurrence(s)" in err


def test_train_and_analyse_with_the_default_encoder_in_forked_workers(tmp_path, capsys):
    models, cache = tmp_path / "models", tmp_path / "cache"
    assert main(["train", "--annotations", str(SEED_ANNOTATIONS), "--models-dir", str(models),
                 "--cache-dir", str(cache), "--quiet"]) == 0
    assert (models / "categories-encoder.skops").is_file() and (models / "categories-encoder.md").is_file()
    assert not (models / "categories.skops").exists()
    encoded_by_training = len(list((cache / "encoded").rglob("*.npy")))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = [
        "Les communes du pays et la région ont signé une convention pour animer ensemble le projet.",
        "Les élus et les associations se retrouvent chaque trimestre pour suivre les actions communes.",
        "Le manque de temps des techniciens freine la coopération entre les intercommunalités voisines.",
        "Les partenaires ont décidé de mutualiser un poste de chargé de mission pour trois ans.",
    ]
    for index in range(2):
        (corpus / f"rencontre-{index}.txt").write_text(
            f"Rencontre {index}\n\n" + "\n\n".join(paragraphs[2 * index: 2 * index + 2]) + "\n",
            encoding="utf-8")
    output = tmp_path / "out"
    # the training run encoded in this process; the analysis forks two workers that encode again, with the
    # shipped encoder model (one trained on the seed's 77 passages alone keeps no vector block)
    code = main(["analyse", "--corpus", str(corpus), "--output", str(output),
                 "--cache-dir", str(cache), "--n-process", "2", "--quiet"])
    assert code == 0, capsys.readouterr().err
    classifier = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["versions"]["classifier"]
    assert classifier["used"] and classifier["vectors"].startswith("multilingual-e5-small")
    # the four paragraphs were encoded by the workers (the titles have too few words to be)
    assert len(list((cache / "encoded").rglob("*.npy"))) == encoded_by_training + len(paragraphs)
