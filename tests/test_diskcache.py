import logging
import os
import time

import pytest

from pipeline import fingerprint
from pipeline.diskcache import DAY, Codec, DiskCache, cache_key, prune

TEXT = Codec(".txt", encode=lambda value: value.encode("utf-8"), decode=lambda data: data.decode("utf-8"))


def _cache(root, name="parse", version=1):
    return DiskCache(root, name, version, TEXT, label="test cache", remedy="doing it again")


def test_an_entry_is_stored_in_the_folder_named_after_its_cache_and_loaded_back(tmp_path):
    cache = _cache(tmp_path)
    key = cache.key("model", "Les communes coopèrent.")
    assert cache.load(key) is None and cache.misses == 1
    cache.store(key, "parsed")
    assert cache.path(key).parent.parent == tmp_path / "parse"
    assert _cache(tmp_path).load(key) == "parsed"


def test_keys_change_with_the_cache_its_version_and_each_part(tmp_path):
    assert cache_key("ab", "c") != cache_key("a", "bc")
    keys = {_cache(tmp_path).key("x"), _cache(tmp_path, version=2).key("x"),
            _cache(tmp_path, name="analysis").key("x"), _cache(tmp_path).key("y")}
    assert len(keys) == 4 and _cache(tmp_path).key("x") == _cache(tmp_path).key("x")


def test_a_damaged_or_rejected_entry_is_a_miss_with_a_warning_naming_the_cache(tmp_path, caplog):
    cache = _cache(tmp_path)
    key = cache.key("doc")
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_bytes(b"\xff\xfe not utf-8")
    with caplog.at_level(logging.WARNING):
        assert cache.load(key) is None
    assert "test cache entry" in caplog.text and "doing it again" in caplog.text
    cache.store(key, "two passages")

    def one_passage(value):
        raise ValueError("wrong number of passages")

    assert cache.load(key, check=one_passage) is None and cache.misses == 2


def test_an_entry_that_cannot_be_written_is_a_warning_not_an_error(tmp_path, caplog):
    (tmp_path / "parse").write_text("a file where the folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        _cache(tmp_path).store("ab12", "value")
    assert "could not write the test cache" in caplog.text


def _age(path, days):
    when = time.time() - days * DAY
    os.utime(path, (when, when))


def test_prune_removes_entries_no_run_used_for_the_days_given_and_keeps_used_ones(tmp_path):
    cache = _cache(tmp_path)
    old, used, recent = cache.key("old"), cache.key("used"), cache.key("recent")
    for key in (old, used, recent):
        cache.store(key, key)
    _age(cache.path(old), 40)
    _age(cache.path(used), 40)
    assert cache.load(used) == used  # using an entry marks it
    _age(cache.path(recent), 10)
    stray = tmp_path / "analysis" / "ab" / "x.tmp"  # a writer killed half-way
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half")
    _age(stray, 2)
    elsewhere = tmp_path / "notes.txt"  # not a cache's: never touched
    elsewhere.write_text("mine", encoding="utf-8")
    _age(elsewhere, 400)

    pruned = prune(tmp_path, max_age_days=30)
    assert pruned.entries == 2 and pruned.bytes == len(old) + len(b"half")
    assert not cache.path(old).exists() and not stray.parent.exists()
    assert cache.load(used) == used and cache.load(recent) == recent and elsewhere.exists()
    assert prune(tmp_path, max_age_days=0).entries == 0


@pytest.fixture
def toy_package(tmp_path, monkeypatch):
    package = tmp_path / "pipeline"
    package.mkdir()
    (package / "report.py").write_text("from pipeline.analysis import read\n", encoding="utf-8")
    (package / "analysis.py").write_text("def read():\n    from pipeline.words import count\n",
                                         encoding="utf-8")
    (package / "words.py").write_text("def count(): return 1\n", encoding="utf-8")
    monkeypatch.setattr(fingerprint, "PACKAGE", package)
    fingerprint.code_fingerprint.cache_clear()
    yield package
    fingerprint.code_fingerprint.cache_clear()


def test_a_code_fingerprint_follows_the_modules_imported_and_only_them(toy_package):
    before = fingerprint.code_fingerprint("analysis.py")
    (toy_package / "report.py").write_text("# the report changed\n", encoding="utf-8")
    fingerprint.code_fingerprint.cache_clear()
    assert fingerprint.code_fingerprint("analysis.py") == before  # the report does not make the analysis
    # imported inside a function of the analysis
    (toy_package / "words.py").write_text("def count(): return 2\n", encoding="utf-8")
    fingerprint.code_fingerprint.cache_clear()
    assert fingerprint.code_fingerprint("analysis.py") != before
