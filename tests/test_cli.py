"""`python -m article_tone analyze`: outputs, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "article_tone", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def test_analyze_writes_the_tables(tmp_path, seed_path):
    out = tmp_path / "out"
    r = run_cli("analyze", seed_path, "--out", out)
    assert r.returncode == 0, r.stderr
    for name in ["article.json", "blocks.csv", "paragraphs.csv", "sentences.csv"]:
        assert (out / name).exists(), name
    meta = json.loads((out / "article.json").read_text())
    assert meta["meta"]["published"] == "2019-05-15T16:33:00+08:00"
    assert meta["blocks_by_kind"]["body"] == 11
    paras = pd.read_csv(out / "paragraphs.csv")
    assert paras["para_no"].tolist() == list(range(1, 12))
    wanted = {"polarity", "subjectivity", "vader_compound", "n_words", "n_sentences"}
    assert wanted <= set(paras.columns)
    assert len(pd.read_csv(out / "sentences.csv")) == 14
    assert not list(out.glob(".*tmp"))  # no temporary files left behind


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n\t \n")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    undecodable = tmp_path / "bytes.txt"
    undecodable.write_bytes(b"\x81\x8d\x90\x9d\xff\xfe\xfa" * 10)
    html = tmp_path / "page.html"
    html.write_text("<!doctype html><html><body>Hi</body></html>")
    return {
        "missing": (tmp_path / "missing.txt", "no such file"),
        "directory": (tmp_path, "is a directory"),
        "empty": (empty, "file is empty"),
        "whitespace": (blank, "only whitespace"),
        "binary": (binary, "binary file"),
        "undecodable": (undecodable, "undecodable bytes"),
        "html": (html, "HTML page"),
    }


@pytest.mark.parametrize(
    "case", ["missing", "directory", "empty", "whitespace", "binary", "undecodable", "html"]
)
def test_bad_input_one_line_error_and_nothing_written(tmp_path, case):
    path, reason = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    r = run_cli("analyze", path, "--out", out)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert reason in lines[0]
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_failure_keeps_previous_outputs(tmp_path, seed_path):
    out = tmp_path / "out"
    assert run_cli("analyze", seed_path, "--out", out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run_cli("analyze", tmp_path / "missing.txt", "--out", out).returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_exit_now_runs_exit_handlers_flushes_and_keeps_the_code(tmp_path):
    """The command line ends with exit_now: no interpreter teardown, but the exit handlers run,
    buffered output arrives, and the exit code is the command's."""
    marker = tmp_path / "atexit-ran"
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "from article_tone.__main__ import exit_now\n"
        "sys.stdout.write('buffered, no newline'); sys.stderr.write('to stderr')\n"
        "exit_now(3)\n"
        "print('never reached')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 3
    assert r.stdout == "buffered, no newline" and r.stderr == "to stderr"
    assert marker.read_text() == "yes"


def test_exit_code_survives_a_closed_stdout(tmp_path, seed_path):
    """`... | head -0`: stdout is gone before the summary line. The tables are written all the
    same, and the failure is one line on stderr (exit code 2), with no traceback."""
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-m", "article_tone", "analyze", str(seed_path),
                          "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert p.returncode == 2
    assert err == "error: standard output: closed by the reader before the summary line\n"
    assert (out / "paragraphs.csv").exists()
