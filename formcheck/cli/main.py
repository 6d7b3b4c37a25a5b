"""The ``formcheck`` command. The one place where library errors become messages and exit codes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from formcheck import __version__
from formcheck.cli.console import print_error, print_warning, progress_bar, progress_bars, stdout_console
from formcheck.errors import FormcheckError
from formcheck.cli.assess import assess
from formcheck.cli.batch import batch_command
from formcheck.cli.calibrate import calibrate
from formcheck.cli.exercises import exercises_command, explain_command
from formcheck.cli.history import db_option, history_command
from formcheck.cli.live import live
from formcheck.cli.studio import studio

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


MODEL_HELP = ("pose model: 'full' (bundled, default), 'litert' (the same model run directly, faster to respond), 'lite' or "
              "'heavy' if installed, or the path of a MediaPipe Pose Landmarker .task file")
SCORE_MODEL_HELP = ("pose model (default: 'litert', the bundled model run directly, with its person mask for "
                    "exercises with wall checks): 'full', 'litert', 'lite' or 'heavy' if installed, or the path "
                    "of a MediaPipe Pose Landmarker .task file")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="where to write the recording (default: SOURCE with .poses.npz beside it)")
@click.option("--model", default="full", show_default=True, help=MODEL_HELP)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="workers for video files, one span of the clip each (processes; threads for litert; "
                   "default: one per core, up to 2)")
@click.option("--overlay", type=click.Path(path_type=Path), default=None,
              help="also write a copy of the video with the skeleton drawn on it (.mp4)")
@click.option("--wall", is_flag=True,
              help="also find the wall and the back's gap to it (needed to re-score a wall sit from the recording)")
def record(source: Path, output: Path | None, model: str, workers: int | None, overlay: Path | None,
           wall: bool) -> None:
    """Estimate the landmarks of every frame of SOURCE once and save them.

    SOURCE is a video file, an image or a folder of images. The recording (.poses.npz) can then be
    given to every other command instead of the video, and re-scores instantly.
    """
    from formcheck.pose.estimate import record as run_record
    from formcheck.pose.recording import default_recording_path, is_recording_path, save_recording

    output = output or default_recording_path(source)
    if not is_recording_path(output):
        raise FormcheckError(f"{output}: the output name must end in .poses.npz")
    started = time.perf_counter()
    with progress_bar(f"estimating {source.name}") as update:
        recording = run_record(source, model=model, workers=workers, progress=update, wall=wall)
    elapsed_s = time.perf_counter() - started
    save_recording(recording, output)
    _print_record_summary(recording, output, elapsed_s)
    if not recording.meta.get("complete", True):
        _exit_incomplete(recording.meta, f"saved the {len(recording)} frames estimated so far to {output}")
    if recording.detection_rate == 0:
        print_warning("no person was found in any frame: is the whole body in view and lit?")
    if overlay is not None:
        from formcheck.outputs.skeleton_video import write_overlay

        with progress_bar(f"drawing {overlay.name}") as update:
            write_overlay(source, recording, overlay, progress=update)
        stdout_console().print(f"skeleton video: [bold]{overlay}[/]")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("-e", "--exercise", "exercise_name", required=True, help="exercise name (see 'formcheck exercises')")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="folder for report.json, timeline.png, annotated.mp4 and report.html")
@click.option("--profile", default=None, help="calibration profile name or .toml file")
@click.option("--fps", "sample_fps", type=click.FloatRange(min=1.0), default=None,
              help="estimate at most this many frames per second of video (faster, slightly coarser)")
@click.option("--no-video", is_flag=True, help="skip the annotated video (the slowest output)")
@click.option("--model", default=None, help=SCORE_MODEL_HELP)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="workers for pose estimation, one span of the clip each (processes; threads for litert; "
                   "default: one per core, up to 2)")
@db_option
def score(source: Path, exercise_name: str, out_dir: Path, profile: str | None, sample_fps: float | None,
          no_video: bool, model: str | None, workers: int | None, db: Path | None) -> None:
    """Score a recorded exercise: how long was it held in good form, and what broke it.

    SOURCE is a video, a landmark recording (.poses.npz) or a folder of them (one report per clip
    and a summary.csv).
    """
    from formcheck.judge.exercises import load_exercise

    exercise = load_exercise(exercise_name, profile=profile)
    options = dict(model=model, workers=workers, sample_fps=sample_fps, video=not no_video, history_db=db)
    if source.is_dir():
        _score_folder(source, exercise, out_dir, options, profile)
        return
    try:
        result = _score_one(source, exercise, out_dir, options, profile)
    except KeyboardInterrupt:
        print_warning(f"interrupted: a partial report is in {out_dir}")
        sys.exit(EXIT_INTERRUPTED)
    if not result.score.complete:
        _exit_incomplete(result.meta, f"the report in {out_dir} covers only the part that was processed")


def _exit_incomplete(meta: dict, saved: str) -> None:
    """The source ended early: say why and what was kept, then exit non-zero."""
    if meta.get("error"):
        print_warning(f"{meta['error']}; {saved}")
        sys.exit(1)
    print_warning(f"interrupted: {saved}")
    sys.exit(EXIT_INTERRUPTED)


def _score_one(source: Path, exercise, out_dir: Path, options: dict, profile: str | None = None):
    """Score one clip, print its summary and remember it in the session history."""
    from formcheck.outputs.history import remember_score
    from formcheck.engine.recorded import score_source

    with progress_bars() as new_bar:
        result = score_source(source, exercise, out_dir, estimate_progress=new_bar(f"estimating {source.name}"),
                              video_progress=new_bar(f"drawing {source.name}"), **options)
    _print_score_summary(result)
    remember_score(result, db=options.get("history_db"), profile=profile, warn=print_warning)
    return result


def _print_score_summary(result) -> None:
    from rich.table import Table

    from formcheck.outputs.terminal_summary import score_rows

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("exercise", result.score.exercise_title)
    table.add_row("source", result.source)
    for label, text in score_rows(result.score):
        table.add_row(label, text)
    for note in result.notes:
        table.add_row("note", note)
    table.add_row("report", str(result.files.get("report.html")))
    stdout_console().print(table)


def _score_folder(folder: Path, exercise, out_dir: Path, options: dict, profile: str | None) -> None:
    import csv

    from formcheck.pose.recording import SUFFIX
    from formcheck.sources.media import VIDEO_SUFFIXES

    clips = sorted(p for p in folder.iterdir()
                   if p.is_file() and (p.suffix.lower() in VIDEO_SUFFIXES or p.name.endswith(SUFFIX)))
    if not clips:
        raise FormcheckError(f"{folder}: no videos or .poses.npz recordings in this folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    interrupted = False
    for clip in clips:
        stem = clip.name.removesuffix(SUFFIX) if clip.name.endswith(SUFFIX) else clip.stem
        try:
            result = _score_one(clip, exercise, out_dir / stem, options, profile)
            s = result.score.summary
            rows.append({"source": clip.name, "exercise": exercise.name, "duration_s": round(result.score.duration_s, 3),
                         "valid_s": round(s.valid_s, 3), "longest_hold_s": round(s.longest_hold_s, 3),
                         "breaks": s.breaks, "faults": len(result.score.faults),
                         "reps": "" if result.score.reps is None else len(result.score.reps), "error": ""})
        except FormcheckError as exc:
            print_error(str(exc))
            rows.append({"source": clip.name, "exercise": exercise.name, "error": str(exc)})
        except KeyboardInterrupt:
            interrupted = True
            break
    fields = ["source", "exercise", "duration_s", "valid_s", "longest_hold_s", "breaks", "faults", "reps", "error"]
    with open(out_dir / "summary.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    stdout_console().print(f"summary of {len(rows)} clips: [bold]{out_dir / 'summary.csv'}[/]")
    if interrupted:
        print_warning(f"interrupted after {len(rows)} of {len(clips)} clips")
        sys.exit(EXIT_INTERRUPTED)
    if any(r["error"] for r in rows):
        sys.exit(1)


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
main.add_command(studio)
main.add_command(history_command)
main.add_command(live)
main.add_command(batch_command)
main.add_command(calibrate)
main.add_command(assess)
