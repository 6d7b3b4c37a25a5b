"""``formcheck history --export sessions.csv``: every stored session, one row each."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from formcheck.atomic import atomic_open
from formcheck.outputs.history.errors import cannot_write
from formcheck.outputs.history.rows import utc_text
from formcheck.outputs.history.store import HistoryStore, session_status

FIELDS = ("id", "started_utc", "exercise", "kind", "profile", "source", "status", "valid_s", "longest_hold_s",
          "breaks", "target_min_s", "target_max_s", "duration_s", "faults", "measures", "report_path")
# A spreadsheet runs a cell starting with these as a formula; a file name is never meant to be one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _num(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def export_rows(store: HistoryStore, exercise: str | None = None) -> list[dict[str, str]]:
    now = datetime.now(timezone.utc)
    rows = []
    for s in store.sessions(exercise, newest_first=False):
        faults = "; ".join(f"{f.check}={f.seconds:.1f}s x{f.times}" for f in store.faults(s.id))
        measures = "; ".join(f"{m.name}={m.value:g}{m.unit}" + (f" ±{m.uncertainty:g}" if m.uncertainty is not None
                                                                 else "") for m in store.measures(s.id))
        rows.append({
            "id": str(s.id), "started_utc": utc_text(s.started), "exercise": _text(s.exercise), "kind": s.kind,
            "profile": _text(s.profile), "source": _text(s.source), "status": session_status(s, now),
            "valid_s": _num(s.valid_s), "longest_hold_s": _num(s.longest_hold_s), "breaks": str(s.breaks),
            "target_min_s": _num(s.target_min_s, 1), "target_max_s": _num(s.target_max_s, 1),
            "duration_s": _num(s.duration_s), "faults": _text(faults), "measures": _text(measures),
            "report_path": _text(s.report_path),
        })
    return rows


def write_csv(rows: list[dict[str, str]], path: str | Path) -> Path:
    """Atomic: an interrupted export never leaves half a file where a good one was."""
    try:
        with atomic_open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    except OSError as exc:
        raise cannot_write(path, "export", exc) from None
    return Path(path)
