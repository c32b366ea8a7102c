"""One look for every chart: a colour per scorer, per topic, and shared helpers."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.rcParams["svg.hashsalt"] = "article-tone"  # deterministic SVG ids

SCORER_COLORS = {
    "polarity": "#1f77b4",        # TextBlob polarity: blue
    "vader_compound": "#ff7f0e",  # VADER compound: orange
    "tone": "#2ca02c",            # calibrated tone: green
    "subjectivity": "#7f7f7f",    # TextBlob subjectivity: grey
}
SCORER_LABELS = {
    "polarity": "TextBlob polarity",
    "vader_compound": "VADER compound",
    "tone": "Calibrated tone",
    "subjectivity": "TextBlob subjectivity",
}
POSITIVE_COLOR = "#1a9850"
NEGATIVE_COLOR = "#d73027"
ENTITY_COLOR = "#9e9e9e"
TONE_AXIS_LABEL = "tone (−1 negative … +1 positive)"

# Colour-blind-safe palette (Okabe-Ito + extras) cycled over topics in lexicon order.
TOPIC_PALETTE = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
    "#F0E442", "#000000", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf",
]


def topic_colors(topics) -> dict[str, str]:
    """A stable colour per topic key, in the order given."""
    return {t: TOPIC_PALETTE[i % len(TOPIC_PALETTE)] for i, t in enumerate(topics)}


def save_figure(fig, path: str | Path, data=None) -> Path:
    """Save ``fig`` as PNG at ``path`` (atomically, byte-stable) and ``data`` beside it as CSV."""
    import io

    from ..io import write_bytes_atomic, write_csv_atomic

    path = Path(path).with_suffix(".png")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    write_bytes_atomic(path, buf.getvalue())
    if data is not None:
        write_csv_atomic(path.with_suffix(".csv"), data)
    return path


def message_figure(text: str, title: str = "", size=(8, 2.2)):
    """A figure that says why there is nothing to plot (never an empty chart)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, wrap=True)
    if title:
        ax.set_title(title)
    return fig
