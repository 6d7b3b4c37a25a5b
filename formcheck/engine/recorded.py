"""Scoring one recorded source end to end: landmarks -> cleaned -> scored -> report files.

The order of writing is chosen so that an interruption loses as little as possible: report.json
and timeline.png first (seconds), then the annotated video (the slow part), then report.html.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.pose.estimators import SCORE_MODEL
from formcheck.judge.exercises import Exercise
from formcheck.pose.estimate import Progress, load_poses
from formcheck.pose.smoothing import Cleaner
from formcheck.pose.recording import Recording, is_recording_path
from formcheck.outputs.html_report import worst_moments, write_html
from formcheck.outputs.json_report import report_dict, write_json
from formcheck.outputs.overlay import Overlay
from formcheck.outputs.timeline import write_timeline
from formcheck.judge.scoring import Score, Scorer


@dataclass
class SessionResult:
    score: Score
    source: str
    out_dir: Path
    meta: dict = field(default_factory=dict)  # the recording's: model, source path, why it ended early
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _end_time(recording: Recording) -> float:
    """The clip's end: the last frame plus one frame interval (each frame lasts until the next)."""
    frames = recording.frames
    fps = recording.meta.get("sample_fps") or recording.meta.get("fps")
    if len(frames) > 1:
        step = 1.0 / fps if fps else (frames[-1].t_s - frames[0].t_s) / (len(frames) - 1)
    else:
        step = 1.0 / fps if fps else 0.0
    return frames[-1].t_s + step


def score_recording(recording: Recording, exercise: Exercise) -> tuple[Score, list[Overlay]]:
    """Clean and score every frame; the overlays are kept for drawing the annotated video."""
    cleaner = Cleaner()
    scorer = Scorer(exercise)
    overlays = []
    walls = recording.walls or [None] * len(recording.frames)
    for raw, wall in zip(recording.frames, walls):
        scored = scorer.update(cleaner.update(raw), wall)
        overlays.append(Overlay.from_scored(scored))
    return scorer.finish(_end_time(recording), complete=recording.meta.get("complete", True)), overlays


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


def _video_for(source: Path, recording: Recording) -> Path | None:
    if not is_recording_path(source):
        return source
    recorded_from = recording.meta.get("source_path")
    if recorded_from and Path(recorded_from).is_file():
        return Path(recorded_from)
    return None


def score_source(source: str | Path, exercise: Exercise, out_dir: str | Path, *, model: str | None = None,
                 workers: int | None = None, sample_fps: float | None = None, video: bool = True,
                 history_db: str | Path | None = None,
                 estimate_progress: Progress | None = None, video_progress: Progress | None = None) -> SessionResult:
    source = Path(source)
    out_dir = Path(out_dir)
    model = model or SCORE_MODEL
    if not is_recording_path(source):  # a recording is scored in moments: nothing to overlap
        _import_in_background(_PLOTTING)
    recording = load_poses(source, model=model, workers=workers, progress=estimate_progress, sample_fps=sample_fps,
                           wall=exercise.needs_wall)
    score, overlays = score_recording(recording, exercise)
    result = SessionResult(score, str(source), out_dir, recording.meta)
    if exercise.needs_wall and recording.walls is None:
        result.notes.append("This recording was made without the wall stage, so the wall checks cannot see: "
                            "record it with 'formcheck record --wall', or score the video itself.")
    if recording.meta.get("error"):
        result.notes.append(f"The source ended early: {recording.meta['error']}")
    result.files["report.json"] = write_json(report_dict(score, str(source), recording.meta.get("model")),
                                             out_dir / "report.json")
    result.files["timeline.png"] = write_timeline(score, exercise, out_dir / "timeline.png")
    stills = {}
    video_path = _video_for(source, recording) if video else None
    if video and video_path is None:
        result.notes.append("No annotated video: the recording's original video was not found.")
    interrupted = False
    if video_path is not None:
        try:
            from formcheck.outputs.annotated_video import write_annotated

            stills = write_annotated(video_path, overlays, out_dir / "annotated.mp4", exercise.hold_min_s,
                                     [t for t, _, _ in worst_moments(score)],
                                     sample_fps=recording.meta.get("sample_fps"), progress=video_progress)
            result.files["annotated.mp4"] = out_dir / "annotated.mp4"
        except KeyboardInterrupt:
            interrupted = True
            result.notes.append("The annotated video was interrupted and covers only the start of the session.")
            result.files["annotated.mp4"] = out_dir / "annotated.mp4"
    from formcheck.outputs.history import trend_for_report

    trend = trend_for_report(score, out_dir / "trend.png", db=history_db)
    result.files["report.html"] = write_html(score, source.name, out_dir / "report.html",
                                             result.files["timeline.png"], stills, result.notes, trend_png=trend)
    if interrupted:
        raise KeyboardInterrupt
    return result
