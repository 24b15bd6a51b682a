"""Concordance lines on hand-built tokens."""

from __future__ import annotations

import pytest

from pipeline.kwic import KwicLine, format_kwic, kwic
from pipeline.types import AnalysedPassage, Passage


def passage(doc_id: str, index: int, pairs: list[tuple[str, str]], separator: str = " ") -> AnalysedPassage:
    """A passage whose text is the words joined by `separator`, each with its lemma."""
    tokens, offset = [], 0
    for word, lemma in pairs:
        tokens.append((word, lemma, "X", False, offset))
        offset += len(word) + len(separator)
    text = separator.join(word for word, _ in pairs)
    return AnalysedPassage(
        passage=Passage(doc_id=doc_id, index=index, kind="paragraph", text=text, start=0, end=len(text)),
        tokens=tuple(tokens),
    )


CORPUS = [
    passage(
        "a.md",
        0,
        [
            ("Les", "le"),
            ("communes", "commune"),
            ("coopèrent", "coopérer"),
            ("depuis", "depuis"),
            ("2010", "2010"),
        ],
    ),
    passage("a.md", 1, [("Personne", "personne"), ("ne", "ne"), ("coopérait", "coopérer")]),
    passage("b.md", 3, [("Coopérer", "coopérer"), ("prend", "prendre"), ("du", "de"), ("temps", "temps")]),
    passage(
        "b.md", 4, [("La", "le"), ("mise", "mise"), ("en", "en"), ("réseau", "réseau"), ("aide", "aider")]
    ),
]


def test_every_inflection_of_the_lemma_is_found():
    lines = list(kwic(["coopérer"], CORPUS))
    assert [line.match for line in lines] == ["coopèrent", "coopérait", "Coopérer"]
    assert lines[0] == KwicLine("a.md", "a.md#0", "Les communes", "coopèrent", "depuis 2010")
    assert lines[2].left == ""
    assert lines[2].passage_id == "b.md#3"


def test_query_is_case_insensitive_and_other_words_do_not_match():
    assert [line.match for line in kwic(["COOPÉRER"], CORPUS)] == ["coopèrent", "coopérait", "Coopérer"]
    assert list(kwic(["coopération"], CORPUS)) == []


def test_multiword_query_matches_a_run_of_lemmas():
    lines = list(kwic(["mise", "en", "réseau"], CORPUS))
    assert lines == [KwicLine("b.md", "b.md#4", "La", "mise en réseau", "aide")]
    assert list(kwic(["mise", "réseau"], CORPUS)) == []


def test_context_is_cut_to_width_and_kept_on_one_line():
    long_passage = passage(
        "c.md",
        0,
        [
            ("début", "début"),
            ("du", "de"),
            ("texte", "texte"),
            ("coopère", "coopérer"),
            ("ensuite", "ensuite"),
        ],
        separator="\n  ",
    )
    (line,) = kwic(["coopérer"], [long_passage], width=10)
    assert line.left == "t du texte"  # the last 10 characters of "début du texte", line breaks folded
    assert line.right == "ensuite"


def test_empty_query_is_refused():
    with pytest.raises(ValueError):
        list(kwic([], CORPUS))


def test_format_aligns_the_match_column():
    lines = list(kwic(["coopérer"], CORPUS))
    text = format_kwic(lines)
    rows = text.splitlines()
    assert len(rows) == 3
    columns = {row.index(line.match) for row, line in zip(rows, lines, strict=True)}
    assert columns == {len("Les communes") + 2}
    assert rows[0].endswith("a.md#0")
    assert rows[2].rstrip().endswith("b.md#3")
    assert format_kwic([]) == ""


def test_accents_and_case_are_ignored_and_forms_match_too():
    assert [line.match for line in kwic(["cooperer"], CORPUS)] == ["coopèrent", "coopérait", "Coopérer"]
    # a form the lemmatiser left as it is still finds itself
    assert [line.match for line in kwic(["COOPERAIT"], CORPUS)] == ["coopérait"]


def test_a_wildcard_matches_forms_and_lemmas_that_begin_alike():
    assert [line.match for line in kwic(["coopér*"], CORPUS)] == ["coopèrent", "coopérait", "Coopérer"]
    assert [line.match for line in kwic(["coop?rait"], CORPUS)] == ["coopérait"]
    assert [line.match for line in kwic(["mise", "en", "r*"], CORPUS)] == ["mise en réseau"]
    assert list(kwic(["*ération"], CORPUS)) == []
    with pytest.raises(ValueError):
        list(kwic(["*"], CORPUS))


def test_lines_sort_by_left_or_right_context():
    from pipeline.kwic import csv_rows, sort_lines

    lines = list(kwic(["coopér*"], CORPUS))
    assert [line.left for line in sort_lines(lines, "left")] == ["", "Les communes", "Personne ne"]
    assert [line.right for line in sort_lines(lines, "right")] == ["", "depuis 2010", "prend du temps"]
    assert sort_lines(lines, "text") == lines
    assert next(csv_rows(lines)) == ("a.md", "a.md#0", "Les communes", "coopèrent", "depuis 2010")
    with pytest.raises(ValueError):
        sort_lines(lines, "nowhere")
