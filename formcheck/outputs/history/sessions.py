"""Putting results into the history: scored videos in one call, live sessions checkpoint by checkpoint."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import datetime

from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.rows import FaultsArg, session_measures
from formcheck.outputs.history.store import HistoryStore
from formcheck.outputs.session_result import SessionResult

DEFAULT_CHECKPOINT_EVERY_S = 2.0


def record_score(store: HistoryStore, result: SessionResult, kind: str = "score", profile: str | None = None,
                 *, started: datetime | None = None) -> int:
    """Store one scored session (``formcheck score`` or a saved live session); returns its id.

    ``started`` defaults to now: when the result was scored, which for a video is not necessarily
    when it was filmed.
    """
    score = result.score
    s = score.summary
    return store.add_session(
        score.exercise, kind=kind, profile=profile, source=result.source, valid_s=s.valid_s,
        longest_hold_s=s.longest_hold_s, breaks=s.breaks, target_s=score.target_s, duration_s=score.duration_s,
        faults=score.faults, measures=session_measures(score), report_path=result.published("report.html"),
        complete=score.complete, started=started)


def remember_score(result: SessionResult, db: str | os.PathLike[str] | None = None, profile: str | None = None,
                   warn: Callable[[str], None] | None = None) -> int | None:
    """``record_score`` for the CLI: a history that cannot be written costs a warning, never the
    report that was just made. Returns the session id, or None when it was not stored."""
    try:
        with HistoryStore.open(db) as store:
            return record_score(store, result, profile=profile)
    except HistoryError as exc:
        _warner(warn)(f"not saved to the history: {exc}")
        return None


def _warner(warn: Callable[[str], None] | None) -> Callable[[str], None]:
    """The caller's way of warning; the library's log when it gave none (only front ends print)."""
    return warn if warn is not None else logging.getLogger("formcheck").warning


class Checkpointer:
    """Throttled checkpoints for a live loop: call :meth:`update` every frame, it writes every
    ``every_s`` seconds. A failed write is kept in :attr:`error` and retried next interval, because
    a history problem must never stop someone's exercise."""

    def __init__(self, store: HistoryStore, session_id: int, every_s: float = DEFAULT_CHECKPOINT_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.session_id = session_id
        self.every_s = every_s
        self._clock = clock
        self._last: float | None = None
        self.error: HistoryError | None = None

    def update(self, *, valid_s: float, longest_hold_s: float, breaks: int, faults: FaultsArg = None,
               duration_s: float | None = None, force: bool = False) -> bool:
        """Write a checkpoint if one is due (or ``force``); True when written."""
        now = self._clock()
        if not force and self._last is not None and now - self._last < self.every_s:
            return False
        self._last = now
        try:
            self.store.checkpoint(self.session_id, valid_s=valid_s, longest_hold_s=longest_hold_s,
                                  breaks=breaks, faults=faults, duration_s=duration_s)
        except HistoryError as exc:
            self.error = exc
            return False
        self.error = None
        return True
