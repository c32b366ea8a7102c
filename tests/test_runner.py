"""The notebook runner: papermill on any article, deterministic output, atomic writes, bad input.

The runs on whole articles execute every notebook in ``notebooks/`` (into ``tmp_path``); the
committed notebooks must come out of it byte for byte unchanged.
"""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from article_tone import runner
from article_tone.config import NOTEBOOKS, ROOT, SEED_ARTICLE
from article_tone.io import write_text_atomic
from tests.conftest import require_shared

NOTEBOOK_PATHS = runner.notebook_paths()
needs_notebooks = pytest.mark.skipif(not NOTEBOOK_PATHS, reason=f"no notebooks in {NOTEBOOKS}")

BBC_ARTICLES = [
    "politics/017.txt",  # the one `make run ARTICLE=...` is checked on
    "sport/001.txt",  # none of the seed's topics
    "tech/050.txt",
]

ONE_PARAGRAPH = (
    "Committee meeting scheduled\n"
    "\n"
    "The committee will meet on Tuesday at the town hall to review the schedule for the coming "
    "year. The meeting starts at ten.\n"
)
"""A BBC-style article (title line, blank line, body) of one paragraph that mentions no topic
of the lexicon and has no sentence with non-zero polarity (TextBlob and VADER both say 0.0)."""


def digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def committed():
    """The committed notebooks' digests before the module runs; checked unchanged after it."""
    before = digest(NOTEBOOK_PATHS)
    yield before
    assert digest(NOTEBOOK_PATHS) == before, "a runner test changed a committed notebook"


def assert_collection_ran(outcomes, out_dir: Path, article: Path) -> None:
    assert [o.output.name for o in outcomes] == [p.name for p in NOTEBOOK_PATHS]
    errors = {o.source.name: o.error for o in outcomes if o.error}
    assert not errors, f"notebooks failed on {article}: {errors}"
    for outcome in outcomes:
        nb = nbformat.read(outcome.output, as_version=4)
        nbformat.validate(nb)
        assert runner._error_of(nb) is None
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.source]
        assert counts == list(range(1, len(counts) + 1)), f"{outcome.output.name}: {counts}"
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        params = runner.parameters_for(outcome.source, article, None)
        if params.get("ARTICLE"):
            assert len(injected) == 1 and params["ARTICLE"] in injected[0].source
            assert injected[0].id == "injected-parameters"
        for cell in nb.cells:
            assert "execution" not in cell.metadata and "papermill" not in cell.metadata


# -- whole articles through papermill -------------------------------------------------------------

@needs_notebooks
@pytest.mark.slow
@pytest.mark.parametrize("rel", BBC_ARTICLES)
def test_collection_runs_on_bbc_article(rel, tmp_path, committed):
    article = require_shared("corpora", "bbc", *rel.split("/"))
    out = tmp_path / article.stem
    first = rel == BBC_ARTICLES[0]  # the full run, HTML and tables included, once
    outcomes = runner.run_article(article, out_dir=out, notebooks=NOTEBOOK_PATHS,
                                  analyze_tables=first, html_export=first)
    assert_collection_ran(outcomes, out, article)
    if first:
        assert (out / "index.html").exists()
        assert sorted(p.name for p in out.glob("*.html")) == sorted(
            ["index.html", *(p.with_suffix(".html").name for p in NOTEBOOK_PATHS)])
        assert (out / "data" / "paragraphs.csv").exists()
        assert (out / "figures" / "tone-arc.png").exists()


@needs_notebooks
@pytest.mark.slow
def test_collection_degrades_gracefully_on_one_neutral_paragraph(tmp_path, committed):
    """One paragraph, no topic mentioned, no sentence with non-zero polarity: no crash."""
    article = tmp_path / "one-paragraph.txt"
    article.write_text(ONE_PARAGRAPH, encoding="utf-8")
    out = tmp_path / "out"
    outcomes = runner.run_article(article, out_dir=out, notebooks=NOTEBOOK_PATHS,
                                  html_export=False)
    assert_collection_ran(outcomes, out, article)


def test_default_output_folder_is_reports_stem():
    assert runner.REPORTS / runner.article_stem("../x/politics/017.txt") == (
        ROOT / "reports" / "017")


def test_parameters_are_relative_to_the_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('ARTICLE = "a.txt"\nOTHER = 1',
                                  metadata={"tags": ["parameters"]})])
    nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / "01-x.ipynb"
    nbformat.write(nb, path)
    article = tmp_path / "articles" / "b.txt"
    params = runner.parameters_for(path, article, tmp_path / "topics.toml")
    assert params == {"ARTICLE": "../articles/b.txt"}  # TOPICS is not declared: not passed


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make_bad", [
    lambda tmp: tmp / "missing.txt",
    lambda tmp: tmp,  # a folder
])
def test_bad_article_is_one_line_and_exit_2(make_bad, tmp_path, capsys):
    bad = make_bad(tmp_path)
    assert runner.main(["--article", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: "), err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_topics_is_one_line_and_exit_2(tmp_path, capsys):
    code = runner.main(["--article", str(SEED_ARTICLE), "--topics", str(tmp_path / "no.toml"),
                        "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: "), err


def test_cli_through_python_m_exits_2_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "article_tone.runner", "--article",
                           str(tmp_path / "nope.txt")], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope.txt'}: no such file"]


# -- determinism ----------------------------------------------------------------------------------

def _varying_notebook(seed: int):
    """A notebook as papermill/nbclient leave it, with everything that differs between runs."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.papermill = {"start_time": f"2026-01-0{seed}T00:00:00", "duration": seed,
                             "parameters": {"ARTICLE": "a.txt"}}
    injected = nbformat.v4.new_code_cell('ARTICLE = "a.txt"',
                                         metadata={"tags": ["injected-parameters"]})
    styled = nbformat.v4.new_code_cell("df.style", execution_count=2)
    uid = f"{seed:05x}"
    styled.outputs = [nbformat.v4.new_output("execute_result", {
        "text/html": f'<style type="text/css">\n#T_{uid}_row0_col0 {{ color: red; }}\n</style>\n'
                     f'<table id="T_{uid}"><td id="T_{uid}_row0_col0" class="data">1</td></table>',
        "text/plain": "<pandas.io.formats.style.Styler>"}, execution_count=2)]
    model = f"{seed:032x}"
    widget = nbformat.v4.new_code_cell("w", execution_count=3)
    widget.outputs = [nbformat.v4.new_output("display_data", {
        "application/vnd.jupyter.widget-view+json": {"model_id": model, "version_major": 2,
                                                     "version_minor": 0}})]
    layout, style = f"{9 - seed:032x}", f"{20 + seed:032x}"  # sort differently in each run
    nb.metadata.widgets = {"application/vnd.jupyter.widget-state+json": {
        "state": {model: {"model_name": "IntProgressModel",
                          "state": {"value": 3, "layout": f"IPY_MODEL_{layout}",
                                    "style": f"IPY_MODEL_{style}"}},
                  layout: {"model_name": "LayoutModel", "state": {"width": "auto"}},
                  style: {"model_name": "ProgressStyleModel", "state": {}}},
        "version_major": 2, "version_minor": 0}}
    styled.id, widget.id = "styled", "widget"  # a committed cell keeps its id
    nb.cells = [injected, styled, widget]
    for cell in nb.cells:
        cell.metadata["execution"] = {"iopub.status.busy": f"2026-01-0{seed}T00:00:0{seed}Z"}
        cell.metadata["papermill"] = {"duration": seed * 0.1, "status": "completed"}
    return nb


def test_normalize_removes_everything_that_varies():
    texts = {runner.notebook_text(runner.normalize(_varying_notebook(s))) for s in (1, 2, 3)}
    assert len(texts) == 1
    nb = nbformat.reads(texts.pop(), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.papermill == {"parameters": {"ARTICLE": "a.txt"}}
    assert nb.cells[0].id == "injected-parameters"
    html = nb.cells[1].outputs[0].data["text/html"]
    assert "T_c1o0s0_row0_col0" in html and 'id="T_c1o0s0"' in html  # ids still match the CSS
    model = nb.cells[2].outputs[0].data["application/vnd.jupyter.widget-view+json"]["model_id"]
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    assert model == f"{1:032x}" and len(state) == 3
    assert state[model]["state"]["layout"] == f"IPY_MODEL_{2:032x}"  # references still resolve


@pytest.fixture
def project_copy(tmp_path):
    """notebooks/ copied, the rest of the project linked: executing in place is harmless here."""
    for entry in ROOT.iterdir():
        if entry.name not in {"notebooks", ".git", ".venv"}:
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return tmp_path


@needs_notebooks
def test_executing_twice_gives_byte_identical_files(project_copy, committed):
    """The in-place run of ``make run``, twice, on the first notebook: same notebook, same HTML,
    same index, byte for byte (and the second run does not even touch the notebook file)."""
    notebook = project_copy / "notebooks" / NOTEBOOK_PATHS[0].name
    reports = project_copy / "out"
    snapshots = []
    for _ in range(2):
        outcomes = runner.run_in_place([notebook], reports=reports, figures=reports, workers=1)
        assert [o.error for o in outcomes] == [None]
        files = [notebook, *sorted(reports.iterdir())]
        snapshots.append({p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files})
    first, second = snapshots
    assert {k: v[0] for k, v in first.items()} == {k: v[0] for k, v in second.items()}
    assert first[notebook.name][1] == second[notebook.name][1], "unchanged, yet rewritten"
    text = notebook.read_text(encoding="utf-8")
    assert '"iopub.' not in text and '"papermill"' not in text
    page = (reports / notebook.with_suffix(".html").name).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"https?:", page), "fetches a CDN"


# -- atomic writes --------------------------------------------------------------------------------

def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "01-x.ipynb"
    path.write_text("old\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# new")])
    with pytest.raises(KeyboardInterrupt):
        runner.write_notebook(path, nb)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(tmp_path / "table.csv", "a,b\n1,2\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01-x.ipynb"]  # no temp file left


@needs_notebooks
def test_interrupted_run_leaves_only_complete_files(tmp_path):
    """Ctrl-C in the middle of ``make run ARTICLE=...``: exit 130, no kernel left running, and
    every file written is whole (each notebook parses, each CSV has its last line)."""
    out = tmp_path / "out"
    scratch = tmp_path / "tmp"  # the kernels' connection files go here: they name it
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))  # two notebooks at once, as by default
    proc = subprocess.Popen(
        [sys.executable, "-m", "article_tone.runner", "--article", str(SEED_ARTICLE), "--out",
         str(out)], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        # Interrupt while a kernel is running a notebook (its connection file exists).
        while time.monotonic() < deadline and proc.poll() is None:
            if list(scratch.glob("tmp*.json")) and (out / "data").exists():
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C does
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted"), err
    assert "Traceback" not in err, err
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []
    for path in out.rglob("*.ipynb"):
        nbformat.validate(nbformat.read(path, as_version=4))
    for path in out.rglob("*.csv"):
        assert path.read_bytes().endswith(b"\n"), path
    time.sleep(0.5)
    import psutil

    kernels = [p for p in psutil.process_iter(["cmdline"])
               if str(tmp_path) in " ".join(p.info["cmdline"] or ())]
    assert kernels == [], "kernels left running"


def test_normalize_is_idempotent():
    nb = runner.normalize(_varying_notebook(4))
    once = runner.notebook_text(nb)
    assert runner.notebook_text(runner.normalize(copy.deepcopy(nb))) == once
