"""Corpus counts, multi-word terms and keyness, on hand-built tokens."""

from __future__ import annotations

import math

import pytest

from pipeline.analysis.counts import CorpusCounts, content_tokens, multiword_terms
from pipeline.analysis.keyness import keyness, log_likelihood, log_ratio
from pipeline.types import AnalysedPassage, Competence, Passage, Tag

DIMENSIONS = {
    "objet:projet": "objet",
    "conditions:leviers": "conditions",
    "conditions:freins": "conditions",
}

# (text, lemma, pos, is_stop); offsets are computed from a single space between tokens.
LEXICON = {
    "la": ("le", "DET", True),
    "le": ("le", "DET", True),
    "les": ("le", "DET", True),
    "l’": ("le", "DET", True),
    "l'": ("le", "DET", True),
    "d'": ("de", "ADP", True),
    "de": ("de", "ADP", True),
    "des": ("de", "ADP", True),
    "du": ("de", "ADP", True),
    "en": ("en", "ADP", True),
    "et": ("et", "CCONJ", True),
    "est": ("être", "AUX", True),
    "très": ("très", "ADV", True),
    "ensemble": ("ensemble", "ADV", False),
    "Coopération": ("coopération", "NOUN", False),
    "coopération": ("coopération", "NOUN", False),
    "cooperation": ("cooperation", "NOUN", False),
    "coopère": ("coopérer", "VERB", False),
    "coopéraient": ("coopérer", "VERB", False),
    "communes": ("commune", "NOUN", False),
    "commune": ("commune", "NOUN", False),
    "intercommunale": ("intercommunal", "ADJ", False),
    "esprit": ("esprit", "NOUN", False),
    "synthèse": ("synthèse", "NOUN", False),
    "projet": ("projet", "NOUN", False),
    "projets": ("projet", "NOUN", False),
    "territoire": ("territoire", "NOUN", False),
    "confiance": ("confiance", "NOUN", False),
    "parc": ("parc", "NOUN", False),
    "naturel": ("naturel", "ADJ", False),
    "régional": ("régional", "ADJ", False),
    "mise": ("mise", "NOUN", False),
    "réseau": ("réseau", "NOUN", False),
    "EPCI": ("epci", "NOUN", False),
    "Bretagne": ("Bretagne", "PROPN", False),
    "Parc": ("parc", "NOUN", False),
    "Naturel": ("naturel", "ADJ", False),
    "Régional": ("régional", "ADJ", False),
    "2020": ("2020", "NUM", False),
    "deux": ("deux", "NUM", False),
    "x": ("x", "NOUN", False),
    "https://spam.example/a": ("https://spam.example/a", "PROPN", False),
    "<div>": ("<div>", "NOUN", False),
    "12h": ("12h", "NOUN", False),
    ".": (".", "PUNCT", False),
    ",": (",", "PUNCT", False),
}


def tokens(text: str) -> tuple[tuple[str, str, str, bool, int], ...]:
    built = []
    offset = 0
    for word in text.split(" "):
        lemma, pos, is_stop = LEXICON[word]
        built.append((word, lemma, pos, is_stop, offset))
        offset += len(word) + 1
    return tuple(built)


def passage(
    doc_id: str,
    index: int,
    text: str,
    categories: tuple[str, ...] = (),
    competences: tuple[tuple[str, str], ...] = (),
    origin: str = "lexicon",
) -> AnalysedPassage:
    return AnalysedPassage(
        passage=Passage(doc_id=doc_id, index=index, kind="paragraph", text=text, start=0, end=len(text)),
        tags=tuple(Tag(category=c, score=1.0, source="rule", evidence=("mot",)) for c in categories),
        competences=tuple(
            Competence(term=term, type=kind, start=0, end=len(term), origin=origin)
            for term, kind in competences
        ),
        tokens=tokens(text),
    )


def test_content_tokens_keep_meaningful_words_only():
    text = "l’ esprit de synthèse et la coopération est très 2020 deux x https://spam.example/a <div> 12h ."
    assert list(content_tokens(tokens(text))) == [
        ("esprit", "esprit"),
        ("synthèse", "synthèse"),
        ("coopération", "coopération"),
    ]


def test_content_tokens_lower_sentence_capitals_but_keep_acronyms_and_proper_nouns():
    pairs = list(content_tokens(tokens("Coopération EPCI Bretagne")))
    assert pairs == [("coopération", "coopération"), ("epci", "EPCI"), ("bretagne", "Bretagne")]


def test_adverbs_are_not_counted_as_words():
    assert list(content_tokens(tokens("ensemble"))) == []


def test_multiword_terms_take_the_longest_pattern_at_each_noun():
    found = list(multiword_terms(tokens("le parc naturel régional et l' esprit de synthèse")))
    assert found == [
        ("parc naturel régional", "parc naturel régional"),
        ("esprit de synthèse", "esprit de synthèse"),
    ]


def test_a_term_written_in_title_case_is_shown_and_counted_as_the_same_term_in_lower_case():
    # « Parc Naturel Régional » in a heading and « parc naturel régional » in the text: one row, not two
    written = "Parc Naturel Régional et parc naturel régional et EPCI intercommunale"
    found = list(multiword_terms(tokens(written)))
    assert found[:2] == [("parc naturel régional", "parc naturel régional")] * 2
    assert ("epci intercommunal", "EPCI intercommunale") in found  # an acronym keeps its capitals


def test_multiword_terms_with_article_keep_the_written_elision():
    found = list(multiword_terms(tokens("mise en réseau et coopération de la commune")))
    assert ("mise en réseau", "mise en réseau") in found
    assert ("coopération de le commune", "coopération de la commune") in found


def sample_counts() -> CorpusCounts:
    counts = CorpusCounts(DIMENSIONS)
    counts.add(
        "a.md",
        [
            passage(
                "a.md",
                0,
                "Coopération intercommunale et coopération de projet",
                ("objet:projet",),
                (("écoute", "savoir-etre"), ("écoute", "savoir-etre")),
            ),
            passage("a.md", 1, "les communes coopéraient", ("objet:projet", "conditions:leviers")),
            passage("a.md", 2, "la confiance", ("conditions:leviers",), (("animation", "methode"),)),
        ],
    )
    counts.add(
        "b.md",
        [
            passage("b.md", 0, "coopération intercommunale et projets", (), (("écoute", "savoir-etre"),)),
            passage("b.md", 1, "la commune coopère", ("conditions:freins", "conditions:freins")),
        ],
    )
    return counts


def test_totals_after_adding_documents():
    counts = sample_counts()
    assert (counts.documents, counts.passages) == (2, 5)
    # a: coopération intercommunal coopération projet | commune coopérer | confiance ; b: 3 + 2
    assert counts.words == 12
    # every word, content word or not (« et », « de », « les », « la »…): the text's length for a reader
    assert counts.word_tokens == 18
    # duplicate tags of one category on a passage count once
    assert counts.tags == 5
    assert counts.tagged_passages == 4
    manifest = counts.to_manifest()
    assert manifest["documents"] == 2 and manifest["words"] == 12 and manifest["competences"] == 4
    assert manifest["word_tokens"] == 18


def test_lemma_counts_merge_inflections_and_count_documents():
    by_lemma = {row.lemma: row for row in sample_counts().frequencies()}
    assert by_lemma["coopérer"].count == 2
    assert by_lemma["coopérer"].documents == 2
    assert by_lemma["confiance"].documents == 1
    assert by_lemma["coopération"].count == 3
    assert by_lemma["coopération"].form == "coopération"


def test_frequencies_are_ordered_by_count_then_lemma():
    rows = sample_counts().frequencies()
    keys = [(-row.count, row.lemma) for row in rows]
    assert keys == sorted(keys)
    assert rows[0].lemma == "coopération"


def test_form_prefers_the_most_frequent_then_the_accented_spelling():
    counts = CorpusCounts({})
    counts.add("a", [passage("a", 0, "coopère coopère coopéraient")])
    assert counts.form("coopérer") == "coopère"
    tied = CorpusCounts({})
    tokens_tied = (
        ("cooperation", "cooperation", "NOUN", False, 0),
        ("coopération", "cooperation", "NOUN", False, 12),
    )
    tied.add("a", [AnalysedPassage(passage=Passage("a", 0, "paragraph", "x", 0, 1), tokens=tokens_tied)])
    assert tied.form("cooperation") == "coopération"


def test_counts_per_document_and_per_category():
    counts = sample_counts()
    in_b = {row.lemma: row.count for row in counts.frequencies_in_document("b.md")}
    assert in_b == {"coopération": 1, "intercommunal": 1, "projet": 1, "commune": 1, "coopérer": 1}
    assert counts.words_in_document("b.md") == 5
    leviers = {row.lemma: row.count for row in counts.frequencies_in_category("conditions:leviers")}
    assert leviers == {"commune": 1, "coopérer": 1, "confiance": 1}
    assert counts.words_in_category("objet:projet") == 6


def test_category_passages_per_corpus_and_document():
    counts = sample_counts()
    assert counts.category_passages() == {"objet:projet": 2, "conditions:leviers": 2, "conditions:freins": 1}
    assert counts.category_passages("b.md") == {"conditions:freins": 1}
    assert counts.dimension("conditions:freins") == "conditions"
    assert counts.dimension("acteurs:inconnu") == "acteurs"


def test_competence_counts_types_and_cooccurrence():
    counts = sample_counts()
    rows = {(row.term, row.type): row for row in counts.competence_counts()}
    listening = rows[("écoute", "savoir-etre")]
    assert (listening.count, listening.documents, listening.passages) == (3, 2, 2)
    assert listening.example_passage_id == "a.md#0"
    assert listening.origin == "lexicon"
    by_type = {row.type: (row.terms, row.occurrences) for row in counts.competence_types()}
    assert by_type == {"savoir-etre": (1, 3), "methode": (1, 1), "transversale": (0, 0), "autre": (0, 0)}
    matrix = counts.category_competence()
    # the passage with two "écoute" counts once for objet:projet x savoir-etre
    assert matrix["objet:projet"]["savoir-etre"] == 1
    assert matrix["conditions:leviers"] == {"savoir-etre": 0, "methode": 1, "transversale": 0, "autre": 0}
    assert matrix["conditions:freins"]["savoir-etre"] == 0


def test_terms_seen_once_are_left_out():
    counts = sample_counts()
    terms = {term.term: term for term in counts.terms()}
    assert set(terms) == {"coopération intercommunale"}
    assert terms["coopération intercommunale"].count == 2
    assert terms["coopération intercommunale"].documents == 2


def test_adding_a_document_twice_is_refused():
    counts = sample_counts()
    with pytest.raises(ValueError, match="a.md"):
        counts.add("a.md", [])


def _every_reading(counts: CorpusCounts) -> dict:
    categories = counts.categories
    return {
        "totals": counts.to_manifest(),
        "doc_ids": counts.doc_ids,
        "frequencies": counts.frequencies(),
        "per_document": {d: counts.frequencies_in_document(d) for d in counts.doc_ids},
        "per_category": {c: counts.frequencies_in_category(c) for c in categories},
        "category_passages": counts.category_passages(),
        "competences": counts.competence_counts(),
        "competence_types": counts.competence_types(),
        "matrix": counts.category_competence(),
        "terms": counts.terms(),
    }


def test_merging_per_document_counts_equals_adding_the_documents_in_one_place():
    # what the worker processes do: each counts its own document, the parent merges them in order
    listening, leading = ("écoute", "savoir-etre"), ("animation", "methode")
    documents = {
        "a.md": [passage("a.md", 0, "coopération de projet", ("objet:projet",), (listening,)),
                 passage("a.md", 1, "les communes coopéraient", ("conditions:leviers",))],
        "b.md": [passage("b.md", 0, "coopération de projet", (), (listening, leading))],
        "c.md": [passage("c.md", 0, "la commune coopère", ("conditions:freins",), (listening,))],
    }
    together = CorpusCounts(DIMENSIONS)
    merged = CorpusCounts(DIMENSIONS)
    for doc_id, passages in documents.items():
        together.add(doc_id, passages)
        alone = CorpusCounts(DIMENSIONS)
        alone.add(doc_id, passages)
        merged.merge(alone)
    assert _every_reading(merged) == _every_reading(together)
    row = {(r.term, r.type): r for r in merged.competence_counts()}[listening]
    assert (row.count, row.documents, row.example_passage_id) == (3, 3, "a.md#0")
    with pytest.raises(ValueError, match="b.md"):
        again = CorpusCounts(DIMENSIONS)
        again.add("b.md", documents["b.md"])
        merged.merge(again)


def test_log_likelihood_matches_a_hand_computation():
    # 10 of 100 words in the part, 10 of 900 in the rest: expected 2 and 18.
    expected = 2 * (10 * math.log(10 / 2) + 10 * math.log(10 / 18))
    assert log_likelihood(10, 10, 100, 900) == pytest.approx(expected)
    assert log_likelihood(5, 45, 100, 900) == pytest.approx(0.0)
    assert log_ratio(10, 10, 100, 900) == pytest.approx(math.log2((10.5 / 100) / (10.5 / 900)))


def test_keyness_keeps_significant_terms_with_their_direction():
    corpus = {"coopération": 40, "commune": 100, "rare": 2, "écoute": 3}
    part = {"coopération": 30, "commune": 2, "rare": 1, "écoute": 2}
    found = {term.lemma: term for term in keyness("doc", part, 100, corpus, 1000)}
    assert found["coopération"].direction == "+"
    assert found["coopération"].log_ratio > 0
    assert found["coopération"].count_rest == 10
    assert found["commune"].direction == "-"
    assert found["commune"].log_ratio < 0
    assert "rare" not in found  # fewer than two occurrences in the part
    assert all(term.g2 >= 3.84 for term in found.values())
    # over-used first, strongest first, then under-used
    assert list(found) == ["coopération", "écoute", "commune"]


def test_a_part_that_is_the_whole_corpus_has_no_keyness():
    assert keyness("all", {"mot": 5}, 5, {"mot": 5}, 5) == []


def test_keyness_by_category_and_document_over_the_counts():
    counts = CorpusCounts(DIMENSIONS)
    counts.add("a", [passage("a", 0, " ".join(["coopération"] * 5), ("objet:projet",))])
    counts.add("b", [passage("b", 0, " ".join(["commune"] * 20))])
    by_doc = counts.keyness_by_document()
    assert [(t.part, t.lemma, t.direction) for t in by_doc] == [
        ("a", "coopération", "+"),
        ("b", "commune", "+"),
    ]
    by_category = counts.keyness_by_category()
    assert [(t.part, t.lemma, t.count_part, t.count_rest) for t in by_category] == [
        ("objet:projet", "coopération", 5, 0)
    ]


def test_real_french_tokens_are_filtered_as_documented(nlp):
    doc = nlp("L’esprit de synthèse : jusqu'en 2020, les communes coopéraient via https://exemple.fr/page.")
    found = list(content_tokens((t.text, t.lemma_, t.pos_, t.is_stop, t.idx) for t in doc))
    lemmas = [lemma for lemma, _ in found]
    assert {"esprit", "synthèse", "commune", "coopérer"} <= set(lemmas)
    assert not any("'" in lemma or "’" in lemma or lemma.isdigit() or "http" in lemma for lemma in lemmas)
