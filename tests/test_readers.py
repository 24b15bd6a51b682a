"""Readers of PDF, Word and OpenDocument files, on files the tests build with the libraries themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.ingest import discover, document_id, read_corpus, read_document
from pipeline.readers.text import repair, table_rows_as_items
from pipeline.text.segment import segment
from pipeline.types import CleanDocument, Skipped
from tests.compound import compound_file
from tests.pptfile import (
    BODY,
    CENTER_BODY,
    FOOTER,
    OTHER,
    SLIDE_NUMBER,
    TITLE,
    Shape,
    Slide,
    slide_show,
)
from tests.wordfile import HEADING_1, HEADING_2, LIST_BULLET, TOC_1, Paragraph, cell, row_end, word97

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PARAGRAPH = ("Les quatre communautés de communes du Pays ont décidé de mutualiser leurs services "
             "techniques et de créer un office de tourisme commun.")

# As TextEdit saves a note (its default format): escapes for accents and curly quotes, a backslash ending
# each line
TEXTEDIT_RTF = (
    b"{\\rtf1\\ansi\\ansicpg1252\\cocoartf2761\n\\cocoatextscaling0\\cocoaplatform0{\\fonttbl\\f0\\fswiss"
    b"\\fcharset0 Helvetica;}\n{\\colortbl;\\red255\\green255\\blue255;}\n\\paperw11900\\paperh16840"
    b"\\vieww11520\\viewh8400\\viewkind0\n\\pard\\tx566\\pardirnatural\\partightenfactor0\n\n"
    b"\\f0\\fs24 \\cf0 S\\'e9minaire du r\\'e9seau\\\n\\\n"
    b"Les agents ont parl\\'e9 de l\\uc0\\u8217 \\'e9coute et de l\\'92esprit de synth\\'e8se.\\\n"
    b"Les communes coop\\'e8rent \\'ab\\'a0depuis dix ans\\'a0\\'bb.}"
)


def make_pdf(path: Path, lines: list[str] | None) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    if lines is not None:
        if FONT.is_file():
            pdf.add_font("dejavu", fname=str(FONT))
            pdf.set_font("dejavu", size=11)
        else:  # core font: Latin-1 only, enough for French
            pdf.set_font("helvetica", size=11)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))
    return path


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Rencontre des intercommunalités", level=1)
    document.add_paragraph(PARAGRAPH)
    document.add_paragraph("la confiance entre élus", style="List Bullet")
    document.save(path)
    return path


def make_odt(path: Path) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Atelier du Pays"))
    document.text.addElement(P(text=PARAGRAPH))
    document.save(str(path))
    return path


def make_pptx(path: Path) -> Path:
    """A seminar's slides: a title slide, a slide of bullets with a table, a text box, a group, a slide
    number and speaker notes."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "Séminaire des agents de développement"
    slide.placeholders[1].text = "Les intercommunalités du Pays"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Les compétences\vdes animateurs"  # a line break inside the title
    body = slide.placeholders[1].text_frame
    body.text = "Animer des ateliers"
    item = body.add_paragraph()
    item.text, item.level = "Faciliter la concertation", 1
    box = slide.shapes.add_textbox(Inches(1), Inches(6.5), Inches(5), Inches(0.5))
    box.text_frame.text = "Source : enquête du réseau, 2023."
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    for (row, column), text in {(0, 0): "Savoir-être", (0, 1): "Écoute", (1, 0): "Méthode",
                                (1, 1): "Esprit de synthèse"}.items():
        table.cell(row, column).text = text
    group = slide.shapes.add_group_shape()
    group.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(6), Inches(5), Inches(2), Inches(1)).text = "Écouter"
    slide.notes_slide.notes_text_frame.text = "L'intervenante a insisté sur l'écoute des élus."
    deck.save(path)
    return path


def make_odp(path: Path) -> Path:
    """LibreOffice Impress slides: a title, an outline of two items, a subtitle below it, a slide number, a
    frame inside a group, and speaker notes."""
    from odf.draw import Frame, G, Page, TextBox
    from odf.namespaces import PRESENTATIONNS
    from odf.opendocument import OpenDocumentPresentation
    from odf.presentation import Notes
    from odf.style import MasterPage, PageLayout
    from odf.text import List, ListItem, P

    def frame(kind: str | None, y: str, *paragraphs) -> Frame:
        made = Frame(width="20cm", height="2cm", x="1cm", y=y)
        if kind:
            made.setAttrNS(PRESENTATIONNS, "class", kind)
        box = TextBox()
        made.addElement(box)
        for paragraph in paragraphs:
            box.addElement(paragraph)
        return made

    deck = OpenDocumentPresentation()
    layout = PageLayout(name="mise-en-page")
    deck.automaticstyles.addElement(layout)
    master = MasterPage(name="maître", pagelayoutname=layout)
    deck.masterstyles.addElement(master)
    slide = Page(masterpagename=master, name="diapo1")
    deck.presentation.addElement(slide)
    outline = List()
    for item in ("Animer des ateliers", "Faciliter la concertation"):
        entry = ListItem()
        entry.addElement(P(text=item))
        outline.addElement(entry)
    slide.addElement(frame("subtitle", "15cm", P(text="Retour des ateliers du Pays")))
    slide.addElement(frame("outline", "5cm", outline))
    slide.addElement(frame("title", "1cm", P(text="Les compétences des animateurs")))
    slide.addElement(frame("page-number", "19cm", P(text="3")))
    group = G()
    group.addElement(frame(None, "12cm", P(text="Écoute et esprit de synthèse")))
    slide.addElement(group)
    notes = Notes()
    notes.addElement(frame("notes", "10cm", P(text="L'intervenante a insisté sur l'écoute des élus.")))
    slide.addElement(notes)
    deck.save(str(path))
    return path


def test_a_pdf_gives_its_text_with_hyphenated_words_joined(tmp_path):
    lines = ["Le séminaire a réuni les agents de dévelop-", "pement des intercommunalités du Pays."]
    path = make_pdf(tmp_path / "actes.pdf", lines)
    document = read_document(path, tmp_path)
    assert document.format == "pdf"
    assert "agents de développement des intercommunalités" in document.text.replace("\n", " ")
    assert any("hyphenated" in note for note in document.notes)


def test_a_pdf_without_a_text_layer_is_skipped_as_scanned(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(UnreadableFile, match="pas de couche texte"):
        read_document(path, tmp_path)


@pytest.mark.parametrize(("user_password", "readable"), [("", True), ("secret", False)])
def test_a_pdf_locked_to_read_is_skipped_as_such_and_one_locked_to_edit_is_read(tmp_path, user_password,
                                                                               readable):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_encryption(owner_password="maitre", user_password=user_password)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 8, "Les communes cooperent depuis dix ans.")
    (tmp_path / "cr.pdf").write_bytes(bytes(pdf.output()))
    if readable:
        assert "Les communes cooperent" in read_document(tmp_path / "cr.pdf", tmp_path).text
    else:
        with pytest.raises(UnreadableFile, match="protégé par un mot de passe"):
            read_document(tmp_path / "cr.pdf", tmp_path)


def test_a_broken_pdf_is_unreadable_not_a_crash(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 this is not a pdf")
    with pytest.raises(UnreadableFile, match="PDF"):
        read_document(path, tmp_path)


def test_word_and_opendocument_give_headings_paragraphs_and_bullets(tmp_path):
    word = read_document(make_docx(tmp_path / "cr.docx"), tmp_path).text
    assert "# Rencontre des intercommunalités" in word and PARAGRAPH in word
    assert "- la confiance entre élus" in word
    odt = read_document(make_odt(tmp_path / "cr.odt"), tmp_path).text
    assert "# Atelier du Pays" in odt and PARAGRAPH in odt


WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_word_text_a_reader_sees_is_read_once_and_deleted_text_is_not(tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Les communes ")
    paragraph._p.append(parse_xml(  # a tracked insertion, not yet accepted, and a tracked deletion
        f'<w:ins {WORD_NS} w:id="1" w:author="A"><w:r><w:t xml:space="preserve">et leur communauté </w:t>'
        f'</w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {WORD_NS} w:id="2" w:author="A"><w:r><w:delText>ancienne version </w:delText></w:r>'
        f'</w:del>'))
    paragraph._p.append(parse_xml(  # the place text was moved away from, with the change tracked
        f'<w:moveFrom {WORD_NS} w:id="3" w:author="A"><w:r><w:t xml:space="preserve">déplacé </w:t></w:r>'
        f'</w:moveFrom>'))
    paragraph.add_run("coopèrent.")
    document.element.body.insert(1, parse_xml(  # a content control, as templates and forms hold them
        f'<w:sdt {WORD_NS}><w:sdtContent><w:p><w:r><w:t>Synthèse des ateliers.</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    boxed = document.add_paragraph("Voir l'encadré.")
    box = ('<w:txbxContent><w:p><w:r><w:t>Encadré : les chiffres clés.</w:t></w:r></w:p></w:txbxContent>')
    boxed._p.append(parse_xml(  # a text box, with the copy for old readers that repeats it
        f'<w:r {WORD_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        f'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        f'<wps:txbx>{box}</wps:txbx></mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict>'
        f'</mc:Fallback></mc:AlternateContent></w:r>'))
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Programme de la journée"
    table.cell(1, 0).text = "9 h"
    table.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "Atelier mutualisation"
    numbered = document.add_paragraph("la confiance entre élus")
    numbered._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {WORD_NS}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'))
    document.save(tmp_path / "cr.docx")

    text = read_document(tmp_path / "cr.docx", tmp_path).text
    assert "Les communes et leur communauté coopèrent." in text and "ancienne version" not in text
    assert "déplacé" not in text
    assert "Synthèse des ateliers." in text
    assert text.count("Encadré : les chiffres clés.") == 1
    assert text.count("Programme de la journée") == 1  # a cell merged over three columns, once
    assert "Atelier mutualisation" in text  # a table inside a cell
    assert "- la confiance entre élus" in text  # a numbered paragraph is a list item


def test_word_opendocument_and_web_page_table_cells_are_items_and_head_nothing_after_the_table(tmp_path):
    import docx
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, P

    cells = [["Freins", "Leviers"], ["Manque de confiance", "Animation dédiée"]]
    after = "Les élus ont conclu la séance en fixant un calendrier commun."
    word = docx.Document()
    word.add_heading("Les ateliers", level=1)
    table = word.add_table(rows=2, cols=2)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    word.add_paragraph(after)
    word.save(tmp_path / "cr.docx")
    writer = OpenDocumentText()
    writer.text.addElement(H(outlinelevel=1, text="Les ateliers"))
    grid = Table(name="grille")
    for row in cells:
        line = TableRow()
        for value in row:
            cell = TableCell()
            cell.addElement(P(text=value))
            line.addElement(cell)
        grid.addElement(line)
    writer.text.addElement(grid)
    writer.text.addElement(P(text=after))
    writer.save(str(tmp_path / "cr.odt"))
    rows = "".join("<tr>" + "".join(f"<td>{value}</td>" for value in row) + "</tr>" for row in cells)
    (tmp_path / "cr.html").write_text(
        f"<html><body><article><h1>Les ateliers</h1><p>{PARAGRAPH}</p><table>{rows}</table><p>{after}</p>"
        "</article></body></html>", encoding="utf-8")
    for name in ("cr.docx", "cr.odt", "cr.html"):
        text = read_document(tmp_path / name, tmp_path).text
        assert "|" not in text
        passages = segment(CleanDocument(name, text, text, ()))
        assert [(p.kind, p.text) for p in passages if p.text in {"Freins", "Animation dédiée"}] == [
            ("bullet", "Freins"), ("bullet", "Animation dédiée")]
        assert next(p for p in passages if p.text == after).heading == ("Les ateliers",)


def test_a_word_table_of_contents_is_left_out_and_the_headings_it_lists_are_read_once(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Table des matières", style="TOC Heading")
    entry_style = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)  # as Word names it
    for entry in ("Les ateliers du matin\t3", "La coopération entre communes\t5"):
        document.add_paragraph(entry, style=entry_style)
    document.add_heading("Les ateliers du matin", level=1)
    document.add_paragraph(PARAGRAPH)
    document.add_heading("La coopération entre communes", level=1)
    document.add_paragraph("Les élus ont comparé leurs conventions de mutualisation.")
    # Word 2010 and later put the table in a content control of the gallery « Table of Contents »
    document.element.body.insert(0, parse_xml(
        f'<w:sdt {WORD_NS}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        f'<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Sommaire</w:t></w:r>'
        f'</w:p><w:p><w:r><w:t xml:space="preserve">Les ateliers du matin\t3</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    document.save(tmp_path / "actes.docx")

    text = read_document(tmp_path / "actes.docx", tmp_path).text
    assert text.split("\n\n") == [
        "# Les ateliers du matin", PARAGRAPH, "# La coopération entre communes",
        "Les élus ont comparé leurs conventions de mutualisation.\n",
    ]


def test_an_opendocument_table_of_contents_is_left_out_and_a_bibliography_is_read(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.text import Bibliography, H, IndexBody, IndexTitle, P, TableOfContent

    document = OpenDocumentText()
    contents, body, title = TableOfContent(name="Sommaire"), IndexBody(), IndexTitle(name="Sommaire_Head")
    title.addElement(P(text="Sommaire"))
    body.addElement(title)
    body.addElement(P(text="Atelier du Pays\t2"))
    contents.addElement(body)
    document.text.addElement(contents)
    document.text.addElement(H(outlinelevel=1, text="Atelier du Pays"))
    document.text.addElement(P(text=PARAGRAPH))
    references, listed = Bibliography(name="Bibliographie"), IndexBody()
    listed.addElement(P(text="Pecqueur B., Le développement local, 2000."))
    references.addElement(listed)
    document.text.addElement(references)
    document.save(str(tmp_path / "actes.odt"))

    text = read_document(tmp_path / "actes.odt", tmp_path).text
    assert text.split("\n\n") == ["# Atelier du Pays", PARAGRAPH,
                                   "Pecqueur B., Le développement local, 2000.\n"]


def test_an_rtf_table_of_contents_is_left_out_and_other_fields_keep_their_text(tmp_path):
    (tmp_path / "actes.rtf").write_bytes(
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n"
        b"{\\stylesheet{\\s0 Normal;}{\\s1\\outlinelevel0 heading 1;}{\\s20 toc 1;}}\n"
        b"{\\field\\fldedit{\\*\\fldinst { TOC \\\\o \"1-3\" \\\\h }}{\\fldrslt {\\pard\\s20 Sommaire\\par "
        b"\\pard\\s20 Les ateliers du matin\\tab 3\\par }}}\n"
        b"\\pard\\s1 Les ateliers du matin\\par\n"
        b"\\pard\\s0 Les communes coop\\'e8rent, voir {\\field{\\*\\fldinst HYPERLINK \"https://example.org\"}"
        b"{\\fldrslt le site du Pays}}.\\par\n}")
    text = read_document(tmp_path / "actes.rtf", tmp_path).text
    assert text.split("\n\n") == ["# Les ateliers du matin",
                                   "Les communes coopèrent, voir le site du Pays.\n"]


def test_word_footnotes_are_read_after_the_body_and_their_calls_glue_no_number(tmp_path):
    import zipfile

    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Les communes coopèrent")
    paragraph._p.append(parse_xml(f'<w:r {WORD_NS}><w:footnoteReference w:id="1"/></w:r>'))
    paragraph.add_run(" depuis dix ans.")
    document.save(tmp_path / "plain.docx")
    notes = (f'<w:footnotes {WORD_NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
             f'</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r>'
             f'<w:t>Source : rapport du Pays, 2015.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    with zipfile.ZipFile(tmp_path / "plain.docx") as source, \
            zipfile.ZipFile(tmp_path / "cr.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.wordprocessingml.'
                                    b'footnotes+xml"/></Types>')
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdNotes" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="footnotes.xml"/></Relationships>')
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", notes)

    text = read_document(tmp_path / "cr.docx", tmp_path).text
    assert text == "Les communes coopèrent depuis dix ans.\n\nSource : rapport du Pays, 2015.\n"


def test_opendocument_footnotes_do_not_cut_their_sentence_and_deleted_text_is_not_read(tmp_path):
    from odf.element import Element
    from odf.namespaces import TEXTNS
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.text import Deletion, LineBreak, Note, NoteBody, NoteCitation, P, S, TrackedChanges

    document = OpenDocumentText()
    changes, region, deletion = TrackedChanges(), Element(qname=(TEXTNS, "changed-region"),
                                                          check_grammar=False), Deletion()
    region.setAttrNS(TEXTNS, "id", "ct1")
    deletion.addElement(P(text="Paragraphe supprimé à la relecture."))
    region.addElement(deletion)
    changes.addElement(region)
    document.text.addElement(changes)
    paragraph = P(text="Les communes coopèrent")
    note, citation, body = Note(id="n1", noteclass="footnote"), NoteCitation(), NoteBody()
    citation.addText("1")
    body.addElement(P(text="Source : rapport de 2015."))
    note.addElement(citation)
    note.addElement(body)
    paragraph.addElement(note)
    paragraph.addText(" depuis dix")
    paragraph.addElement(S(c=2))
    paragraph.addText("ans.")
    comment = Annotation()
    comment.addElement(P(text="À vérifier"))
    paragraph.addElement(comment)
    paragraph.addElement(LineBreak())
    paragraph.addText("Deuxième ligne.")
    document.text.addElement(paragraph)
    document.save(str(tmp_path / "cr.odt"))

    text = read_document(tmp_path / "cr.odt", tmp_path).text
    assert "Les communes coopèrent depuis dix  ans.\nDeuxième ligne." in text
    assert "Source : rapport de 2015." in text.split("Deuxième ligne.")[1]  # the note, after its paragraph
    assert "supprimé" not in text and "vérifier" not in text


def test_an_rtf_note_saved_by_textedit_gives_its_paragraphs_with_their_accents(tmp_path):
    (tmp_path / "note.rtf").write_bytes(TEXTEDIT_RTF)
    document = read_document(tmp_path / "note.rtf", tmp_path)
    assert document.format == "rtf" and "Rich Text Format" in document.notes
    assert document.text.split("\n\n") == [
        "Séminaire du réseau",
        "Les agents ont parlé de l’écoute et de l’esprit de synthèse.",
        "Les communes coopèrent «\xa0depuis dix ans\xa0».\n",
    ]


def test_rtf_from_a_word_processor_keeps_footnotes_cells_and_links_and_leaves_pictures_and_headers(tmp_path):
    rtf = (
        b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}}\n"
        b"{\\info{\\title Compte rendu}{\\author Marie}}\n"
        b"{\\header\\pard\\plain R\\'e9seau rural, page \\chpgn\\par}\n"
        b"\\pard\\b Atelier 1 : la coop\\'e9ration\\b0\\par\n"
        b"\\pard Les \\'e9lus ont d\\'e9battu{\\super\\chftn}"
        b"{\\footnote\\pard\\plain{\\super\\chftn} Selon le compte rendu officiel.}"
        b" de l'avenir du territoire.\\par\n"
        b"{\\pict\\pngblip\\picw10\\pich10 89504e470d0a1a0a0000000d49484452}\\par\n"
        b"Voir {\\field{\\*\\fldinst HYPERLINK \"https://example.org\"}"
        b"{\\fldrslt le site du r\\'e9seau}}.\\par\n"
        b"\\trowd\\cellx3000\\cellx6000 Acteurs\\cell Objets\\cell\\row\n"
        b"\\pard Fin des travaux.\\par\n}"
    )
    (tmp_path / "cr.rtf").write_bytes(rtf)
    blocks = read_document(tmp_path / "cr.rtf", tmp_path).text.strip().split("\n\n")
    assert blocks == [
        "Atelier 1 : la coopération",
        "Les élus ont débattu de l'avenir du territoire.",  # the note follows the body
        "Voir le site du réseau.",
        "- Acteurs",                                         # a table's cells, as items
        "- Objets",
        "Fin des travaux.",
        "Selon le compte rendu officiel.",
    ]


def test_rtf_headings_and_list_items_are_written_as_the_other_readers_write_them(tmp_path):
    rtf = (
        b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Arial;}{\\f1\\fnil\\fcharset2 Symbol;}}\n"
        b"{\\stylesheet{\\s0 Normal;}{\\s1\\sbasedon0 heading 1;}"
        b"{\\s2\\outlinelevel1\\sbasedon0 Sous-partie;}{\\s3\\sbasedon0 Citation;}}\n"
        b"\\pard\\plain\\s1 Les comp\\'e9tences\\par\n"
        b"\\pard\\plain\\s3 Les agents savent :\\par\n"
        b"{\\listtext\\pard\\plain\\f1 \\u-3913\\'b7\\tab}"
        b"\\pard\\plain\\ls1\\ilvl0 animer des ateliers ;\\par\n"
        b"{\\pntext\\f1\\'b7\\tab}{\\*\\pn\\pnlvlblt\\pnf1{\\pntxtb\\'b7}}"
        b"\\pard\\plain mobiliser les \\'e9lus ;\\par\n"
        b"{\\listtext 2.\\tab}\\pard\\plain\\ls2 faciliter la concertation.\\par\n"
        b"\\pard\\plain\\s2 Suite\\par\n}"
    )
    (tmp_path / "cr.rtf").write_bytes(rtf)
    assert read_document(tmp_path / "cr.rtf", tmp_path).text.strip().split("\n\n") == [
        "# Les compétences",            # the style sheet names style 1 « heading 1 »
        "Les agents savent :",          # style 3 is no heading
        "- animer des ateliers ;",      # the Symbol font's bullet
        "- mobiliser les élus ;",       # an old Word list's bullet, in a group striprtf skips
        "2. faciliter la concertation.",
        "## Suite",                     # style 2 has outline level 1, whatever its name
    ]

def test_rtf_with_8_bit_characters_is_read_by_its_code_page_and_a_false_rtf_is_skipped(tmp_path):
    (tmp_path / "brut.rtf").write_bytes(
        "{\\rtf1\\ansi\\ansicpg1252 Les élus coopèrent’\\par}".encode("cp1252"))
    assert read_document(tmp_path / "brut.rtf", tmp_path).text == "Les élus coopèrent’\n"
    (tmp_path / "faux.rtf").write_text("Un texte renommé .rtf", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="pas un document RTF"):
        read_document(tmp_path / "faux.rtf", tmp_path)
    (tmp_path / "vide.rtf").write_bytes(b"{\\rtf1\\ansi{\\fonttbl\\f0 Arial;}\\par\\par}")
    with pytest.raises(UnreadableFile, match="aucun texte"):
        read_document(tmp_path / "vide.rtf", tmp_path)


WORD97_BODY = [
    Paragraph("Rencontre des intercommunalités", style=HEADING_1),
    Paragraph("Rencontre des intercommunalités\t1", style=TOC_1),  # the table of contents Word generated
    Paragraph("Les ateliers\t2", style=TOC_1),
    Paragraph(PARAGRAPH + "\x02"),  # the call of the first footnote
    Paragraph("Voir \x13 HYPERLINK \"https://pays.example.fr\" \x14le site du Pays\x15, "
              "page \x13 PAGE \x141\x15."),
    Paragraph("Les ateliers", style=HEADING_2),
    cell("Freins"), cell("Leviers"), row_end(),
    cell("Manque de confiance"), cell("Animation dédiée"), row_end(),
    Paragraph("Les élus ont conclu la séance en fixant un calendrier commun."),
    Paragraph("la confiance entre élus", list_number=1),
    Paragraph("l’écoute et l’œuvre commune", style=LIST_BULLET),
    Paragraph("Synthèse\x0bet suites", style="Titre 2"),
    Paragraph("Prochaines étapes", outline_level=1),
    Paragraph("\x01\x08Une photo et un dessin ancrés ici ne lais\x1fsent rien."),
]


@pytest.mark.parametrize("one_byte", [True, False], ids=["windows-1252", "utf-16"])
def test_a_word_97_document_is_read_as_a_docx_is_headings_lists_cells_and_notes(tmp_path, one_byte):
    path = tmp_path / "cr.doc"
    path.write_bytes(word97(WORD97_BODY, footnotes=[Paragraph("\x02 Source : rapport du Pays, 2004.")],
                            text_boxes=[Paragraph("Encadré : trois communes pilotes")], one_byte=one_byte))
    document = read_document(path, tmp_path)
    text = document.text
    assert document.format == "doc" and document.notes[0] == "Word 97-2003 document"
    assert text.startswith("# Rencontre des intercommunalités\n\n" + PARAGRAPH + "\n\n")
    assert text.count("Rencontre des intercommunalités") == 1 and "\t1" not in text  # no table of contents
    assert "Voir le site du Pays, page 1." in text and "HYPERLINK" not in text
    assert "- la confiance entre élus" in text and "- l’écoute et l’œuvre commune" in text
    assert "## Synthèse" not in text and "Synthèse\net suites" in text  # a heading on two lines is no heading
    assert "## Prochaines étapes" in text
    assert "\n\nUne photo et un dessin ancrés ici ne laissent rien." in text
    # the text boxes after the body, then the notes
    assert text.endswith("\n\nEncadré : trois communes pilotes\n\nSource : rapport du Pays, 2004.\n")
    passages = segment(CleanDocument("cr.doc", text, text, ()))
    assert [(p.kind, p.text) for p in passages if p.text in {"Freins", "Animation dédiée"}] == [
        ("bullet", "Freins"), ("bullet", "Animation dédiée")]
    after = next(p for p in passages if p.text.startswith("Les élus ont conclu"))
    assert after.heading == ("Rencontre des intercommunalités", "Les ateliers")


def test_a_word_97_user_style_named_as_a_heading_is_one(tmp_path):
    path = tmp_path / "cr.doc"
    path.write_bytes(word97([Paragraph("Synthèse des échanges", style="Titre 2"), Paragraph(PARAGRAPH)]))
    assert read_document(path, tmp_path).text.startswith("## Synthèse des échanges\n\n")


def test_a_doc_that_holds_rtf_a_web_page_or_a_docx_is_read_as_what_it_is(tmp_path):
    (tmp_path / "rtf.doc").write_bytes(TEXTEDIT_RTF)
    (tmp_path / "page.doc").write_bytes(
        ("<html><head><meta charset='windows-1252'><title>CR</title></head><body><h1>Séminaire</h1>"
         f"<p>{PARAGRAPH}</p></body></html>").encode("cp1252"))
    make_docx(tmp_path / "cr.docx").rename(tmp_path / "renommé.doc")
    rtf = read_document(tmp_path / "rtf.doc", tmp_path)
    assert rtf.format == "rtf" and "Séminaire du réseau" in rtf.text
    assert rtf.notes[0] == "RTF document saved under a .doc name"
    page = read_document(tmp_path / "page.doc", tmp_path)
    assert page.format == "html" and PARAGRAPH in page.text and "<p>" not in page.text
    docx_file = read_document(tmp_path / "renommé.doc", tmp_path)
    assert docx_file.format == "docx" and "# Rencontre des intercommunalités" in docx_file.text


def _retyped(path: Path, old: str, new: str, target: Path) -> Path:
    """A copy of the package at `path` whose main part's content type `old` is `new`, as Word or
    PowerPoint write a macro-enabled file, a template or a slide show."""
    import zipfile

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "[Content_Types].xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            copy.writestr(member, data)
    return target


OOXML = "application/vnd.openxmlformats-officedocument"
WORD_MAIN = f"{OOXML}.wordprocessingml.document.main+xml"
SLIDES_MAIN = f"{OOXML}.presentationml.presentation.main+xml"


@pytest.mark.parametrize("name, kind, content_type", [
    ("cr.docm", "docx", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    ("modèle.dotx", "docx", f"{OOXML}.wordprocessingml.template.main+xml"),
    ("diaporama.ppsx", "pptx", f"{OOXML}.presentationml.slideshow.main+xml"),
    ("diapos.pptm", "pptx", "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
    ("modèle.potx", "pptx", f"{OOXML}.presentationml.template.main+xml"),
])
def test_office_files_with_macros_templates_and_slide_shows_are_read_as_their_kind(tmp_path, name, kind,
                                                                                     content_type):
    made = make_docx(tmp_path / "x.docx") if kind == "docx" else make_pptx(tmp_path / "x.pptx")
    path = _retyped(made, WORD_MAIN if kind == "docx" else SLIDES_MAIN, content_type, tmp_path / name)
    document = read_document(path, tmp_path)
    expected = read_document(made, tmp_path)
    assert document.format == kind and document.text == expected.text


def test_a_template_in_opendocument_and_files_renamed_across_office_versions_are_read(tmp_path):
    make_odt(tmp_path / "x.odt").rename(tmp_path / "modèle.ott")
    (tmp_path / "ancien.docx").write_bytes(word97([Paragraph("Séminaire de 2004", style=HEADING_1),
                                                   Paragraph(PARAGRAPH)]))
    (tmp_path / "ancien.pptx").write_bytes(slide_show([Slide([Shape(TITLE, "Atelier du Pays")])]))
    assert "# Atelier du Pays" in read_document(tmp_path / "modèle.ott", tmp_path).text
    word = read_document(tmp_path / "ancien.docx", tmp_path)
    assert word.format == "doc" and word.text == f"# Séminaire de 2004\n\n{PARAGRAPH}\n"
    assert word.notes[0] == "Word 97-2003 document saved under a .docx name"
    slides = read_document(tmp_path / "ancien.pptx", tmp_path)
    assert slides.format == "ppt" and slides.text == "# Atelier du Pays\n"
    # Office protects any file with a password by putting it, encrypted, in a compound file
    locked = compound_file({"EncryptionInfo": bytes(4096), "EncryptedPackage": bytes(4096)})
    for name in ("verrouillé.docx", "verrouillé.pptx", "verrouillé.doc"):
        (tmp_path / name).write_bytes(locked)
        with pytest.raises(UnreadableFile, match="protégé par un mot de passe"):
            read_document(tmp_path / name, tmp_path)


def test_an_encrypted_an_old_or_a_damaged_doc_is_skipped_with_its_reason_and_the_rest_is_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = [Paragraph(PARAGRAPH)]
    (corpus / "secret.doc").write_bytes(word97(body, encrypted=True))
    (corpus / "word95.doc").write_bytes(word97(body, n_fib=0x0065))
    whole = word97(body)
    (corpus / "coupé.doc").write_bytes(whole[:len(whole) // 3])
    (corpus / "vide.doc").write_bytes(word97([Paragraph("\x01"), Paragraph(" ")]))
    (corpus / "cr.doc").write_bytes(whole)
    documents = list(read_corpus(corpus))
    assert [d.doc_id for d in documents if not isinstance(d, Skipped)] == ["cr.doc"]
    reasons = {d.path: d.reason for d in documents if isinstance(d, Skipped)}
    assert "mot de passe" in reasons["secret.doc"] and "Word 95" in reasons["word95.doc"]
    assert reasons["coupé.doc"].startswith("document Word 97-2003 tronqué")
    assert reasons["vide.doc"] == "aucun texte dans le document Word 97-2003"


def test_powerpoint_slides_give_titles_as_headings_bullets_cells_and_speaker_notes(tmp_path):
    document = read_document(make_pptx(tmp_path / "seminaire.pptx"), tmp_path)
    assert document.format == "pptx" and "PowerPoint slides" in document.notes
    assert document.text.strip().split("\n\n") == [
        "# Séminaire des agents de développement",
        "Les intercommunalités du Pays",         # a subtitle: no bullet
        "# Les compétences des animateurs",
        "- Animer des ateliers",                 # the layout's body: bulleted
        "- Faciliter la concertation",
        "- Savoir-être", "- Écoute", "- Méthode", "- Esprit de synthèse",  # the table's cells, as items
        "- Écouter",                             # a shape inside a group
        "- Source : enquête du réseau, 2023.",   # a text box at the foot of the slide
        "L'intervenante a insisté sur l'écoute des élus.",  # the speaker notes, after the slide
    ]
    # a short cell or shape is no section heading: what follows the table stays under the slide's title
    passages = segment(CleanDocument("seminaire.pptx", document.text, document.text, ()))
    notes = next(p for p in passages if p.text.startswith("L'intervenante"))
    assert notes.heading == ("Les compétences des animateurs",)
    assert [p.kind for p in passages if p.text in {"Savoir-être", "Écoute"}] == ["bullet", "bullet"]


@pytest.mark.parametrize("one_byte", [True, False], ids=["latin-1", "utf-16"])
def test_powerpoint_97_slides_are_read_as_pptx_slides_are(tmp_path, one_byte):
    slides = [
        Slide([Shape(CENTER_BODY, "Rencontre des intercommunalités, 12 mars 2004", top=300,
                     one_byte=one_byte),
               Shape(TITLE, "Coopérer entre territoires", top=100, in_list=True, one_byte=one_byte),
               Shape(OTHER, "12", top=500, placeholder=SLIDE_NUMBER),
               Shape(OTHER, "Réseau rural", top=510, placeholder=FOOTER)],
              notes="L’animatrice a rappelé les règles.\rChacun s’est présenté."),
        Slide([Shape(BODY, "Freins\rManque de confiance\x0bentre élus", top=150, left=10),
               Shape(OTHER, "Leviers", top=150, left=400),
               Shape(TITLE, "Les ateliers", top=20)],
              old_shapes=[Shape(TITLE, "Version abandonnée")]),
    ]
    path = tmp_path / "diapos.ppt"
    path.write_bytes(slide_show(slides))
    document = read_document(path, tmp_path)
    assert document.format == "ppt" and document.notes[0] == "PowerPoint 97-2003 slides"
    assert document.text == (
        "# Coopérer entre territoires\n\nRencontre des intercommunalités, 12 mars 2004\n\n"
        "L’animatrice a rappelé les règles.\n\nChacun s’est présenté.\n\n"
        "# Les ateliers\n\n- Freins\n\n- Manque de confiance entre élus\n\n- Leviers\n")
    passages = segment(CleanDocument("diapos.ppt", document.text, document.text, ()))
    assert next(p for p in passages if p.text == "Leviers").heading == ("Les ateliers",)


def test_a_ppt_that_is_a_pptx_is_read_and_a_locked_or_damaged_one_is_skipped_with_its_reason(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pptx(corpus / "x.pptx").rename(corpus / "renommé.ppt")
    whole = slide_show([Slide([Shape(TITLE, "Atelier"), Shape(BODY, PARAGRAPH)])])
    (corpus / "ok.ppt").write_bytes(whole)
    (corpus / "secret.ppt").write_bytes(slide_show([Slide([Shape(TITLE, "Atelier")])], encrypted=True))
    (corpus / "coupé.ppt").write_bytes(whole[:len(whole) // 2])
    (corpus / "vide.pps").write_bytes(slide_show([Slide([Shape(OTHER, "12", placeholder=SLIDE_NUMBER)])]))
    (corpus / "word.ppt").write_bytes(word97([Paragraph(PARAGRAPH)]))
    documents = {d.path if isinstance(d, Skipped) else d.doc_id: d for d in read_corpus(corpus)}
    assert documents["renommé.ppt"].format == "pptx"
    assert documents["renommé.ppt"].notes[0] == "PowerPoint (.pptx) slides saved under a .ppt name"
    assert documents["ok.ppt"].text == f"# Atelier\n\n- {PARAGRAPH}\n"
    reasons = {name: d.reason for name, d in documents.items() if isinstance(d, Skipped)}
    assert set(reasons) == {"secret.ppt", "coupé.ppt", "vide.pps", "word.ppt"}
    assert "mot de passe" in reasons["secret.ppt"] and "tronquée" in reasons["coupé.ppt"]
    assert reasons["vide.pps"] == "aucun texte dans la présentation PowerPoint 97-2003"
    assert "un document Word" in reasons["word.ppt"]


def test_impress_slides_give_titles_as_headings_outline_items_and_speaker_notes(tmp_path):
    document = read_document(make_odp(tmp_path / "seminaire.odp"), tmp_path)
    assert document.format == "odp" and "OpenDocument slides" in document.notes
    assert document.text.strip().split("\n\n") == [
        "# Les compétences des animateurs",   # the title first, wherever its frame stands in the file
        "- Animer des ateliers",              # the outline's items, then the frames below it
        "- Faciliter la concertation",
        "- Écoute et esprit de synthèse",      # a frame inside a group (a text box): an item
        "Retour des ateliers du Pays",
        "L'intervenante a insisté sur l'écoute des élus.",  # the notes; the slide number left out
    ]


def test_a_broken_or_empty_presentation_is_skipped_with_its_reason(tmp_path):
    from pptx import Presentation

    (tmp_path / "casse.pptx").write_bytes(b"PK\x03\x04 not a presentation")
    with pytest.raises(UnreadableFile, match="fichier PowerPoint endommagé"):
        read_document(tmp_path / "casse.pptx", tmp_path)
    deck = Presentation()
    deck.slides.add_slide(deck.slide_layouts[6])  # a blank slide
    deck.save(tmp_path / "vide.pptx")
    with pytest.raises(UnreadableFile, match="aucun texte"):
        read_document(tmp_path / "vide.pptx", tmp_path)
    (tmp_path / "texte.odp").write_bytes(make_odt(tmp_path / "texte.odt").read_bytes())  # misnamed
    with pytest.raises(UnreadableFile, match="pas une présentation OpenDocument"):
        read_document(tmp_path / "texte.odp", tmp_path)


def _damage_member(path: Path, member: str) -> None:
    """Break the compressed data of one member of a zip package (its CRC and sizes left as they were)."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        header = package.getinfo(member).header_offset
    data = bytearray(path.read_bytes())
    # the local header: 30 bytes, then the name and extra field, whose lengths it gives at 26 and 28
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") \
        + int.from_bytes(data[header + 28:header + 30], "little")
    data[start:start + 16] = b"\xff" * 16  # a deflate block of the reserved type: zlib refuses it
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name, make, member, kind", [
    ("cr.docx", make_docx, "word/document.xml", "Word"),
    ("cr.odt", make_odt, "content.xml", "OpenDocument"),
    ("diapos.pptx", make_pptx, "ppt/slides/slide1.xml", "PowerPoint"),
    ("diapos.odp", make_odp, "content.xml", "OpenDocument"),
])
def test_a_damaged_office_file_is_skipped_with_its_reason_and_the_rest_is_read(tmp_path, name, make, member,
                                                                                 kind):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _damage_member(make(corpus / name), member)
    (corpus / "cr.txt").write_text(PARAGRAPH + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=f"fichier {kind} endommagé"):
        read_document(corpus / name, corpus)
    documents = list(read_corpus(corpus))
    assert [d.doc_id for d in documents if not isinstance(d, Skipped)] == ["cr.txt"]
    assert [d.path for d in documents if isinstance(d, Skipped)] == [name]


def test_a_page_table_as_trafilatura_writes_it_becomes_its_cells_items():
    text = ("Le tarif | réduit | vaut pour tous.\n\n| Freins | Leviers | \n|---|:---:|\n"
            "| 9 h 30 | Accueil \\| café |  | \n|  |  | \n| Atelier 1 | Marie | \n\nFin.\n")
    assert table_rows_as_items(text) == ("Le tarif | réduit | vaut pour tous.\n\n- Freins\n- Leviers\n"
                                         "- 9 h 30\n- Accueil | café\n- Atelier 1\n- Marie\n\nFin.\n")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return path


def test_a_zip_archive_in_the_corpus_is_read_where_it_lies_and_left_as_it_is(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_docx(tmp_path / "cr.docx")
    archive = _zip(corpus / "envoi.zip", {
        "2019/cr.docx": (tmp_path / "cr.docx").read_bytes(),
        "notes.txt": PARAGRAPH.encode("utf-8"),
        "s?minaire.txt": "Les élus ont coopéré.".encode("cp1252"),  # renamed below as Windows names it
        "Page.html": f"<html><body><article><p>{PARAGRAPH}</p></article></body></html>".encode(),
        "Page_files/frame.html": b"<html><body><p>Publicite</p></body></html>",
        "__MACOSX/._notes.txt": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "budget.xls": b"\xd0\xcf\x11\xe0",
        "autre.zip": b"PK\x05\x06" + bytes(18),
    })
    # a name as Windows writes it in a zip: in the DOS code page, without the flag that says UTF-8
    archive.write_bytes(archive.read_bytes().replace(b"s?minaire.txt", "séminaire.txt".encode("cp850")))
    (corpus / "cassée.zip").write_bytes(b"PK\x03\x04 pas une archive")
    (corpus / "vide.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    files, skipped = discover(corpus)
    assert [document_id(p, corpus) for p in files] == [
        "envoi.zip/2019/cr.docx", "envoi.zip/Page.html", "envoi.zip/notes.txt", "envoi.zip/séminaire.txt"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["envoi.zip/budget.xls"].startswith("format non lu (Excel)")
    assert reasons["envoi.zip/autre.zip"].startswith("archive sans document à lire")
    assert reasons["cassée.zip"].startswith("archive zip illisible")
    assert reasons["vide.zip"].startswith("archive sans document à lire")
    documents = {d.doc_id: d for d in read_corpus(corpus) if not isinstance(d, Skipped)}
    assert "# Rencontre des intercommunalités" in documents["envoi.zip/2019/cr.docx"].text
    assert documents["envoi.zip/séminaire.txt"].text == "Les élus ont coopéré."
    assert PARAGRAPH in documents["envoi.zip/Page.html"].text
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before  # nothing unpacked, nothing written


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> Path:
    import io
    import tarfile

    with tarfile.open(path, mode) as package:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            package.addfile(info, io.BytesIO(data))
    return path


def test_archives_and_mails_inside_archives_and_mails_are_read_where_they_lie(tmp_path):
    from tests.test_ingest import _mail

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docx = make_docx(tmp_path / "cr.docx").read_bytes()
    actes = _zip(tmp_path / "actes.zip", {"actes.docx": docx}).read_bytes()
    _tar(corpus / "envoi.tar.gz", {
        "2019/cr.txt": PARAGRAPH.encode("utf-8"),
        "/ailleurs.txt": b"Un nom qui commence par une barre.",
        "../dehors.txt": b"hors de l'archive",
        "mails/cr.eml": _mail(attachments={"actes.zip": actes, "budget.xlsx": b"PK\x03\x04"}),
    })
    _tar(corpus / "plat.tar", {"notes.md": "# Notes\n\nLes élus ont coopéré.\n".encode()}, mode="w")
    deepest = _zip(tmp_path / "z5.zip", {"x.txt": b"cinq"}).read_bytes()
    for level in (4, 3, 2):
        deepest = _zip(tmp_path / f"z{level}.zip", {f"z{level + 1}.zip": deepest}).read_bytes()
    (corpus / "z1.zip").write_bytes(_zip(tmp_path / "z1.zip", {"z2.zip": deepest}).read_bytes())
    (corpus / "cassée.tgz").write_bytes(b"\x1f\x8b\x08\x00 pas une archive")
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    files, skipped = discover(corpus)
    assert [document_id(p, corpus) for p in files] == [
        "envoi.tar.gz/2019/cr.txt", "envoi.tar.gz/ailleurs.txt", "envoi.tar.gz/mails/cr.eml",
        "envoi.tar.gz/mails/cr.eml/actes.zip/actes.docx", "plat.tar/notes.md"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["cassée.tgz"].startswith("archive tar illisible")
    assert reasons["z1.zip/z2.zip/z3.zip/z4.zip/z5.zip"].startswith("contenu dans 4 archives ou courriels")
    documents = {d.doc_id: d for d in read_corpus(corpus) if not isinstance(d, Skipped)}
    assert documents["envoi.tar.gz/2019/cr.txt"].text == PARAGRAPH
    assert documents["plat.tar/notes.md"].text.startswith("# Notes")
    mail = documents["envoi.tar.gz/mails/cr.eml"]
    assert "pièces jointes non lues (1) : budget.xlsx" in mail.notes[1]  # the zip is read, not named
    attached = documents["envoi.tar.gz/mails/cr.eml/actes.zip/actes.docx"]
    assert "# Rencontre des intercommunalités" in attached.text
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before  # nothing unpacked, nothing written
    assert not (tmp_path / "dehors.txt").exists()


def test_the_documents_of_a_zip_are_read_whole_by_forked_workers(tmp_path):
    """The archive opened while the corpus is listed is not the one the workers read from: a file opened
    before a fork shares its position with the children, and two workers seeking in it read each other's
    bytes (members skipped as damaged)."""
    from pipeline.ingest import read_bytes
    from pipeline.parallel import can_fork, fork_map

    if not can_fork():
        pytest.skip("no fork on this platform")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {f"cr-{index:03}.txt": f"Compte rendu {index}. " + "Les communes coopèrent. " * (50 + 7 * index)
             for index in range(200)}
    _zip(corpus / "envoi.zip", {name: text.encode() for name, text in texts.items()})
    files, _ = discover(corpus)
    for path in files:  # hashed in this process first, as `make analyse` does
        read_bytes(path)
    read = list(fork_map(_read_text_or_reason, files * 3, workers=2))
    assert read == [texts[path.name] for path in files * 3]


def test_a_zip_rewritten_with_its_size_and_time_kept_is_read_again(tmp_path):
    """An archive replaced by another of the same size whose modification time a copy kept (`cp -p`,
    `rsync -t`) is read anew, not from the archive opened before."""
    import os
    import zipfile

    def stored(text: str) -> None:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as package:
            package.writestr(zipfile.ZipInfo("cr.txt", (2024, 1, 1, 0, 0, 0)), text)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    archive = corpus / "envoi.zip"
    stored("Les communes coopèrent.")
    stat = archive.stat()
    assert read_document(corpus / "envoi.zip" / "cr.txt", corpus).text == "Les communes coopèrent."
    stored("Les habitant coopèrent.")
    os.utime(archive, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert archive.stat().st_size == stat.st_size and archive.stat().st_mtime_ns == stat.st_mtime_ns
    assert read_document(corpus / "envoi.zip" / "cr.txt", corpus).text == "Les habitant coopèrent."


def _read_text_or_reason(path: Path) -> str:
    try:
        return read_document(path, path.parent.parent).text
    except UnreadableFile as exc:
        return exc.reason


def test_a_damaged_or_locked_document_in_a_zip_is_skipped_with_its_reason(tmp_path):
    import zipfile

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    archive = _zip(corpus / "envoi.zip", {"a.txt": PARAGRAPH.encode() * 20, "b.txt": PARAGRAPH.encode()})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as package:
        first = package.getinfo("a.txt")
        start = first.header_offset + 30 + len("a.txt")
    data[start + 10:start + 30] = bytes(20)  # a.txt's compressed data broken
    archive.write_bytes(bytes(data))
    documents = list(read_corpus(corpus))
    kept = [d.doc_id for d in documents if not isinstance(d, Skipped)]
    reasons = {d.path: d.reason for d in documents if isinstance(d, Skipped)}
    assert kept == ["envoi.zip/b.txt"]
    assert reasons["envoi.zip/a.txt"].startswith("fichier illisible dans l'archive zip")


def test_ligatures_are_spelt_out_and_compounds_are_not_joined():
    text, notes = repair("l’e\ufb03cacité de la co-\nopération, socio-\nÉconomique")
    assert text.startswith("l’efficacité de la coopération")
    assert "socio-\nÉconomique" in text  # a capital after the hyphen: not a cut word
    assert len(notes) == 2


def test_other_document_formats_are_listed_as_skipped_never_silently_ignored(tmp_path):
    (tmp_path / "budget.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (tmp_path / "comptes-rendus.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "cr.txt").write_text(PARAGRAPH, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,date\n", encoding="utf-8")
    files, skipped = discover(tmp_path)
    assert [p.name for p in files] == ["cr.txt"]
    assert {s.path: s.reason.split(" : ")[0] for s in skipped} == {
        "budget.xls": "format non lu (Excel)", "photo.jpg": "format non lu (image)",
        "comptes-rendus.7z": "format non lu (archive)"}
    assert next(s.reason for s in skipped if s.path == "comptes-rendus.7z").endswith(
        "décompressez-la dans le dossier du corpus, ses fichiers seront lus")


@pytest.mark.slow
def test_a_corpus_of_pdf_doc_docx_odt_rtf_ppt_pptx_and_txt_is_analysed_and_an_xls_is_skipped(tmp_path):
    from pipeline.run import analyse
    from pipeline.settings import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "actes.pdf", [PARAGRAPH[:80], PARAGRAPH[80:]])
    make_docx(corpus / "cr.docx")
    make_odt(corpus / "cr.odt")
    (corpus / "cr.txt").write_text(PARAGRAPH + "\n", encoding="utf-8")
    (corpus / "cr.rtf").write_bytes(TEXTEDIT_RTF)
    make_pptx(corpus / "diapos.pptx")
    (corpus / "vieux.doc").write_bytes(word97([Paragraph("Séminaire de 2004", style=HEADING_1),
                                               Paragraph(PARAGRAPH)]))
    (corpus / "diapos 2004.ppt").write_bytes(slide_show([Slide([Shape(TITLE, "Bilan de 2004"),
                                                                Shape(BODY, PARAGRAPH)])]))
    (corpus / "budget.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             progress=False)
    result = analyse(settings)
    assert result.documents == 8, [s.path for s in result.skipped]
    skipped = [(s.path, s.reason.split(" : ")[0]) for s in result.skipped]
    assert skipped == [("budget.xls", "format non lu (Excel)")]
    with (tmp_path / "out" / "passages.jsonl").open(encoding="utf-8") as lines:
        docs = {json.loads(line)["doc_id"] for line in lines}
    assert docs == {"actes.pdf", "cr.docx", "cr.odt", "cr.rtf", "cr.txt", "diapos.pptx", "vieux.doc",
                    "diapos 2004.ppt"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert {i["doc_id"]: i["format"] for i in manifest["inputs"]}["actes.pdf"] == "pdf"
