"""Every BBC article parses: headline first, then body paragraphs, offsets exact."""

from __future__ import annotations

import pytest

from article_tone import load_article
from article_tone.article import coverage_errors


@pytest.mark.shared
def test_every_bbc_article_parses(bbc_dir):
    paths = sorted(bbc_dir.glob("*/*.txt"))
    assert len(paths) == 2225
    n_body = 0
    for p in paths:
        a = load_article(p)
        kinds = a.blocks["kind"].tolist()
        assert kinds[0] == "headline", p
        assert set(kinds[1:]) == {"body"}, p
        assert coverage_errors(a) == [], p
        n_body += len(a.paragraphs)
    assert n_body == 10547
