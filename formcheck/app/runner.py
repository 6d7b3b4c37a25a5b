"""A routine run from the browser: the live routine loop of ``formcheck live --routine`` on a thread,
with the app's screen and voice, and the "Stop - it hurts" button.

The run is :func:`formcheck.cli.live.run_routine` itself: the same coach, engine, reports and
history rows as the command line. The app adds only a gate on the camera: the moment the person
presses Stop - it hurts, no frame captured after the press reaches the coach, so not one second
after it is counted; the set then ends as a quit does and its history row is marked with the reason.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from formcheck.app.board import Board
from formcheck.app.saved import saved_session_id
from formcheck.app.webscreen import CaptureStamps, WebScreen, WebVoice
from formcheck.cli.console import print_warning
from formcheck.cli.live import LiveSettings, RoutineRun, open_rig, run_routine
from formcheck.errors import FormcheckError
from formcheck.live.screen import Action
from formcheck.outputs.folder import OutputFolder
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.store import HistoryStore
from formcheck.routines import TodayPlan, Turn
from formcheck.routines.targets import exercise_for
from formcheck.sources.capture import Captured, LatestFrameCapture

PAIN_REASON = "stopped: it hurts"
# The set a quit ends: the one Stop - it hurts was pressed in (a press during a rest ends no set).
_QUIT = "quit"


class GatedCapture:
    """The rig's capture with a gate the Stop - it hurts button closes: from then on ``latest``
    returns nothing, and no frame delivered after the press is ever handed on. Each frame handed on
    is stamped with its capture time, for the page's delay readout."""

    def __init__(self, capture: LatestFrameCapture, stamps: CaptureStamps) -> None:
        self._capture = capture
        self._stamps = stamps
        self._closed_at_s: float | None = None

    def close(self) -> None:
        if self._closed_at_s is None:
            self._closed_at_s = time.perf_counter()

    @property
    def closed(self) -> bool:
        return self._closed_at_s is not None

    def latest(self, timeout_s: float = 0.5) -> Captured | None:
        if self._closed_at_s is not None:
            time.sleep(min(timeout_s, 0.02))  # callers poll in a loop: do not spin
            return None
        captured = self._capture.latest(timeout_s)
        if captured is None:
            return None
        if self._closed_at_s is not None and captured.delivered_s >= self._closed_at_s:
            return None
        self._stamps.note(captured.frame.rgb, captured.delivered_s)
        return captured

    # What the coach and the rest read besides frames: the capture's own.
    @property
    def exhausted(self) -> bool:
        return self._capture.exhausted

    @property
    def error(self) -> FormcheckError | None:
        return self._capture.error

    @property
    def delivered(self) -> int:
        return self._capture.delivered

    @property
    def dropped(self) -> int:
        return self._capture.dropped


@dataclass(frozen=True)
class AppSettings:
    """The app's command line: what every session it runs shares."""

    camera: str
    model: str
    countdown_s: float
    db: Path | None
    sessions_dir: Path          # each run's folder goes under it
    mirror: bool | None = None


@dataclass(frozen=True)
class SetRecord:
    """One set done, as the summary shows it."""

    step_number: int
    title: str
    set_number: int
    unit: str
    target: float
    achieved: float
    ended_by: str
    history_id: int | None
    faults: tuple[dict, ...]    # {"check", "cue", "start_s", "end_s"} from the set's report.json


@dataclass
class RunOutcome:
    ended_by: str = ""
    error: str | None = None
    sets: list[SetRecord] = field(default_factory=list)
    out_dir: Path | None = None


class RoutineSession:
    """One run of today's plan on a thread: ``start()``, the page's buttons (``press``,
    ``stop_it_hurts``), and ``outcome`` once ``done``."""

    def __init__(self, run_id: int, plan: TodayPlan, settings: AppSettings, board: Board) -> None:
        self.run_id = run_id
        self.plan = plan
        self.settings = settings
        self.board = board
        self.stamps = CaptureStamps()
        self.screen = WebScreen(lambda state: board.update(live=state.as_dict()), self.stamps)
        self.voice = WebVoice(board.say)
        self.outcome = RunOutcome()
        self.pain = threading.Event()
        self._gate: GatedCapture | None = None
        self._thread = threading.Thread(target=self._run, name=f"formcheck-app-run-{run_id}", daemon=True)

    @property
    def done(self) -> bool:
        return not self._thread.is_alive() and self.outcome.ended_by != ""

    def start(self) -> RoutineSession:
        self.board.update(run={"id": self.run_id, "status": "starting", "routine": self.plan.routine.name})
        self._thread.start()
        return self

    def press(self, action: Action) -> None:
        self.screen.press(action)

    def press_quit(self) -> None:
        """End the routine as 'End session' does (the app is stopping)."""
        self.screen.press(Action.QUIT)

    def stop_it_hurts(self) -> None:
        """End the set now; nothing captured after this moment is counted."""
        self.pain.set()
        if self._gate is not None:
            self._gate.close()
        self.screen.press(Action.QUIT)

    def join(self, timeout_s: float | None = None) -> None:
        self._thread.join(timeout_s)

    def _run(self) -> None:
        plan = self.plan
        turns = plan.turns()
        settings = self.settings
        live = LiveSettings(settings.camera, False, settings.model, settings.countdown_s, settings.mirror, None, None,
                            settings.db)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        out_root = settings.sessions_dir / f"{stamp}-run{self.run_id}"
        try:
            exercises = {turn: exercise_for(*plan.at(turn)) for turn in turns}
            folder = OutputFolder.claim(out_root, f"app session {stamp} run {self.run_id}")
            with folder.kept(), open_rig(live, plan.routine.name, list(exercises.values()), screen=self.screen,
                                         speaker=self.voice) as rig:
                assert rig.capture is not None
                self._gate = GatedCapture(rig.capture, self.stamps)
                if self.pain.is_set():
                    self._gate.close()
                rig.capture = self._gate  # type: ignore[assignment]  # the same reading interface
                rig.reason = lambda: PAIN_REASON if self.pain.is_set() else None
                self.board.update(run={"id": self.run_id, "status": "running", "routine": plan.routine.name})
                run = run_routine(rig, plan, exercises, live, folder.work_dir, final_root=out_root)
            self.outcome = self._outcome(run, out_root)
        except FormcheckError as exc:
            self.outcome = RunOutcome("failed", str(exc))
        except Exception as exc:  # the page must hear that the run ended, whatever ended it
            self.outcome = RunOutcome("failed", f"{type(exc).__name__}: {exc}")
        self.board.update(run={"id": self.run_id, "status": "done", "routine": plan.routine.name,
                               "ended_by": self.outcome.ended_by, "error": self.outcome.error})

    def _outcome(self, run: RoutineRun, out_root: Path) -> RunOutcome:
        sets = []
        done = [turn for turn in self.plan.turns() if run.log.outcome(turn) is not None]
        for turn in done:
            sets.append(self._record(turn, run, is_last=turn == done[-1]))
        ended_by = PAIN_REASON if self.pain.is_set() else run.ended_by
        return RunOutcome(ended_by, str(run.error) if run.error is not None else None, sets, out_root)

    def _record(self, turn: Turn, run: RoutineRun, is_last: bool) -> SetRecord:
        outcome = run.log.outcome(turn)
        assert outcome is not None
        planned, side = self.plan.at(turn)
        ended_by = outcome.ended_by
        history_id = saved_session_id(self.settings.db, side.exercise_name, outcome.report)
        if is_last and self.pain.is_set() and ended_by == _QUIT:
            ended_by = PAIN_REASON
            if history_id is not None:
                _note_pain(self.settings.db, history_id)
        faults: tuple[dict, ...] = ()
        if outcome.report is not None:
            faults = _faults(outcome.report.with_name("report.json"))
        return SetRecord(planned.step.number, planned.side_title(side), turn.set_number, planned.step.unit,
                         side.target, outcome.achieved, ended_by, history_id, faults)


def _note_pain(db: Path | None, history_id: int) -> None:
    try:
        with HistoryStore.open(db) as store:
            store.note_ended_by(history_id, PAIN_REASON)
    except HistoryError as exc:
        print_warning(f"the reason the set ended could not be saved to the history: {exc}")


def _faults(report_json: Path) -> tuple[dict, ...]:
    try:
        return tuple(json.loads(report_json.read_text(encoding="utf-8")).get("faults", []))
    except (OSError, ValueError):
        return ()
