"""Scoring one clip of a batch: the function a pool process or a Dask worker runs.

Everything a worker needs travels in a :class:`ClipTask` (plain data, picklable), and everything it
produces comes back as a :class:`ClipOutcome`; a clip's failure is an outcome, never an exception,
so one corrupt video cannot stop the other thousand. The worker writes the clip's reports and
landmark recording into ``DIR/<stem>/`` itself (so DIR must be visible to every worker), and writes
``batch.json`` last: its presence means the reports beside it are complete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from formcheck import __version__
from formcheck.batch.fingerprint import calibration_sha256
from formcheck.engine.outputs import Outputs, sinks_for
from formcheck.engine.posture import start_posture
from formcheck.engine.recorded import wall_notes
from formcheck.engine.session import replay
from formcheck.errors import FormcheckError, RecordingError
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.json_report import write_json
from formcheck.outputs.sinks import Ended
from formcheck.pose.estimate import record
from formcheck.pose.recording import SUFFIX, incomplete_reason, is_recording_path, load_recording

STAMP_NAME = "batch.json"
REPORT_FILES = ("report.json", "timeline.png", "report.html")


@dataclass(frozen=True)
class ClipTask:
    """One clip as sent to a worker; the hashes are the driver's, the worker checks its own against them."""

    source: str  # the path as every worker sees it (or only a name, with ``data``)
    stem: str
    out_dir: str  # DIR/<stem>
    exercise: str
    profile: str | None
    source_sha256: str
    calibration_sha256: str
    model: str = "full"
    video: bool = False
    sample_fps: float | None = None  # estimate at most this many frames a second (score --fps)
    send_bytes: bool = False  # send the clip's content, for workers that cannot see the driver's files
    data: bytes | None = None  # that content, read by :func:`with_data` just before the task is sent


def with_data(task: ClipTask) -> ClipTask:
    """The task with the clip's bytes attached when it is to be sent that way. Read at submission,
    not when planning, so the driver holds only the clips in flight in memory, not the whole batch."""
    if not task.send_bytes or task.data is not None:
        return task
    return dataclasses.replace(task, data=Path(task.source).read_bytes())


@dataclass
class ClipOutcome:
    stem: str
    row: dict
    result: object | None = None  # SessionResult (without per-frame rows) for the history; None on failure
    stamp: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.row.get("error"))


def stamp_for(task: ClipTask) -> dict:
    """What a report depends on. A report is reused only when all of it is unchanged."""
    return {"source_sha256": task.source_sha256, "calibration_sha256": task.calibration_sha256,
            "formcheck_version": __version__, "model": task.model, "exercise": task.exercise,
            "profile": task.profile, "sample_fps": task.sample_fps}


def read_stamp(out_dir: Path) -> dict | None:
    """The stamp of a complete report in ``out_dir``, or None (missing, damaged, or a report file gone)."""
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or not all((out_dir / name).is_file() for name in REPORT_FILES):
        return None
    return stamp


def is_up_to_date(task: ClipTask) -> dict | None:
    """The stored stamp when the clip's report is complete and made from the same inputs, else None."""
    stamp = read_stamp(Path(task.out_dir))
    if stamp is None or {k: stamp.get(k) for k in stamp_for(task)} != stamp_for(task):
        return None
    return stamp


def base_row(task: ClipTask) -> dict:
    return {"source": task.source, "stem": task.stem, "exercise": task.exercise, "profile": task.profile or ""}


def score_clip(task: ClipTask) -> ClipOutcome:
    """Score one clip, reusing its cached landmark recording when the clip is unchanged."""
    started = time.perf_counter()
    row = base_row(task)
    try:
        outcome = _score(task, row)
    except FormcheckError as exc:
        outcome = ClipOutcome(task.stem, {**row, "status": "failed", "error": str(exc)})
    except Exception as exc:  # noqa: BLE001 - one clip's crash must be its row, not the batch's end
        outcome = ClipOutcome(task.stem, {**row, "status": "failed",
                                          "error": f"{task.source}: {type(exc).__name__}: {exc}"})
    outcome.row["seconds"] = round(time.perf_counter() - started, 3)
    return outcome


def _score(task: ClipTask, row: dict) -> ClipOutcome:
    exercise = load_exercise(task.exercise, profile=task.profile)
    if calibration_sha256(exercise, task.profile) != task.calibration_sha256:
        raise FormcheckError(f"{task.source}: this worker's exercise or calibration files for {task.exercise!r} "
                             "differ from the ones the batch was started with; install the same formcheck "
                             "on every worker")
    out_dir = Path(task.out_dir)
    with _clip_file(task) as clip:
        recording, estimated = _recording_for(task, clip, out_dir, wall=exercise.needs_wall,
                                              posture=start_posture(exercise))
        if recording.detection_rate == 0:
            raise FormcheckError(f"{task.source}: no person was found in any frame")
        # The reports name the original clip, not the cached recording they may be scored from. The
        # history is written by the driver, whose database the workers (maybe on other machines)
        # do not share.
        outputs = Outputs(out_dir, video_from=clip if task.video and not is_recording_path(clip) else None,
                          sample_fps=recording.meta.get("sample_fps"),
                          recording=recording_path(out_dir, task.stem) if estimated else None,
                          recording_complete_only=True, trend=False, summary_row=True)
        sinks = [*sinks_for(exercise, outputs), BatchStamp(task)]
        result = replay(recording, exercise, sinks, source=task.source, out_dir=out_dir,
                        notes=wall_notes(exercise, recording))
    row.update(result.row, status="scored", estimated=estimated, error="")
    if not result.score.complete:
        why = incomplete_reason(recording.meta)
        # The reader's message names the file already (as it was opened, perhaps a temporary copy).
        row.update(status="failed", error=why if Path(task.source).name in why else f"{task.source}: {why}")
        return ClipOutcome(task.stem, row)  # no stamp: an incomplete report is retried next run
    result.score = dataclasses.replace(result.score, frames=[])  # the history needs no per-frame rows
    return ClipOutcome(task.stem, row, result, stamp_for(task) | {"row": row})


class BatchStamp:
    """``batch.json``, written last: its presence means the reports beside it are complete and
    made from the inputs it names, so a rerun can skip the clip."""

    name = STAMP_NAME

    def __init__(self, task: ClipTask) -> None:
        self.task = task

    def update(self, scored) -> None:
        pass

    def finish(self, ended: Ended) -> None:
        result = ended.result
        if not result.score.complete:
            return
        row = {**base_row(self.task), **result.row, "status": "scored", "error": ""}
        result.files[STAMP_NAME] = write_json({**stamp_for(self.task), "row": row},
                                              Path(self.task.out_dir) / STAMP_NAME)


@contextlib.contextmanager
def _clip_file(task: ClipTask) -> Iterator[Path]:
    """The clip as a local file: its path, or the sent bytes in a temporary file named like it."""
    if task.data is None:
        yield Path(task.source)
        return
    with tempfile.TemporaryDirectory(prefix="formcheck-batch-") as tmp:
        path = Path(tmp) / Path(task.source).name
        path.write_bytes(task.data)
        yield path


def recording_path(out_dir: Path, stem: str) -> Path:
    return out_dir / f"{stem}{SUFFIX}"


def _recording_for(task: ClipTask, clip: Path, out_dir: Path, wall: bool = False, posture: str | None = None):
    """``(recording, estimated)``: a recording given as the source, the cached one when it was made
    from the same clip content and model, else a fresh estimate (one process: the batch already
    keeps every core busy with one clip each); the engine caches it for the next calibration change."""
    if is_recording_path(clip):
        return load_recording(clip), False
    cached = recording_path(out_dir, task.stem)
    if cached.is_file():
        try:
            recording = load_recording(cached)
        except RecordingError:
            recording = None  # damaged cache: estimate again
        # A wall exercise needs the wall stage's findings, which a cache made for another may lack.
        if recording is not None and _matches(recording.meta, task) and (recording.walls is not None or not wall):
            return recording, False
    recording = record(clip, model=task.model, workers=1, sample_fps=task.sample_fps, wall=wall, posture=posture)
    recording.meta.update(source=Path(task.source).name, source_path=task.source, source_sha256=task.source_sha256)
    return recording, True


def _matches(meta: dict, task: ClipTask) -> bool:
    return (meta.get("source_sha256") == task.source_sha256 and meta.get("model") == task.model
            and meta.get("sample_fps") == task.sample_fps and meta.get("complete", True))
