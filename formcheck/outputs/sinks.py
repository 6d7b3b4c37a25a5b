"""Where a session's results go: one small object per output, each handed every scored frame
(``sink.update(scored)``) and then the ended session (``sink.finish(ended)``).

The session engine (:mod:`formcheck.engine.session`) runs the sinks in the order it is given them;
:func:`formcheck.engine.outputs.sinks_for` is the one place that chooses them. A sink adds what it
wrote to ``ended.result.files``, so the sinks after it can use it (the HTML page embeds the
timeline and the annotated video's stills).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.judge.exercises import Exercise
from formcheck.judge.scoring import ScoredFrame
from formcheck.outputs.annotated_video import write_annotated
from formcheck.outputs.history import HistoryError, HistoryStore, remember_score, trend_for_report
from formcheck.outputs.history.sessions import Checkpointer
from formcheck.outputs.html_report import worst_moments, write_html
from formcheck.outputs.json_report import report_dict, write_json
from formcheck.outputs.overlay import Overlay
from formcheck.outputs.session_result import SessionResult
from formcheck.outputs.timeline import write_timeline
from formcheck.pose.estimate import Progress
from formcheck.pose.recording import Recording, save_recording

Warn = Callable[[str], None]


def log_warning(message: str) -> None:
    logging.getLogger("formcheck").warning(message)


@dataclass
class Ended:
    """A session that has ended, as the sinks see it."""

    exercise: Exercise
    recording: Recording
    result: SessionResult
    stills: dict[float, np.ndarray] = field(default_factory=dict)  # the video's worst moments, for the page


class Sink(Protocol):
    """One output of a session."""

    name: str  # what it writes, as a message names it ("report.html", "the history row")

    def update(self, scored: ScoredFrame) -> None:
        """Called with every scored frame, in order."""

    def finish(self, ended: Ended) -> None:
        """Called once when the session has ended; adds what it wrote to ``ended.result.files``."""


class _FilesOnly:
    """A sink that needs nothing until the session has ended."""

    def update(self, scored: ScoredFrame) -> None:
        pass


class LandmarkRecording(_FilesOnly):
    """The raw landmarks (``.poses.npz``): what every other file can be rebuilt from, so it comes first."""

    name = "the landmark recording"

    def __init__(self, path: Path, only_complete: bool = False) -> None:
        self.path = path
        self.only_complete = only_complete  # a cache must never hold a partial estimate

    def finish(self, ended: Ended) -> None:
        if self.only_complete and not ended.recording.meta.get("complete", True):
            return
        ended.result.files["recording"] = save_recording(ended.recording, self.path)


class JsonReport(_FilesOnly):
    """``report.json``: the machine-readable result."""

    name = "report.json"

    def __init__(self, path: Path) -> None:
        self.path = path

    def finish(self, ended: Ended) -> None:
        result = ended.result
        meta = ended.recording.meta
        data = report_dict(result.score, result.source, meta.get("model"), meta.get("other_person_s"))
        result.files["report.json"] = write_json(data, self.path)


class Timeline(_FilesOnly):
    """``timeline.png``: each frame's state and each check's value against its limits."""

    name = "timeline.png"

    def __init__(self, path: Path) -> None:
        self.path = path

    def finish(self, ended: Ended) -> None:
        ended.result.files["timeline.png"] = write_timeline(ended.result.score, ended.exercise, self.path)


class AnnotatedVideo:
    """``annotated.mp4``: the video with the skeleton, the cue and the hold timer drawn on each
    scored frame. Keeps a few hundred bytes a frame until the end, when the video is read again."""

    name = "annotated.mp4"

    def __init__(self, video: Path, path: Path, sample_fps: float | None = None,
                 progress: Progress | None = None) -> None:
        self.video, self.path, self.sample_fps, self.progress = video, path, sample_fps, progress
        self.overlays: list[Overlay] = []

    def update(self, scored: ScoredFrame) -> None:
        self.overlays.append(Overlay.from_scored(scored))

    def finish(self, ended: Ended) -> None:
        result = ended.result
        try:
            ended.stills = write_annotated(self.video, self.overlays, self.path, ended.exercise.hold_min_s,
                                           [t for t, _, _ in worst_moments(result.score)],
                                           sample_fps=self.sample_fps, progress=self.progress)
        except KeyboardInterrupt:
            result.notes.append("The annotated video was interrupted and covers only the start of the session.")
            raise
        finally:
            if self.path.exists():
                result.files["annotated.mp4"] = self.path


class HtmlReport(_FilesOnly):
    """``report.html``: one self-contained page, with the person's trend when ``trend`` is on (a
    batch mixes people, so there "your last sessions" would be someone else's)."""

    name = "report.html"

    def __init__(self, path: Path, trend: bool = True, history_db: str | os.PathLike[str] | None = None) -> None:
        self.path, self.trend, self.history_db = path, trend, history_db

    def finish(self, ended: Ended) -> None:
        result = ended.result
        trend = (trend_for_report(result.score, self.path.with_name("trend.png"), db=self.history_db)
                 if self.trend else None)
        result.files["report.html"] = write_html(result.score, result.source_name, self.path,
                                                 result.files.get("timeline.png"), ended.stills, result.notes,
                                                 trend_png=trend)


class HistoryRow(_FilesOnly):
    """The session's row in the history database, stored once it has ended. A history that cannot
    be written costs a warning, never the reports."""

    name = "the history row"

    def __init__(self, db: str | os.PathLike[str] | None, profile: str | None, warn: Warn = log_warning) -> None:
        self.db, self.profile, self.warn = db, profile, warn

    def finish(self, ended: Ended) -> None:
        remember_score(ended.result, db=self.db, profile=self.profile, warn=self.warn)


class LiveHistoryRow:
    """A live session's row: opened when the session starts, checkpointed every couple of seconds
    while the person exercises (a crash loses at most that), finished with the score."""

    name = "the history row"

    def __init__(self, db: str | os.PathLike[str] | None, exercise: Exercise, profile: str | None, source: str,
                 warn: Warn = log_warning) -> None:
        self.warn = warn
        self.store: HistoryStore | None = None
        self._checkpointer: Checkpointer | None = None
        try:
            self.store = HistoryStore.open(db)
            self.session_id = self.store.begin_session(exercise.name, kind="live", profile=profile, source=source,
                                                       target_s=(exercise.hold_min_s, exercise.hold_max_s))
            self._checkpointer = Checkpointer(self.store, self.session_id)
        except HistoryError as exc:
            warn(f"this session will not be saved to the history: {exc}")
            self.close()

    def update(self, scored: ScoredFrame) -> None:
        if self._checkpointer is not None:
            timer = scored.timer
            self._checkpointer.update(valid_s=timer.valid_s, longest_hold_s=timer.longest_hold_s,
                                      breaks=timer.breaks, duration_s=timer.t_s)

    def finish(self, ended: Ended) -> None:
        if self.store is None:
            return
        try:
            self.store.finish(self.session_id, ended.result.score, ended.result.published("report.html"))
        except HistoryError as exc:
            self.warn(f"not saved to the history: {exc}")
        finally:
            self.close()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


class SummaryRow(_FilesOnly):
    """The session as one row of a summary table (``summary.csv``), in ``ended.result.row``."""

    name = "the summary row"

    def finish(self, ended: Ended) -> None:
        result, recording = ended.result, ended.recording
        score, s = result.score, result.score.summary
        report = result.published("report.html")
        result.row.update({
            "duration_s": round(score.duration_s, 3), "valid_s": round(s.valid_s, 3),
            "longest_hold_s": round(s.longest_hold_s, 3), "breaks": s.breaks, "faults": len(score.faults),
            # Empty for a hold exercise, as every column a row has no value for.
            "reps": "" if score.reps is None else len(score.reps),
            "good_reps": "" if score.reps is None else score.good_reps,
            "frames": len(recording), "person_found": round(recording.detection_rate, 4),
            "complete": score.complete,
            "report": f"{report.parent.name}/{report.name}" if report is not None else ""})
