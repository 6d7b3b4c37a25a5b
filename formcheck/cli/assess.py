"""``formcheck assess``: the guided balance and symmetry assessment.

Registered in the main group by ``formcheck.cli.main`` (``from formcheck.cli.assess import assess``).
Steps with their own video (``--step-video front=PATH``) are read from it; the others run in order
from one camera stream (``--camera``; a video file plays in real time, as a camera would), each
waiting for the set-up, counting down and measuring (:mod:`formcheck.assess.guided`), in a window
or, with ``--no-window``, in the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from formcheck.assess.guided import GuidedAssessment
from formcheck.assess.presenters import TerminalPresenter, WindowPresenter
from formcheck.assess.runner import estimate_steps, finish_assessment, make_estimator_for
from formcheck.assess.steps import STEP_NAMES, STEPS
from formcheck.cli.console import print_warning
from formcheck.cli.history import db_option
from formcheck.cli.options import FiniteFloat
from formcheck.errors import ExitCode
from formcheck.sources.camera import open_live_source
from formcheck.sources.capture import LatestFrameCapture


def _parse_step_videos(items: tuple[str, ...]) -> dict[str, Path]:

    out: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or name not in STEP_NAMES:
            raise click.BadParameter(f"{item!r}: expected STEP=PATH with STEP one of {', '.join(STEP_NAMES)}",
                                     param_hint="--step-video")
        out[name] = Path(path)
    return out


def _wanted_steps(only: str | None) -> list:
    """The steps ``--steps`` names, in the sequence's order; every name must be a step."""
    if only is None:
        return list(STEPS)
    asked = [x.strip() for x in only.split(",") if x.strip()]
    unknown = [x for x in asked if x not in STEP_NAMES]
    if unknown or not asked:
        named = f"no step named {unknown[0]!r}" if len(unknown) == 1 else \
            f"no steps named {', '.join(map(repr, unknown))}" if unknown else "no step given"
        raise click.BadParameter(f"{named}; the steps are: {', '.join(STEP_NAMES)}", param_hint="--steps")
    return [s for s in STEPS if s.name in asked]


def _frames_of(spec: str) -> Iterator:
    """Every frame of a step's own video file."""

    source, _ = open_live_source(spec)
    yield from source


def _newest_frames(capture) -> Iterator:
    """The capture's newest frames until its source ends; a source that failed raises its error."""
    while not capture.exhausted:
        captured = capture.latest(timeout_s=0.5)
        if captured is not None:
            yield captured.frame
    if capture.error is not None:
        raise capture.error


def _guided(steps, camera: str, model: str, mirror_average: bool, countdown_s: float, presenter):
    """Run ``steps`` in order from one camera (a video file plays in real time, as a camera would)."""

    source, is_file = open_live_source(camera)
    estimator = make_estimator_for(model, mirror_average)
    try:
        with LatestFrameCapture(source, realtime=is_file) as capture:
            outcome = GuidedAssessment(steps, estimator, presenter, countdown_s).run(_newest_frames(capture))
    finally:
        estimator.close()
    return outcome, estimator.name


def _ended_early_note(outcome) -> str:
    """Why the sequence stopped, which steps finished, and which were measured only in part (their
    results are kept: they rest on fewer frames, and their uncertainty says so)."""
    note = f"The assessment ended early: {outcome.stopped}. Steps completed: {', '.join(outcome.completed) or 'none'}."
    partial = [f"{name} ({poses[-1].t_s - poses[0].t_s:.1f} s)" for name, poses in outcome.poses.items()
               if name not in outcome.completed and poses]
    if partial:
        note += f" Measured in part: {', '.join(partial)}."
    return note


@click.command("assess")
@click.option("-c", "--camera", default="0", show_default=True,
              help="camera index, device or URL, or a video file played as a camera (for steps without --step-video)")
@click.option("--step-video", "step_videos", multiple=True, metavar="STEP=PATH",
              help="read one step from a video file (steps: front, side, stance_left, stance_right, squat); repeatable")
@click.option("--steps", "only", default=None, help="comma-separated steps to run (default: all)")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("assessment"),
              show_default=True, help="folder for report.html")
@click.option("--model", default="full", show_default=True, help="pose model (as for 'formcheck record')")
@click.option("--mirror-average/--no-mirror-average", default=True, show_default=True,
              help="estimate each frame and its mirror image and average (cancels the model's left/right bias)")
@click.option("--countdown", "countdown_s", type=FiniteFloat(min=0.0), default=3.0, show_default=True)
@click.option("--no-window", is_flag=True, help="guide in the terminal instead of a window")
@click.option("--screenshot", type=click.Path(path_type=Path), default=None, hidden=True,
              help="save the last image shown in the window (for tests)")
@db_option
def assess(camera: str, step_videos: tuple[str, ...], only: str | None, out_dir: Path, model: str,
           mirror_average: bool, countdown_s: float, no_window: bool, screenshot: Path | None,
           db: Path | None) -> None:
    """Guided balance and symmetry assessment: standing front and side, single-leg stance on each
    leg, squats. Writes an HTML report and saves the measures to the history."""

    videos = _parse_step_videos(step_videos)
    wanted = _wanted_steps(only)
    for path in videos.values():
        if not path.is_file():
            raise click.BadParameter(f"{path}: no such video file", param_hint="--step-video")
    from_camera = [s for s in wanted if s.name not in videos]
    presenter = None
    if from_camera:

        presenter = TerminalPresenter(click.echo) if no_window else WindowPresenter()
    notes: list[str] = []
    outcome = None
    try:
        poses, name = estimate_steps({s.name: (lambda p=videos[s.name]: _frames_of(str(p)))
                                      for s in wanted if s.name in videos}, model, mirror_average)
        if from_camera:
            outcome, name = _guided(from_camera, camera, model, mirror_average, countdown_s, presenter)
            poses.update(outcome.poses)
            if outcome.stopped:
                notes.append(_ended_early_note(outcome))
    finally:
        if presenter is not None:
            if screenshot is not None and hasattr(presenter, "save"):
                presenter.save(screenshot)
            presenter.close()
    report = finish_assessment(poses, name, mirror_average, out_dir, db, notes)
    for r in report.results:
        click.echo(f"{r.title:28s} {r.reading}")
    click.echo(f"report: {report.html_path}")
    if report.history_problem is not None:
        print_warning(f"not saved to the history: {report.history_problem}")
    for note in notes:
        print_warning(note)
    if outcome is not None and outcome.ended_by == "source failed":
        sys.exit(ExitCode.FAILED)
    if outcome is not None and outcome.ended_by == "interrupted":
        sys.exit(ExitCode.INTERRUPTED)
