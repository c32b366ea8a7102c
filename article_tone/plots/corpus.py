"""Charts across articles (notebook 06). Each takes a :class:`~article_tone.corpus.Corpus` and
returns ``(Figure, DataFrame)``: the figure and the tidy data it plots.

Not in ``figures.FIGURES`` (those chart one article); ``CORPUS_FIGURES`` lists these.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..corpus import Corpus, article_topic_tone, default_scorer, topic_labels, topic_spread
from .style import NEGATIVE_COLOR, POSITIVE_COLOR, SCORER_COLORS, SCORER_LABELS, TONE_AXIS_LABEL


def _message(text: str):
    """A figure that is only a sentence: for a corpus with nothing to chart."""
    fig, ax = plt.subplots(figsize=(8, 1.2))
    ax.axis("off")
    ax.text(0.0, 0.5, textwrap.fill(text, 100), va="center", ha="left", fontsize=10)
    return fig


def _jitter(n: int, width: float = 0.28) -> np.ndarray:
    """Deterministic vertical offsets for n dots (evenly spread, no randomness)."""
    if n <= 1:
        return np.zeros(n)
    return np.linspace(-width, width, n)[np.argsort(np.arange(n) % 2, kind="stable")]


def topic_tone_across_articles(corpus: Corpus, level: str = "paragraph", scorer: str | None = None):
    """One row per topic, one dot per article: the article's mean tone toward the topic; a
    black bar marks the mean across articles. Topics mentioned in most articles at the top."""
    scorer = scorer or default_scorer(corpus.topic_tone)
    per = article_topic_tone(corpus, level, scorer)
    spread = topic_spread(corpus, level, scorer)
    if not len(per):
        return _message(
            "No article of this corpus mentions a topic of the lexicon, so there is "
            "no tone by topic to chart."
        ), per
    labels = topic_labels(corpus)
    order = spread["topic"].tolist()
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(order) + 1.6))
    color = SCORER_COLORS.get(scorer, "#333333")
    for y, topic in enumerate(order):
        g = per[per["topic"] == topic].sort_values(["mean", "article"], kind="stable")
        ax.scatter(
            g["mean"],
            y + _jitter(len(g)),
            s=22,
            color=color,
            alpha=0.65,
            edgecolor="none",
            label="one article" if y == 0 else None,
        )
        m = g["mean"].mean()
        ax.plot(
            [m, m],
            [y - 0.38, y + 0.38],
            color="black",
            lw=2.2,
            label="mean across articles" if y == 0 else None,
        )
    ax.axvline(0, color="#999999", lw=0.8, zorder=0)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(
        [f"{labels.get(t, t)} ({n})" for t, n in zip(order, spread["n_articles"], strict=True)]
    )
    ax.invert_yaxis()
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(
        f"{SCORER_LABELS.get(scorer, scorer)}, mean over the {level}s that mention the topic\n"
        f"{TONE_AXIS_LABEL}"
    )
    ax.set_ylabel("topic (number of articles)")
    best = spread.sort_values(["mean", "topic"], kind="stable").iloc[-1]
    ax.set_title(
        f"Tone toward each topic across {len(corpus.articles)} articles: "
        f"{labels.get(best['topic'], best['topic'])} reads most favourably",
        fontsize=11,
    )
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig, per


def extreme_articles_chart(
    corpus: Corpus, max_topics: int = 6, level: str = "paragraph", scorer: str | None = None
):
    """For each topic mentioned in two or more articles (the ``max_topics`` most widespread),
    the most negative and the most positive article, labelled with their headlines."""
    scorer = scorer or default_scorer(corpus.topic_tone)
    spread = topic_spread(corpus, level, scorer, min_articles=2).head(max_topics)
    cols = ["topic", "end", "article", "headline", "n", "mean"]
    if not len(spread):
        return _message(
            "No topic of the lexicon is mentioned in two or more articles, so there "
            "are no most positive and most negative articles to compare."
        ), pd.DataFrame(columns=cols)
    per = article_topic_tone(corpus, level, scorer).set_index(["topic", "article"])
    labels = topic_labels(corpus)
    rows = []
    for s in spread.itertuples(index=False):
        for end, art in (("most negative", s.most_negative), ("most positive", s.most_positive)):
            r = per.loc[(s.topic, art)]
            rows.append((s.topic, end, art, r["headline"], int(r["n"]), float(r["mean"])))
    data = pd.DataFrame(rows, columns=cols)
    fig, ax = plt.subplots(figsize=(9, 0.62 * len(data) + 1.4))
    y = np.arange(len(data))
    colors = [POSITIVE_COLOR if v > 0 else NEGATIVE_COLOR for v in data["mean"]]
    ax.barh(y, data["mean"], color=colors, height=0.65)
    for yi, r in zip(y, data.itertuples(index=False), strict=True):
        head = textwrap.shorten(str(r.headline or r.article), 55, placeholder="…")
        ax.annotate(
            f"{head} ({r.mean:+.2f})",
            (0, yi),
            xytext=(4 if r.mean <= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if r.mean <= 0 else "right",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y)
    ends = {"most negative": "lowest", "most positive": "highest"}
    ax.set_yticklabels(
        [f"{labels.get(t, t)}: {ends[e]}" for t, e in zip(data["topic"], data["end"], strict=True)],
        fontsize=9,
    )
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", lw=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(
        f"{SCORER_LABELS.get(scorer, scorer)} of the article toward the topic "
        f"(mean over its {level}s)\n{TONE_AXIS_LABEL}"
    )
    ax.set_title(
        "Each topic's lowest- and highest-toned article: the spread between articles", fontsize=11
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig, data


CORPUS_FIGURES = {
    "corpus-topic-tone": topic_tone_across_articles,
    "corpus-extreme-articles": extreme_articles_chart,
}
