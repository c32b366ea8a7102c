"""Atomic file output: write to a temporary file beside the target, then rename.

An interrupted run never leaves a half-written file; a failed run leaves the old file as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | Path, obj: object) -> Path:
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n"
    return write_text_atomic(path, text)


def csv_text(df: pd.DataFrame) -> str:
    """The CSV form of a table: no index, LF line endings, floats at full precision."""
    return df.to_csv(index=False, lineterminator="\n")


def write_csv_atomic(path: str | Path, df: pd.DataFrame) -> Path:
    return write_text_atomic(path, csv_text(df))


def write_tables(
    out: str | Path,
    tables: Mapping[str, pd.DataFrame],
    extra: Mapping[str, object] | None = None,
) -> list[Path]:
    """Write ``name.csv`` per table (and ``name.json`` per extra object) into ``out``.

    Every file is rendered in memory first, so nothing is written when rendering fails.
    """
    out = Path(out)
    rendered: dict[str, bytes] = {
        f"{name}.csv": csv_text(df).encode("utf-8") for name, df in tables.items()
    }
    for name, obj in (extra or {}).items():
        dumped = json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n"
        rendered[f"{name}.json"] = dumped.encode("utf-8")
    return [write_bytes_atomic(out / fname, data) for fname, data in rendered.items()]
