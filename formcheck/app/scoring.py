"""Scoring an uploaded video on a thread, as ``formcheck score`` does: the same ``score_source``,
outputs and history row; the page polls its progress and then opens the report by its history id."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from formcheck.app.saved import saved_session_id
from formcheck.cli.console import print_warning
from formcheck.engine.outputs import History, Outputs
from formcheck.engine.recorded import score_source
from formcheck.errors import FormcheckError
from formcheck.judge.exercises import Exercise
from formcheck.outputs.folder import OutputFolder

_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}")


def upload_name(filename: str) -> str:
    """The name an upload is saved under: ``upload`` and the file's own extension when it is a plain
    one (PyAV reads the container from the bytes; the name is never a path)."""
    suffix = Path(filename).suffix
    return "upload" + (suffix.lower() if _SUFFIX.fullmatch(suffix) else "")


@dataclass
class ScoreStatus:
    state: str = "estimating"          # estimating, done, failed
    done_frames: int = 0
    total_frames: int | None = None
    error: str | None = None
    history_id: int | None = None


class ScoreJob:
    """``start()`` scores ``video`` into a new folder under ``sessions_dir``; ``status`` says how far."""

    def __init__(self, job_id: int, video: Path, shown_name: str, exercise: Exercise, sessions_dir: Path,
                 db: Path | None, model: str | None) -> None:
        self.job_id = job_id
        self.video = video
        self.shown_name = shown_name
        self.exercise = exercise
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.out_dir = sessions_dir / f"{stamp}-score{job_id}"
        self.db = db
        self.model = model
        self.status = ScoreStatus()
        self._thread = threading.Thread(target=self._run, name=f"formcheck-app-score-{job_id}", daemon=True)

    def start(self) -> ScoreJob:
        self._thread.start()
        return self

    def _progress(self, done: int, total: int | None) -> None:
        self.status.done_frames, self.status.total_frames = done, total

    def _run(self) -> None:
        try:
            folder = OutputFolder.claim(self.out_dir, self.video)
            outputs = Outputs(folder.work_dir, final_dir=self.out_dir, history=History(self.db, warn=print_warning))
            with folder.kept():
                # No annotated video: the report is what the page shows, and drawing doubles the wait.
                result = score_source(self.video, self.exercise, outputs, model=self.model, video=False,
                                      estimate_progress=self._progress)
            report = self.out_dir / "report.html"
            self.status.history_id = saved_session_id(self.db, self.exercise.name, report)
            if not result.score.complete:
                self.status.error = "the video could only be read in part; the report covers what was read"
            self.status.state = "done"
        except FormcheckError as exc:
            self.status.error = str(exc).replace(str(self.video), self.shown_name)
            self.status.state = "failed"
        except Exception as exc:  # the page must hear that scoring ended, whatever ended it
            self.status.error = f"{self.shown_name}: {type(exc).__name__}: {exc}"
            self.status.state = "failed"
        finally:
            self.video.unlink(missing_ok=True)  # the upload was only ever a temporary copy
