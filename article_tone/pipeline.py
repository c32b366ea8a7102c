"""One article, end to end: Article -> sentences -> scores, terms, topics -> aggregates.

Data flows one way; each stage is a pure function of the stages before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from .article import Article, load_article
from .sentiment import score_article
from .terms import term_counts
from .text import split_sentences
from .tone import topic_tone
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


def analyze(article: Article | str | Path, topics: str | Path | None = None) -> Analysis:
    """Analyse one article (an :class:`Article` or a path).

    ``topics`` is a topic lexicon file (TOML); the default is ``data/topics.toml``.
    """
    if not isinstance(article, Article):
        article = load_article(article)
    paragraphs = article.paragraphs
    sentences = split_sentences(article)
    paragraphs["n_words"] = paragraphs["text"].map(count_words).astype("int64")
    per_para = sentences.groupby("para_no").size()
    paragraphs["n_sentences"] = paragraphs["para_no"].map(per_para).fillna(0).astype("int64")
    para_scores, sent_scores, drivers = score_article(paragraphs, sentences)
    paragraphs = pd.concat([paragraphs, para_scores], axis=1)
    sentences = pd.concat([sentences, sent_scores], axis=1)
    terms = term_counts(paragraphs)
    lexicon = load_lexicon(topics)
    mentions = topic_mentions(article, sentences, lexicon)
    paragraphs["topics"] = topics_column(paragraphs, mentions, lexicon)
    sentences["topics"] = topics_column(sentences, mentions, lexicon, ("para_no", "sent_no"))
    tone = topic_tone(article, paragraphs, sentences, mentions, lexicon.keys)
    return Analysis(article=article, paragraphs=paragraphs, sentences=sentences,
                    drivers=drivers, terms=terms, topic_mentions=mentions, topic_tone=tone,
                    lexicon=lexicon)
