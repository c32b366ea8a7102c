"""Command line: ``python -m article_tone analyze|evaluate|corpus ...``.

Bad input exits with code 2 and one line ``error: PATH: reason`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ArticleError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m article_tone", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse one article and write its tables")
    a.add_argument("path", help="the article (plain text)")
    a.add_argument("--out", required=True, help="folder for article.json and one CSV per table")
    a.add_argument("--topics", help="topic lexicon (TOML); default data/topics.toml")
    a.add_argument("--figures", help="also save every chart here as PNG with its CSV")
    return p


def cmd_analyze(args) -> int:
    from .figures import render_figures
    from .io import write_tables
    from .pipeline import analyze

    analysis = analyze(args.path, topics=args.topics)
    figures = render_figures(analysis) if args.figures else {}
    written = write_tables(args.out, analysis.tables(), extra={"article": analysis.article.to_dict()})
    if args.figures:
        from .plots.style import save_figure

        for name, (fig, data) in figures.items():
            written.append(save_figure(fig, Path(args.figures) / name, data))
    print(f"{analysis.article.path}: {len(analysis.paragraphs)} paragraphs, "
          f"{len(analysis.sentences)} sentences -> {len(written)} files in {args.out}"
          + (f" and {args.figures}" if args.figures else ""))
    return 0


COMMANDS = {"analyze": cmd_analyze}


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
    except OSError as exc:  # e.g. --out is not writable
        print(f"error: {exc.filename or '?'}: {exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
