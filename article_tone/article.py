"""Raw article file -> :class:`Article`: decoded text, metadata and classified blocks.

A *block* is a run of non-blank lines (blank = only whitespace, no-break spaces included).
Every non-whitespace character of the text lies in exactly one block, and
``article.text[block.start:block.end]`` is the raw block, trimmed of surrounding whitespace.

Block kinds: ``section``, ``dateline``, ``headline``, ``byline``, ``editor_note``, ``body``,
``caption``, ``footer``. Only ``body`` blocks are paragraphs of the analysis (``para_no`` 1..N).

Two layouts are recognised:

* CGTN opinion pages: section line ("Opinions") and dateline ("2019.05.15 16:33 GMT+8") on
  consecutive lines, headline, byline, "Editor's note:", body, photo captions ending in
  "/VCG Photo", and a footer ("If you want to contribute...", "Copyright ©", "RELATED STORIES").
* Plain articles (e.g. the BBC corpus): a title line, a blank line, then paragraphs. The first
  block becomes the headline when it is a single short line; everything else is body.

A file with no blank line at all is split one block per non-empty line (text exported with one
paragraph per line is common); a one-line file is a single body paragraph.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ArticleError

BLOCK_KINDS = (
    "section", "dateline", "headline", "byline", "editor_note", "body", "caption", "footer"
)
BLOCK_COLUMNS = ["block_id", "kind", "para_no", "start", "end", "text"]
BLOCK_DTYPES = ("int64", "object", "Int64", "int64", "int64", "object")
PARAGRAPH_COLUMNS = ["para_no", "start", "end", "text"]
PARAGRAPH_DTYPES = ("int64", "int64", "int64", "object")
MAX_BYTES = 50_000_000
"""Refuse files above this size: an article, or even 500 joined, is far smaller."""

_DATELINE = re.compile(
    r"^(?P<y>\d{4})[.\-/](?P<m>\d{1,2})[.\-/](?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?:\s*(?:GMT|UTC)\s*(?P<tz>[+-]\d{1,2}(?::?\d{2})?)?)?$"
)
_CAPTION = re.compile(
    r"/\s*(?:VCG|AFP|AP|Reuters|Xinhua|CFP|Getty Images|IC|CGTN)?\s*Photo\s*$", re.I
)
_FOOTER_START = re.compile(
    r"^\(?\s*If you want to contribute|^Copyright\b|^©|^RELATED\s+STORIES\b", re.I
)
_EDITOR_NOTE = re.compile(r"^Editor['’]s\s+note\s*:?\s*", re.I)
_BYLINE_NAME = re.compile(r"^(?:By\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}$")
_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)
_WS = re.compile(r"\s+")
"""What :func:`clean_text` collapses (it does so with ``str.split``, which is faster)."""


def rows_frame(
    columns: Sequence[str], rows: Sequence[Sequence], dtypes: Sequence[str]
) -> pd.DataFrame:
    """A DataFrame from row tuples with one dtype per column: the same frame as
    ``pd.DataFrame(rows, columns=columns).astype(dict(zip(columns, dtypes)))``, about five
    times faster (no row objects, no astype pass); text columns stay ``object``."""
    cols = list(zip(*rows, strict=True)) if len(rows) else [()] * len(columns)
    return columns_frame(dict(zip(columns, cols, strict=True)), dtypes)


def columns_frame(data: dict[str, Sequence], dtypes: Sequence[str]) -> pd.DataFrame:
    """A DataFrame from ``{column: values}`` with one dtype per column (see :func:`rows_frame`)."""
    arrays = {}
    for (name, values), dtype in zip(data.items(), dtypes, strict=True):
        if dtype in ("int64", "float64", "bool"):
            arrays[name] = np.array(values, dtype=dtype).reshape(-1)
        elif dtype == "object":  # kept as object: pandas would infer ``str`` from strings
            arrays[name] = np.fromiter(values, dtype=object, count=len(values))
        else:  # an extension dtype such as Int64
            arrays[name] = pd.array(list(values), dtype=dtype)
    return arrays_frame(arrays)


def arrays_frame(arrays: dict[str, np.ndarray | pd.api.extensions.ExtensionArray]) -> pd.DataFrame:
    """A DataFrame of typed 1-d arrays of one length, taken as they are (no copy, no inference).

    Equal to ``pd.DataFrame`` of the same columns as Series (a test checks it), built with
    pandas' own constructor for columns that are already arrays (``DataFrame._from_arrays``, the
    one ``DataFrame.from_records`` uses): the public constructor re-checks and re-infers every
    column, which cost more than the analysis on the handful of small tables each article makes.
    """
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    return pd.DataFrame._from_arrays(
        list(arrays.values()),
        columns=column_index(arrays),
        index=pd.RangeIndex(lengths.pop() if lengths else 0),
        verify_integrity=False,
    )


def column_index(names: Sequence[str]) -> pd.Index:
    """Column labels as an Index, built once per list of names (an Index is immutable, so frames
    can share it; building one costs more than a small frame's data)."""
    return _column_index(tuple(names))


@lru_cache(maxsize=256)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(names))


def frame_arrays(table: pd.DataFrame) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    """The columns of ``table`` as arrays, as pandas stores them (numpy arrays, or extension
    arrays for extension dtypes; no copy), ready for :func:`arrays_frame`. Uses pandas' own
    column iterator (``DataFrame._iter_column_arrays``): a Series per column costs ~5 us each."""
    return dict(zip(table.columns, table._iter_column_arrays(), strict=True))


def clean_text(raw: str) -> str:
    """Block text as analysed: no-break and other spaces to one space, trimmed.

    (``str.split()`` splits at exactly the characters that the regex ``\\s`` matches, so this
    is ``re.sub(r"\\s+", " ", raw).strip()``, five times faster; a test checks both.)"""
    return " ".join(raw.split())


# --------------------------------------------------------------------------------------------
# Decoding


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    newline: str
    warnings: tuple[str, ...] = ()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> Decoded:
    """Decode an article file.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM decode transparently. Text that is not
    UTF-8 but reads as Windows-1252 (a superset of printable Latin-1) is decoded as such, with a
    warning recorded in the result. Anything else raises :class:`ArticleError`. Line endings
    (CRLF, CR) become LF, as in Python's text mode; the original style is recorded.
    """
    if not data:
        raise ArticleError(path, "file is empty")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    warnings: list[str] = []
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ArticleError(
                path,
                f"not valid {encoding} despite its byte-order mark "
                f"({exc.reason} at byte {exc.start})",
            ) from None
    else:
        if b"\x00" in data:
            raise ArticleError(path, "binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            high = sum(b >= 0x80 for b in data)
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = None
            if text is None or high > 0.3 * len(data):
                raise ArticleError(
                    path, f"undecodable bytes: not UTF-8 text ({exc.reason} at byte {exc.start})"
                ) from None
            encoding = "cp1252"
            warnings.append(
                f"not valid UTF-8 (byte {exc.start}); decoded as Windows-1252 (Latin-1), a guess"
            )
    if _CONTROL.search(text):
        raise ArticleError(path, "binary file (contains control characters), not text")
    newline = "crlf" if "\r\n" in text else ("cr" if "\r" in text else "lf")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError(path, "file has no text (only whitespace)")
    if _HTML.match(text):
        raise ArticleError(path, "looks like an HTML page; save the article as plain text first")
    return Decoded(text=text, encoding=encoding, newline=newline, warnings=tuple(warnings))


# --------------------------------------------------------------------------------------------
# Splitting into raw spans


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, end excluding the newline."""
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            yield pos, n
            return
        yield pos, nl
        pos = nl + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the blocks of ``text``: runs of non-blank lines, trimmed of whitespace.

    When the text has several non-blank lines but no blank line at all, every line is a block.
    """
    lines = [(s, e) for s, e in _lines(text)]
    blank = [not text[s:e].strip() for s, e in lines]
    spans: list[tuple[int, int]] = []
    run_start = None
    run_end = 0
    for (s, e), is_blank in zip(lines, blank, strict=True):
        if is_blank:
            if run_start is not None:
                spans.append(_trim(text, run_start, run_end))
                run_start = None
        else:
            if run_start is None:
                run_start = s
            run_end = e
    if run_start is not None:
        spans.append(_trim(text, run_start, run_end))
    spans = [sp for sp in spans if sp[0] < sp[1]]
    if len(spans) == 1:  # no blank line between any two lines: one block per line
        per_line = _split_lines(text, *spans[0])
        if len(per_line) > 1:
            return per_line
    return spans


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for s, e in _lines(text[start:end]):
        a, b = _trim(text, start + s, start + e)
        if a < b:
            out.append((a, b))
    return out


# --------------------------------------------------------------------------------------------
# Classification


def _parse_dateline(line: str) -> datetime | None:
    m = _DATELINE.match(clean_text(line))
    if not m:
        return None
    tz = UTC if m["tz"] is None and "GMT" in line.upper() else None
    if m["tz"]:
        sign = -1 if m["tz"][0] == "-" else 1
        digits = m["tz"][1:].replace(":", "")
        hours, minutes = (
            (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        )
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), tzinfo=tz)
    except ValueError:
        return None


def _is_byline(text: str) -> bool:
    t = clean_text(text)
    return len(t.split()) <= 6 and bool(_BYLINE_NAME.match(t)) and not t.endswith((".", "!", "?"))


def _is_headline(text: str, raw: str) -> bool:
    return "\n" not in raw.strip() and 0 < len(text.split()) <= 30


def classify(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """Kinds for the block spans; header blocks of several lines are split line by line."""
    out: list[tuple[str, int, int]] = []
    i = 0
    n = len(spans)
    # --- a CGTN-style header: [section line] + dateline, within the first block or two
    header_found = False
    if n:
        head_lines = _split_lines(text, *spans[0])
        if len(head_lines) <= 3 and any(_parse_dateline(text[s:e]) for s, e in head_lines):
            for s, e in head_lines:
                kind = "dateline" if _parse_dateline(text[s:e]) else "section"
                out.append((kind, s, e))
            i = 1
            header_found = True
    # --- headline: the first remaining block, when it is one short line and more follows
    if i < n and n - i > 1:
        s, e = spans[i]
        if _is_headline(clean_text(text[s:e]), text[s:e]):
            out.append(("headline", s, e))
            i += 1
            if i < n and header_found and _is_byline(text[spans[i][0]:spans[i][1]]):
                out.append(("byline", *spans[i]))
                i += 1
    # --- the rest: editor's note, captions, footer, body
    in_footer = False
    for s, e in spans[i:]:
        t = clean_text(text[s:e])
        if in_footer or _FOOTER_START.search(t):
            in_footer = True
            kind = "footer"
        elif _EDITOR_NOTE.match(t) and not any(k == "body" for k, _, _ in out):
            kind = "editor_note"
        elif _CAPTION.search(t):
            kind = "caption"
        else:
            kind = "body"
        out.append((kind, s, e))
    return out


# --------------------------------------------------------------------------------------------
# The Article


@dataclass(frozen=True)
class Article:
    """A parsed article.

    ``text`` is the decoded file with line endings normalised to LF; all offsets index into it.
    ``meta`` holds ``section``, ``published`` (tz-aware datetime or None), ``headline``,
    ``author`` and ``editor_note`` (each str or None). ``blocks`` follows the data contract.
    """

    path: str
    sha256: str
    text: str
    meta: dict
    block_rows: tuple[tuple, ...] = field(repr=False)
    """One ``(block_id, kind, para_no, start, end, text)`` tuple per block (``para_no`` None
    outside the body): the ``blocks`` table as rows, from which the tables are built."""
    encoding: str = "utf-8"
    newline: str = "lf"
    warnings: tuple[str, ...] = ()

    @cached_property
    def blocks(self) -> pd.DataFrame:
        """The ``blocks`` table (see the module docstring), built on first use: corpus mode
        reads :attr:`block_rows` and never needs it."""
        return rows_frame(BLOCK_COLUMNS, self.block_rows, BLOCK_DTYPES)

    @property
    def paragraphs(self) -> pd.DataFrame:
        """Body blocks: ``para_no``, ``start``, ``end``, ``text`` (a fresh copy on each access)."""
        return self._paragraphs.copy()

    @cached_property
    def paragraph_rows(self) -> tuple[tuple[int, int, int, str], ...]:
        """``(para_no, start, end, text)`` of each body block, in order."""
        return tuple((r[2], r[3], r[4], r[5]) for r in self.block_rows if r[1] == "body")

    @cached_property
    def _paragraphs(self) -> pd.DataFrame:
        """Built once per article (``blocks`` is never changed in place); callers get copies."""
        return rows_frame(PARAGRAPH_COLUMNS, self.paragraph_rows, PARAGRAPH_DTYPES)

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def summary(self) -> pd.Series:
        """Metadata and provenance as one labelled column, for display."""
        meta = self.meta
        return pd.Series({
            "path": self.path,
            "sha256": self.sha256[:16] + "…",
            "encoding": self.encoding
            + ("" if not self.warnings else " (guessed: " + "; ".join(self.warnings) + ")"),
            "section": meta["section"],
            "published": meta["published"].isoformat() if meta["published"] else None,
            "headline": meta["headline"],
            "author": meta["author"],
            "editor_note": meta["editor_note"],
            "body paragraphs": int((self.blocks["kind"] == "body").sum()),
        }, name="value")

    def to_dict(self) -> dict:
        """JSON-ready summary (no tables): path, sha256, encoding, warnings, meta, counts."""
        meta = dict(self.meta)
        if meta.get("published") is not None:
            meta["published"] = meta["published"].isoformat()
        kinds = self.blocks["kind"].value_counts()
        return {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "newline": self.newline,
            "warnings": list(self.warnings),
            "meta": meta,
            "n_chars": len(self.text),
            "blocks_by_kind": {k: int(kinds.get(k, 0)) for k in BLOCK_KINDS},
        }


def parse_text(text: str, path: str = "<text>", sha256: str | None = None, encoding: str = "utf-8",
               newline: str = "lf", warnings: tuple[str, ...] = ()) -> Article:
    """Parse already-decoded text into an :class:`Article` (no I/O)."""
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    typed = classify(text, split_blocks(text))
    rows = []
    para_no = 0
    for block_id, (kind, s, e) in enumerate(typed, start=1):
        if kind == "body":
            para_no += 1
        body_no = para_no if kind == "body" else None
        rows.append((block_id, kind, body_no, s, e, clean_text(text[s:e])))
    first_text: dict[str, str] = {}
    for _, kind, _, _, _, t in rows:
        first_text.setdefault(kind, t)

    def first(kind: str) -> str | None:
        return first_text.get(kind)

    dateline = first("dateline")
    byline = first("byline")
    note = first("editor_note")
    meta = {
        "section": first("section"),
        "published": _parse_dateline(dateline) if dateline else None,
        "headline": first("headline"),
        "author": re.sub(r"^By\s+", "", byline) if byline else None,
        "editor_note": _EDITOR_NOTE.sub("", note).strip() if note else None,
    }
    return Article(path=path, sha256=sha256, text=text, meta=meta, block_rows=tuple(rows),
                   encoding=encoding, newline=newline, warnings=tuple(warnings))


def load_article(path: str | Path) -> Article:
    """Read and parse an article file.

    Raises :class:`ArticleError` (one line: path and reason) for a missing path, a directory,
    an empty, whitespace-only, binary, HTML or undecodable file, or one with no body paragraph.
    """
    p = Path(path)
    shown = str(path)
    try:  # one open and one fstat: no separate exists / is_dir / stat calls
        with open(p, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_BYTES:
                raise ArticleError(
                    shown, f"file is too large ({size:,} bytes; the limit is {MAX_BYTES:,})"
                )
            data = f.read()
    except FileNotFoundError:
        raise ArticleError(shown, "no such file") from None
    except IsADirectoryError:
        raise ArticleError(shown, "is a directory, not an article file") from None
    except PermissionError:
        raise ArticleError(shown, "permission denied") from None
    except OSError as exc:
        raise ArticleError(shown, f"cannot read: {exc.strerror or exc}") from None
    dec = decode_bytes(data, shown)
    article = parse_text(dec.text, path=_shown_path(p), sha256=hashlib.sha256(data).hexdigest(),
                         encoding=dec.encoding, newline=dec.newline, warnings=dec.warnings)
    if not article.paragraph_rows:
        raise ArticleError(shown, "no body paragraph found")
    return article


def _shown_path(p: Path) -> str:
    from .config import display_path

    return display_path(p)


# --------------------------------------------------------------------------------------------
# Views used by the notebooks and tests

EXCLUSION_REASONS = {
    "section": "page furniture: the site section, not the author's words",
    "dateline": "publication date and time (parsed into meta['published'])",
    "headline": "written by editors, scored apart from the body (meta['headline'])",
    "byline": "the author's name (meta['author'])",
    "editor_note": "the outlet's disclaimer about the author, not the argument",
    "caption": "photo caption: describes a picture, written by the photo desk",
    "footer": "site boilerplate after the article",
}


def excluded_blocks(article: Article) -> pd.DataFrame:
    """Blocks left out of the analysis, with the reason for each: ``block_id``, ``kind``,
    ``text``, ``reason``."""
    out = article.blocks[article.blocks["kind"] != "body"][["block_id", "kind", "text"]].copy()
    out["reason"] = out["kind"].map(EXCLUSION_REASONS)
    return out.reset_index(drop=True)


def coverage_errors(article: Article) -> list[str]:
    """Violations of the block invariant (empty when it holds): every non-whitespace character
    of ``article.text`` lies in exactly one block, and each block's span starts and ends on
    non-whitespace and cleans to the block's text."""
    errors = []
    owner = [0] * len(article.text)
    for b in article.blocks.itertuples(index=False):
        raw = article.text[b.start:b.end]
        if not raw or raw[0].isspace() or raw[-1].isspace():
            errors.append(f"block {b.block_id}: span [{b.start}, {b.end}) is empty or not trimmed")
        if clean_text(raw) != b.text:
            errors.append(f"block {b.block_id}: text differs from its span")
        for i in range(b.start, b.end):
            owner[i] += 1
    for i, ch in enumerate(article.text):
        if not ch.isspace() and owner[i] != 1:
            errors.append(f"character {i} ({ch!r}) lies in {owner[i]} blocks")
            break
    return errors


def describe_blocks(article: Article) -> str:
    """One sentence (Markdown) on what is analysed and what was left out."""
    counts = article.blocks["kind"].value_counts()
    n_body = int(counts.get("body", 0))
    left = [(k, int(counts[k])) for k in BLOCK_KINDS if k != "body" and counts.get(k, 0)]
    head = f"Of {len(article.blocks)} blocks, **{n_body}** are body paragraphs and are analysed"
    if not left:
        return head + "; nothing was left out."
    parts = ", ".join(f"{n} {k.replace('_', ' ')}{'s' if n > 1 and k not in ('byline',) else ''}"
                      for k, n in left)
    n_left = sum(n for _, n in left)
    return f"{head}; {n_left} {'was' if n_left == 1 else 'were'} left out: {parts}."
