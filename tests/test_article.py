"""The parser: metadata, block kinds, offsets, encodings, fallbacks."""

from __future__ import annotations

import codecs
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_tone import ArticleError, load_article, parse_text
from article_tone.article import coverage_errors, decode_bytes, excluded_blocks, split_blocks


def test_seed_metadata(seed_article, seed_path):
    m = seed_article.meta
    assert m["section"] == "Opinions"
    assert m["published"] == datetime(2019, 5, 15, 16, 33, tzinfo=timezone(timedelta(hours=8)))
    assert m["published"].utcoffset() == timedelta(hours=8)
    assert m["headline"] == "Pompeo's Russia trip hints a 'New Detente' might be in the works"
    assert m["author"] == "Andrew Korybko"
    assert m["editor_note"].startswith(
        "Andrew Korybko is a Moscow-based American political analyst."
    )
    assert seed_article.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()
    assert seed_article.path == "seeds/000_f9d92dfb58a1c3ba.txt"


def test_seed_blocks(seed_article):
    kinds = seed_article.blocks["kind"].value_counts().to_dict()
    assert kinds == {"section": 1, "dateline": 1, "headline": 1, "byline": 1, "editor_note": 1,
                     "body": 11, "caption": 2, "footer": 3}
    body = seed_article.blocks[seed_article.blocks["kind"] == "body"]
    assert body["para_no"].tolist() == list(range(1, 12))
    assert seed_article.blocks.loc[seed_article.blocks["kind"] != "body", "para_no"].isna().all()
    captions = seed_article.blocks.loc[seed_article.blocks["kind"] == "caption", "text"]
    assert all(t.endswith("/VCG Photo") for t in captions)
    footer = seed_article.blocks.loc[seed_article.blocks["kind"] == "footer", "text"].tolist()
    assert footer[0].startswith("(If you want to contribute")
    assert footer[1:] == ["Copyright ©", "RELATED STORIES"]  # no-break spaces cleaned


def test_seed_offsets_cover_every_character_once(seed_article):
    assert coverage_errors(seed_article) == []
    for b in seed_article.blocks.itertuples():
        assert " ".join(seed_article.text[b.start:b.end].split()) == b.text


def test_paragraph_text_has_no_nbsp(seed_article):
    assert not seed_article.paragraphs["text"].str.contains("\xa0").any()
    assert "\xa0" in seed_article.text  # the raw text is untouched


def test_excluded_blocks_have_reasons(seed_article):
    ex = excluded_blocks(seed_article)
    assert len(ex) == 10
    assert ex["reason"].notna().all()


def test_plain_article_title_then_paragraphs():
    a = parse_text("Tsunami debt deal\n\nFirst paragraph. Second sentence.\n\nSecond paragraph.\n")
    assert a.blocks["kind"].tolist() == ["headline", "body", "body"]
    assert a.meta["headline"] == "Tsunami debt deal"
    assert a.meta["published"] is None and a.meta["author"] is None


def test_single_paragraph_is_body():
    a = parse_text("Just one paragraph of text.")
    assert a.blocks["kind"].tolist() == ["body"]


def test_no_blank_lines_falls_back_to_one_block_per_line():
    a = parse_text("Title here\nFirst paragraph is here.\nSecond one is here.\n")
    assert a.blocks["kind"].tolist() == ["headline", "body", "body"]
    assert coverage_errors(a) == []


def _seed_variant(tmp_path, seed_path, name, transform):
    p = tmp_path / name
    p.write_bytes(transform(seed_path.read_text(encoding="utf-8")))
    return p


@pytest.mark.parametrize(
    "name,transform,encoding",
    [
        ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        ("bom.txt", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        ("utf16.txt", lambda t: t.encode("utf-16"), "utf-16"),
        ("utf16be.txt", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
        ("utf16-crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_parse_like_the_seed(
    tmp_path, seed_path, seed_article, name, transform, encoding
):
    a = load_article(_seed_variant(tmp_path, seed_path, name, transform))
    assert a.encoding == encoding
    assert a.text == seed_article.text
    assert len(a.paragraphs) == 11
    assert a.paragraphs["text"].tolist() == seed_article.paragraphs["text"].tolist()
    assert a.meta == seed_article.meta
    if "crlf" in name:
        assert a.newline == "crlf"


def test_cp1252_is_decoded_with_a_recorded_warning(tmp_path):
    p = tmp_path / "latin.txt"
    text = "Caf\u00e9 society\n\nThe na\u00efve \u201cdeal\u201d costs \u00a35.\n"
    p.write_bytes(text.encode("cp1252"))
    a = load_article(p)
    assert a.encoding == "cp1252"
    assert a.paragraphs["text"].iloc[0] == "The na\u00efve \u201cdeal\u201d costs \u00a35."
    assert len(a.warnings) == 1 and "Windows-1252" in a.warnings[0]
    assert "Windows-1252" in str(a.to_dict()["warnings"])


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"", "file is empty"),
        (b"   \n\t\n \xc2\xa0 \n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "undecodable bytes"),
        (b"\x81\x8d\x8f\x90\x9d text", "undecodable bytes"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "HTML"),
    ],
)
def test_bad_content_raises_one_line_error(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ArticleError) as info:
        load_article(p)
    assert reason in str(info.value)
    assert str(info.value).startswith(str(p) + ": ")
    assert "\n" not in str(info.value)


def test_missing_and_directory(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        load_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleError, match="is a directory"):
        load_article(tmp_path)


# ---------------------------------------------------------------------------------------------
# Property tests: the invariant holds for any text, and nothing but ArticleError escapes.

text_alphabet = st.sampled_from(
    list("ab .!?\n\n\n \t\xa0\u2028\r")
    + ["Opinions", "2019.05.15 16:33 GMT+8", "/VCG Photo", "Copyright ©", "Editor's note:",
       "U.S.", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(text_alphabet, max_size=40).map("".join)))
def test_blocks_cover_every_non_whitespace_character_once(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    a = parse_text(text)
    assert coverage_errors(a) == []
    assert a.blocks["block_id"].tolist() == list(range(1, len(a.blocks) + 1))
    assert (a.blocks["start"].diff().dropna() > 0).all()  # in document order


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_raise_article_error(data):
    try:
        dec = decode_bytes(data, "x.txt")
    except ArticleError as exc:
        assert str(exc).startswith("x.txt: ") and "\n" not in str(exc)
    else:
        assert dec.text.strip()
        assert "\r" not in dec.text


def test_split_blocks_keeps_header_lines_together():
    text = "Opinions\n2019.05.15 16:33 GMT+8\n\nHeadline\n"
    assert [text[s:e] for s, e in split_blocks(text)] == [
        "Opinions\n2019.05.15 16:33 GMT+8", "Headline"
    ]


@pytest.mark.parametrize("n", [0, 1, 7])
def test_typed_tables_equal_the_public_constructor(n):
    import pandas as pd
    import pandas.testing as pdt

    from article_tone.article import rows_frame

    rows = [(i, f"w{i}", None if i % 3 else i, 0.5 * i, i % 2 == 0, ("a", i)) for i in range(n)]
    cols = ["n", "text", "maybe", "x", "flag", "pair"]
    dtypes = ("int64", "object", "Int64", "float64", "bool", "object")
    got = rows_frame(cols, rows, dtypes)
    typed = enumerate(zip(cols, dtypes, strict=True))
    want = pd.DataFrame({c: pd.Series([r[j] for r in rows], dtype=d) for j, (c, d) in typed})
    pdt.assert_frame_equal(got, want, check_exact=True)
    assert got.columns.dtype == want.columns.dtype
    assert got["pair"].tolist() == [("a", i) for i in range(n)]  # tuples stay whole
    with pytest.raises(ValueError, match="different lengths"):
        from article_tone.article import columns_frame

        columns_frame({"a": [1, 2], "b": [1]}, ("int64", "int64"))


def test_frame_arrays_round_trip(seed_article):
    import pandas.testing as pdt

    from article_tone.article import arrays_frame, frame_arrays

    blocks = seed_article.blocks  # int64, object and nullable Int64 columns
    arrays = frame_arrays(blocks)
    assert list(arrays) == list(blocks.columns)
    assert str(arrays["para_no"].dtype) == "Int64"
    pdt.assert_frame_equal(arrays_frame(arrays), blocks, check_exact=True)


def test_clean_text_collapses_exactly_what_the_regex_would():
    """``clean_text`` splits with ``str.split()``: the same whitespace as the regex ``\\s``, for
    every code point, and the same result as ``re.sub(r"\\s+", " ", t).strip()``."""
    import re
    import sys

    from article_tone.article import _WS, clean_text

    space = re.compile(r"\s")
    assert all(
        bool(space.match(chr(c))) == chr(c).isspace() for c in range(sys.maxunicode + 1)
    )
    for t in ["  a\u00a0 b\t\n c  ", "\u2003x\u3000y\x1c", "", "   ", "one"]:
        assert clean_text(t) == _WS.sub(" ", t).strip()


@given(st.text())
def test_clean_text_equals_the_regex_on_any_text(text):
    from article_tone.article import _WS, clean_text

    assert clean_text(text) == _WS.sub(" ", text).strip()


def test_display_path_resolves_like_pathlib(tmp_path, monkeypatch):
    # display_path resolves each folder once; it must say what Path.resolve would say, for
    # files and folders behind symlinks, relative paths and the project's own files.
    from pathlib import Path

    from article_tone import config

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.txt").symlink_to(config.SEED_ARTICLE)
    monkeypatch.chdir(tmp_path)
    for p in ["real/a.txt", "link/a.txt", "link/b.txt", str(tmp_path / "link" / "b.txt"),
              "real/../link/a.txt", ".", "", "missing/c.txt", str(config.SEED_ARTICLE)]:
        try:
            want = Path(p).resolve().relative_to(config.ROOT).as_posix()
        except ValueError:
            want = p
        assert config.display_path(p) == want, p
    assert config.display_path("link/b.txt") == "seeds/000_f9d92dfb58a1c3ba.txt"
