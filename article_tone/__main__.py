"""Command line: ``python -m article_tone analyze|evaluate|corpus ...``.

Bad input exits with code 2 and one line ``error: PATH: reason`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import START_METHODS
from .errors import ArticleError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m article_tone", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse one article and write its tables")
    a.add_argument("path", help="the article (plain text)")
    a.add_argument("--out", required=True, help="folder for article.json and one CSV per table")
    a.add_argument("--topics", help="topic lexicon (TOML); default data/topics.toml")
    a.add_argument("--figures", help="also save every chart here as PNG with its CSV")

    c = sub.add_parser("corpus", help="analyse every article of a folder and write the tables")
    c.add_argument("path", help="a folder (searched recursively for *.txt) or one article")
    c.add_argument("--out", required=True,
                   help="folder for articles, paragraphs, sentences, ... tables")
    c.add_argument("--engine", choices=["pandas", "dask"], default="pandas",
                   help="pandas: this process; dask: a LocalCluster of --workers processes")
    c.add_argument("--workers", type=int, help="Dask worker processes (default: one per CPU)")
    c.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    c.add_argument("--start-method", choices=START_METHODS, default="forkserver",
                   help="how the local Dask cluster starts its workers (default: forkserver)")
    c.add_argument("--topics", help="topic lexicon (TOML); default data/topics.toml")
    c.add_argument("--format", choices=["csv", "parquet"], default="csv", help="table file format")

    e = sub.add_parser("evaluate", help="agreement of every scorer with human ratings")
    e.add_argument("--data", required=True,
                   help="ratings file in the ICWSM 2014 format: "
                        "id <TAB> mean rating (-4..+4) <TAB> text")
    return p


def cmd_evaluate(args) -> int:
    from .evaluate import cli

    return cli(args.data)


def cmd_analyze(args) -> int:
    from .figures import render_figures
    from .io import write_tables
    from .pipeline import analyze

    analysis = analyze(args.path, topics=args.topics)
    figures = render_figures(analysis) if args.figures else {}
    written = write_tables(args.out, analysis.tables(),
                           extra={"article": analysis.article.to_dict()})
    if args.figures:
        from .plots.style import save_figure

        for name, (fig, data) in figures.items():
            written.append(save_figure(fig, Path(args.figures) / name, data))
    print(f"{analysis.article.path}: {len(analysis.paragraphs)} paragraphs, "
          f"{len(analysis.sentences)} sentences -> {len(written)} files in {args.out}"
          + (f" and {args.figures}" if args.figures else ""))
    return 0


def cmd_corpus(args) -> int:
    if args.scheduler and args.engine != "dask":
        raise ArticleError(args.path, "--scheduler needs --engine dask")
    from .workers import start_fork_server_for

    # before pandas and the pipeline are imported here: their imports overlap
    start_fork_server_for(args.engine, args.scheduler or None, args.start_method)
    from .corpus import analyze_corpus, write_corpus

    try:
        corpus = analyze_corpus(args.path, engine=args.engine, workers=args.workers,
                                topics=args.topics, scheduler=args.scheduler,
                                start_method=args.start_method)
    except ValueError as exc:
        raise ArticleError(args.path, str(exc)) from None
    for row in corpus.skipped.itertuples(index=False):
        print(f"skipped: {row.path}: {row.reason}", file=sys.stderr)
    written = write_corpus(corpus, args.out, args.format)
    t = corpus.timings
    print(f"{corpus.summary()} -> {len(written)} files in {args.out} "
          f"[{args.engine}, {corpus.workers} worker{'s' if corpus.workers > 1 else ''}: "
          f"{t['total']:.1f} s, of which {t['start']:.1f} s start-up]")
    return 0


COMMANDS = {"analyze": cmd_analyze, "corpus": cmd_corpus, "evaluate": cmd_evaluate}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ArticleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `... | head -0`: the reader left before the summary line
        print("error: standard output: closed by the reader before the summary line",
              file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. --out is not writable
        print(f"error: {exc.filename or '?'}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def exit_now(code: int) -> None:
    """End the process with ``code`` at once, without tearing the interpreter down.

    Once pandas, Dask and the pipeline are loaded, CPython's finalisation frees every module and
    object one by one: 0.2-0.3 s after the work is written, for memory the system takes back
    whole anyway. The exit handlers still run first (Dask's; multiprocessing's, which stop a
    fork server and its resource tracker) and stdout and stderr are flushed, so nothing written
    is lost; files were closed when written. Only for the command line's own process: a caller
    of :func:`main` gets its return value instead.
    """
    import atexit

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: nothing more can reach it
                pass
        os._exit(code)


if __name__ == "__main__":
    exit_now(main())
