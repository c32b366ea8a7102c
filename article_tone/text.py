"""Sentences (and, below, tokens), offline: pysbd for sentence boundaries, no NLTK data."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from .article import Article, clean_text, columns_frame

SENTENCE_COLUMNS = ["para_no", "sent_no", "start", "end", "text"]

# A sentence boundary is only possible after . ! ? or an ellipsis followed by space, or at a
# line break. A paragraph without any such place is one sentence: pysbd is not called for it
# (it costs ~2.5 ms a paragraph), and the result is identical.
_CANDIDATE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+\S|\n")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


# --------------------------------------------------------------------------------------------
# The fast path: pysbd's own decisions, taken without pysbd where they are certain.
#
# pysbd costs ~2 ms a paragraph (some 15 s for the BBC corpus). Most news paragraphs are
# plain: sentences end in ". " before a capital, quotes are straight and paired, parentheses
# are short asides. For such a paragraph the rules below give exactly pysbd's boundaries; for
# anything they do not model (ellipses, single quotes, lists, abbreviations such as "Mr.",
# curly quotes, line breaks, ...) they give up and pysbd decides. Measured on the BBC corpus:
# 90% of the paragraphs that need splitting take the fast path, and every paragraph is split
# exactly as pysbd splits it (``python -m benchmarks.run`` re-measures this).


@lru_cache(maxsize=1)
def _rules():
    """pysbd's abbreviation lists and list-item patterns, so the two never drift apart."""
    from pysbd.lang.common.standard import Standard
    from pysbd.lists_item_replacer import ListItemReplacer

    abbr = Standard.Abbreviation
    return (frozenset(a.lower() for a in abbr.ABBREVIATIONS),
            frozenset(abbr.PREPOSITIVE_ABBREVIATIONS),
            re.compile(ListItemReplacer.NUMBERED_LIST_REGEX_1),
            re.compile(ListItemReplacer.NUMBERED_LIST_PARENS_REGEX))


# Anything here sends the paragraph to pysbd: characters beyond plain text (tabs, line breaks,
# curly quotes, ellipses), single quotes, double punctuation, list items ("a.", "(ii)", "1."),
# "Co. KG", pysbd's exclamation words, parentheses between quotes.
_UNSAFE = re.compile(
    r"[^\x20-\x7e£€\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff’]"
    r"|[{}<>\\|*#~^_`@]|--|-\"|\s'|^'|  |[.!?]'|[.!?][.!?]|[.!?] [.!?]|\W’|’\W|\.\[|Yahoo!|Yum!|Y!J"
    r"|(?<![^\s(])[a-z]\.|(?<![^\s(])(?:[a-z]|i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx)\)"
    r"|^\d{1,2}\.|Co\. KG|[\"”]\s\(.*\)\s[\"“]"
    r"|\((?=[mdclxvi])m*(?:c[md]|d?c*)(?:x[cl]|l?x*)(?:i[xv]|v?i*)\)",
    re.I,
)
_ENDER = re.compile(r"[.!?]")
_DIGIT_DOT = re.compile(r"\d\.")
"""Every item pattern of pysbd's numbered lists needs a digit followed by a period: without
one, the (slow) list search cannot match."""
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")
_TOKEN = re.compile(r"(?:[A-Za-z0-9£$€\u00c0-\u00ff]|(?<=\w)['’&-](?=\w)|(?<=\d)[.,](?=\d))+%?")
_NEXT_IS_I = re.compile(r" (?:I\s|I'm|I'll)")


def _consecutive(numbers: list[str]) -> bool:
    """pysbd treats "... 3) ... 4)" or "... 3. ... 4." as a list when two items are consecutive."""
    n = [int(x) for x in numbers]
    return any(b == a + 1 or (a, b) in ((9, 0), (0, 9)) for a, b in zip(n, n[1:], strict=False))


def _enclose(s: str, inside: bytearray, opening: str, closing: str) -> bool:
    """Mark balanced, unnested ``opening``..``closing`` asides in ``inside``; False if unsure."""
    depth, at = 0, -1
    for i, ch in enumerate(s):
        if ch == opening:
            if depth or i < 2 or s[i - 1] != " " or s[i - 2] in '.!?"':
                return False  # nested, or opening a sentence (pysbd has rules for that)
            depth, at = 1, i
        elif ch == closing:
            if not depth or i - at < 3:
                return False
            depth = 0
            inside[at:i] = b"\x01" * (i - at)
    return not depth


def _fast_starts(s: str) -> list[int] | None:
    """Sentence starts in ``s`` (trimmed, non-empty) exactly as pysbd would give them, or None
    where these rules cannot be sure (the caller then asks pysbd)."""
    n = len(s)
    abbreviations, prepositive, numbered, numbered_parens = _rules()
    if (_UNSAFE.search(s)
            or (_DIGIT_DOT.search(s) and _consecutive(numbered.findall(s)))
            or _consecutive(numbered_parens.findall(s))):
        return None
    # Straight double quotes pair left to right, as in pysbd; nothing inside a pair ends a sentence.
    quotes = [i for i, c in enumerate(s) if c == '"']
    closing = set(quotes[1::2])  # after a period outside quotes, a quote always opens
    for c in closing:
        if s[c - 1] == '"':
            return None
        if c + 2 < n and s[c + 1] == " " and "A" <= s[c + 2] <= "Z" and s[c - 1] not in ",.?!":
            return None  # a quote ending in a word, then a capital: pysbd may make it a sentence
    inside = bytearray(n)
    for o, c in zip(quotes[0::2], quotes[1::2], strict=False):
        inside[o:c] = b"\x01" * (c - o)
    if ("(" in s or ")" in s) and not _enclose(s, inside, "(", ")"):
        return None
    if ("[" in s or "]" in s) and not _enclose(s, inside, "[", "]"):
        return None
    starts = [0]
    for m in _ENDER.finditer(s):
        a = m.start()
        if a == n - 1:
            break
        if a == 0:
            return None
        p, nx = s[a], s[a + 1]
        if nx == '"':
            if p != "." or a + 1 in closing or s[a - 1].isdigit():
                # The mark is inside the quote (or protected): the sentence ends after the
                # quote when a space and a capital follow (pysbd's "quotation at end" rule).
                if a + 2 == n:
                    break
                if s[a + 2] != " ":
                    return None
                if a + 3 < n and "A" <= s[a + 3] <= "Z":
                    starts.append(a + 3)
                continue
            nxt = a + 1  # a period, then an opening quote: the quote starts the next sentence
        elif inside[a]:
            continue
        elif nx != " ":
            if (p == "." and _ASCII_WORD.match(s, a - 1) and _ASCII_WORD.match(s, a + 1)
                    and s[a - 2:a - 1] != "." and not (nx.isdigit() and not s[a - 1].isdigit())):
                continue  # 3.5, bbc.co.uk: never a boundary
            return None
        else:
            nxt = a + 2
            if nxt >= n:
                return None
        token = s[s.rfind(" ", 0, a) + 1:a].lstrip('("').rstrip(')"')
        if len(token) < 2 or not _TOKEN.fullmatch(token):
            return None
        low = token.lower()
        if low in prepositive:
            return None
        ch = s[nxt]
        if low in abbreviations and (_NEXT_IS_I.match(s, a + 1)
                                     or not ("A" <= ch <= "Z" or ch == '"')):
            return None  # pysbd keeps the period of "may." before "I", a digit, lower case...
        if (p != "." and not "A" <= ch <= "Z") or not (ch.isalnum() or ch == '"'):
            return None
        starts.append(nxt)
    return starts


def _pysbd_starts(s: str) -> list[int]:
    """Sentence starts in ``s`` (trimmed) from pysbd, located by search so offsets are exact.
    Text pysbd altered and cannot be found stays in the sentence before it."""
    starts: list[int] = []
    cursor = 0
    for piece in _segmenter().segment(s):
        piece = piece.strip()
        if not piece:
            continue
        at = s.find(piece, cursor)
        if at < 0:
            continue  # pysbd changed this piece; it stays in the previous sentence
        starts.append(at)
        cursor = at + len(piece)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def sentence_spans(raw: str, fast: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``raw``, trimmed of whitespace, in order.

    pysbd's boundaries: taken by the fast rules above where they are certain (``fast=False``
    always runs pysbd, to check that they agree). No character is ever dropped.
    """
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw.rstrip())
    if lead >= trail:
        return []
    if not _CANDIDATE.search(raw, lead, trail - 1):
        return [(lead, trail)]
    s = raw[lead:trail]
    starts = (_fast_starts(s) if fast else None) or _pysbd_starts(s)
    bounds = [lead + a for a in starts] + [trail]
    spans = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        b2 = len(raw[:b].rstrip())
        if a < b2:
            spans.append((a, b2))
    return spans


def split_sentences(article: Article) -> pd.DataFrame:
    """The ``sentences`` table: ``para_no``, ``sent_no`` (1.. within the paragraph), ``start``,
    ``end`` (offsets into ``article.text``) and ``text`` (cleaned like the paragraphs)."""
    blocks = article.blocks
    body = (blocks["kind"] == "body").to_numpy()
    cols: dict[str, list] = {c: [] for c in SENTENCE_COLUMNS}
    text = article.text
    for para_no, start, end in zip(blocks["para_no"].to_numpy()[body].tolist(),
                                   blocks["start"].to_numpy()[body].tolist(),
                                   blocks["end"].to_numpy()[body].tolist(), strict=True):
        raw = text[start:end]
        for sent_no, (a, b) in enumerate(sentence_spans(raw), start=1):
            cols["para_no"].append(para_no)
            cols["sent_no"].append(sent_no)
            cols["start"].append(start + a)
            cols["end"].append(start + b)
            cols["text"].append(clean_text(raw[a:b]))
    # Built column by column with explicit dtypes: no per-row objects, no astype pass.
    return columns_frame(cols, ["object" if c == "text" else "int64" for c in cols])
