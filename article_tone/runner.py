"""Run the notebook collection: on the seed in place, or on any article through papermill.

``python -m article_tone.runner``
    executes every notebook in ``notebooks/`` in place (fresh kernel each, working directory
    ``notebooks/``, run counts 1..N), exports each to ``reports/NN-name.html`` and writes
    ``reports/index.html``, which links them and shows the headline chart.
``python -m article_tone.runner --article PATH [--topics FILE]``
    executes the collection on another article with papermill into ``reports/<article-stem>/``
    (notebooks, the article's tables and figures, HTML and an index); the committed notebooks are
    left untouched.

Runs are deterministic: no timing metadata, ``PYTHONHASHSEED=0`` in every kernel, stable ids for
papermill's injected cell, pandas Stylers and widgets. So running twice gives byte-identical files.
Every file is written atomically (temporary file, then rename): an interrupted run leaves each
output either as it was or complete. Bad input exits 2 with one line ``error: PATH: reason``; a
notebook that raises exits 1 with ``error: NOTEBOOK: cell N raised ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .config import FIGURES, NOTEBOOKS, REPORTS, SEED_ARTICLE, TOPICS_FILE, display_path
from .errors import ArticleError
from .io import write_text_atomic

KERNEL = "python3"
KERNEL_DISPLAY_NAME = "Python 3 (article_tone)"
CELL_TIMEOUT = 600  # s per cell
HEADLINE_CHART = "tone-arc.png"
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"

# What makes a kernel's output the same on every run.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",  # set and dict order of strings
    "SOURCE_DATE_EPOCH": "0",  # matplotlib's PDF/SVG/PS metadata dates
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",  # inline images, whatever the shell
}

# nbconvert's lab template, minus the scripts it fetches from a CDN (require.js, MathJax,
# Mermaid): the report opens offline and never calls out.
_OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class NotebookError(Exception):
    """A notebook that raised while running; ``str(err)`` is ``"<notebook>: <what happened>"``."""

    def __init__(self, path: str | Path, reason: str):
        self.path = display_path(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


@dataclass(frozen=True)
class Outcome:
    """One notebook's run: where it came from, where it went, and the error if it raised."""

    source: Path
    output: Path
    error: str | None = None


# -- finding notebooks and the kernel ----------------------------------------------------------

def notebook_paths(directory: str | Path = NOTEBOOKS) -> list[Path]:
    """The collection: ``NN-name.ipynb`` in ``directory``, in order."""
    return sorted(Path(directory).glob(NOTEBOOK_GLOB))


def kernel_options() -> dict:
    """NotebookClient options shared by both runs: no timing metadata, and a quiet kernel log
    (ipykernel warns about unencrypted local TCP on every start, and logs the interrupt that
    precedes every shutdown); what cells print and raise is in the notebook, not in this log."""
    return {"kernel_name": KERNEL, "record_timing": False,
            "extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}


def ensure_kernel() -> None:
    """Make kernel ``python3`` this interpreter (the venv's), installing its spec if needed.

    A user-level ``python3`` spec (``~/.local/share/jupyter``) that points at another Python would
    otherwise win; putting this prefix first on ``JUPYTER_PATH`` makes the venv's spec win.
    """
    prefix_share = Path(sys.prefix) / "share" / "jupyter"
    if not (prefix_share / "kernels" / KERNEL / "kernel.json").exists():
        from ipykernel.kernelspec import install

        install(kernel_name=KERNEL, display_name=KERNEL_DISPLAY_NAME, prefix=sys.prefix)
    paths = [str(prefix_share)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
                                   if p and p != str(prefix_share)]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)


@contextlib.contextmanager
def kernel_environment() -> Iterator[None]:
    """Kernels started inside inherit :data:`KERNEL_ENV`; the caller's environment is restored."""
    saved = {k: os.environ.get(k) for k in [*KERNEL_ENV, "JUPYTER_PATH"]}
    os.environ.update(KERNEL_ENV)
    try:
        ensure_kernel()
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- making a notebook the same on every run ---------------------------------------------------

_STYLER_ID = re.compile(r"T_[0-9a-f]{5}(?=[_ \"#.:{])")
_PAPERMILL_CELL_TAGS = {"injected-parameters": "injected-parameters",
                        "papermill-error-cell-tag": "papermill-error"}


def normalize(nb):
    """Strip what varies between runs of the same notebook; return ``nb`` (changed in place).

    Timing metadata (nbclient's ``execution``, papermill's ``papermill`` blocks, keeping only the
    parameters), random cell ids of the cells papermill adds, pandas Styler ids (``T_1a2b3``)
    and widget model ids.
    """
    params = nb.metadata.get("papermill", {}).get("parameters")
    nb.metadata.pop("papermill", None)
    if params:
        nb.metadata["papermill"] = {"parameters": params}
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        for tag, cell_id in _PAPERMILL_CELL_TAGS.items():
            if tag in cell.metadata.get("tags", []):
                seen[tag] = seen.get(tag, 0) + 1
                cell["id"] = cell_id if seen[tag] == 1 else f"{cell_id}-{seen[tag]}"
        for n_out, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if "text/html" in data and "T_" in data["text/html"]:
                ids = dict.fromkeys(_STYLER_ID.findall(data["text/html"]))
                text = data["text/html"]
                for k, old in enumerate(ids):
                    text = text.replace(old, f"T_c{index}o{n_out}s{k}")
                data["text/html"] = text
    _stable_widget_ids(nb)
    return nb


_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _stable_widget_ids(nb) -> None:
    """Renumber widget model ids (random UUIDs) in a canonical order.

    The order does not depend on the ids themselves: the widgets displayed, cell by cell, then
    the models each one refers to (``IPY_MODEL_<id>``, depth first, keys sorted); models nothing
    refers to come last, ordered by their content.
    """
    import json

    import nbformat

    state = nb.metadata.get("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    if not state:
        return
    order: list[str] = []

    def visit(model_id) -> None:
        if model_id in state and model_id not in order:
            order.append(model_id)
            walk(state[model_id].get("state", {}))

    def walk(value) -> None:
        if isinstance(value, str) and value.startswith("IPY_MODEL_"):
            visit(value[len("IPY_MODEL_"):])
        elif isinstance(value, dict):
            for key in sorted(value):
                walk(value[key])
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            visit(output.get("data", {}).get(_WIDGET_VIEW, {}).get("model_id"))

    def content(model_id: str) -> str:
        text = json.dumps(state[model_id], sort_keys=True)
        for other in state:
            text = text.replace(other, "")
        return text

    for model_id in sorted(set(state) - set(order), key=content):
        visit(model_id)
    text = nbformat.writes(nb)
    for k, old in enumerate(order):
        text = text.replace(old, f"{k + 1:032x}")
    renumbered = nbformat.reads(text, as_version=4)
    nb.metadata = renumbered.metadata
    nb.cells = renumbered.cells


def notebook_text(nb) -> str:
    """The file form of ``nb``: nbformat's canonical JSON (sorted keys, indent 1), one final LF."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(path: str | Path, nb) -> bool:
    """Write ``nb`` atomically; leave the file (and its mtime) alone when nothing changed."""
    path = Path(path)
    text = notebook_text(nb)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True


def _error_of(nb) -> str | None:
    """``cell N raised Name: value`` for the first error output in ``nb``, else None."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                count = cell.get("execution_count")
                where = f"cell [{count}]" if count else f"cell {index + 1}"
                return f"{where} raised {output.ename}: {output.evalue}".strip()
    return None


# -- executing ------------------------------------------------------------------------------------

def execute_in_place(path: str | Path, timeout: int = CELL_TIMEOUT) -> Outcome:
    """Execute ``path`` top to bottom in a fresh kernel (cwd: its folder) and save it over itself.

    A notebook that raises is left as it was on disk; the outcome carries the error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}},
                            **kernel_options())
    with kernel_environment():
        try:
            client.execute()
        except CellExecutionError:
            return Outcome(path, path, _error_of(nb) or "a cell raised")
    write_notebook(path, normalize(nb))
    return Outcome(path, path)


def parameters_for(notebook: Path, article: Path | None, topics: Path | None) -> dict[str, str]:
    """The papermill parameters ``notebook`` declares, as paths relative to its folder.

    Only names found in the notebook's ``parameters`` cell are passed (ARTICLE, TOPICS), so a
    notebook about the corpus keeps its own inputs.
    """
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook))
    wanted = {"ARTICLE": article, "TOPICS": topics}
    return {name: os.path.relpath(Path(value).resolve(), notebook.parent.resolve())
            for name, value in wanted.items() if value is not None and name in declared}


def execute_with_papermill(source: str | Path, output: str | Path, parameters: dict,
                           timeout: int = CELL_TIMEOUT) -> Outcome:
    """Execute ``source`` with ``parameters`` (cwd: the source's folder) into ``output``.

    Papermill works on a scratch copy; ``output`` is written once, atomically, normalised. A
    notebook that raises is still written (papermill's error banner on top) so it can be read.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source, output = Path(source), Path(output)
    with tempfile.TemporaryDirectory(prefix="article-tone-") as tmp, kernel_environment():
        scratch = Path(tmp) / source.name
        error = None
        try:
            nb = pm.execute_notebook(
                str(source), str(scratch), parameters=parameters, cwd=str(source.parent),
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                execution_timeout=timeout, **kernel_options())
        except PapermillExecutionError as exc:
            nb = nbformat.read(scratch, as_version=4)
            error = _error_of(nb) or f"cell raised {exc.ename}: {exc.evalue}"
        write_notebook(output, normalize(nb))
    return Outcome(source, output, error)


def _run_one(job: tuple) -> Outcome:
    kind, *args = job
    try:
        if kind == "in-place":
            return execute_in_place(*args)
        return execute_with_papermill(*args)
    except KeyboardInterrupt:
        # nbclient leaves tasks behind when interrupted; asyncio would log each one's traceback.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    except Exception as exc:  # a kernel that died, a timeout: report it against the notebook
        return Outcome(Path(args[0]), Path(args[0] if kind == "in-place" else args[1]),
                       f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")


def _run_all(jobs: list[tuple], workers: int) -> list[Outcome]:
    """Run ``jobs``, ``workers`` notebooks at a time (each in its own process and kernel)."""
    if workers <= 1 or len(jobs) <= 1:
        return [_run_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_run_one, jobs))


def default_workers() -> int:
    """Notebooks run at once: ``ARTICLE_TONE_JOBS``, else one per core up to two."""
    env = os.environ.get("ARTICLE_TONE_JOBS")
    if env:
        return max(1, int(env))
    return max(1, min(2, os.cpu_count() or 1))


# -- HTML ------------------------------------------------------------------------------------------

def export_html(notebook: str | Path, output: str | Path) -> Path:
    """Export an executed notebook to a self-contained HTML page (images inline, no CDN)."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file="article_tone.html.j2",
                            extra_loaders=[DictLoader({"article_tone.html.j2": _OFFLINE_TEMPLATE})])
    nb = _static(nbformat.read(notebook, as_version=4))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": Path(notebook).stem}})
    write_text_atomic(output, body)
    return Path(output)


def _static(nb):
    """``nb`` for a static page: widgets show their HTML fallback (a live widget would need its
    JavaScript manager from a CDN, and a kernel behind it)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if len(data) > 1 or "text/plain" in data:
                data.pop("application/vnd.jupyter.widget-view+json", None)
    return nb


def notebook_title(nb) -> tuple[str, str]:
    """The H1 title and the first paragraph of prose of a notebook, as plain text."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if lines and lines[0].startswith("# "):
            rest = "\n".join(lines[1:]).strip().split("\n\n")[0]
            return lines[0][2:].strip(), " ".join(rest.split())
    return "", ""


def _markdown_inline(text: str) -> str:
    """Escape ``text`` for HTML, keeping `code`, **bold** and *italics* of the notebook's prose."""
    out = html.escape(text)
    out = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", out)  # a link: its text
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"<em>\1</em>", out)


_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.5; }}
figure {{ margin: 1.5rem 0; }} figure img {{ max-width: 100%; border: 1px solid #ddd; }}
figcaption, .note {{ color: #555; font-size: 0.95rem; }}
li {{ margin: 0.6rem 0; }} code {{ background: #f3f3f3; padding: 0 0.2rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
{chart}
<h2>Notebooks</h2>
<ol>
{items}
</ol>
<p class="note">Made by <code>{command}</code>.</p>
</body>
</html>
"""


def write_index(out_dir: str | Path, pages: Sequence[tuple[str, Path]], article: str,
                figures: str | Path, command: str,
                failed: Sequence[tuple[str, str]] = ()) -> Path:
    """``out_dir/index.html``: the headline chart (or a sentence saying it is missing) and a
    link per exported notebook (``pages``: ``(html file name, executed notebook)``)."""
    import nbformat

    out_dir = Path(out_dir)
    chart_path = Path(figures) / HEADLINE_CHART
    if chart_path.exists():
        src = Path(os.path.relpath(chart_path, out_dir)).as_posix()
        chart = (f'<figure>\n<img src="{html.escape(src)}" alt="Tone arc of the article: '
                 f'tone paragraph by paragraph">\n<figcaption>The headline chart: tone paragraph '
                 f'by paragraph (<a href="{html.escape(src)}">{HEADLINE_CHART}</a>, data in '
                 f'<code>{html.escape(chart_path.with_suffix(".csv").name)}</code> beside it).'
                 f'</figcaption>\n</figure>')
    else:
        chart = (f'<p class="note">The headline chart ({html.escape(display_path(chart_path))}) '
                 f'has not been made yet: <code>make run</code> makes it.</p>')
    items = []
    for page, notebook in pages:
        title, blurb = notebook_title(nbformat.read(notebook, as_version=4))
        items.append(f'<li><a href="{html.escape(page)}">{html.escape(title or Path(page).stem)}'
                     f'</a><br>{_markdown_inline(blurb)}</li>')
    for name, error in failed:
        items.append(f'<li>{html.escape(name)}: <strong>failed</strong>, '
                     f'{html.escape(error)}</li>')
    text = _INDEX.format(
        title="The tone of an article, topic by topic",
        intro=f"Every notebook of the collection, executed on <code>{html.escape(article)}</code>.",
        chart=chart, items="\n".join(items) or "<li>No notebooks.</li>",
        command=html.escape(command))
    return write_text_atomic(out_dir / "index.html", text)


# -- the two runs ----------------------------------------------------------------------------------

def run_in_place(notebooks: Sequence[Path] | None = None, reports: str | Path = REPORTS,
                 figures: str | Path = FIGURES, workers: int | None = None,
                 html_export: bool = True) -> list[Outcome]:
    """Execute the committed notebooks in place, then export them and write the index."""
    notebooks = list(notebooks if notebooks is not None else notebook_paths())
    outcomes = _run_all([("in-place", nb) for nb in notebooks],
                        workers if workers is not None else default_workers())
    if html_export:
        _export_all(outcomes, Path(reports), figures,
                    article=display_path(SEED_ARTICLE),
                    command="make run")
    return outcomes


def article_stem(article: str | Path) -> str:
    return Path(article).stem


def run_article(article: str | Path, topics: str | Path | None = None,
                out_dir: str | Path | None = None, notebooks: Sequence[Path] | None = None,
                workers: int | None = None, analyze_tables: bool = True,
                html_export: bool = True) -> list[Outcome]:
    """Execute the collection on ``article`` through papermill into ``out_dir``.

    ``out_dir`` defaults to ``reports/<article-stem>/``. The article is checked first (bad input
    raises :class:`ArticleError` before any kernel starts). Unless ``analyze_tables`` is false the
    article's tables and figures are written to ``out_dir/data`` and ``out_dir/figures`` too.
    """
    from .article import load_article

    article = Path(article)
    if not article.is_file():
        raise ArticleError(article, "no such file" if not article.exists() else "not a file")
    if topics is not None and not Path(topics).is_file():
        raise ArticleError(topics, "no such topic lexicon")
    load_article(article)  # raises ArticleError for what cannot be read as an article
    out_dir = Path(out_dir) if out_dir is not None else REPORTS / article_stem(article)
    notebooks = list(notebooks if notebooks is not None else notebook_paths())
    figures = out_dir / "figures"
    if analyze_tables:
        _analyze_into(article, topics, out_dir / "data", figures)
    jobs = [("papermill", nb, out_dir / nb.name,
             parameters_for(nb, article, Path(topics) if topics else None)) for nb in notebooks]
    outcomes = _run_all(jobs, workers if workers is not None else default_workers())
    if html_export:
        _export_all(outcomes, out_dir, figures, article=display_path(article),
                    command=f"make run ARTICLE={display_path(article)}"
                            + (f" TOPICS={display_path(topics)}" if topics else ""))
    return outcomes


def _analyze_into(article: Path, topics, data_dir: Path, figures_dir: Path) -> None:
    """The article's tables and charts, as ``python -m article_tone analyze`` writes them."""
    from .figures import render_figures
    from .io import write_tables
    from .pipeline import analyze
    from .plots.style import save_figure

    analysis = analyze(article, topics=topics if topics is not None else TOPICS_FILE)
    write_tables(data_dir, analysis.tables(), extra={"article": analysis.article.to_dict()})
    import matplotlib.pyplot as plt

    for name, (fig, data) in render_figures(analysis).items():
        save_figure(fig, figures_dir / name, data)
        plt.close(fig)


def _export_all(outcomes: Sequence[Outcome], out_dir: Path, figures, article: str,
                command: str) -> None:
    """An HTML page per notebook that ran clean; the index (naming the ones that failed)."""
    pages = []
    for outcome in outcomes:
        if outcome.error is None:
            page = outcome.output.with_suffix(".html").name
            export_html(outcome.output, out_dir / page)
            pages.append((page, outcome.output))
    failed = [(display_path(o.source), o.error) for o in outcomes if o.error]
    write_index(out_dir, pages, article=article, figures=figures, command=command, failed=failed)


# -- command line ----------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m article_tone.runner",
                                description=__doc__.splitlines()[0])
    p.add_argument("--article", help="run the collection on this article into reports/<stem>/")
    p.add_argument("--topics", help="topic lexicon (TOML) for --article; default data/topics.toml")
    p.add_argument("--out", help="output folder for --article (default reports/<article-stem>)")
    p.add_argument("--notebooks", default=str(NOTEBOOKS), help="folder of NN-name.ipynb")
    p.add_argument("--jobs", type=int, help="notebooks run at once (default: up to 2)")
    p.add_argument("--no-html", action="store_true", help="skip the HTML export and index")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        notebooks = notebook_paths(args.notebooks)
        if not notebooks:
            raise ArticleError(args.notebooks, f"no notebooks ({NOTEBOOK_GLOB})")
        if args.article:
            outcomes = run_article(args.article, args.topics, args.out, notebooks,
                                   args.jobs, html_export=not args.no_html)
        else:
            if args.topics or args.out:
                raise ArticleError(args.topics or args.out, "--topics and --out need --article")
            outcomes = run_in_place(notebooks, workers=args.jobs, html_export=not args.no_html)
    except ArticleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted (every file written so far is complete)", file=sys.stderr)
        return 130
    failed = [o for o in outcomes if o.error]
    for o in outcomes:
        status = f"FAILED: {o.error}" if o.error else "ok"
        print(f"{display_path(o.source)} -> {display_path(o.output)}: {status}")
    for o in failed:
        print(f"error: {display_path(o.source)}: {o.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
