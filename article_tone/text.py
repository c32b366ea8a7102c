"""Sentences (and, below, tokens), offline: pysbd for sentence boundaries, no NLTK data."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

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
# plain: sentences end in ". " before a capital, quotes are paired, parentheses are short
# asides. For such a paragraph the rules below give exactly pysbd's boundaries; for anything
# they do not model (lists, multi-period abbreviations such as "U.S.", "!!", curly quotes,
# line breaks, ...) they give up and pysbd decides. Measured on the BBC corpus: 98% of the
# paragraphs that need splitting take the fast path, and every paragraph is split exactly as
# pysbd splits it (``python -m benchmarks.run`` re-measures this).
#
# How pysbd 0.3.4 (``Processor.process``) decides, as far as it matters here: it replaces
# every "." "!" "?" that cannot end a sentence by a placeholder (abbreviations, numbers,
# ellipses, punctuation between quotes or parentheses, ...), cuts the text with
# ``SENTENCE_BOUNDARY_REGEX`` after each remaining mark (a "segment"), then cuts a segment
# once more after ``."`` / ``.'`` followed by a space and a capital
# (``QUOTATION_AT_END_OF_SENTENCE_REGEX``). ``_fast_starts`` follows the same three steps.


class _Rules(NamedTuple):
    """pysbd's own lists and patterns, so the fast path and pysbd never drift apart."""

    abbreviations: frozenset[str]
    prepositive: frozenset[str]
    number_abbreviations: frozenset[str]
    numbered_list: re.Pattern
    numbered_list_parens: re.Pattern
    dotted_abbreviation: re.Pattern
    """pysbd searches each abbreviation as a regex: with "e.g" in the text, " eng." is one."""
    between_single_quotes: re.Pattern
    word_with_leading_apostrophe: re.Pattern
    file_format: re.Pattern


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    """pysbd's abbreviation lists, list-item, quote and file-name patterns."""
    from pysbd.between_punctuation import BetweenPunctuation
    from pysbd.lang.common.standard import Standard
    from pysbd.lists_item_replacer import ListItemReplacer

    abbr = Standard.Abbreviation
    return _Rules(
        frozenset(a.lower() for a in abbr.ABBREVIATIONS),
        frozenset(abbr.PREPOSITIVE_ABBREVIATIONS),
        frozenset(abbr.NUMBER_ABBREVIATIONS),
        re.compile(ListItemReplacer.NUMBERED_LIST_REGEX_1),
        re.compile(ListItemReplacer.NUMBERED_LIST_PARENS_REGEX),
        re.compile("|".join(re.escape(a) for a in abbr.ABBREVIATIONS if "." in a)),
        re.compile(BetweenPunctuation.BETWEEN_SINGLE_QUOTES_REGEX),
        re.compile(BetweenPunctuation.WORD_WITH_LEADING_APOSTROPHE),
        re.compile(Standard.FileFormatRule.pattern),
    )


# Anything here sends the paragraph to pysbd: characters beyond plain text (tabs, line breaks,
# curly quotes), double punctuation other than "...", list items ("a.", "(ii)", "1."),
# "Co. KG", pysbd's exclamation words, parentheses between quotes, "-" before a quote, a
# period between a word and a digit (pysbd's NUMBERED_REFERENCE_REGEX may cut after "p.7").
_UNSAFE = re.compile(
    r"[^\x20-\x7e£€\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff’]"
    r"|[{}<>\\|*#~^_`@]|--|-[\"']|  |[!?][.!?]|\.[!?]|[.!?] [.!?]|\W’|’\W|\.\[|Yahoo!|Yum!|Y!J"
    r"|(?<![^\s(])(?-i:[a-z])\.|(?<![^\s(])(?:[a-z]|i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx)\)"
    r"|^\d{1,2}\.|(?<=[^\d\s])\.\d|Co\. KG|[\"”]\s\(.*\)\s[\"“]"
    r"|\((?=[mdclxvi])m*(?:c[md]|d?c*)(?:x[cl]|l?x*)(?:i[xv]|v?i*)\)",
    re.I,
)
_ROMAN_BY_WIDTH = ("[a-z]", "ii|iv|vi|ix|xi|xv|xx", "iii|vii|xii|xiv|xvi|xix", "viii|xiii|xvii",
                   "xviii")
"""``[a-z]|i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xvi{0,3}|xix|xx`` of :data:`_UNSAFE`, by width."""
_UNSAFE_PARTS = tuple(
    re.compile(p, re.I)
    for p in (
        r"[^\x20-\x7e£€\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff’]",
        r"[{}<>\\|*#~^_`@]",
        r"--|-[\"']",
        r"  ",
        r"[!?][.!?]",
        r"\.[!?]",
        r"[.!?] [.!?]",
        r"’(?<=\W’)",
        r"’\W",
        r"\.\[",
        r"Y(?:ahoo!|um!|!J)",
        r"\.(?<=(?<![^\s(])(?-i:[a-z])\.)",
        *(rf"\)(?<=(?<![^\s(])(?:{alts})\))" for alts in _ROMAN_BY_WIDTH),
        r"^\d{1,2}\.",
        r"\.(?<=[^\d\s]\.)\d",
        r"Co\. KG",
        r"[\"”]\s\(.*\)\s[\"“]",
        r"\((?=[mdclxvi])m*(?:c[md]|d?c*)(?:x[cl]|l?x*)(?:i[xv]|v?i*)\)",
    )
)
""":data:`_UNSAFE`, one alternative at a time, each opening with the character it consumes
first (a look-behind moved after it): the regex engine then skips ahead to that character
instead of trying some twenty alternatives at every position. ``_unsafe(s)`` is
``_UNSAFE.search(s) is not None`` (a test checks it), about four times faster."""


def _unsafe(s: str) -> bool:
    """Whether :data:`_UNSAFE` matches anywhere in ``s``."""
    return any(rx.search(s) for rx in _UNSAFE_PARTS)


_NUMBERED_ITEM = re.compile(r"\.(?:(?<=(?<!\d)\d\.)|(?<=(?<!\d)\d\d\.))[\s)]")
"""What every item of pysbd's numbered lists (``numbered_list``) needs: a number of one or two
digits, then a period and a space or ")". Two are needed for :func:`_consecutive` to hold."""
_ENDER = re.compile(r"[.!?]")
_DOUBLE_QUOTE = re.compile('"')
_APOSTROPHE = re.compile("'")
_APOSTROPHE_SPACE = re.compile(r"'\s")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")
_LOWER_AFTER_COMMA = re.compile(r", [a-z]")
_POSSESSIVE = re.compile(r"'s(?:\s|\Z)")
"""pysbd's PossessiveAbbreviationRule: the period of "Corp.'s" ends no sentence."""
_TOKEN = re.compile(
    r"(?:[A-Za-z0-9£$€\u00c0-\u00ff]|(?<=\w)['’&:/-](?=\w)|(?<=\d)[.,](?=\d))+[%']?")
_DOTTED_TOKEN = re.compile(r"\w+(?:\.\w+)+%?", re.A)
"""bbc.co.uk, 4.7.1: the inner periods never end a sentence (numbers, e-mail rules)."""
_MULTI_PERIOD = re.compile(r"\b[a-z](?:\.[a-z])+\Z", re.I)
"""pysbd's ``MULTI_PERIOD_ABBREVIATION_REGEX`` ("U.S.", "p.m."): the final period stays."""
_KEEPS_PERIOD = re.compile(r" (?:[a-z]|I\s|I'm|I'll|\d|\()")
"""After an abbreviation such as "may.", pysbd keeps the period before these
(``AbbreviationReplacer.replace_period_of_abbr``)."""
_RESPLIT = re.compile(r"(?:I|i.v|I.V)\Z")
"""pysbd turns a kept period back into a boundary after "I" or "i v" before a sentence
starter (``replace_abbreviation_as_sentence_boundary``): not modelled."""
_SEGMENT_QUOTE = {"'": re.compile(r"'[^']*[^,]'(?=\s[A-Z])"),
                  '"': re.compile(r'"[^"]*[^,]"(?=\s[A-Z])')}
"""The alternatives of pysbd's ``SENTENCE_BOUNDARY_REGEX`` for a segment opening with a quote:
a quotation followed by a capital is a sentence of its own, whatever it ends in."""


def _two(rx: re.Pattern, s: str) -> bool:
    """Whether ``rx`` matches at two places or more in ``s``."""
    it = rx.finditer(s)
    return next(it, None) is not None and next(it, None) is not None


def _consecutive(numbers: list[str]) -> bool:
    """pysbd treats "... 3) ... 4)" or "... 3. ... 4." as a list when two items are consecutive."""
    n = [int(x) for x in numbers]
    return any(b == a + 1 or (a, b) in ((9, 0), (0, 9)) for a, b in zip(n, n[1:], strict=False))


def _enclose(s: str, inside: bytearray, opening: str, closing: str) -> bool:
    """Mark balanced, unnested ``opening``..``closing`` asides in ``inside``; False if unsure."""
    depth, at = 0, -1
    for i, ch in enumerate(s):
        if ch == opening:
            if depth:
                return False  # nested
            depth, at = 1, i
        elif ch == closing:
            if not depth or i - at < 2:
                return False
            depth = 0
            inside[at:i] = b"\x01" * (i - at)
    return not depth


def _protected(s: str) -> tuple[bytearray, str] | None:
    r"""Where pysbd's ``BetweenPunctuation`` hides "." "!" "?" (they end no sentence there), and
    ``s`` as its sentence regex sees the apostrophes; None if unsure.

    Straight double quotes pair left to right (an empty pair "" is left to pysbd), as do
    unnested parentheses and square brackets; inside them pysbd also hides "'"
    (``replace_punctuation``), so those apostrophes are "\x00" in the returned text. Single
    quotes use pysbd's own patterns: a quote after a space up to the next quote that no letter
    follows, unless a quoted word runs on into the next and no quote is followed by a space
    (``sub_punctuation_between_single_quotes``).
    """
    n = len(s)
    protected = bytearray(n)
    quotes = [m.start() for m in _DOUBLE_QUOTE.finditer(s)]
    for o, c in zip(quotes[0::2], quotes[1::2], strict=False):
        if c == o + 1:
            return None  # pysbd does not pair an empty quote, and pairs the next ones differently
        protected[o:c] = b"\x01" * (c - o)
    if ("(" in s or ")" in s) and not _enclose(s, protected, "(", ")"):
        return None
    if ("[" in s or "]" in s) and not _enclose(s, protected, "[", "]"):
        return None
    seen = s
    if "'" in s:
        hidden = [m.start() for m in _APOSTROPHE.finditer(s) if protected[m.start()]]
        if hidden:
            chars = list(s)
            for i in hidden:
                chars[i] = "\x00"
            seen = "".join(chars)
        rules = _rules()
        ending = s if s[-1] in ".!?" else s + "\u0238"  # pysbd's temporary ending mark
        if not rules.word_with_leading_apostrophe.search(ending) or _APOSTROPHE_SPACE.search(s):
            for m in rules.between_single_quotes.finditer(s):
                protected[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return protected, seen


def _period_kept(s: str, a: int, token: str) -> bool | None:
    """Whether pysbd keeps the period at ``s[a]`` (followed by a space) inside the sentence
    because of the word ``token`` before it; None if unsure.

    Abbreviations are pysbd's lists, matched case-insensitively on the whole word as written
    (pysbd's look-behind needs a space right before it): prepositive ones ("Mr.", "St.") always
    keep it, number ones ("No.", "pp.") before a digit or "(", the others before a lower-case
    letter, a digit, "(" or "I" (``AbbreviationReplacer``). A single capital letter keeps it
    (``SingleLetterAbbreviationRules``); "U.S." and "p.m." are left to pysbd.
    """
    rules = _rules()
    if not token:
        return False  # a bare " ." ends the sentence
    core = token.strip("()\"'")
    low = core.lower()
    if core != token:
        # pysbd's abbreviation and single-letter rules need a space right before the word and
        # the period right after it: "(MS)." or '"A.' ends a sentence like any word.
        return False if _TOKEN.fullmatch(core) else None
    if len(token) == 1:  # the single-letter rules run before the abbreviation lists
        if token.isdigit():
            return False
        if not "A" <= token <= "Z":
            return None
        kept = True
    elif low in rules.prepositive:
        kept = True
    elif low in rules.number_abbreviations:
        kept = a + 2 < len(s) and (s[a + 2].isdigit() or s[a + 2] == "(")
    elif low in rules.abbreviations:
        kept = bool(_KEEPS_PERIOD.match(s, a + 1))
    elif "." in token:
        return None if _MULTI_PERIOD.search(token) or not _DOTTED_TOKEN.fullmatch(token) else False
    else:
        return None if not _TOKEN.fullmatch(token) else False
    if kept and _RESPLIT.search(s, max(0, a - 3), a):
        return None
    return kept


def _fast_starts(s: str) -> list[int] | None:
    """Sentence starts in ``s`` (trimmed, non-empty) exactly as pysbd would give them, or None
    where these rules cannot be sure (the caller then asks pysbd)."""
    n = len(s)
    rules = _rules()
    if (_unsafe(s)
            or (_two(_NUMBERED_ITEM, s) and _consecutive(rules.numbered_list.findall(s)))
            or (")" in s and _consecutive(rules.numbered_list_parens.findall(s)))
            or rules.dotted_abbreviation.search(s.lower())):
        return None
    found = _protected(s)
    if found is None:
        return None
    protected, seen = found
    starts = [0]
    # pysbd runs its sentence regex (and hides apostrophes between quotes) only when a mark
    # survives its abbreviation, number and ellipsis rules (``check_for_punctuation``): a
    # quotation opening a segment, or a hidden apostrophe, needs such a mark to be certain.
    survives = "!" in s or "?" in s
    quoted_segment = hidden_apostrophe = False

    def segment(at: int) -> bool:
        """A segment of pysbd's sentence regex opens at ``at``: record it; False if unsure."""
        nonlocal quoted_segment
        ch = s[at]
        if ch in "'\"":
            m = _SEGMENT_QUOTE[ch].match(seen, at)
            if m:  # the quotation is a sentence; the next one opens after the space
                if any(not protected[i] for i in range(at, m.end()) if s[i] in ".!?"):
                    return False
                quoted_segment = True
                if at > starts[-1]:
                    starts.append(at)
                return segment(m.end() + 1)
        elif ch in "(.!?":
            return False  # "(" and ". . ." open segments by other rules
        if at > starts[-1]:
            starts.append(at)
        return True

    def quote_split(q: int) -> bool:
        """A kept mark, then a quote at ``q``: pysbd still cuts after ``." `` before a capital
        (``QUOTATION_AT_END_OF_SENTENCE_REGEX``; an apostrophe hidden between other quotes
        does not count). False if the cut would not come after the last start."""
        nonlocal hidden_apostrophe
        if q + 2 < n and s[q + 1] == " " and "A" <= s[q + 2] <= "Z":
            if seen[q] == "\x00":
                hidden_apostrophe = True
                return True
            if q + 2 < starts[-1]:
                return False
            if q + 2 > starts[-1]:
                starts.append(q + 2)
        return True

    if not segment(0):
        return None
    skip = 0
    for m in _ENDER.finditer(s):
        a = m.start()
        if a < skip:
            continue
        if a == 0:
            return None
        p = s[a]
        if s.startswith("..", a):
            # pysbd's EllipsisRules: "..." before a space and a capital ends the sentence
            # (ThreeConsecutiveRule); any other "..." does not (OtherThreePeriodRule).
            e = a + 3
            if (not s.startswith("...", a) or s.startswith(".", e) or s[a - 1].isdigit()
                    or (e < n and s[e] in "0123456789'")):
                return None
            token = s[s.rfind(" ", 0, a) + 1:a].strip("()\"'")
            if "." in token or token.lower() in rules.abbreviations:
                return None  # an abbreviation (or "U.S") takes the first period
            skip = e
            if e == n:
                break
            if s[e] == " " and "A" <= s[e + 1] <= "Z":
                survives = True  # its last period stays, between quotes or not
                if not protected[a + 2] and not segment(e + 1):
                    return None
            elif s[e] == '"' and not quote_split(e):
                return None
            continue
        if a == n - 1:
            survives = survives or "." not in s[s.rfind(" ", 0, a) + 1:a]
            break
        nx = s[a + 1]
        if nx in "'\"":
            # "!" and "?" before a quote never end a sentence (ExclamationPointRules,
            # QuestionMarkInQuotationRule), nor does a period after a digit or before "'s".
            if (protected[a] or p != "." or s[a - 1].isdigit()
                    or _POSSESSIVE.match(s, a + 1)):
                if not quote_split(a + 1):
                    return None
                continue
            if _MULTI_PERIOD.search(s, s.rfind(" ", 0, a) + 1, a):
                return None  # a quote after "U.S." is left to pysbd
            survives = True
            if not segment(a + 1):  # a period, then a quote: the quote opens a sentence
                return None
            continue
        if protected[a]:
            continue
        if nx != " ":
            if p != ".":
                if p == "!" and _LOWER_AFTER_COMMA.match(s, a + 1):
                    continue  # pysbd's BeforeCommaMidSentenceRule
                if nx != ",":
                    return None
                survives = True  # "Christmas?, Slade's": pysbd opens a sentence at the comma
                if not segment(a + 1):
                    return None
            elif nx.isdigit() and (s[a - 1].isdigit() or s[a - 1] == " "):
                continue  # 3.5, .22: PeriodBeforeNumberRule
            elif s[a - 1] == " " and nx.isalpha():
                if not rules.file_format.match(s, a):  # " .mobi" ends a sentence, " .png" does not
                    survives = True
                    if not segment(a + 1):
                        return None
            elif not (_ASCII_WORD.match(s, a - 1) and _ASCII_WORD.match(s, a + 1)
                      and s[a - 2:a - 1] != "."):
                return None  # bbc.co.uk: never a boundary (but "U.S" is left to pysbd)
            continue
        if a + 2 >= n:
            return None
        if p == ".":
            kept = _period_kept(s, a, s[s.rfind(" ", 0, a) + 1:a])
            if kept is None:
                return None
            if kept:
                continue
        elif p == "!" and "a" <= s[a + 2] <= "z":
            continue  # pysbd's MidSentenceRule
        survives = True
        if not segment(a + 2):
            return None
    if not survives and (quoted_segment or hidden_apostrophe):
        return None
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


def sentence_columns(article: Article) -> dict[str, list]:
    """The ``sentences`` table as ``{column: list}`` (:data:`SENTENCE_COLUMNS`, in order)."""
    para_nos: list[int] = []
    sent_nos: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    text = article.text
    for para_no, start, end, _ in article.paragraph_rows:
        raw = text[start:end]
        for sent_no, (a, b) in enumerate(sentence_spans(raw), start=1):
            para_nos.append(para_no)
            sent_nos.append(sent_no)
            starts.append(start + a)
            ends.append(start + b)
            texts.append(clean_text(raw[a:b]))
    return {"para_no": para_nos, "sent_no": sent_nos, "start": starts, "end": ends, "text": texts}


SENTENCE_DTYPES = ("int64", "int64", "int64", "int64", "object")


def split_sentences(article: Article) -> pd.DataFrame:
    """The ``sentences`` table: ``para_no``, ``sent_no`` (1.. within the paragraph), ``start``,
    ``end`` (offsets into ``article.text``) and ``text`` (cleaned like the paragraphs)."""
    # Built column by column with explicit dtypes: no per-row objects, no astype pass.
    return columns_frame(sentence_columns(article), SENTENCE_DTYPES)
