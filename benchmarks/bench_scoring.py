"""Speed of sentence scoring: ``score_sentences`` against the naive per-row TextBlob + VADER.

Reads the 2,447 editorial sentences of ``../shared/validation/nyt_editorials_dev.tsv``. Run by
``make bench`` (through ``benchmarks/run.py``) or directly: ``python -m benchmarks.bench_scoring``.
"""

from __future__ import annotations

import time

import pandas as pd

from article_tone.config import SHARED

DATA = SHARED / "validation" / "nyt_editorials_dev.tsv"


def _timed(name: str, fn, n: int) -> dict:
    t0 = time.perf_counter()
    fn()
    s = time.perf_counter() - t0
    return {"name": name, "n": n, "seconds": round(s, 3), "per_second": round(n / s, 1)}


def run() -> list[dict]:
    """Rows: name, n (sentences), seconds, per_second. Each approach starts cold (fresh caches)."""
    if not DATA.exists():
        return [{"name": f"skipped: {DATA} is absent", "n": 0, "seconds": 0.0, "per_second": 0.0}]
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from article_tone import sentiment
    from article_tone.calibrated import load_model

    df = pd.read_csv(DATA, sep="\t", header=None, names=["id", "rating", "text"], quoting=3)
    texts = df["text"].astype(str).tolist()
    n = len(texts)
    _ = TextBlob("warm up").sentiment  # load the lexicons outside the timings
    load_model()
    vader = SentimentIntensityAnalyzer()
    sentiment.score_text("warm up")
    rows = []
    rows.append(
        _timed(
            "naive: df.text.apply(lambda t: TextBlob(t).sentiment)",
            lambda: df.text.apply(lambda t: TextBlob(t).sentiment),
            n,
        )
    )
    rows.append(
        _timed(
            "naive: TextBlob + VADER per row",
            lambda: df.text.apply(lambda t: (TextBlob(t).sentiment, vader.polarity_scores(t))),
            n,
        )
    )
    sentiment.clear_text_caches()
    rows.append(
        _timed(
            "score_sentences: TextBlob + VADER + masked polarity + tone",
            lambda: sentiment.score_sentences(texts),
            n,
        )
    )
    sentiment.clear_text_caches()
    rows.append(
        _timed(
            "score_sentences without tone (TextBlob + VADER + masked)",
            lambda: [sentiment.score_text(t) for t in dict.fromkeys(texts)],
            n,
        )
    )
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:<62} n={r['n']:>5}  {r['seconds']:>7.3f} s  {r['per_second']:>9.1f}/s")
