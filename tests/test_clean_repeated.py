"""The cleaning rule `repeated`: lines that recur across the corpus's scraped pages, kept when they read as
content."""

from __future__ import annotations

from pipeline.clean import DEFAULT_CLEAN_RULES, clean_text, count_repeated
from pipeline.text.prepcache import PrepCache, corpus_repetition, prepare_document

MENU = "Accueil du réseau\nNos adhérents\nAgenda des rencontres\n"
FOOTER = "Le réseau en bref\nNous écrire\n"  # lines no named rule knows
QUOTE = ("« La coopération entre territoires ne se décrète pas, elle se construit dans la durée avec les "
         "acteurs qui la portent. »\n")


def page(title: str, body: str) -> str:
    return f"{MENU}{title}\n{body}\n{QUOTE}Discussion\n- {title.lower()} : premières pistes\n{FOOTER}"


PAGES = {
    "a.txt": page("Rencontre de Lyon", "Les agents de développement des trois pays ont présenté leurs "
                  "projets communs et la manière dont ils associent les habitants aux décisions locales."),
    "b.txt": page("Atelier de Rennes", "Le séminaire a réuni les chargés de mission des intercommunalités de "
                  "la région pour comparer leurs démarches de coopération avec les villes voisines."),
    "c.txt": page("Journée de Nantes", "Les participants ont travaillé en petits groupes sur les conditions "
                  "qui favorisent la mise en réseau des acteurs économiques et associatifs du territoire."),
}


def removed(doc_id: str, repeated) -> list[str]:
    cleaned = clean_text(PAGES[doc_id], doc_id=doc_id, repeated=repeated)
    return [r.text for r in cleaned.removals if r.reason == "repeated"]


def test_menus_and_footers_shared_by_the_pages_go_and_their_own_text_stays():
    repeated = count_repeated(PAGES.items())
    assert repeated.documents == 3
    for doc_id, text in PAGES.items():
        cleaned = clean_text(text, doc_id=doc_id, repeated=repeated)
        gone = "".join(r.text for r in cleaned.removals if r.reason == "repeated")
        assert gone == MENU + FOOTER
        assert QUOTE.strip() in cleaned.text  # a sentence quoted in every report is content
        assert "Discussion\n" in cleaned.text  # a heading that recurs among lines of its own stays
        assert text.splitlines()[3] in cleaned.text  # the report's own paragraph


def test_alone_a_page_loses_nothing_to_the_rule_and_copies_count_once():
    assert removed("a.txt", count_repeated([("a.txt", PAGES["a.txt"])])) == []
    assert removed("a.txt", count_repeated(())) == []
    copies = count_repeated([("a.txt", PAGES["a.txt"]), ("a-copie.txt", PAGES["a.txt"])])
    assert removed("a.txt", copies) == []


def test_markdown_files_are_neither_counted_nor_cleaned_by_it():
    notes = {name.replace(".txt", ".md"): text for name, text in PAGES.items()}
    assert count_repeated(notes.items()).shapes == frozenset()
    repeated = count_repeated(PAGES.items())
    cleaned = clean_text(notes["a.md"], doc_id="a.md", repeated=repeated)
    assert not [r for r in cleaned.removals if r.reason == "repeated"]


def test_dates_and_numbers_do_not_make_a_line_unique():
    pages = {name: f"{text}Lettre du réseau du 0{n}/07/2022\n"
             for n, (name, text) in enumerate(PAGES.items())}
    repeated = count_repeated(pages.items())
    cleaned = clean_text(pages["b.txt"], doc_id="b.txt", repeated=repeated)
    last = [r.text for r in cleaned.removals if r.reason == "repeated"][-1]
    assert last == FOOTER + "Lettre du réseau du 01/07/2022\n"


def test_a_series_title_block_whose_numbers_change_from_report_to_report_stays():
    years = {"a.txt": ("12", "2019-2020"), "b.txt": ("31", "2016-2017"), "c.txt": ("7", "2021-2022")}
    pages = {name: f"N° {number}\nCONSEIL DU RÉSEAU\nSESSION ORDINAIRE DE {session}\n{text}"
             for name, text in PAGES.items() for number, session in [years[name]]}
    repeated = count_repeated(pages.items())
    cleaned = clean_text(pages["b.txt"], doc_id="b.txt", repeated=repeated)
    gone = "".join(r.text for r in cleaned.removals if r.reason == "repeated")
    assert gone == MENU + FOOTER  # the menu right under the title block still goes
    assert "CONSEIL DU RÉSEAU\nSESSION ORDINAIRE DE 2016-2017\n" in cleaned.text


def test_the_corpus_pass_feeds_the_cleaning_and_the_cache_key(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in PAGES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    paths = sorted(corpus.iterdir())
    repeated = corpus_repetition(paths, corpus, DEFAULT_CLEAN_RULES)
    cache = PrepCache(tmp_path / "cache", DEFAULT_CLEAN_RULES)
    _, cleaned, passages = prepare_document(paths[0], corpus, DEFAULT_CLEAN_RULES, cache, repeated)
    assert "Nos adhérents" not in cleaned.text
    assert not any("Nos adhérents" in p.text for p in passages)
    # the same page in a corpus where nothing recurs is another cache entry, cleaned again
    alone = corpus_repetition(paths[:1], corpus, DEFAULT_CLEAN_RULES)
    _, cleaned_alone, _ = prepare_document(paths[0], corpus, DEFAULT_CLEAN_RULES, cache, alone)
    assert "Nos adhérents" in cleaned_alone.text or not any(r.reason == "repeated"
                                                             for r in cleaned_alone.removals)
    assert cache.misses == 2
    assert corpus_repetition(paths, corpus, ("whitespace",)).shapes == frozenset()


def test_word_and_slide_files_are_neither_counted_nor_cleaned_by_it():
    written = {name.replace(".txt", suffix): text
               for (name, text), suffix in zip(PAGES.items(), (".docx", ".odt", ".pptx"), strict=False)}
    assert count_repeated(written.items()).shapes == frozenset()
    repeated = count_repeated(PAGES.items())
    for doc_id, text in written.items():
        assert not [r for r in clean_text(text, doc_id=doc_id, repeated=repeated).removals
                    if r.reason == "repeated"]
