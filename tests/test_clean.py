"""Cleaning: every junk item of the seed report goes, every line of the report itself stays, and each rule
removes its kind of junk from small synthetic texts without touching the prose around it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.clean import DEFAULT_CLEAN_RULES, RULES, clean_text
from pipeline.nlp import parsing_text
from pipeline.spaces import UNICODE_SPACES

SPACES = " \t\xa0"

# Non-blank lines of the seed report that are junk, by 0-based line number (checked by reading the file).
SEED_JUNK = {
    2: "CC",
    3: "CC",
    91: "nuages de mots competences 2",
    105: "Image1",
    155: "3 résponses à “Coopérer entre et dans les territoires",
    157: "1. Programme du 2ème Congrès 2015 | Développeurs territoriaux",
    159: "[…] des thématiques diverses",
    161: "2. 2ème Congrès national des développeurs territoriaux | Unadel",
    163: "[…] et des professionnels du développement territorial",
    165: "3. Coopérer entre et dans les territoires :...",
    167: "[…] Le 13 février 2015, le séminaire",
    169: "Les commentaires sont fermés.",
    170: "200-125dumps 100-105dumps",
}
SEED_NBSP_LINES = (81, 107)
# Every other non-blank line is the report itself (line 85 once its glued camera name is gone).
SEED_BODY = [0, 5, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 39, 40, 42, 43, 44, 45, 46]
SEED_BODY += [48, 49, 50, 52, 54, 56, 58, 60, 62, 64, 66, 68, 70, 71, 73, 75, 76, 77, 79, 83, 85, 87, 89, 93]
SEED_BODY += [95, 97, 99, 101, 103, 109, 111, 113, 115, 117, 119, 121, 123, 125, 127, 129, 131, 133, 135, 137]
SEED_BODY += [139, 141, 143, 145, 147, 149, 151, 153]


@pytest.fixture(scope="module")
def seed_clean(seed_text):
    return clean_text(seed_text, doc_id="seed")


def _clean_lines(text: str) -> list[str]:
    return text.split("\n")


def test_seed_labels_cover_every_line(seed_text):
    lines = seed_text.split("\n")
    labelled = set(SEED_JUNK) | set(SEED_NBSP_LINES) | set(SEED_BODY)
    unlabelled = [n for n, line in enumerate(lines) if line.strip(SPACES) and n not in labelled]
    assert unlabelled == []
    for number, start in SEED_JUNK.items():
        assert lines[number].strip(SPACES).startswith(start)


@pytest.mark.parametrize("number", sorted(SEED_JUNK), ids=lambda n: f"line{n}")
def test_seed_junk_line_is_removed(seed_text, seed_clean, number):
    junk = seed_text.split("\n")[number].strip(SPACES)
    assert junk not in [line.strip(SPACES) for line in _clean_lines(seed_clean.text)]
    if len(junk) > 8:
        assert junk not in seed_clean.text


def test_seed_dump_codes_are_all_gone(seed_clean):
    assert "dumps" not in seed_clean.text
    assert "117-201exam" not in seed_clean.text


def test_seed_glued_camera_name_goes_and_the_sentence_stays(seed_clean):
    assert "SL702349" not in seed_clean.text
    assert (
        "Parmi les conditions identifiées, certaines relèvent des compétences du développeur territorial."
        in (_clean_lines(seed_clean.text))
    )


def test_seed_nbsp_only_lines_are_gone(seed_clean):
    assert all(line.strip(SPACES) or line == "" for line in _clean_lines(seed_clean.text))
    assert "\n\n\n" not in seed_clean.text


@pytest.mark.parametrize("space", list(UNICODE_SPACES), ids=lambda c: f"U+{ord(c):04X}")
def test_every_unicode_space_the_model_reads_as_a_space_makes_a_blank_line_for_cleaning(space):
    text = f"Premier paragraphe.\n{space * 3}\n\n\nSecond paragraphe.{space}\n"
    assert clean_text(text, rules=("whitespace",)).text == "Premier paragraphe.\n\nSecond paragraphe.\n"
    assert parsing_text(space) == " "


def test_seed_cc_inside_a_sentence_is_kept(seed_clean):
    assert "(CC Val & Plateaux des Monts de Lacaune / UNADEL)" in seed_clean.text


@pytest.mark.parametrize("number", SEED_BODY, ids=lambda n: f"line{n}")
def test_seed_body_line_is_kept_with_its_indentation(seed_text, seed_clean, number):
    line = seed_text.split("\n")[number].rstrip(SPACES)
    if line.startswith("SL702349"):
        line = line[len("SL702349") :]
    assert line in _clean_lines(seed_clean.text)


def test_seed_body_order_is_kept_and_nothing_else_remains(seed_text, seed_clean):
    lines = seed_text.split("\n")
    expected = [lines[n].rstrip(SPACES).removeprefix("SL702349") for n in SEED_BODY]
    assert [line for line in _clean_lines(seed_clean.text) if line] == expected


def test_seed_removals_give_reasons(seed_clean):
    reasons = {removal.reason for removal in seed_clean.removals}
    assert {"spam_links", "comments", "image_residue", "initials", "whitespace"} <= reasons
    assert seed_clean.doc_id == "seed"


# --- one small synthetic text per rule -------------------------------------------------------------------

PROSE_BEFORE = "La coopération entre communes reste un levier essentiel pour le territoire."
PROSE_AFTER = "Les participants ont ensuite travaillé en petits groupes sur les compétences."


def _around(*junk: str) -> str:
    return "\n\n".join([PROSE_BEFORE, *junk, PROSE_AFTER]) + "\n"


def _only(rule: str, text: str):
    return clean_text(text, rules=(rule, "whitespace"))


def _removes(rule: str, *junk: str) -> bool:
    """Whether `rule` takes the junk lines between two lines of prose, and only them."""
    return _only(rule, _around(*junk)).text == f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n"


def _keeps(rule: str, text: str) -> bool:
    return _only(rule, text).text == text


@pytest.mark.parametrize(
    "junk",
    [
        "http://cheap-pills.ru/buy http://best-casino.biz https://www.replica-bags.com/sale",
        "loans-online.net | payday-now.info | quick-cash.xyz | fast-loans.pl",
        "AZ-900dumps SY0-601exam CCNA200dumps",
        "   200-301dumps",
    ],
)
def test_spam_links_removes_link_lists_and_dump_lines(junk):
    cleaned = _only("spam_links", _around(junk)).text
    assert cleaned == f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n"


def test_spam_links_removes_only_the_run_glued_to_a_sentence():
    text = f"{PROSE_BEFORE} 300-115dumps 642-998dumps\n{PROSE_AFTER}.200-125dumps 400-101dumps\n"
    assert _only("spam_links", text).text == f"{PROSE_BEFORE}\n{PROSE_AFTER}.\n"


@pytest.mark.parametrize(
    "content",
    [
        "https://abcdh.eu/events.html",
        "- https://github.com/yaledhlab",
        "Voir le projet https://osf.io/z8syh/ et https://carto.com pour les cartes.",
        "Couleurs fluorescentes. https://osf.io/z8syh/ https://kuleuven.example.be/discovery",
        "Le site [Gephi](https://gephi.org) permet de visualiser des réseaux.",
        "www.calculquebec.ca",
    ],
)
def test_spam_links_keeps_citations(content):
    text = _around(content)
    assert _keeps("spam_links", text)


def test_keyword_stuffing_removes_stuffed_lines_only():
    stuffed = "cheap viagra online pharmacy cialis buy best casino poker replica payday loans"
    mention = "Le casino municipal accueillait la réunion des élus du Pays."
    cleaned = _only("keyword_stuffing", _around(stuffed, "essay writing service cheap essays", mention)).text
    assert cleaned == f"{PROSE_BEFORE}\n\n{mention}\n\n{PROSE_AFTER}\n"


def test_comments_removes_a_comment_block_but_not_the_paragraph_before_or_after():
    block = "\n".join(
        [
            "2 commentaires",
            "",
            "Marie Durand",
            "12 mars 2015 à 14 h 32 min",
            "Merci pour ce compte rendu très complet !",
            "Répondre",
            "",
            "Jean Petit dit :",
            "Très utile pour notre intercommunalité.",
            "",
            "Laisser un commentaire",
            "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
        ]
    )
    cleaned = _only("comments", _around(block)).text
    assert cleaned == f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n"


@pytest.mark.parametrize(
    "header", ["5 réponses", "Un commentaire", "Une réponse à « Coopérer »", "Les commentaires sont fermés.",
               '1 commentaire "Ploërmel. La Région au contact du Pays"'],
)
def test_comments_headers_and_closings(header):
    assert _removes("comments", header)


@pytest.mark.parametrize(
    "content",
    ["10 réponses sur 26. Pas idéal, mais pas mauvais.", "Deux réflexions", "## Réponse", "- Commentaire",
     "Trois réflexions « de fond » ont guidé la journée"],
)
def test_comments_keeps_sentences_about_answers(content):
    text = _around(content)
    assert _keeps("comments", text)


@pytest.mark.parametrize(
    "junk",
    ["DSC_0042", "IMG_1234.jpg", "P1010203.JPG", "photo-3.png", "Image12", "schema synthese atelier 3",
     "© Léa Rumeau/Communication du CGET", "Crédits photos", "Visuel : Gémozac – Bernard-ECAV",
     "Crédits : Jeanne Martin", "Crédits : Musée de la Ville", "Visite du tiers-lieu © Réseau rural",
     "Les élus réunis en mairie pour le lancement./ Photo Mairie de Vic",
     "Ouverture de la journée par la présidente (Photo Jeanne Martin)"],
)
def test_image_residue_removes_file_name_and_caption_lines(junk):
    assert _removes("image_residue", junk)


def test_image_residue_removes_file_names_glued_to_a_paragraph():
    text = f"IMG_2041.JPG{PROSE_BEFORE}\n\n{PROSE_AFTER} DSC_0042\n"
    assert _only("image_residue", text).text == f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n"


@pytest.mark.parametrize(
    "content",
    [
        "HAR3510",
        "Wikidata et IIIF. Propriété P2677 position relative dans l’image.",
        "code 2076",
        "Réseau 04",
        "Crédits : 3 ECTS pour le module.",
        "Crédits : enseignements du premier semestre",
        "Les crédits de la politique de la ville ont baissé.",
        "Atelier photo : portraits d’habitants",
        "Photographie de l’époque : flick.com/photos/smithsonian/2584174182",
        "Le logo © est déposé par la Région, qui en autorise l’usage aux communes membres du réseau.",
        "Les agences ont un rôle à jouer. Pour André Rossinot (photo), le président",  # a sentence cut short
    ],
)
def test_image_residue_keeps_codes_and_short_real_lines(content):
    text = _around(content)
    assert _keeps("image_residue", text)


@pytest.mark.parametrize(
    "junk",
    [
        "Partager :",
        "Partager sur Facebook",
        "Twitter",
        "J'aime chargement…",
        "J’aime",
        "Articles similaires",
        "Lire la suite",
        "Article précédent",
        "Article suivant : Retour sur la journée du 3 mars",
        "Accueil > Actualités > Séminaire coopération",
        "Accueil » Blog",
        "Ce site utilise des cookies. En poursuivant votre navigation, vous acceptez leur utilisation.",
        "Accepter",
        "Imprimer",
        "Catégories : Actualités, Séminaires",
        "Étiquettes : coopération, territoires, réseau",
        "Publié le 13 février 2015 par Olivier Delbos",
        "Mis à jour le 01/07/2022",
        "publié le 10 juillet 2017 (modifié le 9 mai 2019)",
        "Publication PUBLIÉ LE 10/10/2016 PAR JLH",
        "lundi 6 juillet 2015, par Corinne Trevisan",
        "Temps de lecture 2 min",
        "- 1 min de lecture",
        "En savoir plus",
        "Favoris",
        "Copier le lien Partager sur FaceBook Partager sur Twitter Partager sur Linkedin Imprimer",
        "Envoyer à un ami  Imprimer  Augmenter la taille du texte  Réduire la taille du texte",
        "Télécharger cet article en PDF",
        "Partager : sur Facebook, sur Twitter, sur Google+.",
        "Vous êtes ici : Accueil du site > Thématiques > Politique culturelle",
        "Article réservé aux abonnés",
        "[90% reste à lire]",
        "Vous lisez:",
        'Faîtes votre recherche puis appuyez sur "entrée"',
        "haut article",
        "Retour en haut de la page",
        "Une erreur est survenue lors de la récupération des",
        "Tous les articles du numéro 385",
        "Article du numéro 385 - 01 septembre 2009",
        "Ajouter au panier Vous abonner (voir tarif )",
        "Thématiques liées à l'article",
    ],
)
def test_share_navigation_removes_navigation_lines(junk):
    assert _removes("share_navigation", junk)


@pytest.mark.parametrize(
    "content",
    [
        "Partager les données est essentiel pour la recherche.",
        "Accueil à l’université.",
        "D’abord Facebook et une page, mais seulement une page.",
        "Publié le 13 février 2015 par Olivier Delbos, ce texte a été très lu.",
        "Catégories négatives plus fréquentes que positives.",
        "Le 6 juillet 2015, par exemple, les élus ont voté.",
        "Mise à jour du diagnostic territorial",
        "Une lecture de 10 minutes a suffi.",
        "En savoir plus sur le projet de territoire.",
        "Imprimer les documents pour la réunion.",
        "Envoyer les comptes rendus aux élus",
        "Ce séminaire était réservé aux abonnés du réseau.",
        "Vous lisez le compte rendu du séminaire.",
        "Une erreur est survenue lors du vote.",
        "Un article du numéro 12 de la revue parle de coopération.",
        "Le haut de la vallée reste isolé.",
    ],
)
def test_share_navigation_keeps_sentences(content):
    text = _around(content)
    assert _keeps("share_navigation", text)


def test_initials_removes_a_group_but_keeps_a_lone_acronym_and_cc_in_a_sentence():
    text = _around("JD", "JD", "Le modèle pivot :", "EDM", "La CC du Val a rejoint le réseau.")
    cleaned = _only("initials", text).text
    kept = "Le modèle pivot :\n\nEDM\n\nLa CC du Val a rejoint le réseau."
    assert cleaned == f"{PROSE_BEFORE}\n\n{kept}\n\n{PROSE_AFTER}\n"


def test_whitespace_collapses_blank_lines_and_keeps_indentation():
    text = "\n\nTitre  \n\xa0\n \t\n\n  - puce\n    - sous-puce\xa0\n\n\n\nFin\n\n"
    document = _only("whitespace", text)
    assert document.text == "Titre\n\n  - puce\n    - sous-puce\n\nFin\n"
    assert {removal.reason for removal in document.removals} == {"whitespace"}


def test_rules_can_be_chosen_and_only_those_run(seed_text):
    document = clean_text(seed_text, rules=("comments",))
    assert {removal.reason for removal in document.removals} == {"comments"}
    assert "CC\nCC" in document.text


def test_unknown_rule_is_a_value_error_naming_it_and_the_known_ones():
    with pytest.raises(ValueError) as error:
        clean_text("texte", rules=("comments", "no_such_rule"))
    message = str(error.value)
    assert "no_such_rule" in message
    assert all(name in message for name in RULES)


def test_registry_names_match_the_default_settings():
    assert tuple(RULES) == DEFAULT_CLEAN_RULES


# --- the clean corpus: nothing of a real report is removed ---------------------------------------------


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_crdh_reports_lose_almost_no_characters(crdh_dir):
    files = sorted(crdh_dir.glob("*.md"))[::5]
    total = removed = 0
    for path in files:
        document = clean_text(_read(path), doc_id=path.name)  # Markdown, as `analyse` reads it
        total += len(document.source)
        removed += sum(r.end - r.start for r in document.removals if r.reason != "whitespace")
    assert files
    assert removed / total < 0.005


def test_crdh_notes_typed_as_plain_text_lose_almost_no_characters(crdh_dir, monkeypatch):
    """The chrome rule runs on plain text: people's notes in a .txt file must keep their short lines
    (« Discussion », a speaker's name, a telegraphic bullet)."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent))
    from bench.realpages.chrome_fit import plain_lines

    files = sorted(crdh_dir.glob("*.md"))[::5]
    total = removed = 0
    for path in files:
        document = clean_text("\n".join(plain_lines(_read(path))) + "\n", doc_id=path.stem + ".txt")
        total += len(document.source)
        removed += sum(r.end - r.start for r in document.removals if r.reason != "whitespace")
    assert files
    assert removed / total < 0.005


def test_crdh_with_inserted_junk_meets_the_quality_floor(crdh_dir, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent))
    from bench.bench_clean import Score, score
    from bench.junk import pollute

    rng = random.Random(7)
    total = Score(missed=[], wrong=[])
    for path in sorted(crdh_dir.glob("*.md"))[::10]:
        polluted = pollute(_read(path), rng, items=6)
        cleaned = clean_text(polluted.text, doc_id=path.name)
        total.add(score(cleaned, [(start, end) for start, end, _ in polluted.gold]))
    assert total.junk_lines > 100
    assert total.precision >= 0.99, total.wrong
    assert total.recall >= 0.98, total.missed


def test_comments_header_with_a_title_takes_the_comment_under_it():
    block = '1 commentaire "La Région au contact du Pays"\ncombien coûte ce poste au contribuable'
    assert _removes("comments", block)


@pytest.mark.parametrize("junk", ["12", "- 12 -", "Page 3", "p. 4 / 20", "(2)", "Page — 1"])
def test_page_furniture_removes_page_numbers_alone_on_their_line(junk):
    assert _removes("page_furniture", junk)


def test_page_furniture_removes_a_viewers_page_labels_when_they_recur():
    labels = ["Page 1: Les actes du congrès", "Page 2: Les actes du congrès"]
    assert _removes("page_furniture", *labels)
    one = _around("Page 12 : le tableau des financements")
    assert _keeps("page_furniture", one)


def _paginated(header: str, body: list[str], pages: int = 4) -> str:
    """A text copied from a PDF: each page opens with `header` and ends with its number."""
    return "\n\n".join(f"{header}\n\n" + "\n\n".join(body) + f"\n\nPage {n} / {pages}"
                       for n in range(1, pages + 1)) + "\n"


def test_page_furniture_removes_a_paginated_texts_running_header_but_its_title():
    body = ["Les élus ont présenté la mutualisation des services techniques entre les communes.",
            "Les agents de développement animent les ateliers de concertation avec les habitants."]
    text = _paginated("Actes du séminaire – Valence, 3 juillet 2013", body)
    cleaned = _only("page_furniture", text).text
    assert cleaned.count("Actes du séminaire") == 1 and cleaned.startswith("Actes du séminaire")  # the title
    assert cleaned.count(body[0]) == 4 and "Page" not in cleaned
    # numbers set aside, the header is the same on every page
    numbered = _only("page_furniture", text.replace("Actes du séminaire", "Actes du séminaire, chapitre 7"))
    assert numbered.text.count("Actes du séminaire") == 1


def test_page_furniture_keeps_a_line_repeated_away_from_the_page_numbers():
    # a refrain the report quotes on every page, in the middle of the page: no running header
    body = ["Les élus ont présenté la mutualisation des services techniques entre les communes.",
            "Le réseau rural a rappelé les enjeux.", "Coopérer, c'est d'abord se connaître.",
            "Les agents de développement animent les ateliers de concertation avec les habitants.",
            "Les associations ont témoigné de leurs démarches."]
    text = _paginated("", body).replace("\n\n\n\n", "\n\n").lstrip("\n")
    assert _only("page_furniture", text).text.count("Coopérer, c'est d'abord se connaître.") == 4
    # nor without page numbers at all
    assert _keeps("page_furniture", "\n\n".join(["Actes du séminaire", body[0]] * 4) + "\n")


def test_page_furniture_removes_a_table_of_contents_and_its_heading():
    contents = ["Sommaire", "Liste des participants page 4", "Les enjeux du séminaire page 8",
                "Ateliers de réflexion ........ 27"]
    assert _removes("page_furniture", *contents)
    # One title that happens to end with a page reference is no table of contents; nor is « Sommaire » alone.
    single = _around("Sommaire", "Voir le tableau des financements page 12")
    assert _keeps("page_furniture", single)
    references = _around("Rapport du CGET sur les contrats de ruralité, 2016, p. 12",
                         "Dupont J., Coopérer entre territoires, Paris, 2015, p. 45")
    assert _keeps("page_furniture", references)


def test_page_furniture_removes_a_document_hosts_viewer_text():
    viewer = ['Download "Compte rendu du séminaire des animateurs"', "Transcription"]
    assert _removes("page_furniture", *viewer)
    assert _only("page_furniture", _around("1 download", "DESCRIPTION")).text == (
        f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n")
    # One such line alone may be the report's own heading.
    heading = _around("Description")
    assert _keeps("page_furniture", heading)


@pytest.mark.parametrize("counter", ["218 views", "VIEWS: 4 PAGES: 9", "Upload: jdupont",
                                     "La page est créée Gérard Gregoire"])
def test_page_furniture_removes_a_viewers_counter_even_alone(counter):
    assert _removes("page_furniture", counter)


@pytest.mark.parametrize("alt", ["Logo du programme Territoires d'industrie : coq bleu", "logo PAH",
                                 "Bandeau Congrès", "Photo des participants au séminaire",
                                 "Capture écran de la visioconférence avec les 2 ministres."])
def test_picture_alt_removes_a_pictures_alternative_text(alt):
    assert _removes("picture_alt", alt)


@pytest.mark.parametrize("content", [
    "Logo utile pour les personnes, mais aussi pédagogique. Nous montre que tout doit être adapté.",
    "Les logos des partenaires figurent sur chaque affiche du programme.",
    "Photo de groupe ? Tout le monde était d'accord !",
    "Portrait de territoire : la vallée de la Drôme",
    "Photographie du tissu associatif en 2020",
])
def test_picture_alt_keeps_sentences_about_pictures(content):
    page = _around(content)
    assert _keeps("picture_alt", page)


def test_picture_alt_leaves_markdown_notes_alone():
    notes = _around("Capture d'écran de la base de données du musée")
    assert clean_text(notes, doc_id="notes.md", rules=("picture_alt",)).text == notes


def test_page_furniture_takes_the_entries_a_pdf_wrapped_around_their_page_number():
    contents = ["Sommaire", "Les enjeux du séminaire page 8", "Actualités nationales page 9",
                "Le Centre international d'art et du page 44 paysage de l'île de Vassivière"]
    assert _removes("page_furniture", *contents)
    # away from a table of contents, a sentence naming a page stays
    prose = _around("Le tableau des financements page 12 montre la part des communes")
    assert _keeps("page_furniture", prose)


@pytest.mark.parametrize("link", ["> Télécharger le programme du séminaire en pdf",
                                  "Télécharger les actes du séminaire (pdf, 2 Mo)", "→ Download the slides"])
def test_share_navigation_removes_a_download_link_on_its_own_line(link):
    assert _removes("share_navigation", link)


def test_share_navigation_keeps_sentences_about_downloading():
    page = _around("Télécharger les données reste difficile pour les petites communes.",
                   "Les participants peuvent télécharger les actes sur le site du réseau")
    assert _keeps("share_navigation", page)


def test_page_furniture_removes_the_lone_publication_date_under_the_title():
    page = "Retour sur les rencontres des pôles territoriaux\n\n17 août 2023\n\n" + _around()
    assert _only("page_furniture", page).text == (
        "Retour sur les rencontres des pôles territoriaux\n\n" + _around())


@pytest.mark.parametrize("section", ["Archives", "Retour sur", "Actualités :"])
def test_page_furniture_removes_the_sites_section_name_above_the_title(section):
    page = f"{section}\n\nRencontre régionale des chargés de mission LEADER\n\n" + _around()
    assert _only("page_furniture", page).text == (
        "Rencontre régionale des chargés de mission LEADER\n\n" + _around())


def test_page_furniture_keeps_a_section_name_further_down_and_titles_that_begin_alike():
    page = ("Retour sur la journée des tiers-lieux\n\nPremier paragraphe du compte rendu.\n\n"
            "Archives\n\n" + _around())
    assert _keeps("page_furniture", page)


@pytest.mark.parametrize("dates", [
    ("Jeudi 13 octobre 2016",),                 # a day of a programme, with its weekday
    ("10 février 2020", "11 février 2020"),    # several bare dates: the days' headings
])
def test_page_furniture_keeps_dates_that_head_a_programme(dates):
    page = "Séminaire des animateurs de territoire\n\n" + "\n\n".join(
        f"{date}\n\n{PROSE_BEFORE}" for date in dates) + "\n"
    assert _keeps("page_furniture", page)


def test_page_furniture_keeps_a_date_far_from_the_top():
    page = _around("Premier paragraphe du compte rendu.", "Deuxième paragraphe.", "18 octobre 2024")
    assert _keeps("page_furniture", page)


@pytest.mark.parametrize(
    "content",
    ["1978", "Participants :\n66", "12 communes ont signé la convention.", "Atelier 2", "Page suivante"],
)
def test_page_furniture_keeps_years_figures_under_a_label_and_sentences(content):
    text = _around(content)
    assert _keeps("page_furniture", text)


def test_page_furniture_does_not_run_on_markdown():
    text = _around("12")
    assert clean_text(text, doc_id="notes.md", rules=("page_furniture", "whitespace")).text == text
    assert clean_text(text, doc_id="page.txt", rules=("page_furniture", "whitespace")).text != text


@pytest.mark.parametrize(
    "junk",
    [
        "Laisser un commentaire Annuler la réponse",
        "Soyez le premier à rédiger un commentaire !",
        "Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain commentaire.",
        "Commentaire Nom * E-mail * Site web",
        "Marie L. dit : 14 mars 2016 à 10 h 12 min\nMerci pour ce compte rendu !",
        "Pingback: Retour sur le séminaire | Réseau des acteurs",
        "Catégories",
        "Mentions légales | Plan du site | Contact",
        "capture-decran-2015-02-13",
        "AZ-900 exam questions pdf | AZ-104 dumps | SC-900 practice test",
    ],
)
def test_default_rules_remove_the_junk_of_another_sites_theme(junk):
    # web junk written differently from the project's own generator (bench/junk.py)
    assert clean_text(_around(junk), doc_id="page.txt").text == f"{PROSE_BEFORE}\n\n{PROSE_AFTER}\n"


@pytest.mark.parametrize(
    "content",
    ["Archives", "Le maire dit : « nous devons coopérer »", "Nom, prénom et fonction des participants.",
     "Contact", "L'examen des questions a pris la matinée."],
)
def test_default_rules_keep_lines_that_read_as_content(content):
    text = _around(content)
    assert clean_text(text, doc_id="notes.md").text == text


def test_share_navigation_takes_a_related_articles_list_with_its_header():
    related = "\n".join([
        "Articles similaires",
        "Ploërmel. Mais le pays, à quoi ça sert?",
        "⭐ Version sans publicité Soutenez notre média local et profitez d’une lecture sans… Je…",
        "Pays de Ploërmel. Blocage des fonds européens : l’intervention de Paul Molac",
    ])
    assert _removes("share_navigation", related)


def test_a_related_list_stops_at_prose_under_it():
    prose = "La matinée a été consacrée aux retours des territoires sur la coopération entre les communes."
    text = _around(f"Sur le même thème\nLes conseils de développement en 2015\n{prose}")
    assert _only("share_navigation", text).text == _around(prose)


# A Word report's opening as its reader writes it: its title, the seminar's date under it, the caption it gave
# a picture. Scraped, a lone date under the title and a « Photo des … » line are a page's furniture.
REPORT_OPENING = (
    "# Rencontre du réseau des agents de développement\n\n17 août 2023\n\nPhoto des participants\n\n"
    "Les communes rurales ont présenté leurs projets de mobilité partagée avec la communauté de communes.\n"
)


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".rtf", ".pptx", ".odp", ".md"])
def test_files_people_write_lose_nothing_to_the_rules_made_for_web_pages(suffix):
    assert clean_text(REPORT_OPENING, doc_id=f"compte-rendu{suffix}").text == REPORT_OPENING


@pytest.mark.parametrize("suffix", [".txt", ".html", ".pdf"])
def test_scraped_and_printed_pages_still_lose_their_furniture(suffix):
    reasons = {r.reason for r in clean_text(REPORT_OPENING, doc_id=f"page{suffix}").removals}
    assert {"page_furniture", "picture_alt"} <= reasons


def test_a_page_printed_from_a_browser_loses_its_address_footer_and_date_header():
    prose = ("Les communes rurales ont présenté leurs projets de mobilité partagée avec la communauté de "
             "communes voisine.\n")
    header = "07/12/2026 14:32 Rencontre des agents de développement – Réseau rural"
    footers = [f"https://www.reseaurural.fr/rencontre-agents {page}/3" for page in (1, 2, 3)]
    text = "\n".join(f"{header}\n{prose * 4}{footer}\n" for footer in footers)
    removed = [text[r.start:r.end].strip() for r in clean_text(text, doc_id="page.pdf").removals
               if r.reason == "page_furniture"]
    # the first header stays, as the text's title
    assert removed == [footers[0], header, footers[1], header, footers[2]]
    ratios = "".join(f"Part des communes signataires en {2020 + n} : {n}/3\n" for n in (1, 2, 3))
    assert clean_text(ratios, doc_id="page.pdf").text == ratios  # a column of ratios is no footer
