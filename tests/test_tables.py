"""The CSV files: how a spreadsheet sees them, and that the tables add up to the corpus counts."""

from __future__ import annotations

import pytest

from pipeline.analysis.counts import CorpusCounts
from pipeline.outputs.csvio import read_csv, write_csv
from pipeline.outputs.tables import write_tables
from pipeline.types import AnalysedPassage, Competence, Passage, Tag

DIMENSIONS = {"objet:projet": "objet", "conditions:leviers": "conditions", "acteurs:public-prive": "acteurs"}

WORDS = {
    "la": ("le", "DET", True),
    "de": ("de", "ADP", True),
    "et": ("et", "CCONJ", True),
    "coopération": ("coopération", "NOUN", False),
    "Coopération": ("coopération", "NOUN", False),
    "intercommunale": ("intercommunal", "ADJ", False),
    "communes": ("commune", "NOUN", False),
    "commune": ("commune", "NOUN", False),
    "coopèrent": ("coopérer", "VERB", False),
    "projet": ("projet", "NOUN", False),
    "confiance": ("confiance", "NOUN", False),
    "élus": ("élu", "NOUN", False),
    "habitants": ("habitant", "NOUN", False),
    ".": (".", "PUNCT", False),
}


def analysed(
    doc_id: str, index: int, text: str, categories=(), competences=(), evidence=("coopérer",)
) -> AnalysedPassage:
    tokens, offset = [], 0
    for word in text.split(" "):
        lemma, pos, is_stop = WORDS[word]
        tokens.append((word, lemma, pos, is_stop, offset))
        offset += len(word) + 1
    return AnalysedPassage(
        passage=Passage(doc_id=doc_id, index=index, kind="paragraph", text=text, start=0, end=len(text)),
        tags=tuple(Tag(category=c, score=0.75, source="rule", evidence=evidence) for c in categories),
        competences=tuple(
            Competence(term=t, type=k, start=0, end=len(t), origin="lexicon") for t, k in competences
        ),
        tokens=tuple(tokens),
    )


@pytest.fixture
def corpus() -> tuple[CorpusCounts, list[AnalysedPassage]]:
    documents = {
        "a.md": [
            analysed(
                "a.md",
                0,
                "Coopération intercommunale et coopération de projet .",
                ("objet:projet",),
                (("écoute", "savoir-etre"), ("animation", "methode")),
                evidence=("coopération", "projet"),
            ),
            analysed("a.md", 1, "communes coopèrent", ("conditions:leviers",)),
            analysed(
                "a.md",
                2,
                "la confiance",
                ("conditions:leviers", "objet:projet"),
                (("écoute", "savoir-etre"),),
            ),
        ],
        "b.md": [
            analysed("b.md", 0, "coopération intercommunale et élus", ("acteurs:public-prive",)),
            analysed("b.md", 1, "habitants et élus", (), (("esprit de synthèse", "transversale"),)),
        ],
    }
    counts = CorpusCounts(DIMENSIONS)
    for doc_id, passages in documents.items():
        counts.add(doc_id, passages)
    return counts, [p for passages in documents.values() for p in passages]


def test_csv_opens_in_a_french_spreadsheet(tmp_path):
    path = tmp_path / "t.csv"
    rows = [("coopération, « intercommunale »", 'dit "oui"\nsur deux lignes', 1.0 / 3, -2, -0.5)]
    assert write_csv(path, ("texte", "note", "part", "entier", "négatif"), rows) == 1
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the accents as UTF-8
    assert "coopération".encode() in raw
    back = read_csv(path)
    assert back == [
        {
            "texte": "coopération, « intercommunale »",
            "note": 'dit "oui"\nsur deux lignes',
            "part": "0.3333",
            "entier": "-2",
            "négatif": "-0.5000",
        }
    ]


def test_text_that_looks_like_a_formula_is_defused(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(
        path,
        ("cell",),
        [('=HYPERLINK("x")',), ("+33 1 23",), ("-moins",), ("@cmd",), ("\tx",), ("a=b",), ("-",), ("+",)],
    )
    assert [row["cell"] for row in read_csv(path)] == [
        '\'=HYPERLINK("x")',
        "'+33 1 23",
        "'-moins",
        "'@cmd",
        "'\tx",
        "a=b",
        "-",  # a lone sign (keyness direction) cannot be a formula
        "+",
    ]


def test_a_row_of_the_wrong_length_is_an_error_and_leaves_no_file(tmp_path):
    path = tmp_path / "t.csv"
    with pytest.raises(ValueError, match="row 2"):
        write_csv(path, ("a", "b"), [(1, 2), (1,)])
    assert list(tmp_path.iterdir()) == []


def test_tables_add_up_to_the_counts(corpus, tmp_path):
    counts, passages = corpus
    written = write_tables(counts, passages, tmp_path / "tables")
    names = {path.name for path in written}
    assert names == {
        "frequencies.csv",
        "frequencies_by_document.csv",
        "frequencies_by_category.csv",
        "terms.csv",
        "keyness_by_category.csv",
        "keyness_by_document.csv",
        "category_counts.csv",
        "categories.csv",
        "competences.csv",
        "competences_by_type.csv",
        "category_competence.csv",
    }
    folder = tmp_path / "tables"
    frequencies = read_csv(folder / "frequencies.csv")
    assert sum(int(row["count"]) for row in frequencies) == counts.words == 12
    category_counts = read_csv(folder / "category_counts.csv")
    corpus_rows = [row for row in category_counts if row["scope"] == "corpus"]
    assert sum(int(row["passages"]) for row in corpus_rows) == counts.tags == 5
    for doc_id in counts.doc_ids:
        doc_rows = [row for row in category_counts if row["scope"] == doc_id]
        assert sum(int(row["passages"]) for row in doc_rows) == sum(counts.category_passages(doc_id).values())
    by_type = read_csv(folder / "competences_by_type.csv")
    assert sum(int(row["occurrences"]) for row in by_type) == counts.competence_occurrences == 4
    assert sum(int(row["count"]) for row in read_csv(folder / "competences.csv")) == 4
    assert len(read_csv(folder / "categories.csv")) == counts.tags


def test_frequency_table_rows_and_order(corpus, tmp_path):
    counts, _ = corpus
    write_tables(counts, None, tmp_path)
    rows = read_csv(tmp_path / "frequencies.csv")
    assert rows[0] == {
        "lemma": "coopération",
        "form": "coopération",
        "count": "3",
        "per_10k": "2500.0000",
        "documents": "2",
    }
    order = [(-int(row["count"]), row["lemma"]) for row in rows]
    assert order == sorted(order)
    by_doc = read_csv(tmp_path / "frequencies_by_document.csv")
    assert {row["doc_id"] for row in by_doc} == {"a.md", "b.md"}
    b_rows = {row["lemma"]: row for row in by_doc if row["doc_id"] == "b.md"}
    assert b_rows["élu"]["count"] == "2"
    assert b_rows["élu"]["per_10k"] == "4000.0000"  # 2 of the 5 words of b.md
    terms = read_csv(tmp_path / "terms.csv")
    assert terms == [
        {"term": "coopération intercommunale", "count": "2", "per_10k": "1666.6667", "documents": "2"}
    ]


def test_categories_table_has_one_row_per_passage_and_category(corpus, tmp_path):
    counts, passages = corpus
    write_tables(counts, passages, tmp_path)
    rows = read_csv(tmp_path / "categories.csv")
    assert rows[0] == {
        "doc_id": "a.md",
        "passage_id": "a.md#0",
        "category": "objet:projet",
        "score": "0.7500",
        "source": "rule",
        "evidence": "coopération | projet",
    }
    assert [(row["passage_id"], row["category"]) for row in rows if row["passage_id"] == "a.md#2"] == [
        ("a.md#2", "conditions:leviers"),
        ("a.md#2", "objet:projet"),
    ]


def test_without_passages_there_is_no_categories_table(corpus, tmp_path):
    counts, _ = corpus
    write_tables(counts, None, tmp_path)
    assert not (tmp_path / "categories.csv").exists()
    assert (tmp_path / "category_counts.csv").exists()


def test_category_counts_list_every_codebook_category_for_the_corpus(corpus, tmp_path):
    counts, _ = corpus
    write_tables(counts, None, tmp_path)
    rows = read_csv(tmp_path / "category_counts.csv")
    corpus_rows = [
        (row["dimension"], row["category"], row["passages"]) for row in rows if row["scope"] == "corpus"
    ]
    assert corpus_rows == [
        ("conditions", "conditions:leviers", "2"),
        ("objet", "objet:projet", "2"),
        ("acteurs", "acteurs:public-prive", "1"),
    ]


def test_competence_tables(corpus, tmp_path):
    counts, _ = corpus
    write_tables(counts, None, tmp_path)
    competences = read_csv(tmp_path / "competences.csv")
    assert {name: value for name, value in competences[0].items() if name != "forms"} == {
        "term": "écoute",
        "type": "savoir-etre",
        "count": "2",
        "documents": "1",
        "passages": "2",
        "example_passage_id": "a.md#0",
        "origin": "lexicon",
        "kept_by_model": "0",
    }
    by_type = read_csv(tmp_path / "competences_by_type.csv")
    assert [(row["type"], row["terms"], row["occurrences"]) for row in by_type] == [
        ("savoir-etre", "1", "2"),
        ("methode", "1", "1"),
        ("transversale", "1", "1"),
        ("autre", "0", "0"),
    ]
    matrix = {row["category"]: row for row in read_csv(tmp_path / "category_competence.csv")}
    assert list(matrix["objet:projet"]) == ["category", "savoir-etre", "methode", "transversale", "autre"]
    assert (matrix["objet:projet"]["savoir-etre"], matrix["objet:projet"]["methode"]) == ("2", "1")
    assert matrix["acteurs:public-prive"]["transversale"] == "0"


def test_tables_are_identical_from_one_run_to_the_next(corpus, tmp_path):
    counts, passages = corpus
    first = {p.name: p.read_bytes() for p in write_tables(counts, passages, tmp_path / "one")}
    second = {p.name: p.read_bytes() for p in write_tables(counts, passages, tmp_path / "two")}
    assert first == second


def test_top_limits_the_rows_of_each_part(corpus, tmp_path):
    counts, _ = corpus
    write_tables(counts, None, tmp_path, top=1)
    by_doc = read_csv(tmp_path / "frequencies_by_document.csv")
    assert [row["doc_id"] for row in by_doc] == ["a.md", "b.md"]
    assert len(read_csv(tmp_path / "frequencies.csv")) == len(counts.frequencies())


def test_the_competence_table_says_how_many_occurrences_the_licence_model_kept(tmp_path):
    def passage(doc_id: str, scores: tuple[float | None, ...]) -> AnalysedPassage:
        plain = analysed(doc_id, 0, "habitants et élus")
        found = tuple(Competence(term="animation", type="methode", start=0, end=9, origin="lexicon", score=s)
                      for s in scores)
        discovered = Competence(term="capacité d'écoute", type="savoir-etre", start=0, end=9,
                                origin="discovered", score=0.61)  # a typing similarity, not the model's
        return AnalysedPassage(plain.passage, (), (*found, discovered), plain.tokens)

    counts, other = CorpusCounts(DIMENSIONS), CorpusCounts(DIMENSIONS)
    counts.add("a.md", [passage("a.md", (None, 0.31))])  # the rules' and the model's
    other.add("b.md", [passage("b.md", (0.42,))])
    counts.merge(other)  # as the parallel engines add up their workers' counts
    write_tables(counts, [], tmp_path)
    rows = {row["term"]: row for row in read_csv(tmp_path / "competences.csv")}
    assert (rows["animation"]["count"], rows["animation"]["kept_by_model"]) == ("3", "2")
    assert rows["capacité d'écoute"]["kept_by_model"] == "0"


def test_the_competence_table_shows_how_each_term_was_written():
    from pipeline.outputs.tables import forms_cell

    def passage(index: int, text: str, written: str) -> AnalysedPassage:
        start = text.index(written)
        return AnalysedPassage(
            passage=Passage(doc_id="a.md", index=index, kind="paragraph", text=text, start=0, end=len(text)),
            competences=(Competence(term="écoute", type="savoir-etre", start=start, end=start + len(written),
                                    origin="lexicon"),))

    counts = CorpusCounts(DIMENSIONS)
    counts.add("a.md", [passage(0, "L’**Écoute des élus**", "L’**Écoute"),  # emphasis closed past it
                        passage(1, "savoir écouter les habitants", "écouter"),
                        passage(2, "l'écoute active", "l'écoute")])
    other = CorpusCounts(DIMENSIONS)
    other.add("b.md", [passage(0, "être à l'écoute", "écoute")])
    counts.merge(other)
    (row,) = counts.competence_counts()
    assert row.forms == (("l'écoute", 2), ("écoute", 1), ("écouter", 1))
    assert forms_cell(row.forms) == "l'écoute (2) ; écoute (1) ; écouter (1)"
    assert forms_cell([(f"forme {n}", 1) for n in range(10)]).endswith("forme 7 (1) ; … 2 autres")
