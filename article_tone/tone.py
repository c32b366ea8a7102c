"""Aggregation: the tone arc, and the tone toward each topic at three granularities.

Levels of ``topic_tone`` (one value per unit, then a mean with a bootstrap CI):

* ``paragraph``: the score of each body paragraph that mentions the topic;
* ``sentence``: the score of each sentence that mentions it;
* ``mention``: the score of the *local context* of each mention (see :func:`mention_context`),
  so that one sentence listing Iran, Syria and Venezuela gives each its own clause and score.

Scores are TextBlob ``polarity``, VADER ``vader_compound`` and, when present, the calibrated
``tone``, all in [-1, 1] (positive = favourable). CIs are percentile bootstraps of the mean with
:data:`config.BOOTSTRAP_SEED`, so the output is the same on every run.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from . import config
from .sentiment import score_sentences

SCORERS = ("polarity", "vader_compound", "tone")
"""The scores aggregated by topic, when present (subjectivity is not a tone)."""
LEVELS = ("paragraph", "sentence", "mention")
TONE_COLUMNS = ["topic", "level", "scorer", "n", "mean", "ci_low", "ci_high"]
MENTION_FIELDS = ("topic", "para_no", "sent_no", "start", "end", "matched")
POINT_COLUMNS = ["topic", "level", "scorer", "para_no", "sent_no", "start", "end", "text", "score"]
FEW = 5
"""With fewer units than this, a mean and its CI say little: charts and text flag it."""

MIN_CONTENT_WORDS = 3
"""A clause with fewer content words than this ("Venezuela, for its part,") is widened."""
WINDOW_WORDS = 15
"""A context never reaches further than this many words either side of the mention."""

# Clause boundaries inside a sentence: , ; : (with a space after, so "2,000" is one number),
# brackets, and dashes set off by spaces.
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|[()\[\]]|\s[–—-]\s")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def scorers_in(table: pd.DataFrame) -> list[str]:
    """The tone scores present in ``table``, in the canonical order."""
    return [s for s in SCORERS if s in table.columns]


# ------------------------------------------------------------------------------------------
# Mention contexts


def _stopwords() -> frozenset:
    from .terms import english_stop_words

    return english_stop_words()


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]`` (offsets into ``text``), trimmed, punctuation dropped."""
    cuts = [start]
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        cuts += [m.start(), m.end()]
    cuts.append(end)
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        seg = text[a:b]
        a2 = a + len(seg) - len(seg.lstrip())
        b2 = a + len(seg.rstrip())
        if b2 > a2 and _WORD.search(text, a2, b2):
            spans.append((a2, b2))
    return spans


def mention_context(
    text: str,
    sent_start: int,
    sent_end: int,
    start: int,
    end: int,
    min_content: int = MIN_CONTENT_WORDS,
    window: int = WINDOW_WORDS,
) -> tuple[int, int]:
    """The local context of the mention ``text[start:end]`` inside its sentence.

    Definition: the *clause* holding the mention, a clause being the stretch of the sentence
    between commas, semicolons, colons, brackets or spaced dashes, so that a list ("the crisis
    with Iran..., the ongoing conflict in Syria, the rolling regime change operation against
    Venezuela") gives each item the words that describe it.

    * Too short: a clause with fewer than ``min_content`` content words (stop words aside,
      the mention included) says nothing about it ("Venezuela, for its part,"), so the next
      clauses are added, then the previous ones, until it has enough or fills the sentence.
    * Too long: at most ``window`` words either side of the mention are kept, so a 60-word
      clause does not drown the words next to the mention.

    Returns ``(ctx_start, ctx_end)`` offsets into ``text``; the mention always lies inside.
    """
    stop = _stopwords()
    spans = clause_spans(text, sent_start, sent_end) or [(sent_start, sent_end)]
    hit = [i for i, (a, b) in enumerate(spans) if a < end and start < b]
    lo, hi = (hit[0], hit[-1]) if hit else (0, len(spans) - 1)

    def content(i, j):
        return sum(w.lower() not in stop for w in _WORD.findall(text, spans[i][0], spans[j][1]))

    while content(lo, hi) < min_content and (hi < len(spans) - 1 or lo > 0):
        if hi < len(spans) - 1:
            hi += 1
        else:
            lo -= 1
    a, b = min(spans[lo][0], start), max(spans[hi][1], end)
    words = list(_WORD.finditer(text, a, b))
    before = [w for w in words if w.end() <= start]
    after = [w for w in words if w.start() >= end]
    if len(before) > window:
        a = before[-window].start()
    if len(after) > window:
        b = after[window - 1].end()
    return a, b


def mention_contexts(
    article, sentences: pd.DataFrame, mentions: pd.DataFrame, scores: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each mention with its context: ``topic, para_no, sent_no, start, end, matched,
    ctx_start, ctx_end, context`` and the scores of the context (see :func:`mention_context`).

    Mentions of one topic whose contexts overlap ("Iranian threats in the wider Persian Gulf")
    share one context, built around both, so they count as one unit in ``topic_tone``.
    Offsets index ``article.text``; ``context`` is the cleaned context text. ``scores``,
    optional: :func:`score_sentences` of the ``context`` column of :func:`context_table`,
    when the caller has scored them already.
    """
    out = context_table(article, sentences, mentions)
    if out is None:
        cols = list(MENTION_FIELDS) + ["ctx_start", "ctx_end", "context"]
        return pd.concat([pd.DataFrame(columns=cols), score_sentences([]).iloc[:0]], axis=1)
    if scores is None:
        scores = score_sentences(out["context"].tolist())
    return pd.concat([out, scores], axis=1)


CONTEXT_COLUMNS = list(MENTION_FIELDS) + ["ctx_start", "ctx_end", "context"]
CONTEXT_DTYPES = ("str", "int64", "int64", "int64", "int64", "str", "int64", "int64", "str")
"""The dtypes pandas infers from the rows of :func:`context_rows` (text as ``str``)."""


def context_table(article, sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame | None:
    """:func:`mention_contexts` without the scores (None when there is no mention)."""
    from .article import rows_frame

    if not len(mentions):
        return None
    rows = context_rows(
        article.text,
        {c: sentences[c].tolist() for c in ("para_no", "sent_no", "start", "end")},
        list(zip(*(mentions[c].tolist() for c in MENTION_FIELDS), strict=True)),
    )
    return rows_frame(CONTEXT_COLUMNS, rows, CONTEXT_DTYPES)


def context_rows(text: str, sentences: dict[str, list], mentions: list[tuple]) -> list[tuple]:
    """The rows of :func:`context_table` (:data:`CONTEXT_COLUMNS`): ``text`` is the article's,
    ``sentences`` its sentences as ``{column: list}``, ``mentions`` rows of
    :data:`MENTION_FIELDS`."""
    from .article import clean_text

    if not mentions:
        return []
    sent = {
        (pn, sn): (a, b)
        for pn, sn, a, b in zip(
            sentences["para_no"], sentences["sent_no"], sentences["start"], sentences["end"],
            strict=True,
        )
    }
    groups: dict[tuple, list[tuple]] = {}  # (topic, para_no, sent_no) in order of first row
    for m in mentions:
        groups.setdefault(m[:3], []).append(m)
    rows = []
    for (_, para_no, sent_no), group in groups.items():
        s_start, s_end = sent[(para_no, sent_no)]
        units: list[list] = []  # [union_start, union_end, ctx_start, ctx_end, [mentions]]
        for m in sorted(group, key=lambda r: r[3]):  # by start, stable
            m_start, m_end = m[3], m[4]
            a, b = mention_context(text, s_start, s_end, m_start, m_end)
            if units and a < units[-1][3]:
                u = units[-1]
                u[0], u[1] = min(u[0], m_start), max(u[1], m_end)
                u[2], u[3] = mention_context(text, s_start, s_end, u[0], u[1])
                u[4].append(m)
            else:
                units.append([m_start, m_end, a, b, [m]])
        for _, _, a, b, ms in units:
            rows += [(*m, a, b, clean_text(text[a:b])) for m in ms]
    # sorted by start, then topic (stable: ties keep the order above)
    rows.sort(key=lambda r: (r[3], r[0]))
    return rows


# ------------------------------------------------------------------------------------------
# Points and bootstrap


def topic_points(
    paragraphs: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    contexts: pd.DataFrame,
    topics: list[str] | None = None,
) -> pd.DataFrame:
    """Every unit behind ``topic_tone``, long: one row per topic, level, scorer and unit.

    Units: each paragraph or sentence mentioning the topic once (however many mentions it
    holds); at the mention level each distinct context once (two mentions in one clause,
    "Iranian threats in the wider Persian Gulf", are one unit, not two).
    """
    topics = topics if topics is not None else list(dict.fromkeys(mentions["topic"]))
    scorers = scorers_in(sentences)
    frames = []
    for topic in topics:
        m = mentions[mentions["topic"] == topic]
        if not len(m):
            continue
        paras = paragraphs[paragraphs["para_no"].isin(m["para_no"])]
        keys = m[["para_no", "sent_no"]].drop_duplicates()
        sents = sentences.merge(keys, on=["para_no", "sent_no"])
        ctx = contexts[contexts["topic"] == topic].drop_duplicates(["ctx_start", "ctx_end"])
        units = {
            "paragraph": paras.assign(sent_no=pd.NA),
            "sentence": sents,
            "mention": ctx.assign(start=ctx["ctx_start"], end=ctx["ctx_end"], text=ctx["context"]),
        }
        for level, table in units.items():
            for scorer in scorers:
                if scorer not in table.columns:
                    continue
                frames.append(
                    pd.DataFrame(
                        {
                            "topic": topic,
                            "level": level,
                            "scorer": scorer,
                            "para_no": table["para_no"].to_numpy(),
                            "sent_no": table["sent_no"].to_numpy(),
                            "start": table["start"].to_numpy(),
                            "end": table["end"].to_numpy(),
                            "text": table["text"].to_numpy(),
                            "score": table[scorer].to_numpy(dtype=float),
                        }
                    )
                )
    if not frames:
        return pd.DataFrame(columns=POINT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"para_no": "int64", "sent_no": "Int64", "start": "int64", "end": "int64"})


@lru_cache(maxsize=64)
def _resample_index(n: int, seed: int, resamples: int) -> np.ndarray:
    """The bootstrap's resample positions for a sample of ``n``: what a fresh generator seeded
    with ``seed`` draws, so they depend only on ``(n, seed, resamples)`` and are drawn once."""
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    idx.flags.writeable = False
    return idx


def bootstrap_cis(
    samples: list[np.ndarray],
    seed: int = config.BOOTSTRAP_SEED,
    resamples: int = config.BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> list[tuple[float, float, float]]:
    """:func:`bootstrap_ci` of each sample, the same numbers bit for bit, with the samples of
    one size resampled together (one gather, one mean and one quantile call per size)."""
    out: list[tuple[float, float, float] | None] = [None] * len(samples)
    by_n: dict[int, list[tuple[int, np.ndarray, float]]] = {}
    for i, values in enumerate(samples):
        x = np.asarray(values, dtype=float)
        x = x[~np.isnan(x)]
        if not len(x):
            out[i] = (np.nan, np.nan, np.nan)
            continue
        mean = float(x.mean())
        if len(x) == 1 or np.all(x == x[0]):
            out[i] = (mean, mean, mean)
            continue
        by_n.setdefault(len(x), []).append((i, x, mean))
    alpha = (1 - level) / 2
    for n, group in by_n.items():
        idx = _resample_index(n, seed, resamples)
        step = max(1, 2_000_000 // (resamples * n))  # at most ~16 MB gathered at once
        for c in range(0, len(group), step):
            part = group[c : c + step]
            xs = np.stack([x for _, x, _ in part])
            # (k * resamples, n) rows: the same row-wise reduction as ``x[idx].mean(axis=1)``
            means = xs[:, idx].reshape(len(part) * resamples, n).mean(axis=1)
            q = np.quantile(means.reshape(len(part), resamples), [alpha, 1 - alpha], axis=1)
            for j, (i, _, mean) in enumerate(part):
                out[i] = (mean, float(min(q[0, j], mean)), float(max(q[1, j], mean)))
    return out  # type: ignore[return-value]


def bootstrap_ci(
    values,
    seed: int = config.BOOTSTRAP_SEED,
    resamples: int = config.BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """``(mean, ci_low, ci_high)``: percentile bootstrap CI of the mean.

    Deterministic: a fresh generator seeded with ``seed`` for every call, so a group's CI
    does not depend on which groups came before it. With one value the CI is that value.
    The interval is widened, if need be, to contain the mean (the percentile interval of a
    tiny, lumpy sample can miss it by a hair).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if not len(x):
        return (np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if len(x) == 1 or np.all(x == x[0]):
        return (mean, mean, mean)
    idx = _resample_index(len(x), seed, resamples)
    means = x[idx].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return (mean, float(min(lo, mean)), float(max(hi, mean)))


def aggregate(points: pd.DataFrame, topics: list[str] | None = None) -> pd.DataFrame:
    """``topic_tone``: per topic, level and scorer: ``n``, ``mean``, ``ci_low``, ``ci_high``.

    Topics never mentioned have no rows. Order: topics as given (else as in ``points``),
    levels paragraph, sentence, mention, scorers polarity, vader_compound, tone.
    """
    if not len(points):
        return pd.DataFrame(columns=TONE_COLUMNS).astype(
            {"n": "int64", "mean": "float64", "ci_low": "float64", "ci_high": "float64"}
        )
    topics = topics if topics is not None else list(dict.fromkeys(points["topic"]))
    rows = []
    for topic in topics:
        for level in LEVELS:
            for scorer in SCORERS:
                x = points.loc[
                    (points["topic"] == topic)
                    & (points["level"] == level)
                    & (points["scorer"] == scorer),
                    "score",
                ]
                if not len(x):
                    continue
                mean, lo, hi = bootstrap_ci(x.to_numpy())
                rows.append((topic, level, scorer, len(x), mean, lo, hi))
    return pd.DataFrame(rows, columns=TONE_COLUMNS).astype({"n": "int64"})


TOPIC_TONE_DTYPES = ("str", "str", "str", "int64", "float64", "float64", "float64")


def topic_tone(
    article, paragraphs, sentences, mentions, topics=None, contexts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ``topic_tone`` table from the tables of one article (``contexts``, optional: its
    :func:`mention_contexts`, if already computed).

    The same table as ``aggregate(topic_points(...), topics)``, without building the points."""
    if not len(mentions):  # nothing to aggregate (and no context to cut)
        return _empty_tone().copy(deep=False)  # copy-on-write: the cached frame stays as is
    if contexts is None:
        contexts = mention_contexts(article, sentences, mentions)
    rows = topic_tone_rows(_unit_scores(paragraphs, sentences, mentions, contexts, topics))
    if not rows:
        return _empty_tone().copy(deep=False)  # copy-on-write: the cached frame stays as is
    from .article import rows_frame

    return rows_frame(TONE_COLUMNS, rows, TOPIC_TONE_DTYPES)


def topic_tone_rows(groups: list[tuple]) -> list[tuple]:
    """The rows of ``topic_tone`` (:data:`TONE_COLUMNS`) from the groups of
    :func:`unit_groups`: a mean and a bootstrap CI each."""
    if not groups:
        return []
    cis = bootstrap_cis([v for *_, v in groups])
    return [(t, lv, sc, len(v), *ci) for (t, lv, sc, v), ci in zip(groups, cis, strict=True)]


@lru_cache(maxsize=1)
def _empty_tone() -> pd.DataFrame:
    """The ``topic_tone`` of an article without mentions (built once; callers copy it)."""
    return aggregate(pd.DataFrame(columns=POINT_COLUMNS))


def _unit_scores(paragraphs, sentences, mentions, contexts, topics=None) -> list[tuple]:
    """:func:`unit_groups` of the tables of one article."""
    scorers = scorers_in(sentences)
    tables = {"paragraph": paragraphs, "sentence": sentences, "mention": contexts}
    values = {
        (level, sc): tables[level][sc].to_numpy(dtype=float)
        for level in LEVELS
        for sc in scorers
        if sc in tables[level].columns
    }
    return unit_groups(
        paragraphs["para_no"].tolist(),
        list(zip(sentences["para_no"].tolist(), sentences["sent_no"].tolist(), strict=True)),
        list(zip(*(mentions[c].tolist() for c in ("topic", "para_no", "sent_no")), strict=True)),
        contexts["topic"].tolist(),
        list(zip(contexts["ctx_start"].tolist(), contexts["ctx_end"].tolist(), strict=True)),
        values,
        topics,
    )


def unit_groups(
    p_no: list[int],
    s_key: list[tuple[int, int]],
    mentions: list[tuple],
    c_topic: list[str],
    c_span: list[tuple[int, int]],
    values: dict[tuple[str, str], np.ndarray],
    topics: list[str] | None = None,
) -> list[tuple]:
    """``(topic, level, scorer, scores)`` for each row of ``topic_tone``, in its order: the
    units of :func:`topic_points`, grouped as :func:`aggregate` groups them.

    ``p_no``: the paragraphs' numbers; ``s_key``: the sentences' ``(para_no, sent_no)``;
    ``mentions``: ``(topic, para_no, sent_no, ...)`` rows; ``c_topic`` and ``c_span``: each
    mention context's topic and ``(ctx_start, ctx_end)``; ``values``: ``(level, scorer)`` ->
    the scores of that level's units, in table order."""
    m_topic = [m[0] for m in mentions]
    topics = topics if topics is not None else list(dict.fromkeys(m_topic))
    groups = []
    for topic in topics:
        paras = {m[1] for m in mentions if m[0] == topic}
        if not paras:
            continue
        keys = {(m[1], m[2]) for m in mentions if m[0] == topic}
        seen: set = set()
        ctx = []
        for i, (t, span) in enumerate(zip(c_topic, c_span, strict=True)):
            if t == topic and span not in seen:
                seen.add(span)
                ctx.append(i)
        rows = {
            "paragraph": [i for i, p in enumerate(p_no) if p in paras],
            "sentence": [i for i, k in enumerate(s_key) if k in keys],
            "mention": ctx,
        }
        for level in LEVELS:
            for sc in SCORERS:
                if (level, sc) in values and rows[level]:
                    groups.append((topic, level, sc, values[(level, sc)][rows[level]]))
    return groups


# ------------------------------------------------------------------------------------------
# Views on an Analysis


def analysis_contexts(analysis) -> pd.DataFrame:
    """:func:`mention_contexts` for an :class:`~article_tone.Analysis`."""
    return mention_contexts(analysis.article, analysis.sentences, analysis.topic_mentions)


def analysis_points(analysis) -> pd.DataFrame:
    """:func:`topic_points` for an :class:`~article_tone.Analysis`, topics in lexicon order."""
    order = list(dict.fromkeys(analysis.topic_tone["topic"])) if len(analysis.topic_tone) else []
    return topic_points(
        analysis.paragraphs,
        analysis.sentences,
        analysis.topic_mentions,
        analysis_contexts(analysis),
        order,
    )


def granularity_tables(
    topic_tone: pd.DataFrame, labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """:func:`granularity_table` of every scorer in ``topic_tone``, stacked: ``scorer``,
    ``topic``, then "mean (n)" per level."""
    scorers = list(dict.fromkeys(topic_tone["scorer"])) if len(topic_tone) else []
    parts = [granularity_table(topic_tone, s, labels).assign(scorer=s) for s in scorers]
    if not parts:
        return pd.DataFrame(columns=["scorer", "topic", *LEVELS])
    out = pd.concat(parts, ignore_index=True)
    return out[["scorer", "topic", *LEVELS]]


def granularity_table(
    topic_tone: pd.DataFrame, scorer: str = "polarity", labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """The three levels side by side for one scorer: a row per topic, "mean (n)" per level."""
    t = topic_tone[topic_tone["scorer"] == scorer]
    if not len(t):
        return pd.DataFrame(columns=["topic", *LEVELS])
    wide = t.pivot(index="topic", columns="level", values="mean")
    n = t.pivot(index="topic", columns="level", values="n")
    order = list(dict.fromkeys(t["topic"]))
    wide = wide.reindex(index=order, columns=list(LEVELS))
    n = n.reindex(index=order, columns=list(LEVELS))
    out = pd.DataFrame(
        {
            lvl: [
                f"{m:+.2f} (n={k})" if pd.notna(m) else ""
                for m, k in zip(wide[lvl], n[lvl], strict=True)
            ]
            for lvl in LEVELS
        },
        index=order,
    )
    if labels:
        out.index = [labels.get(k, k) for k in out.index]
    return out.rename_axis("topic").reset_index()


def arc(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The tone arc: ``para_no``, ``topics`` and every tone score, one row per paragraph."""
    cols = (
        ["para_no"]
        + (["topics"] if "topics" in paragraphs.columns else [])
        + scorers_in(paragraphs)
    )
    return paragraphs[cols].reset_index(drop=True)
