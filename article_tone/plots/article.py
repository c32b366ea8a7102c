"""Charts of the article's structure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def paragraph_lengths(paragraphs: pd.DataFrame):
    """Words (bars) and sentences (labels) per body paragraph."""
    fig, ax = plt.subplots(figsize=(8, 3.2))
    bars = ax.bar(paragraphs["para_no"], paragraphs["n_words"], color="#4c72b0", width=0.7)
    for bar, n in zip(bars, paragraphs["n_sentences"], strict=True):
        ax.annotate(f"{n} sent.", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_xlabel("paragraph")
    ax.set_ylabel("words")
    ax.set_xticks(paragraphs["para_no"])
    ax.set_title("Length of each body paragraph (label: number of sentences)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    fig.tight_layout()
    return fig


def _lengths(analysis):
    data = analysis.paragraphs[["para_no", "n_words", "n_sentences"]]
    return paragraph_lengths(data), data


FIGURES = {"paragraph-lengths": _lengths}
