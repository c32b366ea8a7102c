"""Paths and defaults, built from this file's location so they hold wherever the repo lives."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project root (the folder holding README.md)."""

SEEDS = ROOT / "seeds"
DATA = ROOT / "data"
PROCESSED = DATA / "processed"
TOPICS_FILE = DATA / "topics.toml"
EXAMPLES = DATA / "examples"
EVALUATION = DATA / "evaluation"
REPORTS = ROOT / "reports"
FIGURES = REPORTS / "figures"
NOTEBOOKS = ROOT / "notebooks"
MODELS = Path(__file__).resolve().parent / "models"

SHARED = ROOT.parent / "shared"
"""Data beside the project (corpora, validation ratings); never committed into it."""

SEED_ARTICLE = SEEDS / "000_f9d92dfb58a1c3ba.txt"

BOOTSTRAP_SEED = 20190515
"""Fixed seed of every bootstrap, so confidence intervals are reproducible."""
BOOTSTRAP_RESAMPLES = 2000
START_METHODS = ("forkserver", "spawn", "fork")
"""How a local Dask cluster may start its worker processes (the first is the default; see
:func:`article_tone.corpus._client`)."""
POLARITY_THRESHOLD = 0.05
"""|score| below this counts as neutral (the VADER study's convention)."""


def display_path(path: str | Path) -> str:
    """``path`` relative to the project root when inside it, else as given.

    Outputs (CSV, JSON, notebooks) use this so they do not depend on where the repo lives.
    """
    try:
        return _resolved(os.fspath(path)).relative_to(ROOT).as_posix()
    except (ValueError, OSError, TypeError):
        return str(path)


def _resolved(path: str) -> Path:
    """``Path(path).resolve()``, with the folder resolved once per folder (and working
    directory): a corpus resolves thousands of files in a few folders, and resolving walks
    every component of the path."""
    folder, name = os.path.split(path)
    if not name or name in (".", "..") or os.path.islink(path):
        return Path(path).resolve()
    return _resolved_folder(folder, os.getcwd()) / name


@lru_cache(maxsize=256)
def _resolved_folder(folder: str, cwd: str) -> Path:
    return Path(os.path.join(cwd, folder)).resolve()
