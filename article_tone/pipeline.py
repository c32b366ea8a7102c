"""One article, end to end: Article -> sentences -> scores, terms, topics -> aggregates.

Data flows one way; each stage is a pure function of the stages before it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from .article import PARAGRAPH_COLUMNS, PARAGRAPH_DTYPES, Article, columns_frame, load_article
from .sentiment import DRIVER_COLUMNS, DRIVER_DTYPES, lexicon_name_phrases, score_article_arrays
from .terms import TERM_COLUMNS, TERM_DTYPES, term_rows
from .text import SENTENCE_COLUMNS, SENTENCE_DTYPES, sentence_columns
from .tone import (
    SCORERS,
    TONE_COLUMNS,
    TOPIC_TONE_DTYPES,
    _empty_tone,
    context_rows,
    topic_tone_rows,
    unit_groups,
)
from .topics import MENTION_COLUMNS, MENTION_DTYPES, load_lexicon, mention_rows, topics_values

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


@dataclass(frozen=True, slots=True)
class Table:
    """One table of an analysis as columns, before any DataFrame is built: ``names``,
    ``values`` (a list or a 1-d array per column, all of one length) and pandas ``dtypes``
    (``int64``, ``float64``, ``bool``, ``object`` or ``str``). ``len()`` is its row count."""

    names: tuple[str, ...]
    values: tuple[Sequence, ...]
    dtypes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    def frame(self) -> pd.DataFrame:
        return columns_frame(dict(zip(self.names, self.values, strict=True)), self.dtypes)


def _rows_table(names: Sequence[str], rows: Sequence[tuple], dtypes: Sequence[str]) -> Table:
    values = tuple(map(list, zip(*rows, strict=True))) if rows else tuple([] for _ in names)
    return Table(tuple(names), values, tuple(dtypes))


def analysis_tables(article: Article, lexicon, drivers: bool = True) -> dict[str, Table]:
    """Every table of :func:`analyze` but ``blocks``, as :class:`Table` columns, by name.

    This is the whole analysis; :func:`analyze` only turns each table into a DataFrame, and
    corpus mode joins the columns of many articles before it builds one DataFrame per table.
    ``lexicon`` is a loaded :class:`~article_tone.topics.Lexicon`.
    """
    paras = article.paragraph_rows
    p_no = [r[0] for r in paras]
    p_text = [r[3] for r in paras]
    sentences = sentence_columns(article)
    names = lexicon_name_phrases(lexicon)  # multi-word names: masked in scores, one term each
    mentions = mention_rows(article, sentences, lexicon)
    # Mention contexts are cut before scoring, so that every text of the article (paragraphs,
    # sentences, contexts) is scored in one pass and one calibrated-tone batch.
    contexts = context_rows(article.text, sentences, mentions)
    columns, p_scores, s_scores, driver_rows, c_scores = score_article_arrays(
        p_no,
        p_text,
        sentences["para_no"],
        sentences["sent_no"],
        sentences["text"],
        [c[-1] for c in contexts],
        drivers=drivers,
        phrases=names,
    )
    per_para = Counter(sentences["para_no"])
    s_key = list(zip(sentences["para_no"], sentences["sent_no"], strict=True))
    score_dtypes = ("float64",) * len(columns)
    paragraphs = Table(
        (*PARAGRAPH_COLUMNS, "n_words", "n_sentences", *columns, "topics"),
        (
            p_no,
            [r[1] for r in paras],
            [r[2] for r in paras],
            p_text,
            [count_words(t) for t in p_text],
            [per_para.get(p, 0) for p in p_no],
            *p_scores.T,
            topics_values([(p,) for p in p_no], mentions, lexicon, 1),
        ),
        (*PARAGRAPH_DTYPES, "int64", "int64", *score_dtypes, "object"),
    )
    sentence_table = Table(
        (*SENTENCE_COLUMNS, *columns, "topics"),
        (*(sentences[c] for c in SENTENCE_COLUMNS), *s_scores.T,
         topics_values(s_key, mentions, lexicon, 2)),
        (*SENTENCE_DTYPES, *score_dtypes, "object"),
    )
    values = {("paragraph", c): p_scores[:, j] for j, c in enumerate(columns)}
    values.update({("sentence", c): s_scores[:, j] for j, c in enumerate(columns)})
    if contexts:
        values.update({("mention", c): c_scores[:, j] for j, c in enumerate(columns)})
    groups = unit_groups(
        p_no, s_key, mentions, [c[0] for c in contexts], [(c[6], c[7]) for c in contexts],
        {k: v for k, v in values.items() if k[1] in SCORERS}, lexicon.keys,
    )
    return {
        "paragraphs": paragraphs,
        "sentences": sentence_table,
        "drivers": _rows_table(DRIVER_COLUMNS, driver_rows, DRIVER_DTYPES),
        "terms": _rows_table(TERM_COLUMNS, term_rows(p_no, p_text, names), TERM_DTYPES),
        "topic_mentions": _rows_table(MENTION_COLUMNS, mentions, MENTION_DTYPES),
        "topic_tone": _rows_table(TONE_COLUMNS, topic_tone_rows(groups), TOPIC_TONE_DTYPES),
    }


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
    lexicon = load_lexicon(topics)
    tables = analysis_tables(article, lexicon, drivers=drivers)
    frames = {name: t.frame() for name, t in tables.items()}
    if not len(tables["topic_tone"]):
        frames["topic_tone"] = _empty_tone().copy(deep=False)  # the cached frame stays as is
    return Analysis(article=article, lexicon=lexicon, **frames)
