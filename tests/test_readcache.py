"""The analysis cache gives back exactly what it was given, and treats a damaged entry as missing."""

from __future__ import annotations

from pipeline.analysis import DocumentReading
from pipeline.analysis.readcache import ReadingCache
from pipeline.analysis.tagging import TokenKeys
from pipeline.types import Competence, PassageWords


def _reading() -> DocumentReading:
    passage = TokenKeys("Savoir écouter les élus.", ("savoir", "écouter", "le", "élu", "."),
                        ("savoir", "écouter", "les", "élus", "."), (0, 7, 15, 19, 23), (6, 14, 18, 23, 24))
    heading = TokenKeys("Compétences", ("compétence",), ("compétences",), (0,), (11,))
    return DocumentReading(
        keys=(passage,),
        context_keys={heading.text: heading},
        competences=((Competence("écoute", "savoir-etre", 7, 14, "lexicon", None),
                      Competence("savoir écouter", "autre", 0, 14, "discovered", 0.8125)),),
        words=(PassageWords((("savoir", "savoir"), ("écouter", "écouter"), ("élu", "élus")), ()),),
    )


def test_a_stored_reading_comes_back_equal(tmp_path):
    cache = ReadingCache(tmp_path, "lexicon-sha")
    cache.store("parse-key", _reading())
    assert cache.load("parse-key", passages=1) == _reading()
    assert (cache.hits, cache.misses) == (1, 0)


def test_another_lexicon_or_parse_misses(tmp_path):
    ReadingCache(tmp_path, "lexicon-sha").store("parse-key", _reading())
    assert ReadingCache(tmp_path, "other-lexicon").load("parse-key", passages=1) is None
    assert ReadingCache(tmp_path, "lexicon-sha").load("other-parse", passages=1) is None


def test_the_same_passages_read_without_the_licence_model_miss(tmp_path):
    # the competence licence model reads scraped text, not Markdown: the readings of the two may differ
    ReadingCache(tmp_path, "lexicon-sha").store("parse-key", _reading())
    assert ReadingCache(tmp_path, "lexicon-sha").load("parse-key", passages=1, licence_reads=False) is None
    assert ReadingCache(tmp_path, "lexicon-sha").load("parse-key", passages=1) == _reading()


def test_a_damaged_entry_is_a_miss(tmp_path, caplog):
    cache = ReadingCache(tmp_path, "lexicon-sha")
    cache.store("parse-key", _reading())
    (entry,) = tmp_path.rglob("*.msgpack")
    entry.write_bytes(entry.read_bytes()[:40])
    assert cache.load("parse-key", passages=1) is None
    assert cache.misses == 1 and "damaged" in caplog.text


def test_an_entry_for_another_number_of_passages_is_a_miss(tmp_path):
    cache = ReadingCache(tmp_path, "lexicon-sha")
    cache.store("parse-key", _reading())
    assert cache.load("parse-key", passages=2) is None
