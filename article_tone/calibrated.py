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
import math
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
    "x_negated_sum",
    "x_negated_mean",
    "x_negation_shift",
    "x_after_contrast",
    "contrast",
    "n_words",
    "log_words",
    "modals",
    "hedges",
    "question",
    "exclamation",
    "quote",
    "digits",
    "capitalised",
]
"""Cheap word-level features computed here from the tokens (see :meth:`_WordRows.row`)."""
FEATURE_COLUMNS = BASE_COLUMNS + WORD_COLUMNS

WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")
"""Tokens for the word features: lower-case letters with an optional apostrophe part (don't)."""
NEGATIONS = frozenset("not no never nothing nobody none neither nor nowhere without cannot".split())
NEGATION_SCOPE = 3
"""A word is negated when a negation is among the 3 words before it ("isn't a bad idea")."""
NEGATED_FACTOR = -0.74
"""VADER's factor for a negated valence."""
CONTRASTS = frozenset("but however yet although though nevertheless nonetheless still".split())
MODALS = frozenset("should must ought need needs".split())
HEDGES = frozenset(
    "may might could would perhaps possibly likely unlikely seems seem appears probably".split()
)
CAPITALISED_RE = re.compile(r"\b[A-Z][a-z]+")
DIGIT_RE = re.compile(r"\d")
_CHUNKABLE_PATTERNS = frozenset({r"(?u)\b[a-zA-Z][a-zA-Z']+\b", r"(?u)\b\w\w+\b"})
"""TF-IDF token patterns (the model's, scikit-learn's default) whose tokens of a text are exactly
those of its whitespace-separated chunks (see :class:`_Tfidf`)."""


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


_NEGATION, _CONTRAST, _MODAL, _HEDGE = 1, 2, 4, 8  # bits of a token's kind (see _WordRows)
_CHUNK_CACHE_MAX = 200_000
"""Most whitespace-separated chunks a tokenizing cache keeps (new chunks are then analysed each
time, with the same result)."""


class _WordRows:
    """:data:`WORD_COLUMNS` of texts, from the VADER lexicon ``vlex`` and the expanded lexicon
    ``xlex`` (pure Python: no per-call overhead).

    The word regex, the lexicon look-ups and the digit and capital counts are done once per
    whitespace-separated chunk and cached: no pattern here can match across whitespace, and
    whitespace, like the start or end of a string, is a non-word character for ``\\b``, so a
    text's tokens and counts are those of its chunks, in order. Only the features that depend on
    a token's neighbours (negation scope, the last contrast) are computed per text.
    """

    def __init__(self, vlex: dict, xlex: dict):
        self.vlex, self.xlex = vlex, xlex
        self._tokens: dict[str, tuple] = {}  # word -> (VADER valence, expanded valence, kind)
        self._chunks: dict[str, tuple] = {}  # chunk -> (token infos, digits, capitalised)

    def _token(self, w: str) -> tuple:
        info = self._tokens.get(w)
        if info is None:
            kind = _NEGATION if w in NEGATIONS or w.endswith("n't") else 0
            if w in CONTRASTS:
                kind |= _CONTRAST
            if w in MODALS:
                kind |= _MODAL
            elif w in HEDGES:
                kind |= _HEDGE
            info = self._tokens[w] = (self.vlex.get(w, 0.0), self.xlex.get(w), kind)
        return info

    def _chunk(self, chunk: str) -> tuple:
        """Token infos, digits and capitalised words of a chunk not yet cached (then cached)."""
        entry = (
            tuple(self._token(w) for w in WORD_RE.findall(chunk.lower())),
            len(DIGIT_RE.findall(chunk)),
            len(CAPITALISED_RE.findall(chunk)),
        )
        if len(self._chunks) < _CHUNK_CACHE_MAX:
            self._chunks[chunk] = entry
        return entry

    def row(self, text: str) -> tuple[float, ...]:
        """:data:`WORD_COLUMNS` of one text, in order.

        ``x_*`` use the expanded lexicon; ``x_negated_*`` flip (x -0.74) the valence of a word
        within 3 words after a negation, ``x_negation_shift`` is what that flipping changed;
        ``x_after_contrast`` is the mean valence after the last *but/however/yet/although...*
        (the whole sentence when there is none) and ``contrast`` says whether there is one;
        ``modals`` and ``hedges`` are shares of words; ``digits`` a share of characters;
        ``capitalised`` capitalised words per word (names).
        """
        return self.row_of(text, *self.parts(text))

    def parts(self, text: str) -> tuple[list[tuple], int, int]:
        """The token infos, digits and capitalised words of ``text``, chunk by chunk: those
        of a text made of other texts' chunks are theirs, joined (:meth:`joined_parts`)."""
        toks: list[tuple] = []
        digits = capitalised = 0
        cached = self._chunks.get
        for chunk in text.split():
            infos, d, c = cached(chunk) or self._chunk(chunk)
            toks += infos
            digits += d
            capitalised += c
        return toks, digits, capitalised

    @staticmethod
    def joined_parts(parts: Sequence[tuple[list[tuple], int, int]]) -> tuple[list, int, int]:
        """:meth:`parts` of a text whose chunks are those of texts with ``parts``, in order."""
        toks: list[tuple] = []
        for p in parts:
            toks += p[0]
        return toks, sum(p[1] for p in parts), sum(p[2] for p in parts)

    def row_of(self, text: str, toks: list[tuple], digits: int, capitalised: int) -> tuple:
        """:meth:`row` from the :meth:`parts` of ``text``."""
        n = max(len(toks), 1)
        cov = neg = 0
        lpos = lneg = 0.0
        xs = []
        negated = []
        modals = hedges = 0
        last_neg = -NEGATION_SCOPE - 1
        last_contrast = -1
        for i, (v, x, kind) in enumerate(toks):
            if v:
                cov += 1
                if v > 0:
                    lpos += v
                else:
                    lneg += v
            if x is not None:
                xs.append(x)
                negated.append(NEGATED_FACTOR * x if i - last_neg <= NEGATION_SCOPE else x)
            if kind:
                if kind & _NEGATION:
                    neg += 1
                    last_neg = i
                if kind & _CONTRAST:
                    last_contrast = i
                if kind & _MODAL:
                    modals += 1
                elif kind & _HEDGE:
                    hedges += 1
        if last_contrast < 0:
            xa = xs or [0.0]
        else:
            xa = [x for _, x, _ in toks[last_contrast + 1 :] if x is not None] or [0.0]
        xsum = math.fsum(xs)
        nsum = math.fsum(negated)
        if not xs:
            xs = [0.0]
        xpos = [v for v in xs if v > 0]
        xneg = [v for v in xs if v < 0]
        return (
            cov / n,
            neg,
            lpos / n,
            lneg / n,
            math.fsum(xs) / len(xs),
            xsum,
            min(xs),
            max(xs),
            math.fsum(xpos),
            math.fsum(xneg),
            nsum,
            nsum / n,
            nsum - xsum,
            math.fsum(xa) / len(xa),
            float(last_contrast >= 0),
            float(len(toks)),
            math.log1p(len(toks)),
            modals / n,
            hedges / n,
            float("?" in text),
            float("!" in text),
            float('"' in text or "\u201c" in text),
            digits / max(len(text), 1),
            capitalised / n,
        )


_WORD_ROWS: list[_WordRows] = []


def _word_rows() -> _WordRows:
    """The :class:`_WordRows` of the current lexicons (rebuilt when either is reloaded)."""
    vlex, xlex = _vader().lexicon, load_lexicon()
    if not (_WORD_ROWS and _WORD_ROWS[0].vlex is vlex and _WORD_ROWS[0].xlex is xlex):
        _WORD_ROWS[:] = [_WordRows(vlex, xlex)]
    return _WORD_ROWS[0]


def clear_text_caches() -> None:
    """Forget what the per-chunk caches learnt from texts seen so far (word features, TF-IDF
    columns). Results do not change; only the next texts are slower. For cold-start timings."""
    for rows in _WORD_ROWS:
        rows._tokens.clear()
        rows._chunks.clear()
    for _, compiled in _COMPILED:
        if compiled.tfidf is not None and compiled.tfidf._chunks is not None:
            compiled.tfidf._chunks.clear()
    for parts in _CHUNK_PARTS:
        parts._chunks.clear()


def _word_matrix(texts: Sequence[str]) -> np.ndarray:
    row = _word_rows().row
    out = np.array([row(t) for t in texts], dtype="float64")
    return out.reshape(len(texts), len(WORD_COLUMNS))


def word_features(texts: Sequence[str]) -> pd.DataFrame:
    """The word-level features (:data:`WORD_COLUMNS`) of each text."""
    return pd.DataFrame(_word_matrix([str(t) for t in texts]), columns=WORD_COLUMNS)


def features(texts: Sequence[str], base: pd.DataFrame | None = None) -> pd.DataFrame:
    """All named features (:data:`FEATURE_COLUMNS`) of each text."""
    texts = [str(t) for t in texts]
    return pd.concat([_complete_base(texts, base), word_features(texts)], axis=1)


def tfidf_matrix(texts: Sequence[str], tfidf: dict):
    """Sublinear TF-IDF (1 + log tf) x idf, rows L2-normalised: scikit-learn's TfidfVectorizer
    with ``sublinear_tf=True``, rebuilt from the stored vocabulary and idf."""
    from scipy import sparse

    c = _Tfidf(tfidf)
    indptr, indices, data = [0], [], []
    for t in texts:
        cols, vals = c.row(str(t))
        indices.extend(cols)
        data.extend(vals)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype="float64"), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(texts), len(c.idf)),
    )


# --------------------------------------------------------------------------- predicting
class _Tfidf:
    """The stored TF-IDF spec, ready to use: a compiled token regex and a word -> column dict.

    For the token patterns in :data:`_CHUNKABLE_PATTERNS` (no match can hold whitespace, and
    their only look-around is ``\\b``, for which whitespace and a string's ends are alike), a
    text's tokens are those of its whitespace-separated chunks, in order: each chunk is
    tokenized and looked up once and its columns cached. Other patterns see the whole text."""

    def __init__(self, t: dict):
        flags = 0 if "(?u)" in t["token_pattern"] else re.UNICODE
        self.token_re = re.compile(t["token_pattern"], flags)
        self.lowercase = bool(t["lowercase"])
        self.index = {w: j for j, w in enumerate(t["vocabulary"])}
        self.idf = [float(v) for v in t["idf"]]
        self.weights = [float(v) for v in t.get("weights", [0.0] * len(self.idf))]
        self._chunks: dict[str, tuple[int, ...]] | None = (
            {} if t["token_pattern"] in _CHUNKABLE_PATTERNS else None
        )

    def _columns(self, text: str) -> tuple[int, ...]:
        """The vocabulary column of each token of ``text`` that is in the vocabulary, in order."""
        index = self.index
        if self.lowercase:
            text = text.lower()
        return tuple(j for j in map(index.get, self.token_re.findall(text)) if j is not None)

    def counts(self, text: str) -> dict[int, int]:
        """How often each vocabulary column occurs in ``text`` (columns in order of appearance)."""
        counts: dict[int, int] = {}
        cache = self._chunks
        if cache is None:
            for j in self._columns(text):
                counts[j] = counts.get(j, 0) + 1
            return counts
        for chunk in text.split():
            cols = cache.get(chunk)
            if cols is None:
                cols = self._columns(chunk)
                if len(cache) < _CHUNK_CACHE_MAX:
                    cache[chunk] = cols
            for j in cols:
                counts[j] = counts.get(j, 0) + 1
        return counts

    def row(self, text: str) -> tuple[list[int], list[float]]:
        """Column indices (ascending) and L2-normalised sublinear TF-IDF values of one text."""
        counts = self.counts(text)
        if not counts:
            return [], []
        cols = sorted(counts)
        vals = [(1.0 + math.log(counts[j])) * self.idf[j] for j in cols]
        norm = math.sqrt(math.fsum(v * v for v in vals))
        return cols, [v / norm for v in vals] if norm > 0 else vals

    @staticmethod
    def joined_counts(counts: Sequence[dict[int, int]]) -> dict[int, int]:
        """:meth:`counts` of a text whose chunks are those of texts with ``counts``, in order
        (for a chunkable token pattern; the order of the columns does not matter to
        :meth:`dot`)."""
        out = dict(counts[0])
        for c in counts[1:]:
            for j, k in c.items():
                out[j] = out.get(j, 0) + k
        return out

    def dot(self, text: str) -> float:
        """The TF-IDF row of ``text`` times the word weights: the values of :meth:`row`, summed
        exactly (so in any order: no sort needed)."""
        return self.dot_counts(self.counts(text))

    def dot_counts(self, counts: dict[int, int]) -> float:
        """:meth:`dot` from the :meth:`counts` of a text."""
        if not counts:
            return 0.0
        idf, w = self.idf, self.weights
        # (1 + log 1) x idf is idf itself, exactly: most words occur once in a sentence
        vals = [idf[j] if c == 1 else (1.0 + math.log(c)) * idf[j] for j, c in counts.items()]
        norm = math.sqrt(math.fsum([v * v for v in vals]))
        if norm > 0:
            return math.fsum([v / norm * w[j] for j, v in zip(counts, vals, strict=True)])
        return math.fsum([v * w[j] for j, v in zip(counts, vals, strict=True)])


class _Compiled:
    """A model dict turned into arrays and dicts once, so a call costs microseconds."""

    def __init__(self, model: dict):
        f = model["features"]
        self.names = [d["name"] for d in f]
        self.base_idx = [i for i, n in enumerate(self.names) if n in BASE_COLUMNS]
        self.mu = np.array([d["mean"] for d in f], dtype="float64")
        self.sd = np.array([d["scale"] for d in f], dtype="float64")
        self.w = np.array([d["weight"] for d in f], dtype="float64")
        self.col = [FEATURE_COLUMNS.index(n) for n in self.names]
        self.intercept = float(model["intercept"])
        t = model["tfidf"]
        self.tfidf = _Tfidf(t) if t["vocabulary"] else None


_COMPILED: list[tuple[dict, _Compiled]] = []


def _compiled(model: dict) -> _Compiled:
    """The compiled form of ``model`` (the last few models are kept, matched by identity)."""
    for m, c in _COMPILED:
        if m is model:
            return c
    c = _Compiled(model)
    _COMPILED.insert(0, (model, c))
    del _COMPILED[4:]
    return c


class _ChunkParts:
    """One cache per whitespace-separated chunk for both halves of a prediction: the chunk's
    :class:`_WordRows` token infos, digits and capitals, and its :class:`_Tfidf` columns (a
    chunkable token pattern only). A text then costs one look-up per chunk, not two; each half
    is exactly what its own class computes (the entry is made by their methods)."""

    def __init__(self, rows: _WordRows, tf: _Tfidf):
        self.rows, self.tf = rows, tf
        self._chunks: dict[str, tuple] = {}  # chunk -> (token infos, digits, capitals, columns)

    def _entry(self, chunk: str) -> tuple:
        rows, tf = self.rows, self.tf
        infos, d, c = rows._chunks.get(chunk) or rows._chunk(chunk)
        cols = tf._chunks.get(chunk)
        if cols is None:
            cols = tf._columns(chunk)
        entry = (infos, d, c, cols)
        if len(self._chunks) < _CHUNK_CACHE_MAX:
            self._chunks[chunk] = entry
        return entry

    def parts(self, text: str) -> tuple[list[tuple], int, int, dict[int, int]]:
        """:meth:`_WordRows.parts` of ``text`` and :meth:`_Tfidf.counts`, in one pass."""
        toks: list[tuple] = []
        counts: dict[int, int] = {}
        digits = capitalised = 0
        cached = self._chunks.get
        for chunk in text.split():
            infos, d, c, cols = cached(chunk) or self._entry(chunk)
            toks += infos
            digits += d
            capitalised += c
            for j in cols:
                counts[j] = counts.get(j, 0) + 1
        return toks, digits, capitalised, counts

    def joined(self, parts: Sequence[tuple]) -> tuple[list[tuple], int, int, dict[int, int]]:
        """:meth:`parts` of a text whose chunks are those of texts with ``parts``, in order."""
        toks: list[tuple] = []
        for p in parts:
            toks += p[0]
        counts = _Tfidf.joined_counts([p[3] for p in parts])
        return toks, sum(p[1] for p in parts), sum(p[2] for p in parts), counts


_CHUNK_PARTS: list[_ChunkParts] = []


def _chunk_parts(rows: _WordRows, tf: _Tfidf) -> _ChunkParts:
    """The :class:`_ChunkParts` of these word rows and TF-IDF (rebuilt when either changes)."""
    if not (_CHUNK_PARTS and _CHUNK_PARTS[0].rows is rows and _CHUNK_PARTS[0].tf is tf):
        _CHUNK_PARTS[:] = [_ChunkParts(rows, tf)]
    return _CHUNK_PARTS[0]


def _base_matrix(texts: list[str], base: pd.DataFrame | np.ndarray | None) -> np.ndarray:
    """:data:`BASE_COLUMNS` as a float array, taking what ``base`` has, scoring the rest (an
    array ``base`` holds them all, in order)."""
    if base is not None and len(base) != len(texts):
        raise ValueError(f"base has {len(base)} rows for {len(texts)} texts")
    if isinstance(base, np.ndarray):
        if base.shape != (len(texts), len(BASE_COLUMNS)):
            raise ValueError(f"base array has shape {base.shape}, not (n, {len(BASE_COLUMNS)})")
        return base.astype("float64", copy=False)
    have = {} if base is None else {c: base[c] for c in BASE_COLUMNS if c in base.columns}
    if len(have) < len(BASE_COLUMNS):
        fresh = base_scores(texts)
        for c in BASE_COLUMNS:
            have.setdefault(c, fresh[c])
    out = np.empty((len(texts), len(BASE_COLUMNS)))
    for j, c in enumerate(BASE_COLUMNS):
        out[:, j] = np.asarray(have[c], dtype="float64")
    return out


def _joined(texts: list[str], joins: dict[int, list[int]], single, join) -> list:
    """``single(text)`` of each text, or for a text in ``joins`` the ``join`` of those of the
    texts it is made of (computed first)."""
    out: list = [None] * len(texts)
    for i, t in enumerate(texts):
        if i not in joins:
            out[i] = single(t)
    for i, of in joins.items():
        out[i] = join([out[j] for j in of])
    return out


def _linear(c: _Compiled, feats: np.ndarray) -> np.ndarray:
    """The intercept plus the weighted standardised named features, per row."""
    # Each row summed exactly (fsum), not by a BLAS matrix product: BLAS rounds a row differently
    # by batch size and position, and a text's tone must not depend on what it was scored with.
    terms = ((feats[:, c.col] - c.mu) / c.sd) * c.w
    return c.intercept + np.array([math.fsum(row) for row in terms.tolist()], dtype=float)


def _predict(
    texts: list[str],
    base: pd.DataFrame | np.ndarray | None,
    joins: dict[int, list[int]] | None = None,
    model: dict | None = None,
) -> np.ndarray:
    """:func:`predict_tone` of ``texts`` (a list of str). ``joins`` maps the position of a text
    to the positions of texts (not themselves in ``joins``) whose whitespace-separated chunks,
    in order, are its own: a paragraph and its sentences. Its word features and TF-IDF counts
    are then theirs, joined, which is what they would be (a test checks it).

    With a chunkable TF-IDF token pattern (the committed model's), each text's chunks are
    looked up once for both its word features and its TF-IDF counts (:class:`_ChunkParts`);
    otherwise the TF-IDF tokens are found over the whole text (``joins`` then only serve the
    word features)."""
    if not texts:
        return np.zeros(0)
    model = load_model() if model is None else model
    c = _compiled(model)
    rows, tf = _word_rows(), c.tfidf
    joins = joins or {}
    if tf is not None and tf._chunks is not None:
        cp = _chunk_parts(rows, tf)
        parts = _joined(texts, joins, cp.parts, cp.joined)
        words = [rows.row_of(t, *p[:3]) for t, p in zip(texts, parts, strict=True)]
        dots = [tf.dot_counts(p[3]) for p in parts]
    else:
        parts = _joined(texts, joins, rows.parts, rows.joined_parts)
        words = [rows.row_of(t, *p) for t, p in zip(texts, parts, strict=True)]
        dots = [tf.dot(t) for t in texts] if tf is not None else None
    feats = np.hstack([
        _base_matrix(texts, base),
        np.array(words, dtype="float64").reshape(len(texts), len(WORD_COLUMNS)),
    ])
    raw = _linear(c, feats)
    if dots is not None:
        raw = raw + np.array(dots, dtype="float64")
    return np.clip(raw, -1.0, 1.0)


def predict_tone(
    texts: Sequence[str],
    base: pd.DataFrame | np.ndarray | None = None,
    model: dict | None = None,
) -> np.ndarray:
    """Calibrated tone in [-1, 1] of each text: the predicted mean human rating / 4, clipped.

    ``base``, optional, is a DataFrame aligned with ``texts`` holding :data:`BASE_COLUMNS`
    (``polarity``, ``subjectivity``, ``vader_compound``, ``vader_pos``, ``vader_neg``,
    ``vader_neu``); any that are missing are computed here. It may also be a float array of
    shape ``(len(texts), 6)`` holding those columns in that order. ``model`` defaults to the
    committed one. Deterministic (no hashing of strings decides an order); vectorised over the
    batch; about 0.1 ms a call plus a few microseconds a text once the model is loaded.
    """
    return _predict([str(t) for t in texts], base, model=model)


def explain_tone(text: str, model: dict | None = None) -> pd.DataFrame:
    """What pushed the tone of ``text`` up or down: one row per named feature and per word.

    Columns ``feature``, ``value``, ``weight``, ``contribution``. Named features contribute
    ``weight * (value - training mean)`` (``weight`` per unit of the feature), so a contribution
    is relative to an average training sentence; a word (``word:deficit``) contributes its
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
