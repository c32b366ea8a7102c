"""article_tone: how the tone of a news opinion article shifts from topic to topic.

>>> from article_tone import analyze
>>> a = analyze("seeds/000_f9d92dfb58a1c3ba.txt")
>>> a.paragraphs[["para_no", "polarity", "vader_compound"]]

The names below are imported on first use, so that ``import article_tone.workers`` (or the
command line) can start the Dask workers' fork server before pandas is imported.
"""

from importlib import import_module

_EXPORTS = {
    "Analysis": ".pipeline",
    "Article": ".article",
    "ArticleError": ".errors",
    "analyze": ".pipeline",
    "load_article": ".article",
    "parse_text": ".article",
    "score_sentences": ".sentiment",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value  # once imported, an ordinary attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
