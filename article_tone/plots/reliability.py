"""Charts for notebook 05: how far the tone scores agree with human ratings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import NEGATIVE_COLOR, POSITIVE_COLOR, SCORER_COLORS, SCORER_LABELS

_KEYS = {
    "textblob_polarity": "polarity",
    "vader_compound": "vader_compound",
    "tone": "tone",
    "tone_embed": "tone_embed",
}
_EXTRA_COLORS = {"tone_embed": "#9467bd"}
_EXTRA_LABELS = {"tone_embed": "Embedding tone (optional)"}


def _color(name: str) -> str:
    key = _KEYS.get(name, name)
    return SCORER_COLORS.get(key, _EXTRA_COLORS.get(key, "#333333"))


def _label(name: str) -> str:
    key = _KEYS.get(name, name)
    return SCORER_LABELS.get(key, _EXTRA_LABELS.get(key, name))


def agreement_bars(table: pd.DataFrame, reference: float | None = None):
    """Pearson r per scorer (out-of-fold for trained ones), with an optional reference line
    (a single human rater against the others)."""
    honest = table[~table["evaluation"].str.contains("in-sample")].drop_duplicates("scorer")
    fig, ax = plt.subplots(figsize=(7, 3))
    y = np.arange(len(honest))
    ax.barh(y, honest["pearson_r"], color=[_color(s) for s in honest["scorer"]], height=0.6)
    for yi, r in enumerate(honest["pearson_r"]):
        ax.annotate(
            f"{r:.2f}",
            (r, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    labels = [
        f"{_label(s)}\n{ev.replace(' (optional extra)', '')}"
        for s, ev in zip(honest["scorer"], honest["evaluation"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    if reference is not None:
        ax.axvline(reference, color="#444444", ls="--", lw=1)
        ax.annotate(
            "one rater vs the others",
            (reference, -0.55),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(len(honest) - 0.5, -0.9)
    ax.set_xlabel("Pearson r with the mean human rating")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def human_scatter(predictions: pd.DataFrame, scorers: list[str] | None = None):
    """Human mean rating / 4 (x) against each scorer's out-of-fold score (y), one panel each."""
    from ..evaluate import pearson

    scorers = scorers or [c for c in _KEYS if c in predictions.columns]
    fig, axes = plt.subplots(
        1, len(scorers), figsize=(3.2 * len(scorers), 3.3), sharex=True, sharey=True, squeeze=False
    )
    for ax, s in zip(axes[0], scorers, strict=True):
        ax.scatter(predictions["human"], predictions[s], s=5, alpha=0.35, color=_color(s), lw=0)
        ax.axhline(0, color="#999999", lw=0.6)
        ax.axvline(0, color="#999999", lw=0.6)
        ax.plot([-1, 1], [-1, 1], color="#666666", lw=0.6, ls=":")
        ax.set_title(
            f"{_label(s)}\nr = {pearson(predictions['human'], predictions[s]):.2f}", fontsize=9
        )
        ax.set_xlabel("human rating / 4")
        ax.set_xlim(-1, 1)
        ax.set_ylim(-1, 1)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].set_ylabel("score")
    fig.tight_layout()
    return fig


def topic_tone_by_scorer(topic_tone: pd.DataFrame, level: str = "sentence"):
    """Mean and CI of each topic under each scorer, topics ordered by calibrated tone."""
    sub = topic_tone[topic_tone["level"] == level]
    scorers = [s for s in ["polarity", "vader_compound", "tone"] if s in set(sub["scorer"])]
    if not scorers:
        from .style import message_figure

        return message_figure(
            f"No topic of the lexicon is mentioned at the {level} level in this "
            "article, so there is no topic order to compare.",
            "Tone toward each topic, by scorer",
        )
    order_key = "tone" if "tone" in scorers else scorers[0]
    order = sub[sub["scorer"] == order_key].sort_values("mean", ascending=True)["topic"].tolist()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(order) + 1.2))
    offsets = dict(zip(scorers, np.linspace(-0.22, 0.22, len(scorers)), strict=True))
    ypos = {t: i for i, t in enumerate(order)}
    for s in scorers:
        d = sub[sub["scorer"] == s]
        y = d["topic"].map(ypos) + offsets[s]
        ax.errorbar(
            d["mean"],
            y,
            xerr=[d["mean"] - d["ci_low"], d["ci_high"] - d["mean"]],
            fmt="o",
            ms=4,
            color=_color(s),
            label=_label(s),
            lw=1,
            capsize=0,
        )
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel(f"mean score over the topic's {level}s (95% bootstrap CI)")
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def explanation_bars(explanation: pd.DataFrame, top: int = 10, title: str | None = None):
    """What pushed a sentence's tone up (green) or down (red): the ``top`` largest contributions
    of :func:`article_tone.calibrated.explain_tone`, intercept left out."""
    ex = explanation[explanation["feature"] != "intercept"].head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(ex) + 1.1))
    colors = [POSITIVE_COLOR if c > 0 else NEGATIVE_COLOR for c in ex["contribution"]]
    ax.barh(range(len(ex)), ex["contribution"], color=colors, height=0.6)
    ax.set_yticks(range(len(ex)), ex["feature"])
    ax.axvline(0, color="#666666", lw=0.8)
    ax.set_xlabel("contribution to tone")
    if title:
        ax.set_title(title, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
