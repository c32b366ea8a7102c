"""Sentiment scores equal TextBlob's and VADER's own; drivers and name detection."""

from __future__ import annotations

import pandas as pd
import pytest
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from article_tone import score_sentences
from article_tone.sentiment import (
    DRIVER_COLUMNS,
    _vader,
    entity_flags,
    entity_share,
    pattern_tokens,
    score_article_texts,
    score_text,
)
from tests.conftest import require_shared

TRICKY = [
    "This is not good at all!",
    "Really not bad.",
    "Very, very good!!!",
    "I am :) happy (!)",
    "He said ': )' and left",
    "U.S. Secretary Pompeo met Mr. Lavrov, e.g. in Sochi...",
    "It's    not\u00a0really   great",
    "Line one.\n\nLine two is terrible.",
    "",
    "   ",
    "A “quoted” ‘word’ isn't bad",
    "don't won't can't shouldn't",
    "END-OF-SENTENCE good",
    "The food was GREAT but the service was horrible :-(",
    "Kind of nice, sort of sad.",
]


@pytest.fixture(scope="module")
def vader():
    return SentimentIntensityAnalyzer()


def test_scores_equal_textblob_and_vader_exactly(vader):
    got = score_sentences(TRICKY)
    assert list(got.columns[:4]) == [
        "polarity",
        "subjectivity",
        "vader_compound",
        "polarity_masked",
    ]
    for i, t in enumerate(TRICKY):
        ref = TextBlob(t).sentiment
        assert got.polarity[i] == pytest.approx(ref.polarity, abs=1e-12), t
        assert got.subjectivity[i] == pytest.approx(ref.subjectivity, abs=1e-12), t
        assert got.vader_compound[i] == vader.polarity_scores(t)["compound"], t


def test_seed_paragraph_polarity_equals_textblob(seed_analysis):
    p = seed_analysis.paragraphs
    for text, pol, subj in zip(p["text"], p["polarity"], p["subjectivity"], strict=True):
        ref = TextBlob(text).sentiment
        assert pol == pytest.approx(ref.polarity, abs=1e-6)
        assert subj == pytest.approx(ref.subjectivity, abs=1e-6)
    s = seed_analysis.sentences
    for text, pol in zip(s["text"], s["polarity"], strict=True):
        assert pol == pytest.approx(TextBlob(text).sentiment.polarity, abs=1e-9)


def test_score_sentences_shape_and_order():
    df = score_sentences(["good", "bad", "good"])
    assert len(df) == 3 and df.polarity[0] > 0 > df.polarity[1] and df.polarity[2] == df.polarity[0]
    assert score_sentences([]).shape[0] == 0


def test_validation_sentences_match_textblob(vader):
    path = require_shared("validation", "nyt_editorials_dev.tsv")
    texts = pd.read_csv(path, sep="\t", header=None, quoting=3)[2].astype(str).tolist()[:600]
    got = score_sentences(texts)
    for i, t in enumerate(texts):
        assert got.polarity[i] == pytest.approx(TextBlob(t).sentiment.polarity, abs=1e-9), t
        assert got.vader_compound[i] == vader.polarity_scores(t)["compound"], t


def test_fast_path_falls_back_where_textblob_joins_tokens():
    assert pattern_tokens("happy : ) day")[2] is False  # emoticon across a space
    assert pattern_tokens("Line.\n\nLine")[2] is False
    assert pattern_tokens("an ordinary sentence - but fine.")[2] is True


def test_entity_flags_rules():
    toks = ["Pompeo", "visited", "the", "Black", "Sea", "with", "sincere", "hopes", "."]
    f = entity_flags(toks)
    assert f[3] and f[4] and not f[6] and not f[1]
    assert entity_flags(["Sincere", "thanks"]) == [False, False]
    assert entity_flags(["New", "Detente"]) == [True, True]
    assert entity_flags(["a", '"', "Good", "deal", '"']) == [False, False, False, False, False]
    assert entity_flags(["the", "deep", "state"]) == [False, True, True]
    assert entity_flags(["a", "new", "start"]) == [False, False, False]
    assert entity_flags(["the", "new", "start"]) == [False, True, True]
    assert entity_flags(["It", "was", "GREAT"])[2] is False  # shouting, not a name


def test_masked_polarity_neutralises_names():
    s = score_text("They sailed on the Black Sea.")
    assert s.polarity < 0 and s.polarity_masked == 0
    s = score_text("A sincere and good offer.")
    assert s.polarity_masked == s.polarity > 0


def test_seed_drivers(seed_analysis):
    d = seed_analysis.drivers
    assert list(d.columns) == [
        "para_no",
        "sent_no",
        "words",
        "word",
        "polarity",
        "subjectivity",
        "in_entity",
    ]
    black = d[(d.para_no == 1) & (d.word == "Black")]
    assert len(black) == 1 and bool(black.in_entity.iloc[0])
    new4 = d[(d.para_no == 4) & (d.word == "New")]
    assert len(new4) == 1 and bool(new4.in_entity.iloc[0])
    sincere = d[(d.para_no == 10) & (d.words == "sincere")]
    assert len(sincere) == 1 and not bool(sincere.in_entity.iloc[0])
    assert int(sincere.sent_no.iloc[0]) == 2
    assert "much more" in set(d.words)
    # a paragraph's polarity is the mean of its drivers' polarity
    p = seed_analysis.paragraphs.set_index("para_no")["polarity"]
    means = d.groupby("para_no")["polarity"].mean()
    for pn, m in means.items():
        assert m == pytest.approx(p[pn], abs=1e-12)
    assert 0 < entity_share(d) < 1


def test_masked_column_on_seed(seed_analysis):
    p = seed_analysis.paragraphs.set_index("para_no")
    assert p.loc[1, "polarity_masked"] > p.loc[1, "polarity"]  # "Black" pulled it down
    assert p.loc[7, "polarity_masked"] == p.loc[7, "polarity"]  # no names among its drivers


def test_private_textblob_lexicon_is_textblobs_own():
    """The lexicon loaded without importing NLTK (for speed) is exactly TextBlob's."""
    import subprocess
    import sys

    digest = ("import hashlib, sys; from article_tone.sentiment import _textblob_sentiment as f; "
              "s = f(); assert MODE == 'own' or 'textblob.en' in sys.modules; "
              "print(hashlib.sha256(repr(sorted((k, sorted(v.items(), key=lambda kv: str(kv[0])))"
              " for k, v in s.items())).encode()).hexdigest(), "
              "'textblob.en' in sys.modules)")
    own = subprocess.run([sys.executable, "-c", "MODE='own'; " + digest],
                         capture_output=True, text=True, check=True)
    ref = subprocess.run([sys.executable, "-c", "MODE='ref'; import textblob.en; " + digest],
                         capture_output=True, text=True, check=True)
    own_hash, own_imported = own.stdout.split()
    ref_hash, _ = ref.stdout.split()
    assert own_imported == "False"  # the fast path really did not import TextBlob
    assert own_hash == ref_hash


def _vader_texts(n: int) -> list[str]:
    """``n`` made-up texts dense in what VADER's rules look at: negations, boosters in any
    case, "no", "least", "kind of", "but", idioms, punctuation and odd whitespace."""
    import random

    words = (
        "no not never so this without doubt least at very kind of sort but BUT or nor isn't "
        "don't the shit bomb bad ass kiss death to die for yeah right just enough hardly "
        "extremely EXTREMELY good GOOD Good great horrible nice sad love hate ! ? :) :-( (!)"
    ).split()
    seps = [" ", "  ", ", ", ". ", "! ", "\u00a0", "\n"]
    rng = random.Random(5)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 14)):
            w = rng.choice(["", '"', "("]) + rng.choice(words) + rng.choice(["", ".", ",", '"'])
            parts += [w, rng.choice(seps)]
        out.append("".join(parts))
    return out


def test_fast_vader_equals_vader_on_rule_dense_texts(vader):
    fast = _vader()
    for t in _vader_texts(3000) + TRICKY:
        assert repr(fast.polarity_scores(t)) == repr(vader.polarity_scores(t)), t


PARAGRAPHS = pd.DataFrame(
    {"para_no": [1, 2], "text": ["The deal is good. Critics call it a bad idea.", "It is good."]}
)
SENTENCES = pd.DataFrame(
    {
        "para_no": [1, 1, 2],
        "sent_no": [1, 2, 1],
        "text": ["The deal is good.", "Critics call it a bad idea.", "It is good."],
    }
)


def test_article_without_drivers_scores_the_same():
    full = score_article_texts(PARAGRAPHS, SENTENCES, ["It is good.", "a bad idea"])
    lean = score_article_texts(PARAGRAPHS, SENTENCES, ["It is good.", "a bad idea"], drivers=False)
    assert len(full[2]) > 0
    assert lean[2].empty and list(lean[2].columns) == DRIVER_COLUMNS
    assert lean[2].dtypes.equals(full[2].dtypes)
    for a, b in zip(full[:2] + full[3:], lean[:2] + lean[3:], strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_repeated_texts_get_the_tone_of_their_own_batch():
    # a one-sentence paragraph, its sentence and an equal context are predicted once
    from article_tone.calibrated import predict_tone

    p, s, _, e = score_article_texts(PARAGRAPHS, SENTENCES, ["It is good."])
    assert p["tone"][1] == s["tone"][2] == e["tone"][0]
    alone = predict_tone(["It is good."])[0]
    assert e["tone"][0] == alone


def test_clearing_text_caches_changes_no_score():
    from article_tone import calibrated, sentiment

    texts = ["Sanctions hurt ordinary people badly.", "A sincere, good-faith dialogue helps."]
    before = sentiment.score_sentences(texts)
    assert sentiment._CHUNK_CACHE and calibrated._WORD_ROWS[0]._chunks
    sentiment.clear_text_caches()
    assert not sentiment._CHUNK_CACHE and not sentiment._vader()._words
    assert not calibrated._WORD_ROWS[0]._chunks
    from article_tone import terms

    terms.tokenize("Some words here.")
    assert terms._CHUNK_TOKENS
    sentiment.clear_text_caches()
    assert not terms._CHUNK_TOKENS and not terms._TERM_CACHE
    pd.testing.assert_frame_equal(sentiment.score_sentences(texts), before, check_exact=True)


def _joinable_paragraphs(n: int) -> list[list[str]]:
    """``n`` made-up paragraphs as lists of sentences, dense in what carries over a sentence
    boundary: modifiers and negations at a sentence's end, "!" at its start, all-caps words,
    "but", names across the boundary, short and long sentences."""
    import random

    rng = random.Random(11)
    texts = _vader_texts(4 * n)
    extra = "very really extremely not no never ! !! Very NOT GREAT Black Sea New Detente".split()
    out = []
    for i in range(n):
        sents = []
        for t in texts[4 * i : 4 * i + rng.randint(2, 4)]:
            words = t.split() + rng.sample(extra, rng.randint(0, 3))
            rng.shuffle(words)
            if words:
                sents.append(" ".join(words))
        if len(sents) > 1:
            out.append(sents)
    return out


def test_paragraph_joined_from_its_sentences_equals_scoring_it_alone():
    from article_tone.sentiment import _joined_paragraph, _pattern_tokens, _sentence_starts

    joined = 0
    for sents in _joinable_paragraphs(1500) + [["It was very.", "Good."], ["No.", "Bad idea!"]]:
        para = " ".join(sents)
        got = _joined_paragraph(para, sents, [score_text(s) for s in sents])
        if got is None:
            continue
        joined += 1
        sc, starts = got
        toks = _pattern_tokens(para)
        assert starts == _sentence_starts(para, sents, toks[1])
        ref = score_text(para, starts=starts, _tokens=toks)
        for name in ("polarity", "subjectivity", "polarity_masked", "tokens", "chunk_of",
                     "assessments", "flags", "words", "exact", "joinable"):
            assert getattr(sc, name) == getattr(ref, name), (name, sents)
        assert repr(sc.vader) == repr(ref.vader), sents
        assert sc.vader_parts == ref.vader_parts, sents
    assert joined > 1000
