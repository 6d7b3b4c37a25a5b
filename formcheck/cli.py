"""The ``formcheck`` command. The one place where library errors become messages and exit codes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from formcheck import __version__
from formcheck.console import print_error, print_warning, progress_bar, stdout_console
from formcheck.errors import FormcheckError
from formcheck.exercises.cli import exercises_command, explain_command

EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """Turns :class:`FormcheckError` into one red line and its exit code — never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FormcheckError as exc:
            print_error(str(exc))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            print_error("interrupted")
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formcheck")
def main() -> None:
    """formcheck watches an exercise through a camera or in a video and times only the seconds
    held in good form."""


MODEL_HELP = ("pose model: 'full' (bundled, default), 'lite' or 'heavy' if installed, "
              "or the path of a MediaPipe Pose Landmarker .task file")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="where to write the recording (default: SOURCE with .poses.npz beside it)")
@click.option("--model", default="full", show_default=True, help=MODEL_HELP)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="processes for video files (default: one per core, up to 2)")
@click.option("--overlay", type=click.Path(path_type=Path), default=None,
              help="also write a copy of the video with the skeleton drawn on it (.mp4)")
def record(source: Path, output: Path | None, model: str, workers: int | None, overlay: Path | None) -> None:
    """Estimate the landmarks of every frame of SOURCE once and save them.

    SOURCE is a video file, an image or a folder of images. The recording (.poses.npz) can then be
    given to every other command instead of the video, and re-scores instantly.
    """
    from formcheck.pipeline import record as run_record
    from formcheck.recording import default_recording_path, is_recording_path, save_recording

    output = output or default_recording_path(source)
    if not is_recording_path(output):
        raise FormcheckError(f"{output}: the output name must end in .poses.npz")
    started = time.perf_counter()
    with progress_bar(f"estimating {source.name}") as update:
        recording = run_record(source, model=model, workers=workers, progress=update)
    elapsed_s = time.perf_counter() - started
    save_recording(recording, output)
    _print_record_summary(recording, output, elapsed_s)
    if not recording.meta.get("complete", True):
        print_warning(f"interrupted: saved the {len(recording)} frames estimated so far to {output}")
        sys.exit(EXIT_INTERRUPTED)
    if recording.detection_rate == 0:
        print_warning("no person was found in any frame: is the whole body in view and lit?")
    if overlay is not None:
        from formcheck.render_overlay import write_overlay

        with progress_bar(f"drawing {overlay.name}") as update:
            write_overlay(source, recording, overlay, progress=update)
        stdout_console().print(f"skeleton video: [bold]{overlay}[/]")


def _print_record_summary(recording, output: Path, elapsed_s: float) -> None:
    from rich.table import Table

    frames = len(recording)
    duration_s = recording.frames[-1].t_s - recording.frames[0].t_s if frames > 1 else 0.0
    if recording.meta.get("fps"):
        duration_s += 1.0 / recording.meta["fps"]
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("recording", str(output))
    table.add_row("frames", f"{frames}  ({duration_s:.1f} s of video)")
    table.add_row("person found", f"{recording.detection_rate:.0%} of frames")
    table.add_row("speed", f"{frames / elapsed_s:.1f} frames/s, {duration_s / elapsed_s:.2f}x real time")
    stdout_console().print(table)


main.add_command(exercises_command)
main.add_command(explain_command)
