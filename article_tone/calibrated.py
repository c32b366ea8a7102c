"""The calibrated ``tone`` score: a small linear model fitted to human ratings of editorials.

``tone`` in [-1, 1] estimates the mean rating that human readers give a sentence, divided by 4
(the VADER study's ratings run from -4 to +4). It is a ridge regression over named, inspectable
features, all computed offline and deterministically:

* TextBlob ``polarity`` and ``subjectivity``; VADER ``compound``, ``pos``, ``neg``, ``neu``;
* counts from VADER's lexicon on the words: ``coverage`` (share of words with a valence),
  ``negations``, ``lex_pos`` and ``lex_neg`` (positive and negative valence per word);
* an *expanded lexicon* (``models/expanded_lexicon.json``): a valence for ~25,000 common English
  words, including the many words (``war``, ``deficit``, ``hostage``) that carry tone without
  being opinion words, from which ``x_mean``, ``x_sum``, ``x_min``, ``x_max``, ``x_pos``, ``x_neg``;
* TF-IDF weights of single words learnt from the editorial sentences.

Because the model is linear, :func:`explain_tone` shows exactly what pushed a sentence's tone up or
down. The artefact (``models/tone_model.json``) is plain JSON, written by ``python -m
article_tone.train``; it is loaded once, lazily.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ArticleError

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = MODELS_DIR / "tone_model.json"
LEXICON_FILE = MODELS_DIR / "expanded_lexicon.json"
MODEL_FORMAT = "article-tone/tone-model"
LEXICON_FORMAT = "article-tone/expanded-lexicon"

BASE_COLUMNS = ["polarity", "subjectivity", "vader_compound", "vader_pos", "vader_neg", "vader_neu"]
"""Per-text scores the caller may pass in ``base`` (so nothing is scored twice)."""
WORD_COLUMNS = [
    "coverage",
    "negations",
    "lex_pos",
    "lex_neg",
    "x_mean",
    "x_sum",
    "x_min",
    "x_max",
    "x_pos",
    "x_neg",
]
"""Cheap word-level features computed here from the tokens."""
FEATURE_COLUMNS = BASE_COLUMNS + WORD_COLUMNS

WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
"""Tokens for the word features: lower-case letters with an optional apostrophe part (don't)."""
NEGATIONS = frozenset("not no never nothing nobody none neither nor nowhere without cannot".split())


class ModelError(ArticleError):
    """The tone model or its lexicon is missing or unreadable."""


# --------------------------------------------------------------------------- loading
def _read_json(path: Path, fmt: str) -> dict:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(path, "missing; rebuild it with `make train`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(path, f"unreadable ({exc}); rebuild it with `make train`") from None
    if not isinstance(obj, dict) or obj.get("format") != fmt:
        raise ModelError(path, f"not a {fmt} file; rebuild it with `make train`")
    return obj


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, float]:
    """The expanded lexicon: word -> valence on VADER's scale (about -4..4)."""
    obj = _read_json(LEXICON_FILE, LEXICON_FORMAT)
    try:
        return {str(w): float(v) for w, v in zip(obj["words"], obj["valence"], strict=True)}
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(LEXICON_FILE, f"malformed ({exc})") from None


@lru_cache(maxsize=1)
def load_model() -> dict:
    """The committed tone model (a plain dict, as stored in ``models/tone_model.json``)."""
    obj = _read_json(MODEL_FILE, MODEL_FORMAT)
    try:
        _check_model(obj)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(MODEL_FILE, f"malformed ({exc}); rebuild it with `make train`") from None
    return obj


def _check_model(obj: dict) -> None:
    names = [f["name"] for f in obj["features"]]
    unknown = set(names) - set(FEATURE_COLUMNS)
    if unknown:
        raise ValueError(f"unknown features {sorted(unknown)}")
    t = obj["tfidf"]
    if not len(t["vocabulary"]) == len(t["idf"]) == len(t["weights"]):
        raise ValueError("tfidf vocabulary, idf and weights differ in length")
    float(obj["intercept"])


@lru_cache(maxsize=4)
def _vectorizer(vocab: tuple[str, ...], token_pattern: str, lowercase: bool):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        vocabulary={w: i for i, w in enumerate(vocab)},
        token_pattern=token_pattern,
        lowercase=lowercase,
    )


@lru_cache(maxsize=4)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# --------------------------------------------------------------------------- features
def base_scores(texts: Sequence[str]) -> pd.DataFrame:
    """TextBlob polarity/subjectivity, VADER compound, pos, neg, neu (:data:`BASE_COLUMNS`)."""
    from textblob.en.sentiments import PatternAnalyzer

    tb = PatternAnalyzer()
    vd = _vader()
    rows = []
    for t in texts:
        s = tb.analyze(t)
        v = vd.polarity_scores(t)
        rows.append((s.polarity, s.subjectivity, v["compound"], v["pos"], v["neg"], v["neu"]))
    return pd.DataFrame(rows, columns=BASE_COLUMNS, dtype="float64")


def _complete_base(texts: Sequence[str], base: pd.DataFrame | None) -> pd.DataFrame:
    if base is not None and len(base) != len(texts):
        raise ValueError(f"base has {len(base)} rows for {len(texts)} texts")
    if base is not None and all(c in base.columns for c in BASE_COLUMNS):
        return base[BASE_COLUMNS].reset_index(drop=True).astype("float64")
    fresh = base_scores(texts)
    if base is not None:  # keep what the caller computed, fill in the rest
        for c in BASE_COLUMNS:
            if c in base.columns:
                fresh[c] = base[c].to_numpy(dtype="float64")
    return fresh


def word_features(texts: Sequence[str]) -> pd.DataFrame:
    """The word-level features (:data:`WORD_COLUMNS`) of each text."""
    vlex = _vader().lexicon
    xlex = load_lexicon()
    out = np.zeros((len(texts), len(WORD_COLUMNS)))
    for i, t in enumerate(texts):
        toks = WORD_RE.findall(str(t).lower())
        n = max(len(toks), 1)
        vals = [vlex.get(w, 0.0) for w in toks]
        xs = [xlex[w] for w in toks if w in xlex]
        x = np.asarray(xs) if xs else np.zeros(1)
        out[i] = (
            sum(1 for v in vals if v) / n,
            sum(1 for w in toks if w in NEGATIONS or w.endswith("n't")),
            sum(v for v in vals if v > 0) / n,
            sum(v for v in vals if v < 0) / n,
            x.mean(),
            x.sum(),
            x.min(),
            x.max(),
            x[x > 0].sum(),
            x[x < 0].sum(),
        )
    return pd.DataFrame(out, columns=WORD_COLUMNS)


def features(texts: Sequence[str], base: pd.DataFrame | None = None) -> pd.DataFrame:
    """All named features (:data:`FEATURE_COLUMNS`) of each text."""
    texts = [str(t) for t in texts]
    return pd.concat([_complete_base(texts, base), word_features(texts)], axis=1)


def tfidf_matrix(texts: Sequence[str], tfidf: dict):
    """Sublinear TF-IDF (1 + log tf) x idf, rows L2-normalised: scikit-learn's TfidfVectorizer
    with ``sublinear_tf=True``, rebuilt from the stored vocabulary and idf."""
    from sklearn.preprocessing import normalize

    vec = _vectorizer(tuple(tfidf["vocabulary"]), tfidf["token_pattern"], bool(tfidf["lowercase"]))
    x = vec.transform([str(t) for t in texts]).astype("float64")
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(np.asarray(tfidf["idf"], dtype="float64")).tocsr()
    return normalize(x, norm="l2", copy=False)


# --------------------------------------------------------------------------- predicting
def _raw_predict(texts: list[str], feats: pd.DataFrame, model: dict) -> np.ndarray:
    f = model["features"]
    names = [d["name"] for d in f]
    w = np.array([d["weight"] for d in f])
    mu = np.array([d["mean"] for d in f])
    sd = np.array([d["scale"] for d in f])
    raw = float(model["intercept"]) + ((feats[names].to_numpy() - mu) / sd) @ w
    t = model["tfidf"]
    if t["vocabulary"]:
        raw = raw + tfidf_matrix(texts, t) @ np.asarray(t["weights"], dtype="float64")
    return raw


def predict_tone(
    texts: Sequence[str], base: pd.DataFrame | None = None, model: dict | None = None
) -> np.ndarray:
    """Calibrated tone in [-1, 1] of each text: the predicted mean human rating / 4, clipped.

    ``base``, optional, is a DataFrame aligned with ``texts`` holding :data:`BASE_COLUMNS`
    (``polarity``, ``subjectivity``, ``vader_compound``, ``vader_pos``, ``vader_neg``,
    ``vader_neu``); any that are missing are computed here. ``model`` defaults to the committed
    one. Deterministic; vectorised over the batch.
    """
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros(0)
    model = load_model() if model is None else model
    raw = _raw_predict(texts, features(texts, base), model)
    return np.clip(raw, -1.0, 1.0)


def explain_tone(text: str, model: dict | None = None) -> pd.DataFrame:
    """What pushed the tone of ``text`` up or down: one row per named feature and per word.

    Columns ``feature``, ``value``, ``weight``, ``contribution``. Named features contribute
    ``weight * (value - training mean)`` (``weight`` per unit of the feature), so a contribution
    is relative to an average editorial sentence; a word (``word:deficit``) contributes its
    TF-IDF value times its weight. Rows are sorted by |contribution|, largest first, and the last
    row, ``intercept``, is the tone of an average sentence; contributions plus intercept add up to
    the raw score, which :func:`predict_tone` clips to [-1, 1]. Zero contributions are left out.
    """
    model = load_model() if model is None else model
    feats = features([text])
    rows = []
    for d in model["features"]:
        v = float(feats[d["name"]].iloc[0])
        per_unit = d["weight"] / d["scale"]
        rows.append((d["name"], v, per_unit, per_unit * (v - d["mean"])))
    t = model["tfidf"]
    if t["vocabulary"]:
        x = tfidf_matrix([text], t)
        weights = np.asarray(t["weights"])
        for j, v in zip(x.indices, x.data, strict=True):
            rows.append(
                (f"word:{t['vocabulary'][j]}", float(v), float(weights[j]), float(v * weights[j]))
            )
    df = pd.DataFrame(rows, columns=["feature", "value", "weight", "contribution"])
    df = df[df["contribution"] != 0]
    df = df.iloc[np.argsort(-df["contribution"].abs().to_numpy(), kind="stable")]
    icpt = pd.DataFrame(
        [("intercept", 1.0, float(model["intercept"]), float(model["intercept"]))],
        columns=df.columns,
    )
    return pd.concat([df, icpt], ignore_index=True)
