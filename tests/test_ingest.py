"""Ingest: which files are read, what happens to the ones that cannot be, and how any encoding a French
user meets comes back as the same text."""

from __future__ import annotations

import datetime
import hashlib
import os
import struct
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.ingest import CorpusError, UnreadableFile, discover, document_id, read_corpus, read_document
from pipeline.readers.decoding import decode_bytes
from pipeline.types import Document, Skipped
from tests.wordfile import Paragraph, word97

FRENCH = (
    "Le séminaire « Coopérer entre territoires » a réuni élus, agents et habitants : l’été dernier, "
    "ça a été un vrai cœur d’échanges à Brive, où chacun s’est exprimé. Être ensemble, c’est déjà ça ! "
    "Très intéressant, même après la fête.\nDeuxième paragraphe : la règle est claire."
)
OK_TEXT = "Compte rendu de l’atelier : la coopération intercommunale.\n"


def build(root: Path, files: dict[str, bytes | str]) -> Path:
    """Create `files` (relative path -> content) under `root`; str content is written as UTF-8."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def read_all(corpus: Path, **options) -> tuple[dict[str, Document], dict[str, str]]:
    documents: dict[str, Document] = {}
    skipped: dict[str, str] = {}
    for item in read_corpus(corpus, **options):
        if isinstance(item, Skipped):
            skipped[item.path] = item.reason
        else:
            documents[item.doc_id] = item
    return documents, skipped


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


# ------------------------------------------------------------------------------ files that cannot be used


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
        (bytes(range(256)) * 8, "octets nuls"),
        (bytes(b for b in range(1, 256) if b not in b"\t\n\r\x0b\x0c ") * 8, "caractères de contrôle"),
    ],
)
def test_binary_file_is_skipped_and_the_others_are_read(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    corpus = build(tmp_path, {"ok.txt": OK_TEXT, "rapport.txt": content})
    documents, skipped = read_all(corpus)
    assert list(documents) == ["ok.txt"]
    assert "binaire" in skipped["rapport.txt"]
    assert expected in skipped["rapport.txt"]


def test_a_pdf_under_a_text_or_page_name_is_read_as_a_pdf(tmp_path: Path) -> None:
    from tests.test_readers import PARAGRAPH, make_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "x.pdf", [PARAGRAPH]).rename(corpus / "actes.txt")
    (corpus / "cassé.html").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\n")
    documents, skipped = read_all(corpus)
    assert documents["actes.txt"].format == "pdf" and PARAGRAPH[:40] in documents["actes.txt"].text
    assert documents["actes.txt"].notes[0] == "PDF document saved under a .txt name"
    assert "PDF" in skipped["cassé.html"]


def test_pages_a_site_mirror_saved_under_a_script_name_a_query_or_no_suffix_are_read(tmp_path: Path) -> None:
    from tests.test_readers import PARAGRAPH, make_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = SAVED_PAGE.format(charset="utf-8")
    for name in ("actes.php", "article.aspx?id=12", "index.html?p=2", "compte-rendu"):
        (corpus / name).write_text(page, encoding="utf-8")
    make_pdf(corpus / "x.pdf", [PARAGRAPH]).rename(corpus / "telecharger.php?doc=3")
    (corpus / "LICENSE").write_text("Permission is hereby granted, free of charge.\n", encoding="utf-8")
    (corpus / "outil.php").write_text("<?php echo 'bonjour'; ?>\n", encoding="utf-8")
    files, skipped = discover(corpus)
    assert not skipped and sorted(p.name for p in files) == [
        "actes.php", "article.aspx?id=12", "compte-rendu", "index.html?p=2", "telecharger.php?doc=3"]
    for path in files:
        document = read_document(path, corpus)
        assert ("l’écoute" in document.text) or (PARAGRAPH[:40] in document.text)
        assert "Plan du site" not in document.text


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  ", "\ufeff \n".encode("utf-8")])
def test_empty_file_is_skipped_and_the_others_are_read(tmp_path: Path, content: bytes) -> None:
    corpus = build(tmp_path, {"ok.md": OK_TEXT, "vide.txt": content})
    documents, skipped = read_all(corpus)
    assert list(documents) == ["ok.md"]
    assert skipped["vide.txt"].startswith("fichier vide")


def test_permission_denied_is_skipped_and_the_others_are_read(tmp_path, monkeypatch) -> None:
    corpus = build(tmp_path, {"a.txt": OK_TEXT, "secret.txt": OK_TEXT, "z.txt": OK_TEXT})
    real_read = ingest.read_bytes

    def read_bytes(path: Path) -> bytes:
        if Path(path).name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(ingest, "read_bytes", read_bytes)
    documents, skipped = read_all(corpus)
    assert sorted(documents) == ["a.txt", "z.txt"]
    assert skipped == {"secret.txt": "permission refusée"}


def test_file_vanishing_between_listing_and_reading(tmp_path, monkeypatch) -> None:
    corpus = build(tmp_path, {"a.txt": OK_TEXT, "parti.txt": OK_TEXT, "z.txt": OK_TEXT})
    real_discover = ingest.discover

    def discover_then_delete(*args, **kwargs):
        listed = real_discover(*args, **kwargs)
        (corpus / "parti.txt").unlink()
        return listed

    monkeypatch.setattr(ingest, "discover", discover_then_delete)
    documents, skipped = read_all(corpus)
    assert sorted(documents) == ["a.txt", "z.txt"]
    assert "disparu" in skipped["parti.txt"]


def test_directory_named_like_a_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "dossier.txt").mkdir()
    with pytest.raises(UnreadableFile, match="dossier, pas un fichier"):
        read_document(tmp_path / "dossier.txt", tmp_path)


def test_broken_link_is_reported_and_the_others_are_read(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"ok.txt": OK_TEXT})
    (corpus / "perdu.md").symlink_to(corpus / "n-existe-pas.md")
    documents, skipped = read_all(corpus)
    assert list(documents) == ["ok.txt"]
    assert "lien cassé" in skipped["perdu.md"]


def test_links_are_followed_without_looping_or_leaving_the_corpus(tmp_path: Path) -> None:
    outside = build(tmp_path / "ailleurs", {"externe.txt": OK_TEXT, "dossier/loin.txt": OK_TEXT})
    corpus = build(tmp_path / "corpus", {"ok.txt": OK_TEXT, "sous/b.txt": OK_TEXT})
    (corpus / "lien.txt").symlink_to(outside / "externe.txt")  # a link to a file: followed
    (corpus / "sous" / "boucle").symlink_to(corpus)  # a loop back to the root
    (corpus / "dehors").symlink_to(outside / "dossier")  # a folder outside the corpus
    (corpus / "soi.txt").symlink_to(corpus / "soi.txt")  # a link to itself
    (corpus / "a-raccourci").symlink_to(corpus / "sous")  # listed before the real folder it points to
    documents, skipped = read_all(corpus)
    assert sorted(documents) == ["lien.txt", "ok.txt", "sous/b.txt"]
    assert "déjà compris dans le corpus" in skipped["a-raccourci"]
    assert "hors du corpus" in skipped["dehors"]
    assert "déjà compris dans le corpus" in skipped["sous/boucle"]
    assert "boucle" in skipped["soi.txt"]


def test_nothing_readable_raises_corpus_error_after_reporting_each_file(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"vide.txt": b"", "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00"})
    seen: list[Skipped] = []
    with pytest.raises(CorpusError, match="aucun des 2"):
        seen.extend(read_corpus(corpus))
    assert [s.path for s in seen] == ["image.txt", "vide.txt"]


# ------------------------------------------------------------------------------------- which files count


def test_hidden_entries_and_data_files_are_ignored_and_an_image_is_listed_as_skipped(tmp_path: Path) -> None:
    corpus = build(
        tmp_path,
        {
            "a.txt": OK_TEXT,
            ".brouillon.txt": OK_TEXT,
            ".git/notes.md": OK_TEXT,
            "sous/.cache/x.html": "<p>cache</p>",
            "annotations/passages.jsonl": '{"text": "x", "label": []}\n',
            "image.png": b"\x89PNG\r\n\x1a\n\x00",
            "sous/B.MD": OK_TEXT,
            "sous/c.Markdown": OK_TEXT,
        },
    )
    files, skipped = discover(corpus)
    assert [document_id(p, corpus) for p in files] == ["a.txt", "sous/B.MD", "sous/c.Markdown"]
    assert [(s.path, s.reason.split(" : ")[0]) for s in skipped] == [("image.png", "format non lu (image)")]
    assert {d.format for d in read_all(corpus)[0].values()} == {"txt", "md"}


def test_the_folder_a_browser_saves_beside_a_complete_page_is_not_read(tmp_path: Path) -> None:
    corpus = build(
        tmp_path,
        {
            "Rencontre.html": PAGE.format(charset="utf-8"),
            "Rencontre_files/saved_resource.html": "<html><body><p>Publicité : achetez.</p></body>",
            "Rencontre_files/logo.png": b"\x89PNG\r\n\x1a\n\x00",
            "Vieille page.htm": PAGE.format(charset="utf-8"),
            "Vieille page_fichiers/cadre.htm": "<html><body><p>Partager sur Facebook</p></body>",
            "notes_files/compte-rendu.txt": OK_TEXT,  # no page of that name beside it: a folder of reports
        },
    )
    files, skipped = discover(corpus)
    assert [document_id(p, corpus) for p in files] == ["Rencontre.html", "Vieille page.htm",
                                                        "notes_files/compte-rendu.txt"]
    assert skipped == []


def test_output_and_cache_folders_inside_the_corpus_are_ignored(tmp_path: Path) -> None:
    corpus = build(
        tmp_path / "corpus",
        {"a.txt": OK_TEXT, "outputs/clean/a.txt": OK_TEXT, "cache/parse.txt": OK_TEXT, "sous/b.txt": OK_TEXT},
    )
    # Excluded paths are compared after resolving: a relative or dotted spelling still matches.
    exclude = [corpus / "outputs", tmp_path / "corpus" / "sous" / ".." / "cache"]
    documents, skipped = read_all(corpus, exclude=exclude)
    assert sorted(documents) == ["a.txt", "sous/b.txt"]
    assert skipped == {}


def test_unusual_file_names_are_read_with_stable_ids(tmp_path: Path) -> None:
    names = [
        "compte rendu final.md",
        "séminaire_Clermont-Ferrand.txt",
        "ligne\ncassée.txt",
        "sous dossier/é t é.md",
    ]
    corpus = build(tmp_path, dict.fromkeys(names, OK_TEXT))
    documents, skipped = read_all(corpus)
    assert skipped == {}
    assert sorted(documents) == sorted(names)
    assert all(d.text == OK_TEXT for d in documents.values())
    assert [document_id(p, corpus) for p in discover(corpus)[0]] == sorted(names)


def test_undecodable_file_name_gets_a_writable_id(tmp_path: Path) -> None:
    build(tmp_path, {"ok.txt": OK_TEXT})
    with open(os.fsencode(tmp_path) + b"/r\xe9union.txt", "wb") as handle:  # Latin-1 name on a UTF-8 system
        handle.write(OK_TEXT.encode())
    documents, skipped = read_all(tmp_path)
    assert skipped == {}
    assert sorted(documents) == ["ok.txt", "r\\xe9union.txt"]
    assert documents["r\\xe9union.txt"].text == OK_TEXT


def test_corpus_errors_name_the_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="introuvable : .*absent"):
        discover(tmp_path / "absent")
    (tmp_path / "fichier.txt").write_text(OK_TEXT)
    with pytest.raises(CorpusError, match="pas un dossier : .*fichier.txt"):
        discover(tmp_path / "fichier.txt")
    (tmp_path / "vide").mkdir()
    with pytest.raises(CorpusError, match="aucun fichier de corpus"):
        discover(tmp_path / "vide")


def test_document_fields(tmp_path: Path) -> None:
    raw = b"Titre\r\n\r\nUn paragraphe.\r\n"
    corpus = build(tmp_path, {"sous/rapport.htm": "<p>x</p>", "sous/rapport.txt": raw})
    document = read_document(corpus / "sous" / "rapport.txt", corpus)
    assert document.doc_id == "sous/rapport.txt"
    assert document.text == "Titre\n\nUn paragraphe.\n"
    assert (document.size, document.sha256) == (len(raw), hashlib.sha256(raw).hexdigest())
    assert document.format == "txt"


def test_reading_never_changes_the_corpus(tmp_path: Path) -> None:
    corpus = build(
        tmp_path,
        {
            "a.txt": FRENCH.encode("cp1252"),
            "b.md": "Ã©tÃ© " + FRENCH,
            "c.html": f"<html><body><article><p>{FRENCH}</p></article></body></html>",
            "d.txt": b"",
            "e.txt": b"%PDF-1.4\n",
        },
    )
    before = fingerprint(corpus)
    listing_before = sorted(os.listdir(corpus))
    read_all(corpus)
    assert fingerprint(corpus) == before
    assert sorted(os.listdir(corpus)) == listing_before


# ------------------------------------------------------------------------------------------------ encodings


def _with_bom(bom: bytes, codec: str):
    return lambda text: bom + text.encode(codec)


@pytest.mark.parametrize(
    ("name", "encode", "expected_encoding", "text"),
    [
        ("utf-8", lambda t: t.encode("utf-8"), "utf-8", FRENCH),
        ("utf-8 with BOM", lambda t: t.encode("utf-8-sig"), "utf-8-sig", FRENCH),
        ("utf-16 LE with BOM", _with_bom(b"\xff\xfe", "utf-16-le"), "utf-16", FRENCH),
        ("utf-16 BE with BOM", _with_bom(b"\xfe\xff", "utf-16-be"), "utf-16", FRENCH),
        ("utf-16 LE without BOM", lambda t: t.encode("utf-16-le"), "utf-16-le", FRENCH),
        ("windows-1252", lambda t: t.encode("cp1252"), "cp1252", FRENCH),
        ("mac roman", lambda t: t.encode("mac_roman"), "mac_roman", FRENCH),
        # Latin-1 has neither œ nor ’; ISO-8859-15 has œ (where Latin-1 has ½) but not ’.
        ("latin-1", lambda t: t.encode("latin-1"), "latin-1", FRENCH.replace("’", "'").replace("œ", "oe")),
        ("iso-8859-15", lambda t: t.encode("iso-8859-15"), "iso-8859-15", FRENCH.replace("’", "'")),
    ],
)
def test_french_text_round_trips_in_every_encoding(tmp_path, name, encode, expected_encoding, text) -> None:
    windows_text = text.replace("\n", "\r\n")
    corpus = build(tmp_path, {"ok.txt": OK_TEXT, "rapport.txt": encode(windows_text)})
    documents, skipped = read_all(corpus)
    assert skipped == {}
    document = documents["rapport.txt"]
    assert document.text == text
    assert document.encoding == expected_encoding
    assert document.notes == ()
    assert documents["ok.txt"].text == OK_TEXT


@pytest.mark.parametrize(
    ("text", "codec"),
    [("Été, à côté.", "mac_roman"), ("Été, à côté.", "latin-1"), ("L’été, à côté.", "cp1252")],
)
def test_short_accented_words_pick_the_right_code_page(text: str, codec: str) -> None:
    # Without a byte in 0x80-0x9F, Windows-1252 and Latin-1 give the same text: Latin-1 is recorded.
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1", "mac_roman"])
def test_mojibake_in_a_utf8_file_is_repaired_and_noted(tmp_path: Path, misread_as: str) -> None:
    garbled = FRENCH.encode("utf-8").decode(misread_as)  # an earlier tool read UTF-8 with the wrong codec
    assert garbled != FRENCH
    corpus = build(tmp_path, {"ok.txt": OK_TEXT, "abime.txt": garbled})
    documents, _ = read_all(corpus)
    document = documents["abime.txt"]
    assert document.text == FRENCH
    assert document.encoding == "utf-8"
    assert any("mojibake réparé" in note for note in document.notes)
    assert documents["ok.txt"].notes == ()


def test_windows_punctuation_lost_in_a_latin1_conversion_is_restored_next_to_letters() -> None:
    # "\x92" inside "l’été" was a Windows apostrophe; the lone "\x84" before a time is a lost symbol.
    decoded = decode_bytes("l\x92été, c\x9cur battant\n\x8416:00 - 17:30".encode())
    assert decoded.text == "l’été, cœur battant\n\x8416:00 - 17:30"
    assert decoded.notes == ("2 stray control character(s) read as Windows-1252 punctuation",)


def test_utf8_file_with_a_few_windows_bytes_is_read_without_mojibake() -> None:
    raw = "Le séminaire a réuni élus et agents ".encode() + "à Brive, l’été.".encode("cp1252")
    decoded = decode_bytes(raw)
    assert decoded.text == "Le séminaire a réuni élus et agents à Brive, l’été."
    assert decoded.encoding == "utf-8"
    assert "Windows-1252" in decoded.notes[0]


def test_decomposed_accents_are_composed() -> None:
    decomposed = "Le se\u0301minaire a re\u0301uni des e\u0301lus."
    decoded = decode_bytes(decomposed.encode())
    assert decoded.text == "Le séminaire a réuni des élus."
    assert decoded.notes == ("decomposed accents composed (Unicode NFC)",)


def test_invisible_characters_are_removed_and_other_breaks_read_as_newlines(tmp_path: Path) -> None:
    text = ("Les compé\u00adtences d'é\u200bcoute\u2060.\fPage deux.\vLigne.\u2028Autre ligne."
            "\u2029Paragraphe.\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    document = read_document(tmp_path / "a.txt", tmp_path)
    assert document.text == ("Les compétences d'écoute.\nPage deux.\nLigne.\nAutre ligne.\n\n"
                             "Paragraphe.\n")
    assert any("3 invisible" in note for note in document.notes)
    assert any("4 page, line or paragraph" in note for note in document.notes)


@pytest.mark.parametrize("name", ["page.txt", "notes.md"])
def test_html_character_references_in_text_are_read_as_the_characters_they_stand_for(tmp_path: Path,
                                                                                     name: str) -> None:
    (tmp_path / name).write_text("Le s&eacute;minaire&nbsp;: l&#8217;&Eacute;tat et l&#x2019;&eacute;coute "
                                 "&amp; la m&eacute;diation&shy;.\n", encoding="utf-8")
    document = read_document(tmp_path / name, tmp_path)
    assert document.text == "Le séminaire\u00a0: l\u2019État et l\u2019écoute & la médiation.\n"
    assert any("9 HTML character reference" in note for note in document.notes)


def test_a_text_file_of_html_markup_is_read_as_the_text_it_marks_up(tmp_path: Path) -> None:
    # a CMS export or a copied page body: no page around it, so not read as a web page before
    (tmp_path / "export.txt").write_text(
        '<h2>Compte rendu du s&eacute;minaire</h2>\n<p>Les élus ont souligné l’importance de '
        "l’<strong>écoute</strong>.<br />\nLa <a href=\"https://exemple.fr/m\">mutualisation</a> avance."
        "</p>\n"
        '<p><img src="photo-2015.jpg" alt="La salle" /></p>\n', encoding="utf-8")
    document = read_document(tmp_path / "export.txt", tmp_path)
    assert document.text == ("Compte rendu du séminaire\nLes élus ont souligné l’importance de l’écoute.\n"
                             "La mutualisation avance.")
    assert document.format == "txt" and any("HTML markup" in note for note in document.notes)


@pytest.mark.parametrize("text", [
    "La balise <p> ouvre un paragraphe et <br> coupe une ligne, a dit le formateur.\n",  # names two tags
    "Les <strong>élus</strong> et les <em>techniciens</em> ont échangé.\n",  # inline emphasis only
    "Le rapport compare 3 < 5 et 7 > 2, puis cite <Le Monde> et <https://exemple.fr>.\n",
])
def test_a_text_that_only_mentions_tags_stays_as_written(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    document = read_document(tmp_path / "a.txt", tmp_path)
    assert document.text == text and not any("HTML" in note for note in document.notes)


@pytest.mark.parametrize("name", ["actes.txt", "actes.md"])
def test_words_hyphenated_across_lines_in_text_copied_from_a_pdf_are_joined(tmp_path: Path,
                                                                            name: str) -> None:
    (tmp_path / name).write_text(
        "Les élus ont souligné l’importance de l’es-\nprit de synthèse pour coopé-\nrer efﬁcacement.\n"
        "Voir https://exemple.fr/Actualisation-du-\nrepertoire et la Région Auvergne-\nRhône-Alpes.\n",
        encoding="utf-8")
    document = read_document(tmp_path / name, tmp_path)
    assert document.text == ("Les élus ont souligné l’importance de l’esprit de synthèse pour coopérer "
                             "efficacement.\n"
                             "Voir https://exemple.fr/Actualisation-du-\nrepertoire et la Région Auvergne-\n"
                             "Rhône-Alpes.\n")  # an address's hyphen, and one before a capital, stay
    assert "2 word(s) hyphenated across lines joined" in document.notes
    assert any("1 ligature glyph" in note for note in document.notes)


def test_what_only_looks_like_a_character_reference_is_left_as_written(tmp_path: Path) -> None:
    text = ("R&D, AT&T, Sciences&Territoires, &ampli sans point-virgule, &inconnu; &#0; &#128; &#xD800; "
            "&#99999999; et « & » seul.\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    document = read_document(tmp_path / "a.txt", tmp_path)
    assert document.text == text
    assert not any("character reference" in note for note in document.notes)


def test_a_file_of_spaces_and_invisible_characters_is_empty(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" \u200b\t\u00ad\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="vide"):
        read_document(tmp_path / "a.txt", tmp_path)


def test_typographic_characters_are_left_alone() -> None:
    text = "« Coopérer » — l’œuvre… ﬁn ＡＢ"  # quotes, dash, ligature and full-width letters stay as written
    assert decode_bytes(text.encode()).text == text


# ---------------------------------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="{charset}"><title>Séminaire</title></head><body>
<nav><ul><li><a href="/">Accueil du site</a></li>
<li><a href="/agenda">Agenda des rencontres</a></li></ul></nav>
<article>
<h1>Coopérer entre et dans les territoires</h1>
<p>Le séminaire a réuni une trentaine de participants autour de la coopération intercommunale.</p>
<h2>Les leviers</h2>
<ul><li>la confiance entre élus et techniciens des communes voisines</li>
<li>des règles claires et partagées par tous les partenaires</li></ul>
<p>La mutualisation des services suppose une volonté commune et un animateur motivé, d’après eux.</p>
</article>
<div id="comments" class="comments"><h3>2 commentaires</h3><ol class="commentlist">
<li class="comment"><p>Merci pour ce compte rendu très détaillé, bravo à l’équipe !</p></li>
<li class="comment"><p>Achetez des montres pas chères sur notre site partenaire.</p></li></ol></div>
<footer>Mentions légales</footer></body></html>"""


def test_html_keeps_the_article_and_drops_navigation_and_comments(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"ok.txt": OK_TEXT, "page.html": PAGE.format(charset="utf-8")})
    documents, skipped = read_all(corpus)
    assert skipped == {}
    document = documents["page.html"]
    assert document.format == "html"
    lines = document.text.splitlines()
    assert "# Coopérer entre et dans les territoires" in lines
    assert "## Les leviers" in lines
    assert "- la confiance entre élus et techniciens des communes voisines" in lines
    assert "motivé, d’après eux." in document.text
    for dropped in ("Accueil du site", "Merci pour ce compte rendu", "montres", "Mentions légales"):
        assert dropped not in document.text
    assert any(note.startswith("section de commentaires écartée (") for note in document.notes)
    assert documents["ok.txt"].text == OK_TEXT


# A report Word saved as a « page web filtrée »: no article or main element for the extraction to find
WORD_WEB_PAGE = """<html><head><meta charset="utf-8"><title>Compte rendu</title></head><body lang=FR>
<div class=WordSection1>
<h1><span>Rencontre des agents de développement</span></h1>
<p class=MsoNormal><span>Le séminaire a réuni une trentaine de participants autour de la
coopération.</span></p>
<h2><span>Atelier 1 : la coopération intercommunale</span></h2>
<p class=MsoNormal><b><span>Les communes</span></b><span> ont présenté leurs projets de mobilité partagée
avec la communauté de communes.</span></p>
<h2><span>Atelier 2 : les compétences</span></h2>
<p class=MsoNormal><span>Les animateurs ont insisté sur l’écoute et l’esprit de synthèse dans les
réunions.</span></p>
<div class=widget><h3>Articles récents</h3><ul><li><a href="/a">Un autre article</a></li>
<li><a href="/b">Encore un article</a></li></ul></div>
</div></body></html>"""


def test_a_page_without_a_main_block_keeps_its_headings_above_their_paragraphs(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"compte-rendu.htm": WORD_WEB_PAGE})
    document = read_document(corpus / "compte-rendu.htm", corpus)
    blocks = [" ".join(block.split()) for block in document.text.strip().split("\n\n")]
    assert blocks == [
        "# Rencontre des agents de développement",
        "Le séminaire a réuni une trentaine de participants autour de la coopération.",
        "## Atelier 1 : la coopération intercommunale",
        "**Les communes** ont présenté leurs projets de mobilité partagée avec la communauté de communes.",
        "## Atelier 2 : les compétences",
        "Les animateurs ont insisté sur l’écoute et l’esprit de synthèse dans les réunions.",
    ]  # the widget's heading went with its list
    assert "titres de la page remis au-dessus de leurs paragraphes (3)" in document.notes


def test_headings_the_extraction_kept_are_not_put_back_twice(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"page.html": PAGE.format(charset="utf-8")})
    document = read_document(corpus / "page.html", corpus)
    assert document.text.count("Les leviers") == 1
    assert not any(note.startswith("titres de la page") for note in document.notes)


def test_a_page_source_saved_as_txt_is_read_as_a_web_page(tmp_path: Path) -> None:
    page = ("<!-- enregistré depuis le navigateur -->\n<!DOCTYPE html><html lang=\"fr\"><body>"
            "<nav>Accueil</nav><article><h1>Séminaire</h1><p>Les communes et l&rsquo;intercommunalité "
            "ont mutualisé leurs services techniques depuis dix ans.</p></article></body></html>")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    (tmp_path / "note.txt").write_text("Le balisage <html> ouvre une page.\n", encoding="utf-8")
    document = read_document(tmp_path / "page.txt", tmp_path)
    assert document.format == "html" and "<" not in document.text and "&" not in document.text
    assert "Les communes et l’intercommunalité ont mutualisé" in document.text
    assert any("HTML page in a text file" in note for note in document.notes)
    assert read_document(tmp_path / "note.txt", tmp_path).text == "Le balisage <html> ouvre une page.\n"


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    corpus = build(tmp_path, {"page.htm": PAGE.format(charset="windows-1252").encode("cp1252")})
    document = read_document(corpus / "page.htm", corpus)
    assert document.encoding == "cp1252"
    assert "la confiance entre élus" in document.text


def test_html_without_main_text_falls_back_then_gives_up(tmp_path: Path) -> None:
    corpus = build(
        tmp_path,
        {
            "pied.html": "<html><body><footer><p>Le séminaire a réuni trente élus.</p></footer></body>",
            "rien.html": "<html><head><script>var x = 1;</script></head><body><div></div></body></html>",
        },
    )
    documents, skipped = read_all(corpus)
    assert documents["pied.html"].text == "Le séminaire a réuni trente élus."
    assert documents["pied.html"].notes[0].startswith("no main text found in the HTML: the whole page text")
    assert skipped == {"rien.html": "aucun texte trouvé dans le HTML"}


def test_html_nested_deeper_than_lxml_reads_is_still_read(tmp_path: Path) -> None:
    # lxml stops at about 255 levels; trafilatura then finds nothing and the page used to be skipped
    depth = 2_000
    page = ("<html><head><title>t</title><script>var x = 1;</script></head><body>" + "<div>" * depth
            + "<p>Les élus des communes voisines coopèrent.</p><p>Un second paragraphe.</p>"
            + "</div>" * depth + "</body></html>")
    corpus = build(tmp_path, {"profond.html": page})
    documents, skipped = read_all(corpus)
    assert skipped == {}
    document = documents["profond.html"]
    assert document.text == "Les élus des communes voisines coopèrent.\nUn second paragraphe."
    assert document.notes[0].startswith("no main text found in the HTML")


def test_html_that_lies_about_its_charset_is_still_read(tmp_path: Path) -> None:
    page = PAGE.format(charset="utf-8").encode("cp1252")
    corpus = build(tmp_path, {"page.html": page})
    document = read_document(corpus / "page.html", corpus)
    assert "la confiance entre élus" in document.text
    assert document.encoding in {"cp1252", "latin-1"}
    assert "le jeu de caractères déclaré 'utf-8' ne correspond pas aux octets" in document.notes[0]


# ------------------------------------------------------------------------------------------- real corpus


def test_real_corpus_is_read_entirely(crdh_dir: Path) -> None:
    documents, skipped = read_all(crdh_dir)
    assert skipped == {}
    assert len(documents) == 250
    assert "crForwardLinking2024-05-06 - copie.md" in documents
    assert {d.encoding for d in documents.values()} - {"utf-8", "utf-8-sig"}
    assert not [d.doc_id for d in documents.values() if "Ã©" in d.text or "\ufffd" in d.text]


def _mhtml(html: bytes, *, encoding: str = "quoted-printable", charset: str | None = None) -> bytes:
    """A page as a browser saves it in one file (MHTML)."""
    import base64
    import quopri

    body = quopri.encodestring(html) if encoding == "quoted-printable" else base64.encodebytes(html)
    content_type = "text/html" + (f'; charset="{charset}"' if charset else "")
    return (b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://exemple.fr/seminaire\r\n"
            b"Subject: Seminaire\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
            b'\ttype="text/html";\r\n\tboundary="----MultipartBoundary--abc"\r\n\r\n'
            b"------MultipartBoundary--abc\r\nContent-Type: " + content_type.encode() + b"\r\n"
            b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n"
            b"Content-Location: https://exemple.fr/seminaire\r\n\r\n" + body.replace(b"\n", b"\r\n")
            + b"\r\n------MultipartBoundary--abc\r\nContent-Type: image/png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n------MultipartBoundary--abc--\r\n")


SAVED_PAGE = ("<!DOCTYPE html><html><head><meta charset='{charset}'><title>Séminaire</title></head><body>"
        "<nav>Accueil | Contact | Plan du site</nav><article><h1>Compte rendu du séminaire</h1>"
        "<p>Les élus ont souligné l’importance de l’écoute et de l’esprit de synthèse pour coopérer entre "
        "communes, et la mutualisation des services a été présentée par les agents de développement.</p>"
        "</article></body></html>")


@pytest.mark.parametrize("encoding, charset, declared", [
    ("quoted-printable", "utf-8", None),  # Chrome: no charset on the part, the page's <meta> says it
    ("base64", "windows-1252", "windows-1252"),
])
def test_a_web_page_saved_as_one_mhtml_file_is_read_as_the_page(tmp_path: Path, encoding: str, charset: str,
                                                                 declared: str | None) -> None:
    html = SAVED_PAGE.format(charset=charset).replace("’", "'").encode(charset)
    (tmp_path / "page.mhtml").write_bytes(_mhtml(html, encoding=encoding, charset=declared))
    document = read_document(tmp_path / "page.mhtml", tmp_path)
    assert "Les élus ont souligné l'importance de l'écoute" in document.text
    assert "Accueil" not in document.text and "iVBOR" not in document.text
    assert document.format == "html" and "web page saved as one MHTML file" in document.notes


def test_a_page_s_underline_and_superscript_tags_are_read_as_the_words_they_mark(tmp_path: Path) -> None:
    (tmp_path / "cr.html").write_text(
        "<html><body><article><h1>Rencontre</h1><p>La 1<sup>re</sup> édition a réuni les élus, "
        "<u>pour la première fois</u>, autour du CO<sub>2</sub> et de la coopération entre communes "
        "voisines du Pays.</p></article></body></html>", encoding="utf-8")
    text = read_document(tmp_path / "cr.html", tmp_path).text
    assert "La 1re édition a réuni les élus, pour la première fois, autour du CO2 et" in text


def test_the_escapes_of_the_page_extraction_are_dropped_but_for_a_hash_opening_a_line(tmp_path: Path):
    (tmp_path / "cr.html").write_text(
        "<html><body><article><h1>Rencontre</h1><p>1. Contexte de la coopération entre les communes du Pays."
        "</p><p># pas un titre, un dièse écrit dans le texte des élus du Pays.</p><p>Le budget est de 5 * 3 "
        "euros par habitant et par an pour les communes voisines.</p></article></body></html>",
        encoding="utf-8")
    text = read_document(tmp_path / "cr.html", tmp_path).text
    assert "\n1. Contexte de la coopération" in text and "5 * 3 euros" in text
    assert "\n\\# pas un titre" in text  # unescaped, it would read as a heading


def _epub(path: Path, chapters: list[str], *, encrypted: bool = False) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml",
                      '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:'
                      'xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
                      'media-type="application/oebps-package+xml"/></rootfiles></container>')
        items = "".join(f'<item id="c{i}" href="Text/ch%20{i}.xhtml" media-type="application/xhtml+xml"/>'
                        for i in range(len(chapters)))
        spine = "".join(f'<itemref idref="c{i}"/>' for i in reversed(range(len(chapters))))  # not the order
        book.writestr("OEBPS/content.opf",
                      '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
                      '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Actes du séminaire'
                      '</dc:title><dc:creator>Réseau rural</dc:creator>'
                      '<dc:date>2019-06-14T10:00:00Z</dc:date>'
                      f'</metadata><manifest>{items}</manifest><spine>{spine}</spine></package>')
        for i, body in enumerate(chapters):
            book.writestr(f"OEBPS/Text/ch {i}.xhtml",
                          '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
                          f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>c</title></head><body>{body}'
                          '</body></html>')
        if encrypted:
            book.writestr("META-INF/encryption.xml", "<encryption><EncryptedData/></encryption>")
    return path


def test_an_epub_book_gives_its_chapters_in_reading_order_with_their_headings_and_notes(tmp_path: Path):
    chapters = [
        "<header><h1>Conclusion</h1></header><p>Les élus ont fixé un calendrier commun pour la suite.</p>",
        "<h1>Atelier 1</h1><p>Les communes ont mutualisé leurs services techniques."
        "<a epub:type='noteref' href='#n1'>1</a></p><ul><li>la confiance entre élus</li></ul>"
        "<aside epub:type='footnote' id='n1'><p>Voir le rapport de 2018 sur la coopération.</p></aside>",
        "<h1>Introduction</h1><p>Le séminaire a réuni cinquante agents de développement et des élus.</p>",
    ]
    _epub(tmp_path / "actes.epub", chapters)
    _epub(tmp_path / "verrouillé.epub", chapters, encrypted=True)
    (tmp_path / "cassé.epub").write_bytes(b"PK\x03\x04 pas un livre")
    book = read_document(tmp_path / "actes.epub", tmp_path)
    text = book.text
    assert book.notes[0] == "EPUB book"
    assert text.index("# Introduction") < text.index("# Atelier 1") < text.index("# Conclusion")
    assert "- la confiance entre élus" in text and "Voir le rapport de 2018 sur la coopération." in text
    assert book.metadata == {"titre": "Actes du séminaire", "auteur": "Réseau rural", "date": "2019-06-14"}
    with pytest.raises(UnreadableFile, match="DRM"):
        read_document(tmp_path / "verrouillé.epub", tmp_path)
    with pytest.raises(UnreadableFile, match="livre numérique"):
        read_document(tmp_path / "cassé.epub", tmp_path)


def test_an_xhtml_page_is_read_and_a_false_mhtml_is_skipped_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "page.xhtml").write_text(SAVED_PAGE.format(charset="utf-8"), encoding="utf-8")
    (tmp_path / "pas-une-page.mht").write_text("Juste du texte, sans en-tête MIME.\n", encoding="utf-8")
    files, skipped = discover(tmp_path)
    assert sorted(p.name for p in files) == ["page.xhtml", "pas-une-page.mht"] and not skipped
    assert "l’écoute" in read_document(tmp_path / "page.xhtml", tmp_path).text
    with pytest.raises(UnreadableFile, match="MHTML"):
        read_document(tmp_path / "pas-une-page.mht", tmp_path)


def test_a_page_safari_saved_as_a_web_archive_is_read_as_the_page(tmp_path: Path) -> None:
    import plistlib

    page = SAVED_PAGE.format(charset="windows-1252").encode("cp1252")
    archive = {"WebMainResource": {"WebResourceData": page, "WebResourceMIMEType": "text/html",
                                   "WebResourceTextEncodingName": "windows-1252",
                                   "WebResourceURL": "https://pays.example.fr/cr"},
               "WebSubresources": [{"WebResourceData": b"\x89PNG\r\n", "WebResourceMIMEType": "image/png",
                                    "WebResourceURL": "https://pays.example.fr/logo.png"}]}
    (tmp_path / "cr.webarchive").write_bytes(plistlib.dumps(archive, fmt=plistlib.FMT_BINARY))
    (tmp_path / "cassée.webarchive").write_bytes(b"bplist00\xd1\x01\x02")
    document = read_document(tmp_path / "cr.webarchive", tmp_path)
    assert document.format == "html" and document.notes[0] == "web page saved as a Safari web archive"
    assert "l’écoute et de l’esprit de synthèse" in document.text and "Plan du site" not in document.text
    with pytest.raises(UnreadableFile, match="archive web Safari"):
        read_document(tmp_path / "cassée.webarchive", tmp_path)


def _mail(subject: str = "Compte rendu de la journée du réseau, Florac",
          attachments: dict[str, bytes] | None = None) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Marie Dupont <marie.dupont@pays.example.fr>"
    message["To"] = "reseau@example.fr"
    message["Subject"] = subject
    message["Date"] = "Fri, 12 Mar 2004 17:05:00 +0100"
    message.set_content("Bonjour,\n\nLes élus ont souligné l’importance de l’écoute.\n", charset="utf-8")
    message.add_alternative("<html><body><p>Bonjour,</p><p>Les élus ont souligné l’importance de l’écoute "
                            "pour coopérer entre communes, et la mutualisation des services a été présentée "
                            "par les agents de développement.</p><p><a href='#'>Se désinscrire</a></p>"
                            "</body></html>", subtype="html")
    if attachments is None:
        attachments = {"actes.pdf": b"%PDF-1.4 ...", "budget.xlsx": b"PK\x03\x04", "logo.png": b"\x89PNG"}
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def test_a_mail_gives_its_body_with_its_subject_as_title_and_its_attachments_as_documents(tmp_path: Path):
    from tests.test_readers import PARAGRAPH, make_pdf

    actes = make_pdf(tmp_path / "x.pdf", [PARAGRAPH]).read_bytes()
    (tmp_path / "x.pdf").unlink()
    (tmp_path / "cr.eml").write_bytes(_mail(attachments={
        "actes.pdf": actes, "actes.pdf ": actes, "budget.xlsx": b"PK\x03\x04", "logo.png": b"\x89PNG"}))
    plain = ("From: =?iso-8859-1?q?Jos=E9?= <jose@example.fr>\nSubject: =?iso-8859-1?q?R=E9union?=\n"
             "Date: Mon, 3 Jun 2002 09:00:00 +0200\nMIME-Version: 1.0\n"
             "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
             "Les communes coop=E8rent depuis dix ans.\n").encode("ascii")
    (tmp_path / "réunion.eml").write_bytes(plain)
    (tmp_path / "pas-un-mail.eml").write_text("Juste une ligne de texte.\n", encoding="utf-8")
    document = read_document(tmp_path / "cr.eml", tmp_path)
    assert document.text.startswith("# Compte rendu de la journée du réseau, Florac\n\nBonjour,")
    assert "l’importance de l’écoute pour coopérer" in document.text and document.format == "html"
    assert document.metadata["titre"] == "Compte rendu de la journée du réseau, Florac"
    assert (document.metadata["auteur"], document.metadata["date"]) == ("Marie Dupont", "2004-03-12")
    assert document.notes[:2] == ("e-mail", "pièces jointes non lues (1) : budget.xlsx ; pour les analyser, "
                                            "enregistrez-les dans le corpus")
    # the attached PDF (twice, under one name: told apart) is a document of the corpus, read where it lies
    files, skipped = discover(tmp_path)
    assert [document_id(p, tmp_path) for p in files if "cr.eml" in str(p)] == [
        "cr.eml", "cr.eml/actes (2).pdf", "cr.eml/actes.pdf"]
    attached = read_document(tmp_path / "cr.eml" / "actes.pdf", tmp_path)
    assert attached.doc_id == "cr.eml/actes.pdf" and PARAGRAPH[:40] in attached.text
    # a mail forwarded as an attachment is a document of its own, its attached files too
    import email
    import email.policy

    policy = email.policy.default
    outer = email.message_from_bytes(_mail("Tr : le compte rendu", attachments={}), policy=policy)
    outer.add_attachment(email.message_from_bytes(_mail(attachments={"actes.pdf": actes}), policy=policy))
    outer.add_attachment(email.message_from_bytes(_mail("Une question ?", attachments={}), policy=policy))
    (tmp_path / "transfert.eml").write_bytes(outer.as_bytes())
    # an attached file whose name holds « ? » (which a saved page's name has before its query) is read too
    (tmp_path / "question.eml").write_bytes(_mail(attachments={"Compte rendu ?.pdf": actes}))
    ids = [document_id(p, tmp_path) for p in discover(tmp_path)[0]]
    attached = [i for i in ids if i.startswith("question.eml")]
    assert attached == ["question.eml", "question.eml/Compte rendu _.pdf"]
    forwarded = "transfert.eml/Compte rendu de la journée du réseau, Florac.eml"
    files, _ = discover(tmp_path)
    assert [document_id(p, tmp_path) for p in files if "transfert" in str(p)] == [
        "transfert.eml", forwarded, f"{forwarded}/actes.pdf", "transfert.eml/Une question _.eml"]
    assert len(read_document(tmp_path / "transfert.eml", tmp_path).notes) == 1  # nothing left unread
    inner = read_document(tmp_path / forwarded, tmp_path)
    assert inner.text.startswith("# Compte rendu de la journée du réseau, Florac\n\nBonjour,")
    assert inner.metadata["date"] == "2004-03-12"
    assert PARAGRAPH[:40] in read_document(tmp_path / forwarded / "actes.pdf", tmp_path).text
    latin = read_document(tmp_path / "réunion.eml", tmp_path)
    assert latin.text == "# Réunion\n\nLes communes coopèrent depuis dix ans.\n"
    assert (latin.metadata["auteur"], latin.metadata["date"]) == ("José", "2002-06-03")
    with pytest.raises(UnreadableFile, match="pas un courriel"):
        read_document(tmp_path / "pas-un-mail.eml", tmp_path)


def test_an_outlook_message_gives_its_body_subject_sender_date_and_attachments(tmp_path: Path) -> None:
    from tests.compound import compound_file
    from tests.test_readers import make_docx

    def unicode(text: str) -> bytes:
        return text.encode("utf-16-le").ljust(4096, b"\0")

    streams = {
        "__properties_version1.0": bytes(4096),
        "__substg1.0_0037001F": unicode("Atelier coopération : synthèse"),
        "__substg1.0_0C1A001F": unicode("Paul Martin"),
        "__substg1.0_007D001F": unicode("Received: from x\r\nDate: Tue, 5 Oct 2010 10:00:00 +0200\r\n"),
        "__substg1.0_1000001F": unicode("Les agents de développement animent les ateliers.\r\nÀ bientôt."),
        "__attach_version1.0_#00000000/__substg1.0_3707001F": unicode("programme.docx"),
        "__attach_version1.0_#00000000/__substg1.0_37010102": make_docx(tmp_path / "p.docx").read_bytes(),
        "__attach_version1.0_#00000001/__substg1.0_3707001F": unicode("tableau.xlsx"),
        "__attach_version1.0_#00000001/__substg1.0_37010102": bytes(4096),
    }
    (tmp_path / "atelier.msg").write_bytes(compound_file(streams))
    (tmp_path / "word.msg").write_bytes(word97([Paragraph("Un document Word nommé .msg")]))
    document = read_document(tmp_path / "atelier.msg", tmp_path)
    assert document.text == ("# Atelier coopération : synthèse\n\n"
                             "Les agents de développement animent les ateliers.\nÀ bientôt.")
    assert document.metadata == {"titre": "Atelier coopération : synthèse", "auteur": "Paul Martin",
                                 "date": "2010-10-05"}
    assert document.notes[1].startswith("pièces jointes non lues (1) : tableau.xlsx")
    attached = read_document(tmp_path / "atelier.msg" / "programme.docx", tmp_path)
    assert "# Rencontre des intercommunalités" in attached.text
    with pytest.raises(UnreadableFile, match="pas un message Outlook"):
        read_document(tmp_path / "word.msg", tmp_path)


def test_an_outlook_message_whose_only_body_is_rich_text_gives_that_text(tmp_path: Path) -> None:
    import compressed_rtf

    from tests.compound import compound_file

    def unicode(text: str) -> bytes:
        return text.encode("utf-16-le").ljust(4096, b"\0")

    # as Outlook writes a body it got as HTML: the tags kept in ignorable groups, the text around them
    # (the break after the heading only in the tags, as in the real Outlook messages read)
    source = (rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
              rb"{\*\htmltag64 <h1>}Atelier{\*\htmltag72 </h1>}"
              rb"{\*\htmltag64 <p>}Le s\'e9minaire a r\'e9uni les agents de d\'e9veloppement.\par"
              rb"{\*\htmltag72 </p>}{\*\htmltag64 <p>}Ils animent les ateliers.\par{\*\htmltag72 </p>}}")
    properties = {"__properties_version1.0": bytes(4096), "__substg1.0_0037001F": unicode("Séminaire")}
    for name, packed in (("compressed.msg", compressed_rtf.compress(source)),
                         ("uncompressed.msg", compressed_rtf.compress(source, compressed=False))):
        body = {"__substg1.0_10090102": packed.ljust(4096, b"\0")}  # the header says where the data ends
        (tmp_path / name).write_bytes(compound_file({**properties, **body}))
        document = read_document(tmp_path / name, tmp_path)
        assert document.text == ("# Séminaire\n\nAtelier\n\nLe séminaire a réuni les agents de "
                                 "développement.\n\nIls animent les ateliers.\n"), name
    damaged = bytearray(compressed_rtf.compress(source))
    damaged[12] ^= 0xFF  # the checksum
    body = {"__substg1.0_10090102": bytes(damaged).ljust(4096, b"\0")}
    (tmp_path / "damaged.msg").write_bytes(compound_file({**properties, **body}))
    with pytest.raises(UnreadableFile, match="texte enrichi endommagé"):
        read_document(tmp_path / "damaged.msg", tmp_path)


def test_the_messages_of_an_exported_mailbox_are_documents_with_their_attachments(tmp_path: Path) -> None:
    from tests.test_readers import PARAGRAPH, make_pdf

    actes = make_pdf(tmp_path / "x.pdf", [PARAGRAPH]).read_bytes()
    (tmp_path / "x.pdf").unlink()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    quoted = ("From: reseau@example.fr\nSubject: Les ateliers\nDate: Tue, 2 Mar 2021 09:00:00 +0100\n"
              "Content-Type: text/plain; charset=utf-8\n\nLes agents animent les ateliers.\n"
              ">From the start, les élus ont coopéré.\n").encode()
    mails = [_mail("Compte rendu : Florac ?", attachments={}),
             _mail("Actes", attachments={"actes.pdf": actes}), quoted]
    # as Thunderbird exports a folder: each message after a « From - date » line
    (corpus / "lettres.mbox").write_bytes(b"".join(
        b"From - Tue Mar 02 09:00:00 2021\n" + mail.replace(b"\r\n", b"\n") + b"\n" for mail in mails))
    apple = corpus / "Réseau.mbox"  # as Apple Mail exports a mailbox: a folder holding a file named mbox
    apple.mkdir()
    (apple / "mbox").write_bytes(b"From nobody@example.fr Mon Jun  3 10:00:00 2019\n" + quoted)
    (apple / "table_of_contents").write_bytes(b"\x00\x01\x02")
    (corpus / "faux.mbox").write_text("Une liste de noms.\n", encoding="utf-8")
    files, skipped = discover(corpus)
    assert [document_id(p, corpus) for p in files] == [
        "Réseau.mbox/mbox/001 Les ateliers.eml", "lettres.mbox/001 Compte rendu _ Florac _.eml",
        "lettres.mbox/002 Actes.eml", "lettres.mbox/002 Actes.eml/actes.pdf",
        "lettres.mbox/003 Les ateliers.eml"]
    assert [(s.path, s.reason[:30]) for s in skipped] == [("faux.mbox", "pas une boîte de courriels mbo")]
    documents = {d.doc_id: d for d in read_corpus(corpus) if not isinstance(d, Skipped)}
    ateliers = documents["lettres.mbox/003 Les ateliers.eml"]
    assert ateliers.text == ("# Les ateliers\n\nLes agents animent les ateliers.\n"
                             "From the start, les élus ont coopéré.\n")
    assert ateliers.metadata["date"] == "2021-03-02"
    florac = documents["lettres.mbox/001 Compte rendu _ Florac _.eml"]
    assert florac.metadata["titre"] == "Compte rendu : Florac ?"
    assert PARAGRAPH[:40] in documents["lettres.mbox/002 Actes.eml/actes.pdf"].text
    assert documents["Réseau.mbox/mbox/001 Les ateliers.eml"].text == ateliers.text


def test_a_message_attached_to_an_outlook_message_is_read_with_its_date_and_attachments(tmp_path: Path):
    from tests.compound import compound_file
    from tests.test_readers import make_docx

    def unicode(text: str) -> bytes:
        return text.encode("utf-16-le").ljust(4096, b"\0")

    def properties(header: int, sent: datetime.datetime | None = None) -> bytes:
        stream = bytearray(header)
        if sent is not None:  # PR_CLIENT_SUBMIT_TIME, a FILETIME
            steps = (sent - datetime.datetime(1601, 1, 1)) // datetime.timedelta(microseconds=1) * 10
            stream += struct.pack("<IIQ", 0x00390040, 6, steps)
        return bytes(stream).ljust(4096, b"\0")

    attached = "__attach_version1.0_#00000000/__substg1.0_3701000D/"
    streams = {
        "__properties_version1.0": properties(32, datetime.datetime(2021, 6, 3, 9, 30)),
        "__substg1.0_0037001F": unicode("TR: compte rendu du séminaire"),
        "__substg1.0_1000001F": unicode("Je vous transfère le compte rendu."),
        "__attach_version1.0_#00000000/__properties_version1.0": bytes(4096),
        "__attach_version1.0_#00000000/__substg1.0_3001001F": unicode("Compte rendu"),
        f"{attached}__properties_version1.0": properties(24, datetime.datetime(2021, 5, 28, 17, 0)),
        f"{attached}__substg1.0_0037001F": unicode("Compte rendu du séminaire de Florac"),
        f"{attached}__substg1.0_0C1A001F": unicode("Marie Dupont"),
        f"{attached}__substg1.0_1000001F": unicode("Les élus ont souligné l'importance de l'écoute."),
        f"{attached}__attach_version1.0_#00000000/__substg1.0_3707001F": unicode("programme.docx"),
        f"{attached}__attach_version1.0_#00000000/__substg1.0_37010102":
            make_docx(tmp_path / "p.docx").read_bytes(),
    }
    (tmp_path / "p.docx").unlink()
    (tmp_path / "transfert.msg").write_bytes(compound_file(streams))
    files, skipped = discover(tmp_path)
    assert [document_id(p, tmp_path) for p in files] == [
        "transfert.msg", "transfert.msg/Compte rendu.eml", "transfert.msg/Compte rendu.eml/programme.docx"]
    outer = read_document(tmp_path / "transfert.msg", tmp_path)
    assert outer.metadata["date"] == "2021-06-03" and len(outer.notes) == 1  # no transport headers: sent time
    assert outer.metadata["titre"] == "compte rendu du séminaire"  # « TR: » left out of the title
    assert outer.text.startswith("# TR: compte rendu du séminaire\n")  # the text keeps the subject as written
    inner = read_document(tmp_path / "transfert.msg" / "Compte rendu.eml", tmp_path)
    assert inner.text == ("# Compte rendu du séminaire de Florac\n\n"
                          "Les élus ont souligné l'importance de l'écoute.\n")
    assert inner.metadata == {"titre": "Compte rendu du séminaire de Florac", "auteur": "Marie Dupont",
                              "date": "2021-05-28"}
    docx = read_document(tmp_path / "transfert.msg" / "Compte rendu.eml" / "programme.docx", tmp_path)
    assert "# Rencontre des intercommunalités" in docx.text
