"""Many articles: the tables of :func:`article_tone.analyze` for a whole folder, in one set.

>>> from article_tone.corpus import analyze_corpus
>>> c = analyze_corpus("data/examples")                       # pandas engine, this process
>>> c = analyze_corpus("../shared/corpora/bbc", engine="dask", workers=2)
>>> c.articles.head(); c.topic_tone.head()

Every table of one article comes back with an ``article`` key column first (the file's path
relative to the corpus folder, e.g. ``politics/017.txt``); per-article metadata is in
``articles``. The per-article work is :func:`article_tone.pipeline.analyze`, a pure function
of the file, so both engines give identical tables: articles are cut into the same chunks, each
chunk is analysed the same way, and the chunks are put back together in input order.

Engines:

* ``pandas``: one process, one article after another.
* ``dask``: ``dask.distributed``. By default a ``LocalCluster`` of ``workers`` single-threaded
  processes on this machine; ``scheduler="tcp://host:8786"`` (or a ``Client``) uses a running
  cluster instead. Workers read the files themselves, so on a real cluster the corpus must be
  on a file system every worker sees at the same path.

A file that cannot be analysed (not text, no body, unreadable, ...) is reported in ``skipped``
(``article``, ``path``, ``reason``) and the others go on.
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .config import START_METHODS, display_path
from .errors import ArticleError
from .workers import start_fork_server_for

ENGINES = ("pandas", "dask")
TABLES = ("paragraphs", "sentences", "terms", "topic_mentions", "topic_tone")
"""The per-article tables gathered for the corpus (each with an ``article`` column first)."""
OUTPUTS = ("articles",) + TABLES
"""What ``python -m article_tone corpus`` writes, one file each (plus ``skipped``)."""
ARTICLE_COLUMNS = [
    "article",
    "path",
    "sha256",
    "headline",
    "section",
    "published",
    "author",
    "n_paragraphs",
    "n_sentences",
    "n_words",
]
SKIPPED_COLUMNS = ["article", "path", "reason"]
GUIDED_SHARE = 4
"""A Dask chunk holds 1/(GUIDED_SHARE x workers) of the work still to hand out: big chunks
first, when per-task overhead matters, and ever smaller ones as the work runs out."""
GUIDED_FLOOR = 32
"""... but never less than 1/(GUIDED_FLOOR x workers) of the whole: the last chunks are small,
so that when one worker has finished, the others are at most a small chunk from the end."""
MAX_CHUNK_ITEMS = 512
"""No chunk holds more articles than this, however big the archive: a chunk's tables are held
in memory until the client has them."""


# ------------------------------------------------------------------------------------------
# Finding the articles


def find_articles(paths_or_folder: str | Path | Iterable[str | Path]) -> list[tuple[str, str]]:
    """``(article key, path)`` for every article, sorted by key.

    A folder is searched recursively for ``*.txt`` files (hidden files and folders are left
    out; so is the BBC corpus's ``README.TXT``, whose suffix is upper case). The key is the path
    relative to the folder. For a list of files the key is relative to their common folder.
    A path that does not exist is kept: it is reported as skipped with its reason.
    """
    if isinstance(paths_or_folder, (str, Path)) and Path(paths_or_folder).is_dir():
        root = Path(paths_or_folder)
        files = [
            p
            for p in root.rglob("*.txt")
            if not any(part.startswith(".") for part in p.relative_to(root).parts)
        ]
    elif isinstance(paths_or_folder, (str, Path)):
        root, files = None, [Path(paths_or_folder)]
    else:
        root, files = None, [Path(p) for p in paths_or_folder]
    if root is None:
        parents = [os.path.abspath(p.parent) for p in files]
        root = Path(os.path.commonpath(parents)) if parents else Path(".")
    items = {}
    for p in files:
        try:
            key = Path(os.path.abspath(p)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            key = p.as_posix()
        items[key] = str(p)
    return sorted(items.items())


def chunked(items: Sequence, n_chunks: int) -> list[list]:
    """``items`` cut into at most ``n_chunks`` contiguous chunks of near-equal lengths (order
    kept)."""
    if not items:
        return []
    n_chunks = max(1, min(n_chunks, len(items)))
    size = math.ceil(len(items) / n_chunks)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def guided_chunks(
    items: Sequence,
    workers: int,
    weights: Sequence[float] | None = None,
    share: int = GUIDED_SHARE,
    floor: int = GUIDED_FLOOR,
    max_items: int = MAX_CHUNK_ITEMS,
) -> list[list]:
    """``items`` cut into contiguous chunks (order kept) that shrink as the work runs out.

    Guided self-scheduling: each chunk holds ``1 / (share x workers)`` of the weight (e.g. file
    bytes) not yet handed out, at least ``1 / (floor x workers)`` of the total, and at most
    ``max_items`` items. Chunks of equal size balance only when every worker runs at the same
    speed; on a shared machine one worker is often slower for a while, and the others then wait
    at the end for its last big chunk. Here the last chunks are small, so the wait is short,
    while the first ones are big, so the per-task overhead stays small."""
    if not items:
        return []
    workers = max(1, workers)
    if weights is None or not sum(weights):
        weights = [1.0] * len(items)
    if len(weights) != len(items):
        raise ValueError(f"{len(weights)} weights for {len(items)} items")
    total = float(sum(weights))
    smallest = total / (floor * workers)
    chunks, current, got, remaining = [], [], 0.0, total
    target = max(remaining / (share * workers), smallest)
    for item, w in zip(items, weights, strict=True):
        current.append(item)
        got += w
        if got >= target or len(current) >= max_items:
            chunks.append(current)
            remaining -= got
            current, got = [], 0.0
            target = max(remaining / (share * workers), smallest)
    if current:
        chunks.append(current)
    return chunks


def _file_sizes(items: Sequence[tuple[str, str]]) -> list[int]:
    """Bytes of each ``(key, path)`` file (0 when it cannot be read: it is skipped later)."""
    sizes = []
    for _, path in items:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)
    return sizes


def find_copies(items: Sequence[tuple[str, str]], sizes: Sequence[int] | None = None) -> dict:
    """``{position: position of the original}`` for each file that is a byte-for-byte copy of
    an earlier one in ``items`` (syndicated or re-filed articles are common in archives).

    Only files that share a size are read and hashed (SHA-256). A file that cannot be read is
    nobody's copy (it is reported as skipped, with its own reason)."""
    sizes = _file_sizes(items) if sizes is None else sizes
    by_size: dict[int, list[int]] = {}
    for i, size in enumerate(sizes):
        if size:
            by_size.setdefault(size, []).append(i)
    copies: dict[int, int] = {}
    for group in by_size.values():
        if len(group) < 2:
            continue
        first: dict[str, int] = {}
        for i in group:
            try:
                digest = hashlib.sha256(Path(items[i][1]).read_bytes()).hexdigest()
            except OSError:
                continue
            if digest in first:
                copies[i] = first[digest]
            else:
                first[digest] = i
    return copies


def _with_copies(tables: dict[str, pd.DataFrame], items, copies: dict[int, int]) -> dict:
    """The tables of the files analysed, plus those of their copies: each copy gets its
    original's rows under its own key (and, in ``articles`` and ``skipped``, its own path),
    all in the order of ``items``, as if every file had been analysed."""
    keys = [k for k, _ in items]
    order = {k: n for n, k in enumerate(keys)}
    of: dict[str, list[str]] = {}
    for i, j in copies.items():
        of.setdefault(keys[j], []).append(keys[i])
    own_path = {keys[i]: display_path(items[i][1]) for i in copies}
    out = {}
    for name, table in tables.items():
        if not len(table) or "article" not in table.columns:
            out[name] = table
            continue
        a = table["article"].to_numpy()
        # an article's rows are contiguous (chunks hold whole articles, in order): its run
        starts = np.flatnonzero(np.concatenate([[True], a[1:] != a[:-1]]))
        ends = np.append(starts[1:], len(a))
        runs = [(order[a[s]], a[s], s, e) for s, e in zip(starts, ends, strict=True)]
        runs += [(order[c], c, s, e) for _, k, s, e in runs for c in of.get(k, ())]
        runs.sort()
        lengths = [e - s for _, _, s, e in runs]
        full = table.take(np.concatenate([np.arange(s, e) for _, _, s, e in runs]))
        full = full.reset_index(drop=True)
        article = np.repeat(np.array([k for _, k, _, _ in runs], dtype=object), lengths)
        full["article"] = pd.Series(article, index=full.index, dtype=object)  # not str
        if "path" in full.columns:
            path = full["path"].to_numpy(dtype=object, copy=True)
            at = 0
            for (_, k, _, _), n in zip(runs, lengths, strict=True):
                if k in own_path:
                    path[at : at + n] = own_path[k]
                at += n
            full["path"] = pd.Series(path, index=full.index, dtype=object)
        out[name] = full
    return out


# ------------------------------------------------------------------------------------------
# The per-article work (runs in the workers; module-level so it pickles by reference)


@lru_cache(maxsize=4)
def _lexicon(topics: str | None):
    from .topics import load_lexicon

    return load_lexicon(topics)


def _article_row(key: str, article, paragraphs, sentences) -> dict:
    """The ``articles`` row of one analysed article (``paragraphs``, ``sentences``: its
    :class:`~article_tone.pipeline.Table` s): the mean paragraph score of each scorer as
    pandas' ``Series.mean`` computes it."""
    meta = article.meta
    columns = dict(zip(paragraphs.names, paragraphs.values, strict=True))
    row = {
        "article": key,
        "path": article.path,
        "sha256": article.sha256,
        "headline": meta.get("headline"),
        "section": meta.get("section"),
        "published": meta["published"].isoformat() if meta.get("published") else None,
        "author": meta.get("author"),
        "n_paragraphs": len(paragraphs),
        "n_sentences": len(sentences),
        "n_words": int(sum(columns["n_words"])),
    }
    for scorer in _scorers_of(paragraphs.names):
        values = np.asarray(columns[scorer], dtype="float64")
        # pandas' nanmean: the numpy sum over the column, divided by the count as a float
        row[scorer] = float(values.sum() / np.float64(len(values))) if len(values) else np.nan
    return row


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of dicts -> DataFrame, text columns as ``object`` (None stays None)."""
    if not rows:
        return pd.DataFrame(columns=ARTICLE_COLUMNS)
    cols = list(rows[0])
    data = {}
    for c in cols:
        values = [r.get(c) for r in rows]
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
            data[c] = pd.Series(values, dtype="int64")
        elif all(isinstance(v, float) for v in values):
            data[c] = pd.Series(values, dtype="float64")
        else:
            data[c] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def _scorers_of(columns) -> list[str]:
    from .tone import SCORERS

    return [s for s in SCORERS if s in columns]


def _scorers(table: pd.DataFrame) -> list[str]:
    from .tone import scorers_in

    return scorers_in(table)


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate, leaving out empty tables (so an article without mentions cannot turn an
    integer column into ``object``); all empty gives the first, empty, with its columns."""
    full = [t for t in tables if len(t)]
    if not full:
        return tables[0].iloc[0:0] if tables else pd.DataFrame()
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0].reset_index(drop=True)


def _chunk_frame(pairs: list[tuple[str, object]]) -> pd.DataFrame:
    """One DataFrame of the same table of many articles (``(key, Table)`` pairs), with the
    ``article`` key first: each column joined across the articles, then built once. Text
    columns are ``object``, whatever the article's own table uses (``str``), so the dtype of a
    column never depends on which articles share a chunk."""
    from .article import columns_frame

    first = pairs[0][1]
    full = [(k, t) for k, t in pairs if len(t)] or [pairs[0]]
    keys: list[str] = []
    for k, t in full:
        keys += [k] * len(t)
    data: dict[str, Sequence] = {"article": keys}
    for j, name in enumerate(first.names):
        parts = [t.values[j] for _, t in full]
        if any(isinstance(p, np.ndarray) for p in parts):
            data[name] = np.concatenate([np.asarray(p, dtype=first.dtypes[j]) for p in parts])
        else:
            data[name] = [v for p in parts for v in p]
    dtypes = ["object"] + ["object" if d == "str" else d for d in first.dtypes]
    return columns_frame(data, dtypes)


@contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off for a block, back on after it (if it was on).

    Analysing an article allocates tens of thousands of short-lived objects, which trigger
    hundreds of collections per chunk, each walking every live object (the chunk's tables
    included): ~4% of the time, for garbage that reference counting frees anyway. The few cycles
    a chunk leaves are collected as usual once the collector is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze_chunk(items: Sequence[tuple[str, str]], topics: str | None = None) -> dict:
    """Analyse a chunk of ``(key, path)``: the tagged tables, one ``articles`` row each, and
    ``skipped`` rows for files that failed. Pure: the same chunk gives the same tables anywhere
    (``busy``, the seconds it took and the CPU seconds of its process, is the only other item).
    """
    t, cpu = time.perf_counter(), time.process_time()
    with _gc_paused():
        out = _analyze_chunk(items, topics)
    out["busy"] = (time.perf_counter() - t, time.process_time() - cpu)
    return out


def _analyze_chunk(items: Sequence[tuple[str, str]], topics: str | None) -> dict:
    from .article import load_article
    from .pipeline import analysis_tables

    lexicon = _lexicon(topics)
    parts: dict[str, list[tuple[str, object]]] = {name: [] for name in TABLES}
    rows, skipped = [], []
    for key, path in items:
        try:
            article = load_article(path)
            tables = analysis_tables(article, lexicon, drivers=False)  # drivers: not written
        except ArticleError as exc:
            skipped.append((key, display_path(path), exc.reason))
            continue
        except Exception as exc:  # a bug on one odd file must not abort the other thousands
            skipped.append(
                (key, display_path(path), f"{type(exc).__name__}: {' '.join(str(exc).split())}")
            )
            continue
        rows.append(_article_row(key, article, tables["paragraphs"], tables["sentences"]))
        for name in TABLES:
            parts[name].append((key, tables[name]))
    out = {name: _chunk_frame(pairs) for name, pairs in parts.items() if pairs}
    out["articles"] = _frame(rows)
    out["skipped"] = pd.DataFrame(
        {c: pd.Series([r[i] for r in skipped], dtype=object)
         for i, c in enumerate(SKIPPED_COLUMNS)}
    )
    out["n"] = len(items)
    return out


def warm_up(topics: str | None = None) -> None:
    """Import the pipeline and build every analyzer once (run in each Dask worker)."""
    from .article import parse_text
    from .pipeline import analyze

    analyze(
        parse_text("Warm up\n\nIran and Syria talk. Sanctions are bad. Peace is good.\n"),
        topics=_lexicon(topics),
    )


# ------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Corpus:
    """Every table of every article, each with an ``article`` column; ``articles`` has one row
    per analysed article (metadata, counts and the mean paragraph score of each scorer)."""

    articles: pd.DataFrame = field(repr=False)
    paragraphs: pd.DataFrame = field(repr=False)
    sentences: pd.DataFrame = field(repr=False)
    terms: pd.DataFrame = field(repr=False)
    topic_mentions: pd.DataFrame = field(repr=False)
    topic_tone: pd.DataFrame = field(repr=False)
    skipped: pd.DataFrame = field(repr=False)
    engine: str = "pandas"
    workers: int = 1
    topics: str | None = None
    """The topic lexicon file used (None: the default ``data/topics.toml``)."""
    copies: int = 0
    """How many files were byte-for-byte copies of others: analysed once, reported for each
    (see :func:`find_copies`)."""
    timings: dict = field(default_factory=dict, compare=False)
    """Seconds: ``start`` (Dask: ``cluster`` start plus worker ``warm_up``), ``compute``,
    ``shutdown`` (Dask: closing the cluster this call started), ``assemble`` (the chunks' tables
    put together) and ``total``; ``busy`` and ``busy_cpu``: the wall and CPU seconds spent in
    the chunks, summed over the workers (``busy / (workers x compute)`` is how fully the
    workers were used)."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written by ``python -m article_tone corpus``, by file stem."""
        return {name: getattr(self, name) for name in OUTPUTS + ("skipped",)}

    def summary(self) -> str:
        """One line: what was analysed and what was skipped."""
        n_words = int(self.articles["n_words"].sum()) if len(self.articles) else 0
        copies = (
            f"; {self.copies:,} file{'s are copies' if self.copies > 1 else ' is a copy'} "
            "of another, analysed once"
            if self.copies
            else ""
        )
        return (
            f"{len(self.articles):,} articles analysed, {len(self.skipped):,} skipped "
            f"({len(self.paragraphs):,} paragraphs, {len(self.sentences):,} sentences, "
            f"{n_words:,} words{copies})"
        )

    def __repr__(self) -> str:
        return f"Corpus({self.summary()}; engine={self.engine}, workers={self.workers})"


def _assemble(
    results: list[dict], engine: str, workers: int, timings: dict, topics: str | None,
    items=(), copies: dict | None = None,
) -> Corpus:
    tables = {}
    for name in TABLES + ("articles", "skipped"):
        parts = [r[name] for r in results if name in r]
        tables[name] = _concat(parts) if parts else pd.DataFrame()
    if copies:
        tables = _with_copies(tables, items, copies)
    if not len(tables["articles"].columns):
        tables["articles"] = pd.DataFrame(columns=ARTICLE_COLUMNS)
    if not len(tables["skipped"].columns):
        tables["skipped"] = pd.DataFrame(columns=SKIPPED_COLUMNS)
    for name in TABLES:  # a corpus where every file failed still has the columns
        if not len(tables[name].columns):
            tables[name] = pd.DataFrame(columns=["article"])
    return Corpus(**tables, engine=engine, workers=workers, topics=topics,
                  copies=len(copies or ()), timings=timings)


# ------------------------------------------------------------------------------------------
# Engines


def _progress(total: int, show: bool | None):
    from tqdm.auto import tqdm

    if show is None:
        show = sys.stderr.isatty()
    return tqdm(total=total, unit="article", disable=not show, file=sys.stderr, smoothing=0.1)


def _run_pandas(chunks, topics, bar) -> list[dict]:
    results = []
    for chunk in chunks:
        results.append(analyze_chunk(chunk, topics))
        bar.update(len(chunk))
    return results


def _client(scheduler, workers: int, start_method: str = START_METHODS[0]):
    """A ``(client, owned)`` pair: a LocalCluster's client we must close, or the caller's.

    The LocalCluster's worker processes start by ``start_method`` (Dask's
    ``distributed.worker.multiprocessing-method``): ``forkserver`` by default, where the platform
    has it. Dask's own default, ``spawn``, starts each worker as a fresh interpreter that imports
    everything again and tears it all down at the end (~0.35 s on 2 cores); a fork server
    imports once and forks workers from a single-threaded process, which is safe (forking this
    multi-threaded process, ``fork``, is faster still but can deadlock). The workers'
    statistical profiler is off: it samples every 10 ms for a dashboard this cluster does not
    have, and housekeeping runs less often (below). With ``forkserver``, call
    :func:`article_tone.workers.start_fork_server` first (:func:`analyze_corpus` does). A
    running cluster (``scheduler``) is used as it is configured.
    """
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler is None:
        if start_method not in multiprocessing.get_all_start_methods():
            start_method = "spawn"
        config = {
            "distributed.worker.multiprocessing-method": start_method,
            "distributed.worker.profile.enabled": False,
            # Housekeeping wakes every process's event loop up to 50 times a second: on 2 cores
            # the scheduler, nannies and workers' loops took ~9% of a core from the work (the
            # tick that only feeds "event loop unresponsive" warnings: 20 ms; the dashboard's
            # system monitor: 0.5 s; memory checks: 0.1 s). Slower, they take ~5%. The memory
            # limits still hold, checked every second by workers and nannies.
            "distributed.admin.tick.interval": "1s",
            "distributed.admin.system-monitor.interval": "5s",
            "distributed.worker.memory.monitor-interval": "1s",
        }
        with dask.config.set(config):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # Errors reach the caller as exceptions (a failed task, a lost worker), never
                # only as a log line; what workers log at shutdown ("Failed to communicate with
                # scheduler during heartbeat" when the scheduler stops first) is noise.
                silence_logs=logging.CRITICAL,
            )
        return Client(cluster), True
    if isinstance(scheduler, str):
        return Client(scheduler), True
    return scheduler, False  # a Client given by the caller


def _run_dask(chunks, topics, bar, client) -> list[dict]:
    from dask.distributed import as_completed

    futures = client.map(analyze_chunk, chunks, topics=topics, pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[dict | None] = [None] * len(chunks)
    for fut in as_completed(futures):
        i = index[fut.key]
        results[i] = fut.result()
        bar.update(len(chunks[i]))
        fut.release()
    return results


def analyze_corpus(
    paths_or_folder,
    engine: str = "pandas",
    workers: int | None = None,
    topics: str | Path | None = None,
    scheduler=None,
    progress: bool | None = None,
    start_method: str = START_METHODS[0],
    skip_copies: bool = True,
) -> Corpus:
    """Analyse every article of a folder (recursively, ``*.txt``) or of a list of files.

    ``engine``: ``"pandas"`` (this process; ``workers`` must be 1) or ``"dask"`` (``workers``
    single-threaded processes on a LocalCluster, default: one per CPU; or the cluster at
    ``scheduler``, an address such as ``"tcp://10.0.0.5:8786"`` or a ``dask.distributed.Client``).
    ``start_method``: how the LocalCluster starts its workers (``forkserver``, ``spawn`` or
    ``fork``; see :func:`_client`).
    ``topics``: the topic lexicon (default ``data/topics.toml``), read once and checked before
    any work starts. ``progress``: a progress bar on stderr (default: when stderr is a terminal).
    Bad files are skipped and listed in ``Corpus.skipped``; a bad lexicon raises
    :class:`ArticleError`. A file that is a byte-for-byte copy of another (:func:`find_copies`)
    is analysed once and its tables repeated under its own key (``skip_copies=False``
    analyses every file; the tables are the same).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "pandas":
        if workers not in (None, 1):
            raise ValueError(
                "the pandas engine runs in this one process: use the dask engine for "
                f"{workers} workers"
            )
        workers = 1
    elif workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if start_method not in START_METHODS:
        raise ValueError(
            f"start_method must be one of {', '.join(START_METHODS)}, not {start_method!r}"
        )
    if isinstance(paths_or_folder, (str, Path)) and not Path(paths_or_folder).exists():
        raise ArticleError(paths_or_folder, "no such file or folder")
    start_fork_server_for(engine, scheduler, start_method)  # first: it imports meanwhile
    topics = str(topics) if topics is not None else None
    _lexicon(topics)  # a bad lexicon fails here, once, not once per article
    items = find_articles(paths_or_folder)
    if not items:
        raise ArticleError(paths_or_folder, "no *.txt article files found")

    t0 = time.perf_counter()
    sizes = _file_sizes(items)
    copies = find_copies(items, sizes) if skip_copies else {}
    todo = [i for i in range(len(items)) if i not in copies]
    if engine == "dask":  # chunks by bytes, shrinking, so that workers finish together
        chunks = guided_chunks([items[i] for i in todo], workers, [sizes[i] for i in todo])
    else:
        chunks = chunked([items[i] for i in todo], max(1, len(todo) // 50))
    timings: dict[str, float] = {}
    with _progress(len(items), progress) as bar:
        bar.update(len(copies))  # their originals are analysed below
        if engine == "pandas":
            t1 = time.perf_counter()
            results = _run_pandas(chunks, topics, bar)
            t2 = t3 = time.perf_counter()
        else:
            client, owned = _client(scheduler, workers, start_method)
            try:
                timings["cluster"] = time.perf_counter() - t0
                client.run(warm_up, topics)
                t1 = time.perf_counter()
                timings["warm_up"] = t1 - t0 - timings["cluster"]
                results = _run_dask(chunks, topics, bar, client)
                t2 = time.perf_counter()
            finally:
                if owned:
                    cluster = client.cluster if scheduler is None else None
                    client.close()
                    if cluster is not None:
                        cluster.close()
            t3 = time.perf_counter()
    corpus = _assemble(results, engine, workers, timings, topics, items, copies)
    t4 = time.perf_counter()
    timings.update(
        start=t1 - t0, compute=t2 - t1, shutdown=t3 - t2, assemble=t4 - t3, total=t4 - t0,
        busy=math.fsum(r["busy"][0] for r in results),
        busy_cpu=math.fsum(r["busy"][1] for r in results),
    )
    return corpus


# ------------------------------------------------------------------------------------------
# Output


def write_corpus(corpus: Corpus, out: str | Path, fmt: str = "csv") -> list[Path]:
    """Write each table of :meth:`Corpus.tables` as ``NAME.csv`` (or ``NAME.parquet``)."""
    from .io import write_bytes_atomic, write_tables

    if fmt == "csv":
        return write_tables(out, corpus.tables())
    if fmt != "parquet":
        raise ValueError(f"format must be csv or parquet, not {fmt!r}")
    import io

    written = []
    for name, table in corpus.tables().items():
        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        written.append(write_bytes_atomic(Path(out) / f"{name}.parquet", buf.getvalue()))
    return written


# ------------------------------------------------------------------------------------------
# Views across articles (notebook 06 and its charts)


def default_scorer(table: pd.DataFrame) -> str:
    """The calibrated ``tone`` when present, else TextBlob ``polarity``."""
    scorers = (
        _scorers(table) if "scorer" not in table.columns else list(dict.fromkeys(table["scorer"]))
    )
    return "tone" if "tone" in scorers else "polarity"


def article_topic_tone(
    corpus: Corpus, level: str = "paragraph", scorer: str | None = None
) -> pd.DataFrame:
    """One row per (topic, article): that article's mean tone toward the topic at ``level``
    (``n`` units), with the article's headline. Topics in the order of the corpus's table."""
    tt = corpus.topic_tone
    if not len(tt):
        return pd.DataFrame(
            columns=["topic", "article", "headline", "n", "mean", "ci_low", "ci_high"]
        )
    scorer = scorer or default_scorer(tt)
    rows = tt[(tt["level"] == level) & (tt["scorer"] == scorer)]
    rows = rows.merge(corpus.articles[["article", "headline"]], on="article", how="left")
    return rows[["topic", "article", "headline", "n", "mean", "ci_low", "ci_high"]].reset_index(
        drop=True
    )


def topic_spread(
    corpus: Corpus, level: str = "paragraph", scorer: str | None = None, min_articles: int = 1
) -> pd.DataFrame:
    """Per topic, how its tone varies between articles: ``n_articles``, ``mean`` (of the
    article means), ``std`` (between articles; NaN for one article), ``min``, ``median``,
    ``max``, and the most negative and most positive article. Sorted by ``n_articles``."""
    per = article_topic_tone(corpus, level, scorer)
    cols = [
        "topic",
        "n_articles",
        "mean",
        "std",
        "min",
        "median",
        "max",
        "most_negative",
        "most_positive",
    ]
    if not len(per):
        return pd.DataFrame(columns=cols)
    order = list(dict.fromkeys(per["topic"]))
    out = []
    for topic in order:
        g = per[per["topic"] == topic].sort_values(["mean", "article"], kind="stable")
        if len(g) < min_articles:
            continue
        m = g["mean"]
        out.append(
            (
                topic,
                len(g),
                m.mean(),
                m.std(ddof=1) if len(g) > 1 else np.nan,
                m.min(),
                m.median(),
                m.max(),
                g["article"].iloc[0],
                g["article"].iloc[-1],
            )
        )
    df = pd.DataFrame(out, columns=cols).astype({"n_articles": "int64"})
    return df.sort_values(
        ["n_articles", "topic"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def extreme_articles(
    corpus: Corpus, topic: str, k: int = 3, level: str = "paragraph", scorer: str | None = None
) -> pd.DataFrame:
    """The ``k`` most negative and ``k`` most positive articles on ``topic`` (``end`` says
    which), most negative first. Fewer than ``2k`` articles: each appears once."""
    per = article_topic_tone(corpus, level, scorer)
    g = per[per["topic"] == topic].sort_values(["mean", "article"], kind="stable")
    k_low = min(k, len(g) // 2 + len(g) % 2)
    low, high = g.iloc[:k_low], g.iloc[max(k_low, len(g) - k) :]
    return pd.concat(
        [low.assign(end="most negative"), high.assign(end="most positive")], ignore_index=True
    )


def describe_corpus(corpus: Corpus) -> str:
    """A Markdown paragraph: how many articles, words, paragraphs; what was skipped."""
    text = corpus.summary() + "."
    if len(corpus.skipped):
        first = corpus.skipped.iloc[0]
        text += f" The first skipped file is `{first['article']}`: {first['reason']}."
    return text


def describe_spread(corpus: Corpus, level: str = "paragraph", scorer: str | None = None) -> str:
    """Markdown sentences on the topics across articles: which topics are mentioned in most
    articles, which is read most positively and most negatively, and which varies most."""
    from .plots.style import SCORER_LABELS

    spread = topic_spread(corpus, level, scorer)
    if not len(spread):
        return (
            "No article mentions any topic of the lexicon, so there is no tone by topic to "
            "compare across articles."
        )
    scorer = scorer or default_scorer(corpus.topic_tone)
    labels = topic_labels(corpus)
    n_art = len(corpus.articles)
    top = spread.iloc[0]
    parts = [
        f"{len(spread)} of the lexicon's topics are mentioned; the most widespread, "
        f"{labels.get(top['topic'], top['topic'])}, appears in {top['n_articles']} of the "
        f"{n_art} articles."
    ]
    by_mean = spread.sort_values(["mean", "topic"], kind="stable")
    lo, hi = by_mean.iloc[0], by_mean.iloc[-1]
    name = SCORER_LABELS.get(scorer, scorer)
    if len(spread) > 1:
        parts.append(
            f"By {name} at {level} level, averaged over articles, "
            f"{labels.get(hi['topic'], hi['topic'])} is discussed most favourably "
            f"({hi['mean']:+.2f}) and {labels.get(lo['topic'], lo['topic'])} least "
            f"({lo['mean']:+.2f})."
        )
    else:
        parts.append(f"Its mean {name} at {level} level across articles is {hi['mean']:+.2f}.")
    varied = spread.dropna(subset=["std"])
    if len(varied):
        v = varied.sort_values(["std", "topic"], ascending=[False, True], kind="stable").iloc[0]
        parts.append(
            f"The tone toward {labels.get(v['topic'], v['topic'])} varies most between "
            f"articles (standard deviation {v['std']:.2f}, from {v['min']:+.2f} in "
            f"`{v['most_negative']}` to {v['max']:+.2f} in `{v['most_positive']}`)."
        )
    else:
        parts.append(
            "No topic is mentioned in two or more articles, so there is no spread "
            "between articles to measure."
        )
    return " ".join(parts)


def topic_labels(corpus: Corpus) -> dict[str, str]:
    """Topic key -> label, from the corpus's lexicon."""
    return _lexicon(corpus.topics).labels
