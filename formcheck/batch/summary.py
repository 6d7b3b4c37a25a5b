"""The batch's one table: summary.csv and summary.jsonl (and summary.parquet when pyarrow is there)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from formcheck.atomic import atomic_open

COLUMNS = ("source", "stem", "exercise", "profile", "status", "duration_s", "valid_s", "longest_hold_s",
           "breaks", "faults", "reps", "good_reps", "frames", "person_found", "complete", "estimated", "seconds",
           "report", "error")
TIMING_COLUMNS = ("seconds",)
"""Columns that differ between two runs of the same batch (wall-clock time)."""


def _atomic_text(path: Path, write: Callable[[IO[str]], None]) -> Path:
    """An interrupted write never leaves a half table under the final name."""
    with atomic_open(path, "w", newline="", encoding="utf-8") as fh:
        write(fh)
    return path


def _complete(row: dict) -> dict:
    return {c: row.get(c, "") for c in COLUMNS}


def write_csv(rows: Sequence[dict], path: Path) -> Path:
    def write(fh: IO[str]) -> None:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(_complete(r) for r in rows)

    return _atomic_text(path, write)


def write_jsonl(rows: Sequence[dict], path: Path) -> Path:
    def write(fh: IO[str]) -> None:
        for row in rows:
            fh.write(json.dumps(_complete(row), allow_nan=False) + "\n")

    return _atomic_text(path, write)


def write_parquet(rows: Sequence[dict], path: Path) -> Path | None:
    """Only when pyarrow is already installed: it is far too large to depend on for one table."""
    try:
        from pyarrow import parquet, table  # optional, and large: only when already installed
    except ImportError:
        return None
    columns = {c: [r.get(c) if r.get(c) != "" else None for r in rows] for c in COLUMNS}
    parquet.write_table(table(columns), path)
    return path


def write_summary(rows: Sequence[dict], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"summary.csv": write_csv(rows, out_dir / "summary.csv"),
             "summary.jsonl": write_jsonl(rows, out_dir / "summary.jsonl")}
    parquet = write_parquet(rows, out_dir / "summary.parquet")
    if parquet is not None:
        files["summary.parquet"] = parquet
    return files
