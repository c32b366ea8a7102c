"""Charts of the sentiment scores: tone arc, polarity vs subjectivity, drivers, scorers compared.

Each chart function takes the tidy table it plots (built by a ``*_data`` function, tested in
pytest) and returns a Figure; ``FIGURES`` maps chart names to ``fn(analysis) -> (fig, data)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..config import POLARITY_THRESHOLD
from .style import (
    ENTITY_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    SCORER_COLORS,
    SCORER_LABELS,
    TONE_AXIS_LABEL,
    message_figure,
)

ARC_SCORERS = ["polarity", "vader_compound"]




def _zero_line(ax, orientation="h"):
    (ax.axhline if orientation == "h" else ax.axvline)(0, color="#444444", lw=0.8, zorder=1)


# ----------------------------------------------------------------------------- tone arc
def arc_data(
    paragraphs: pd.DataFrame, sentences: pd.DataFrame, scorers=ARC_SCORERS
) -> pd.DataFrame:
    """Long table of the tone arc: ``level`` (paragraph | sentence), ``para_no``, ``sent_no``
    (0 for paragraphs), ``x`` (position along the article: paragraph number, sentences spread
    evenly inside their paragraph), ``scorer``, ``value``."""
    rows = []
    n_sent = sentences.groupby("para_no")["sent_no"].transform("count") if len(sentences) else []
    for scorer in scorers:
        for r in paragraphs.itertuples(index=False):
            rows.append(
                ("paragraph", r.para_no, 0, float(r.para_no), scorer, float(getattr(r, scorer)))
            )
        for r, n in zip(sentences.itertuples(index=False), list(n_sent), strict=True):
            x = r.para_no + (r.sent_no - 0.5) / n - 0.5
            rows.append(
                ("sentence", r.para_no, r.sent_no, float(x), scorer, float(getattr(r, scorer)))
            )
    return pd.DataFrame(
        rows, columns=["level", "para_no", "sent_no", "x", "scorer", "value"]
    ).astype({"para_no": "int64", "sent_no": "int64"})


def sentiment_arc(data: pd.DataFrame):
    """Lines: paragraph scores; dots: sentence scores; one colour per scorer."""
    paras = data[data["level"] == "paragraph"]
    if paras.empty:
        return message_figure(
            "This article has no body paragraph to score.", "Tone along the article"
        )
    fig, ax = plt.subplots(figsize=(9, 4))
    _zero_line(ax)
    for scorer, g in data.groupby("scorer", sort=False):
        color = SCORER_COLORS[scorer]
        p = g[g["level"] == "paragraph"]
        s = g[g["level"] == "sentence"]
        ax.plot(
            p["x"],
            p["value"],
            "-o",
            color=color,
            lw=2,
            ms=5,
            zorder=3,
            label=f"{SCORER_LABELS[scorer]}, paragraph",
        )
        ax.scatter(
            s["x"],
            s["value"],
            s=14,
            color=color,
            alpha=0.45,
            zorder=2,
            label=f"{SCORER_LABELS[scorer]}, sentence",
        )
    ax.set_xticks(sorted(paras["para_no"].unique()))
    ax.set_xlabel("paragraph (sentences spread inside their paragraph)")
    ax.set_ylabel(TONE_AXIS_LABEL)
    ax.set_ylim(-1.05, 1.05)
    ax.text(
        0.005,
        0.98,
        "above 0 = positive tone",
        transform=ax.transAxes,
        fontsize=8,
        va="top",
        color="#444444",
    )
    ax.set_title("Tone along the article: TextBlob polarity and VADER compound")
    ax.legend(fontsize=8, ncol=2, loc="lower left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------- polarity vs subjectivity
def polarity_subjectivity_data(paragraphs: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """``level``, ``para_no``, ``sent_no`` (0 for paragraphs), ``subjectivity``, ``polarity``."""
    p = paragraphs[["para_no", "subjectivity", "polarity"]].assign(level="paragraph", sent_no=0)
    s = sentences[["para_no", "sent_no", "subjectivity", "polarity"]].assign(level="sentence")
    cols = ["level", "para_no", "sent_no", "subjectivity", "polarity"]
    return pd.concat([p[cols], s[cols]], ignore_index=True)


def polarity_vs_subjectivity(data: pd.DataFrame):
    if data.empty:
        return message_figure("Nothing to plot: no scored text.", "Polarity against subjectivity")
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    _zero_line(ax)
    s = data[data["level"] == "sentence"]
    p = data[data["level"] == "paragraph"]
    ax.scatter(
        s["subjectivity"],
        s["polarity"],
        s=18,
        color=SCORER_COLORS["polarity"],
        alpha=0.4,
        label="sentence",
    )
    ax.scatter(
        p["subjectivity"],
        p["polarity"],
        s=90,
        facecolor="white",
        edgecolor=SCORER_COLORS["polarity"],
        lw=1.5,
        zorder=3,
        label="paragraph (number)",
    )
    for r in p.itertuples(index=False):
        ax.annotate(
            str(r.para_no),
            (r.subjectivity, r.polarity),
            ha="center",
            va="center",
            fontsize=7,
            zorder=4,
        )
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("TextBlob subjectivity (0 factual … 1 opinionated)")
    ax.set_ylabel("TextBlob polarity (−1 negative … +1 positive)")
    ax.set_title("Opinionated sentences are not always positive or negative")
    ax.legend(fontsize=8, loc="lower left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- drivers
def drivers_data(drivers: pd.DataFrame) -> pd.DataFrame:
    """The drivers that moved a paragraph's polarity: ``para_no``, ``sent_no``, ``words``,
    ``word``, ``polarity``, ``in_entity`` and ``contribution`` = polarity / (number of scored
    words in the paragraph), so a paragraph's contributions add up to its polarity. Words with
    polarity 0 (they only dilute the mean) are left out."""
    if drivers.empty:
        return drivers.assign(contribution=pd.Series(dtype="float64"))
    n = drivers.groupby("para_no")["polarity"].transform("size")
    out = drivers.assign(contribution=drivers["polarity"] / n)
    out = out[out["polarity"] != 0]
    return out[
        ["para_no", "sent_no", "words", "word", "polarity", "in_entity", "contribution"]
    ].reset_index(drop=True)


def drivers_chart(
    data: pd.DataFrame, paragraphs: pd.DataFrame | None = None, label_min: float = 0.015
):
    """Stacked bars per paragraph: each segment one scored word, up if it raised the polarity,
    down if it lowered it; grey hatched segments are words inside proper names."""
    title = "Which words pushed each paragraph's TextBlob polarity up or down"
    if data.empty:
        return message_figure(
            "No word in this article has a non-zero TextBlob polarity:\nevery paragraph scores 0.",
            title,
        )
    fig, ax = plt.subplots(figsize=(11, 5.2))
    _zero_line(ax)
    up: dict[int, float] = {}
    down: dict[int, float] = {}
    for r in data.itertuples(index=False):
        pos = r.contribution > 0
        base = up.get(r.para_no, 0.0) if pos else down.get(r.para_no, 0.0)
        color = ENTITY_COLOR if r.in_entity else (POSITIVE_COLOR if pos else NEGATIVE_COLOR)
        ax.bar(
            r.para_no,
            r.contribution,
            bottom=base,
            width=0.8,
            color=color,
            edgecolor="white",
            lw=0.6,
            hatch="///" if r.in_entity else None,
            zorder=2,
        )
        if abs(r.contribution) >= label_min:
            ax.text(
                r.para_no,
                base + r.contribution / 2,
                r.word if r.in_entity else r.words,
                ha="center",
                va="center",
                fontsize=6,
                zorder=3,
                color="black" if r.in_entity else "white",
            )
        if pos:
            up[r.para_no] = base + r.contribution
        else:
            down[r.para_no] = base + r.contribution
    if paragraphs is not None and len(paragraphs):
        ax.scatter(
            paragraphs["para_no"],
            paragraphs["polarity"],
            marker="D",
            s=28,
            zorder=4,
            color=SCORER_COLORS["polarity"],
            label="paragraph polarity (sum of segments)",
        )
        if "polarity_masked" in paragraphs:
            ax.scatter(
                paragraphs["para_no"],
                paragraphs["polarity_masked"],
                marker="D",
                s=28,
                zorder=4,
                facecolor="white",
                edgecolor=SCORER_COLORS["polarity"],
                label="polarity with name words neutralised",
            )
        ax.set_xticks(paragraphs["para_no"])
    from matplotlib.patches import Patch

    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(color=POSITIVE_COLOR, label="opinion word, raises polarity"),
        Patch(color=NEGATIVE_COLOR, label="opinion word, lowers polarity"),
        Patch(
            facecolor=ENTITY_COLOR,
            hatch="///",
            edgecolor="white",
            label="word inside a name (false positive)",
        ),
    ]
    ax.legend(
        handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False
    )
    ax.set_xlabel("paragraph")
    ax.set_ylabel("share of paragraph polarity\n(+ pushes positive, − negative)")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- TextBlob vs VADER
def _sign(x: float, eps: float) -> int:
    return 0 if abs(x) < eps else (1 if x > 0 else -1)


def scorer_agreement(sentences: pd.DataFrame, eps: float = POLARITY_THRESHOLD) -> pd.DataFrame:
    """Per sentence: ``para_no``, ``sent_no``, ``polarity``, ``vader_compound`` and ``verdict``:
    "agree" (same side of zero, or both within ±eps of it), "one neutral" (one scorer within
    ±eps) or "opposite" (one positive, the other negative)."""
    out = sentences[["para_no", "sent_no", "polarity", "vader_compound"]].copy()
    verdicts = []
    for p, v in zip(out["polarity"], out["vader_compound"], strict=True):
        a, b = _sign(p, eps), _sign(v, eps)
        verdicts.append("agree" if a == b else ("opposite" if a * b == -1 else "one neutral"))
    out["verdict"] = pd.Series(verdicts, index=out.index, dtype="object")
    return out


VERDICT_STYLE = {
    "agree": ("o", "#555555"),
    "one neutral": ("s", "#b8860b"),
    "opposite": ("X", NEGATIVE_COLOR),
}


def textblob_vs_vader(data: pd.DataFrame):
    title = "TextBlob and VADER, sentence by sentence"
    if data.empty:
        return message_figure("This article has no sentence to compare.", title)
    fig, ax = plt.subplots(figsize=(6.6, 5))
    _zero_line(ax)
    _zero_line(ax, "v")
    ax.plot([-1, 1], [-1, 1], ls=":", color="#999999", lw=0.8)
    for verdict, (marker, color) in VERDICT_STYLE.items():
        g = data[data["verdict"] == verdict]
        if len(g):
            ax.scatter(
                g["polarity"],
                g["vader_compound"],
                marker=marker,
                s=36,
                color=color,
                alpha=0.8,
                label=f"{verdict} ({len(g)})",
                zorder=3,
            )
    for r in data[data["verdict"] == "opposite"].itertuples(index=False):
        ax.annotate(
            f"{r.para_no}.{r.sent_no}",
            (r.polarity, r.vader_compound),
            fontsize=7,
            xytext=(4, 3),
            textcoords="offset points",
        )
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("TextBlob polarity (−1 negative … +1 positive)", color=SCORER_COLORS["polarity"])
    ax.set_ylabel(
        "VADER compound (−1 negative … +1 positive)", color=SCORER_COLORS["vader_compound"]
    )
    n_opp = int((data["verdict"] == "opposite").sum())
    ax.set_title(f"{title}: {n_opp} of {len(data)} on opposite sides of zero")
    ax.legend(
        fontsize=8,
        loc="lower right",
        frameon=False,
        title="label = paragraph.sentence",
        title_fontsize=7,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- FIGURES
def _arc(analysis):
    data = arc_data(analysis.paragraphs, analysis.sentences)
    return sentiment_arc(data), data


def _pvs(analysis):
    data = polarity_subjectivity_data(analysis.paragraphs, analysis.sentences)
    return polarity_vs_subjectivity(data), data


def _drivers(analysis):
    data = drivers_data(analysis.drivers)
    return drivers_chart(data, analysis.paragraphs), data


def _tvv(analysis):
    data = scorer_agreement(analysis.sentences)
    return textblob_vs_vader(data), data


FIGURES = {
    "sentiment-arc": _arc,
    "polarity-vs-subjectivity": _pvs,
    "drivers": _drivers,
    "textblob-vs-vader": _tvv,
}

__all__ = [
    "FIGURES",
    "arc_data",
    "drivers_chart",
    "drivers_data",
    "polarity_subjectivity_data",
    "polarity_vs_subjectivity",
    "scorer_agreement",
    "sentiment_arc",
    "textblob_vs_vader",
]
