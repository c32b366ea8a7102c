"""The one exception the library raises for bad input."""

from __future__ import annotations

from pathlib import Path


class ArticleError(Exception):
    """Bad input: a file that cannot be read as an article, a malformed lexicon, ...

    ``str(err)`` is ``"<path>: <reason>"``, one line, ready for ``error: ...`` on stderr.
    """

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # always one line
        super().__init__(f"{self.path}: {self.reason}")
