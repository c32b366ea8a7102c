"""simplemma's English lemmatizer, with its dictionary decoded once per machine, not per process.

simplemma ships each dictionary lzma-compressed and front-coded, and decodes the English one
(181,612 words) in every new process: ~0.25 s, in each notebook kernel, each command-line run
and each Dask fork server, where it was the longest step before the workers could start. Here
the decoded dictionary is kept in a cache file (``marshal``, ~3.6 MB) and read back in
~0.05 s. The lemmas are simplemma's own: its default, non-greedy strategies
(``DefaultStrategy``) over the same words, handed to them through simplemma's
``DictionaryFactory`` protocol (a test compares them with ``simplemma.lemmatize``).

The cache lives in ``$ARTICLE_TONE_CACHE`` if set (``off`` turns it off), else
``$XDG_CACHE_HOME/article_tone``, else ``~/.cache/article_tone``. The file's name carries
simplemma's version and the size and modification time of the data file it was decoded from,
so an upgrade decodes again; a file that cannot be read (corrupt, truncated, another format) is
decoded again and replaced, and a folder that cannot be written (a read-only home) only costs
the decode. Writes go to a temporary file that is then renamed, so two processes writing at
once never leave half a file.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from functools import lru_cache
from pathlib import Path

LANG = "en"
_FORMAT = 1  # bump when the cache file's layout changes
_OFF = frozenset({"", "0", "off", "no", "none", "false"})


def cache_dir() -> Path | None:
    """Where the decoded dictionary is kept; None when ``ARTICLE_TONE_CACHE`` turns it off."""
    env = os.environ.get("ARTICLE_TONE_CACHE")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "article_tone"


def cache_name() -> str:
    """The cache file's name: simplemma's version and its data file's size and mtime."""
    import simplemma
    from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER

    version = getattr(simplemma, "__version__", None)
    if version is None:  # importlib.metadata scans site-packages: ~30 ms
        from importlib.metadata import version as _version

        version = _version("simplemma")
    st = (Path(DATA_FOLDER) / f"{LANG}.plzma").stat()
    return f"lemmas-{LANG}-simplemma{version}-{st.st_size}-{st.st_mtime_ns}.marshal"


def decode_dictionary() -> dict[str, str]:
    """simplemma's English dictionary (word -> lemma), decoded from its shipped data file."""
    from simplemma.strategies import DefaultDictionaryFactory

    mapping = DefaultDictionaryFactory(cache_max_size=0).get_dictionary(LANG)
    return dict(mapping.items())


def _read(path: Path) -> dict[str, str] | None:
    try:
        with open(path, "rb") as f:
            found = marshal.loads(f.read())  # marshal.load(f) reads piecemeal: 4x slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(found, tuple) and len(found) == 3 and found[0] == _FORMAT):
        return None
    _, count, words = found
    if not isinstance(words, dict) or len(words) != count or not count:
        return None
    return words


def _write(path: Path, words: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            marshal.dump((_FORMAT, len(words), words), f)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def load_dictionary() -> dict[str, str]:
    """The English dictionary: from the cache file when it holds it, else decoded (and cached)."""
    folder = cache_dir()
    path = folder / cache_name() if folder is not None else None
    if path is not None:
        words = _read(path)
        if words is not None:
            return words
    words = decode_dictionary()
    if path is not None:
        _write(path, words)
    return words


class _Dictionaries:
    """simplemma's ``DictionaryFactory`` protocol over :func:`load_dictionary` (English only)."""

    def __init__(self) -> None:
        self._words: dict[str, str] | None = None

    def get_dictionary(self, lang: str) -> dict[str, str]:
        if lang != LANG:
            raise ValueError(f"only the {LANG!r} dictionary is loaded here, not {lang!r}")
        if self._words is None:
            self._words = load_dictionary()
        return self._words


@lru_cache(maxsize=1)
def lemmatizer():
    """A ``simplemma.Lemmatizer`` equal to the one behind ``simplemma.lemmatize(w, lang="en")``,
    reading the cached dictionary."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_Dictionaries()))


def lemmatize(word: str) -> str:
    """simplemma's English lemma of ``word`` (as ``simplemma.lemmatize(word, lang="en")``)."""
    return lemmatizer().lemmatize(word, LANG)
