"""Sentences generated from the data, for the overview notebook and the README caption.

Every number in these sentences is computed here from an :class:`~article_tone.Analysis`, so
when the article, the lexicon or a scorer changes, the text changes with it. Each function
degrades to a plain sentence when there is nothing to report (no topic mentioned, a single
paragraph, no opinion word at all), never an exception.
"""

from __future__ import annotations

import pandas as pd

from .config import POLARITY_THRESHOLD
from .tone import FEW, analysis_contexts, scorers_in

NAMES = {"polarity": "TextBlob", "vader_compound": "VADER", "tone": "calibrated tone"}


def _join(items: list[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _labels(analysis) -> dict[str, str]:
    lex = getattr(analysis, "lexicon", None)
    return lex.labels if lex is not None else {}


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def describe_article(analysis) -> str:
    """What the article is: headline, author, section and date, size."""
    meta = analysis.article.meta
    bits = []
    if meta.get("headline"):
        bits.append(f"“{meta['headline']}”")
    else:
        bits.append(f"The article `{analysis.article.path}`")
    if meta.get("author"):
        bits.append(f"by {meta['author']}")
    where = [meta.get("section")] if meta.get("section") else []
    if meta.get("published") is not None:
        where.append(meta["published"].strftime("%-d %B %Y"))
    head = " ".join(bits) + (f" ({', '.join(where)})" if where else "")
    words = int(analysis.paragraphs["n_words"].sum()) if "n_words" in analysis.paragraphs else 0
    return (
        f"{head}: {_n(len(analysis.paragraphs), 'body paragraph')}, "
        f"{_n(len(analysis.sentences), 'sentence')}, {words:,} words."
    )


def overall_tone(analysis) -> str:
    """Mean paragraph score per scorer, and how many paragraphs lean each way."""
    p = analysis.paragraphs
    scorers = scorers_in(p)
    if not len(p) or not scorers:
        return "There is no body paragraph to score."
    lexical = [s for s in ("polarity", "vader_compound") if s in scorers]
    if lexical and all((p[s].abs() < 1e-12).all() for s in lexical):
        return (
            "Neither TextBlob nor VADER finds any opinion word in this article: every paragraph "
            "scores exactly 0, so there is no tone to follow."
        )
    parts = []
    for s in scorers:
        pos = int((p[s] > POLARITY_THRESHOLD).sum())
        neg = int((p[s] < -POLARITY_THRESHOLD).sum())
        parts.append(f"{NAMES[s]} {p[s].mean():+.2f} ({pos} positive, {neg} negative)")
    return (
        f"Averaged over its {_n(len(p), 'paragraph')}, the article's tone is "
        f"{_join(parts)}; a paragraph counts as positive or negative beyond ±{POLARITY_THRESHOLD}."
    )


def low_point(analysis) -> str:
    """Where the tone is lowest (mean of the scorers) and what that paragraph discusses."""
    p = analysis.paragraphs
    scorers = scorers_in(p)
    if len(p) < 2 or not scorers:
        return "The article has a single paragraph, so there is no arc to follow."
    mean = p[scorers].mean(axis=1)
    if mean.max() - mean.min() < 1e-12:
        return "Every paragraph scores the same, so the tone does not shift along the article."
    low = p.loc[mean.idxmin()]
    labels = _labels(analysis)
    keys = [k for k in str(low.get("topics", "") or "").split(";") if k]
    about = (
        f"the paragraph that mentions {_join([labels.get(k, k) for k in keys])}"
        if keys
        else "a paragraph that mentions no topic of the lexicon"
    )
    each = ", ".join(f"{NAMES[s]} {low[s]:+.2f}" for s in scorers)
    spread = max(low[s] for s in scorers) - min(low[s] for s in scorers)
    tail = f"; the scorers disagree there by {spread:.2f}" if spread >= 0.5 else ""
    return f"The tone is lowest at ¶{int(low['para_no'])} of {len(p)}, {about} ({each}){tail}."


def most_mentioned(analysis) -> str:
    """The topic mentioned most, where, and its tone at the mention level."""
    m = analysis.topic_mentions
    n_topics = len(analysis.lexicon) if getattr(analysis, "lexicon", None) is not None else 0
    if not len(m):
        return (
            f"None of the {n_topics} topics of the lexicon is mentioned in this article, "
            "so there is no tone by topic to report."
        )
    labels = _labels(analysis)
    counts = m.groupby("topic", sort=False).size()
    top = counts.idxmax()
    paras = m.loc[m["topic"] == top, "para_no"].nunique()
    mentioned = m["topic"].nunique()
    tt = analysis.topic_tone
    t = tt[(tt["topic"] == top) & (tt["level"] == "mention")]
    tone = "; ".join(
        f"{NAMES[r.scorer]} {r.mean:+.2f} (95% CI {r.ci_low:+.2f} to {r.ci_high:+.2f})"
        for r in t.itertuples()
    )
    return (
        f"{mentioned} of the {n_topics} topics are mentioned. {labels.get(top, top)} is mentioned "
        f"most: {_n(int(counts[top]), 'time')} in {paras} of {len(analysis.paragraphs)} "
        "paragraphs; "
        f"the mean tone of its mention contexts is {tone}."
    )


def granularity_gap(analysis, scorer: str | None = None) -> str:
    """In the paragraph that mentions the most topics, paragraph-level tone gives them all one
    score; the mention contexts tell them apart. Reports that range."""
    m = analysis.topic_mentions
    if not len(m):
        return "No topic is mentioned, so the three granularities cannot be compared."
    labels = _labels(analysis)
    per_para = m.groupby("para_no")["topic"].nunique()
    para = int(per_para.idxmax())
    if per_para.max() < 2:
        return (
            "No paragraph mentions two topics, so paragraph-level tone never has to "
            "be shared between topics."
        )
    ctx = analysis_contexts(analysis)
    ctx = ctx[ctx["para_no"] == para]
    scorers = scorers_in(ctx)
    if scorer is None:  # the scorer whose mention contexts differ most in that paragraph
        spread = {
            s: ctx.groupby("topic")[s].mean().agg(lambda x: x.max() - x.min()) for s in scorers
        }
        scorer = max(scorers, key=lambda s: spread[s])
    by_topic = ctx.groupby("topic", sort=False)[scorer].mean()
    hi, lo = by_topic.idxmax(), by_topic.idxmin()
    p_score = analysis.paragraphs.set_index("para_no").loc[para, scorer]
    return (
        f"¶{para} mentions {per_para.max()} topics; paragraph-level {NAMES[scorer]} gives them "
        f"all {p_score:+.2f}, while their mention contexts range from {by_topic[lo]:+.2f} "
        f"({labels.get(lo, lo)}) to {by_topic[hi]:+.2f} ({labels.get(hi, hi)})."
    )


def uncertainty_note(analysis) -> str:
    """How many topics rest on fewer than FEW units, and how wide the widest CI is."""
    tt = analysis.topic_tone
    if not len(tt):
        return "With no topic mentioned, there is no estimate whose uncertainty to report."
    labels = _labels(analysis)
    mt = tt[tt["level"] == "mention"]
    n = mt.drop_duplicates("topic").set_index("topic")["n"]
    few = [t for t in n.index if n[t] < FEW]
    widths = mt["ci_high"] - mt["ci_low"]
    w = mt.loc[widths.idxmax()]
    head = (
        f"{len(few)} of {len(n)} mentioned topics have fewer than {FEW} mention contexts "
        f"({_join([f'{labels.get(t, t)} {n[t]}' for t in few])}): read their individual points, "
        "not their means."
        if few
        else f"Every mentioned topic has at least {FEW} mention contexts."
    )
    return (
        f"{head} The widest 95% interval is {NAMES[w['scorer']]} on "
        f"{labels.get(w['topic'], w['topic'])} ({w['ci_low']:+.2f} to {w['ci_high']:+.2f})."
    )


def findings(analysis) -> list[str]:
    """The 3-5 findings of the overview, each a sentence with numbers from the data."""
    out = [overall_tone(analysis), low_point(analysis), most_mentioned(analysis)]
    if len(analysis.topic_mentions):
        out += [granularity_gap(analysis), uncertainty_note(analysis)]
    return out


def findings_markdown(analysis) -> str:
    """:func:`findings` as a Markdown list."""
    return "\n".join(f"{i}. {f}" for i, f in enumerate(findings(analysis), start=1))


def headline_caption(analysis) -> str:
    """One sentence on how to read the headline chart (for the README), with the seed's numbers."""
    p = analysis.paragraphs
    scorers = [NAMES[s] for s in scorers_in(p)]
    return (
        "Read it left to right: each line is one scorer's tone for a body paragraph "
        f"({_join(scorers)}; above zero is positive), and the dots below show which topics that "
        "paragraph mentions, so a dip can be traced to what the author was discussing there."
    )


def few_points_note(topic_tone: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """A sentence listing the topic/level pairs with n of 1 to FEW-1."""
    labels = labels or {}
    t = topic_tone.drop_duplicates(["topic", "level"])
    few = t[t["n"] < FEW]
    if not len(t):
        return "No topic is mentioned."
    if not len(few):
        return f"Every topic and level rests on at least {FEW} units."
    topics = list(dict.fromkeys(few["topic"]))
    return (
        f"{len(few)} of {len(t)} topic-and-level means rest on 1 to {FEW - 1} units "
        f"({_join([labels.get(k, k) for k in topics])}); their intervals are wide or, with n = 1, "
        "just the single value. The dots matter more than the means there."
    )


def scorer_contrasts(analysis, levels=("paragraph", "sentence", "mention")) -> str:
    """:func:`scorer_contrast` at each of ``levels``, one paragraph each; a single sentence when
    no topic is mentioned at all."""
    if not len(analysis.topic_tone):
        return "No topic is mentioned, so the scorers cannot be compared by topic."
    return "\n\n".join(scorer_contrast(analysis, level) for level in levels)


def scorer_contrast(analysis, level: str = "mention") -> str:
    """Where TextBlob and VADER disagree on a topic's direction at one level."""
    tt = analysis.topic_tone
    t = tt[tt["level"] == level]
    if not len(t):
        return "No topic is mentioned, so the scorers cannot be compared by topic."
    labels = _labels(analysis)
    wide = t.pivot(index="topic", columns="scorer", values="mean")
    if not {"polarity", "vader_compound"} <= set(wide.columns):
        return "Only one scorer is available, so there is nothing to contrast."
    wide = wide.reindex(list(dict.fromkeys(t["topic"])))

    def sign(x):
        return 0 if abs(x) < POLARITY_THRESHOLD else (1 if x > 0 else -1)

    split = [
        k
        for k in wide.index
        if sign(wide.loc[k, "polarity"]) != sign(wide.loc[k, "vader_compound"])
    ]
    gap = (wide["vader_compound"] - wide["polarity"]).abs()
    top = gap.idxmax()
    head = (
        f"At the {level} level, TextBlob and VADER point the same way (positive, negative or "
        f"neutral within ±{POLARITY_THRESHOLD}) on {len(wide) - len(split)} of {len(wide)} topics"
    )
    if split:
        head += f"; they differ on {_join([labels.get(k, k) for k in split])}"
    return (
        f"{head}. The largest gap is on {labels.get(top, top)}: TextBlob "
        f"{wide.loc[top, 'polarity']:+.2f}, VADER {wide.loc[top, 'vader_compound']:+.2f}."
    )
