"""``formcheck record``: estimate a source's landmarks once, to re-score them instantly later."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.table import Table

from formcheck.cli.console import print_warning, progress_bar, stdout_console
from formcheck.cli.options import FiniteFloat
from formcheck.errors import ExitCode, FormcheckError
from formcheck.outputs.folder import check_new_file
from formcheck.outputs.skeleton_video import write_overlay
from formcheck.pose.estimate import record as estimate_recording
from formcheck.pose.recording import Recording, default_recording_path, is_recording_path, save_recording

MODEL_HELP = ("pose model: 'full' (bundled, default), 'litert' (the same model run directly, faster to respond), "
              "'litert-int8' (its int8 version, once built with 'formcheck models build'), 'lite' or 'heavy' "
              "if installed, or the path of a MediaPipe Pose Landmarker .task file")
WORKERS_HELP = ("workers for video files, one span of the clip each (processes; threads for litert; "
                "default: one per core, up to 2)")
FRAME_RATE_HELP = ("for a folder of images: how many were taken (or extracted) per second; needed unless "
                   "their names carry their times (t=1.200s.jpg, 00-00-01.200.jpg)")
frame_rate_option = click.option("--frame-rate", "frame_rate", type=FiniteFloat(0, min_open=True), default=None,
                                 metavar="FPS", help=FRAME_RATE_HELP)


@click.command("record")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="where to write the recording (default: SOURCE with .poses.npz beside it)")
@click.option("--model", default="full", show_default=True, help=MODEL_HELP)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help=WORKERS_HELP)
@click.option("--overlay", type=click.Path(path_type=Path), default=None,
              help="also write a copy of the video with the skeleton drawn on it (.mp4)")
@click.option("--overwrite", is_flag=True, help="replace a recording already at the output path")
@click.option("--wall", is_flag=True,
              help="also find the wall and the back's gap to it (needed to re-score a wall sit from the recording)")
@frame_rate_option
def record(source: Path, output: Path | None, model: str, workers: int | None, overlay: Path | None,
           overwrite: bool, wall: bool, frame_rate: float | None) -> None:
    """Estimate the landmarks of every frame of SOURCE once and save them.

    SOURCE is a video file, an image or a folder of images. The recording (.poses.npz) can then be
    given to every other command instead of the video, and re-scores instantly.
    """
    output = output or default_recording_path(source)
    if not is_recording_path(output):
        raise FormcheckError(f"{output}: the output name must end in .poses.npz")
    # Checked before any frame is estimated, so minutes of work never end in a refusal.
    for path in (output, overlay):
        if path is not None:
            check_new_file(path, overwrite)
    started = time.perf_counter()
    with progress_bar(f"estimating {source.name}") as update:
        recording = estimate_recording(source, model=model, workers=workers, progress=update, wall=wall,
                                       frame_rate=frame_rate)
    elapsed_s = time.perf_counter() - started
    save_recording(recording, output)
    _print_summary(recording, output, elapsed_s)
    if not recording.meta.get("complete", True):
        exit_incomplete(recording.meta, f"saved the {len(recording)} frames estimated so far to {output}")
    if recording.detection_rate == 0:
        print_warning("no person was found in any frame: is the whole body in view and lit?")
    if overlay is not None:
        with progress_bar(f"drawing {overlay.name}") as update:
            write_overlay(source, recording, overlay, progress=update)
        stdout_console().print(f"skeleton video: [bold]{overlay}[/]")


def exit_incomplete(meta: dict, saved: str) -> None:
    """The source ended early: say why and what was kept, then exit non-zero."""
    if meta.get("error"):
        print_warning(f"{meta['error']}; {saved}")
        sys.exit(ExitCode.FAILED)
    print_warning(f"interrupted: {saved}")
    sys.exit(ExitCode.INTERRUPTED)


def _print_summary(recording: Recording, output: Path, elapsed_s: float) -> None:
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
