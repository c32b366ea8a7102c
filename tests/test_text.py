"""Sentence splitting: offsets into the article, nothing lost, pysbd's boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_tone import parse_text
from article_tone.text import _fast_starts, _pysbd_starts, sentence_spans, split_sentences


def test_seed_sentences(seed_article):
    s = split_sentences(seed_article)
    assert len(s) == 14
    assert s.groupby("para_no").size().to_dict() == {1: 1, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1,
                                                     9: 2, 10: 2, 11: 1}
    second = s.loc[s["para_no"] == 10, "text"].iloc[1]
    assert second.startswith("On the global level, there's no reason")
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
@given(st.lists(st.sampled_from(["Word", "U.S.", ". ", "! ", "? ", " ", "\xa0", "\n", "e.g. ",
                                 "3.5", "\u201cQuote.\u201d ", "..."]), max_size=30).map("".join))
def test_sentences_keep_every_character(raw):
    spans = sentence_spans(raw)
    covered = "".join(raw[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(raw.split())
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))


# ------------------------------------------------------------------------------------------
# The fast splitter (``_fast_starts``) models more of pysbd's rules: each construct below
# takes the fast path and gives pysbd's boundaries exactly.

_FAST_CASES = [
    # plain paragraphs: quotes, parentheses, numbers, "?" and "!"
    ('He left. "We won," she said. "It is over." Then they went home.', 4),
    ("Sales rose 3.5% to £1.2bn (about $2bn). Profits fell.", 2),
    ('The firm (AOL) lost money. "Bad news." It said so.', 3),
    ('He said "it is a deal". Others disagreed.', 2),
    ('"We are going." She said more.', 2),
    ("Is it over? Nobody knows. Yes!", 3),
    # single quotes: pysbd hides the punctuation between them (BetweenPunctuation)
    ("Overbooking can lead to 'bumping' - a passenger is moved. It hurts.", 2),
    ("He said 'no. Never' today. Then he left.", 2),
    ("Fans called it 'the best.' They were right.", 2),
    ("The players' union agreed. It was late.", 2),
    ("'Bumping' Is common, they said. It is.", 3),  # a quotation opening a sentence
    ('"Missing" Lilly documents were found. It said so.', 3),
    ("It said 'yes!' Nobody believed it.", 2),
    # ellipses: "..." before a capital ends a sentence, any other does not
    ("It was fine... Then it was not.", 2),
    ("It was fine... then it was not.", 1),
    ("Wait...what happened? Nobody knows...", 2),
    ('He said "I think..." Then he left.', 2),
    # abbreviations, single letters, odd words before a period
    ("Mr. Pompeo met Mr. Lavrov. They talked.", 2),
    ("Campbell, S. Best, Shields and N. Best.", 1),
    ("He lives at No. 10 Downing Street. It is old.", 2),
    ("It may. I think so.", 1),
    ("The drug treats multiple sclerosis (MS). A few weeks ago it failed.", 2),
    ("Talks covered HIV/Aids. G7 ministers met.", 2),
    ("He told latinohiphopradio.com. The award is his.", 2),
    ("Upgrade to version 4.7.1. The problem is fixed.", 2),
    ("They shot it with a .22 rifle. Then they ran.", 2),
    ("Apple's iPod was up . Sales rose.", 2),
    # "?" and "!" before a comma or a lower-case word
    ("Do They Know It's Christmas?, Slade's song and others.", 2),
    ("He starred in Airplane!, starring others. It was good.", 2),
    ("Why? nobody knows. Yes! we won.", 3),
    ("What a song! it won.", 1),
]


@pytest.mark.parametrize("text, n", _FAST_CASES)
def test_fast_path_models_more_of_pysbd(text, n):
    starts = _fast_starts(text)
    assert starts is not None
    assert starts == _pysbd_starts(text)
    assert len(starts) == n


@pytest.mark.parametrize(
    "text",
    [
        "It was fine.. Then it was not.",  # two periods: pysbd makes ". " a sentence
        "Great!! Then it ended.",  # double punctuation
        "They fought in World War I. But the BBC said no.",  # "I." may split again
        "It ended at 5 p.m. Then he left.",  # multi-period abbreviation
        "See pp.7 The end.",  # a period between a word and a number may be a reference
        "The firm (see (the) note) grew. It rose.",  # nested parentheses
        "e.g. this. And this.",  # dotted abbreviations are searched as patterns by pysbd
        "The U.S. and Russia met. Talks went on.",  # multi-period abbreviation
        "First line.\nSecond line.",  # line break
        "Items: 1. one 2. two. Done.",  # numbered list
    ],
)
def test_fast_path_still_defers(text):
    assert _fast_starts(text) is None


_WORDS = ["He", "said", "the", "May", "may", "Mr", "St", "co", "No", "no", "I", "I'm", "US",
          "2004", "3", "3.5", "S", "H", "V", "p", "x", "etc", "(MS)", "(2)", "[It]", "players'",
          "don't", "Blair's", "bbc.co.uk", "HIV/Aids", "U.S.", "#1", "The", "Then", "it", "Why"]
_MARKS = [" ", " ", " ", ". ", ". ", "? ", "! ", ", ", "'", " '", "' ", '"', ' "', '" ', ". '",
          ".' ", '." ', "?' ", "...", "... ", "..", ".. ", "!! ", "?, ", "!, ", " . ", "#", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_MARKS)), min_size=1,
                max_size=12).map(lambda pairs: "".join(w + m for w, m in pairs)))
def test_fast_path_agrees_with_pysbd_on_quotes_and_ellipses(raw):
    assert sentence_spans(raw) == sentence_spans(raw, fast=False)


_UNSAFE_ATOMS = list("aAbBiIvVxXyY .!?()[]\"'’”“-_09\t\u00e9\u017f\u212a") + [
    "Yahoo!", "Yum!", "Y!J", "Co. KG", "ii)", "(iv)", "xviii)", " a.", "1. ", "12.) ", "e.g",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_UNSAFE_ATOMS), min_size=1, max_size=14).map("".join))
def test_unsafe_parts_match_where_the_whole_pattern_does(s):
    # The fast path's give-up test, split into one regex per alternative (each opening with
    # what it consumes first), says what the one alternation says; and the numbered-list
    # prefilter never hides a list pysbd would see.
    from article_tone.text import _NUMBERED_ITEM, _UNSAFE, _consecutive, _rules, _two, _unsafe

    assert _unsafe(s) == (_UNSAFE.search(s) is not None)
    if _consecutive(_rules().numbered_list.findall(s)):
        assert _two(_NUMBERED_ITEM, s)
