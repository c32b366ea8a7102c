"""How far the tone scores agree with human judgement.

Ground truth is the format of the VADER study (Hutto & Gilbert, ICWSM 2014): one sentence a line,
``id <TAB> mean rating in [-4, 4] <TAB> text``; LF or CRLF; an optional UTF-8 BOM. Ids of the
editorial file are ``article_sentence``; the article id (the part before ``_``) groups sentences
so that one editorial is never split between training and testing.

Every scorer is compared with ``rating / 4`` (so both lie in [-1, 1]) on:

* ``pearson_r`` and ``spearman_rho``, pooled over all sentences;
* ``macro_f1``: 3 classes, neutral when ``|rating / 4| < 0.05`` (the study's convention) and, for a
  scorer, positive at ``>= 0.05`` and negative at ``<= -0.05``; the unweighted mean of the 3 F1s;
* ``share_zero``: the share of sentences the scorer puts at exactly 0.0 (no opinion words found);
* ``r_fold_mean`` and ``r_fold_sd``: Pearson r within each of the group folds, so that a scorer
  that never sees training data can be compared fold for fold with one that does.

The calibrated ``tone`` was trained on the editorial dev file. On sentences it was trained on its
fit is optimistic, so :func:`evaluate` retrains it fold by fold (group k-fold by article) and
reports the out-of-fold figure, labelled ``group CV``; the in-sample figure is shown only as a
labelled extra row. On a file it has never seen, the committed model is scored as it is.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ArticleError

N_FOLDS = 10
"""Group k-fold on the article id: 10 folds of about 23 editorials each."""
NEUTRAL_BAND = 0.05
"""|score| below this is neutral, for both the human mean (rating/4) and every scorer."""

TABLE_COLUMNS = [
    "scorer",
    "evaluation",
    "n",
    "pearson_r",
    "spearman_rho",
    "macro_f1",
    "share_zero",
    "r_fold_mean",
    "r_fold_sd",
]


# --------------------------------------------------------------------------- reading
def read_ground_truth(path: str | Path) -> pd.DataFrame:
    """Read an ICWSM-2014 ground-truth file into ``id, article, rating, text``.

    ``rating`` is the mean human rating in [-4, 4] as in the file; ``article`` is the part of the id
    before the first ``_`` (the id itself when there is none). Blank lines are skipped.
    Raises :class:`~article_tone.errors.ArticleError` naming the file and line when it cannot be
    read: missing, not UTF-8, a line without two tabs, a rating that is not a number in [-4, 4],
    or no sentences at all.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path, exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(path, f"not UTF-8 text (byte {exc.start})") from None
    ids, ratings, texts = [], [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            raise ArticleError(path, f"line {lineno}: expected id<TAB>rating<TAB>text")
        sid, rating, sentence = parts[0].strip(), parts[1].strip(), parts[2].strip()
        try:
            value = float(rating)
        except ValueError:
            raise ArticleError(
                path, f"line {lineno}: rating {rating[:20]!r} is not a number"
            ) from None
        if not np.isfinite(value) or not -4.0 <= value <= 4.0:
            raise ArticleError(path, f"line {lineno}: rating {rating} is outside [-4, 4]")
        if not sid:
            raise ArticleError(path, f"line {lineno}: empty id")
        ids.append(sid)
        ratings.append(value)
        texts.append(sentence)
    if not ids:
        raise ArticleError(path, "no sentences (expected id<TAB>rating<TAB>text lines)")
    ids_s = pd.Series(ids, dtype="string")
    return pd.DataFrame(
        {
            "id": ids_s,
            "article": ids_s.str.split("_", n=1).str[0],
            "rating": np.asarray(ratings, dtype="float64"),
            "text": pd.Series(texts, dtype="string"),
        }
    )


def text_key(text: str) -> str:
    """A short hash of a sentence (whitespace-collapsed, lower case): lets the model record what it
    was trained on without storing any text."""
    norm = " ".join(str(text).split()).lower()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- metrics
def pearson(y: Sequence[float], s: Sequence[float]) -> float:
    """Pearson r; NaN when either side is constant."""
    y, s = np.asarray(y, float), np.asarray(s, float)
    if len(y) < 2 or np.std(y) == 0 or np.std(s) == 0:
        return float("nan")
    return float(np.corrcoef(y, s)[0, 1])


def spearman(y: Sequence[float], s: Sequence[float]) -> float:
    """Spearman rho (Pearson r of average ranks)."""
    from scipy.stats import rankdata

    return pearson(rankdata(y), rankdata(s))


def three_class(values: Sequence[float], band: float = NEUTRAL_BAND) -> np.ndarray:
    """-1, 0, +1: negative at <= -band, positive at >= band, neutral in between."""
    v = np.asarray(values, float)
    return np.where(v >= band, 1, np.where(v <= -band, -1, 0))


def macro_f1(human: Sequence[float], scores: Sequence[float], band: float = NEUTRAL_BAND) -> float:
    """Unweighted mean F1 over the three classes; ``human`` and ``scores`` both on [-1, 1].

    The human class is neutral when ``|human| < band`` (strictly), positive/negative otherwise.
    """
    h = np.asarray(human, float)
    hc = np.where(np.abs(h) < band, 0, np.sign(h)).astype(int)
    sc = three_class(scores, band)
    f1s = []
    for c in (-1, 0, 1):
        tp = np.sum((sc == c) & (hc == c))
        fp = np.sum((sc == c) & (hc != c))
        fn = np.sum((sc != c) & (hc == c))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def share_zero(scores: Sequence[float]) -> float:
    """Share of scores exactly 0.0."""
    s = np.asarray(scores, float)
    return float(np.mean(s == 0.0)) if len(s) else float("nan")


def group_folds(groups: Sequence[str], n_folds: int = N_FOLDS) -> np.ndarray:
    """Fold number (0..k-1) of each row; all rows of one group share a fold.

    Deterministic: scikit-learn's GroupKFold (which balances fold sizes; no randomness).
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    k = min(n_folds, len(np.unique(groups)))
    if k < 2:
        raise ValueError("group CV needs at least two groups (articles)")
    fold = np.empty(len(groups), dtype=int)
    for i, (_, test) in enumerate(GroupKFold(n_splits=k).split(groups, groups=groups)):
        fold[test] = i
    return fold


def score_row(
    scorer: str, evaluation: str, human: np.ndarray, scores: np.ndarray, folds: np.ndarray | None
) -> dict:
    """One row of the evaluation table (``human`` is rating / 4)."""
    row = {
        "scorer": scorer,
        "evaluation": evaluation,
        "n": int(len(human)),
        "pearson_r": pearson(human, scores),
        "spearman_rho": spearman(human, scores),
        "macro_f1": macro_f1(human, scores),
        "share_zero": share_zero(scores),
        "r_fold_mean": float("nan"),
        "r_fold_sd": float("nan"),
    }
    if folds is not None:
        rs = [pearson(human[folds == f], scores[folds == f]) for f in np.unique(folds)]
        row["r_fold_mean"] = float(np.nanmean(rs))
        row["r_fold_sd"] = float(np.nanstd(rs, ddof=1)) if len(rs) > 1 else float("nan")
    return row


# --------------------------------------------------------------------------- scorers
def lexicon_scores(texts: Sequence[str]) -> pd.DataFrame:
    """TextBlob and VADER scores of every text (the base the calibrated tone builds on)."""
    from .calibrated import base_scores

    return base_scores(list(texts))


def cross_validated_tone(
    gt: pd.DataFrame, base: pd.DataFrame, folds: np.ndarray, distil=None
) -> np.ndarray:
    """Out-of-fold tone: for each fold, train the lean model on the other folds' sentences (same
    recipe as the committed model, hyper-parameters chosen inside the training folds) and predict
    the held-out fold. With ``distil`` (a :class:`~article_tone.train.Distil` whose per-fold
    teacher was trained without that fold) the unrated sentences join each fold's training part."""
    from .calibrated import predict_tone
    from .train import fit_model

    oof = np.empty(len(gt))
    texts = gt["text"].astype(str).tolist()
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        model = fit_model(
            [t for t, m in zip(texts, tr, strict=True) if m],
            gt["rating"].to_numpy()[tr],
            base.loc[tr].reset_index(drop=True),
            groups=gt["article"].to_numpy()[tr],
            extra=None if distil is None else distil.for_fold(int(f)),
        )
        oof[te] = predict_tone(
            [t for t, m in zip(texts, te, strict=True) if m],
            base=base.loc[te].reset_index(drop=True),
            model=model,
        )
    return oof


def evaluate(
    path: str | Path,
    n_folds: int = N_FOLDS,
    in_sample: bool = False,
    return_predictions: bool = False,
    model: dict | None = None,
    distil="auto",
):
    """The evaluation table for the ground-truth file at ``path``: one row per scorer.

    Rows: ``textblob_polarity``, ``vader_compound``, ``tone`` and, when the optional embedding
    extra is installed, ``tone_embed``. If at least half of the file's sentences are among those
    the committed ``tone`` model was trained on (the dev file itself), ``tone`` is evaluated by
    group k-fold CV (retrained per fold; labelled ``group CV``); otherwise the committed model is
    scored as is (``committed model``, with the number of sentences it has seen, if any).
    ``model`` defaults to the committed one. ``distil`` (the committed distillation set, when
    its folds match these; ``None`` for none) is added to each fold's training part, as in
    training. ``in_sample=True`` adds the committed model on the
    same file as an extra, labelled row.
    With ``return_predictions`` also returns the per-sentence table (id, article, human, each
    scorer's score; no text).
    """
    from .calibrated import load_model, predict_tone

    gt = read_ground_truth(path)
    human = gt["rating"].to_numpy() / 4.0
    folds = group_folds(gt["article"], n_folds) if gt["article"].nunique() >= 2 else None
    base = lexicon_scores(gt["text"].astype(str).tolist())
    preds = pd.DataFrame({"id": gt["id"], "article": gt["article"], "human": human})
    rows = [
        score_row(
            "textblob_polarity", "lexicon, no training", human, base["polarity"].to_numpy(), folds
        ),
        score_row(
            "vader_compound",
            "lexicon, no training",
            human,
            base["vader_compound"].to_numpy(),
            folds,
        ),
    ]
    preds["textblob_polarity"] = base["polarity"].to_numpy()
    preds["vader_compound"] = base["vader_compound"].to_numpy()

    model = load_model() if model is None else model
    trained_on = set(model.get("training_text_keys", []))
    seen = int(sum(text_key(t) in trained_on for t in gt["text"].astype(str)))
    use_cv = seen >= 0.5 * len(gt) and folds is not None
    texts = gt["text"].astype(str).tolist()
    if use_cv:
        dist = _distil_for(gt, folds) if isinstance(distil, str) else distil
        if dist is not None and dist.fingerprint != _fingerprint(gt, folds):
            dist = None  # per-fold teachers were trained on other folds: would leak
        tone = cross_validated_tone(gt, base, folds, dist)
        label = f"{len(np.unique(folds))}-fold group CV" + ("" if dist else ", not distilled")
        rows.append(score_row("tone", label, human, tone, folds))
    else:
        tone = predict_tone(texts, base=base, model=model)
        label = "committed model" + (f"; {seen} sentences seen in training" if seen else "")
        rows.append(score_row("tone", label, human, tone, folds))
    preds["tone"] = tone
    if in_sample:
        rows.append(
            score_row(
                "tone",
                "in-sample (optimistic)",
                human,
                predict_tone(texts, base=base, model=model),
                folds,
            )
        )

    embed = _embed_module()
    if embed is not None:
        try:
            if use_cv:
                emb = embed.cross_validated(
                    texts, gt["rating"].to_numpy(), base, folds, gt["article"].to_numpy()
                )
                label = f"{len(np.unique(folds))}-fold group CV"
            else:
                emb = embed.predict_tone_embed(texts, base=base)
                label = "committed model"
            rows.append(score_row("tone_embed", label + " (optional extra)", human, emb, folds))
            preds["tone_embed"] = emb
        except embed.EmbedUnavailable:
            pass
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    return (table, preds) if return_predictions else table


def _fingerprint(gt: pd.DataFrame, folds: np.ndarray) -> str:
    from .train import folds_fingerprint

    return folds_fingerprint(gt["id"].astype(str).tolist(), folds)


def _distil_for(gt: pd.DataFrame, folds: np.ndarray):
    """The committed distillation set when its per-fold teachers match these folds, else None."""
    from .train import load_distil

    try:
        dist = load_distil()
    except (ArticleError, OSError, KeyError, ValueError):
        return None
    return dist if dist is not None and dist.fingerprint == _fingerprint(gt, folds) else None


def _embed_module():
    """The optional embedding extra, or None when it (or PyTorch) is not installed."""
    try:
        from . import embed
    except ImportError:
        return None
    return embed if embed.available() else None


def format_table(df: pd.DataFrame) -> str:
    """The evaluation table as aligned plain text (3 decimals; share_zero as a percentage)."""
    out = df.copy()
    for col in ["pearson_r", "spearman_rho", "macro_f1", "r_fold_mean", "r_fold_sd"]:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    out["share_zero"] = out["share_zero"].map(lambda v: f"{100 * v:.1f}%")
    out = out.rename(
        columns={
            "pearson_r": "r",
            "spearman_rho": "rho",
            "macro_f1": "F1(3)",
            "share_zero": "zeros",
            "r_fold_mean": "r/fold",
            "r_fold_sd": "sd",
        }
    )
    return out.to_string(index=False)


def cli(data_path: str | Path) -> int:
    """``python -m article_tone evaluate --data FILE``: print the table; 0, or 2 on bad input."""
    try:
        table = evaluate(data_path)
    except ArticleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    n = int(table["n"].iloc[0])
    print(
        f"{Path(data_path).name}: {n} sentences; human = mean rating / 4; "
        f"neutral when |score| < {NEUTRAL_BAND}"
    )
    print(format_table(table))
    return 0


# --------------------------------------------------------------------------- for notebook 05
HUMAN_RATER_R = 0.745
"""Pearson r of a single human rater against the mean of the others on the editorial sentences,
as published by the VADER study (Hutto & Gilbert, ICWSM 2014). A reference, not measured here."""

SCORER_KEYS = {"textblob_polarity": "polarity", "vader_compound": "vader_compound", "tone": "tone"}
"""Evaluation-table scorer names -> the score column names used everywhere else."""


def headline(table: pd.DataFrame) -> pd.Series:
    """Out-of-fold (or no-training) Pearson r per scorer: no in-sample rows."""
    honest = table[~table["evaluation"].str.contains("in-sample")]
    return honest.drop_duplicates("scorer").set_index("scorer")["pearson_r"]


def topic_ranking(topic_tone: pd.DataFrame, level: str = "sentence") -> pd.DataFrame:
    """Mean tone per topic (rows) and scorer (columns) at one level, with each scorer's rank of the
    topics (1 = most positive) as ``rank_<scorer>`` columns; topics ordered by calibrated tone
    when present."""
    sub = topic_tone[topic_tone["level"] == level]
    wide = sub.pivot_table(index="topic", columns="scorer", values="mean", aggfunc="first")
    wide = wide[[c for c in ["polarity", "vader_compound", "tone"] if c in wide.columns]]
    if wide.empty:  # no topic mentioned at this level: an empty table with the usual columns
        cols = ["polarity", "vader_compound", "tone"]
        return pd.DataFrame(
            columns=cols + [f"rank_{c}" for c in cols], index=pd.Index([], name="topic")
        )
    ranks = wide.rank(ascending=False, method="min").astype("Int64").add_prefix("rank_")
    out = wide.join(ranks)
    key = "tone" if "tone" in wide.columns else wide.columns[0]
    return out.sort_values(key, ascending=False, kind="stable")


def ranking_agreement(ranking: pd.DataFrame) -> pd.DataFrame:
    """Spearman rho between the scorers' orderings of the topics (pairs of scorers, one row each),
    and how many topics change sign between the two."""
    scorers = [c for c in ["polarity", "vader_compound", "tone"] if c in ranking.columns]
    rows = []
    for i, a in enumerate(scorers):
        for b in scorers[i + 1 :]:
            both = ranking[[a, b]].dropna()
            flips = int((np.sign(both[a]) != np.sign(both[b])).sum())
            rows.append(
                {
                    "scorer_a": a,
                    "scorer_b": b,
                    "n_topics": len(both),
                    "spearman_rho": spearman(both[a], both[b]) if len(both) > 2 else np.nan,
                    "sign_flips": flips,
                }
            )
    return pd.DataFrame(rows)


def describe_ranking_agreement(agreement: pd.DataFrame) -> str:
    """Markdown: for each pair of scorers, how alike their orderings of the topics are (Spearman
    rho) and how many topics change sign; says so when there are too few topics to compare."""
    from .plots.style import SCORER_LABELS

    if not len(agreement):
        return "Only one scorer is present, so there is no second ordering to compare with."
    n = int(agreement["n_topics"].max())
    if n == 0:
        return "No topic of the lexicon is mentioned, so there is no ordering of topics to compare."
    lines = []
    for row in agreement.itertuples(index=False):
        a = SCORER_LABELS.get(row.scorer_a, row.scorer_a)
        b = SCORER_LABELS.get(row.scorer_b, row.scorer_b)
        topics = f"{row.n_topics} topic{'s' if row.n_topics != 1 else ''}"
        order = (
            f"topic order rho = {row.spearman_rho:.2f}"
            if row.spearman_rho == row.spearman_rho
            else f"only {topics}, too few to compare an order"
        )
        lines.append(
            f"- {a} vs {b}: {order}; {row.sign_flips} of {topics} change sign."
        )
    return "\n".join(lines)


def failure_cases(sentences: Sequence[str]) -> pd.DataFrame:
    """TextBlob polarity, VADER compound and calibrated tone of each sentence, side by side."""
    from .calibrated import base_scores, predict_tone

    base = base_scores(list(sentences))
    return pd.DataFrame(
        {
            "sentence": list(sentences),
            "polarity": base["polarity"].round(3),
            "vader_compound": base["vader_compound"].round(3),
            "tone": np.round(predict_tone(list(sentences), base=base), 3),
        }
    )
