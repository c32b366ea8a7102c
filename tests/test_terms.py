"""Tokenizer, term counts, TF-IDF, bigrams and keyword in context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_tone.terms import (
    bigrams,
    document_term_matrix,
    kwic,
    stopwords,
    term_counts,
    tfidf_terms,
    tokenize,
    top_terms,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. said", ["u.s."]),
        ("US troops", ["u.s.", "troop"]),
        ("Russia's role", ["russia", "role"]),
        ("Russia’s role", ["russia", "role"]),
        ("Russian-American relations", ["russian-american", "relation"]),
        ("a win-win, zero-sum deal", ["win-win", "zero-sum", "deal"]),
        ("in 2016 about 3.5% and 1,000 people", ["people"]),
        ("Black\u00a0Sea ports", ["black sea", "port"]),
        ("the New Detente and the deep state", ["new detente", "deep state"]),
        ("an extension to the new start", ["extension", "new start"]),
        ("a new start", ["new", "start"]),
        ("Talks in Brussels", ["talk", "brussels"]),
        ("we can't, they won't", []),
    ],
)
def test_tokenize(text, expected):
    assert tokenize(text) == expected


def test_no_pronoun_from_us():
    assert "us" not in tokenize("Help us, said the U.S. and the US.")
    assert tokenize("Help us, said the U.S.").count("u.s.") == 1


def test_seed_terms(seed_analysis):
    t = seed_analysis.terms
    assert list(t.columns) == ["para_no", "term", "count"]
    assert int(t.loc[t.term == "russia", "count"].sum()) == 8
    assert "us" not in set(t.term)
    assert not set(t.term) & stopwords()
    assert all(any(ch.isalnum() for ch in term) for term in t.term)
    assert not t.term.str.fullmatch(r"[\W_]+").any()
    assert {"new detente", "deep state", "new start", "black sea", "u.s."} <= set(t.term)
    assert not t.duplicated(["para_no", "term"]).any()


def test_matrix_tfidf_bigrams(seed_analysis):
    m = document_term_matrix(seed_analysis)
    assert m.shape[0] == len(seed_analysis.paragraphs)
    assert int(m["russia"].sum()) == 8
    tf = tfidf_terms(seed_analysis, 3)
    assert tf.groupby("para_no").size().max() == 3
    assert tf.tfidf.between(0, 1).all()
    assert tf[tf.para_no == 5].term.iloc[0] == "nuclear"  # three times in paragraph 5 only
    b = bigrams(seed_analysis, None)
    assert "regime change" in set(b.bigram)
    assert b.loc[b.bigram == "mutual compromise", "count"].iloc[0] == 2
    assert top_terms(seed_analysis, 1).term.iloc[0] == "russia"


def test_kwic(seed_analysis):
    k = kwic(seed_analysis, "Iran", width=20)
    assert len(k) == 2  # "Iran" and "Iran's", not "Iranian"
    text = seed_analysis.article.text
    for r in k.itertuples():
        assert text[r.start : r.end] == "Iran"
        assert len(r.left) <= 20 and len(r.right) <= 20
    assert set(k.para_no) == {5, 8}
    assert len(kwic(seed_analysis, "new detente")) == 5
    assert kwic(seed_analysis, "Narnia").empty
    with pytest.raises(ValueError):
        kwic(seed_analysis, " ")


def test_empty_paragraphs():
    import pandas as pd

    empty = pd.DataFrame({"para_no": [1], "text": ["the and of"]})
    assert term_counts(empty).empty
    assert top_terms(empty).empty
    assert tfidf_terms(empty).empty


def test_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from article_tone.terms import english_stop_words

    assert english_stop_words() == ENGLISH_STOP_WORDS


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["U.S.", "e.g.", "New", "START", "Sea's", "’s", "'", "it's",
                                 "win-win", "3.5", ".", "!?", ";", ":", " ", "\u00a0", "\n",
                                 "x'", "’", "Ro‐ma", "é", "_", "a.b."]), max_size=16).map("".join))
def test_chunk_tokens_are_the_raw_tokens_of_the_whole_text(text):
    # tokenize reads its tokens chunk by chunk (cached); they must be _raw_tokens' own
    from article_tone.terms import _chunk_tokens, _raw_tokens

    toks, kinds, lower = _chunk_tokens(text)
    initial = [i == 0 or kinds[i - 1] == "stop" for i in range(len(toks))]
    want = _raw_tokens(text)
    flags = [f and k != "stop" for f, k in zip(initial, kinds, strict=True)]
    assert list(zip(toks, flags, kinds, strict=True)) == want
    assert lower == [t.lower().replace("’", "'") for t, _, _ in want]
