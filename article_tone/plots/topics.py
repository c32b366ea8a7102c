"""Charts of topics: the headline tone arc with topic markers, tone by topic, a mention heatmap.

Each chart takes the tidy table it plots (built by a ``*_data`` function, tested in pytest) and
returns a Figure; ``FIGURES`` maps chart names to ``fn(analysis) -> (fig, data)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..tone import FEW, LEVELS, analysis_points, scorers_in
from .style import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    SCORER_COLORS,
    SCORER_LABELS,
    TONE_AXIS_LABEL,
    message_figure,
    topic_colors,
)

LEVEL_MARKERS = {"paragraph": "s", "sentence": "D", "mention": "o"}
LEVEL_OFFSETS = {"paragraph": 0.27, "sentence": 0.0, "mention": -0.27}  # top to bottom




def _lexicon_of(analysis):
    """(keys, labels) of the analysis' lexicon, or of the topics seen in its tables."""
    lex = getattr(analysis, "lexicon", None)
    if lex is not None:
        return lex.keys, lex.labels
    keys = list(dict.fromkeys(analysis.topic_mentions.get("topic", pd.Series(dtype=object))))
    return keys, {k: k for k in keys}


# ----------------------------------------------------------------------------- tone arc
def arc_data(paragraphs: pd.DataFrame, mentions: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """One row per paragraph: ``para_no``, each tone score, ``topics`` and one column of
    mention counts per topic key (``mentions_<key>``), in lexicon order."""
    scorers = scorers_in(paragraphs)
    out = paragraphs[["para_no", *scorers]].reset_index(drop=True).copy()
    out["topics"] = paragraphs["topics"].reset_index(drop=True) if "topics" in paragraphs else ""
    counts = (
        mentions.groupby(["para_no", "topic"]).size() if len(mentions) else pd.Series(dtype="int64")
    )
    for t in topics:
        out[f"mentions_{t}"] = [int(counts.get((p, t), 0)) for p in out["para_no"]]
    return out


def arc_title(data: pd.DataFrame, labels: dict[str, str]) -> str:
    """The point of the arc, from the data: where the tone is lowest and what is discussed there."""
    scorers = [c for c in ("polarity", "vader_compound", "tone") if c in data.columns]
    if not len(data) or not scorers:
        return "Tone of each paragraph"
    mean = data[scorers].mean(axis=1)
    if len(data) == 1:
        return "Tone of the article's only paragraph"
    low = data.loc[mean.idxmin()]
    high = data.loc[mean.idxmax()]
    keys = [k for k in str(low["topics"] or "").split(";") if k]
    names = [labels.get(k, k) for k in keys]
    if len(names) > 3:
        names = names[:3] + [f"{len(names) - 3} more topics"]
    about = f" ({_join(names)})" if names else " (no topic of the lexicon)"
    return f"Tone is lowest at ¶{int(low['para_no'])}{about} and highest at ¶{int(high['para_no'])}"


def low_point(data: pd.DataFrame) -> int | None:
    """Paragraph number where the mean of the tone scores is lowest (None if no paragraph)."""
    scorers = [c for c in ("polarity", "vader_compound", "tone") if c in data.columns]
    if not len(data) or not scorers:
        return None
    return int(data.loc[data[scorers].mean(axis=1).idxmin(), "para_no"])


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def tone_arc(data: pd.DataFrame, labels: dict[str, str] | None = None, title: str | None = None):
    """The headline chart: tone of each paragraph (one line per scorer) above a dot matrix of
    the topics each paragraph mentions (dot area = number of mentions)."""
    labels = labels or {}
    scorers = [c for c in ("polarity", "vader_compound", "tone") if c in data.columns]
    if not len(data) or not scorers:
        return message_figure("The article has no body paragraph to score.", "Tone arc")
    topic_cols = [c for c in data.columns if c.startswith("mentions_")]
    topics = [c.removeprefix("mentions_") for c in topic_cols]
    shown = [t for t, c in zip(topics, topic_cols, strict=True) if data[c].sum() > 0]
    n_rows = max(len(shown), 1)
    fig, (ax, mx) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(10, 3.8 + 0.3 * n_rows),
        gridspec_kw={"height_ratios": [3.8, 0.3 * n_rows + 0.35], "hspace": 0.06},
    )
    x = data["para_no"].to_numpy()
    lim = max(1.0, float(np.nanmax(np.abs(data[scorers].to_numpy()))))
    ax.axhspan(0, lim * 1.1, color=POSITIVE_COLOR, alpha=0.06, lw=0, zorder=0)
    ax.axhspan(-lim * 1.1, 0, color=NEGATIVE_COLOR, alpha=0.06, lw=0, zorder=0)
    ax.axhline(0, color="#444444", lw=0.9, zorder=1)
    ax.text(
        0.005,
        0.97,
        "▲ positive",
        transform=ax.transAxes,
        va="top",
        fontsize=9,
        color=POSITIVE_COLOR,
    )
    ax.text(
        0.005,
        0.03,
        "▼ negative",
        transform=ax.transAxes,
        va="bottom",
        fontsize=9,
        color=NEGATIVE_COLOR,
    )
    for s in scorers:
        ax.plot(
            x,
            data[s],
            marker="o",
            ms=5,
            lw=2,
            color=SCORER_COLORS[s],
            label=SCORER_LABELS[s],
            zorder=3,
        )
    ax.set_ylim(-lim * 1.05, lim * 1.05)
    ax.set_ylabel(TONE_AXIS_LABEL)
    ax.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(scorers), frameon=False, fontsize=9
    )
    ax.set_title(title or arc_title(data, labels), pad=26, fontsize=12)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)

    colors = topic_colors(topics)
    if shown:
        for row, t in enumerate(shown):
            counts = data[f"mentions_{t}"].to_numpy()
            y = np.full(len(x), n_rows - 1 - row)
            has = counts > 0
            mx.axhline(n_rows - 1 - row, color="#eeeeee", lw=0.8, zorder=0)
            mx.scatter(x[has], y[has], s=35 + 30 * (counts[has] - 1), color=colors[t], zorder=2)
        mx.set_yticks(range(n_rows), [labels.get(t, t) for t in reversed(shown)], fontsize=9)
    else:
        mx.set_yticks([])
        mx.text(
            0.5,
            0.5,
            "no topic of the lexicon is mentioned",
            transform=mx.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color="#555555",
        )
    mx.set_ylim(-0.6, n_rows - 0.4)
    mx.grid(axis="x", color="#dddddd", lw=0.6)
    mx.spines[["top", "right"]].set_visible(False)
    mx.set_xticks(x, [f"¶{p}" for p in x])
    mx.set_xlim(x.min() - 0.5, x.max() + 0.5)
    mx.set_xlabel(
        "body paragraph, in reading order   ·   dots: topics the paragraph mentions "
        "(bigger = more mentions)",
        fontsize=9,
    )
    low = low_point(data)
    if low is not None and len(data) > 1:
        for a in (ax, mx):
            a.axvspan(low - 0.4, low + 0.4, color="#999999", alpha=0.12, lw=0, zorder=0)
    fig.align_ylabels([ax, mx])
    return fig


# ----------------------------------------------------------------------------- tone by topic
def topic_tone_chart(
    points: pd.DataFrame,
    topic_tone: pd.DataFrame,
    labels: dict[str, str] | None = None,
    levels=LEVELS,
):
    """One panel per scorer; per topic, three rows (paragraph, sentence, mention level): the
    individual units as faint dots, the mean as a black marker with its 95% bootstrap CI.
    A hollow marker means fewer than :data:`FEW` units: read the dots, not the mean."""
    labels = labels or {}
    if not len(topic_tone):
        return message_figure(
            "No topic of the lexicon is mentioned in this article,\n"
            "so there is no tone by topic to show.",
            "Tone by topic",
        )
    scorers = [s for s in ("polarity", "vader_compound", "tone") if s in set(topic_tone["scorer"])]
    topics = list(dict.fromkeys(topic_tone["topic"]))
    levels = [lv for lv in levels if lv in set(topic_tone["level"])]
    fig, axes = plt.subplots(
        1,
        len(scorers),
        sharey=True,
        squeeze=False,
        figsize=(3.6 * len(scorers) + 1.6, 0.62 * len(topics) + 1.9),
    )
    ypos = {t: len(topics) - 1 - i for i, t in enumerate(topics)}
    offsets = {lv: LEVEL_OFFSETS[lv] for lv in levels}
    for ax, s in zip(axes[0], scorers, strict=True):
        ax.axvline(0, color="#444444", lw=0.8, zorder=1)
        for i in range(len(topics)):
            if i % 2 == 0:
                ax.axhspan(i - 0.5, i + 0.5, color="#f4f4f4", lw=0, zorder=0)
        for lv in levels:
            p = points[(points["scorer"] == s) & (points["level"] == lv)]
            ax.scatter(
                p["score"],
                p["topic"].map(ypos) + offsets[lv],
                s=22,
                color=SCORER_COLORS[s],
                alpha=0.6,
                lw=0,
                zorder=5,
            )
            t = topic_tone[(topic_tone["scorer"] == s) & (topic_tone["level"] == lv)]
            for r in t.itertuples(index=False):
                y = ypos[r.topic] + offsets[lv]
                ax.plot([r.ci_low, r.ci_high], [y, y], color="#222222", lw=1.3, zorder=3)
                few = r.n < FEW
                ax.scatter(
                    [r.mean],
                    [y],
                    marker=LEVEL_MARKERS[lv],
                    s=30,
                    zorder=4,
                    facecolor="white" if few else "#222222",
                    edgecolor="#222222",
                    lw=1.2,
                )
        ax.set_xlim(-1.05, 1.05)
        ax.set_title(SCORER_LABELS[s], color=SCORER_COLORS[s], fontsize=11)
        ax.set_xlabel("tone (− negative … + positive)")
        ax.spines[["top", "right"]].set_visible(False)
    n_of = topic_tone.drop_duplicates(["topic", "level"]).set_index(["topic", "level"])["n"]
    ticks = [
        f"{labels.get(t, t)}\nn = " + " · ".join(str(int(n_of.get((t, lv), 0))) for lv in levels)
        for t in topics
    ]
    axes[0][0].set_yticks([ypos[t] for t in topics], ticks, fontsize=9)
    axes[0][0].set_ylim(-0.6, len(topics) - 0.4)
    handles = [
        plt.Line2D(
            [],
            [],
            marker=LEVEL_MARKERS[lv],
            color="#222222",
            ls="-",
            lw=1.3,
            label=f"{lv} mean, 95% CI",
        )
        for lv in levels
    ]
    handles += [
        plt.Line2D(
            [],
            [],
            marker="o",
            color="#222222",
            mfc="white",
            ls="",
            label=f"hollow: n < {FEW}, too few to trust the mean",
        ),
        plt.Line2D(
            [],
            [],
            marker="o",
            color="#888888",
            alpha=0.5,
            ls="",
            label="dot: one paragraph / sentence / mention context",
        ),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=8.5,
        bbox_to_anchor=(0.5, -0.01),
    )
    fig.suptitle(
        "Tone toward each topic, measured three ways: in each band, top to bottom, the "
        + ", ".join(f"{lv}s" for lv in levels)
        + " that mention it",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.09, 1, 0.97))
    return fig


# ----------------------------------------------------------------------------- heatmap
def heatmap_data(
    mentions: pd.DataFrame, paragraphs: pd.DataFrame, topics: list[str]
) -> pd.DataFrame:
    """Long table: ``topic``, ``para_no``, ``mentions``; every topic and paragraph, zeros too."""
    counts = (
        mentions.groupby(["topic", "para_no"]).size() if len(mentions) else pd.Series(dtype="int64")
    )
    rows = [(t, int(p), int(counts.get((t, p), 0))) for t in topics for p in paragraphs["para_no"]]
    return pd.DataFrame(rows, columns=["topic", "para_no", "mentions"])


def topic_heatmap(data: pd.DataFrame, labels: dict[str, str] | None = None):
    """Topic x paragraph grid; each cell shows how many times the topic is mentioned there."""
    labels = labels or {}
    if not len(data) or data["mentions"].sum() == 0:
        return message_figure(
            "No topic of the lexicon is mentioned in this article.", "Where each topic is mentioned"
        )
    grid = data.pivot(index="topic", columns="para_no", values="mentions")
    grid = grid.reindex(index=list(dict.fromkeys(data["topic"])))
    fig, ax = plt.subplots(
        figsize=(max(5.0, 0.55 * grid.shape[1] + 2.5), 0.42 * grid.shape[0] + 1.5)
    )
    ax.imshow(
        grid.to_numpy(),
        cmap="Blues",
        vmin=0,
        vmax=max(3, int(grid.to_numpy().max())),
        aspect="auto",
    )
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        if v:
            ax.text(
                j,
                i,
                str(v),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if v >= 2 else "#08306b",
            )
    ax.set_xticks(range(grid.shape[1]), [f"¶{p}" for p in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [labels.get(t, t) for t in grid.index])
    ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, grid.shape[0]), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("body paragraph")
    busiest = data.groupby("para_no")["mentions"].sum()
    n_topics = data[data["mentions"] > 0].groupby("para_no")["topic"].nunique()
    p = int(n_topics.idxmax())
    ax.set_title(
        f"Where each topic is mentioned: ¶{p} touches {int(n_topics.max())} topics "
        f"({int(busiest[p])} mentions)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- FIGURES
def _arc(analysis):
    keys, labels = _lexicon_of(analysis)
    data = arc_data(analysis.paragraphs, analysis.topic_mentions, keys)
    return tone_arc(data, labels), data


def _topic_tone(analysis):
    _, labels = _lexicon_of(analysis)
    points = analysis_points(analysis)
    fig = topic_tone_chart(points, analysis.topic_tone, labels)
    data = pd.concat(
        [
            analysis.topic_tone.assign(kind="mean"),
            points.rename(columns={"score": "mean"}).assign(kind="unit", n=1),
        ],
        ignore_index=True,
    )
    cols = [
        "kind",
        "topic",
        "level",
        "scorer",
        "n",
        "mean",
        "ci_low",
        "ci_high",
        "para_no",
        "sent_no",
        "start",
        "end",
        "text",
    ]
    return fig, data[cols]


def _heatmap(analysis):
    keys, labels = _lexicon_of(analysis)
    data = heatmap_data(analysis.topic_mentions, analysis.paragraphs, keys)
    return topic_heatmap(data, labels), data


FIGURES = {"tone-arc": _arc, "topic-tone": _topic_tone, "topic-heatmap": _heatmap}

__all__ = [
    "FIGURES",
    "arc_data",
    "arc_title",
    "heatmap_data",
    "tone_arc",
    "topic_heatmap",
    "topic_tone_chart",
]
