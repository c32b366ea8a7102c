"""Sentence and paragraph scorers.

* ``polarity`` in [-1, 1] and ``subjectivity`` in [0, 1]: TextBlob's default (pattern) analyzer,
  exactly ``TextBlob(text).sentiment``.
* ``vader_compound`` in [-1, 1]: VADER's normalised compound score.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

SCORE_COLUMNS = ["polarity", "subjectivity", "vader_compound"]


@lru_cache(maxsize=1)
def _textblob_analyzer():
    from textblob.en.sentiments import PatternAnalyzer

    return PatternAnalyzer()


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score_sentences(texts: Sequence[str]) -> pd.DataFrame:
    """Score every text; one row per text, in order, columns :data:`SCORE_COLUMNS`."""
    tb = _textblob_analyzer()
    vd = _vader()
    rows = []
    for t in texts:
        s = tb.analyze(t)
        rows.append((s.polarity, s.subjectivity, vd.polarity_scores(t)["compound"]))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS, dtype="float64")
