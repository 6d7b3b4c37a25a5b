"""Which outputs a session writes: the front ends say what they want in an :class:`Outputs`, and
:func:`sinks_for` is the one place that turns it into sinks, in the order they must run.

The order loses as little as possible to an interruption: the landmarks first (everything can be
rebuilt from them), then report.json and timeline.png (seconds), the annotated video (the slow
part), report.html, and last the history and summary rows, which point at the reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from formcheck.judge.exercises import Exercise
from formcheck.outputs.sinks import (
    AnnotatedVideo,
    HistoryRow,
    HtmlReport,
    JsonReport,
    LandmarkRecording,
    LiveHistoryRow,
    Sink,
    SummaryRow,
    Timeline,
    Warn,
    log_warning,
)
from formcheck.pose.estimate import Progress

RECORDING_NAME = "session.poses.npz"


@dataclass(frozen=True)
class History:
    """Store the session in the history database: ``live`` opens its row at the start and
    checkpoints it while the person exercises; otherwise the row is stored at the end."""

    db: str | os.PathLike[str] | None = None
    profile: str | None = None
    live: bool = False
    source: str = ""
    warn: Warn = log_warning


@dataclass(frozen=True)
class Outputs:
    out_dir: Path                         # where the sinks write
    final_dir: Path | None = None         # where the files end up, when out_dir is a working folder
    video_from: Path | None = None        # draw annotated.mp4 over this video
    sample_fps: float | None = None       # the rate the video's frames were scored at
    video_progress: Progress | None = None
    recording: Path | None = None         # keep the raw landmarks here
    recording_complete_only: bool = False  # a cache: never keep a partial estimate
    trend: bool = True                    # the person's trend on the page (not for a batch of people)
    history: History | None = None
    summary_row: bool = False


def sinks_for(exercise: Exercise, outputs: Outputs) -> list[Sink]:
    out = outputs.out_dir
    sinks: list[Sink] = []
    if outputs.recording is not None:
        sinks.append(LandmarkRecording(outputs.recording, only_complete=outputs.recording_complete_only))
    sinks.append(JsonReport(out / "report.json"))
    sinks.append(Timeline(out / "timeline.png"))
    if outputs.video_from is not None:
        sinks.append(AnnotatedVideo(outputs.video_from, out / "annotated.mp4", outputs.sample_fps,
                                    outputs.video_progress))
    history = outputs.history
    sinks.append(HtmlReport(out / "report.html", trend=outputs.trend, history_db=history.db if history else None))
    if history is not None and history.live:
        sinks.append(LiveHistoryRow(history.db, exercise, history.profile, history.source, history.warn))
    elif history is not None:
        sinks.append(HistoryRow(history.db, history.profile, history.warn))
    if outputs.summary_row:
        sinks.append(SummaryRow())
    return sinks
