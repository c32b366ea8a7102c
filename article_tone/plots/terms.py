"""Charts of the article's terms: top terms, terms by paragraph, TF-IDF, bigrams."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..terms import bigrams, document_term_matrix, tfidf_terms, top_terms
from .style import message_figure

BAR_COLOR = "#4c72b0"  # counts, not scores: deliberately not a scorer colour




def _hbar(labels, values, title, xlabel, color=BAR_COLOR):
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(labels) + 1.2))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=color, height=0.7)
    ax.set_yticks(y, labels, fontsize=8)
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, f" {v:g}", va="center", fontsize=7)
    if all(float(v).is_integer() for v in values):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.1)
    fig.tight_layout()
    return fig


def top_terms_chart(data: pd.DataFrame):
    title = "Most frequent terms in the body paragraphs"
    if data.empty:
        return message_figure("No terms: the article has no words beyond stopwords.", title)
    return _hbar(
        data["term"].tolist(),
        data["count"].tolist(),
        title,
        "occurrences (lemmas; stopwords removed)",
    )


def heatmap_data(source, n: int = 15) -> pd.DataFrame:
    """Long table of the top ``n`` terms by paragraph: ``term``, ``para_no``, ``count``."""
    terms = top_terms(source, n)["term"].tolist()
    m = document_term_matrix(source, terms)
    return (
        m.T.reset_index()
        .melt(id_vars="term", var_name="para_no", value_name="count")
        .astype({"para_no": "int64", "count": "int64"})
    )


def terms_heatmap(data: pd.DataFrame):
    title = "Where the most frequent terms occur, paragraph by paragraph"
    if data.empty:
        return message_figure(
            "No terms to place: the article has no words beyond stopwords.", title
        )
    m = data.pivot(index="term", columns="para_no", values="count")
    m = m.loc[list(dict.fromkeys(data["term"]))]
    fig, ax = plt.subplots(figsize=(0.45 * m.shape[1] + 3, 0.3 * m.shape[0] + 1.5))
    im = ax.imshow(m.to_numpy(), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(m.shape[1]), m.columns, fontsize=8)
    ax.set_yticks(range(m.shape[0]), m.index, fontsize=8)
    vmax = max(int(m.to_numpy().max()), 1)
    for (i, j), v in np.ndenumerate(m.to_numpy()):
        if v:
            ax.text(
                j,
                i,
                str(v),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > vmax / 2 else "black",
            )
    ax.set_xlabel("paragraph")
    ax.set_ylabel("term (most frequent first)")
    from matplotlib.ticker import MaxNLocator

    fig.colorbar(im, ax=ax, label="occurrences", shrink=0.7, ticks=MaxNLocator(integer=True))
    ax.set_title(title)
    fig.tight_layout()
    return fig


def tfidf_chart(data: pd.DataFrame):
    title = "Distinctive terms of each paragraph (TF-IDF)"
    if data.empty:
        return message_figure(
            "No distinctive terms: the article has no words beyond stopwords.", title
        )
    d = data.sort_values(["para_no", "rank"])
    labels = [f"¶{p}  {t}" for p, t in zip(d["para_no"], d["term"], strict=True)]
    colors = ["#4c72b0" if p % 2 else "#8fa8d0" for p in d["para_no"]]
    fig = _hbar(
        labels,
        d["tfidf"].round(3).tolist(),
        title,
        "TF-IDF weight (higher = more specific to this paragraph)",
        color=colors,
    )
    return fig


def bigrams_chart(data: pd.DataFrame):
    title = "Most frequent word pairs (adjacent in a sentence)"
    if data.empty:
        return message_figure(
            "No word pairs: no two content words stand next to each other.", title
        )
    return _hbar(data["bigram"].tolist(), data["count"].tolist(), title, "occurrences")


def _top(analysis):
    data = top_terms(analysis, 20)
    return top_terms_chart(data), data


def _heat(analysis):
    data = heatmap_data(analysis, 15)
    return terms_heatmap(data), data


def _tfidf(analysis):
    data = tfidf_terms(analysis, 3)
    return tfidf_chart(data), data


def _bigrams(analysis):
    data = bigrams(analysis, 15)
    return bigrams_chart(data), data


FIGURES = {"top-terms": _top, "terms-heatmap": _heat, "tfidf-terms": _tfidf, "bigrams": _bigrams}
