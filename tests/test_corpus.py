"""Corpus mode: the same tables as one article with an ``article`` key, two engines that agree
exactly, bad files skipped and reported; and the fast sentence splitter agreeing with pysbd."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_tone import analyze
from article_tone.config import EXAMPLES, ROOT, SEED_ARTICLE
from article_tone.corpus import (
    OUTPUTS,
    TABLES,
    analyze_corpus,
    article_topic_tone,
    chunked,
    describe_spread,
    extreme_articles,
    find_articles,
    guided_chunks,
    topic_spread,
    write_corpus,
)
from article_tone.errors import ArticleError
from article_tone.text import sentence_spans


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """The shipped examples, the seed, and two bad files."""
    root = tmp_path_factory.mktemp("corpus")
    for p in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(p, root / p.name)
    (root / "more").mkdir()
    shutil.copy(SEED_ARTICLE, root / "more" / "seed.txt")
    (root / "more" / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (root / "more" / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("Hidden\n\nNot part of the corpus.\n", encoding="utf-8")
    (root / "notes.md").write_text("Not an article file.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pandas_result(small_corpus):
    return analyze_corpus(small_corpus, engine="pandas", progress=False)


def test_examples_ship_enough_articles():
    assert len(list(EXAMPLES.glob("*.txt"))) >= 4


def test_find_articles_keys_and_filters(small_corpus):
    keys = [k for k, _ in find_articles(small_corpus)]
    assert keys == sorted(keys)
    assert "more/seed.txt" in keys and "more/binary.txt" in keys
    assert not any(k.startswith(".hidden") or k.endswith(".md") for k in keys)


def test_chunked_keeps_order_and_everything():
    items = list(range(23))
    chunks = chunked(items, 4)
    assert len(chunks) == 4 and sum(chunks, []) == items
    assert chunked([], 3) == [] and chunked([1], 8) == [[1]]
    assert [len(c) for c in chunked(items, 5)] == [5, 5, 5, 5, 3]


def test_guided_chunks_shrink_as_the_work_runs_out():
    items = list(range(1000))
    chunks = guided_chunks(items, workers=2)
    assert sum(chunks, []) == items  # everything, in order
    sizes = [len(c) for c in chunks]
    # each chunk is 1/(4 x 2) of what is left: 125, 110, 96, ... down to the floor, 1000/64
    assert sizes[:3] == [125, 110, 96]
    assert all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))  # they never grow
    assert min(sizes[:-1]) == 16 and sizes[-1] <= 16
    # by weight: a heavy item makes a chunk on its own
    weights = [500] + [1] * 99
    heavy = guided_chunks(list(range(100)), 1, weights)
    assert heavy[0] == [0] and sum(heavy, []) == list(range(100))
    # never more than max_items, and no weight at all means by count
    assert max(len(c) for c in guided_chunks(items, 1, max_items=50)) == 50
    assert guided_chunks(items, 2, [0] * 1000) == chunks
    assert guided_chunks([], 2) == [] and guided_chunks([7], 8) == [[7]]
    with pytest.raises(ValueError, match="3 weights for 2 items"):
        guided_chunks([1, 2], 1, [1, 1, 1])


def test_corpus_tables_are_the_article_tables_with_a_key(pandas_result, small_corpus):
    one = analyze(small_corpus / "more" / "seed.txt")
    for name in TABLES:
        table = getattr(pandas_result, name)
        assert table.columns[0] == "article"
        mine = (
            table[table["article"] == "more/seed.txt"]
            .drop(columns="article")
            .reset_index(drop=True)
        )
        pdt.assert_frame_equal(mine, getattr(one, name).reset_index(drop=True), check_dtype=False)
    row = pandas_result.articles.set_index("article").loc["more/seed.txt"]
    assert row["n_paragraphs"] == len(one.paragraphs) == 11
    assert row["n_sentences"] == len(one.sentences) == 14
    assert row["headline"] == one.article.meta["headline"]
    for scorer in ("polarity", "vader_compound", "tone"):  # exactly pandas' mean
        assert row[scorer] == one.paragraphs[scorer].mean()
    assert row["n_words"] == one.paragraphs["n_words"].sum()


def test_analysis_without_drivers_changes_nothing_else(seed_analysis):
    from article_tone.sentiment import DRIVER_COLUMNS

    lean = analyze(SEED_ARTICLE, drivers=False)
    assert list(lean.drivers.columns) == DRIVER_COLUMNS and lean.drivers.empty
    assert len(seed_analysis.drivers) > 50
    for name, table in seed_analysis.tables().items():
        if name != "drivers":
            pdt.assert_frame_equal(lean.tables()[name], table, check_exact=True, obj=name)


def test_bad_files_are_skipped_with_reasons(pandas_result):
    skipped = pandas_result.skipped.set_index("article")["reason"]
    assert set(skipped.index) == {"more/binary.txt", "more/empty.txt"}
    assert "binary" in skipped["more/binary.txt"]
    assert len(pandas_result.articles) == len(list(EXAMPLES.glob("*.txt"))) + 1
    assert "2 skipped" in pandas_result.summary()


@pytest.mark.parametrize("start_method", ["forkserver", "spawn"])
def test_engines_give_identical_tables(pandas_result, small_corpus, start_method):
    dask_result = analyze_corpus(
        small_corpus, engine="dask", workers=2, progress=False, start_method=start_method
    )
    t = dask_result.timings
    assert t["cluster"] > 0 and t["warm_up"] > 0 and t["compute"] > 0 and t["shutdown"] > 0
    assert t["start"] == pytest.approx(t["cluster"] + t["warm_up"])
    assert 0 < t["busy_cpu"] and 0 < t["busy"] <= 2 * t["compute"] + 1e-6  # two workers at most
    for name, table in pandas_result.tables().items():
        pdt.assert_frame_equal(table, dask_result.tables()[name], check_exact=True, obj=name)


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_workers_forked_from_the_fork_server_start_with_the_analyzers_built():
    # In a fresh process, as a user's first call: the fork server imports the pipeline and
    # builds the analyzers before it forks the worker, which has them before any warm-up.
    code = textwrap.dedent(
        """
        from article_tone import corpus, workers
        workers.start_fork_server()
        client, _ = corpus._client(None, 1, "forkserver")
        try:
            print(list(client.run(lambda: corpus._lexicon.cache_info().currsize).values()))
        finally:
            client.close()
            client.cluster.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1]"  # the default lexicon, read in the fork server


def test_unknown_start_method_is_refused_before_any_work(small_corpus):
    with pytest.raises(ValueError, match="start_method must be one of forkserver, spawn, fork"):
        analyze_corpus(small_corpus, engine="dask", workers=2, start_method="threads")


def test_pandas_engine_refuses_workers(small_corpus):
    with pytest.raises(ValueError, match="dask"):
        analyze_corpus(small_corpus, engine="pandas", workers=2)
    with pytest.raises(ValueError, match="engine"):
        analyze_corpus(small_corpus, engine="spark")


def test_missing_folder_and_bad_lexicon(tmp_path, small_corpus):
    with pytest.raises(ArticleError, match="no such"):
        analyze_corpus(tmp_path / "nope")
    with pytest.raises(ArticleError, match="no \\*.txt"):
        analyze_corpus(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("this is not toml [", encoding="utf-8")
    with pytest.raises(ArticleError):
        analyze_corpus(small_corpus, topics=bad)


def test_write_csv_and_parquet(pandas_result, tmp_path):
    names = {p.name for p in write_corpus(pandas_result, tmp_path / "csv")}
    assert names == {f"{n}.csv" for n in OUTPUTS + ("skipped",)}
    back = pd.read_csv(tmp_path / "csv" / "paragraphs.csv")
    assert len(back) == len(pandas_result.paragraphs)
    write_corpus(pandas_result, tmp_path / "pq", "parquet")
    pq = pd.read_parquet(tmp_path / "pq" / "sentences.parquet")
    assert len(pq) == len(pandas_result.sentences) and pq.columns[0] == "article"


def test_topic_views(pandas_result):
    per = article_topic_tone(pandas_result)
    assert set(per["article"]) <= set(pandas_result.articles["article"])
    spread = topic_spread(pandas_result)
    assert len(spread) >= 3  # the examples discuss several lexicon topics
    top = spread.iloc[0]
    assert top["n_articles"] >= 2
    assert top["min"] <= top["median"] <= top["max"]
    ext = extreme_articles(pandas_result, top["topic"], k=1)
    assert ext["end"].tolist() == ["most negative", "most positive"]
    assert ext["mean"].iloc[0] <= ext["mean"].iloc[1]
    assert ext["article"].iloc[0] == top["most_negative"]
    assert "varies most between articles" in describe_spread(pandas_result)


def test_cli_corpus(small_corpus, tmp_path):
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "article_tone", "corpus", str(small_corpus), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    assert "2 skipped" in r.stdout
    assert r.stderr.count("skipped: ") == 2 and "binary.txt" in r.stderr
    for name in OUTPUTS:
        assert (out / f"{name}.csv").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "article_tone", "corpus", str(tmp_path / "nope"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert (
        bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    )


@pytest.mark.shared
def test_bbc_politics_engines_agree(bbc_dir):
    """A real folder: 417 articles, both engines, same tables."""
    folder = bbc_dir / "politics"
    a = analyze_corpus(folder, engine="pandas", progress=False)
    b = analyze_corpus(folder, engine="dask", workers=2, progress=False)
    assert len(a.articles) == 417 and not len(a.skipped)
    for name, table in a.tables().items():
        pdt.assert_frame_equal(table, b.tables()[name], check_exact=True, obj=name)


# ------------------------------------------------------------------------------------------
# The fast sentence splitter gives pysbd's boundaries exactly, or defers to pysbd


_ATOMS = [
    "He",
    "said",
    "the",
    "May",
    "Mr",
    "is",
    "co",
    "I",
    "I'm",
    "US",
    "2004",
    "20",
    "3",
    "3.5",
    "1.5bn",
    "a",
    "x",
    "ii",
    "(AOL)",
    "(2)",
    "(see it)",
    "[the]",
    '"',
    "'",
    "’",
    "Blair's",
    "no",
    "e.g.",
    "U.S.",
    "Yahoo!",
    "bbc.co.uk",
    "-",
    "£5",
    "Inc",
    "St",
    "1)",
    "(i)",
    "Co",
    "KG",
    "p.m.",
    "é",
    "É",
    "1,000",
    "9",
    "11",
    "“",
    "”",
]
_PUNCT = [". ", ", ", " ", "? ", "! ", '." ', ',." ', ' "', ": ", "...", ".", '?" ']


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_ATOMS + _PUNCT), min_size=1, max_size=25).map("".join))
def test_fast_path_agrees_with_pysbd(raw):
    assert sentence_spans(raw) == sentence_spans(raw, fast=False)


@pytest.mark.shared
def test_fast_path_agrees_on_bbc_sample(bbc_dir):
    from article_tone import load_article

    paths = sorted(bbc_dir.glob("*/*.txt"))[::25]
    n = 0
    for p in paths:
        a = load_article(p)
        for r in a.paragraphs.itertuples():
            raw = a.text[r.start : r.end]
            assert sentence_spans(raw) == sentence_spans(raw, fast=False), (p, r.para_no)
            n += 1
    assert n > 300


def test_no_topic_corpus_degrades_to_sentences(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from article_tone.plots.corpus import CORPUS_FIGURES

    cup = "Cup final\n\nThe home side won the cup. Fans sang.\n"
    (tmp_path / "a.txt").write_text(cup, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Weather\n\nRain is due on Friday.\n", encoding="utf-8")
    c = analyze_corpus(tmp_path, progress=False)
    assert len(c.articles) == 2 and not len(c.topic_mentions)
    assert describe_spread(c).startswith("No article mentions any topic")
    assert not len(topic_spread(c)) and not len(article_topic_tone(c))
    for build in CORPUS_FIGURES.values():
        fig, data = build(c)
        assert not len(data)
        assert fig.axes[0].texts  # a sentence, not an empty chart


def test_the_fork_server_can_start_before_pandas_is_imported():
    # The command line starts the workers' fork server first, so that its imports (Dask, the
    # pipeline, the analyzers) overlap with its own: neither the package nor its worker module
    # may pull pandas in on import.
    code = (
        "import sys, article_tone, article_tone.workers, article_tone.__main__\n"
        "print('pandas' in sys.modules, 'distributed' in sys.modules)\n"
        "from article_tone import analyze\n"
        "print(analyze.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "article_tone.pipeline"]


def test_copies_are_analysed_once_and_reported_as_their_own(tmp_path):
    # Byte-identical files (re-filed or syndicated articles) are analysed once; every table
    # is what analysing each file would give, copies under their own key and path.
    root = tmp_path / "archive"
    root.mkdir()
    for p in sorted(EXAMPLES.glob("*.txt"))[:3]:
        shutil.copy(p, root / p.name)
    shutil.copy(SEED_ARTICLE, root / "a-seed.txt")
    shutil.copy(SEED_ARTICLE, root / "z-seed-again.txt")
    shutil.copy(next(iter(sorted(EXAMPLES.glob("*.txt")))), root / "m-copy.txt")
    (root / "bad.txt").write_bytes(b"\x00binary")
    (root / "bad-too.txt").write_bytes(b"\x00binary")
    once = analyze_corpus(root, engine="pandas", progress=False)
    every = analyze_corpus(root, engine="pandas", progress=False, skip_copies=False)
    assert once.copies == 3 and every.copies == 0  # two seeds, one example, one bad file
    assert "3 files are copies of another, analysed once" in once.summary()
    for name, table in every.tables().items():
        pdt.assert_frame_equal(once.tables()[name], table, check_exact=True, obj=name)
    row = once.articles.set_index("article").loc["z-seed-again.txt"]
    assert row["path"].endswith("z-seed-again.txt") and row["n_paragraphs"] == 11
    assert set(once.skipped["article"]) == {"bad.txt", "bad-too.txt"}
    dask = analyze_corpus(root, engine="dask", workers=2, progress=False)
    for name, table in every.tables().items():
        pdt.assert_frame_equal(dask.tables()[name], table, check_exact=True, obj=name)


def test_cli_dask_ends_with_no_process_left(small_corpus, pandas_result, tmp_path):
    """The command line skips the interpreter's teardown (exit_now); its Dask cluster, fork
    server and their helpers still stop: none of its session's processes outlives it."""
    import psutil

    out = tmp_path / "out"
    p = subprocess.Popen(
        [sys.executable, "-m", "article_tone", "corpus", str(small_corpus), "--out", str(out),
         "--engine", "dask", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True,
    )
    stdout, stderr = p.communicate(timeout=300)
    assert p.returncode == 0, stderr
    assert "2 skipped" in stdout and "[dask, 2 workers" in stdout
    written = pd.read_csv(out / "paragraphs.csv")
    assert written[["article", "para_no"]].values.tolist() == (
        pandas_result.paragraphs[["article", "para_no"]].values.tolist()
    )

    def left() -> list:
        found = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if os.getsid(proc.pid) == p.pid:
                    found.append(proc)
            except (ProcessLookupError, PermissionError):
                pass
        return found

    deadline = time.monotonic() + 10
    while left() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left() == []
