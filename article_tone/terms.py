"""Terms of an article: offline tokens and lemmas, counts, TF-IDF, bigrams, keyword in context.

A *term* is a lower-case lemma ("talks" -> "talk"), an abbreviation kept whole ("U.S." ->
"u.s.", never the pronoun "us"), a hyphenated compound ("russian-american", "win-win") or a
multi-word name joined by a space ("new detente", "black sea"). Stopwords (scikit-learn's list
plus contraction stubs), punctuation and bare numbers are not terms. Capitalised words inside a
sentence are names and are not lemmatised ("Brussels" stays "brussels"); "Russia's" counts as
"russia", "Russian" is a different term. No NLTK data is used: a regular expression, simplemma
and scikit-learn.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

TERM_COLUMNS = ["para_no", "term", "count"]

_TOKEN = re.compile(
    r"(?P<abbr>(?:[^\W\d_]\.){2,})"  # U.S., e.g., U.K.
    r"|(?P<word>[^\W_]+(?:['’\-‐][^\W_]+)*(?:['’](?![^\W_]))?)"  # words, can't, win-win, Russians'
    r"|(?P<stop>[.!?;:]+)"  # sentence-level punctuation: a break
)
_POSSESSIVE = re.compile(r"['’]s?$", re.I)
_NUMBER = re.compile(r"^[\d.,'’\-‐]+(?:st|nd|rd|th|s|m|bn|k|pc)?$", re.I)
_CONTRACTION = re.compile(r"^(?P<base>.+?)(?:n['’]t|['’](?:ll|re|ve|d|m))$", re.I)
EXTRA_STOPWORDS = frozenset(
    {
        "ca",
        "wo",
        "sha",
        "s",
        "t",
        "ll",
        "re",
        "ve",
        "d",
        "m",
        "e.g.",
        "i.e.",
        "etc.",
        "ex",
        "mr",
        "mrs",
        "ms",
        "dr",
        "also",
        "just",
        "like",
        "said",
        "say",
        "says",
        "year",
        "years",
        "would",
        "could",
        "should",
        "might",
        "may",
        "must",
        "shall",
        "will",
        "one",
        "two",
    }
)
"""Stopwords beyond scikit-learn's: contraction stubs and reporting verbs of news prose."""
LEMMA_EXCEPTIONS = {
    "media": "media",
    "data": "data",
    "us": "us",
    "news": "news",
    "politics": "politics",
    "better": "better",
    "best": "best",
    "worse": "worse",
    "worst": "worst",
    "less": "less",
    "least": "least",
    "more": "more",
    "arms": "arms",
    "unfolding": "unfold",
    "dignified": "dignified",
}
"""Words simplemma would turn into something a reader does not expect ("media" -> "medium")."""
_BREAK = "\x00"  # marks a sentence-level break between terms (no bigram across it)


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``, the same frozenset, read from its data module
    (which imports nothing) without importing scikit-learn itself: that pulls in scipy and
    joblib, about a second of start-up in every worker process."""
    import sys

    mod = sys.modules.get("sklearn.feature_extraction._stop_words")
    if mod is None:
        try:
            import importlib.util

            spec = importlib.util.find_spec("sklearn")  # finds the package, does not run it
            path = Path(spec.submodule_search_locations[0], "feature_extraction", "_stop_words.py")
            data = importlib.util.spec_from_file_location("_article_tone_stop_words", path)
            mod = importlib.util.module_from_spec(data)
            data.loader.exec_module(mod)
            if not isinstance(mod.ENGLISH_STOP_WORDS, frozenset):
                raise TypeError("unexpected ENGLISH_STOP_WORDS")
        except Exception:  # another layout: import it the ordinary way
            from sklearn.feature_extraction import _stop_words as mod
    return mod.ENGLISH_STOP_WORDS


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """scikit-learn's English stopwords plus :data:`EXTRA_STOPWORDS` (lower case)."""
    return frozenset(english_stop_words()) | EXTRA_STOPWORDS


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """Lower-case lemma of a lower-case word (simplemma, English; :mod:`article_tone.lemmas`)."""
    if word in LEMMA_EXCEPTIONS:
        return LEMMA_EXCEPTIONS[word]
    from .lemmas import lemmatize

    return lemmatize(word).lower()


@lru_cache(maxsize=8)
def _phrases(topics_file: str | None = None) -> dict[str, list[tuple[str, ...]]]:
    from .sentiment import name_phrases

    out: dict[str, list[tuple[str, ...]]] = {}
    for ph in name_phrases(topics_file):  # longest first
        out.setdefault(ph[0], []).append(ph)
    return out


def _raw_tokens(text: str) -> list[tuple[str, bool, str]]:
    """(token as written, sentence-initial?, kind) for each token; kind in abbr, word, stop."""
    out = []
    initial = True
    # Exactly one group of _TOKEN matches, and none can match empty.
    for abbr, word, stop in _TOKEN.findall(text.replace("\u00a0", " ")):
        if stop:
            out.append((stop, False, "stop"))
            initial = True
        else:
            out.append((abbr, initial, "abbr") if abbr else (word, initial, "word"))
            initial = False
    return out


_CHUNK_TOKENS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
_CHUNK_TOKENS_MAX = 200_000


def _chunk_tokens(text: str) -> tuple[list[str], list[str], list[str]]:
    """The tokens of :func:`_raw_tokens` (as written, and lower case with ’ as ') and their
    kinds, found chunk by chunk and cached per whitespace-separated chunk: no token holds
    whitespace and the only look-ahead, after a final apostrophe, sees a non-word character
    either way, so a text's tokens are its chunks' (a test checks it)."""
    toks: list[str] = []
    kinds: list[str] = []
    lower: list[str] = []
    get = _CHUNK_TOKENS.get
    for chunk in text.split():  # (no-break spaces split chunks too, as _raw_tokens has it)
        entry = get(chunk)
        if entry is None:
            found = [(a or w or st, "abbr" if a else "word" if w else "stop")
                     for a, w, st in _TOKEN.findall(chunk)]
            entry = (
                tuple(t for t, _ in found),
                tuple(k for _, k in found),
                tuple(t.lower().replace("’", "'") for t, _ in found),
            )
            if len(_CHUNK_TOKENS) < _CHUNK_TOKENS_MAX:
                _CHUNK_TOKENS[chunk] = entry
        toks += entry[0]
        kinds += entry[1]
        lower += entry[2]
    return toks, kinds, lower


def _term_of(tok: str, initial: bool, kind: str, stop: frozenset[str]) -> str | None:
    if kind == "abbr":
        t = tok.lower()
        return None if t in stop else t
    t = tok.replace("’", "'").replace("‐", "-")
    if t.endswith("'"):
        t = t[:-1]
    t = _POSSESSIVE.sub("", t) if re.search(r"['’]s$", t, re.I) else t
    c = _CONTRACTION.match(t)
    if c:
        t = c.group("base")
    if not t or _NUMBER.match(t):
        return None
    if t == "US":  # the country, written without dots
        return "u.s."
    low = t.lower()
    if low in stop or len(low) < 2:
        return None
    if "-" in low or "'" in low:
        return low
    if t.isupper() and len(t) > 1:
        return low  # an acronym: UK, DPRK, NATO
    if t[0].isupper() and not initial:
        return low  # a name inside a sentence: not lemmatised ("Brussels")
    lem = lemma(low)
    return None if lem in stop or len(lem) < 2 else lem


_MISSING = object()
_TERM_CACHE: dict[tuple[str, bool, str], str | None] = {}
"""Memo of :func:`_term_of` (a pure function of the token, its position flag and kind, given
the stopword set of :func:`stopwords`)."""
_TERM_CACHE_MAX = 200_000


def tokenize(
    text: str, phrases: dict[str, list[tuple[str, ...]]] | None = None, breaks: bool = False
) -> list[str]:
    """The terms of ``text`` in order (see the module docstring).

    With ``breaks=True`` a ``"\\x00"`` marks each sentence-level punctuation mark (. ! ? ; :)
    and each dropped word, so that bigrams only join words adjacent in one sentence.
    """
    from .sentiment import CONTEXT_NAMES

    phrases = _phrases() if phrases is None else phrases
    stop = stopwords()
    cache = _TERM_CACHE
    context_first = {a for a, _ in CONTEXT_NAMES}
    toks, kinds, lower = _chunk_tokens(text)
    out: list[str] = []
    i = 0
    n = len(toks)
    while i < n:
        tok, kind = toks[i], kinds[i]
        initial = i == 0 or kinds[i - 1] == "stop"  # as _raw_tokens marks them
        if kind == "stop":
            if breaks and out and out[-1] != _BREAK:
                out.append(_BREAK)
            i += 1
            continue
        matched = None
        for ph in phrases.get(lower[i], ()):
            k = len(ph)
            cand = [
                _POSSESSIVE.sub("", w) if j == k - 1 else w for j, w in enumerate(lower[i : i + k])
            ]
            if tuple(cand) == ph and all(kinds[j] != "stop" for j in range(i, i + k)):
                matched = ph
                break
        if (
            matched is None
            and i + 1 < n
            and lower[i] in context_first
            and (lower[i], _POSSESSIVE.sub("", lower[i + 1])) in CONTEXT_NAMES
        ):
            before = CONTEXT_NAMES[(lower[i], _POSSESSIVE.sub("", lower[i + 1]))]
            if tok[:1].isupper() or (i > 0 and lower[i - 1] in before):
                matched = (lower[i], _POSSESSIVE.sub("", lower[i + 1]))
        if matched is not None:
            out.append(" ".join(matched))
            i += len(matched)
            continue
        key = (tok, initial, kind)
        term = cache.get(key, _MISSING)
        if term is _MISSING:
            term = _term_of(tok, initial, kind, stop)
            if len(cache) < _TERM_CACHE_MAX:
                cache[key] = term
        if term is not None:
            out.append(term)
        elif breaks and out and out[-1] != _BREAK:
            out.append(_BREAK)  # a dropped word: the terms either side are not adjacent
        i += 1
    if breaks:
        while out and out[-1] == _BREAK:
            out.pop()
    return out


TERM_DTYPES = ("int64", "object", "int64")


def term_counts(
    paragraphs: pd.DataFrame, phrases: tuple[tuple[str, ...], ...] | None = None
) -> pd.DataFrame:
    """The ``terms`` table: ``para_no``, ``term``, ``count`` (each term once per paragraph, in
    order of first appearance). ``phrases``: the multi-word names kept as one term (default
    those of ``data/topics.toml``; an analysis passes those of its topic lexicon)."""
    from .article import rows_frame

    rows = term_rows(paragraphs["para_no"].tolist(), paragraphs["text"].tolist(), phrases)
    return rows_frame(TERM_COLUMNS, rows, TERM_DTYPES)


def term_rows(
    para_nos: Sequence[int],
    texts: Sequence[str],
    phrases: tuple[tuple[str, ...], ...] | None = None,
) -> list[tuple[int, str, int]]:
    """The rows of :func:`term_counts` for paragraphs given as numbers and texts."""
    from .sentiment import _phrase_index

    rows = []
    ph = _phrases() if phrases is None else _phrase_index(phrases)[0]
    for pn, text in zip(para_nos, texts, strict=True):
        for term, c in Counter(tokenize(str(text), ph)).items():
            rows.append((int(pn), term, c))
    return rows


def _terms_table(source) -> pd.DataFrame:
    """Accept an Analysis, a terms table or a paragraphs table."""
    if hasattr(source, "terms") and isinstance(source.terms, pd.DataFrame):
        t = source.terms
        if len(t.columns):
            return t
        return term_counts(source.paragraphs)
    if "term" in source.columns:
        return source
    return term_counts(source)


def top_terms(source, n: int = 20) -> pd.DataFrame:
    """The ``n`` most frequent terms over the article: ``term``, ``count``, ``paragraphs`` (in how
    many paragraphs). Ties are broken alphabetically, so the order is stable."""
    t = _terms_table(source)
    if t.empty:
        return pd.DataFrame(
            {
                "term": pd.Series(dtype="object"),
                "count": pd.Series(dtype="int64"),
                "paragraphs": pd.Series(dtype="int64"),
            }
        )
    g = (
        t.groupby("term")
        .agg(count=("count", "sum"), paragraphs=("para_no", "nunique"))
        .reset_index()
    )
    g = g.sort_values(["count", "term"], ascending=[False, True], kind="stable")
    return g.head(n).reset_index(drop=True)


def document_term_matrix(source, terms: Sequence[str] | None = None) -> pd.DataFrame:
    """Counts with one row per paragraph (index ``para_no``) and one column per term; ``terms``
    chooses and orders the columns (default: all, by total count)."""
    t = _terms_table(source)
    m = t.pivot_table(index="para_no", columns="term", values="count", aggfunc="sum", fill_value=0)
    if hasattr(source, "paragraphs"):
        m = m.reindex(index=source.paragraphs["para_no"].tolist(), fill_value=0)
    if terms is None:
        order = m.sum(axis=0).sort_values(ascending=False, kind="stable")
        terms = order.index.tolist()
    m = m.reindex(columns=list(terms), fill_value=0).astype("int64")
    m.columns.name = "term"
    m.index.name = "para_no"
    return m


def tfidf_terms(source, n: int = 5) -> pd.DataFrame:
    """The ``n`` most distinctive terms of each paragraph by TF-IDF (scikit-learn, smooth idf,
    L2-normalised rows, the paragraphs as the corpus): ``para_no``, ``rank``, ``term``,
    ``tfidf`` (0..1), ``count``."""
    from sklearn.feature_extraction.text import TfidfTransformer

    m = document_term_matrix(source)
    cols = ["para_no", "rank", "term", "tfidf", "count"]
    if m.empty or m.shape[1] == 0:
        return pd.DataFrame(
            {c: pd.Series(dtype="object" if c == "term" else "float64") for c in cols}
        )
    x = TfidfTransformer().fit_transform(m.to_numpy()).toarray()
    terms = m.columns.to_numpy()
    rows = []
    for r, pn in enumerate(m.index):
        order = sorted(
            (j for j in range(len(terms)) if x[r, j] > 0),
            key=lambda j: (-round(x[r, j], 12), terms[j]),
        )
        for rank, j in enumerate(order[:n], start=1):
            rows.append((int(pn), rank, terms[j], float(x[r, j]), int(m.iat[r, j])))
    return pd.DataFrame(rows, columns=cols).astype({"para_no": "int64", "rank": "int64"})


def bigrams(source, n: int | None = 20) -> pd.DataFrame:
    """Pairs of terms adjacent in the text, within a sentence (a stopword, number or
    punctuation mark between two words breaks the pair; multi-word names are already one term):
    ``bigram`` ("regime change"), ``count``, ``paragraphs``; the ``n``
    most frequent, ties alphabetical."""
    paragraphs = source.paragraphs if hasattr(source, "paragraphs") else source
    lexicon = getattr(source, "lexicon", None)  # an Analysis: the names of its topic lexicon
    if lexicon is not None:
        from .sentiment import _phrase_index, lexicon_name_phrases

        ph = _phrase_index(lexicon_name_phrases(lexicon))[0]
    else:
        ph = _phrases()
    counts: Counter = Counter()
    where: dict[str, set] = {}
    for pn, text in zip(paragraphs["para_no"], paragraphs["text"], strict=True):
        toks = tokenize(str(text), ph, breaks=True)
        for a, b in zip(toks, toks[1:], strict=False):
            if _BREAK in (a, b):
                continue
            key = f"{a} {b}"
            counts[key] += 1
            where.setdefault(key, set()).add(int(pn))
    df = pd.DataFrame(
        [(k, c, len(where[k])) for k, c in counts.items()],
        columns=["bigram", "count", "paragraphs"],
    )
    df = df.astype({"bigram": "object", "count": "int64", "paragraphs": "int64"})
    df = df.sort_values(["count", "bigram"], ascending=[False, True], kind="stable")
    return (df if n is None else df.head(n)).reset_index(drop=True)


def kwic(source, term: str, width: int = 40) -> pd.DataFrame:
    """Keyword in context: every whole-word occurrence of ``term`` (any case; "Iran" also in
    "Iran's", not in "Iranian") in the body paragraphs.

    ``source`` is an Analysis or an Article. Columns: ``para_no``, ``start``, ``end`` (offsets
    into ``article.text``), ``left`` and ``right`` (up to ``width`` characters of context,
    whitespace collapsed), ``match`` (as written).
    """
    article = getattr(source, "article", source)
    cols = ["para_no", "start", "end", "left", "match", "right"]
    term = term.strip()
    if not term:
        raise ValueError("kwic needs a non-empty term")
    body = r"\s+".join(re.escape(w) for w in term.split())
    rx = re.compile(r"(?<![\w.\-])" + body + r"(?![\w\-]|\.\w)", re.I)
    rows = []
    for para in article.paragraphs.itertuples(index=False):
        raw = article.text[para.start : para.end]
        for m in rx.finditer(raw):
            left = re.sub(r"\s+", " ", raw[: m.start()])[-width:] if width > 0 else ""
            right = re.sub(r"\s+", " ", raw[m.end() :])[:width] if width > 0 else ""
            rows.append(
                (
                    int(para.para_no),
                    para.start + m.start(),
                    para.start + m.end(),
                    left,
                    re.sub(r"\s+", " ", m.group()),
                    right,
                )
            )
    return pd.DataFrame(rows, columns=cols).astype(
        {
            "para_no": "int64",
            "start": "int64",
            "end": "int64",
            "left": "object",
            "match": "object",
            "right": "object",
        }
    )


def kwic_text(table: pd.DataFrame, width: int = 40) -> str:
    """A KWIC table as aligned plain-text lines (``left [match] right``), for display."""
    return "\n".join(
        f"{r.para_no:>3}  {r.left:>{width}} [{r.match}] {r.right}"
        for r in table.itertuples(index=False)
    )


def terms_of(texts: Iterable[str]) -> list[list[str]]:
    """Terms of each text (for callers outside one article, e.g. a corpus)."""
    ph = _phrases()
    return [tokenize(str(t), ph) for t in texts]


def describe_terms(source) -> str:
    """One sentence on the article's vocabulary, numbers from the terms table."""
    t = _terms_table(source)
    if t.empty:
        return "This article has no terms beyond stopwords."
    top = top_terms(t, 3)
    tops = ", ".join(f'"{r.term}" ({r.count})' for r in top.itertuples(index=False))
    total, distinct = int(t["count"].sum()), int(t["term"].nunique())
    if distinct == 1:
        return f"The body has a single term: {tops}."
    return (
        f"The body uses {total} terms, {distinct} of them distinct; the most frequent are {tops}."
    )


def describe_kwic(table: pd.DataFrame, term: str) -> str:
    """A sentence saying how often ``term`` occurs, and where."""
    if table.empty:
        return f'"{term}" does not occur in the body of this article.'
    paras = ", ".join(str(p) for p in dict.fromkeys(table["para_no"]))
    n = len(table)
    times = "time" if n == 1 else "times"
    where = "paragraphs" if "," in paras else "paragraph"
    return f'"{term}" occurs {n} {times}, in {where} {paras}.'


__all__ = [
    "describe_kwic",
    "describe_terms",
    "TERM_COLUMNS",
    "bigrams",
    "document_term_matrix",
    "kwic",
    "kwic_text",
    "lemma",
    "stopwords",
    "term_counts",
    "terms_of",
    "tfidf_terms",
    "tokenize",
    "top_terms",
]
