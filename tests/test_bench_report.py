"""The benchmark's report: which run stands for a method and size, and how linearity is judged.

These check the arithmetic of ``benchmarks/run.py`` on made-up runs, and its memory sampler on a
small process tree; they time nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.run import (
    GROWTH,
    HEADLINE,
    TreeRSS,
    _growth_medians,
    _linearity,
    _median_run,
    growth_schedule,
    report,
)


def _run(wall: float, compute: float | None = None, **extra) -> dict:
    compute = wall - 1.0 if compute is None else compute
    run = {
        "process_wall_s": wall, "wall_s": wall - 0.1, "start_s": 0.5, "compute_s": compute,
        "peak_rss_mb": 300.0, "import_s": 0.4, "cluster_s": 0.9, "warm_up_s": 0.01,
        "paragraphs": 10, "sentences": 40, "busy_cpu_s": compute,
    }
    run.update(extra)
    return run


def test_growth_rounds_are_spread_among_the_whole_corpus_rounds():
    # 5 whole-corpus rounds, 3 growth rounds: after the 1st, 2nd and 4th, not bunched at the end
    assert growth_schedule(5, 3) == [1, 1, 0, 1, 0]
    assert growth_schedule(3, 5) == [2, 2, 1]  # more growth rounds than whole ones
    assert growth_schedule(1, 3) == [3]
    for repeats, growth in [(5, 3), (3, 5), (4, 4), (7, 2), (2, 0)]:
        plan = growth_schedule(repeats, growth)
        assert len(plan) == repeats and sum(plan) == growth
        assert max(plan) - min(plan) <= 1 + growth // repeats
    with pytest.raises(ValueError):
        growth_schedule(0, 3)


def test_median_run_is_the_middle_one_by_wall_time():
    runs = [_run(12.0), _run(9.0), _run(30.0), _run(10.0), _run(11.0)]
    assert _median_run(runs)["process_wall_s"] == 11.0
    assert _median_run(runs[:4])["process_wall_s"] == 10.0  # even count: the lower middle
    assert _median_run([_run(5.0)])["process_wall_s"] == 5.0


def test_linearity_is_one_on_a_line_and_drops_on_a_bent_one():
    words = [100, 200, 400, 800]
    assert _linearity(words, [1.0 + 0.01 * w for w in words]) == pytest.approx(1.0)
    bent = _linearity(words, [1.0, 1.2, 9.0, 9.5])
    assert bent < 0.9


def _results(growth_walls: dict[str, list[list[float]]]) -> dict:
    """A results dict as main() writes it, with the given wall times of each smaller size."""
    whole = {name: [_run(20.0 + i) for i in range(3)] for name in HEADLINE}
    growth_runs = {
        name: [[_run(w) for w in walls] for walls in growth_walls[name]] for name in GROWTH
    }
    methods = _growth_medians(growth_runs, whole)
    return {
        "date": "2026-12-03 18:00", "machine": "x86_64, 2 CPUs", "corpus": "bbc",
        "articles": 80, "workers": 2, "words": [1000, 2000, 4000, 8000],
        "methods": methods, "whole": whole, "growth_runs": growth_runs, "growth_repeats": 3,
    }


def test_report_takes_each_size_from_its_median_run_and_says_so():
    # compute = wall - 1: the medians (3.5, 6, 11, and 21 for all) lie close to a line in words
    walls = {name: [[3.5, 30.0, 3.0], [6.0, 5.5, 7.0], [11.0, 10.5, 40.0]] for name in GROWTH}
    text = report(_results(walls))
    growth = text.split("## Growth with corpus size", 1)[1]
    assert "| 3.5 (2.5) | 6.0 (5.0) | 11.0 (10.0) | 21.0 (20.0) |" in growth
    assert "30.0" not in growth and "40.0" not in growth  # the slow outliers are not shown
    assert "of 3 runs (3 for the whole corpus: those above)" in growth
    line = next(ln for ln in text.splitlines() if ln.startswith("| cost linear in words"))
    assert line.endswith("| met |")


def test_report_calls_a_bent_growth_curve_not_linear():
    walls = {name: [[2.0] * 3, [2.2] * 3, [19.0] * 3] for name in GROWTH}
    text = report(_results(walls))
    line = next(ln for ln in text.splitlines() if ln.startswith("| cost linear in words"))
    assert line.endswith("| NOT met |")


def test_report_adds_the_fit_of_the_fastest_runs_for_reference():
    # the medians bend (two slow runs of the 1/2 size), the fastest runs lie on a line
    walls = {name: [[3.5, 3.6, 3.7], [6.0, 6.1, 6.2], [11.0, 15.0, 15.5]] for name in GROWTH}
    res = _results(walls)
    text = report(res)
    line = next(ln for ln in text.splitlines() if ln.startswith("| the same on the fastest"))
    assert "(for reference)" in line and not line.endswith("met |")
    medians = next(ln for ln in text.splitlines() if ln.startswith("| cost linear in words"))
    assert medians.endswith("| NOT met |")
    fast = float(line.split("|")[3].split("/")[0])
    assert fast > 0.98  # 2.5, 5.0, 10.0 and 19.0 s of compute for 1, 2, 4 and 8 thousand words
    res["growth_repeats"] = 1
    assert "the same on the fastest" not in report(res)


_TREE = """
import subprocess, sys
sys.stdin.readline()  # start the child only when told: the test samples the parent alone first
kid = subprocess.Popen([sys.executable, "-c",
    "import sys; b = bytearray(64 * 2**20); print('up', flush=True); sys.stdin.read()"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
kid.stdout.readline()
print("ready", flush=True)
sys.stdin.readline()
kid.stdin.close(); kid.wait()
print("alone", flush=True)
sys.stdin.readline()
"""


def _start_tree():
    return subprocess.Popen(
        [sys.executable, "-c", _TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _tell(proc, expect: str) -> None:
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == expect


def _rss_of(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


def test_tree_rss_sums_the_descendants_and_notices_one_that_has_gone():
    import psutil

    parent = _start_tree()
    try:
        _tell(parent, "ready")
        (grandchild,) = psutil.Process(parent.pid).children(recursive=True)
        sample = TreeRSS(parent.pid, refresh=1000)  # lists the tree at the first sample only
        both = sample()
        assert both >= 64 * 2**20  # the grandchild's 64 MB buffer counts
        assert both == pytest.approx(_rss_of(parent.pid) + grandchild.memory_info().rss, rel=0.1)
        _tell(parent, "alone")
        assert sample() == pytest.approx(_rss_of(parent.pid), rel=0.1)  # the gone one drops out
        assert sample._age == sample._refresh  # and the tree is listed again at the next sample
        sample()
        assert sample._procs == [psutil.Process(parent.pid)]
    finally:
        parent.kill()
        parent.wait()


def test_tree_rss_lists_the_tree_again_every_refresh_samples():
    parent = _start_tree()
    try:
        sample = TreeRSS(parent.pid, refresh=3)
        first = sample()  # the parent alone: it starts its child when told
        _tell(parent, "ready")
        sample(), sample()
        assert sample() >= first + 64 * 2**20  # the 4th sample lists the tree again
    finally:
        parent.kill()
        parent.wait()
