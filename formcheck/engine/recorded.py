"""Scoring a recorded source: a video (estimated now) or a landmark recording (read back) through
the session engine, into the sinks the front end chose."""

from __future__ import annotations

import dataclasses
import importlib
import threading
from pathlib import Path

from formcheck.engine.outputs import Outputs, sinks_for
from formcheck.engine.posture import start_posture
from formcheck.engine.session import end_time, replay
from formcheck.errors import NoPersonError
from formcheck.judge.exercises import Exercise
from formcheck.outputs.session_result import SessionResult
from formcheck.pose.estimate import Progress, load_poses
from formcheck.pose.estimators import SCORE_MODEL
from formcheck.pose.recording import Recording, is_recording_path

# What the report's figures need once estimation is over. Importing it takes ~0.8 s of one core,
# which estimation leaves partly idle (its threads wait on one another ~15 % of the time).
_PLOTTING = ("matplotlib.figure", "matplotlib.backends.backend_agg")


def _import_in_background(modules: tuple[str, ...]) -> None:
    """Import ``modules`` on a daemon thread; a failed import is left for the real import to report."""
    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the caller's own import raises it where it can be reported
                return

    threading.Thread(target=run, name="formcheck-preload", daemon=True).start()


def original_video(source: Path, recording: Recording) -> Path | None:
    """The video to draw the annotated copy on: the source itself, or the one a recording was made from."""
    if not is_recording_path(source):
        return source
    recorded_from = recording.meta.get("source_path")
    if recorded_from and Path(recorded_from).is_file():
        return Path(recorded_from)
    return None


def wall_notes(exercise: Exercise, recording: Recording) -> list[str]:
    if exercise.needs_wall and recording.walls is None:
        return ["This recording was made without the wall stage, so the wall checks cannot see: "
                "record it with 'formcheck record --wall', or score the video itself."]
    return []


def score_source(source: str | Path, exercise: Exercise, outputs: Outputs, *, model: str | None = None,
                 workers: int | None = None, sample_fps: float | None = None, video: bool = True,
                 estimate_progress: Progress | None = None, frame_rate: float | None = None) -> SessionResult:
    """Estimate (or read) ``source``'s landmarks and run them through the engine into ``outputs``.

    ``video``: also draw the annotated video, over the source or the video a recording was made from.
    ``frame_rate``: images per second of a folder of images. A single picture is refused: it cannot be timed.
    """
    source = Path(source)
    if not is_recording_path(source):  # a recording is scored in moments: nothing to overlap
        _import_in_background(_PLOTTING)
    recording = load_poses(source, model=model or SCORE_MODEL, workers=workers, progress=estimate_progress,
                           sample_fps=sample_fps, wall=exercise.needs_wall, frame_rate=frame_rate, for_timing=True,
                           posture=start_posture(exercise))
    if recording.detection_rate == 0:
        raise NoPersonError(f"{source}: no person found in {_seconds(recording):.1f} s of video; is the whole "
                            "body in view and lit?")
    notes = wall_notes(exercise, recording)
    if video and source.is_dir():
        notes.append("No annotated video: the source is a folder of images.")
    elif video:
        drawn_over = original_video(source, recording)
        if drawn_over is None:
            notes.append("No annotated video: the recording's original video was not found.")
        outputs = dataclasses.replace(outputs, video_from=drawn_over, sample_fps=recording.meta.get("sample_fps"))
    return replay(recording, exercise, sinks_for(exercise, outputs), source=str(source),
                  out_dir=outputs.final_dir or outputs.out_dir, notes=notes)


def _seconds(recording: Recording) -> float:
    meta = recording.meta
    return end_time(recording.frames, meta.get("sample_fps") or meta.get("fps")) or 0.0
