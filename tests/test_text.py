"""Sentence splitting: offsets into the article, nothing lost, pysbd's boundaries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from article_tone import parse_text
from article_tone.text import sentence_spans, split_sentences


def test_seed_sentences(seed_article):
    s = split_sentences(seed_article)
    assert len(s) == 14
    assert s.groupby("para_no").size().to_dict() == {1: 1, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1,
                                                     9: 2, 10: 2, 11: 1}
    assert s.loc[s["para_no"] == 10, "text"].iloc[1].startswith("On the global level, there's no reason")
    for r in s.itertuples():
        assert " ".join(seed_article.text[r.start:r.end].split()) == r.text


def test_abbreviations_do_not_split():
    spans = sentence_spans("The U.S. and Russia met. Mr. Pompeo spoke in Sochi.")
    assert len(spans) == 2


def test_sentence_numbers_restart_per_paragraph():
    a = parse_text("Title line\n\nOne. Two.\n\nThree. Four. Five.\n")
    s = split_sentences(a)
    assert s["sent_no"].tolist() == [1, 2, 1, 2, 3]
    assert s["para_no"].tolist() == [1, 1, 2, 2, 2]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Word", "U.S.", ". ", "! ", "? ", " ", "\xa0", "\n", "e.g. ", "3.5",
                                 "\u201cQuote.\u201d ", "..."]), max_size=30).map("".join))
def test_sentences_keep_every_character(raw):
    spans = sentence_spans(raw)
    covered = "".join(raw[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(raw.split())
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
