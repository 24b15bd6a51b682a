"""Properties of cleaning on generated text: it never fails, its removals always rebuild the clean text
exactly, and it never removes ordinary French prose."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import RULES, clean_text

# Fragments that exercise every rule, mixed with arbitrary characters.
FRAGMENTS = [
    "\n",
    "\n\n",
    "  ",
    "\xa0",
    "\t",
    "CC",
    "SL702349",
    "IMG_1234.jpg",
    "Image1",
    "200-125dumps",
    "exam",
    "http://spam.ru",
    "cheap.com",
    "viagra",
    "casino",
    "3 réponses à “",
    "Répondre",
    "[…]",
    "1. ",
    " | ",
    "Partager :",
    "Accueil > ",
    "J’aime",
    "•",
    "- ",
    "# ",
    "Publié le 3 mars 2015 par ",
    "nuages de mots 2",
    "Les commentaires sont fermés.",
    "La coopération",
    ".",
    "?",
    "«",
    "»",
]

CHARACTERS = st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
MIXED = st.lists(st.one_of(st.sampled_from(FRAGMENTS), CHARACTERS), max_size=40).map("".join)

# French words for sentences of ordinary prose.
SUBJECTS = [
    "la coopération",
    "le territoire",
    "notre réseau",
    "chaque commune",
    "le groupe",
    "cette démarche",
]
VERBS = ["suppose", "renforce", "demande", "transforme", "accompagne", "interroge", "facilite", "freine"]
OBJECTS = [
    "la confiance entre les acteurs",
    "une vision partagée",
    "des règles claires",
    "le projet de territoire",
    "les compétences des agents",
    "la mutualisation des services",
    "un animateur motivé",
    "l’intérêt commun",
]
TAILS = ["", " depuis 2015", " au sein du Pays", " selon les participants", ", surtout en période de réforme"]
ENDINGS = [".", " ?", " !", "\xa0?"]


@st.composite
def french_sentence(draw) -> str:
    sentence = (
        f"{draw(st.sampled_from(SUBJECTS))} {draw(st.sampled_from(VERBS))} {draw(st.sampled_from(OBJECTS))}"
    )
    sentence += draw(st.sampled_from(TAILS)) + draw(st.sampled_from(ENDINGS))
    return sentence[0].upper() + sentence[1:]


@st.composite
def french_document(draw) -> str:
    paragraphs = []
    for _ in range(draw(st.integers(1, 8))):
        sentences = draw(st.lists(french_sentence(), min_size=1, max_size=4))
        indent = draw(st.sampled_from(["", "", "  • ", "- ", "    – "]))
        paragraphs.append(indent + " ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def _check_invariant(source: str) -> None:
    document = clean_text(source)
    rebuilt = []
    previous_end = 0
    for removal in document.removals:
        assert removal.start >= previous_end, "removals overlap or are out of order"
        assert removal.end > removal.start
        assert removal.text == source[removal.start : removal.end]
        assert removal.reason in RULES
        rebuilt.append(source[previous_end : removal.start])
        previous_end = removal.end
    rebuilt.append(source[previous_end:])
    assert "".join(rebuilt) == document.text
    assert document.source == source


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CHARACTERS)
def test_arbitrary_text_never_raises_and_rebuilds(text):
    _check_invariant(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_junk_like_text_rebuilds_exactly(text):
    _check_invariant(text)


@settings(max_examples=100, deadline=None)
@given(french_document())
def test_ordinary_french_prose_is_never_removed(document):
    cleaned = clean_text(document)
    assert [removal for removal in cleaned.removals if removal.reason != "whitespace"] == []
    assert cleaned.text == document


@settings(max_examples=100, deadline=None)
@given(french_document(), st.sampled_from(["CC\n\nCC", "200-125dumps 300-101dumps", "Partager :", "Image3"]))
def test_prose_around_junk_is_kept(document, junk):
    paragraphs = document.rstrip("\n").split("\n\n")
    middle = len(paragraphs) // 2
    polluted = "\n\n".join(paragraphs[:middle] + [junk] + paragraphs[middle:]) + "\n"
    assert clean_text(polluted).text == document
