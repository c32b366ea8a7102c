"""``make bench``: corpus speed and memory against the naive way, written to benchmarks/results.md
and benchmarks/results.json.

Methods, each in a fresh child process (so imports count and peak memory is its own):

* ``naive``: a straightforward loop: split on blank lines (title dropped), pysbd per paragraph,
  ``TextBlob(t).sentiment`` and VADER per paragraph and per sentence, ``Counter`` per paragraph.
* ``pandas``: ``analyze_corpus(engine="pandas")``, one process.
* ``dask``: ``analyze_corpus(engine="dask")`` on the LocalCluster of 2 single-threaded workers
  it starts itself; cluster start and worker warm-up (``timings["start"]``) and shutdown count in
  wall time.

Each (method, corpus size) runs in a fresh child process, so imports count and peak memory is its
own. The headline is the whole corpus in one call. Growth with corpus size: the articles are
shuffled (fixed seed) and the first 1/8, 1/4, 1/2 and all of them are each run in a fresh child,
``--growth-repeats`` times (default 3; the median run stands for the size; those rounds are
spread among the whole-corpus rounds, so that a machine that slows down during the bench does
not bend the line); a straight line
through (words, compute seconds) says whether the cost is linear. Peak RSS is
sampled (every 50 ms) over the child and all its descendants (the Dask workers, nanny and
scheduler included), summed; the sampler lists the descendants only every 10th sample, so that
it takes almost no CPU from the runs it measures (:class:`TreeRSS`). The whole corpus runs
``--repeats`` times per method (default 5), the methods interleaved; before each round and at
the end a fixed pure-Python loop is timed, to show the machine's speed and how far it drifted
during the run.

Also measured: agreement of the fast sentence splitter with pysbd over every BBC paragraph, where
the time of one article goes (cProfile of ``analyze``'s direct callees on a sample), and, when
``benchmarks/bench_scoring.py`` exists, its rows. Numbers taken on a shared machine are noisy:
re-run on a quiet one before quoting them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRACTIONS = (1 / 8, 1 / 4, 1 / 2, 1.0)
HEADLINE = ("naive", "pandas", "dask", "dask1", "dask_fork")
"""Methods run on the whole corpus: ``dask1`` is the Dask engine with one worker (scaling),
``dask_fork`` the Dask engine with workers started by ``fork`` (faster to start, not the
default: forking a multi-threaded process can deadlock)."""
GROWTH = ("naive", "pandas", "dask")
SEED = 20190515
TARGETS = {
    "dask_wall_s": 10.0,  # whole corpus, Dask, 2 workers, start-up included
    "speedup_vs_naive": 3.0,  # naive wall / Dask wall
    "workers_speedup": 1.7,  # 1 worker wall / 2 workers wall
    "peak_rss_mb": 1024.0,  # every method
}


def _default_start_method() -> str:
    from article_tone.config import START_METHODS  # not at module level: children time imports

    return START_METHODS[0]


def _default_corpus() -> Path:
    from article_tone.config import SHARED

    return SHARED / "corpora" / "bbc"


# ------------------------------------------------------------------------------------------
# Children: one method each, timings as JSON on stdout


def _naive(paths: list[str]) -> dict:
    t0 = time.perf_counter()
    import re
    from collections import Counter

    import pysbd
    from textblob import TextBlob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    seg = pysbd.Segmenter(language="en", clean=False)
    vader = SentimentIntensityAnalyzer()
    words = re.compile(r"\w+")
    start = time.perf_counter() - t0
    n_par = n_sent = 0
    for p in paths:
        text = Path(p).read_text(encoding="utf-8", errors="replace")
        paragraphs = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()][1:]
        for para in paragraphs:
            n_par += 1
            _ = TextBlob(para).sentiment
            vader.polarity_scores(para)
            Counter(words.findall(para.lower()))
            for s in seg.segment(para):
                s = s.strip()
                if s:
                    n_sent += 1
                    _ = TextBlob(s).sentiment
                    vader.polarity_scores(s)
    wall = time.perf_counter() - t0
    return {"start_s": start, "compute_s": wall - start, "shutdown_s": 0.0, "wall_s": wall,
            "paragraphs": n_par, "sentences": n_sent, "articles": len(paths)}


ENGINE_CHILDREN = ("pandas", "dask", "dask1", "dask_fork")


def _engine(paths: list[str], engine: str, workers: int, start_method: str | None = None) -> dict:
    """One ``analyze_corpus`` call, as ``python -m article_tone corpus`` makes it: the Dask
    engine starts (and stops) its own LocalCluster (its workers started by ``start_method``,
    default: the engine's); with the fork server, that is started first, before the pipeline
    is imported, as the command line does; and the process ends as the command line's does
    (:func:`article_tone.__main__.exit_now`: no interpreter teardown)."""
    t0 = time.perf_counter()
    from article_tone.workers import start_fork_server_for

    start_fork_server_for(engine, start_method=start_method or "forkserver")
    from article_tone.corpus import analyze_corpus

    t_import = time.perf_counter() - t0
    options = {"start_method": start_method} if start_method else {}
    c = analyze_corpus(
        paths, engine=engine, workers=workers if engine == "dask" else None, progress=False,
        **options,
    )
    wall = time.perf_counter() - t0
    tm = c.timings
    return {
        "start_s": t_import + tm["start"],
        "import_s": t_import,
        "cluster_s": tm.get("cluster", 0.0),
        "warm_up_s": tm.get("warm_up", 0.0),
        "compute_s": tm["compute"],
        "shutdown_s": tm.get("shutdown", 0.0),
        "busy_cpu_s": tm.get("busy_cpu", 0.0),
        "wall_s": wall,
        "paragraphs": len(c.paragraphs),
        "sentences": len(c.sentences),
        "articles": len(c.articles),
    }


def _agreement(corpus: Path) -> dict:
    """Share of body paragraphs that the fast splitter splits exactly as pysbd does."""
    from article_tone import load_article
    from article_tone.text import sentence_spans

    raws = []
    for p in sorted(corpus.glob("*/*.txt")):
        a = load_article(p)
        raws += [a.text[r.start : r.end] for r in a.paragraphs.itertuples()]
    t = time.perf_counter()
    fast = [sentence_spans(r) for r in raws]
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    slow = [sentence_spans(r, fast=False) for r in raws]
    t_slow = time.perf_counter() - t
    same = sum(a == b for a, b in zip(fast, slow, strict=True))
    return {
        "paragraphs": len(raws),
        "identical": same,
        "share": same / len(raws),
        "sentences_fast": sum(map(len, fast)),
        "sentences_pysbd": sum(map(len, slow)),
        "fast_s": t_fast,
        "pysbd_s": t_slow,
    }


def _profile(paths: list[str]) -> dict:
    """Where one article's time goes in corpus mode: the stages of ``analysis_tables`` and
    the reading of the file (cProfile, cumulative, over the second half of ``paths``)."""
    import cProfile
    import pstats

    from article_tone.corpus import analyze_chunk, warm_up

    warm_up()
    items = [(Path(p).name, p) for p in paths]
    t = time.perf_counter()
    analyze_chunk(items[: len(items) // 2])
    plain = (time.perf_counter() - t) / max(1, len(items) // 2)
    prof = cProfile.Profile()
    prof.enable()
    analyze_chunk(items[len(items) // 2 :])
    prof.disable()
    stats = pstats.Stats(prof)
    parents = {("pipeline.py", "analysis_tables"), ("corpus.py", "_analyze_chunk")}
    rows, total = [], 0.0
    for func, (_cc, _nc, _tt, ct, callers) in stats.stats.items():
        name = (Path(func[0]).name, func[2])
        if name == ("corpus.py", "_analyze_chunk"):
            total = ct
        if name == ("pipeline.py", "analysis_tables"):
            continue  # its callees are listed instead
        for caller in callers:
            if (Path(caller[0]).name, caller[2]) in parents:
                rows.append(
                    (
                        f"{Path(func[0]).parent.name}/{Path(func[0]).name}:{func[2]}",
                        callers[caller][3],
                    )
                )
    rows.sort(key=lambda r: -r[1])
    return {
        "articles": len(items) - len(items) // 2,
        "ms_per_article_unprofiled": plain * 1000,
        "analyze_s": total,
        "stages": [
            {"stage": n, "seconds": s, "share": s / total if total else 0} for n, s in rows[:12]
        ],
    }


def child(args) -> None:
    paths = json.loads(Path(args.paths).read_text())
    if args.child == "naive":
        out = _naive(paths)
    elif args.child == "pandas":
        out = _engine(paths, "pandas", 1)
    elif args.child == "dask":
        out = _engine(paths, "dask", args.workers)
    elif args.child == "dask1":
        out = _engine(paths, "dask", 1)
    elif args.child == "dask_fork":
        out = _engine(paths, "dask", args.workers, start_method="fork")
    elif args.child == "agreement":
        out = _agreement(Path(args.corpus))
    elif args.child == "profile":
        out = _profile(paths)
    else:
        raise SystemExit(f"unknown child {args.child}")
    print("RESULT " + json.dumps(out))


# ------------------------------------------------------------------------------------------
# The parent: runs each child, samples its memory, writes the report


class TreeRSS:
    """The summed RSS of a process and all its descendants, cheap enough to sample every 50 ms
    beside a run that needs both cores.

    Listing the descendants (``psutil.Process.children(recursive=True)``) reads every process
    of the machine: ~2.5 ms a call. Done at every sample of a Dask run, that took 0.26 s of CPU
    over 7 s, ~4% of a core taken from two workers that have no core to spare, while a
    one-worker run has an idle core for it: it slowed the two-worker runs more than the others
    and biased the scaling figure against them. Here the list is refreshed only every
    ``refresh`` samples (and whenever a known process has gone); the samples between read the
    RSS of the known processes only (~0.05 ms each). A process started since the last refresh
    is missed for at most ``refresh`` samples, while it is young and small.
    """

    def __init__(self, pid: int, refresh: int = 10):
        import psutil

        self._root = psutil.Process(pid)
        self._refresh = refresh
        self._procs: list = []
        self._age = refresh  # list them at the first sample

    def __call__(self) -> int:
        import psutil

        if self._age >= self._refresh:
            try:
                self._procs = [self._root] + self._root.children(recursive=True)
            except psutil.Error:
                self._procs = []
            self._age = 0
        self._age += 1
        total = 0
        for p in self._procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                self._age = self._refresh  # one has gone: list them again next time
        return total


def _run_child(name: str, paths_file: Path, corpus: Path, workers: int) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--child",
        name,
        "--paths",
        str(paths_file),
        "--corpus",
        str(corpus),
        "--workers",
        str(workers),
    ]
    cpu0 = _cpu_jiffies()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parent
    )
    peak = [0]
    tree_rss = TreeRSS(proc.pid)

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss())
            time.sleep(0.05)

    exited = []

    def wait():  # the moment the child exits, as `time` sees it: a Dask fork server it started
        proc.wait()  # still holds its stdout for ~0.3 s while it shuts down, after that
        exited.append(time.perf_counter() - t0)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    out, err = proc.communicate()
    waiter.join()
    th.join()
    wall = exited[0]
    lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"benchmark {name} failed (exit {proc.returncode}):\n{err[-3000:]}")
    res = json.loads(lines[-1][len("RESULT ") :])
    cpu1 = _cpu_jiffies()
    res.update({"process_wall_s": wall, "peak_rss_mb": peak[0] / 2**20})
    if cpu0 and cpu1 and sum(cpu1) > sum(cpu0):
        # the share of the machine's CPU time the hypervisor gave to other guests meanwhile
        res["steal_share"] = (cpu1[7] - cpu0[7]) / (sum(cpu1) - sum(cpu0))
    what = f"{name}, {res['articles']:,} articles" if "articles" in res else name
    print(f"  {what}: {wall:.1f} s, peak RSS {peak[0] / 2**20:.0f} MB", file=sys.stderr)
    return res


def _cpu_jiffies() -> list[int] | None:
    """The machine's CPU time so far, by kind (user, nice, system, idle, iowait, irq, softirq,
    steal), from /proc/stat; None where there is none."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    return [int(x) for x in fields[1:9]] if fields and fields[0] == "cpu" else None


def _count_words(paths: list[str]) -> int:
    from article_tone import load_article
    from article_tone.pipeline import count_words

    n = 0
    for p in paths:
        n += sum(count_words(t) for t in load_article(p).paragraphs["text"])
    return n


def _fmt_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def growth_schedule(repeats: int, growth_repeats: int) -> list[int]:
    """How many growth rounds follow each of the ``repeats`` whole-corpus rounds: ``growth_repeats``
    in all, spread evenly (5 and 3: after rounds 1, 2 and 4), so that the smaller sizes and the
    whole corpus are sampled over the same stretch of time. More growth rounds than whole ones
    share the rounds out as evenly."""
    if repeats < 1 or growth_repeats < 0:
        raise ValueError(f"need 1 or more whole rounds, not {repeats}, and growth rounds >= 0")
    counts = [0] * repeats
    for g in range(growth_repeats):
        counts[g * repeats // growth_repeats] += 1
    return counts


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one for an even count)."""
    return sorted(runs, key=lambda r: r["process_wall_s"])[(len(runs) - 1) // 2]


def _growth_medians(growth_runs: dict, whole: dict) -> dict[str, list[dict]]:
    """Per growth method, the run that stands for each size: the median of that size's runs,
    then the median of the whole-corpus runs."""
    return {
        name: [_median_run(r) for r in growth_runs[name]] + [_median_run(whole[name])]
        for name in GROWTH
    }


def _linearity(words: list[int], seconds: list[float]) -> float:
    """R² of a straight line through (words, seconds)."""
    import numpy as np

    x = np.array(words, float)
    y = np.array(seconds, float)
    a, b = np.polyfit(x, y, 1)
    pred = a * x + b
    ss = ((y - y.mean()) ** 2).sum()
    return float(1 - ((y - pred) ** 2).sum() / ss) if ss else 1.0


def _fastest_linearity(res: dict) -> dict[str, float]:
    """R² of compute time vs words over the fastest run of each size, per growth method (empty
    when the results hold one run per size). Interference from other jobs only ever slows a
    run, so the fastest of several is the least disturbed view of how the cost grows."""
    growth = res.get("growth_runs")
    if not growth or res.get("growth_repeats", 1) < 2:
        return {}
    out = {}
    for k in ("pandas", "dask"):
        seconds = [min(r["compute_s"] for r in runs) for runs in growth[k]]
        seconds.append(min(r["compute_s"] for r in res["whole"][k]))
        out[k] = _linearity(res["words"], seconds)
    return out


def _runs_text(res: dict) -> str:
    """How many runs each growth size's median is taken over, in words."""
    n = res.get("growth_repeats", 1)
    whole = len(next(iter(res["whole"].values())))
    return f"{n} run{'s' if n != 1 else ''} ({whole} for the whole corpus: those above)"


def _range_text(values: list[float]) -> str:
    v = sorted(values)
    return f"{v[len(v) // 2]:.3f}x ({v[0]:.3f}–{v[-1]:.3f})" if v else "n/a"


def _busy_text(full: dict, labels: dict, n_workers: int) -> str:
    """How much CPU the analysis itself took in each engine, and how fully the workers were used:
    what separates the Dask engine's speed-up from the number of its workers."""
    cpus, parts = {}, []
    for k in ("pandas", "dask1", "dask"):
        v = full.get(k, {})
        cpu, compute = v.get("busy_cpu_s"), v.get("compute_s")
        if not cpu or not compute:
            return ""
        cpus[k] = cpu
        workers = n_workers if k == "dask" else 1
        whose = "its workers' " if workers > 1 else "its "
        parts.append(
            f"{labels[k]} {cpu:.1f} s ({100 * cpu / (workers * compute):.0f}% of {whose}"
            "compute time)"
        )
    extra = 100 * (cpus["dask"] / cpus["pandas"] - 1)
    return (
        "CPU seconds spent analysing articles (summed over the workers; in brackets the share "
        "of the compute wall time they fill): " + "; ".join(parts) + f". The {n_workers} Dask "
        f"workers together spent {abs(extra):.0f}% {'more' if extra >= 0 else 'less'} CPU than "
        "the pandas engine's one process (each worker fills its own per-chunk caches); the "
        "rest of the gap to a perfect speed-up is time in which the workers did not run."
    )


def _speed_text(res: dict) -> str:
    ref = res.get("reference_s")
    if not ref:
        return ""
    v = sorted(ref)
    return (
        f"Machine: {res.get('cpu', 'unknown CPU')}. Its speed during the run: a fixed "
        f"pure-Python loop ({REFERENCE_LOOP:,} multiply-adds, timed before each round and at the "
        f"end) took {v[0]:.2f}–{v[-1]:.2f} s (median {v[len(v) // 2]:.2f} s); compare it before "
        "comparing these figures with a run on another machine."
        + _steal_summary(res)
    )


def _steal_summary(res: dict) -> str:
    shares = sorted(
        r["steal_share"] for v in res["whole"].values() for r in v if "steal_share" in r
    )
    if not shares:
        return ""
    return (
        f" It is a virtual machine: during the whole-corpus runs the hypervisor gave "
        f"{shares[0]:.0%}–{shares[-1]:.0%} (median {shares[len(shares) // 2]:.0%}) of its CPU "
        "time to other guests (\"CPU stolen\" below, from /proc/stat), which slows every run "
        "unevenly."
    )


def _steal_text(run: dict) -> str:
    """The share of the machine's CPU that the hypervisor gave to other guests during a run."""
    return f"{run['steal_share']:.0%}" if "steal_share" in run else "n/a"


def report(res: dict) -> str:
    m, w = res["methods"], res["words"]
    runs = res["whole"]
    full = {k: _median_run(v) for k, v in runs.items()}  # the whole corpus, one call each
    naive, pandas, dask = full["naive"], full["pandas"], full["dask"]
    wall = {k: v["process_wall_s"] for k, v in full.items()}  # what `time` would show
    n_workers = res["workers"]
    labels = {
        "naive": "naive loop (1 core)",
        "pandas": "pandas engine, 1 worker",
        "dask": f"Dask engine, {n_workers} workers",
        "dask1": "Dask engine, 1 worker",
        "dask_fork": f"Dask engine, {n_workers} workers, started by fork",
    }
    rows = []
    for k in HEADLINE:
        v = full[k]
        walls = sorted(r["process_wall_s"] for r in runs[k])
        rows.append(
            [
                labels[k],
                f"**{wall[k]:.1f}**",
                f"{walls[0]:.1f}–{walls[-1]:.1f}",
                f"{v['start_s']:.1f}",
                f"{v['compute_s']:.1f}",
                f"{v['wall_s'] - v['start_s'] - v['compute_s']:.1f}",
                f"{v['process_wall_s'] - v['wall_s']:.1f}",
                f"{w[-1] / wall[k]:,.0f}",
                f"{max(r['peak_rss_mb'] for r in runs[k]):.0f}",
                _steal_text(v),
            ]
        )
    n_runs = len(runs["naive"])
    header = ["method", "wall s (median)", f"range of {n_runs} run{'s' if n_runs > 1 else ''}",
              "start-up s", "compute s", "shutdown + assembly s", "interpreter start + exit s",
              "words/s", "peak RSS MB", "CPU stolen"]
    growth = [
        [labels[k]]
        + [f"{r['process_wall_s']:.1f} ({r['compute_s']:.1f})" for r in m[k]]
        + [f"{1e6 * (m[k][-1]['compute_s'] - m[k][0]['compute_s']) / (w[-1] - w[0]):.1f}"]
        for k in GROWTH
    ]
    speed_naive = wall["naive"] / wall["dask"]
    speed_pandas = wall["pandas"] / wall["dask"]
    speed_workers = wall["dask1"] / wall["dask"]
    peak = max(r["peak_rss_mb"] for v in list(m.values()) + list(runs.values()) for r in v)
    r2 = {k: _linearity(w, [r["compute_s"] for r in v]) for k, v in m.items()}
    checks = [
        [
            f"whole corpus, Dask, {n_workers} workers, wall (start-up included)",
            f"≤ {TARGETS['dask_wall_s']:.0f} s",
            f"{wall['dask']:.1f} s",
            wall["dask"] <= TARGETS["dask_wall_s"],
        ],
        [
            "speed-up over naive (wall)",
            f"≥ {TARGETS['speedup_vs_naive']:.1f}x",
            f"{speed_naive:.3f}x",
            speed_naive >= TARGETS["speedup_vs_naive"],
        ],
        [
            f"Dask {n_workers} workers over Dask 1 worker (wall; the same engine)",
            f"≥ {TARGETS['workers_speedup']:.1f}x",
            f"{speed_workers:.3f}x",
            speed_workers >= TARGETS["workers_speedup"],
        ],
        [
            f"Dask {n_workers} workers over the pandas engine in one process (wall)",
            f"≥ {TARGETS['workers_speedup']:.1f}x",
            f"{speed_pandas:.3f}x",
            speed_pandas >= TARGETS["workers_speedup"],
        ],
        [
            "the same with workers started by fork (not the default)",
            f"≥ {TARGETS['workers_speedup']:.1f}x",
            f"{wall['pandas'] / wall['dask_fork']:.3f}x",
            wall["pandas"] / wall["dask_fork"] >= TARGETS["workers_speedup"],
        ],
        [
            f"Dask {n_workers} workers over Dask 1 worker, round by round (paired)",
            "(for reference)",
            _range_text(_paired_ratios(runs, "dask1", "dask")),
            "",
        ],
        [
            f"Dask {n_workers} workers over the pandas engine, compute only",
            "(for reference)",
            f"{pandas['compute_s'] / dask['compute_s']:.3f}x",
            "",
        ],
        [
            "peak RSS, any method and size",
            f"≤ {TARGETS['peak_rss_mb']:.0f} MB",
            f"{peak:.0f} MB",
            peak <= TARGETS["peak_rss_mb"],
        ],
        [
            "cost linear in words (R² of compute time vs words, pandas / Dask)",
            "≈ 1",
            f"{r2['pandas']:.4f} / {r2['dask']:.4f}",
            min(r2["pandas"], r2["dask"]) > 0.98,
        ],
    ]
    fastest = _fastest_linearity(res)
    if fastest:
        checks.append(
            [
                "the same on the fastest run of each size (the least disturbed)",
                "(for reference)",
                f"{fastest['pandas']:.4f} / {fastest['dask']:.4f}",
                "",
            ]
        )
    checks = [c[:3] + [("met" if c[3] else "NOT met") if c[3] != "" else ""] for c in checks]
    out = [
        "# Benchmarks: corpus mode",
        "",
        f"Written by `make bench` (`python -m benchmarks.run`) on {res['date']}, {res['machine']}. "
        f"Corpus: `{res['corpus']}`, {res['articles']:,} articles, "
        f"{w[-1]:,} words in body paragraphs. "
        "Each run is one call in a fresh process, timed from the interpreter's start to its "
        "exit (what `time` shows): imports, the Dask cluster's start, worker warm-up and "
        "shutdown all count. The Dask engine starts its workers with the "
        f"`{res.get('start_method', 'forkserver')}` method (its default) unless a row says "
        "otherwise.",
        "",
        "**These numbers are noisy when other jobs share the CPU; re-run `make bench` on a quiet "
        "machine before quoting them.**",
        "",
        _speed_text(res),
        "",
        "## The whole corpus",
        "",
        _fmt_table(header, rows),
        "",
        "Each row is the median of the runs (by wall time). "
        f"Start-up: importing the package {pandas['import_s']:.1f} s; for Dask also the cluster "
        f"{dask['cluster_s']:.1f} s (its fork server imports Dask and the pipeline and builds "
        "the analyzers while this process imports Dask and starts the scheduler) and the "
        f"workers' warm-up {dask['warm_up_s']:.2f} s. Naive counts {naive['paragraphs']:,} "
        "paragraphs "
        f"and {naive['sentences']:,} sentences; "
        f"the engines {pandas['paragraphs']:,} paragraphs and "
        f"{pandas['sentences']:,} sentences.",
        "",
        _busy_text(full, labels, n_workers),
        "",
        "## Targets",
        "",
        _fmt_table(["target", "goal", "measured", ""], checks),
        "",
        "## Growth with corpus size",
        "",
        "The first 1/8, 1/4, 1/2 and all of the shuffled articles "
        f"({', '.join(f'{n:,}' for n in w)} words), each one call in a fresh process: wall "
        "seconds, compute seconds in brackets, and the marginal cost per 1,000 words. "
        f"Each size shows its median run by wall time, of {_runs_text(res)}; the methods "
        "interleaved, and the rounds of the smaller sizes spread among the whole-corpus rounds "
        "(each between two of them), so that every size is sampled over the same stretch of "
        "time.",
        "",
        _fmt_table(
            ["method", "1/8", "1/4", "1/2", "all", "compute ms per 1,000 words"], growth
        ),
    ]
    ag = res.get("agreement")
    if ag:
        out += [
            "",
            "## Sentence splitting: the fast path against pysbd",
            "",
            f"{ag['identical']:,} of {ag['paragraphs']:,} body paragraphs "
            f"({ag['share']:.2%}) are split "
            f"exactly as pysbd splits them ({ag['sentences_fast']:,} sentences against pysbd's "
            f"{ag['sentences_pysbd']:,}). Time for all of them: {ag['fast_s']:.1f} s with the fast "
            f"path, {ag['pysbd_s']:.1f} s with pysbd alone.",
        ]
    pr = res.get("profile")
    if pr:
        out += [
            "",
            "## Where the time of one article goes",
            "",
            f"pandas engine, unprofiled: {pr['ms_per_article_unprofiled']:.1f} ms per article. "
            f"cProfile of one corpus chunk of {pr['articles']} articles "
            f"({pr['analyze_s']:.1f} s profiled; shares of that; the stages of "
            "`pipeline.analysis_tables`, and reading the file):",
            "",
            _fmt_table(
                ["stage", "seconds", "share"],
                [
                    [f"`{s['stage']}`", f"{s['seconds']:.2f}", f"{s['share']:.0%}"]
                    for s in pr["stages"]
                ],
            ),
        ]
    sc = res.get("scoring")
    if sc:
        keys = list(sc[0].keys())
        out += [
            "",
            "## Sentence scoring (benchmarks/bench_scoring.py)",
            "",
            _fmt_table(keys, [[r.get(k, "") for k in keys] for r in sc]),
        ]
    return "\n".join(out) + "\n"


REFERENCE_LOOP = 3_000_000


def _reference_seconds(n: int = REFERENCE_LOOP) -> float:
    """Seconds for a fixed pure-Python loop: the machine's speed at this moment. Timed before
    every round and at the end, it shows how far the machine drifted during the run, and lets a
    reader compare this run with one on another machine."""
    t = time.perf_counter()
    s = 0
    for i in range(n):
        s += i * i
    return time.perf_counter() - t


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _paired_ratios(runs: dict[str, list[dict]], slow: str, fast: str) -> list[float]:
    """``slow``'s wall over ``fast``'s, round by round: each pair ran minutes apart, so a slow
    spell of the machine falls on both."""
    return [
        a["process_wall_s"] / b["process_wall_s"]
        for a, b in zip(runs[slow], runs[fast], strict=True)
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--corpus", default=None, help="corpus folder (default ../shared/corpora/bbc)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="a quarter of the corpus (a smoke test)")
    ap.add_argument("--repeats", type=int, default=5, help="whole-corpus runs per method")
    ap.add_argument(
        "--growth-repeats", type=int, default=3, help="runs per method of each smaller size"
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--paths", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.repeats < 1 or args.growth_repeats < 1:
        ap.error("--repeats and --growth-repeats must be 1 or more")
    if args.child:
        child(args)
        if args.child in ENGINE_CHILDREN:  # they end as the command line does
            from article_tone.__main__ import exit_now

            exit_now(0)
        return 0

    corpus = Path(args.corpus) if args.corpus else _default_corpus()
    if not corpus.is_dir():
        print(
            f"error: {corpus}: corpus folder not found (make bench needs ../shared/corpora/bbc)",
            file=sys.stderr,
        )
        return 2
    from article_tone.corpus import find_articles

    paths = [p for _, p in find_articles(corpus)]
    random.Random(SEED).shuffle(paths)
    if args.quick:
        paths = paths[: len(paths) // 4]
    paths_file = HERE / ".paths.json"
    paths_file.write_text(json.dumps(paths))
    load_start = os.getloadavg()[0]  # other jobs on the machine skew every number below
    t0 = time.perf_counter()
    try:
        sizes = [round(f * len(paths)) for f in FRACTIONS]
        per_article = [_count_words([p]) for p in paths]
        words = [sum(per_article[:n]) for n in sizes]
        print(f"benchmarking {len(paths):,} articles, {words[-1]:,} words:", file=sys.stderr)
        # The whole corpus, REPEATS times per method, interleaved so that a slow spell of the
        # machine does not fall on one method only; the median run represents the method.
        # Growth: each smaller fraction --growth-repeats times, its rounds spread among the
        # whole-corpus rounds (see growth_schedule), so that every size is sampled across the
        # whole bench: run after the whole-corpus rounds, the smaller sizes fell in the
        # machine's later, slower spell and bent the line. Each size: its median run.
        whole: dict[str, list[dict]] = {name: [] for name in HEADLINE}
        growth_runs: dict[str, list[list[dict]]] = {
            name: [[] for _ in sizes[:-1]] for name in GROWTH
        }
        reference = []
        for growth_rounds in growth_schedule(args.repeats, args.growth_repeats):
            reference.append(_reference_seconds())
            paths_file.write_text(json.dumps(paths))
            for name in HEADLINE:
                whole[name].append(_run_child(name, paths_file, corpus, args.workers))
            for _ in range(growth_rounds):
                for j, n in enumerate(sizes[:-1]):
                    paths_file.write_text(json.dumps(paths[:n]))
                    for name in GROWTH:
                        growth_runs[name][j].append(
                            _run_child(name, paths_file, corpus, args.workers)
                        )
        reference.append(_reference_seconds())
        methods = _growth_medians(growth_runs, whole)
        paths_file.write_text(json.dumps(paths[:: max(1, len(paths) // 160)]))
        profile = _run_child("profile", paths_file, corpus, args.workers)
        agreement = (
            None if args.quick else _run_child("agreement", paths_file, corpus, args.workers)
        )
    finally:
        paths_file.unlink(missing_ok=True)
    scoring = None
    if (HERE / "bench_scoring.py").exists():
        scoring = importlib.import_module("benchmarks.bench_scoring").run()
        scoring = scoring.to_dict("records") if hasattr(scoring, "to_dict") else list(scoring)
    res = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, "
        f"load average {load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end",
        "cpu": _cpu_model(),
        "reference_s": reference,
        "corpus": str(corpus),
        "articles": len(paths),
        "workers": args.workers,
        "start_method": _default_start_method(),
        "words": words,
        "methods": methods,
        "growth_repeats": args.growth_repeats,
        "growth_runs": growth_runs,
        "whole": whole,
        "profile": profile,
        "agreement": agreement,
        "scoring": scoring,
        "bench_s": time.perf_counter() - t0,
    }
    (HERE / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    (HERE / "results.md").write_text(report(res))
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
