"""``formcheck score``: a recorded exercise, or a folder of them, scored into reports."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click
from rich.table import Table

from formcheck.batch.backends import LocalPool
from formcheck.batch.jobs import clip_stem, jobs_from_sources
from formcheck.cli.batch import run_batch_with_progress, warn_skipped
from formcheck.cli.console import print_warning, progress_bars, stdout_console
from formcheck.cli.history import db_option
from formcheck.cli.options import FiniteFloat
from formcheck.cli.record import exit_incomplete, frame_rate_option
from formcheck.engine.outputs import History, Outputs
from formcheck.engine.recorded import score_source
from formcheck.engine.session import SessionInterrupted
from formcheck.errors import ExitCode, SourceError
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.folder import OutputFolder
from formcheck.outputs.session_result import SessionResult
from formcheck.outputs.terminal_summary import score_rows
from formcheck.pose.recording import incomplete_reason, is_recording_path
from formcheck.sources.media import is_image_folder

SCORE_MODEL_HELP = ("pose model (default: 'litert', the bundled model run directly, with its person mask for "
                    "exercises with wall checks): 'full', 'litert', 'litert-int8' (once built with 'formcheck "
                    "models build'), 'lite' or 'heavy' if installed, or the path of a MediaPipe Pose Landmarker "
                    ".task file")


@click.command("score")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-e", "--exercise", "exercise_name", required=True, help="exercise name (see 'formcheck exercises')")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="folder for report.json, timeline.png, annotated.mp4 and report.html "
                   "(default: out/<name of SOURCE>)")
@click.option("--overwrite", is_flag=True, help="replace the results of another source already in the -o folder")
@click.option("--profile", default=None, help="calibration profile name or .toml file")
@click.option("--fps", "sample_fps", type=FiniteFloat(min=1.0), default=None,
              help="estimate at most this many frames per second of video (faster, slightly coarser)")
@click.option("--no-video", is_flag=True, help="skip the annotated video (the slowest output)")
@click.option("--model", default=None, help=SCORE_MODEL_HELP)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="workers for pose estimation, one span of the clip each (processes; threads for litert; "
                   "default: one per core, up to 2); for a folder, clips scored at once")
@frame_rate_option
@db_option
def score(source: Path, exercise_name: str, out_dir: Path | None, overwrite: bool, profile: str | None,
          sample_fps: float | None, no_video: bool, model: str | None, workers: int | None,
          frame_rate: float | None, db: Path | None) -> None:
    """Score a recorded exercise: how long was it held in good form, and what broke it.

    SOURCE is a video, a landmark recording (.poses.npz), a folder of images of one exercise
    (see --frame-rate), or a folder of videos or recordings: that is scored as 'formcheck batch'
    scores it (one report folder per clip, summary.csv, resumable).
    """
    exercise = load_exercise(exercise_name, profile=profile)
    out_dir = out_dir or Path("out") / clip_stem(source)
    if source.is_dir() and not is_image_folder(source):
        if frame_rate is not None:
            raise SourceError(f"{source}: --frame-rate is only for a folder of images, and this one holds videos "
                              "or recordings")
        jobs = jobs_from_sources([source], exercise_name, profile, skipped=warn_skipped)
        run_batch_with_progress(jobs, out_dir, LocalPool(workers), model=model, video=not no_video,
                                sample_fps=sample_fps, history_db=db)
        return
    # Checked before any frame is estimated: a folder that cannot take the results fails now, not
    # after minutes of work.
    folder = OutputFolder.claim(out_dir, source, overwrite=overwrite, needed_bytes=_space_needed(source, no_video))
    outputs = Outputs(folder.work_dir, final_dir=out_dir, history=History(db, profile, warn=print_warning))
    try:
        with folder.kept(), progress_bars() as new_bar:
            estimate_bar = new_bar(f"estimating {source.name}")
            if not no_video:  # no bar that would never move
                outputs = dataclasses.replace(outputs, video_progress=new_bar(f"drawing {source.name}"))
            result = score_source(source, exercise, outputs, model=model, workers=workers, sample_fps=sample_fps,
                                  video=not no_video, estimate_progress=estimate_bar,
                                  frame_rate=frame_rate)
    except SessionInterrupted as stop:
        print_warning(f"interrupted: {stop.result.written()} written to {out_dir}")
        sys.exit(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        print_warning(f"interrupted before the results were written: nothing was written to {out_dir}")
        sys.exit(ExitCode.INTERRUPTED)
    print_summary(result)
    if not result.score.complete:
        if is_recording_path(source):
            # Nobody pressed Ctrl-C now: the recording itself was cut short when it was made.
            print_warning(f"{source}: {incomplete_reason(result.meta)}; the report in {out_dir} covers the "
                          f"{result.score.duration_s:.1f} s it holds")
            sys.exit(ExitCode.FAILED)
        exit_incomplete(result.meta, f"the report in {out_dir} covers only the part that was processed")


def _space_needed(source: Path, no_video: bool) -> int:
    """About what the results take: the reports a few MB, the annotated video about the source's size."""
    reports = 20 * 1024 * 1024
    if no_video or not source.is_file():
        return reports
    return reports + source.stat().st_size


def print_summary(result: SessionResult) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("exercise", result.score.exercise_title)
    table.add_row("source", result.source)
    for label, text in score_rows(result.score):
        table.add_row(label, text)
    for note in result.notes:
        table.add_row("note", note)
    table.add_row("report", str(result.published("report.html")))
    stdout_console().print(table)
