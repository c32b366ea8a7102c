"""Every chart of one article, by name: what ``make run`` saves to ``reports/figures/``.

Each ``plots`` module exposes ``FIGURES``: a dict of name -> function(Analysis) returning
``(Figure, DataFrame)``, the figure and the tidy data it plots (saved beside it as CSV).
"""

from __future__ import annotations

import importlib

import matplotlib

PLOT_MODULES = ["article", "sentiment", "terms", "topics"]


def figure_builders() -> dict:
    builders = {}
    for name in PLOT_MODULES:
        try:
            mod = importlib.import_module(f".plots.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.plots.{name}":
                continue  # that stage has no charts (yet)
            raise
        builders.update(getattr(mod, "FIGURES", {}))
    return builders


def render_figures(analysis) -> dict:
    """name -> (Figure, data) for every chart; rendered off-screen (Agg)."""
    matplotlib.use("Agg", force=False)
    return {name: build(analysis) for name, build in figure_builders().items()}
