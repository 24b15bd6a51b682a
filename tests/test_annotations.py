"""Loading hand-labelled passages: doccano and Label Studio shapes, and refusals that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DESIGN_CATEGORY_IDS

from pipeline.annotations import AnnotationError, annotations_sha256, load_annotations

KNOWN = ("objet:projet", "conditions:leviers", "conditions:freins")
ROOT = Path(__file__).resolve().parent.parent
DESIGN_IDS = DESIGN_CATEGORY_IDS


def write_lines(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_doccano_lines_load_with_defaults_for_source_and_document(tmp_path):
    path = write_lines(
        tmp_path / "written.jsonl",
        {"id": 1, "text": "La confiance entre élus.", "label": ["conditions:leviers"]},
        "",
        {"text": "Un projet de territoire.", "label": ["objet:projet"], "source": "crdh", "doc_id": "cr.md"},
        {"text": "Rien à signaler.", "label": []},
    )
    annotations = load_annotations([path], KNOWN)
    assert [a.labels for a in annotations] == [("conditions:leviers",), ("objet:projet",), ()]
    assert annotations[0].source == "written" and annotations[0].doc_id == "written.jsonl"
    assert annotations[1].source == "crdh" and annotations[1].doc_id == "cr.md"
    assert [a.line for a in annotations] == [1, 3, 4]


def test_unknown_label_names_file_line_label_and_the_known_ones(tmp_path):
    path = write_lines(
        tmp_path / "seed.jsonl",
        {"text": "Bonne entente.", "label": ["conditions:leviers"]},
        {"text": "Manque de moyens.", "label": ["conditions:frein"]},
    )
    with pytest.raises(AnnotationError) as caught:
        load_annotations([path], KNOWN)
    message = str(caught.value)
    assert f"{path}:2" in message
    assert "conditions:frein'" in message
    assert all(label in message for label in KNOWN)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "Sans fin", "label": [', "not valid JSON"),
        ('{"label": ["objet:projet"]}', "no text"),
        ('{"text": "   ", "label": []}', "no text"),
        ('{"text": "Une étiquette seule", "label": "objet:projet"}', "list of category ids"),
        ('{"text": "Un nombre", "label": [3]}', "list of category ids"),
        ('["pas", "un objet"]', "expected a JSON object"),
    ],
)
def test_malformed_lines_stop_with_file_and_line(tmp_path, line, problem):
    path = write_lines(tmp_path / "a.jsonl", {"text": "Correct.", "label": []}, line)
    with pytest.raises(AnnotationError, match=problem) as caught:
        load_annotations([path], KNOWN)
    assert f"{path}:2" in str(caught.value)


def test_same_text_with_different_labels_names_both_lines(tmp_path):
    first = write_lines(
        tmp_path / "seed.jsonl", {"text": "Des règles claires.", "label": ["conditions:leviers"]}
    )
    second = write_lines(
        tmp_path / "written.jsonl",
        {"text": "Autre chose.", "label": []},
        {"text": "Des  règles claires. ", "label": ["conditions:freins"]},
    )
    with pytest.raises(AnnotationError) as caught:
        load_annotations([first, second], KNOWN)
    assert f"{second}:2" in str(caught.value) and f"{first}:1" in str(caught.value)


def test_identical_duplicates_are_kept_once(tmp_path):
    record = {"text": "Des règles claires.", "label": ["conditions:leviers"]}
    path = write_lines(tmp_path / "seed.jsonl", record, record)
    assert len(load_annotations([path], KNOWN)) == 1


def test_label_studio_tasks_are_accepted(tmp_path):
    task = {
        "data": {"text": "Un projet commun."},
        "annotations": [{"result": [{"type": "choices", "value": {"choices": ["objet:projet"]}}]}],
    }
    as_lines = write_lines(tmp_path / "ls.jsonl", task)
    as_list = tmp_path / "export.json"
    as_list.write_text(
        json.dumps([task, {"data": {"text": "Sans étiquette."}, "annotations": []}]), encoding="utf-8"
    )
    assert load_annotations([as_lines], KNOWN)[0].labels == ("objet:projet",)
    assert [a.labels for a in load_annotations([as_list], KNOWN)] == [("objet:projet",), ()]


def test_training_data_hash_follows_content_not_file_layout(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", {"text": "Un.", "label": [], "source": "s", "doc_id": "d"})
    b = write_lines(tmp_path / "b.jsonl", "", {"text": "Un.", "label": [], "source": "s", "doc_id": "d"})
    c = write_lines(
        tmp_path / "c.jsonl", {"text": "Un.", "label": ["objet:projet"], "source": "s", "doc_id": "d"}
    )
    hashes = [annotations_sha256(load_annotations([p], KNOWN)) for p in (a, b, c)]
    assert hashes[0] == hashes[1] != hashes[2]


def test_bundled_annotations_use_only_codebook_ids():
    files = sorted((ROOT / "corpus" / "annotations").glob("*.jsonl"))
    if not files:
        pytest.skip("no bundled annotations")
    annotations = load_annotations(files, DESIGN_IDS)
    assert annotations and all(a.source for a in annotations)


def test_a_record_may_name_its_cross_validation_group_else_its_document_is_the_group(tmp_path):
    path = write_lines(
        tmp_path / "real.jsonl",
        {"text": "Un.", "label": [], "source": "real", "doc_id": "real/p1", "group": "real/site.fr"},
        {"text": "Deux.", "label": [], "source": "real", "doc_id": "real/p2"},
    )
    first, second = load_annotations([path], KNOWN)
    assert (first.group, second.group) == ("real/site.fr", "real/p2")
    regrouped = write_lines(
        tmp_path / "other.jsonl",
        {"text": "Un.", "label": [], "source": "real", "doc_id": "real/p1", "group": "real/autre.fr"},
        {"text": "Deux.", "label": [], "source": "real", "doc_id": "real/p2"},
    )
    assert annotations_sha256([first, second]) != annotations_sha256(load_annotations([regrouped], KNOWN))


def _filled_sheet(tmp_path, marks: dict[int, str], *, excel: bool = True) -> Path:
    """The sheet `make suggest` writes for three passages, filled as a user would: `marks` maps a row
    (0-based) to the header of the column it gets an « x » in; saved by a French Excel (Windows-1252,
    semicolons) or as written."""
    import csv

    from pipeline.annotation_sheet import write_sheet

    records = [{"text": text, "label": ["objet:projet"],
                "meta": {"passage_id": f"r.txt#{i}", "doc_id": "r.txt"}}
               for i, text in enumerate(["- la mutualisation des services techniques",
                                         "Les élus ont créé un office de tourisme commun.",
                                         "Le repas a été servi à midi."])]
    written = tmp_path / "to_annotate.csv"
    write_sheet(records, {"objet:projet": "Coopération de projet", "conditions:leviers": "Leviers"}, written)
    rows = list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines()))
    for row, column in marks.items():
        rows[row + 1][rows[0].index(column)] = "x"
    filled = tmp_path / "annotations" / "tableur.csv"
    filled.parent.mkdir(exist_ok=True)
    with filled.open("w", encoding="cp1252" if excel else "utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";" if excel else ",").writerows(rows)
    return filled


def test_a_sheet_filled_in_a_spreadsheet_gives_its_marked_rows_as_annotations(tmp_path):
    filled = _filled_sheet(tmp_path, {0: "objet:projet — Coopération de projet",
                                      1: "conditions:leviers — Leviers", 2: "aucune"})
    loaded = load_annotations([filled], KNOWN)
    assert [(a.text, a.labels, a.doc_id) for a in loaded] == [
        ("- la mutualisation des services techniques", ("objet:projet",), "r.txt"),  # the formula guard off
        ("Les élus ont créé un office de tourisme commun.", ("conditions:leviers",), "r.txt"),
        ("Le repas a été servi à midi.", (), "r.txt")]
    # rows left blank are not annotated yet; the model's suggestion column is no annotation
    one_row = _filled_sheet(tmp_path, {1: "aucune"}, excel=False)
    assert [a.text for a in load_annotations([one_row], KNOWN)] == [
        "Les élus ont créé un office de tourisme commun."]
    # « Texte Unicode »: UTF-16 with tabs, as Excel also saves a sheet
    unicode_text = tmp_path / "unicode.csv"
    unicode_text.write_text(one_row.read_text(encoding="utf-8-sig").replace(",", "\t"), encoding="utf-16")
    assert [a.labels for a in load_annotations([unicode_text], KNOWN)] == [()]


def test_a_sheet_with_a_contradiction_or_an_unknown_column_names_the_file_and_row(tmp_path):
    both = _filled_sheet(tmp_path, {0: "aucune"})
    rows = [line.split(";") for line in both.read_text(encoding="cp1252").splitlines()]
    rows[1][rows[0].index("objet:projet — Coopération de projet")] = "oui"
    both.write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="cp1252")
    with pytest.raises(AnnotationError, match=r"tableur\.csv:2: « aucune » and categories marked"):
        load_annotations([both], KNOWN)
    with pytest.raises(AnnotationError, match="column « conditions:leviers — Leviers » is no category"):
        load_annotations([_filled_sheet(tmp_path, {0: "aucune"})], ("objet:projet",))


SHEET_HEADER = ["passage_id", "doc_id", "titres", "texte", "suggestion",
                "objet:projet — Coopération de projet", "conditions:leviers — Leviers", "aucune"]
SHEET_ROWS = [SHEET_HEADER,
              ["r.txt#0", "r.txt", "Atelier", "- la mutualisation des services techniques", "objet:projet",
               "x", "", ""],
              ["r.txt#1", "r.txt", "Atelier", "Les élus ont créé un office de tourisme commun.", "", "", "",
               ""],
              ["r.txt#2", "r.txt", "", "Le repas a été servi à midi.", "", "", "", 1]]
SHEET_READ = [("- la mutualisation des services techniques", ("objet:projet",)),
              ("Le repas a été servi à midi.", ())]


def test_a_sheet_saved_as_an_excel_workbook_is_read(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    for row in SHEET_ROWS:
        workbook.active.append(row)
    workbook.create_sheet("Notes").append(["une autre feuille", "x"])
    workbook.save(tmp_path / "tableur.xlsx")
    (tmp_path / "~$tableur.xlsx").write_bytes(b"Marie")  # the lock file Excel leaves while it is open
    from pipeline.annotations import annotation_files

    assert annotation_files(tmp_path) == [tmp_path / "tableur.xlsx"]
    loaded = load_annotations([tmp_path / "tableur.xlsx"], KNOWN)
    assert [(a.text, a.labels) for a in loaded] == SHEET_READ
    (tmp_path / "abîmé.xlsx").write_bytes((tmp_path / "tableur.xlsx").read_bytes()[:300])
    with pytest.raises(AnnotationError, match=r"abîmé\.xlsx: not a readable Excel workbook"):
        load_annotations([tmp_path / "abîmé.xlsx"], KNOWN)


def test_a_sheet_saved_as_a_libreoffice_spreadsheet_is_read(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="to_annotate")
    for row in SHEET_ROWS:
        line = TableRow()
        for value in row:
            cell = TableCell()
            if value != "":
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        line.addElement(TableCell(numbercolumnsrepeated=1016))  # blank to the sheet's last column
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "tableur.ods"))
    assert [(a.text, a.labels) for a in load_annotations([tmp_path / "tableur.ods"], KNOWN)] == SHEET_READ


def test_a_sheet_in_a_format_not_read_is_named_not_silently_left_out(tmp_path, caplog):
    from pipeline.annotations import load_annotation_source

    (tmp_path / "a.jsonl").write_text('{"text": "la confiance", "label": ["conditions:leviers"]}\n',
                                      encoding="utf-8")
    (tmp_path / "tableur.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # an Excel 97-2003 workbook
    with caplog.at_level("WARNING"):
        loaded = load_annotation_source(tmp_path, KNOWN)
    assert [a.text for a in loaded] == ["la confiance"]
    assert "tableur.xls" in caplog.text and "save them as .csv, .xlsx or .ods" in caplog.text
