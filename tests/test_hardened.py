"""Hardened input: odd encodings and shapes parse or fail in one line; nothing escapes."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_tone import analyze, load_article
from article_tone.__main__ import main


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.text(min_size=0, max_size=300),
                 st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_arbitrary_unicode_never_yields_a_traceback(tmp_path, capsys, text):
    path = tmp_path / "any.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    code = main(["analyze", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code in (0, 2)
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith(f"error: {path}: ")
    assert "Traceback" not in err


@pytest.mark.slow
@pytest.mark.shared
def test_a_megabyte_of_text_is_analysed(tmp_path, bbc_dir):
    """500 BBC articles joined (~1 MB): one article of ~2,900 paragraphs, analysed in full."""
    paths = sorted(bbc_dir.glob("*/*.txt"))[::4][:500]
    texts = [p.read_text(encoding="utf-8", errors="replace").strip() for p in paths]
    big = tmp_path / "joined.txt"
    big.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    expected_blocks = sum(len(load_article(p).blocks) for p in paths)
    started = time.perf_counter()
    result = analyze(big)
    elapsed = time.perf_counter() - started
    assert len(result.article.blocks) == expected_blocks
    assert len(result.paragraphs) == expected_blocks - 1  # the first title is the headline
    assert result.sentences["para_no"].nunique() == len(result.paragraphs)
    assert elapsed < 60, f"a 1 MB article took {elapsed:.0f} s (the limit is a minute)"
