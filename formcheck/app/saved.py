"""Finding a saved session again: the history row whose report the session wrote."""

from __future__ import annotations

from pathlib import Path

from formcheck.cli.console import print_warning
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.store import HistoryStore


def saved_session_id(db: Path | None, exercise: str, report: Path | None) -> int | None:
    """The id of the history row of ``exercise`` whose report is ``report``, or None (no report,
    no such row, or a history that cannot be read — which costs a warning, never the session)."""
    if report is None:
        return None
    try:
        with HistoryStore.open(db) as store:
            return next((row.id for row in store.sessions(exercise) if row.report_path == str(report)), None)
    except HistoryError as exc:
        print_warning(f"the history could not be read: {exc}")
        return None
