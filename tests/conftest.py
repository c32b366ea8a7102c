"""Shared fixtures. Tests that need ../shared skip without it, and fail without it under CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from article_tone.config import ROOT, SEED_ARTICLE, SHARED


def require_shared(*parts: str) -> Path:
    """The path ../shared/<parts>; skip the test when absent (fail when CI is set)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is absent (it lives beside the project, not in it)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED_ARTICLE


@pytest.fixture(scope="session")
def seed_article(seed_path):
    from article_tone import load_article

    return load_article(seed_path)


@pytest.fixture(scope="session")
def seed_analysis(seed_path):
    from article_tone import analyze

    return analyze(seed_path)


@pytest.fixture(scope="session")
def bbc_dir() -> Path:
    return require_shared("corpora", "bbc")


@pytest.fixture
def root() -> Path:
    return ROOT
