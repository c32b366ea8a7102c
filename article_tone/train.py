"""Train the calibrated tone model on human-rated editorial sentences; write the evaluation tables.

    python -m article_tone.train [--validation DIR] [--out FILE] [--evaluation DIR]

Reads ``DIR/nyt_editorials_dev.tsv`` (default ``../shared/validation``), fits the ridge regression
described in :mod:`article_tone.calibrated` on all of its sentences and writes
``article_tone/models/tone_model.json``. The ridge penalty is chosen by group CV inside the
training data (5 folds by article) from a short fixed grid; the reported figures come from an
outer 10-fold group CV, each outer fold choosing its own penalty (nested CV), so no figure was
used to pick anything it reports. Also writes ``data/evaluation/scorers.csv`` (the table) and
``data/evaluation/cv_predictions.csv`` (id, article, human rating / 4 and each scorer's
out-of-fold score; no sentence text). Everything is deterministic: no randomness is used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .calibrated import FEATURE_COLUMNS, MODEL_FILE, MODEL_FORMAT, features
from .config import EVALUATION, SHARED
from .errors import ArticleError

SEED = 20140601
"""Recorded in the artefact. The recipe has no random step (GroupKFold and ridge are exact)."""
ALPHAS = (1.0, 3.0, 10.0, 30.0)
"""Ridge penalties tried by the inner group CV."""
INNER_FOLDS = 5
TFIDF = {
    "token_pattern": r"(?u)\b[a-zA-Z][a-zA-Z']+\b",
    "lowercase": True,
    "min_df": 2,
    "sublinear_tf": True,
}
"""Single words seen in at least two training sentences."""
DEV_FILE = "nyt_editorials_dev.tsv"


def _design(texts: Sequence[str], feats: pd.DataFrame, vec=None):
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if vec is None:
        vec = TfidfVectorizer(**TFIDF).fit(texts)
    return vec, sparse.hstack([sparse.csr_matrix(feats), vec.transform(texts)]).tocsr()


def _fit(texts: list[str], y: np.ndarray, feats: pd.DataFrame, alpha: float):
    from sklearn.linear_model import Ridge

    mu = feats.mean().to_numpy()
    sd = feats.std(ddof=0).replace(0, 1.0).to_numpy()
    z = (feats - mu) / sd
    vec, x = _design(texts, z)
    ridge = Ridge(alpha=alpha).fit(x, y)
    return vec, ridge, mu, sd


def choose_alpha(texts: list[str], y: np.ndarray, feats: pd.DataFrame, groups: np.ndarray) -> float:
    """The penalty from :data:`ALPHAS` with the best pooled out-of-fold Pearson r, by group CV."""
    from .evaluate import group_folds, pearson

    folds = group_folds(groups, INNER_FOLDS)
    best, best_r = ALPHAS[0], -np.inf
    for alpha in ALPHAS:
        oof = np.empty(len(y))
        for f in np.unique(folds):
            tr, te = folds != f, folds == f
            vec, ridge, mu, sd = _fit(
                [t for t, m in zip(texts, tr, strict=True) if m],
                y[tr],
                feats[tr].reset_index(drop=True),
                alpha,
            )
            zt = (feats[te].reset_index(drop=True) - mu) / sd
            _, xt = _design([t for t, m in zip(texts, te, strict=True) if m], zt, vec)
            oof[te] = ridge.predict(xt)
        r = pearson(y, oof)
        if r > best_r + 1e-12:
            best, best_r = alpha, r
    return best


def fit_model(
    texts: Sequence[str],
    ratings: Sequence[float],
    base: pd.DataFrame | None = None,
    groups: Sequence[str] | None = None,
    alpha: float | None = None,
) -> dict:
    """Fit the tone model; returns the artefact as a dict (what ``tone_model.json`` holds).

    ``ratings`` are mean human ratings in [-4, 4]; the model predicts ``rating / 4``. The penalty
    is ``alpha`` if given, else chosen by inner group CV on ``groups`` (article ids; each text its
    own group when absent).
    """
    texts = [str(t) for t in texts]
    y = np.asarray(ratings, dtype="float64") / 4.0
    feats = features(texts, base)[FEATURE_COLUMNS]
    if alpha is None:
        g = np.asarray(groups) if groups is not None else np.arange(len(texts)).astype(str)
        alpha = choose_alpha(texts, y, feats, g)
    vec, ridge, mu, sd = _fit(texts, y, feats, alpha)
    k = len(FEATURE_COLUMNS)
    coef = ridge.coef_
    vocab = vec.get_feature_names_out().tolist()
    return {
        "format": MODEL_FORMAT,
        "version": 1,
        "target": "mean human rating / 4 (VADER study, ICWSM 2014), clipped to [-1, 1]",
        "estimator": "scikit-learn Ridge on standardised named features + TF-IDF words",
        "alpha": float(alpha),
        "seed": SEED,
        "n_train": len(texts),
        "intercept": float(ridge.intercept_),
        "features": [
            {"name": n, "weight": float(w), "mean": float(m), "scale": float(s)}
            for n, w, m, s in zip(FEATURE_COLUMNS, coef[:k], mu, sd, strict=True)
        ],
        "tfidf": {
            "token_pattern": TFIDF["token_pattern"],
            "lowercase": TFIDF["lowercase"],
            "sublinear_tf": True,
            "norm": "l2",
            "vocabulary": vocab,
            "idf": [float(v) for v in vec.idf_],
            "weights": [float(w) for w in coef[k:]],
        },
    }


def _round_model(model: dict, digits: int = 6) -> dict:
    """Round floats for a small, diff-friendly artefact (predictions move by < 1e-5)."""
    m = dict(model)
    m["features"] = [
        {**d, **{k: round(d[k], digits) for k in ("weight", "mean", "scale")}}
        for d in model["features"]
    ]
    t = dict(model["tfidf"])
    t["idf"] = [round(v, digits) for v in t["idf"]]
    t["weights"] = [round(v, digits) for v in t["weights"]]
    m["tfidf"] = t
    m["intercept"] = round(model["intercept"], digits)
    return m


def train(validation: Path, out: Path = MODEL_FILE, evaluation: Path = EVALUATION) -> pd.DataFrame:
    """Fit on the dev file, write the artefact and the evaluation tables; return the table."""
    from .calibrated import base_scores, load_model
    from .evaluate import evaluate, read_ground_truth, text_key
    from .io import write_csv_atomic, write_json_atomic

    data = validation / DEV_FILE
    gt = read_ground_truth(data)
    texts = gt["text"].astype(str).tolist()
    base = base_scores(texts)
    model = _round_model(
        fit_model(texts, gt["rating"].to_numpy(), base, groups=gt["article"].to_numpy())
    )
    model["trained_on"] = DEV_FILE
    model["training_text_keys"] = sorted({text_key(t) for t in texts})
    write_json_atomic(out, model)
    load_model.cache_clear()
    table, preds = evaluate(data, in_sample=True, return_predictions=True, model=model)
    table.insert(1, "data", DEV_FILE)
    write_csv_atomic(evaluation / "scorers.csv", table)
    write_csv_atomic(evaluation / "cv_predictions.csv", preds)
    return table


def main(argv: list[str] | None = None) -> int:
    from .evaluate import format_table

    p = argparse.ArgumentParser(
        prog="python -m article_tone.train", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--validation",
        type=Path,
        default=SHARED / "validation",
        help="folder holding nyt_editorials_dev.tsv (default: ../shared/validation)",
    )
    p.add_argument("--out", type=Path, default=MODEL_FILE, help="model file to write")
    p.add_argument(
        "--evaluation",
        type=Path,
        default=EVALUATION,
        help="folder for scorers.csv and cv_predictions.csv",
    )
    args = p.parse_args(argv)
    data = args.validation / DEV_FILE
    if not data.is_file():
        print(
            f"error: {data}: not found (validation data lives beside the project, in ../shared)",
            file=sys.stderr,
        )
        return 2
    try:
        table = train(args.validation, args.out, args.evaluation)
    except ArticleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}")
    print(format_table(table.drop(columns="data")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
