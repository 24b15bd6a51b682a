from pipeline.nlp.parse import ParseCache, parse_documents


def test_second_parse_comes_from_the_cache_without_calling_the_parser(nlp, tmp_path, monkeypatch):
    items = [("a", ["Les communes coopèrent.", "Une mutualisation des services."]), ("b", ["Bonjour."])]
    cache = ParseCache(tmp_path, nlp)
    first = dict(parse_documents(items, nlp, cache))
    assert [t.lemma_ for t in first["a"][0]][:3] == ["le", "commune", "coopérer"]

    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser was called on a cached document")

    monkeypatch.setattr(nlp, "pipe", no_parsing)
    cache2 = ParseCache(tmp_path, nlp)
    second = dict(parse_documents(items, nlp, cache2))
    assert cache2.hits == 2 and cache2.misses == 0
    assert [[t.lemma_ for t in d] for d in second["a"]] == [[t.lemma_ for t in d] for d in first["a"]]
    assert [t.pos_ for t in second["a"][1]] == [t.pos_ for t in first["a"][1]]
    assert second["a"][1][1].has_vector  # vectors come from the vocab, not the cache


def test_changed_text_misses_and_order_is_kept(nlp, tmp_path):
    cache = ParseCache(tmp_path, nlp)
    list(parse_documents([("a", ["Un texte."])], nlp, cache))
    items = [("a", ["Un texte."]), ("b", ["Un autre texte."]), ("c", ["Un texte."])]
    keys = [key for key, _ in parse_documents(items, nlp, cache, chunk_passages=1)]
    assert keys == ["a", "b", "c"]
    assert cache.hits == 2 and cache.misses == 2


def test_damaged_cache_entry_is_rebuilt(nlp, tmp_path):
    cache = ParseCache(tmp_path, nlp)
    texts = ["La confiance est un levier."]
    list(parse_documents([("a", texts)], nlp, cache))
    entry = next(tmp_path.rglob("*.spacy"))
    entry.write_bytes(entry.read_bytes()[:20])
    cache2 = ParseCache(tmp_path, nlp)
    (_, docs), = parse_documents([("a", texts)], nlp, cache2)
    assert docs[0].text == texts[0] and cache2.misses == 1
    cache3 = ParseCache(tmp_path, nlp)
    list(parse_documents([("a", texts)], nlp, cache3))
    assert cache3.hits == 1


def test_an_altered_byte_in_a_cache_entry_is_caught(nlp, tmp_path, caplog):
    cache = ParseCache(tmp_path, nlp)
    texts = ["La confiance est un levier.", "Les élus se réunissent chaque mois."]
    list(parse_documents([("a", texts)], nlp, cache))
    entry = next(tmp_path.rglob("*.spacy"))
    data = bytearray(entry.read_bytes())
    for position in range(2, len(data), max(1, len(data) // 25)):  # bytes across the whole entry
        altered = data.copy()
        altered[position] ^= 0x5A
        entry.write_bytes(bytes(altered))
        checking = ParseCache(tmp_path, nlp)
        assert checking.load(texts) is None, position  # the entry's checksum fails, whatever the byte
        assert checking.misses == 1
