"""Train the calibrated tone model on human-rated editorial sentences; write the evaluation tables.

    python -m article_tone.train [--validation DIR] [--out FILE] [--evaluation DIR]

Reads ``DIR/nyt_editorials_dev.tsv`` (default ``../shared/validation``), fits the ridge regression
described in :mod:`article_tone.calibrated` on all of its sentences and writes
``article_tone/models/tone_model.json``.

*Distillation.* 2,447 rated sentences are too few to learn a weight for most words. The optional
sentence-embedding model (``tone_embed``, PyTorch, see :mod:`article_tone.embed`) reads a sentence
far better; ``python -m article_tone.embed distil`` lets it score the ~36,000 sentences of the BBC
news corpus (``../shared/corpora/bbc``, no ratings) and commits those scores in
``models/distil_labels.npz`` (sentence hashes and scores only; one set from the embedding model
trained on all editorials and one per CV fold, trained without that fold). Training then fits the
same lean, linear model on the rated editorials (weight ``w``) plus the BBC sentences with the
embedding model's scores as targets (weight 1): the lean model learns word weights from 15 times
more text and needs no PyTorch. Without the labels file or the corpus, training falls back to the
editorials alone. The ridge penalty is chosen by group CV inside the
training data (5 folds by article) from a short fixed grid; the reported figures come from an
outer 10-fold group CV, each outer fold choosing its own penalty (nested CV), so no figure was
used to pick anything it reports. Also writes ``data/evaluation/scorers.csv`` (the table) and
``data/evaluation/cv_predictions.csv`` (id, article, human rating / 4 and each scorer's
out-of-fold score; no sentence text). Everything is deterministic: no randomness is used.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .calibrated import FEATURE_COLUMNS, MODEL_FILE, MODEL_FORMAT, MODELS_DIR, features
from .config import EVALUATION, SHARED
from .errors import ArticleError

SEED = 20140601
"""Recorded in the artefact. The recipe has no random step (GroupKFold and ridge are exact)."""
ALPHAS = (1.0, 3.0, 10.0, 30.0)
"""Ridge penalties tried by the inner group CV (editorials alone)."""
DISTIL_ALPHAS = (3.0, 10.0, 30.0)
DISTIL_WEIGHTS = (5.0, 10.0)
"""With distillation the inner group CV picks the penalty and the weight of a rated editorial
sentence relative to a teacher-scored BBC sentence from this grid."""
DISTIL_FILE_NAME = "distil_labels.npz"
DISTIL_FORMAT = "article-tone/distil-labels"
_SPLIT = re.compile(r'(?<=[.!?])\s+(?=["A-Z])')
INNER_FOLDS = 5
TFIDF = {
    "token_pattern": r"(?u)\b[a-zA-Z][a-zA-Z']+\b",
    "lowercase": True,
    "min_df": 2,
    "sublinear_tf": True,
}
"""Single words seen in at least two training sentences."""
DEV_FILE = "nyt_editorials_dev.tsv"
DISTIL_FILE = MODELS_DIR / DISTIL_FILE_NAME
CORPUS = SHARED / "corpora" / "bbc"


# --------------------------------------------------------------------------- distillation data
def distil_sentences(corpus: Path = CORPUS) -> list[str]:
    """The unrated sentences the embedding model scores: every body paragraph of every
    ``corpus/*/*.txt`` (title line skipped) split after ``.``, ``!`` or ``?`` before a capital or a
    quote; 4 to 80 words; first occurrence of each. Sorted paths: deterministic."""
    out, seen = [], set()
    for path in sorted(Path(corpus).glob("*/*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for para in (ln.strip() for ln in lines[1:]):
            for s in _SPLIT.split(para) if para else ():
                s = s.strip()
                norm = " ".join(s.split()).lower()
                if 4 <= len(s.split()) <= 80 and norm not in seen:
                    seen.add(norm)
                    out.append(s)
    return out


def folds_fingerprint(ids: Sequence[str], folds: np.ndarray) -> str:
    """A hash of which sentence is in which CV fold (so per-fold labels match their folds)."""
    text = "\n".join(f"{i}\t{int(f)}" for i, f in zip(ids, folds, strict=True))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Distil:
    """Teacher-scored unrated sentences: ``texts`` with their ``base`` scores, the teacher's
    ``final`` scores (trained on every editorial) and ``by_fold[k]`` (trained without fold k)."""

    texts: list[str]
    base: pd.DataFrame
    final: np.ndarray
    by_fold: np.ndarray
    fingerprint: str

    def for_fold(self, k: int | None):
        """``(texts, targets, base)`` for :func:`fit_model`: fold ``k``'s teacher, or the final
        one when ``k`` is None."""
        y = self.final if k is None else self.by_fold[k]
        return self.texts, y, self.base


def load_distil(path: Path = DISTIL_FILE, corpus: Path = CORPUS) -> Distil | None:
    """The distillation set, or None when the labels file or the corpus is absent. Sentences of
    the corpus whose hash is not in the file (a changed corpus) are left out."""
    from .calibrated import base_scores
    from .evaluate import text_key

    if not Path(path).is_file() or not Path(corpus).is_dir():
        return None
    with np.load(path, allow_pickle=False) as z:
        if str(z["format"]) != DISTIL_FORMAT:
            raise ArticleError(Path(path), f"not a {DISTIL_FORMAT} file")
        keys = z["key"].tolist()
        final = z["final"].astype("float64")
        by_fold = z["by_fold"].astype("float64")
        fingerprint = str(z["fingerprint"])
    row = {k: i for i, k in enumerate(keys)}
    texts, idx = [], []
    for s in distil_sentences(corpus):
        i = row.get(text_key(s))
        if i is not None:
            texts.append(s)
            idx.append(i)
    if not texts:
        return None
    idx = np.asarray(idx)
    return Distil(texts, base_scores(texts), final[idx], by_fold[:, idx], fingerprint)


def _design(texts: Sequence[str], z: np.ndarray, vec=None):
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if vec is None:
        vec = TfidfVectorizer(**TFIDF).fit(texts)
    return vec, sparse.hstack([sparse.csr_matrix(z), vec.transform(texts)]).tocsr()


def _standardise(feats: np.ndarray):
    mu = feats.mean(axis=0)
    sd = feats.std(axis=0, ddof=0)
    sd[sd == 0] = 1.0
    return mu, sd


def _ridge(x, y, alpha, weight):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=alpha).fit(x, y, sample_weight=weight)


def _stack(part: np.ndarray, extra, w: float):
    """Rows of the rated part (weight ``w``) then the teacher-scored extra rows (weight 1)."""
    if extra is None:
        return None
    return np.concatenate([np.full(len(part), w), np.ones(len(extra[1]))])


def _grid(extra) -> list[tuple[float, float]]:
    if extra is None:
        return [(a, 1.0) for a in ALPHAS]
    return [(a, w) for a in DISTIL_ALPHAS for w in DISTIL_WEIGHTS]


def _union(texts, y, feats, idx, extra):
    """Training rows: rated rows ``idx`` plus, when given, the extra (distillation) rows."""
    t = [texts[i] for i in idx]
    if extra is None:
        return t, y[idx], feats[idx]
    et, ey, ef = extra
    return t + et, np.concatenate([y[idx], ey]), np.vstack([feats[idx], ef])


def choose(
    texts: list[str], y: np.ndarray, feats: np.ndarray, groups: np.ndarray, extra=None
) -> tuple[float, float]:
    """``(alpha, w)``: penalty and rated-row weight with the best pooled out-of-fold Pearson r on
    the rated sentences, by group CV on ``groups``. The extra rows, if any, are always in the
    training part (they are never scored: they have no human rating)."""
    from .evaluate import group_folds, pearson

    folds = group_folds(groups, INNER_FOLDS)
    grid = _grid(extra)
    oof = np.empty((len(grid), len(y)))
    for f in np.unique(folds):
        tr, te = np.flatnonzero(folds != f), np.flatnonzero(folds == f)
        t, yy, ff = _union(texts, y, feats, tr, extra)
        mu, sd = _standardise(ff)
        vec, x = _design(t, (ff - mu) / sd)
        _, xt = _design([texts[i] for i in te], (feats[te] - mu) / sd, vec)
        for g, (alpha, w) in enumerate(grid):
            oof[g, te] = _ridge(x, yy, alpha, _stack(tr, extra, w)).predict(xt)
    best, best_r = grid[0], -np.inf
    for g, pair in enumerate(grid):
        r = pearson(y, oof[g])
        if r > best_r + 1e-12:
            best, best_r = pair, r
    return best


def choose_alpha(texts: list[str], y: np.ndarray, feats: pd.DataFrame, groups: np.ndarray) -> float:
    """The penalty from :data:`ALPHAS` with the best pooled out-of-fold Pearson r, by group CV
    (editorials alone)."""
    return choose(texts, y, np.asarray(feats, dtype="float64"), groups)[0]


def fit_model(
    texts: Sequence[str],
    ratings: Sequence[float],
    base: pd.DataFrame | None = None,
    groups: Sequence[str] | None = None,
    alpha: float | None = None,
    extra: tuple[Sequence[str], Sequence[float], pd.DataFrame | None] | None = None,
    weight: float | None = None,
) -> dict:
    """Fit the tone model; returns the artefact as a dict (what ``tone_model.json`` holds).

    ``ratings`` are mean human ratings in [-4, 4]; the model predicts ``rating / 4``. ``extra``,
    optional, is ``(texts, targets, base)`` of unrated sentences with a teacher's score (already
    on the tone scale) as target: see :class:`Distil`. The penalty (and with ``extra`` the weight
    of a rated sentence) is ``alpha`` (``weight``) if given, else chosen by inner group CV on
    ``groups`` (article ids; each text its own group when absent).
    """
    texts = [str(t) for t in texts]
    y = np.asarray(ratings, dtype="float64") / 4.0
    feats = features(texts, base)[FEATURE_COLUMNS].to_numpy(dtype="float64")
    ex = None
    if extra is not None:
        et = [str(t) for t in extra[0]]
        ef = features(et, extra[2])[FEATURE_COLUMNS].to_numpy(dtype="float64")
        ex = (et, np.asarray(extra[1], dtype="float64"), ef)
    if alpha is None or (ex is not None and weight is None):
        g = np.asarray(groups) if groups is not None else np.arange(len(texts)).astype(str)
        a, w = choose(texts, y, feats, g, ex)
        alpha = a if alpha is None else alpha
        weight = w if weight is None else weight
    weight = 1.0 if weight is None else float(weight)
    t, yy, ff = _union(texts, y, feats, np.arange(len(texts)), ex)
    mu, sd = _standardise(ff)
    vec, x = _design(t, (ff - mu) / sd)
    ridge = _ridge(x, yy, alpha, _stack(np.arange(len(texts)), ex, weight))
    k = len(FEATURE_COLUMNS)
    coef = ridge.coef_
    vocab = vec.get_feature_names_out().tolist()
    return {
        "format": MODEL_FORMAT,
        "version": 2,
        "target": "mean human rating / 4 (VADER study, ICWSM 2014), clipped to [-1, 1]",
        "estimator": "scikit-learn Ridge on standardised named features + TF-IDF words"
        + ("; distilled: plus unrated sentences scored by tone_embed" if ex else ""),
        "alpha": float(alpha),
        "rated_weight": weight,
        "seed": SEED,
        "n_train": len(texts),
        "n_distil": 0 if ex is None else len(ex[0]),
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


def train(
    validation: Path,
    out: Path = MODEL_FILE,
    evaluation: Path = EVALUATION,
    distil: Path = DISTIL_FILE,
    corpus: Path = CORPUS,
) -> pd.DataFrame:
    """Fit on the dev file (plus the distillation set when present), write the artefact and the
    evaluation tables; return the table."""
    from .calibrated import base_scores, load_model
    from .evaluate import evaluate, read_ground_truth, text_key
    from .io import write_csv_atomic, write_json_atomic

    data = validation / DEV_FILE
    gt = read_ground_truth(data)
    texts = gt["text"].astype(str).tolist()
    base = base_scores(texts)
    dist = load_distil(distil, corpus)
    model = _round_model(
        fit_model(
            texts,
            gt["rating"].to_numpy(),
            base,
            groups=gt["article"].to_numpy(),
            extra=None if dist is None else dist.for_fold(None),
        )
    )
    model["trained_on"] = DEV_FILE
    model["training_text_keys"] = sorted({text_key(t) for t in texts})
    write_json_atomic(out, model)
    load_model.cache_clear()
    table, preds = evaluate(data, in_sample=True, return_predictions=True, model=model, distil=dist)
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
