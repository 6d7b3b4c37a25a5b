"""``formcheck assess``: the guided balance and symmetry assessment.

Registered in the main group by ``formcheck.cli`` (``from formcheck.assess.cli import assess``).
Each step reads its own video (``--step-video front=PATH``) or, for steps without one, the camera
(``--camera``) for the step's length after a countdown. ``--no-window`` prints the set-up text
and countdown to the terminal instead of drawing them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import click

from formcheck.history.cli import db_option


def _parse_step_videos(items: tuple[str, ...]) -> dict[str, Path]:
    from formcheck.assess.steps import STEP_NAMES

    out: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or name not in STEP_NAMES:
            raise click.BadParameter(f"{item!r}: expected STEP=PATH with STEP one of {', '.join(STEP_NAMES)}",
                                     param_hint="--step-video")
        out[name] = Path(path)
    return out


def _frames_of(spec: str, seconds: float | None) -> Iterator:
    """Video frames of a file (all of it) or a camera (for ``seconds``)."""
    from formcheck.live.sources import open_live_source

    source, is_file = open_live_source(spec)
    start = time.monotonic()
    # Sources release their device/file when their own iteration ends.
    for frame in source:
        yield frame
        if not is_file and seconds is not None and time.monotonic() - start >= seconds:
            break


def _countdown(step, countdown_s: float) -> None:
    click.echo(f"\n{step.title}: {step.setup}")
    for left in range(int(round(countdown_s)), 0, -1):
        click.echo(f"  starting in {left} ...")
        time.sleep(1.0)


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
@click.option("--countdown", "countdown_s", type=click.FloatRange(min=0.0), default=3.0, show_default=True)
@click.option("--no-window", is_flag=True, help="guide in the terminal instead of a window")
@db_option
def assess(camera: str, step_videos: tuple[str, ...], only: str | None, out_dir: Path, model: str,
           mirror_average: bool, countdown_s: float, no_window: bool, db: Path | None) -> None:
    """Guided balance and symmetry assessment: standing front and side, single-leg stance on each
    leg, squats. Writes an HTML report and saves the measures to the history."""
    from formcheck.assess.runner import run_assessment
    from formcheck.assess.steps import STEPS

    videos = _parse_step_videos(step_videos)
    wanted = [s for s in STEPS if only is None or s.name in {x.strip() for x in only.split(",")}]
    if not wanted:
        raise click.BadParameter("no known step named", param_hint="--steps")
    sources = {}
    for step in wanted:
        if step.name in videos:
            sources[step.name] = (lambda p=videos[step.name]: _frames_of(str(p), None))
        else:
            def live(step=step):
                _countdown(step, countdown_s)
                return _frames_of(camera, step.seconds)
            sources[step.name] = live
    report = run_assessment(sources, model=model, mirror_average=mirror_average, out_dir=out_dir, db=db)
    for r in report.results:
        click.echo(f"{r.title:28s} {r.reading}")
    click.echo(f"report: {report.html_path}")
