"""Topic lexicon (TOML) -> mentions: character spans into ``Article.text``.

The lexicon format is documented at the top of ``data/topics.toml``. In short: one table per
topic key with an optional ``label``, a list of ``terms`` and optional regular expressions in
``patterns``. Terms match whole words only; a term with a capital letter is case-sensitive, an
all-lower-case term matches in any case; within one topic, overlapping matches keep the longest.

>>> lex = load_lexicon()
>>> found = find_mentions("Iran's allies and Iranians, not USB.", lex)
>>> [m.matched for m in found if m.topic == "iran"]
['Iran', 'Iranians']
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .article import Article, clean_text
from .config import TOPICS_FILE, display_path
from .errors import ArticleError

MENTION_COLUMNS = ["topic", "para_no", "sent_no", "start", "end", "matched"]
TOPIC_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
ALLOWED_FIELDS = {"label", "terms", "patterns"}


@dataclass(frozen=True)
class Topic:
    """One topic: its key, display label, terms and regular expressions (compiled)."""

    key: str
    label: str
    terms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]

    def regexes(self) -> list[re.Pattern]:
        """Every term as a whole-word regex, then the patterns."""
        return [term_regex(t) for t in self.terms] + list(self.patterns)


@dataclass(frozen=True)
class Lexicon:
    """The topics of a lexicon file, in file order."""

    path: str
    topics: tuple[Topic, ...]

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.topics]

    @property
    def labels(self) -> dict[str, str]:
        return {t.key: t.label for t in self.topics}

    def __len__(self) -> int:
        return len(self.topics)

    def __iter__(self):
        return iter(self.topics)

    def table(self) -> pd.DataFrame:
        """One row per topic: key, label, terms and patterns as readable strings."""
        return pd.DataFrame(
            [
                (t.key, t.label, ", ".join(t.terms), "  ".join(p.pattern for p in t.patterns))
                for t in self.topics
            ],
            columns=["topic", "label", "terms", "patterns"],
        )


class Mention(NamedTuple):
    topic: str
    start: int
    end: int
    matched: str


def term_regex(term: str) -> re.Pattern:
    """A term as a regex: whole words, spaces as any whitespace, case-aware.

    Whole words: no word character right before or after, so "Iran" is not found in
    "Iranians" and "US" not in "USB", while "Iran's" yields "Iran". A term with any capital
    letter matches only with that capitalisation; an all-lower-case term matches in any case.
    """
    body = r"\s+".join(re.escape(w) for w in term.split())
    flags = 0 if any(c.isupper() for c in term) else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}(?!\w)", flags)


def _line_of(text: str, table: str | None = None, needle: str | None = None) -> int:
    """1-based line of ``needle`` inside table ``[table]`` (or of the header), best effort."""
    lines = text.splitlines()
    first = 0
    if table is not None:
        header = re.compile(rf"^\s*\[\s*[\"']?{re.escape(table)}[\"']?\s*\]")
        for i, line in enumerate(lines):
            if header.match(line):
                first = i
                break
    if needle:
        for i in range(first, len(lines)):
            if needle in lines[i]:
                return i + 1
    return first + 1


def parse_lexicon(text: str, path: str | Path = "<lexicon>") -> Lexicon:
    """Parse lexicon TOML text. Raises :class:`ArticleError` ``(path, "line N: ...")``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            where = f"line {m.group(1)}: "
        else:  # "(at end of document)": the last line
            where = f"line {max(len(text.splitlines()), 1)}: "
        reason = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", msg)
        if m:
            reason += f" (column {m.group(2)})"
        raise ArticleError(path, f"{where}not valid TOML: {reason}") from None

    def fail(table, needle, reason):
        raise ArticleError(path, f"line {_line_of(text, table, needle)}: {reason}")

    topics = []
    for key, spec in data.items():
        if not isinstance(spec, dict):
            fail(None, key, f"'{key}' must be a table: write [{key}] then terms = [...]")
        if not TOPIC_KEY.match(key):
            fail(key, None, f"topic key '{key}' may only use letters, digits, '_' and '-'")
        unknown = sorted(set(spec) - ALLOWED_FIELDS)
        if unknown:
            fail(
                key,
                unknown[0],
                f"[{key}]: unknown field '{unknown[0]}' (allowed: label, terms, patterns)",
            )
        label = spec.get("label", key)
        if not isinstance(label, str) or not label.strip():
            fail(key, "label", f"[{key}]: label must be a non-empty string")
        terms = spec.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            fail(key, "terms", f"[{key}]: terms must be a list of non-empty strings")
        raw_patterns = spec.get("patterns", [])
        if not isinstance(raw_patterns, list) or not all(
            isinstance(p, str) and p for p in raw_patterns
        ):
            fail(key, "patterns", f"[{key}]: patterns must be a list of non-empty strings")
        patterns = []
        for p in raw_patterns:
            try:
                rx = re.compile(p)
            except re.error as exc:
                fail(key, p, f"[{key}]: bad regular expression {p!r}: {exc}")
            if rx.search(""):
                fail(key, p, f"[{key}]: pattern {p!r} matches the empty string")
            patterns.append(rx)
        if not terms and not patterns:
            fail(key, None, f"[{key}]: no terms and no patterns")
        topics.append(Topic(key, label.strip(), tuple(t.strip() for t in terms), tuple(patterns)))
    if not topics:
        raise ArticleError(path, "line 1: the lexicon defines no topic (expected [key] tables)")
    return Lexicon(display_path(path), tuple(topics))


def load_lexicon(path: str | Path | Lexicon | None = None) -> Lexicon:
    """Read a lexicon file (default ``data/topics.toml``); a :class:`Lexicon` passes through."""
    if isinstance(path, Lexicon):
        return path
    path = Path(path) if path is not None else TOPICS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ArticleError(path, "topic lexicon not found") from None
    except IsADirectoryError:
        raise ArticleError(path, "topic lexicon is a directory, not a TOML file") from None
    except UnicodeDecodeError as exc:
        raise ArticleError(path, f"topic lexicon is not UTF-8 text ({exc.reason})") from None
    return parse_lexicon(text, path)


def lexicon_phrases(path: str | Path | Lexicon | None = None) -> list[str]:
    """Every multi-word term of the lexicon (e.g. "Persian Gulf", "New Detente"), sorted.

    Useful to treat named entities as one unit (e.g. to tell entity words from opinion words).
    """
    lex = load_lexicon(path)
    return sorted({t for topic in lex for t in topic.terms if len(t.split()) > 1})


def find_mentions(
    text: str, lexicon: Lexicon, start: int = 0, end: int | None = None
) -> list[Mention]:
    """Mentions of every topic in ``text[start:end]``, with offsets into ``text``.

    Within a topic, overlapping matches resolve to the leftmost-longest, so each character
    counts once per topic. Ordered by position, then by lexicon order.
    """
    end = len(text) if end is None else end
    order = {k: i for i, k in enumerate(lexicon.keys)}
    found: list[Mention] = []
    for topic in lexicon:
        spans = []
        for rx in topic.regexes():
            for m in rx.finditer(text, start, end):
                if m.end() > m.start():
                    spans.append((m.start(), m.end()))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        last_end = -1
        for a, b in spans:
            if a >= last_end:
                found.append(Mention(topic.key, a, b, clean_text(text[a:b])))
                last_end = b
    found.sort(key=lambda m: (m.start, order[m.topic], m.end))
    return found


def topic_mentions(article: Article, sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The ``topic_mentions`` table: one row per match in a body paragraph.

    ``start``/``end`` index ``article.text``; ``sent_no`` is the sentence holding ``start``.
    """
    rows = []
    by_para = {p: g for p, g in sentences.groupby("para_no")}
    for para in article.paragraphs.itertuples(index=False):
        sents = by_para.get(para.para_no)
        for m in find_mentions(article.text, lexicon, para.start, para.end):
            sent_no = 1
            if sents is not None:
                inside = sents[(sents["start"] <= m.start)]
                sent_no = (
                    int(inside["sent_no"].iloc[-1])
                    if len(inside)
                    else int(sents["sent_no"].iloc[0])
                )
            rows.append((m.topic, para.para_no, sent_no, m.start, m.end, m.matched))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(
        {
            "topic": "object",
            "para_no": "int64",
            "sent_no": "int64",
            "start": "int64",
            "end": "int64",
            "matched": "object",
        }
    )


def topics_column(
    table: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Lexicon,
    keys: tuple[str, ...] = ("para_no",),
) -> pd.Series:
    """ ";"-joined topic keys (lexicon order) mentioned in each row of ``table`` ("" if none)."""
    order = {k: i for i, k in enumerate(lexicon.keys)}
    keys = list(keys)
    tagged: dict[tuple, set] = {}
    for row in mentions[keys + ["topic"]].itertuples(index=False):
        tagged.setdefault(tuple(row[:-1]), set()).add(row[-1])
    values = [
        ";".join(sorted(tagged.get(tuple(r), ()), key=order.__getitem__))
        for r in table[keys].itertuples(index=False)
    ]
    return pd.Series(values, index=table.index, dtype="object", name="topics")


def mention_counts(
    mentions: pd.DataFrame, lexicon: Lexicon, paragraphs: pd.DataFrame
) -> pd.DataFrame:
    """Topic x paragraph mention counts (every topic and paragraph, zeros included)."""
    counts = (
        pd.crosstab(mentions["topic"], mentions["para_no"]) if len(mentions) else pd.DataFrame()
    )
    return (
        counts.reindex(index=lexicon.keys, columns=paragraphs["para_no"].tolist(), fill_value=0)
        .astype("int64")
        .rename_axis(index="topic", columns="para_no")
    )


def topic_summary(mentions: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """Per topic: label, mentions, paragraphs, sentences, and the distinct words matched."""
    rows = []
    for t in lexicon:
        m = mentions[mentions["topic"] == t.key]
        rows.append(
            (
                t.key,
                t.label,
                len(m),
                m["para_no"].nunique(),
                len(m[["para_no", "sent_no"]].drop_duplicates()),
                ", ".join(dict.fromkeys(m["matched"])),
            )
        )
    return pd.DataFrame(
        rows, columns=["topic", "label", "mentions", "paragraphs", "sentences", "matched"]
    )
