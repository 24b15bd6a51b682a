"""Metadata of reports: file names, front matter, metadata.csv; and the IRaMuTeQ corpus they label."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import CorpusError
from pipeline.metadata import (
    document_metadata,
    from_file_name,
    from_front_matter,
    read_metadata_table,
    variable_name,
)
from pipeline.outputs.exports import iramuteq_corpus, iramuteq_variable


def test_a_year_or_a_date_in_the_file_name():
    assert from_file_name("crDH2014S3-414.md") == {"annee": "2014"}
    assert from_file_name("2015-02-13_seminaire.txt") == {"annee": "2015", "date": "2015-02-13"}
    assert from_file_name("rapport20190312.pdf") == {"annee": "2019", "date": "2019-03-12"}
    assert from_file_name("000_78cea8dd92422722.txt") == {}  # digits of a hash are no year
    assert from_file_name("atelier-12345.txt") == {}


def test_scalar_fields_of_the_front_matter():
    text = "---\ntitle: CR\ndate: 2013-05-02\ntags: [a, b]\nRéseau d'origine: UNADEL\n---\nLe texte.\n"
    assert from_front_matter(text) == {"title": "CR", "date": "2013-05-02", "reseau_d_origine": "UNADEL",
                                       "annee": "2013"}
    assert from_front_matter("Pas de front matter\n---\nx: 1\n---\n") == {}
    assert from_front_matter("---\n: : [\n---\n") == {}  # broken YAML: nothing, no error


def test_the_table_overrides_the_front_matter_which_overrides_the_file_name(tmp_path):
    table_text = "doc_id;Réseau;annee\nsub/2014-cr.md;UNADEL;2015\n"
    (tmp_path / "metadata.csv").write_text(table_text, encoding="utf-8")
    table = read_metadata_table(tmp_path)
    assert table == {"sub/2014-cr.md": {"reseau": "UNADEL", "annee": "2015"}}
    merged = document_metadata("sub/2014-cr.md", "---\nreseau: autre\nlieu: Lyon\n---\n", table)
    assert merged == {"annee": "2015", "lieu": "Lyon", "reseau": "UNADEL"}
    assert document_metadata("autre-2016.txt", "", table) == {"annee": "2016"}


@pytest.mark.parametrize(("content", "message"), [
    ("nom,annee\na.txt,2015\n", r"metadata.csv:1: no 'doc_id' column"),
    ("doc_id,annee\na.txt,2015,x\n", r"metadata.csv:2: 3 cells for 2 columns"),
    ("doc_id,annee\na.txt,2015\n\na.txt,2016\n", r"metadata.csv:4: doc_id 'a.txt' given twice"),
    ("doc_id,annee\n,2015\n", r"metadata.csv:2: empty doc_id"),
])
def test_a_bad_table_is_an_error_naming_its_line(tmp_path, content, message):
    (tmp_path / "metadata.csv").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_metadata_table(tmp_path)


@pytest.mark.parametrize(("encoding", "delimiter"), [("cp1252", ";"), ("utf-16", "\t"), ("utf-8-sig", ",")])
def test_a_table_saved_by_a_spreadsheet_is_read(tmp_path, encoding, delimiter):
    # a French spreadsheet saves its CSV in Windows-1252 with semicolons, its « texte Unicode » in UTF-16
    # with tabs
    rows = [["doc_id", "Réseau d'origine", "Thème"],
            ["comptes rendus/séance-1.txt", "Pays, Quartiers", "Été"]]
    text = "\r\n".join(delimiter.join(f'"{cell}"' if delimiter in cell or "," in cell else cell
                                      for cell in row) for row in rows) + "\r\n"
    (tmp_path / "metadata.csv").write_bytes(text.encode(encoding))
    assert read_metadata_table(tmp_path) == {
        "comptes rendus/séance-1.txt": {"reseau_d_origine": "Pays, Quartiers", "theme": "Été"}}


def test_a_table_that_is_not_text_is_an_error_naming_it(tmp_path):
    (tmp_path / "metadata.csv").write_bytes(b"PK\x03\x04 an xlsx file renamed")
    with pytest.raises(CorpusError, match="metadata.csv: cannot be read as text"):
        read_metadata_table(tmp_path)


def test_no_table_means_no_variables(tmp_path):
    assert read_metadata_table(tmp_path) == {}
    assert variable_name(" Type d'événement ") == "type_d_evenement"


def test_the_iramuteq_corpus_follows_its_format_rules():
    documents = [
        ("sous/2015 CR*final.txt",
         "---\ndate: 2015\n---\n# Titre\nLe *texte* gras.\n-*faux thème\n\n\nFin.\x07\n",
         {"annee": "2015", "réseau_d'origine": "Pays & Quartiers"}),
        ("b.md", "Deux.\n", {}),
    ]
    corpus = "".join(iramuteq_corpus(documents))
    texts = [t for t in corpus.split("**** ") if t]
    assert len(texts) == 2 and corpus.startswith("**** ")
    header, *body = texts[0].rstrip("\n").split("\n")
    assert header == "*doc_sous-2015-CR-final-txt *annee_2015 *reseaudorigine_Pays-Quartiers"
    assert all(re.fullmatch(r"\*[a-z0-9]+_[A-Za-z0-9-]+", star) for star in header.split())
    assert body == ["Titre", "Le texte gras.", "- faux thème", "Fin."]
    for line in corpus.splitlines():
        assert line.startswith("**** ") or "*" not in line
    assert iramuteq_variable("doc", "é") == "*doc_e"


def test_an_html_page_gives_its_date_site_title_and_author(tmp_path):
    from pipeline.ingest import read_document

    page = ("<html><head><title>Rencontre des réseaux - UNADEL</title>"
            '<meta property="og:site_name" content="UNADEL"><meta name="author" content="Marie Dupont">'
            '<meta property="article:published_time" content="2019-03-12"></head><body><article>'
            "<h1>Rencontre des réseaux</h1><p>Les agents de développement des trois pays ont présenté leurs "
            "projets communs et la manière dont ils associent les habitants aux décisions locales.</p>"
            "<p>Un second paragraphe, assez long pour que la page ait un texte principal à extraire.</p>"
            "</article></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    document = read_document(tmp_path / "page.html", tmp_path)
    merged = document_metadata(document.doc_id, document.text, {}, document.metadata)
    assert merged == {"annee": "2019", "auteur": "Marie Dupont", "date": "2019-03-12", "site": "UNADEL",
                      "titre": "Rencontre des réseaux"}
