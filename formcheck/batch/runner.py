"""A batch from start to summary: plan (what is up to date), score the rest, remember, summarise."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.batch.backends import Backend
from formcheck.batch.fingerprint import HashIndex, calibration_sha256
from formcheck.batch.jobs import ClipJob
from formcheck.batch.summary import write_summary
from formcheck.batch.work import ClipOutcome, ClipTask, is_up_to_date
from formcheck.errors import FormcheckError
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.history import remember_score
from formcheck.pose.estimators import SCORE_MODEL

SEND_BYTES_MAX = 50 * 1024 * 1024
"""--send-bytes sends clips up to this size; larger ones go by path (workers must see them)."""


@dataclass
class Plan:
    tasks: list[ClipTask] = field(default_factory=list)  # to score now
    done: dict[str, ClipOutcome] = field(default_factory=dict)  # stem -> skipped, or failed before scoring


@dataclass
class BatchReport:
    rows: list[dict]
    files: dict[str, Path]
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(r.get("status") == status for r in self.rows)

    @property
    def failed(self) -> int:
        return self.count("failed")


class _Calibrations:
    """Each (exercise, profile) loaded and hashed once, however many clips use it."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str | None], tuple[object, str]] = {}

    def _get(self, exercise: str, profile: str | None) -> tuple[object, str]:
        key = (exercise, profile)
        if key not in self._known:
            loaded = load_exercise(exercise, profile=profile)
            self._known[key] = (loaded, calibration_sha256(loaded, profile))
        return self._known[key]

    def sha256(self, exercise: str, profile: str | None) -> str:
        return self._get(exercise, profile)[1]


def _task_for(job: ClipJob, out_dir: Path, index: HashIndex, calibrations: _Calibrations, *, model: str | None,
              video: bool, sample_fps: float | None, send_bytes: bool) -> ClipTask:
    if not job.source.is_file():
        raise FormcheckError(f"{job.source}: no such file")
    size = job.source.stat().st_size
    return ClipTask(source=str(job.source), stem=job.stem, out_dir=str(out_dir / job.stem), exercise=job.exercise,
                    profile=job.profile, source_sha256=index.sha256(job.source),
                    calibration_sha256=calibrations.sha256(job.exercise, job.profile),
                    model=model or SCORE_MODEL, video=video, sample_fps=sample_fps,
                    send_bytes=send_bytes and size <= SEND_BYTES_MAX)


def _failed_early(job: ClipJob, error: str) -> ClipOutcome:
    return ClipOutcome(job.stem, {"source": str(job.source), "stem": job.stem, "exercise": job.exercise,
                                  "profile": job.profile or "", "status": "failed", "error": error})


def _skipped(task: ClipTask, stamp: dict) -> ClipOutcome:
    row = {**stamp.get("row", {}), "status": "skipped", "estimated": False, "seconds": 0.0}
    return ClipOutcome(task.stem, row, stamp=stamp)


def plan_batch(jobs: Sequence[ClipJob], out_dir: Path, *, model: str | None = None, video: bool = False,
               sample_fps: float | None = None, send_bytes: bool = False) -> Plan:
    """Hash every clip (cached) and calibration, and split the jobs into up to date and to score.

    A clip that cannot even be planned (missing file, unknown exercise or profile) is a failed
    row, like a clip that fails while scoring. ``model=None``: each clip's exercise picks it, as
    ``formcheck score`` does.
    """
    index = HashIndex(out_dir)
    calibrations = _Calibrations()
    plan = Plan()
    try:
        for job in jobs:
            try:
                task = _task_for(job, out_dir, index, calibrations, model=model, video=video, sample_fps=sample_fps,
                                 send_bytes=send_bytes)
            except (FormcheckError, OSError) as exc:
                plan.done[job.stem] = _failed_early(job, str(exc))
                continue
            stamp = is_up_to_date(task)
            if stamp is not None:
                plan.done[job.stem] = _skipped(task, stamp)
            else:
                plan.tasks.append(task)
    finally:
        index.save()  # hashes already computed survive an interrupted plan
    return plan


def _remember(outcome: ClipOutcome, db: str | os.PathLike[str] | None, profile: str | None,
              warn: Callable[[str], None] | None) -> None:
    """Into the session history, from the driver: workers on other machines do not share its database."""
    if outcome.result is None:
        return
    remember_score(outcome.result, db=db, profile=profile, warn=warn)  # type: ignore[arg-type]


def run_batch(jobs: Sequence[ClipJob], out_dir: Path, backend: Backend, *, model: str | None = None,
              video: bool = False, sample_fps: float | None = None, send_bytes: bool = False,
              history_db: str | os.PathLike[str] | None = None,
              on_plan: Callable[[Plan], None] | None = None, on_outcome: Callable[[ClipOutcome], None] | None = None,
              warn: Callable[[str], None] | None = None) -> BatchReport:
    """Score every job not already up to date in ``out_dir`` and write the summary.

    Ctrl-C stops the backend, writes the summary of what is done, and returns with
    ``interrupted=True`` (the caller decides the exit code). The backend is closed either way.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_batch(jobs, out_dir, model=model, video=video, sample_fps=sample_fps, send_bytes=send_bytes)
    if on_plan:
        on_plan(plan)
    done = dict(plan.done)
    interrupted = False
    try:
        for outcome in backend.run(plan.tasks):
            done[outcome.stem] = outcome
            _remember(outcome, history_db, outcome.row.get("profile") or None, warn)
            if on_outcome:
                on_outcome(outcome)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        backend.close(abort=interrupted)
    rows = [done[job.stem].row for job in jobs if job.stem in done]  # the order the clips were given in
    return BatchReport(rows, write_summary(rows, out_dir), interrupted)
