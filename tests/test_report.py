"""The tone-highlighted article and the topic explorer: deterministic HTML, nothing lost."""

from __future__ import annotations

import html
import re

from article_tone import analyze, parse_text
from article_tone.explorer import explorer, static_view, topic_drivers, topic_kwic, topic_view
from article_tone.report import highlighted_html, tone_background


def visible_text(fragment: str) -> str:
    no_tags = re.sub(r"<div class=\"legend\".*?</div>", "", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", no_tags)).split())


def test_highlighted_article_is_deterministic_and_complete(seed_analysis):
    a = highlighted_html(seed_analysis)
    assert a == highlighted_html(analyze(seed_analysis.article))
    shown = visible_text(a).replace(" ", "")
    for block in seed_analysis.blocks.itertuples():
        assert block.text.replace(" ", "") in shown
    body = a.count('class="sentence"')
    assert body == len(seed_analysis.sentences)
    assert a.count('<mark class="topic"') == len(seed_analysis.topic_mentions)
    assert a.count('class="caption" style="color:#9e9e9e') == 2
    assert 'class="footer" style="color:#9e9e9e' in a


def test_shading_direction():
    assert tone_background(0) == "transparent"
    assert tone_background(0.5).startswith("rgba(26,152,80,")  # positive: green
    assert tone_background(-0.5).startswith("rgba(215,48,39,")  # negative: red
    assert tone_background(-2, scale=1) == tone_background(-1, scale=1)


def test_scorer_choice(seed_analysis):
    a = highlighted_html(seed_analysis, scorer="vader_compound")
    assert "shaded by VADER compound" in a


def test_explorer_views(seed_analysis):
    v = topic_view(seed_analysis, "venezuela")
    assert v == topic_view(seed_analysis, "venezuela")
    assert "the rolling regime change operation against <b>Venezuela</b>" in v
    assert "n = 2, too few" in v
    assert "Not mentioned" in topic_view(seed_analysis, "not_a_topic")
    k = topic_kwic(seed_analysis, "iran")
    assert k["match"].tolist() == ["Iranian", "Persian Gulf", "Iran", "nuclear deal", "Iran"]
    d = topic_drivers(seed_analysis, "iran")
    assert (d["polarity"] != 0).all() and d["polarity"].abs().is_monotonic_decreasing
    s = static_view(seed_analysis)
    assert s.count("<details") == seed_analysis.topic_mentions["topic"].nunique()
    bundle = explorer(seed_analysis)._repr_mimebundle_()
    assert bundle["text/html"] == s
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == "TopicExplorer(9 topics mentioned)"


def test_views_without_topics():
    a = analyze(parse_text("A title\n\nThe weather was fine today.\n"))
    assert "No topic of the lexicon is mentioned" in static_view(a)
    assert "Topics mentioned: none" in highlighted_html(a)
    assert explorer(a)._repr_mimebundle_()["text/plain"] == "TopicExplorer(0 topics mentioned)"
