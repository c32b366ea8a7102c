"""The lemma dictionary's cache: simplemma's own lemmas, kept on disk safely."""

from __future__ import annotations

import marshal

import pytest
import simplemma

from article_tone import lemmas
from article_tone.config import SEED_ARTICLE


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARTICLE_TONE_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def decoded():
    return lemmas.decode_dictionary()


def _no_decode(monkeypatch):
    def fail():
        raise AssertionError("decoded although the cache holds the dictionary")

    monkeypatch.setattr(lemmas, "decode_dictionary", fail)


def test_lemmas_are_simplemmas_own():
    """Dictionary words, their lemmas, case and affix variants, apostrophes, unknown words:
    the cached lemmatizer answers exactly as ``simplemma.lemmatize(w, lang="en")``."""
    words = lemmas.load_dictionary()
    sample = sorted(words)[::16]
    probes = set(sample) | {words[w] for w in sample} | set(SEED_ARTICLE.read_text().split())
    for w in list(probes):
        probes |= {w.lower(), w.capitalize(), w.upper(), w + "'s", "un" + w, w + "-based", w + "ly"}
    probes |= {"Zzyzx", "e-mail", "U.S.", "rock'n'roll", "’tis", "naïve", "1990s", "co-operate"}
    assert len(probes) > 50_000
    bad = [w for w in probes if lemmas.lemmatize(w) != simplemma.lemmatize(w, lang="en")]
    assert bad == []


def test_dictionary_is_cached_then_read_back(cache, monkeypatch):
    first = lemmas.load_dictionary()
    path = cache / lemmas.cache_name()
    assert path.is_file()
    assert len(first) > 100_000 and first["houses"] == "house"
    _no_decode(monkeypatch)
    assert lemmas.load_dictionary() == first
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind


def test_cache_name_tracks_simplemma_and_its_data_file():
    name = lemmas.cache_name()
    assert name.startswith(f"lemmas-en-simplemma{simplemma.__version__}-")
    assert name.endswith(".marshal")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        marshal.dumps((lemmas._FORMAT, 3, {"a": "a"})),
        marshal.dumps((99, 1, {"a": "a"})),
        marshal.dumps(["a", "b"]),
    ],
    ids=["empty", "garbage", "wrong-count", "other-format", "not-a-tuple"],
)
def test_a_bad_cache_file_is_decoded_again_and_replaced(cache, content, decoded):
    cache.mkdir()
    path = cache / lemmas.cache_name()
    path.write_bytes(content)
    assert lemmas._read(path) is None
    assert lemmas.load_dictionary() == decoded
    assert lemmas._read(path) == decoded


def test_truncated_cache_file_is_decoded_again(cache, decoded):
    lemmas.load_dictionary()
    path = cache / lemmas.cache_name()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert lemmas._read(path) is None
    assert lemmas.load_dictionary() == decoded


def test_a_folder_that_cannot_be_written_only_costs_the_decode(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ARTICLE_TONE_CACHE", str(blocker / "cache"))
    words = lemmas.load_dictionary()
    assert words["houses"] == "house"
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("value", ["off", "OFF", "0", ""])
def test_cache_can_be_turned_off(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ARTICLE_TONE_CACHE", value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lemmas.cache_dir() is None
    assert lemmas.load_dictionary()["houses"] == "house"
    assert not (tmp_path / "xdg").exists()


def test_default_cache_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("ARTICLE_TONE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lemmas.cache_dir() == tmp_path / "xdg" / "article_tone"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert lemmas.cache_dir().parts[-2:] == (".cache", "article_tone")


def test_only_english_is_served():
    with pytest.raises(ValueError, match="only the 'en' dictionary"):
        lemmas._Dictionaries().get_dictionary("de")
