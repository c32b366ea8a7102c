"""Tone by topic: mention contexts, the bootstrap, the topic_tone table, findings and charts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from article_tone import analyze, parse_text
from article_tone.config import BOOTSTRAP_SEED
from article_tone.findings import findings, granularity_gap, headline_caption
from article_tone.tone import (
    aggregate,
    analysis_contexts,
    analysis_points,
    bootstrap_ci,
    clause_spans,
    mention_context,
)


def ctx(sentence: str, word: str) -> str:
    i = sentence.index(word)
    a, b = mention_context(sentence, 0, len(sentence), i, i + len(word))
    return sentence[a:b]


def test_clauses_split_at_commas_not_inside_numbers():
    s = "We paid 2,000 dollars, then left; they stayed (for now)."
    assert [s[a:b] for a, b in clause_spans(s, 0, len(s))] == [
        "We paid 2,000 dollars",
        "then left",
        "they stayed",
        "for now",
        ".",
    ][:4]


def test_mention_context_separates_list_items():
    s = (
        "The most important are the simmering crisis with Iran, the ongoing conflict in Syria, "
        "the rolling regime change operation against Venezuela, and a new accord."
    )
    assert ctx(s, "Syria") == "the ongoing conflict in Syria"
    assert ctx(s, "Venezuela") == "the rolling regime change operation against Venezuela"
    assert ctx(s, "Iran").endswith("crisis with Iran")


def test_short_clause_is_widened_long_one_is_cut():
    s = "Venezuela, for its part, might be saved from the same fate."
    assert ctx(s, "Venezuela") == s.rstrip(".") + "." or ctx(s, "Venezuela").startswith(
        "Venezuela, for its part, might be saved"
    )
    long = " ".join(f"w{i}" for i in range(40)) + " Iran " + " ".join(f"v{i}" for i in range(40))
    c = ctx(long, "Iran")
    assert c.split()[0] == "w25" and c.split()[-1] == "v14"  # 15 words either side


def test_bootstrap_is_deterministic_and_contains_the_mean():
    x = [0.1, -0.4, 0.3, 0.9, 0.0, 0.2]
    a, b = bootstrap_ci(x), bootstrap_ci(x)
    assert a == b
    mean, lo, hi = a
    assert mean == pytest.approx(np.mean(x))
    assert lo < mean < hi
    assert bootstrap_ci(x, seed=BOOTSTRAP_SEED + 1) != a  # the seed matters
    assert bootstrap_ci([0.5]) == (0.5, 0.5, 0.5)
    assert bootstrap_ci([0.2, 0.2]) == (0.2, 0.2, 0.2)
    assert all(np.isnan(bootstrap_ci([])))


def test_aggregate_groups_and_order():
    pts = pd.DataFrame(
        {
            "topic": ["b", "b", "a", "a", "a"],
            "level": "sentence",
            "scorer": "polarity",
            "score": [0.5, 0.1, -0.2, -0.4, 0.0],
        }
    )
    t = aggregate(pts, ["a", "b"])
    assert t["topic"].tolist() == ["a", "b"]
    assert t["n"].tolist() == [3, 2]
    assert t["mean"].tolist() == pytest.approx([-0.2, 0.3])


def test_seed_topic_tone(seed_analysis):
    t = seed_analysis.topic_tone
    assert list(t.columns) == ["topic", "level", "scorer", "n", "mean", "ci_low", "ci_high"]
    assert set(t["level"]) == {"paragraph", "sentence", "mention"}
    assert {"polarity", "vader_compound"} <= set(t["scorer"])
    assert ((t["ci_low"] <= t["mean"]) & (t["mean"] <= t["ci_high"])).all()
    assert (t.loc[t["n"] == 1, "ci_low"] == t.loc[t["n"] == 1, "ci_high"]).all()
    # same input, same table (fixed seed)
    again = analyze(seed_analysis.article)
    pd.testing.assert_frame_equal(t, again.topic_tone)
    # Iran: 3 paragraphs, 3 sentences, 3 mention contexts (two mentions in ¶1 share one clause)
    n = t[(t["topic"] == "iran") & (t["scorer"] == "polarity")].set_index("level")["n"]
    assert n.to_dict() == {"paragraph": 3, "sentence": 3, "mention": 3}


def test_mention_level_tells_the_list_apart(seed_analysis):
    """¶5 lists six topics in one sentence: one paragraph score, different mention scores."""
    pts = analysis_points(seed_analysis)
    p5 = pts[(pts["para_no"] == 5) & (pts["scorer"] == "vader_compound")]
    assert p5[p5["level"] == "paragraph"]["score"].nunique() == 1
    ment = p5[p5["level"] == "mention"].groupby("topic")["score"].mean()
    assert ment.nunique() >= 3
    assert ment["iran"] < -0.5  # "the simmering crisis with Iran ... attacks"
    assert ment["venezuela"] > ment["iran"]
    c = analysis_contexts(seed_analysis)
    syria = c[(c["topic"] == "syria") & (c["para_no"] == 5)]["context"].item()
    assert syria == "the ongoing conflict in Syria"


def test_points_match_the_table(seed_analysis):
    pts = analysis_points(seed_analysis)
    g = pts.groupby(["topic", "level", "scorer"])["score"].agg(["size", "mean"]).reset_index()
    m = seed_analysis.topic_tone.merge(g, on=["topic", "level", "scorer"])
    assert len(m) == len(seed_analysis.topic_tone)
    assert (m["size"] == m["n"]).all()
    assert m["mean_x"].to_numpy() == pytest.approx(m["mean_y"].to_numpy())


def test_findings_state_numbers_from_the_data(seed_analysis):
    f = findings(seed_analysis)
    assert 3 <= len(f) <= 5
    assert "¶5" in f[1]
    p5 = seed_analysis.paragraphs.set_index("para_no").loc[5, "vader_compound"]
    assert f"{p5:+.2f}" in granularity_gap(seed_analysis, "vader_compound")
    assert "TextBlob" in headline_caption(seed_analysis)


def test_findings_degrade_without_topics_or_paragraphs():
    a = analyze(parse_text("A title\n\nThe weather was fine today.\n"))
    f = findings(a)
    assert any("single paragraph" in s for s in f)
    assert any("None of the" in s for s in f)
    b = analyze(parse_text("A title\n\nThe table is in the room.\n\nThe chair is by the door.\n"))
    assert any("every paragraph scores exactly 0" in s for s in findings(b))


def test_figures_render_with_and_without_topics(seed_analysis):
    import matplotlib

    matplotlib.use("Agg")
    from article_tone.plots.topics import FIGURES, arc_data

    for build in FIGURES.values():
        fig, data = build(seed_analysis)
        assert len(data)
    d = arc_data(seed_analysis.paragraphs, seed_analysis.topic_mentions, seed_analysis.lexicon.keys)
    assert d.loc[d["para_no"] == 5, "mentions_iran"].item() == 2
    assert (
        d["mentions_us_russia"].sum()
        == (seed_analysis.topic_mentions["topic"] == "us_russia").sum()
    )
    empty = analyze(parse_text("A title\n\nThe weather was fine today.\n"))
    for build in FIGURES.values():
        fig, _ = build(empty)
        assert fig.axes


def test_batched_bootstrap_equals_one_at_a_time():
    from article_tone.tone import bootstrap_ci, bootstrap_cis

    rng = np.random.default_rng(7)
    samples = [rng.uniform(-1, 1, n) for n in (1, 2, 3, 3, 5, 8, 8, 13)]
    samples.append(np.array([0.2, np.nan, -0.4]))
    assert bootstrap_cis(samples) == [bootstrap_ci(s) for s in samples]


def test_granularity_tables_and_scorer_contrasts(seed_analysis):
    from article_tone import analyze, parse_text
    from article_tone import findings as F
    from article_tone.tone import LEVELS, granularity_tables

    tt = seed_analysis.topic_tone
    table = granularity_tables(tt)
    assert list(table.columns) == ["scorer", "topic", *LEVELS]
    assert list(dict.fromkeys(table["scorer"])) == ["polarity", "vader_compound", "tone"]
    assert len(table) == 3 * tt["topic"].nunique() == 27
    empty = granularity_tables(tt.iloc[:0])
    assert empty.empty and list(empty.columns) == ["scorer", "topic", *LEVELS]
    assert F.scorer_contrasts(seed_analysis).count("TextBlob and VADER point the same way") == 3
    plain = analyze(parse_text("Weather\n\nRain is due on Friday. It will be cold.\n"))
    assert F.scorer_contrasts(plain) == (
        "No topic is mentioned, so the scorers cannot be compared by topic."
    )
