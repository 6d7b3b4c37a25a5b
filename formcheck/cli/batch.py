"""``formcheck batch``: score many clips into one folder and one summary table, resumably.

The one folder runner: ``formcheck score FOLDER`` runs through :func:`run_batch_with_progress` too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from formcheck.batch.backends import Backend, open_backend
from formcheck.batch.jobs import ClipJob, jobs_from_manifest, jobs_from_sources
from formcheck.batch.runner import BatchReport, run_batch
from formcheck.cli.console import print_warning, stderr_console, stdout_console
from formcheck.errors import ExitCode, FormcheckError
from formcheck.judge.exercises import load_exercise


@click.command("batch")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("-e", "--exercise", "exercise_name", default=None,
              help="exercise of every clip (or give --manifest with one per clip)")
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV of path,exercise[,profile] rows: an exercise (and profile) per clip")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="folder for one sub-folder of reports per clip and summary.csv / summary.jsonl")
@click.option("--profile", default=None, help="calibration profile (name or .toml) for clips without their own")
@click.option("--video", is_flag=True, help="also write each clip's annotated video (slow; off for batches)")
@click.option("--model", default=None,
              help="pose model (default: as 'formcheck score' picks it per exercise; see its --help)")
@click.option("--processes", type=click.IntRange(1, 256), default=None,
              help="local processes, one clip each (default: one per core)")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="score on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (pip install 'formcheck[cluster]')")
@click.option("--send-bytes", is_flag=True,
              help="with --cluster: send clips under 50 MB to the workers instead of their paths")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="session history database (default: FORMCHECK_DB, else the user's)")
def batch_command(sources: tuple[Path, ...], exercise_name: str | None, manifest: Path | None, out_dir: Path,
                  profile: str | None, video: bool, model: str | None, processes: int | None, cluster: str | None,
                  send_bytes: bool, db: Path | None) -> None:
    """Score every clip in SOURCES (files or folders) or in --manifest, each into OUT/<clip>/.

    Rerunning skips clips whose report is up to date (same clip content, formcheck version and
    calibration); a changed calibration re-scores from the cached landmarks without estimating
    again. Exit code 1 if any clip failed (each failure is a row of the summary), 130 on Ctrl-C.
    """
    jobs = _jobs(sources, manifest, exercise_name, profile)
    _check_exercises(jobs)
    run_batch_with_progress(jobs, out_dir, open_backend(cluster, processes), model=model, video=video,
                            send_bytes=send_bytes, history_db=db)


def run_batch_with_progress(jobs: list[ClipJob], out_dir: Path, backend: Backend, *, model: str | None, video: bool,
                            sample_fps: float | None = None, send_bytes: bool = False,
                            history_db: Path | None = None) -> BatchReport:
    """Run a batch with a progress bar, print its summary, and exit non-zero if a clip failed
    (1) or it was interrupted (130)."""
    with _batch_progress() as (on_plan, on_outcome):
        report = run_batch(jobs, out_dir, backend, model=model, video=video, sample_fps=sample_fps,
                           send_bytes=send_bytes, history_db=history_db, on_plan=on_plan, on_outcome=on_outcome,
                           warn=print_warning)
    _print_summary(report, out_dir)
    if report.interrupted:
        sys.exit(ExitCode.INTERRUPTED)
    if report.failed:
        sys.exit(ExitCode.FAILED)
    return report


def _jobs(sources: tuple[Path, ...], manifest: Path | None, exercise: str | None, profile: str | None):
    if manifest is not None:
        if sources or exercise:
            raise FormcheckError("give either --manifest or SOURCES with --exercise, not both")
        return jobs_from_manifest(manifest, default_profile=profile)
    if not sources or not exercise:
        raise FormcheckError("give SOURCES and --exercise, or --manifest (see 'formcheck batch --help')")
    return jobs_from_sources(sources, exercise, profile, skipped=warn_skipped)


def warn_skipped(path: Path, why: str) -> None:
    print_warning(f"{path}: not scored: {why}")


def _check_exercises(jobs) -> None:
    """One exercise for the whole batch that does not exist is a mistake in the command, not a
    failure of every clip: say so once (exit 2). Per-clip exercises of a manifest fail per clip."""
    names = {(j.exercise, j.profile) for j in jobs}
    if len(names) == 1:
        exercise, profile = names.pop()
        load_exercise(exercise, profile=profile)


@contextmanager
def _batch_progress() -> Iterator[tuple[Callable, Callable]]:
    """One bar over the clips to score; each failure printed above it as it happens."""
    console = stderr_console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("clips"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        bar = progress.add_task("scoring", total=None)
        failed = 0

        def on_plan(plan) -> None:
            progress.update(bar, total=len(plan.tasks))
            for outcome in plan.done.values():
                if outcome.failed:
                    progress.console.print(f"[red]failed:[/] {escape(outcome.row['error'])}", soft_wrap=True)

        def on_outcome(outcome) -> None:
            nonlocal failed
            if outcome.failed:
                failed += 1
                progress.console.print(f"[red]failed:[/] {escape(outcome.row['error'])}", soft_wrap=True)
            progress.update(bar, advance=1, description=f"scoring ({failed} failed)" if failed else "scoring")

        yield on_plan, on_outcome


def _print_summary(report: BatchReport, out_dir: Path) -> None:
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("scored", "skipped", "failed"))
    stdout_console().print(f"{len(report.rows)} clips ({counts}): [bold]{out_dir / 'summary.csv'}[/]")
    if report.interrupted:
        print_warning(f"interrupted: the summary lists the {len(report.rows)} clips done so far; "
                      "run the same command again to finish")
