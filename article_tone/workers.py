"""The processes that Dask workers start from: light to import (the standard library only), so
a script or the command line can start them before it imports anything heavy.

>>> from article_tone.workers import start_fork_server
>>> start_fork_server()            # first thing: it imports Dask and the pipeline meanwhile
>>> from article_tone.corpus import analyze_corpus
>>> c = analyze_corpus("../shared/corpora/bbc", engine="dask", workers=2)

:func:`article_tone.corpus.analyze_corpus` starts the fork server itself when it is not
running; calling it earlier only lets its imports overlap with the caller's own (pandas,
numpy, the pipeline: ~0.7 s), which the command line does.
"""

from __future__ import annotations

import multiprocessing

FORK_SERVER_PRELOAD = ("distributed", "article_tone._forkserver")
"""What the fork server imports before it forks a worker: Dask, then the pipeline with every
analyzer built (:mod:`article_tone._forkserver`)."""


def start_fork_server() -> None:
    """Start multiprocessing's fork server now, preloaded with :data:`FORK_SERVER_PRELOAD`.

    Called before this process imports Dask (better still, before it imports pandas): the fork
    server then imports Dask, pandas and the pipeline on one core while this process imports
    them and starts the scheduler on the other, and the workers forked from it start with the
    analyzers built, instead of each building them again. It returns at once; the server
    answers when its imports are done. A fork server already running in this process (from an
    earlier call or cluster) is used as it is. Where the platform has no fork server, it does
    nothing.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(FORK_SERVER_PRELOAD))
    forkserver.ensure_running()


def start_fork_server_for(engine: str, scheduler=None, start_method: str = "forkserver") -> None:
    """:func:`start_fork_server`, when an ``analyze_corpus`` call with these arguments uses it:
    the Dask engine on a LocalCluster of its own (no ``scheduler``) whose workers start by
    ``forkserver``. Otherwise nothing."""
    if engine == "dask" and scheduler is None and start_method == "forkserver":
        start_fork_server()
