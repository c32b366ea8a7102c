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

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .article import Article, clean_text, frame_arrays, rows_frame
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
        return list(self._term_regexes) + list(self.patterns)

    @cached_property
    def _term_regexes(self) -> tuple[re.Pattern, ...]:
        return tuple(term_regex(t) for t in self.terms)

    @cached_property
    def _any_term(self) -> re.Pattern | None:
        """Matches wherever one of the terms matches (a prefilter: :func:`any_term_regex`)."""
        return any_term_regex(self.terms) if self.terms else None

    @cached_property
    def _patterns_and_literals(self) -> tuple[tuple[re.Pattern, tuple[str, ...] | None], ...]:
        """Each pattern with its :func:`required_literals` (a prefilter)."""
        return tuple((rx, required_literals(rx)) for rx in self.patterns)


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

    @cached_property
    def _any_term(self) -> re.Pattern | None:
        """Matches wherever a term of any topic matches (see :func:`any_term_regex`)."""
        terms = [t for topic in self.topics for t in topic.terms]
        return any_term_regex(terms) if terms else None

    @cached_property
    def _with_patterns(self) -> tuple[Topic, ...]:
        """The topics that have regex patterns (searched even where no term matches)."""
        return tuple(t for t in self.topics if t.patterns)

    @cached_property
    def _order(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}

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


def _term_body(term: str) -> str:
    body = r"\s+".join(re.escape(w) for w in term.split())
    return body if any(c.isupper() for c in term) else f"(?i:{body})"


def any_term_regex(terms) -> re.Pattern:
    """A regex that matches at a position exactly where one of the :func:`term_regex` of
    ``terms`` matches there: the alternation tries every term at every position, so when it
    finds nothing in a range, no term regex would either (used to skip them)."""
    return re.compile(rf"(?<!\w)(?:{'|'.join(_term_body(t) for t in terms)})(?!\w)")


def required_literals(rx: re.Pattern) -> tuple[str, ...] | None:
    """Strings of which every match of ``rx`` holds at least one, or None when none is known.

    A quick test before a regex scans a paragraph: ``str.find`` is many times faster than a
    pattern that opens with ``\\b`` or a look-behind, for which the regex engine cannot skip
    ahead. Only characters a match consumes count (a look-around may read outside the range
    searched), and a case-insensitive pattern or part has none."""
    from re import _constants as c
    from re import _parser

    if not isinstance(rx.pattern, str) or rx.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        parsed = _parser.parse(rx.pattern, rx.flags)
    except Exception:  # noqa: BLE001 - whatever the private parser makes of it: no prefilter
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None

    def candidates(items) -> list[tuple[str, ...]]:
        out, run = [], []
        for op, av in items:
            if op is c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                out.append(("".join(run),))
                run = []
            if op is c.BRANCH:  # one alternative matches: one of theirs is there
                alts: list[str] = []
                for alt in av[1]:
                    got = best(candidates(alt))
                    if got is None:
                        break
                    alts += got
                else:
                    out.append(tuple(alts))
            elif op is c.SUBPATTERN and not av[1] & re.IGNORECASE:
                out += candidates(av[3])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
                out += candidates(av[2])
            # anything else (\b, look-arounds, classes, ...) requires no known string
        if run:
            out.append(("".join(run),))
        return out

    def best(cands: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        cands = [x for x in cands if min(map(len, x)) > 0]
        return max(cands, key=lambda x: min(map(len, x))) if cands else None

    return best(candidates(parsed))


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
    return _parse_cached(text, path, os.getcwd())  # display_path may depend on the cwd


@lru_cache(maxsize=16)
def _parse_cached(text: str, path: Path, cwd: str) -> Lexicon:
    """:func:`parse_lexicon`, once per file content (a Lexicon is immutable; its compiled
    regexes are then built once, not once per article)."""
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
    order = lexicon._order
    found: list[Mention] = []
    some_term = lexicon._any_term is not None and lexicon._any_term.search(text, start, end)
    for topic in lexicon.topics if some_term else lexicon._with_patterns:
        spans = []
        any_term = topic._any_term
        if some_term and any_term is not None and any_term.search(text, start, end) is not None:
            for rx in topic._term_regexes:
                for m in rx.finditer(text, start, end):
                    if m.end() > m.start():
                        spans.append((m.start(), m.end()))
        for rx, literals in topic._patterns_and_literals:
            if literals is not None and all(text.find(x, start, end) < 0 for x in literals):
                continue  # no match can be here
            for m in rx.finditer(text, start, end):
                if m.end() > m.start():
                    spans.append((m.start(), m.end()))
        if not spans:
            continue
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        last_end = -1
        for a, b in spans:
            if a >= last_end:
                found.append(Mention(topic.key, a, b, clean_text(text[a:b])))
                last_end = b
    found.sort(key=lambda m: (m.start, order[m.topic], m.end))
    return found


def mention_rows(
    article: Article, sentences: dict[str, list], lexicon: Lexicon
) -> list[tuple[str, int, int, int, int, str]]:
    """The rows of :func:`topic_mentions` (:data:`MENTION_COLUMNS`), from the sentences as
    ``{column: list}`` (:func:`article_tone.text.sentence_columns`)."""
    by_para: dict[int, list[tuple[int, int]]] = {}  # para_no -> [(start, sent_no)], table order
    for pn, st, sn in zip(sentences["para_no"], sentences["start"], sentences["sent_no"],
                          strict=True):
        by_para.setdefault(pn, []).append((st, sn))
    rows = []
    text = article.text
    for pn, pstart, pend, _ in article.paragraph_rows:
        sents = by_para.get(pn)
        for m in find_mentions(text, lexicon, pstart, pend):
            sent_no = 1
            if sents:  # the last sentence (in table order) starting at or before the mention
                sent_no = sents[0][1]
                for st, sn in sents:
                    if st <= m.start:
                        sent_no = sn
            rows.append((m.topic, pn, sent_no, m.start, m.end, m.matched))
    return rows


MENTION_DTYPES = ("object", "int64", "int64", "int64", "int64", "object")


def topic_mentions(article: Article, sentences: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The ``topic_mentions`` table: one row per match in a body paragraph.

    ``start``/``end`` index ``article.text``; ``sent_no`` is the sentence holding ``start``.
    """
    s = frame_arrays(sentences)
    cols = {c: s[c].tolist() for c in ("para_no", "start", "sent_no")}
    return rows_frame(MENTION_COLUMNS, mention_rows(article, cols, lexicon), MENTION_DTYPES)


def topics_values(
    keys: Sequence[tuple], mentions: Sequence[tuple], lexicon: Lexicon, width: int = 1
) -> list[str]:
    """ ";"-joined topic keys (lexicon order) mentioned in each of ``keys`` ("" if none):
    ``keys`` are ``(para_no,)`` (``width=1``) or ``(para_no, sent_no)`` (``width=2``) tuples,
    ``mentions`` rows of :func:`mention_rows`."""
    if not mentions:
        return [""] * len(keys)
    order = lexicon._order
    tagged: dict[tuple, set] = {}
    for m in mentions:
        tagged.setdefault(m[1 : 1 + width], set()).add(m[0])
    return [";".join(sorted(tagged.get(r, ()), key=order.__getitem__)) for r in keys]


def topics_column(
    table: pd.DataFrame,
    mentions: pd.DataFrame,
    lexicon: Lexicon,
    keys: tuple[str, ...] = ("para_no",),
) -> pd.Series:
    """ ";"-joined topic keys (lexicon order) mentioned in each row of ``table`` ("" if none)."""
    keys = list(keys)
    if keys not in (["para_no"], ["para_no", "sent_no"]):
        raise ValueError(f"keys must be ('para_no',) or ('para_no', 'sent_no'), not {keys}")
    rows = list(zip(*(mentions[c].tolist() for c in MENTION_COLUMNS), strict=True))
    values = topics_values(
        list(zip(*(table[k].tolist() for k in keys), strict=True)), rows, lexicon, len(keys)
    )
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
