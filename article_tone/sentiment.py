"""Sentence and paragraph scorers, and the words that drove each score.

* ``polarity`` in [-1, 1] and ``subjectivity`` in [0, 1]: TextBlob's default (pattern) analyzer,
  equal to ``TextBlob(text).sentiment`` (bit for bit: same tokens, same arithmetic, same order).
* ``vader_compound`` in [-1, 1]: VADER's normalised compound score, equal to
  ``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``.
* ``polarity_masked`` in [-1, 1]: TextBlob polarity with the words that belong to a proper name
  ("Black" in "Black Sea", "New" in "New Detente") neutralised, so a reader sees how much of the
  "tone" is names. Equal to ``polarity`` when no opinion word sits in a name.
* ``tone`` in [-1, 1]: the calibrated score of :mod:`article_tone.calibrated`, when available.

Why not simply ``TextBlob(t).sentiment`` per text: TextBlob builds a namedtuple class on every
call, re-tokenises with a dozen regex passes and looks words up through a lazy dict. Here the
same pattern tokenizer runs once per whitespace-separated chunk (cached across texts, so a
paragraph and its sentences share the work), the same assessment rules run over plain dicts, and
VADER runs with its per-word re-lowercasing of the whole text hoisted out. A paragraph of several
sentences is scored from its sentences' tokens, assessments and VADER word values, with only what
reaches across a sentence boundary computed again (:func:`_joined_paragraph`). The rare text where
TextBlob's emoticon or sarcasm rules could join tokens across spaces, or that holds line breaks,
is scored by TextBlob itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .article import column_index, rows_frame

SCORE_COLUMNS = ["polarity", "subjectivity", "vader_compound"]
MASKED_COLUMN = "polarity_masked"
TONE_COLUMN = "tone"
DRIVER_COLUMNS = ["para_no", "sent_no", "words", "word", "polarity", "subjectivity", "in_entity"]
"""``drivers``: one row per word or phrase TextBlob scored in a paragraph. ``words`` is the
phrase as TextBlob reports it (lower case, e.g. "much more", "not good"); ``word`` the scored
word as written in the article ("Black"); ``in_entity`` true when that word is part of a proper
name. The mean of a paragraph's ``polarity`` (``subjectivity``) is the paragraph's score."""
DRIVER_DTYPES = ("int64", "int64", "object", "object", "float64", "float64", "bool")

# ----------------------------------------------------------------------------- proper names
NAME_PHRASES = (
    "black sea",
    "new detente",
    "deep state",
    "persian gulf",
    "world cup",
    "white house",
    "united states",
    "united nations",
    "united kingdom",
    "new york",
    "new zealand",
    "new delhi",
    "great britain",
    "soviet union",
    "european union",
    "cold war",
    "middle east",
    "far east",
    "good friday",
    "wall street",
    "north korea",
    "south korea",
    "south africa",
    "red cross",
    "red sea",
    "dead sea",
    "great wall",
    "golden globe",
    "golden globes",
    "top gear",
    "multipolar world order",
    "international affairs",
    "minsk agreements",
)
"""Multi-word proper names, matched case-insensitively over tokens ("deep state" is written in
lower case in the seed). The topic lexicon adds its capitalised multi-word entries."""
CONTEXT_NAMES = {("new", "start"): ("the", "an")}
"""Names that are also ordinary phrases: "New START" is the treaty when capitalised or after
"the"/"an" ("an extension to the new start"), but "a new start" is an opinion."""
_OPENERS = frozenset({'"', "“", "‘", "'", "(", "[", "`", "``"})
_TERMINATORS = frozenset({".", "!", "?", "...", ":", ";"})
_MASK = "_name_"  # an unknown word: it neutralises the name word without joining its neighbours


@lru_cache(maxsize=8)
def name_phrases(topics_file: str | None = None) -> tuple[tuple[str, ...], ...]:
    """Multi-word names as lower-case token tuples: :data:`NAME_PHRASES` plus every capitalised
    multi-word string of the topic lexicon (``data/topics.toml`` by default; skipped if absent)."""
    from .config import TOPICS_FILE

    path = TOPICS_FILE if topics_file is None else topics_file
    try:
        import tomllib

        with open(path, "rb") as fh:
            lexicon = tomllib.load(fh)
    except (OSError, ValueError):
        lexicon = {}

    def walk(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                yield from walk(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from walk(v)
        elif isinstance(obj, str):
            yield obj

    return _name_phrases_of(tuple(walk(lexicon)))


def lexicon_name_phrases(lexicon) -> tuple[tuple[str, ...], ...]:
    """:func:`name_phrases` of a loaded :class:`~article_tone.topics.Lexicon` (its labels, terms
    and patterns: every string its file holds), so an analysis with ``--topics FILE`` knows that
    file's names without reading it again. Found once per lexicon object (it is immutable)."""
    hit = _LEXICON_NAMES.get(id(lexicon))
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    strings = tuple(
        s for t in lexicon for s in (t.label, *t.terms, *(p.pattern for p in t.patterns))
    )
    names = _name_phrases_of(strings)
    if len(_LEXICON_NAMES) >= 8:
        _LEXICON_NAMES.clear()
    _LEXICON_NAMES[id(lexicon)] = (lexicon, names)  # the lexicon is kept, so its id stays its own
    return names


_LEXICON_NAMES: dict[int, tuple[object, tuple]] = {}


@lru_cache(maxsize=8)
def _name_phrases_of(strings: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    phrases = set(NAME_PHRASES)
    for s in strings:
        words = s.split()
        if (
            2 <= len(words) <= 5
            and all(w[:1].isupper() for w in words if w.isalpha())
            and all(re.fullmatch(r"[\w.'’-]+", w) for w in words)
        ):
            phrases.add(s.lower())
    out = {tuple(p.split()) for p in phrases} - set(CONTEXT_NAMES)  # those need context
    return tuple(sorted(out, key=lambda t: (-len(t), t)))


@lru_cache(maxsize=8)
def _phrase_index(
    phrases: tuple[tuple[str, ...], ...],
) -> tuple[dict[str, list[tuple[str, ...]]], int]:
    """``phrases`` by their first word (longest first), and the length of the longest."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for ph in phrases:  # longest first
        out.setdefault(ph[0], []).append(ph)
    return out, max((len(p) for p in phrases), default=1)


def entity_flags(
    tokens: Sequence[str],
    starts: Sequence[int] = (0,),
    phrases: tuple[tuple[str, ...], ...] | None = None,
    only: Sequence[int] | None = None,
) -> list[bool]:
    """True for each token that is part of a proper name rather than an opinion.

    ``tokens`` as written (TextBlob's tokens, punctuation separate); ``starts`` the token
    positions where a sentence begins; ``only``, optional, the positions worth deciding (the
    others are False). Offline rules, no tagger data:

    * a known multi-word name (:func:`name_phrases`), any case: "Black Sea", "deep state";
    * a capitalised word inside a sentence (not right after an opening quote): "Lavrov";
    * a capitalised word at a sentence start or after an opening quote when the next word is
      capitalised too: "New Detente", "Great Britain" (not "Sincere thanks", not "I").
    All-caps words found in TextBlob's lexicon ("GREAT") count as emphasis, not names.
    """
    return _entity_flags(tokens, [t.lower() for t in tokens], starts, phrases, only)


def _entity_flags(
    tokens: Sequence[str],
    lows: Sequence[str],
    starts: Sequence[int],
    phrases: tuple[tuple[str, ...], ...] | None,
    only: Sequence[int] | None,
) -> list[bool]:
    """:func:`entity_flags`, given the lower-case ``lows`` of ``tokens``."""
    n = len(tokens)
    flags = [False] * n
    if only is not None and not only:
        return flags
    phrases = name_phrases() if phrases is None else phrases
    by_first, longest = _phrase_index(phrases)
    lex = _pattern_lexicon()[0]
    start_set = set(starts)

    def low(j: int) -> str:
        return lows[j] if 0 <= j < n else ""

    def is_cap(j: int) -> bool:
        t = tokens[j] if 0 <= j < n else ""
        return t[:1].isupper() and t != "I"

    def decide(i: int) -> bool:
        for a in range(max(0, i - longest + 1), i + 1):  # a known name covering i
            for ph in by_first.get(lows[a], ()):
                if a + len(ph) > i and tuple(lows[a : a + len(ph)]) == ph:
                    return True
        for a in (i - 1, i):  # "the new start"
            before = CONTEXT_NAMES.get((low(a), low(a + 1)))
            if before and (is_cap(a) or low(a - 1) in before):
                return True
        if not is_cap(i):
            return False
        t = tokens[i]
        if t.isupper() and len(t) > 1 and lows[i] in lex:
            return False  # shouting, not a name
        j = i - 1
        while j >= 0 and tokens[j] in _OPENERS and j + 1 not in start_set:
            j -= 1
        initial = i in start_set or j < 0 or tokens[j] in _TERMINATORS or (j + 1) in start_set
        if not initial and j == i - 1:
            return True  # capitalised inside a sentence
        return is_cap(i + 1) and not lows[i].endswith("ly")

    for i in range(n) if only is None else only:
        flags[i] = decide(i)
    return flags


# ----------------------------------------------------------------------------- TextBlob, exactly
@lru_cache(maxsize=1)
def _textblob_text():
    """TextBlob's ``textblob/_text.py`` (pattern's tokenizer and sentiment lexicon code).

    ``import textblob`` runs ``textblob/__init__``, which imports NLTK and, through it, scipy:
    about 1.4 s in every fresh process (each Dask worker), for code the scoring here never uses.
    ``_text.py`` itself imports only the standard library, so it is loaded from TextBlob's own
    file under a private name: the same code, without the package's imports. If TextBlob is
    already imported, or its layout is not the expected one, its module is used as is."""
    import sys

    mod = sys.modules.get("textblob._text")
    if mod is not None:
        return mod
    try:
        import importlib.util
        from pathlib import Path

        spec = importlib.util.find_spec("textblob")  # finds the package, does not run it
        path = Path(spec.submodule_search_locations[0], "_text.py")
        private = importlib.util.spec_from_file_location("_article_tone_textblob_text", path)
        mod = importlib.util.module_from_spec(private)
        private.loader.exec_module(mod)
        mod.Sentiment, mod.EMOTICONS, mod.replacements, mod.TOKEN  # noqa: B018 (the parts used)
    except Exception:
        from textblob import _text as mod
    return mod


@lru_cache(maxsize=1)
def _textblob_sentiment():
    """``textblob.en.sentiment`` (the English lexicon of TextBlob's PatternAnalyzer), built as
    ``textblob/en/__init__.py`` builds it, from its ``en-sentiment.xml``, without importing
    the ``textblob`` package (see :func:`_textblob_text`)."""
    import sys

    if "textblob.en" in sys.modules:
        return sys.modules["textblob.en"].sentiment
    tt = _textblob_text()
    if tt.__name__ == "textblob._text":  # the real package is loaded anyway
        from textblob.en import sentiment

        return sentiment

    class Sentiment(tt.Sentiment):  # textblob.en.Sentiment, verbatim
        def load(self, path=None):
            tt.Sentiment.load(self, path)
            # Map "terrible" to adverb "terribly" (+1% accuracy)
            if not path:
                for w, pos in list(dict.items(self)):
                    if "JJ" in pos:
                        if w.endswith("y"):
                            w = w[:-1] + "i"
                        if w.endswith("le"):
                            w = w[:-2]
                        p, s, i = pos["JJ"]
                        self.annotate(w + "ly", "RB", p, s, i)

    import os

    # textblob.en's tokenizer is its Parser's find_tokens (the English Parser subclass only
    # changes tagging and lemmata, which scoring a string never uses).
    parser = tt.Parser(lexicon={}, default=("NN", "NNP", "CD"), language="en")
    return Sentiment(
        path=os.path.join(os.path.dirname(tt.__file__), "en", "en-sentiment.xml"),
        synset="wordnet_id",
        negations=("no", "not", "n't", "never"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("ly"),
        tokenizer=parser.find_tokens,
        language="en",
    )


@lru_cache(maxsize=1)
def _pattern_lexicon():
    """TextBlob's English sentiment lexicon as plain dicts (loaded once).

    Returns (lex, labels, emoticons, negations): lex maps word -> (p, s, i, is_modifier) for the
    part-of-speech ``None`` entry that TextBlob uses on plain strings."""
    tt = _textblob_text()
    pattern = _textblob_sentiment()

    len(pattern)  # force the lazy load
    lex = {}
    for w, pos in dict.items(pattern):
        if None in pos:
            p, s, i = pos[None]
            lex[w] = (p, s, i, any(m in pos for m in pattern.modifiers))
    emoticons: dict[str, float] = {}
    for (_type, p), e in tt.EMOTICONS.items():
        for x in e:
            emoticons.setdefault(x.lower(), p)
    return lex, dict(pattern.labeler), emoticons, tuple(pattern.negations)


@lru_cache(maxsize=1)
def _tokenizer_parts():
    tt = _textblob_text()

    # Every way an emoticon or the sarcasm mark "(!)" can match with at least one space inside:
    # only then can TextBlob's post-processing join tokens, and the fast path would differ.
    variants = set()
    for e in [x for v in tt.EMOTICONS.values() for x in v] + ["(!)"]:
        parts = [re.escape(c) for c in e]
        for g in range(1, len(parts)):
            variants.add(
                "".join(
                    p + ("" if k + 1 == len(parts) else (" " if k + 1 == g else " ?"))
                    for k, p in enumerate(parts)
                )
            )
    return tt, re.compile("|".join(sorted(variants)))


_CHUNK_CACHE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
"""Whitespace-separated chunk -> its TextBlob tokens and those in lower case. (Chunks are cut
with ``str.split()``, which splits at exactly the characters that the regex ``\\s`` matches.)"""
_CHUNK_CACHE_MAX = 500_000


_QUOTES = re.compile("[“”‘’'\"]")


@lru_cache(maxsize=1)
def _replacements():
    tt = _textblob_text()

    assert all("'" in a for a in tt.replacements)  # the shortcut in _chunk_tokens relies on it
    return [(re.compile(a), b) for a, b in tt.replacements.items()]


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """Tokens of one whitespace-free chunk, exactly as ``textblob._text.find_tokens`` makes them
    (its token loop, without the sentence grouping, which never changes tokens)."""
    if chunk.isalnum():
        return (chunk,)  # nothing to replace or split: the loop below would keep it whole
    tt, _ = _tokenizer_parts()
    s = chunk
    if "'" in s:  # every contraction pattern holds an apostrophe
        for rx, b in _replacements():
            s = rx.sub(b, s)
    if _QUOTES.search(s):
        s = (
            s.replace("“", " “ ")
            .replace("”", " ” ")
            .replace("‘", " ‘ ")
            .replace("’", " ’ ")
            .replace("'", " ' ")
            .replace('"', ' " ')
        )
        s = re.sub(r"\s+", " ", s)
    punctuation = tuple(tt.PUNCTUATION.replace(".", ""))
    replace = tt.replacements
    tokens = []
    for t in tt.TOKEN.findall(s + " "):
        if len(t) > 0:
            tail = []
            while t.startswith(punctuation) and t not in replace:
                if t.startswith(punctuation):
                    tokens.append(t[0])
                    t = t[1:]
            while t.endswith(punctuation + (".",)) and t not in replace:
                if t.endswith(punctuation):
                    tail.append(t[-1])
                    t = t[:-1]
                if t.endswith("..."):
                    tail.append("...")
                    t = t[:-3].rstrip(".")
                if t.endswith("."):
                    if (
                        t in tt.ABBREVIATIONS
                        or tt.RE_ABBR1.match(t) is not None
                        or tt.RE_ABBR2.match(t) is not None
                        or tt.RE_ABBR3.match(t) is not None
                    ):
                        break
                    tail.append(t[-1])
                    t = t[:-1]
            if t != "":
                tokens.append(t)
            tokens.extend(reversed(tail))
    return tuple(tokens)


def _chunk_entry(chunk: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tokens of a chunk and the same in lower case (cached while the cache has room)."""
    toks = _chunk_tokens(chunk)
    entry = (toks, tuple(t.lower() for t in toks))
    if len(_CHUNK_CACHE) < _CHUNK_CACHE_MAX:
        _CHUNK_CACHE[chunk] = entry
    return entry


def pattern_tokens(text: str) -> tuple[list[str], list[int], bool]:
    """TextBlob's tokens of ``text`` as written, the chunk (whitespace-separated piece) each
    comes from, and whether the fast path is exact for this text (see the module docstring)."""
    return _pattern_tokens(text)[:3]


def _pattern_tokens(text: str) -> tuple[list[str], list[int], bool, list[str]]:
    """:func:`pattern_tokens`, plus the tokens in lower case."""
    _, guard = _tokenizer_parts()
    get = _CHUNK_CACHE.get
    tokens: list[str] = []
    words: list[str] = []
    chunk_of: list[int] = []
    for k, chunk in enumerate(text.split()):
        toks, lows = get(chunk) or _chunk_entry(chunk)
        tokens += toks
        words += lows
        if len(toks) == 1:  # most chunks are one token
            chunk_of.append(k)
        else:
            chunk_of += [k] * len(toks)
    exact = (
        "\n" not in text
        and "\r" not in text
        and "END-OF-SENTENCE" not in text
        and guard.search(" ".join(tokens)) is None
    )
    return tokens, chunk_of, exact, words


def assess(words: Sequence[str]) -> list[tuple[list[str], float, float, object, int]]:
    """TextBlob's ``Sentiment.assessments`` over lower-case ``words``, plus the position of the
    word that carries each score: (words, polarity, subjectivity, label, head)."""
    return _assess(words)[0]


def _assess(words: Sequence[str]) -> tuple[list[tuple], bool]:
    """:func:`assess`, and whether the assessments of ``words`` followed by more words are
    these assessments followed by those of the more words alone (``joinable``).

    TextBlob's loop carries two things from one word to the next: a pending modifier ("very")
    and a pending negation ("not"); and a "!" strengthens the assessment before it, wherever
    that is. So ``words`` are joinable when nothing is pending at their end; the words that
    follow must in turn hold no "!" before their own first assessment
    (:func:`_bang_first`)."""
    lex, labels, emoticons, negations = _pattern_lexicon()
    tt = _textblob_text()
    IRONY, MOOD, PUNCTUATION = tt.IRONY, tt.MOOD, tt.PUNCTUATION  # noqa: N806

    a: list[dict] = []
    m = None
    n = None
    for k, w in enumerate(words):
        e = lex.get(w)
        if e is not None:
            p, s, i, is_mod = e
            if m is None:
                a.append({"w": [w], "p": p, "s": s, "i": i, "n": 1, "x": labels.get(w), "k": k})
            if m is not None:
                last = a[-1]
                last["w"].append(w)
                last["p"] = max(-1.0, min(p * last["i"], +1.0))
                last["s"] = max(-1.0, min(s * last["i"], +1.0))
                last["i"] = i
                last["x"] = labels.get(w)
                last["k"] = k
            if n is not None:
                a[-1]["w"].insert(0, n)
                a[-1]["i"] = 1.0 / a[-1]["i"]
                a[-1]["n"] = -1
            m = None
            n = None
            if is_mod:
                m = w
            if w in negations:
                n = w
        else:
            if w in negations:
                n = w
            elif n and len(w.strip("'")) > 1:
                n = None
            if n is not None and m is not None and m.endswith("ly"):
                a[-1]["w"].append(n)
                a[-1]["n"] = -1
                n = None
            elif m and len(w) > 2:
                m = None
            if w == "!" and len(a) > 0:
                a[-1]["w"].append("!")
                a[-1]["p"] = max(-1.0, min(a[-1]["p"] * 1.25, +1.0))
            if w == "(!)":
                a.append({"w": [w], "p": 0.0, "s": 1.0, "i": 1.0, "n": 1, "x": IRONY, "k": k})
            if w.isalpha() is False and len(w) <= 5 and w not in PUNCTUATION:
                p = emoticons.get(w)
                if p is not None:
                    a.append({"w": [w], "p": p, "s": 1.0, "i": 1.0, "n": 1, "x": MOOD, "k": k})
    out = [(d["w"], d["p"] * -0.5 if d["n"] < 0 else d["p"], d["s"], d["x"], d["k"]) for d in a]
    return out, m is None and n is None


def _bang_first(words: Sequence[str], assessments: list[tuple]) -> bool:
    """Whether ``words`` hold a "!" before the word of their first assessment (or any "!" when
    they have none): after other words, it would strengthen their last assessment."""
    if "!" not in words:
        return False
    first = assessments[0][4] if assessments else len(words)
    return "!" in words[:first]


def _avg(values) -> float:
    s, n = 0, 0
    for v in values:
        s += 1 * v
        n += 1
    return s / float(n or 1)


# ----------------------------------------------------------------------------- VADER, faster
@lru_cache(maxsize=1)
def _vader():
    """VADER with the same rules, run over words lower-cased once (VADER lower-cases the whole
    text again for every lexicon word it looks at).

    ``polarity_scores`` of a text without a one-character emoji (VADER's only text rewrite) runs
    VADER's loop, ``sentiment_valence``, ``scalar_inc_dec``, ``_negation_check``,
    ``_special_idioms_check`` and ``_least_check`` over that list, in VADER's order and with
    VADER's arithmetic; ``_but_check`` and ``score_valence`` are VADER's own. Its words (VADER's
    ``SentiText``: whitespace-split, punctuation stripped) are cached per chunk. A text with an
    emoji is scored by VADER itself."""
    from vaderSentiment import vaderSentiment as vs

    booster, special, n_scalar, c_incr = vs.BOOSTER_DICT, vs.SPECIAL_CASES, vs.N_SCALAR, vs.C_INCR
    negate = frozenset(vs.NEGATE)
    phrase_words = frozenset(
        w for k in [*special, *booster] if " " in k for w in k.split(" ")
    )  # the words of multi-word keys (see _idioms)
    strip_word = vs.SentiText._strip_punc_if_word
    but_check = vs.SentimentIntensityAnalyzer._but_check

    def negated(w: str) -> bool:  # vs.negated([w]) for a lower-case word
        return w in negate or "n't" in w

    class FastVader(vs.SentimentIntensityAnalyzer):
        def __init__(self):
            super().__init__()
            # (every one is beyond ASCII: str.isascii, which costs nothing, rules them out)
            self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
            if any(k.isascii() for k in self._emoji_chars):
                raise RuntimeError("VADER has an ASCII emoji: the fast path would miss it")
            # chunk -> word, lower case, all caps, and whether VADER values it (a lexicon word,
            # not a booster: the other words are 0 whatever their neighbours)
            self._words: dict[str, tuple[str, str, bool, bool]] = {}

        def polarity_scores(self, text):
            return self.scores_and_parts(text)[0]

        def scores_and_parts(self, text):
            """``polarity_scores(text)``, and the parts that :meth:`joined_scores` reuses:
            ``(words, lower-case words, all-caps flags, cap differential, the value of each
            word before the "but" rule)``, or None when VADER itself scored the text."""
            if not (text.isascii() or self._emoji_chars.isdisjoint(text)):
                return super().polarity_scores(text), None
            text = text.strip()
            get = self._words.get
            entries = [get(chunk) or self._entry(chunk) for chunk in text.split()]
            if entries:
                words, wl, caps, valued = map(list, zip(*entries, strict=True))
            else:
                words, wl, caps, valued = [], [], [], []
            is_cap_diff = 0 < len(words) - sum(caps) < len(words)  # vs.allcap_differential
            last = len(words) - 1
            sentiments = [0] * len(words)  # VADER's loop, for the words it values
            for i in [i for i, v in enumerate(valued) if v]:
                if not (i < last and wl[i] == "kind" and wl[i + 1] == "of"):
                    sentiments[i] = self._valence(wl, caps, is_cap_diff, i)
            parts = (words, wl, caps, is_cap_diff, sentiments)
            if "but" in wl:  # _but_check changes the list it is given
                sentiments = but_check(words, list(sentiments))
            return self.score_valence(sentiments, text), parts

        def _entry(self, chunk):
            """A chunk's word (VADER's ``SentiText``: punctuation stripped), in lower case, all
            caps or not, and valued or not (cached while the cache has room)."""
            w = strip_word(chunk)
            lw = w.lower()
            e = (w, lw, w.isupper(), lw in self.lexicon and lw not in booster)
            if len(self._words) < _CHUNK_CACHE_MAX:
                self._words[chunk] = e
            return e

        @staticmethod
        def _sift_sentiment_scores(sentiments):
            """VADER's, looping over the words with a value only (the others are 0 and only
            counted): the same sums, added in the same order."""
            valued = [x for x in sentiments if x]
            pos_sum = neg_sum = 0.0
            for x in valued:
                if x > 0:
                    pos_sum += float(x) + 1
                if x < 0:
                    neg_sum += float(x) - 1
            return pos_sum, neg_sum, len(sentiments) - len(valued)

        def _value(self, wl, caps, is_cap_diff, i):
            """The value of word ``i`` before the "but" rule (the loop of ``polarity_scores``)."""
            lw = wl[i]
            if (
                lw in booster
                or (i < len(wl) - 1 and lw == "kind" and wl[i + 1] == "of")
                or lw not in self.lexicon
            ):
                return 0
            return self._valence(wl, caps, is_cap_diff, i)

        def joined_scores(self, text, parts):
            """``scores_and_parts(text)`` for a text whose whitespace-separated chunks are those
            of texts scored with :meth:`scores_and_parts` (``parts``, in order).

            A word's value depends on the three words before it and the two after it (and the
            text's cap differential), so the value of a word at least three words from the start
            of its sentence and three from its end is the same in the joined text; only the
            others are computed again."""
            if any(p is None for p in parts) or not (
                text.isascii() or self._emoji_chars.isdisjoint(text)
            ):
                return self.scores_and_parts(text)
            text = text.strip()
            words, wl, caps = [], [], []
            for p in parts:
                words += p[0]
                wl += p[1]
                caps += p[2]
            is_cap_diff = 0 < len(words) - sum(caps) < len(words)
            sentiments = []
            at = 0
            for p in parts:
                n = len(p[1])
                if p[3] == is_cap_diff and n > 5:
                    for i in (0, 1, 2):
                        sentiments.append(self._value(wl, caps, is_cap_diff, at + i))
                    sentiments += p[4][3 : n - 2]
                    for i in (n - 2, n - 1):
                        sentiments.append(self._value(wl, caps, is_cap_diff, at + i))
                else:
                    for i in range(n):
                        sentiments.append(self._value(wl, caps, is_cap_diff, at + i))
                at += n
            joined = (words, wl, caps, is_cap_diff, sentiments)
            if "but" in wl:
                sentiments = but_check(words, list(sentiments))
            return self.score_valence(sentiments, text), joined

        def _valence(self, wl, caps, is_cap_diff, i):
            """``sentiment_valence`` of the lexicon word ``wl[i]``."""
            lexicon = self.lexicon
            lw = wl[i]
            valence = lexicon[lw]
            if lw == "no" and i != len(wl) - 1 and wl[i + 1] in lexicon:
                valence = 0.0
            if (
                (i > 0 and wl[i - 1] == "no")
                or (i > 1 and wl[i - 2] == "no")
                or (i > 2 and wl[i - 3] == "no" and wl[i - 1] in ["or", "nor"])
            ):
                valence = lexicon[lw] * n_scalar
            if caps[i] and is_cap_diff:
                if valence > 0:
                    valence += c_incr
                else:
                    valence -= c_incr
            for start_i in range(0, 3):
                j = i - (start_i + 1)
                if i > start_i and wl[j] not in lexicon:
                    s = 0.0  # vs.scalar_inc_dec(words[j], valence, is_cap_diff)
                    if wl[j] in booster:
                        s = booster[wl[j]]
                        if valence < 0:
                            s *= -1
                        if caps[j] and is_cap_diff:
                            if valence > 0:
                                s += c_incr
                            else:
                                s -= c_incr
                    if start_i == 1 and s != 0:
                        s = s * 0.95
                    if start_i == 2 and s != 0:
                        s = s * 0.9
                    valence = valence + s
                    valence = self._negation(valence, wl, start_i, i)
                    if start_i == 2:
                        valence = self._idioms(valence, wl, i)
            # _least_check
            if i > 1 and wl[i - 1] not in lexicon and wl[i - 1] == "least":
                if wl[i - 2] != "at" and wl[i - 2] != "very":
                    valence = valence * n_scalar
            elif i > 0 and wl[i - 1] not in lexicon and wl[i - 1] == "least":
                valence = valence * n_scalar
            return valence

        @staticmethod
        def _negation(valence, wl, start_i, i):
            """``_negation_check`` over the lower-case words."""
            if start_i == 0:
                if negated(wl[i - (start_i + 1)]):
                    valence = valence * n_scalar
            if start_i == 1:
                if wl[i - 2] == "never" and (wl[i - 1] == "so" or wl[i - 1] == "this"):
                    valence = valence * 1.25
                elif wl[i - 2] == "without" and wl[i - 1] == "doubt":
                    valence = valence
                elif negated(wl[i - (start_i + 1)]):
                    valence = valence * n_scalar
            if start_i == 2:
                if (
                    wl[i - 3] == "never"
                    and (wl[i - 2] == "so" or wl[i - 2] == "this")
                    or (wl[i - 1] == "so" or wl[i - 1] == "this")
                ):
                    valence = valence * 1.25
                elif wl[i - 3] == "without" and (wl[i - 2] == "doubt" or wl[i - 1] == "doubt"):
                    valence = valence
                elif negated(wl[i - (start_i + 1)]):
                    valence = valence * n_scalar
            return valence

        @staticmethod
        def _idioms(valence, wl, i):
            """``_special_idioms_check`` over the lower-case words. Every phrase it looks up
            holds ``wl[i - 2]`` or ``wl[i]`` (words hold no space, so a phrase matches only
            word for word): when neither is a word of a multi-word key, nothing can match."""
            if wl[i - 2] not in phrase_words and wl[i] not in phrase_words:
                return valence
            onezero = f"{wl[i - 1]} {wl[i]}"
            twoonezero = f"{wl[i - 2]} {wl[i - 1]} {wl[i]}"
            twoone = f"{wl[i - 2]} {wl[i - 1]}"
            threetwoone = f"{wl[i - 3]} {wl[i - 2]} {wl[i - 1]}"
            threetwo = f"{wl[i - 3]} {wl[i - 2]}"
            for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
                if seq in special:
                    valence = special[seq]
                    break
            if len(wl) - 1 > i:
                zeroone = f"{wl[i]} {wl[i + 1]}"
                if zeroone in special:
                    valence = special[zeroone]
            if len(wl) - 1 > i + 1:
                zeroonetwo = f"{wl[i]} {wl[i + 1]} {wl[i + 2]}"
                if zeroonetwo in special:
                    valence = special[zeroonetwo]
            for n_gram in (threetwoone, threetwo, twoone):
                if n_gram in booster:
                    valence = valence + booster[n_gram]
            return valence

    return FastVader()


def clear_text_caches() -> None:
    """Forget every per-chunk cache built from texts seen so far: TextBlob tokens, VADER words,
    the calibrated model's features and the terms' tokens. Results do not change; for
    cold-start timings."""
    from . import terms
    from .calibrated import clear_text_caches as clear_calibrated

    _CHUNK_CACHE.clear()
    _vader()._words.clear()
    clear_calibrated()
    terms._CHUNK_TOKENS.clear()
    terms._TERM_CACHE.clear()


def vader_scores(text: str) -> dict:
    """VADER's ``polarity_scores(text)``: neg, neu, pos, compound."""
    return _vader().polarity_scores(text)


# ----------------------------------------------------------------------------- scoring
@dataclass
class Scored:
    """Everything computed for one text (kept so drivers need no second pass)."""

    polarity: float
    subjectivity: float
    polarity_masked: float
    vader: dict
    tokens: list[str]
    chunk_of: list[int]
    assessments: list
    flags: list[bool]
    words: list[str] | None = None  # the tokens in lower case
    exact: bool = True  # False: TextBlob itself scored it (see the module docstring)
    joinable: bool = False  # see _assess
    vader_parts: tuple | None = None  # see FastVader.scores_and_parts
    joined_from: tuple[str, ...] = ()  # the sentences it was scored from (_joined_paragraph)


def score_text(
    text: str,
    starts: Sequence[int] = (0,),
    _tokens=None,
    phrases: tuple[tuple[str, ...], ...] | None = None,
) -> Scored:
    """Score one text; ``starts`` are the token positions where its sentences begin; ``phrases``
    the multi-word names whose words are masked (default :func:`name_phrases`).
    (``_tokens``: :func:`_pattern_tokens` of ``text`` when the caller already has them.)"""
    tokens, chunk_of, exact, words = _pattern_tokens(text) if _tokens is None else _tokens
    a, joinable = _assess(words)
    vader, parts = _vader().scores_and_parts(text)
    return _scored(text, tokens, chunk_of, exact, words, a, joinable, starts, phrases, vader,
                   parts)


def _scored(text, tokens, chunk_of, exact, words, a, joinable, starts, phrases, vader, parts):
    """The :class:`Scored` of ``text`` from its tokens, assessments and VADER scores."""
    if exact:
        pol = _avg(x[1] for x in a)
        subj = _avg(x[2] for x in a)
    else:  # TextBlob's own analysis (see the module docstring)
        pol, subj = tuple(_textblob_sentiment()(str(text)))
    in_lex = _pattern_lexicon()[0]
    flags = _entity_flags(
        tokens, words, starts, phrases, [k for k, w in enumerate(words) if w in in_lex]
    )
    if any(flags):
        masked = [_MASK if f else w for w, f in zip(words, flags, strict=True)]
        pol_m = _avg(x[1] for x in assess(masked))
    else:
        pol_m = pol
    return Scored(pol, subj, pol_m, vader, tokens, chunk_of, a, flags, words, exact, joinable,
                  parts)


def _joined_paragraph(
    text: str, sent_texts: Sequence[str], parts: Sequence[Scored], phrases=None
) -> tuple[Scored, list[int]] | None:
    """The :class:`Scored` of a paragraph made of the sentences ``sent_texts``, scored as
    ``parts``, and the token position where each sentence begins; None when the sentences do
    not tile the paragraph chunk for chunk (the paragraph is then scored on its own).

    Exactly what :func:`score_text` gives for the paragraph, without scoring every word again:

    * TextBlob's tokens are made per whitespace-separated chunk, so the paragraph's are the
      sentences' in turn; so are its assessments where nothing carries over a sentence
      boundary (:func:`_assess`), else they are made again over the paragraph's words;
    * VADER values a word from the three words before it and the two after, so only the words
      near a sentence boundary are valued again; the "but" rule and the sums run over the
      whole paragraph, as in VADER (:meth:`FastVader.joined_scores`).
    """
    per_sent = [t.split() for t in sent_texts]
    if [c for cs in per_sent for c in cs] != text.split():
        return None
    tokens: list[str] = []
    words: list[str] = []
    chunk_of: list[int] = []
    firsts: list[int] = []  # the first chunk of each sentence
    n_chunks = 0
    for p, cs in zip(parts, per_sent, strict=True):
        firsts.append(n_chunks)
        tokens += p.tokens
        words += p.words
        chunk_of += [c + n_chunks for c in p.chunk_of] if n_chunks else p.chunk_of
        n_chunks += len(cs)
    starts, at = [], 0
    for c, p in zip(firsts, parts, strict=True):  # as _sentence_starts finds them
        try:
            starts.append(chunk_of.index(c))
        except ValueError:
            starts.append(len(chunk_of))
        if starts[-1] != at:  # a sentence whose first chunk has no token: not worth joining
            return None
        at += len(p.tokens)
    _, guard = _tokenizer_parts()
    exact = (
        "\n" not in text
        and "\r" not in text
        and "END-OF-SENTENCE" not in text
        and guard.search(" ".join(tokens)) is None
    )
    a, joinable = _joined_assessments(parts, starts, words)
    vader, vparts = _vader().joined_scores(text, [p.vader_parts for p in parts])
    sc = _scored(text, tokens, chunk_of, exact, words, a, joinable, starts, phrases, vader,
                 vparts)
    sc.joined_from = tuple(sent_texts)
    return sc, starts


def _joined_assessments(
    parts: Sequence[Scored], starts: list[int], words: list[str]
) -> tuple[list, bool]:
    """:func:`_assess` of the paragraph of ``parts`` (see :func:`_joined_paragraph`)."""
    for k in range(1, len(parts)):
        if not parts[k - 1].joinable or _bang_first(parts[k].words, parts[k].assessments):
            return _assess(words)
    out = []
    for p, at in zip(parts, starts, strict=True):
        if at:
            out += [(w, pol, subj, x, k + at) for w, pol, subj, x, k in p.assessments]
        else:
            out += p.assessments
    return out, parts[-1].joinable


def _score_unique(texts: list[str], phrases=None) -> dict[str, Scored]:
    out: dict[str, Scored] = {}
    for t in texts:
        if t not in out:
            out[t] = score_text(t, phrases=phrases)
    return out


def _matrix(scored: Sequence[Scored], tone: np.ndarray | None = None) -> np.ndarray:
    """The score columns of ``scored`` (and ``tone`` when given) as one float array: the
    columns of :func:`score_columns`."""
    arr = np.array(
        [(s.polarity, s.subjectivity, s.vader["compound"], s.polarity_masked) for s in scored],
        dtype="float64",
    ).reshape(len(scored), 4)
    if tone is not None:
        arr = np.column_stack([arr, np.asarray(tone, dtype="float64")])
    return arr


def score_columns(tone: bool = True) -> list[str]:
    """The score columns, in order: TextBlob, VADER, masked polarity and (``tone``) the
    calibrated tone."""
    return SCORE_COLUMNS + [MASKED_COLUMN] + ([TONE_COLUMN] if tone else [])


def _frame(scored: Sequence[Scored], tone: np.ndarray | None = None) -> pd.DataFrame:
    """The score columns of ``scored`` (and ``tone`` when given), as one float block."""
    return pd.DataFrame(
        _matrix(scored, tone), columns=column_index(score_columns(tone is not None))
    )


def _tone_values(texts: list[str], scored: Sequence[Scored]) -> np.ndarray | None:
    """The calibrated ``tone`` of each text (one :func:`predict_tone` call for the whole batch),
    from the base scores already computed; None when the calibrated model is not installed.

    Each distinct text is predicted once and its value repeated: a one-sentence paragraph equals
    its sentence, a mention context often equals one. The values are the same as predicting
    every row, since a text's tone never depends on its batch (rows are summed exactly)."""
    try:
        from .calibrated import _predict
    except ImportError:  # calibrated model not installed in this tree
        return None
    if not texts:
        return np.zeros(0)
    row_of: dict[str, int] = {}
    first: list[int] = []  # position of each distinct text's first occurrence
    where = []  # row of each text among the distinct ones
    for i, t in enumerate(texts):
        k = row_of.get(t)
        if k is None:
            k = row_of[t] = len(first)
            first.append(i)
        where.append(k)
    base = np.array(
        [
            (s.polarity, s.subjectivity, v["compound"], v["pos"], v["neg"], v["neu"])
            for s, v in ((scored[i], scored[i].vader) for i in first)
        ],
        dtype="float64",
    )  # BASE_COLUMNS, in order
    # A paragraph scored from its sentences has its word features made from theirs, too.
    joins = {}
    for k, i in enumerate(first):
        of = scored[i].joined_from
        if of and all(t in row_of for t in of):
            joins[k] = [row_of[t] for t in of]
    if any(j in joins for of in joins.values() for j in of):
        joins = {}  # (a sentence that is itself joined: never, but then nothing is joined)
    values = np.asarray(_predict([texts[i] for i in first], base, joins), dtype="float64")
    return values if len(first) == len(texts) else values[where]


def score_sentences(texts: Sequence[str]) -> pd.DataFrame:
    """Score every text; one row per text, in order.

    Columns: ``polarity`` in [-1, 1], ``subjectivity`` in [0, 1] (TextBlob, equal to
    ``TextBlob(t).sentiment``), ``vader_compound`` in [-1, 1] (VADER), ``polarity_masked``
    (polarity with proper-name words neutralised) and, when the calibrated model is present,
    ``tone`` in [-1, 1]. Identical texts are scored once; tokens are shared between texts.
    """
    texts = [str(t) for t in texts]
    unique = _score_unique(texts)
    scored = [unique[t] for t in texts]
    return _frame(scored, _tone_values(texts, scored))


# ----------------------------------------------------------------------------- one article
def _sentence_starts(para_text: str, sent_texts: Sequence[str], chunk_of: list[int]):
    """Token positions where each sentence of a paragraph begins, or None if the sentences do not
    tile the paragraph chunk for chunk."""
    chunks = para_text.split()
    per_sent = [s.split() for s in sent_texts]
    if [c for cs in per_sent for c in cs] != chunks:
        return None
    first_chunk, k = [], 0
    for cs in per_sent:
        first_chunk.append(k)
        k += len(cs)
    starts = []
    for c in first_chunk:
        try:
            starts.append(chunk_of.index(c))
        except ValueError:
            starts.append(len(chunk_of))
    return starts


def score_article(paragraphs: pd.DataFrame, sentences: pd.DataFrame, tone: bool = True):
    """Scores for the paragraphs and sentences of one article, and its drivers table.

    Returns ``(paragraph_scores, sentence_scores, drivers)``; the score frames are aligned
    with the inputs' rows. Paragraphs and sentences share tokens; drivers are the paragraph's
    TextBlob assessments, each placed in the sentence that holds its scored word.
    ``tone=False`` leaves out the calibrated ``tone`` column.
    """
    return score_article_texts(paragraphs, sentences, (), tone=tone)[:3]


def score_article_texts(
    paragraphs: pd.DataFrame,
    sentences: pd.DataFrame,
    extra: Sequence[str],
    tone: bool = True,
    drivers: bool = True,
    phrases: tuple[tuple[str, ...], ...] | None = None,
):
    """:func:`score_article`, plus the scores of ``extra`` texts (e.g. mention contexts) as
    :func:`score_sentences` gives them: ``(paragraph_scores, sentence_scores, drivers,
    extra_scores)``. Every text is scored once, and the calibrated ``tone`` of all of them
    comes from one batch. ``drivers=False`` skips the drivers table (corpus mode never writes
    it): the third item is then an empty frame with :data:`DRIVER_COLUMNS` and their dtypes.
    ``phrases``: the multi-word names to mask (default :func:`name_phrases`; an analysis passes
    those of its topic lexicon, :func:`lexicon_name_phrases`)."""
    columns, p, s, rows, e = score_article_arrays(
        paragraphs["para_no"].tolist(),
        [str(t) for t in paragraphs["text"]],
        sentences["para_no"].tolist(),
        sentences["sent_no"].tolist(),
        [str(t) for t in sentences["text"]],
        [str(t) for t in extra],
        tone=tone,
        drivers=drivers,
        phrases=phrases,
    )
    index = column_index(columns)
    driver_table = rows_frame(DRIVER_COLUMNS, rows, DRIVER_DTYPES)
    return (
        pd.DataFrame(p, columns=index),
        pd.DataFrame(s, columns=index),
        driver_table,
        pd.DataFrame(e, columns=index),
    )


def score_article_arrays(
    p_no: Sequence[int],
    ptexts: list[str],
    s_para: Sequence[int],
    s_no: Sequence[int],
    stexts: list[str],
    etexts: list[str],
    tone: bool = True,
    drivers: bool = True,
    phrases: tuple[tuple[str, ...], ...] | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray, list[tuple], np.ndarray]:
    """:func:`score_article_texts` on plain lists (paragraph numbers and texts; sentence
    paragraph numbers, numbers and texts; extra texts): ``(columns, paragraph_scores,
    sentence_scores, driver_rows, extra_scores)``, the scores as float arrays with the
    ``columns`` of :func:`score_columns` (``tone`` only when the calibrated model is there)."""
    sent_by_para: dict[int, list[tuple[int, str]]] = {}
    for pn, sn, t in zip(s_para, s_no, stexts, strict=True):
        sent_by_para.setdefault(int(pn), []).append((int(sn), t))
    scored_s = _score_unique(stexts, phrases)
    pscored, rows = [], []
    for pn, text in zip(p_no, ptexts, strict=True):
        pn = int(pn)
        sents = sent_by_para.get(pn, [])
        sent_texts = [t for _, t in sents]
        joined = (  # several sentences: the paragraph is scored from theirs
            _joined_paragraph(text, sent_texts, [scored_s[t] for t in sent_texts], phrases)
            if len(sents) > 1
            else None
        )
        if joined is not None:
            sc, starts = joined
        else:
            toks = _pattern_tokens(text)
            starts = _sentence_starts(text, sent_texts, toks[1]) if sents else None
            if (not starts or starts == [0]) and text in scored_s:
                sc = scored_s[text]  # one sentence: scored exactly as that sentence was
            else:
                sc = score_text(
                    text, starts=starts if starts else (0,), _tokens=toks, phrases=phrases
                )
        pscored.append(sc)
        if drivers:
            rows.extend(_driver_rows(pn, sc, sents, starts))
    for t in etexts:
        if t not in scored_s:
            scored_s[t] = score_text(t, phrases=phrases)
    ss = [scored_s[t] for t in stexts]
    es = [scored_s[t] for t in etexts]
    # one tone batch for every text of the article
    values = _tone_values(ptexts + stexts + etexts, pscored + ss + es) if tone else None
    columns = score_columns(values is not None)
    if values is None:
        return columns, _matrix(pscored), _matrix(ss), rows, _matrix(es)
    a, b = len(pscored), len(pscored) + len(ss)
    return (
        columns,
        _matrix(pscored, values[:a]),
        _matrix(ss, values[a:b]),
        rows,
        _matrix(es, values[b:]),
    )


def _driver_rows(
    pn: int, sc: Scored, sents: list[tuple[int, str]], starts: list[int] | None
) -> list[tuple]:
    """The :data:`DRIVER_COLUMNS` rows of paragraph ``pn``: one per TextBlob assessment of its
    score ``sc``, placed in the sentence (of ``sents``, beginning at token ``starts``) that holds
    the scored word."""
    rows = []
    for words, p, s, _label, k in sc.assessments:
        if starts:
            idx = max(j for j, st in enumerate(starts) if st <= k or j == 0)
            sent_no = sents[idx][0]
        else:
            sent_no = sents[0][0] if sents else 1
        word, in_entity = sc.tokens[k], bool(sc.flags[k])
        rows.append((pn, sent_no, " ".join(words), word, float(p) + 0.0, float(s), in_entity))
    return rows


def drivers(analysis_or_paragraphs, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``drivers`` table of an :class:`~article_tone.pipeline.Analysis` (or of paragraphs
    and sentences tables): see :data:`DRIVER_COLUMNS`."""
    if sentences is None:
        return analysis_or_paragraphs.drivers
    return score_article(analysis_or_paragraphs, sentences)[2]


def entity_share(drivers_table: pd.DataFrame) -> float:
    """Share (0..1) of the absolute polarity in ``drivers`` that comes from words in names."""
    total = drivers_table["polarity"].abs().sum()
    if not total:
        return 0.0
    return float(drivers_table.loc[drivers_table["in_entity"], "polarity"].abs().sum() / total)


# ----------------------------------------------------------------------------- explaining
def vader_words(text: str) -> list[tuple[str, float]]:
    """Words of ``text`` found in VADER's lexicon, with their raw valence (about -4..4), in order
    (the words VADER's compound score is built from, before its negation and booster rules)."""
    from vaderSentiment.vaderSentiment import SentiText

    lex = _vader().lexicon
    return [
        (w, float(lex[w.lower()])) for w in SentiText(text).words_and_emoticons if w.lower() in lex
    ]


def disagreements(analysis, eps: float | None = None) -> pd.DataFrame:
    """Sentences where TextBlob and VADER land on opposite sides of zero (beyond ±eps), with
    the words each scorer reacted to: ``para_no``, ``sent_no``, ``polarity``,
    ``vader_compound``, ``textblob_words`` ("word (+0.50)"), ``vader_words`` ("word (-2.1)"),
    ``text``. Sorted by the size of the disagreement."""
    from .config import POLARITY_THRESHOLD

    eps = POLARITY_THRESHOLD if eps is None else eps
    s = analysis.sentences
    d = analysis.drivers
    rows = []
    for r in s.itertuples(index=False):
        if not (
            (r.polarity >= eps and r.vader_compound <= -eps)
            or (r.polarity <= -eps and r.vader_compound >= eps)
        ):
            continue
        tb = d[(d.para_no == r.para_no) & (d.sent_no == r.sent_no) & (d.polarity != 0)]
        tbw = ", ".join(
            f"{w}{' [name]' if e else ''} ({p:+.2f})"
            for w, p, e in zip(tb.words, tb.polarity, tb.in_entity, strict=True)
        )
        vdw = ", ".join(f"{w} ({v:+.1f})" for w, v in vader_words(r.text))
        rows.append(
            (
                r.para_no,
                r.sent_no,
                r.polarity,
                r.vader_compound,
                tbw or "(none)",
                vdw or "(none)",
                r.text,
            )
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "para_no",
            "sent_no",
            "polarity",
            "vader_compound",
            "textblob_words",
            "vader_words",
            "text",
        ],
    )
    gap = (out["polarity"] - out["vader_compound"]).abs()
    return out.iloc[np.argsort(-gap.to_numpy(), kind="stable")].reset_index(drop=True)


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _fmt(x: float) -> str:
    return f"{x:+.2f}"


def describe_arc(analysis) -> str:
    """One or two sentences on the tone arc, with the numbers taken from the tables."""
    p = analysis.paragraphs
    if p.empty:
        return "This article has no body paragraph, so there is no tone arc to draw."
    if len(p) == 1:
        r = p.iloc[0]
        return (
            f"This article has a single paragraph: TextBlob polarity {_fmt(r.polarity)}, "
            f"VADER compound {_fmt(r.vader_compound)}; the arc is one point."
        )
    hi = p.loc[p["polarity"].idxmax()]
    lo = p.loc[p["polarity"].idxmin()]
    corr = p["polarity"].corr(p["vader_compound"]) if len(p) > 2 else float("nan")
    out = (
        f"TextBlob polarity runs from {_fmt(lo.polarity)} (paragraph {int(lo.para_no)}) to "
        f"{_fmt(hi.polarity)} (paragraph {int(hi.para_no)}); VADER compound from "
        f"{_fmt(p['vader_compound'].min())} to {_fmt(p['vader_compound'].max())}."
    )
    if corr == corr:
        out += (
            f" Paragraph by paragraph the two scorers correlate at r = {corr:.2f} (1 would mean "
            "they rise and fall together)."
        )
    return out


def describe_drivers(analysis) -> str:
    """What the drivers table says about names posing as opinions."""
    d = analysis.drivers
    moving = d[d["polarity"] != 0] if len(d) else d
    if moving.empty:
        return (
            "No word in this article has a non-zero TextBlob polarity, so every paragraph "
            "scores 0 and there are no drivers to show."
        )
    ent = moving[moving["in_entity"]]
    share = entity_share(moving)
    words = ", ".join(dict.fromkeys(f'"{w}"' for w in ent["word"])) if len(ent) else ""
    p = analysis.paragraphs
    changed = p[(p["polarity"] - p["polarity_masked"]).abs() > 1e-12]
    out = (
        f"{_n(len(moving), 'scored word')} move{'s' if len(moving) == 1 else ''} TextBlob's "
        f"polarity in this article; {len(ent)} of them {'sits' if len(ent) == 1 else 'sit'} "
        "inside a proper name"
    )
    out += f" ({words})" if words else ""
    out += f", carrying {share:.0%} of the total absolute polarity."
    if len(changed):
        big = changed.loc[(changed["polarity"] - changed["polarity_masked"]).abs().idxmax()]
        out += (
            f" Neutralising them changes {len(changed)} of {len(p)} paragraph scores; the "
            f"largest change is in paragraph {int(big.para_no)}, from {_fmt(big.polarity)} to "
            f"{_fmt(big.polarity_masked)}."
        )
    else:
        out += " Neutralising them changes no paragraph score."
    return out


def describe_agreement(analysis) -> str:
    """How often TextBlob and VADER agree on the sign of a sentence."""
    from .plots.sentiment import scorer_agreement

    s = analysis.sentences
    if s.empty:
        return "This article has no sentence to compare."
    a = scorer_agreement(s)["verdict"].value_counts()
    n = len(s)
    if n == 1:
        verdict = scorer_agreement(s)["verdict"].iloc[0]
        return f"The article has one sentence; the two scorers' verdicts on it: {verdict}."
    opp = int(a.get("opposite", 0))
    return (
        f"Of {n} sentences, {a.get('agree', 0)} get the same verdict from both scorers, "
        f"{a.get('one neutral', 0)} are neutral for one scorer only and "
        f"{opp} {'lands' if opp == 1 else 'land'} on opposite sides of zero."
    )


__all__ = [
    "clear_text_caches",
    "describe_agreement",
    "describe_arc",
    "describe_drivers",
    "disagreements",
    "vader_words",
    "DRIVER_COLUMNS",
    "MASKED_COLUMN",
    "SCORE_COLUMNS",
    "assess",
    "drivers",
    "entity_flags",
    "entity_share",
    "lexicon_name_phrases",
    "name_phrases",
    "pattern_tokens",
    "score_article",
    "score_sentences",
    "score_text",
    "vader_scores",
]
