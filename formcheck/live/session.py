"""Where a live session goes when it ends: the same files as ``formcheck score``, plus its landmarks.

Everything is written by :func:`save_session`, the one place a later history store can hook into.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from collections.abc import Callable

from formcheck.judge.exercises import Exercise
from formcheck.outputs.history import trend_for_report
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.sessions import Checkpointer
from formcheck.outputs.history.store import HistoryStore
from formcheck.pose.recording import Recording, save_recording
from formcheck.outputs.html_report import write_html
from formcheck.outputs.json_report import report_dict, write_json
from formcheck.engine.recorded import SessionResult
from formcheck.outputs.timeline import write_timeline
from formcheck.judge.scoring import Score
from formcheck.judge.timer import Snapshot

APP = "formcheck"
RECORDING_NAME = "session.poses.npz"


def user_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/formcheck`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def default_out_dir(exercise: str, started: datetime | None = None) -> Path:
    """``~/.local/share/formcheck/sessions/20250301T071502Z-forearm_plank``: sorts by time, never clashes."""
    started = started or datetime.now(timezone.utc)
    stamp = started.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return user_data_dir() / "sessions" / f"{stamp}-{exercise}"


def save_session(score: Score, exercise: Exercise, out_dir: str | Path, *, recording: Recording,
                 source: str, model: str | None = None, notes: list[str] | None = None,
                 history_db: str | Path | None = None) -> SessionResult:
    """Write report.json, timeline.png, report.html and the landmark recording to ``out_dir``.

    The recording is written first (it is what everything else can be rebuilt from), then the
    report files cheapest first, so an interruption loses as little as possible.
    """
    out_dir = Path(out_dir)
    result = SessionResult(score, source, out_dir, dict(recording.meta), notes=list(notes or []))
    result.files["recording"] = save_recording(recording, out_dir / RECORDING_NAME)
    result.files["report.json"] = write_json(report_dict(score, source, model), out_dir / "report.json")
    result.files["timeline.png"] = write_timeline(score, exercise, out_dir / "timeline.png")
    trend = trend_for_report(score, out_dir / "trend.png", db=history_db)
    result.files["report.html"] = write_html(score, source, out_dir / "report.html",
                                             result.files["timeline.png"], {}, result.notes, trend_png=trend)
    return result


class LiveHistory:
    """The live session's row in the history: opened at the start, checkpointed every few seconds
    while the person exercises (a crash loses at most one interval), finished with the score.

    A history that cannot be opened or written costs a warning, never the session.
    """

    def __init__(self, store=None, session_id: int | None = None, warn: Callable[[str], None] | None = None) -> None:
        self.store, self.session_id = store, session_id
        self._warn = warn or (lambda message: None)
        self._checkpointer = Checkpointer(store, session_id) if store is not None else None

    @classmethod
    def start(cls, db, exercise: Exercise, profile: str | None, source: str,
              warn: Callable[[str], None] | None = None) -> "LiveHistory":
        try:
            store = HistoryStore.open(db)
            session_id = store.begin_session(exercise.name, kind="live", profile=profile, source=source,
                                             target_s=(exercise.hold_min_s, exercise.hold_max_s))
        except HistoryError as exc:
            (warn or (lambda m: None))(f"this session will not be saved to the history: {exc}")
            return cls(warn=warn)
        return cls(store, session_id, warn)

    def update(self, timer: Snapshot) -> None:
        if self._checkpointer is not None:
            self._checkpointer.update(valid_s=timer.valid_s, longest_hold_s=timer.longest_hold_s,
                                      breaks=timer.breaks, duration_s=timer.t_s)

    def finish(self, score: Score, report_path: Path) -> None:
        if self.store is None:
            return
        try:
            self.store.finish(self.session_id, score, report_path)
        except HistoryError as exc:
            self._warn(f"not saved to the history: {exc}")
        finally:
            self.store.close()
