"""What the rules read of a passage's headings: everything when they decide alone, nothing beside a
classifier, whose training read the annotated passages without their headings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.analysis import Analyser
from pipeline.analysis.lexicon import load_lexicon
from pipeline.codebook import load_codebook
from pipeline.settings import load_settings
from pipeline.types import Passage

HEADING = "Les acteurs réunis"
# one weak actors cue: tagged only under that heading
SENTENCE = "Le Département a publié son rapport annuel."


@pytest.fixture(scope="module")
def analysers(nlp):
    settings = load_settings(encoder=False)  # the shipped model without the sentence encoder: light to load
    codebook = load_codebook(settings.codebook)
    with_model = Analyser.create(codebook, load_lexicon(settings.lexicon), nlp, settings)
    if with_model.model is None:
        pytest.skip("no shipped model")
    return replace(with_model, model=None), with_model


def _tags(analyser: Analyser, nlp) -> dict[str, tuple[str, tuple[str, ...]]]:
    passages = [Passage("r.txt", 0, "heading", HEADING, 0, len(HEADING)),
                Passage("r.txt", 1, "paragraph", SENTENCE, len(HEADING) + 1, len(HEADING) + 1 + len(SENTENCE),
                        heading=(HEADING,))]
    docs = [nlp(p.text) for p in passages]
    analysed = analyser.analyse(passages, analyser.read(passages, docs), docs)
    return {t.category: (t.source, t.evidence) for t in analysed[1].tags}


def test_rules_alone_read_the_heading(analysers, nlp):
    rules_alone, _ = analysers
    source, evidence = _tags(rules_alone, nlp)["acteurs:public-public"]
    assert source == "rule" and any(item.startswith("contexte") for item in evidence)


def test_beside_a_classifier_the_rules_read_the_passage_alone(analysers, nlp):
    _, with_model = analysers
    tags = _tags(with_model, nlp)
    assert all(source == "model" for source, _ in tags.values())
    assert not any(item.startswith("contexte") for _, evidence in tags.values() for item in evidence)
