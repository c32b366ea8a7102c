"""Topic lexicon and matcher: whole words, case, possessives, overlaps, errors, the seed's tags."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from article_tone import ArticleError, analyze, parse_text
from article_tone.topics import find_mentions, lexicon_phrases, load_lexicon, parse_lexicon

LEX = parse_lexicon(
    """
[iran]
label = "Iran"
terms = ["Iran", "Iranian", "Tehran", "Persian Gulf", "nuclear deal"]
[us]
terms = ["US", "U.S."]
[gulf]
terms = ["Gulf"]
[ukraine]
terms = ["Ukraine", "Ukraine's new president", "Minsk Agreements"]
[start]
terms = ["New START"]
patterns = ['''(?<=extension to the )new start\\b''']
""",
    "test.toml",
)


def matched(text, topic=None, lex=LEX):
    return [m.matched for m in find_mentions(text, lex) if topic is None or m.topic == topic]


def test_case_aware_terms():
    assert matched("The US and us.", "us") == ["US"]
    assert matched("us and Us", "us") == []
    # all-lower-case terms match any case
    assert matched("The Nuclear Deal and the nuclear deal.", "iran") == [
        "Nuclear Deal",
        "nuclear deal",
    ]
    # capitalised terms are exact: "a new start" is not the treaty
    assert matched("A New START treaty, a new start.", "start") == ["New START"]
    assert matched("an extension to the new start.", "start") == ["new start"]


def test_possessives_and_adjectives():
    assert matched("Iran's proxies", "iran") == ["Iran"]
    assert matched("Iran’s proxies", "iran") == ["Iran"]
    assert matched("so-called Iranian threats", "iran") == ["Iranian"]


def test_no_match_inside_words():
    assert matched("Iranians", "iran") == []  # "Iran" is not in "Iranians"; "Iranian" neither
    assert matched("a USB stick, USA, BUS", "us") == []
    assert matched("Ukrainely", "ukraine") == []
    assert matched("U.S.'s army and the U.S.", "us") == ["U.S.", "U.S."]


def test_offsets_are_exact():
    text = "Talks: Tehran and the Persian\nGulf."
    ms = [m for m in find_mentions(text, LEX) if m.topic == "iran"]
    assert [(m.start, m.end) for m in ms] == [(7, 13), (22, 34)]
    assert text[22:34] == "Persian\nGulf"
    assert ms[1].matched == "Persian Gulf"  # whitespace collapsed in `matched` only


def test_overlapping_terms_longest_wins_within_a_topic():
    ms = find_mentions("Ukraine's new president", LEX)
    assert [(m.topic, m.matched) for m in ms] == [("ukraine", "Ukraine's new president")]
    # across topics both are kept: "Gulf" is its own topic
    ms = find_mentions("the Persian Gulf", LEX)
    assert sorted((m.topic, m.start, m.end) for m in ms) == [("gulf", 12, 16), ("iran", 4, 16)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Iran",
                "Iranian",
                "Iranians",
                "Iran's",
                "US",
                "USB",
                "us",
                " ",
                ", ",
                "Persian Gulf",
                "Gulf",
                "x",
            ]
        ),
        max_size=20,
    ).map("".join)
)
def test_mentions_are_whole_words_and_do_not_overlap_within_a_topic(text):
    ms = find_mentions(text, LEX)
    for m in ms:
        assert (
            text[m.start : m.end] == m.matched
            or " ".join(text[m.start : m.end].split()) == m.matched
        )
        assert m.start == 0 or not (text[m.start - 1].isalnum() or text[m.start - 1] == "_")
        assert m.end == len(text) or not (text[m.end].isalnum() or text[m.end] == "_")
    for topic in {m.topic for m in ms}:
        spans = sorted((m.start, m.end) for m in ms if m.topic == topic)
        assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))


def test_seed_country_tags_are_exactly_the_paragraphs_that_name_them(seed_analysis):
    p = seed_analysis.paragraphs
    tagged = {
        t: p.loc[p["topics"].str.split(";").map(lambda ks, t=t: t in ks), "para_no"].tolist()
        for t in ("iran", "syria", "venezuela")
    }

    names = {
        "iran": r"\b(?:Iran|Iranian|Tehran|Persian Gulf)",
        "syria": r"\b(?:Syria|Syrian|Damascus)",
        "venezuela": r"\b(?:Venezuela|Venezuelan|Caracas)",
    }
    expected = {
        t: p.loc[p["text"].str.contains(rx, regex=True), "para_no"].tolist()
        for t, rx in names.items()
    }
    assert tagged == expected
    assert tagged == {"iran": [1, 5, 8], "syria": [5, 8, 9], "venezuela": [5, 10]}


def test_seed_mentions_table(seed_analysis):
    m = seed_analysis.topic_mentions
    assert list(m.columns) == ["topic", "para_no", "sent_no", "start", "end", "matched"]
    text = seed_analysis.article.text
    for r in m.itertuples():
        assert " ".join(text[r.start : r.end].split()) == r.matched
    assert set(m["topic"]) == {
        "iran",
        "syria",
        "venezuela",
        "ukraine",
        "north_korea",
        "arms_control",
        "russiagate",
        "sanctions",
        "us_russia",
    }
    assert m.loc[m["topic"] == "arms_control", "matched"].tolist() == [
        "nuclear accord",
        "arms race",
        "new start",
    ]
    # sentence tags agree with the mentions
    s = seed_analysis.sentences
    assert s.loc[(s["para_no"] == 9) & (s["sent_no"] == 2), "topics"].item() == "syria;ukraine"
    assert s.loc[(s["para_no"] == 9) & (s["sent_no"] == 1), "topics"].item() == "us_russia"


def test_default_lexicon_has_the_required_topics():
    lex = load_lexicon()
    assert {
        "iran",
        "syria",
        "venezuela",
        "ukraine",
        "north_korea",
        "arms_control",
        "russiagate",
        "sanctions",
        "us_russia",
    } <= set(lex.keys)
    assert "Persian Gulf" in lexicon_phrases() and "New Detente" in lexicon_phrases()
    assert all(len(p.split()) > 1 for p in lexicon_phrases())


def test_user_lexicon(tmp_path, seed_path):
    f = tmp_path / "sochi.toml"
    f.write_text('[sochi]\nterms = ["Sochi"]\n')
    a = analyze(seed_path, topics=f)
    assert a.topic_mentions["topic"].unique().tolist() == ["sochi"]
    assert a.topic_mentions["para_no"].tolist() == [1]  # the caption's "Sochi" is not body text
    assert set(a.topic_tone["level"]) == {"paragraph", "sentence", "mention"}


@pytest.mark.parametrize(
    "toml, line, words",
    [
        ('[iran]\nterms = ["Iran"\n', 2, "not valid TOML"),
        ('[iran]\nterms = ["Iran"]\n\n[syria]\nterms = "Syria"\n', 5, "terms must be a list"),
        (
            "[iran]\nterms = [\"Iran\"]\n[bad]\nterms = []\npatterns = ['''(unclosed''']\n",
            5,
            "bad regular expression",
        ),
        ('[iran]\nterm = ["Iran"]\n', 2, "unknown field 'term'"),
        ('title = "x"\n', 1, "must be a table"),
        ('[empty]\nlabel = "Empty"\n', 1, "no terms and no patterns"),
        ("", 1, "defines no topic"),
    ],
)
def test_malformed_lexicon_one_line_error(tmp_path, toml, line, words):
    f = tmp_path / "bad.toml"
    f.write_text(toml)
    with pytest.raises(ArticleError) as err:
        load_lexicon(f)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{f}: line {line}: ")
    assert words in msg


def test_missing_lexicon(tmp_path):
    with pytest.raises(ArticleError, match="not found"):
        load_lexicon(tmp_path / "nope.toml")


def test_cli_topics_and_malformed_lexicon(tmp_path, seed_path):
    good = tmp_path / "sochi.toml"
    good.write_text('[sochi]\nterms = ["Sochi"]\n')
    out = tmp_path / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "article_tone",
            "analyze",
            str(seed_path),
            "--out",
            str(out),
            "--topics",
            str(good),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (out / "topic_mentions.csv").read_text().splitlines()[1].startswith("sochi,1,1,")
    assert (out / "topic_tone.csv").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('[sochi]\nterms = ["Sochi"\n')
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "article_tone",
            "analyze",
            str(seed_path),
            "--out",
            str(out),
            "--topics",
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"error: {bad}: line 2: not valid TOML")


def test_article_without_topics():
    a = analyze(parse_text("A title\n\nThe weather was fine today.\n"))
    assert len(a.topic_mentions) == 0 and list(a.topic_mentions.columns)[:2] == ["topic", "para_no"]
    assert len(a.topic_tone) == 0
    assert a.paragraphs["topics"].tolist() == [""]


def test_names_of_a_custom_lexicon_are_masked_and_kept_whole(tmp_path):
    from article_tone import analyze, parse_text
    from article_tone.terms import bigrams

    lexicon = tmp_path / "valleys.toml"
    lexicon.write_text('[valley]\nlabel = "Valley"\nterms = ["Happy Valley"]\n', encoding="utf-8")
    article = parse_text(
        "Valleys\n\nTalks about the happy valley went badly. The happy valley council met.\n"
    )
    default, custom = analyze(article), analyze(article, topics=lexicon)
    happy = custom.drivers[custom.drivers["word"] == "happy"]
    assert len(happy) == 2 and happy["in_entity"].all()  # a name here, not an opinion
    assert not default.drivers.loc[default.drivers["word"] == "happy", "in_entity"].any()
    assert custom.paragraphs["polarity"].equals(default.paragraphs["polarity"])
    masked = [a.paragraphs["polarity_masked"].iloc[0] for a in (custom, default)]
    assert masked[0] < masked[1]  # "happy" no longer lifts the masked polarity
    assert custom.terms.set_index("term").loc["happy valley", "count"] == 2
    assert "happy valley" not in set(default.terms["term"])
    assert "happy valley council" in set(bigrams(custom)["bigram"])


def test_required_literals_of_the_shipped_patterns():
    from article_tone.topics import required_literals

    lits = {rx.pattern: required_literals(rx) for t in load_lexicon() for rx in t.patterns}
    assert lits[r"(?<=extension to the )new start\b"] == ("new start",)  # not the look-behind
    assert lits[r"\b(?:Trump|Pompeo) and (?:Putin|Lavrov)\b"] == ("Trump", "Pompeo")
    assert required_literals(re.compile("(?i)iran")) is None  # case-insensitive: none known
    assert required_literals(re.compile("Iran(?i:ian)s?")) == ("Iran",)
    assert required_literals(re.compile("x*|y")) is None  # an alternative needs nothing
    assert required_literals(re.compile("(?:ab)+c")) == ("ab",)


_PIECES = ["a", "b", "ab", "ba", r"\b", "(?<=a)", "(?=b)", "[ab]", "a?", "(?:ab|b)", "(?:a|)",
           "b+", "(?:ab)*", "(a|ba)", "(?i:a)", ".", " ", "(?!a)", "a{2}", "(?:b{0,2}a)"]


def test_required_literals_never_rule_out_a_real_match():
    # every pattern of one or two pieces, on every text of up to 5 letters from "ab ", searched
    # from several starts: wherever a non-empty match lies, one of its literals lies there too
    import itertools

    from article_tone.topics import required_literals

    texts = ["".join(t) for n in range(6) for t in itertools.product("ab ", repeat=n)]
    for k in (1, 2):
        for pieces in itertools.product(_PIECES, repeat=k):
            rx = re.compile("".join(pieces))
            lits = required_literals(rx)
            if lits is None:
                continue
            for text in texts:
                for start in range(min(3, len(text) + 1)):
                    if any(m.end() > m.start() for m in rx.finditer(text, start)):
                        assert any(text.find(x, start) >= 0 for x in lits), (rx.pattern, text)
