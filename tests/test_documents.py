from pipeline.documents import ParsedDocument, parsed_documents
from pipeline.settings import load_settings
from pipeline.types import Skipped


def test_the_corpus_comes_parsed_in_order_and_unusable_files_come_last_as_skipped(nlp, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Les communes coopèrent.\n\nLes élus se réunissent.\n", encoding="utf-8")
    (corpus / "b.md").write_text("# Atelier\n\nUne mutualisation des services.\n", encoding="utf-8")
    (corpus / "c.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # a Word file cut short
    (corpus / "d.txt").write_bytes(b"\x00\x01\x02 binary")
    settings = load_settings(corpus=corpus, output=tmp_path / "out", cache_dir=tmp_path / "cache",
                             progress=False)

    items = list(parsed_documents(settings, nlp))
    parsed = [item for item in items if isinstance(item, ParsedDocument)]
    skipped = [item for item in items if isinstance(item, Skipped)]
    assert [d.doc_id for d in parsed] == ["a.txt", "b.md"] and items[:2] == parsed
    assert sorted(s.path for s in skipped) == ["c.doc", "d.txt"] and all(s.reason for s in skipped)
    first = parsed[0]
    assert [p.text for p in first.passages] == ["Les communes coopèrent.", "Les élus se réunissent."]
    assert [doc.text for doc in first.docs] == [p.text for p in first.passages]
    assert [t.lemma_ for t in first.docs[0]][:3] == ["le", "commune", "coopérer"]
    assert (tmp_path / "cache" / "parse").is_dir()  # through the parse cache, as analyse
