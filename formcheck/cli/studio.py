"""``formcheck studio``: render an exercise clip with ground truth (registered by the main CLI)."""

from __future__ import annotations

from pathlib import Path

import click

from formcheck.cli.options import FiniteFloat
from formcheck_studio.clip import StudioInputError, render_clip

# Views are listed here rather than imported so loading the CLI does not pull in OpenCV.
VIEWS = ("front", "oblique", "side")


@click.command("studio")
@click.argument("exercise")
@click.option("--fault", default=None, help="Named fault variant (default: good form).")
@click.option("--view", type=click.Choice(VIEWS), default=None,
              help="Camera direction (default: the exercise's usual view).")
@click.option("--seconds", type=FiniteFloat(0, 600, min_open=True), default=12.0, show_default=True,
              help="Clip length.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for body, colours, room and camera.")
@click.option("--fps", type=FiniteFloat(0, 120, min_open=True), default=15.0, show_default=True)
@click.option("--size", default="640x360", show_default=True, help="WIDTHxHEIGHT in pixels.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Video to write (.mp4); the ground truth goes beside it as .json.")
def studio(exercise: str, fault: str | None, view: str | None, seconds: float, seed: int, fps: float, size: str,
           output: Path) -> None:
    """Render EXERCISE performed by a synthetic mannequin, with exact ground truth."""

    try:
        w, h = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise StudioInputError(f"--size must look like 640x360, got {size!r}") from None
    path, truth = render_clip(exercise, fault, view, seconds, seed, (w, h), fps, out_path=output)
    held = sum(s.seconds for s in truth.holds)
    click.echo(f"wrote {path} and {path.with_suffix('.json')} ({truth.num_frames} frames, "
               f"{truth.exercise} {truth.fault or 'good form'}, {truth.view} view, held {held:.1f} s)")
