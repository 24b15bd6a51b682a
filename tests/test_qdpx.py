"""REFI-QDA export and import: valid against the QDA-XML schema, selections on the right words, codings read
back as annotations."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from pipeline.annotations import load_annotations
from pipeline.errors import AnnotationError
from pipeline.outputs.qdpx import QdaReport, build_project, read_codings, write_qdpx

SCHEMA = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "refi-qda" / "Project-mrt2019.xsd"
TEXT = ("Rencontre des agents\n"
        "Les communes et l'intercommunalité mutualisent leurs services techniques.\n"
        "Il faut savoir animer des ateliers et faire preuve d'écoute.\n")
FIRST = TEXT.index("Les communes")
SECOND = TEXT.index("Il faut")
PASSAGES = [
    {"start": 0, "end": FIRST - 1, "categories": [], "competences": []},
    {"start": FIRST, "end": SECOND - 1,
     "categories": [{"id": "objet:organisationnel", "score": 0.81, "source": "rule+model",
                     "evidence": ["mutualiser"]},
                    {"id": "acteurs:public-public", "score": 1.0, "source": "rule", "evidence": []}],
     "competences": []},
    {"start": SECOND, "end": len(TEXT) - 1, "categories": [],
     "competences": [{"term": "animation", "type": "methode", "start": 15, "end": 21, "origin": "lexicon"},
                     {"term": "écoute", "type": "savoir-etre", "start": 53, "end": 59, "origin": "lexicon"}]},
]
CATEGORIES = {"objet:organisationnel": ("objet", "Coopération organisationnelle", "mutualisation"),
              "acteurs:public-public": ("acteurs", "Entre structures publiques", "")}
DIMENSIONS = {"objet": "Objet de la coopération", "acteurs": "Acteurs de la coopération"}
TYPES = {"savoir-etre": "savoir-être", "methode": "méthode"}


def export(path: Path, reports=None) -> Path:
    write_qdpx(path, reports or [QdaReport("rencontre.txt", TEXT, PASSAGES)], categories=CATEGORIES,
               dimensions=DIMENSIONS, competence_types=TYPES)
    return path


def test_the_project_is_valid_against_the_refi_qda_schema(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    path = export(tmp_path / "projet.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
        xmlschema.XMLSchema(str(SCHEMA)).validate(archive.read("project.qde").decode("utf-8"))
        (source,) = names[1:]
        assert archive.read(source).decode("utf-8") == TEXT


def test_selections_cover_the_tagged_passage_and_the_competence_words(tmp_path):
    codings = read_codings(export(tmp_path / "projet.qdpx"))
    by_code = {c.code: c for c in codings}
    passage = by_code["Coopération organisationnelle"]
    assert passage.text[passage.start:passage.end] == TEXT[FIRST:SECOND - 1]
    assert by_code["Entre structures publiques"].code_path == ("Acteurs de la coopération",
                                                                "Entre structures publiques")
    assert {c.text[c.start:c.end] for c in codings if c.code_path[0] == "Compétences"} == {"animer", "écoute"}
    assert by_code["écoute"].code_path == ("Compétences", "savoir-être", "écoute")
    project, _ = build_project([QdaReport("rencontre.txt", TEXT, PASSAGES)], categories=CATEGORIES,
                               dimensions=DIMENSIONS, competence_types=TYPES, name="x")
    assert "règle + modèle, score 0.81, indices : mutualiser" in project.decode("utf-8")


def test_the_same_input_gives_the_same_bytes(tmp_path):
    assert export(tmp_path / "a.qdpx").read_bytes() == export(tmp_path / "b.qdpx").read_bytes()


def test_codings_come_back_as_annotations_and_foreign_codes_are_reported(tmp_path, caplog):
    path = export(tmp_path / "projet.qdpx")
    # a code added in a QDA tool, unknown to the codebook, coding the first line
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    qde = members["project.qde"].decode("utf-8")
    qde = qde.replace("</Codes>", '<Code guid="11111111-2222-3333-4444-555555555555" name="Mémo perso" '
                                  'isCodable="true"/></Codes>', 1)
    foreign = ('<PlainTextSelection guid="21111111-2222-3333-4444-555555555555" startPosition="0" '
               'endPosition="20"><Coding guid="31111111-2222-3333-4444-555555555555">'
               '<CodeRef targetGUID="11111111-2222-3333-4444-555555555555"/></Coding></PlainTextSelection>')
    qde = qde.replace("<PlainTextSelection ", foreign + "<PlainTextSelection ", 1)
    members["project.qde"] = qde.encode("utf-8")
    edited = tmp_path / "annotations" / "edited.qdpx"
    edited.parent.mkdir()
    with zipfile.ZipFile(edited, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with caplog.at_level(logging.WARNING):
        (annotation,) = load_annotations([edited], CATEGORIES)
    assert annotation.text == TEXT[FIRST:SECOND - 1]
    assert set(annotation.labels) == set(CATEGORIES)
    assert annotation.doc_id == "rencontre.txt" and annotation.source == "edited"
    assert "Mémo perso" in caplog.text


def test_a_file_that_is_no_project_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "notes.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(AnnotationError, match="notes.qdpx"):
        load_annotations([bad], CATEGORIES)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(AnnotationError, match="no project.qde"):
        read_codings(empty)
