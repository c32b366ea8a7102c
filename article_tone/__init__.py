"""article_tone: how the tone of a news opinion article shifts from topic to topic.

>>> from article_tone import analyze
>>> a = analyze("seeds/000_f9d92dfb58a1c3ba.txt")
>>> a.paragraphs[["para_no", "polarity", "vader_compound"]]
"""

from .article import Article, load_article, parse_text
from .errors import ArticleError
from .pipeline import Analysis, analyze
from .sentiment import score_sentences

__all__ = ["Analysis", "Article", "ArticleError", "analyze", "load_article", "parse_text", "score_sentences"]
__version__ = "0.1.0"
