from itertools import pairwise

from pipeline.text.segment import segment
from pipeline.types import CleanDocument


def _passages(text: str):
    return segment(CleanDocument("doc.md", text, text, ()))


def _plain(text: str) -> str:
    """The seed uses non-breaking spaces inside « »; compare with ordinary spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_every_passage_text_is_its_span_of_the_clean_text(seed_text):
    for passage in _passages(seed_text):
        assert seed_text[passage.start : passage.end] == passage.text
        assert passage.text.strip() == passage.text


def test_seed_grid_bullets_know_their_parent(seed_text):
    by_text = {p.text: p for p in _passages(seed_text)}
    bullet = by_text["coopération entre personnes"]
    assert bullet.kind == "bullet" and bullet.level == 2
    assert bullet.context[-1] == "aux acteurs concernés par la coopération"
    assert bullet.context[0].startswith("Parler de coopération pour le développement territorial")
    assert bullet.heading[-1] == "Introduction"


def test_seed_headings_and_quotes(seed_text):
    passages = _passages(seed_text)
    headings = [_plain(p.text) for p in passages if p.kind == "heading"]
    assert "Introduction" in headings
    assert "Synthèse de la journée" in headings
    assert "Séquence « compétences »" in headings
    assert headings[0].startswith("Coopérer entre et dans les territoires")
    # sentences that happen to be short are not titles
    assert not any(h.startswith(("Pour chacun des récits", "Il ne peut exister")) for h in headings)
    quotes = [_plain(p.text) for p in passages if p.kind == "quote"]
    assert "« Pas de coopération sans volonté partagée »" in quotes
    under_synthesis = [p for p in passages if p.text.startswith("Un réseau pour vivre")]
    assert under_synthesis[0].heading[-1] == "Synthèse de la journée"


def test_markdown_headings_nested_bullets_and_front_matter():
    text = (
        "---\ntitle: Atelier\ndate: 2024-01-01\n---\n\n# Atelier mutualisation\n\n## Constats\n\n"
        "Les participants ont listé :\n\n- les acteurs\n  - les communes\n  - les EPCI\n"
        "- les moyens\n\n1. premier point\n2) second point\n\n---\n\n> une citation\n\n"
        "Un paragraphe écrit\nsur deux lignes.\n"
    )
    passages = _passages(text)
    kinds = [(p.kind, p.text) for p in passages]
    assert kinds[0] == ("heading", "Atelier mutualisation")
    assert ("heading", "Constats") in kinds
    assert not any("title:" in p.text for p in passages)
    epci = next(p for p in passages if p.text == "les EPCI")
    assert epci.level == 2 and epci.context == ("Les participants ont listé :", "les acteurs")
    assert epci.heading == ("Atelier mutualisation", "Constats")
    moyens = next(p for p in passages if p.text == "les moyens")
    assert moyens.level == 1
    assert ("bullet", "second point") in kinds
    assert ("quote", "> une citation") in kinds
    assert ("paragraph", "Un paragraphe écrit\nsur deux lignes.") in kinds


def test_empty_and_blank_text_give_no_passages():
    assert _passages("") == ()
    assert _passages("\n\n   \n") == ()


def _passages_of(name: str, text: str):
    return segment(CleanDocument(name, text, text, ()))


SCRAPED = (
    "Journées des Territoires 2023\n"
    "“Habiter, travailler et agir ensemble pour les transitions”\n"
    "Les Journées réunissent chaque année des élus et des agents de développement.\n"
    "Elles auront lieu les 9 et 10 novembre à Paris.\n"
)


def test_a_scraped_page_with_one_block_per_line_keeps_one_passage_per_line():
    passages = _passages_of("page.txt", SCRAPED)
    assert [p.text for p in passages] == SCRAPED.strip().split("\n")
    assert passages[0].kind == "heading"  # the page's title, standing alone on the first line
    assert passages[2].heading == ("Journées des Territoires 2023",)


def test_lines_without_a_letter_or_digit_are_no_passages_outside_markdown_and_a_markdown_table_is_one():
    text = "Programme.\n\n| Heure | Atelier |\n|---|---|\n| 9 h | Accueil des élus |\n\n====\n\n,\n\nFin.\n"
    assert [p.text for p in _passages_of("page.html", text)] == [
        "Programme.", "| Heure | Atelier |", "| 9 h | Accueil des élus |", "Fin."]
    assert "| Heure | Atelier |\n|---|---|\n| 9 h | Accueil des élus |" in [p.text for p in _passages(text)]


def test_hard_wrapped_lines_of_a_pdf_are_one_paragraph():
    text = ("Le séminaire national a réuni les élus des\n"
            "intercommunalités, les agents de développement et\n"
            "les partenaires de la Région.\n"
            "Une forte mobilisation nationale\n")
    passages = _passages_of("actes.txt", text)
    assert [p.text for p in passages][0] == (
        "Le séminaire national a réuni les élus des\nintercommunalités, les agents de développement et\n"
        "les partenaires de la Région."
    )
    assert passages[1].text == "Une forte mobilisation nationale"


def test_markdown_reads_a_single_line_break_as_a_soft_break():
    text = "Une phrase par ligne.\nLa suivante du même paragraphe.\n"
    assert len(_passages_of("notes.md", text)) == 1
    assert len(_passages_of("notes.txt", text)) == 2


def test_a_paragraph_too_long_to_read_is_cut_at_sentence_ends_into_exact_passages():
    from pipeline.text.segment import MAX_PASSAGE_CHARS

    sentence = "Les élus des communes voisines ont partagé leurs pratiques de coopération. "
    text = "Titre du rapport\n\n" + sentence * 200 + "\n\nUn dernier paragraphe.\n"
    passages = _passages(text)
    long_ones = [p for p in passages if p.text.startswith("Les élus")]
    assert len(long_ones) >= 3
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in long_ones)
    assert all(p.kind == "paragraph" and p.text.endswith("coopération.") for p in long_ones)
    # together they hold the whole paragraph, word for word, in order and without overlap
    assert " ".join(p.text for p in long_ones) == (sentence * 200).strip()
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert all(a.end < b.start for a, b in pairwise(passages))
    assert passages[-1].text == "Un dernier paragraphe."


def test_text_without_sentences_or_spaces_is_cut_at_the_limit():
    from pipeline.text.segment import MAX_PASSAGE_CHARS

    text = "a" * (2 * MAX_PASSAGE_CHARS + 10)
    passages = _passages(text)
    assert [len(p.text) for p in passages] == [MAX_PASSAGE_CHARS, MAX_PASSAGE_CHARS, 10]
    assert "".join(p.text for p in passages) == text
    # a Markdown "heading" that long is read as paragraphs
    heading = _passages("# " + "mot " * MAX_PASSAGE_CHARS)
    assert heading and all(p.kind == "paragraph" and len(p.text) <= MAX_PASSAGE_CHARS for p in heading)


def test_a_long_hard_wrapped_paragraph_is_cut_between_words():
    from pipeline.text.segment import MAX_PASSAGE_CHARS

    line = "des élus et des agents de plusieurs intercommunalités voisines qui travaillent ensemble"
    text = "\n".join([line] * (2 * MAX_PASSAGE_CHARS // len(line)))  # one PDF sentence, never ended
    passages = segment(CleanDocument("actes.txt", text, text, ()))
    assert len(passages) >= 2 and all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    # every cut falls between two words
    assert all(text[p.end].isspace() for p in passages[:-1])
    assert all(text[p.start - 1].isspace() for p in passages[1:])
    assert " ".join(" ".join(p.text.split()) for p in passages) == " ".join(text.split())
    # a hard-wrapped run of one word a line has no space: it is cut at a line break all the same
    words = "\n".join(["coopération"] * (MAX_PASSAGE_CHARS // 6))
    pieces = segment(CleanDocument("actes.txt", words, words, ()))
    assert len(pieces) >= 2 and all(p.text.startswith("coop") and p.text.endswith("tion") for p in pieces)


def test_a_line_all_in_bold_is_a_section_heading_and_bold_words_in_a_sentence_are_not():
    text = ("**Compte rendu de la rencontre**\n\n**Atelier 1 : la coopération**\n\n"
            "Les communes rurales ont présenté leurs projets.\n\n**Les communes** ont parlé.\n\n"
            "__Atelier 2__\n\nLes élus ont débattu.\n\n**Une phrase entière en gras, avec sa virgule.**\n")
    for doc_id in ("notes.md", "page.html"):
        passages = _passages_of(doc_id, text)
        assert [(p.kind, p.text) for p in passages if p.kind == "heading"] == [
            ("heading", "Compte rendu de la rencontre"), ("heading", "Atelier 1 : la coopération"),
            ("heading", "Atelier 2")]
        debated = next(p for p in passages if p.text.startswith("Les élus"))
        assert debated.heading == ("Compte rendu de la rencontre", "Atelier 2")
        assert next(p for p in passages if "ont parlé" in p.text).kind == "paragraph"
        assert passages[-1].kind == "paragraph"
