"""``formcheck live``: coaching in front of a webcam. Registered in the main group by ``formcheck.cli.main``."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click
from rich.table import Table

from formcheck.cli.console import print_warning, stdout_console
from formcheck.cli.history import db_option
from formcheck.cli.options import FiniteFloat
from formcheck.engine.outputs import RECORDING_NAME, History, Outputs, sinks_for
from formcheck.engine.session import end_time
from formcheck.errors import ExitCode
from formcheck.judge.exercises import load_exercise
from formcheck.live.coach import CoachOptions, LiveCoach
from formcheck.live.screen import Screen, check_display
from formcheck.live.session import default_out_dir
from formcheck.live.voice import Voice
from formcheck.outputs.terminal_summary import score_rows
from formcheck.pose.models import SCORE_MODEL
from formcheck.pose.recording import Recording, make_meta
from formcheck.pose.stage import PoseStage
from formcheck.sources.camera import open_live_source
from formcheck.sources.capture import LatestFrameCapture


@click.command("live")
@click.option("-e", "--exercise", "exercise_name", required=True, help="exercise name (see 'formcheck exercises')")
@click.option("-c", "--camera", default="0", show_default=True,
              help="camera index, a capture device or URL, or a video file played as if it were a camera")
@click.option("--profile", default=None, help="calibration profile name or .toml file")
@click.option("--voice", is_flag=True, help="speak the cues (espeak-ng/espeak if installed, else a bell)")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="folder for the session's reports (default: a new folder under the user data folder)")
@click.option("--model", default=None,
              help="pose model (as for 'formcheck record'; default: litert, which responds sooner, with "
                   "its person mask for wall exercises, whose wall stage needs the silhouette)")
@click.option("--countdown", "countdown_s", type=FiniteFloat(min=0.0), default=3.0, show_default=True,
              help="seconds to get into position before timing starts")
@click.option("--mirror/--no-mirror", default=None,
              help="show the image mirrored (default: mirrored for a camera, not for a video file)")
@click.option("--screenshot", type=click.Path(path_type=Path), default=None, hidden=True,
              help="save the last image shown to this file (debugging, tests)")
@click.option("--max-seconds", type=FiniteFloat(min=0.1), default=None, hidden=True,
              help="end the session after this many seconds (benchmarks)")
@db_option
def live(exercise_name: str, camera: str, profile: str | None, voice: bool, out_dir: Path | None, model: str,
         countdown_s: float, mirror: bool | None, screenshot: Path | None, max_seconds: float | None,
         db: Path | None) -> None:
    """Coach an exercise live in front of a camera: skeleton, one cue at a time, and a hold timer
    that counts only good form.

    Keys: space pause/resume, r restart, m mirror, h hide the speed readout, q or Esc finish.
    The session is saved like 'formcheck score' saves a video: report.json, timeline.png,
    report.html, and the landmarks (session.poses.npz) so it can be re-scored.
    """
    # Cheapest checks first, so a typo or a headless machine never waits for a camera or a model.
    exercise = load_exercise(exercise_name, profile=profile)
    check_display()
    source, is_file = open_live_source(camera)
    # The same pixel stage as scoring: the estimator, and for wall exercises the wall stage with the
    # person mask at the size that stage works at.
    stage = PoseStage(model or SCORE_MODEL, wall=exercise.needs_wall)
    screen = Screen(f"formcheck - {exercise.title}", mirror=(not is_file) if mirror is None else mirror)
    speaker = Voice(enabled=voice)
    out_dir = out_dir or default_out_dir(exercise.name)
    # The history row opens now and is checkpointed while the person exercises.
    history = History(db, profile, live=True, source=source.info.name, warn=print_warning)
    sinks = sinks_for(exercise, Outputs(out_dir, recording=out_dir / RECORDING_NAME, history=history))
    coach = LiveCoach(exercise, stage, screen, speaker, source.info,
                      CoachOptions(countdown_s=countdown_s, max_seconds=max_seconds), sinks)
    try:
        screen.open()
        with LatestFrameCapture(source, realtime=is_file) as capture:
            result = coach.run(capture)
    finally:
        if screenshot is not None:
            screen.save(screenshot)
        screen.close()
        speaker.close()
        stage.close()

    info = dataclasses.replace(source.info, duration_s=end_time(result.frames, source.info.fps) or 0.0)
    meta = make_meta(info, stage.model_name, result.complete)
    meta.update(live=True, countdown_s=countdown_s, sample_fps=None, ended_by=result.ended_by)
    if result.error is not None:
        meta["error"] = str(result.error)
    notes = [f"Live session from {source.info.name}; it ended: {result.ended_by}."]
    saved = result.session.finish(Recording(result.frames, meta, result.walls), source=source.info.name,
                                  out_dir=out_dir, notes=notes)
    _print_summary(stdout_console(), result, saved)
    if result.error is not None:
        print_warning(f"{result.error}; the session so far is saved in {out_dir}")
        sys.exit(ExitCode.FAILED)
    if result.ended_by == "interrupted":
        print_warning(f"interrupted: the session so far is saved in {out_dir}")
        sys.exit(ExitCode.INTERRUPTED)


def _print_summary(console, result, saved) -> None:
    score, stats = saved.score, result.stats
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("exercise", score.exercise_title)
    for label, text in score_rows(score):
        table.add_row(label, text)
    median = stats.latency_ms(0.5)
    table.add_row("speed", f"{stats.fps:.1f} frames/s shown, {stats.dropped} of {stats.delivered} dropped"
                  + (f", latency {median:.0f} ms median" if median is not None else ""))
    table.add_row("report", str(saved.files["report.html"]))
    table.add_row("landmarks", str(saved.files["recording"]))
    console.print(table)
