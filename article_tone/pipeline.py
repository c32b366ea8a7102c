"""One article, end to end: Article -> sentences -> scores, terms, topics -> aggregates.

Data flows one way; each stage is a pure function of the stages before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from .article import Article, arrays_frame, frame_arrays, load_article
from .sentiment import lexicon_name_phrases, score_article_texts
from .terms import term_counts
from .text import split_sentences
from .tone import context_table, topic_tone
from .topics import load_lexicon, topic_mentions, topics_column

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def count_words(text: str) -> int:
    """Words as a reader counts them: "U.S.", "Russia's" and "win-win" are one word each."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Analysis:
    """Every table of one article (see the data contract in the README)."""

    article: Article = field(repr=False)
    paragraphs: pd.DataFrame = field(repr=False)
    sentences: pd.DataFrame = field(repr=False)
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    terms: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    topic_mentions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    topic_tone: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    lexicon: object = field(default=None, repr=False, compare=False)
    """The :class:`~article_tone.topics.Lexicon` used (topic order and labels)."""

    @property
    def blocks(self) -> pd.DataFrame:
        return self.article.blocks

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written by ``analyze --out``, by file stem."""
        out = {"blocks": self.blocks}
        for f in fields(self):
            table = getattr(self, f.name)
            if isinstance(table, pd.DataFrame) and len(table.columns):
                out[f.name] = table
        return out

    def __repr__(self) -> str:
        return (f"Analysis({self.article.path!r}: {len(self.paragraphs)} paragraphs, "
                f"{len(self.sentences)} sentences)")


def _with_columns(table: pd.DataFrame, *more) -> pd.DataFrame:
    """``table`` with the columns of each of ``more`` (dicts of arrays or Series, or frames, on
    the same rows) appended, in order: one new frame, no copies, no repeated inserts."""
    cols = frame_arrays(table)
    for extra in more:
        if isinstance(extra, pd.DataFrame):
            extra = frame_arrays(extra)
        for name, values in extra.items():
            if name in cols:
                raise ValueError(f"column {name!r} is already in the table")
            if isinstance(values, pd.Series):  # as pandas stores it, like frame_arrays
                extension = isinstance(values.dtype, ExtensionDtype)
                values = values.array if extension else values.to_numpy()
            cols[name] = values
    return arrays_frame(cols)


def analyze(
    article: Article | str | Path, topics: str | Path | None = None, drivers: bool = True
) -> Analysis:
    """Analyse one article (an :class:`Article` or a path).

    ``topics`` is a topic lexicon file (TOML); the default is ``data/topics.toml``.
    ``drivers=False`` leaves the ``drivers`` table empty (with its columns): corpus mode does
    not write it, and every other table is the same.
    """
    if not isinstance(article, Article):
        article = load_article(article)
    paragraphs = article._paragraphs  # read only (the tables below are new frames)
    sentences = split_sentences(article)
    lexicon = load_lexicon(topics)
    names = lexicon_name_phrases(lexicon)  # multi-word names: masked in scores, one term each
    mentions = topic_mentions(article, sentences, lexicon)
    # Mention contexts are cut before scoring, so that every text of the article (paragraphs,
    # sentences, contexts) is scored in one pass and one calibrated-tone batch.
    contexts = context_table(article, sentences, mentions)
    para_scores, sent_scores, driver_table, ctx_scores = score_article_texts(
        paragraphs,
        sentences,
        [] if contexts is None else contexts["context"].tolist(),
        drivers=drivers,
        phrases=names,
    )
    per_para = Counter(sentences["para_no"].tolist())
    texts = paragraphs["text"].tolist()
    paragraphs = _with_columns(
        paragraphs,
        {
            "n_words": np.array([count_words(t) for t in texts], dtype="int64"),
            "n_sentences": np.array(
                [per_para.get(p, 0) for p in paragraphs["para_no"].tolist()], dtype="int64"
            ),
        },
        para_scores,
        {"topics": topics_column(paragraphs, mentions, lexicon)},
    )
    sentences = _with_columns(
        sentences,
        {},
        sent_scores,
        {"topics": topics_column(sentences, mentions, lexicon, ("para_no", "sent_no"))},
    )
    terms = term_counts(paragraphs, names)
    if contexts is not None:
        contexts = _with_columns(contexts, ctx_scores)
    tone = topic_tone(article, paragraphs, sentences, mentions, lexicon.keys, contexts=contexts)
    return Analysis(article=article, paragraphs=paragraphs, sentences=sentences,
                    drivers=driver_table, terms=terms, topic_mentions=mentions, topic_tone=tone,
                    lexicon=lexicon)
