"""The live loop: newest frame -> landmarks -> cleaned -> scored -> one cue -> screen -> voice.

Drawing runs on the main thread (GUI toolkits insist); capture and pose estimation each have a
thread of their own (:mod:`formcheck.live.estimation` says why). Frame times are
the source's own (camera clock or container timestamps), shifted so the scored session starts at 0
when the countdown ends — which is also what makes the saved recording re-score to the same result.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from formcheck.engine.session import Session
from formcheck.errors import CameraError, FileEndsEarlyError, FormcheckError
from formcheck.judge.exercises import Exercise
from formcheck.judge.scoring import ScoredFrame
from formcheck.judge.timer import Phase
from formcheck.live.cues import CueSelector, brightness, setup_cue
from formcheck.live.estimation import EstimationStage
from formcheck.live.screen import Action, Screen, Status
from formcheck.live.voice import Voice
from formcheck.live.window import WindowLost
from formcheck.outputs.overlay import Overlay
from formcheck.outputs.sinks import Sink
from formcheck.pose.frame import PoseFrame
from formcheck.pose.stage import PoseStage
from formcheck.pose.wall import WallObservation
from formcheck.sources.capture import Captured, LatestFrameCapture
from formcheck.sources.media import SourceInfo, VideoFrame


@dataclass(frozen=True)
class CoachOptions:
    countdown_s: float = 3.0
    stall_s: float = 5.0          # a camera silent this long has gone away
    max_seconds: float | None = None  # stop after this long (benchmarks, demos)
    # Estimate each frame on a thread of its own as soon as it arrives, while the previous one is
    # drawn and shown: the pose model and the GUI then overlap on two cores.
    pipelined: bool = True
    # A routine's set: end once the exercise's target (hold_min_s seconds in good form, or
    # reps.min_count good reps) is reached, and let 'n' end the set early; ``headline`` says which
    # step, set and target it is.
    stop_at_target: bool = False
    headline: str | None = None


@dataclass
class _Job:
    """One frame on its way through the pipeline: made and estimated by the pose stage, shown by the loop."""

    captured: Captured
    frame: VideoFrame        # the image with its session time
    scoring: bool            # False during the countdown
    generation: int          # bumped by reset: results of an older generation are dropped
    # (landmarks, wall observation) of this very frame; None for a frame that arrived while paused,
    # which is shown as it is.
    estimated: tuple[PoseFrame, WallObservation | None] | None = None


@dataclass
class LiveStats:
    """How the loop kept up: frames shown, and capture-to-screen latency of each."""

    started_s: float = field(default_factory=time.perf_counter)
    ended_s: float | None = None
    shown: int = 0
    delivered: int = 0
    dropped: int = 0
    latencies_s: list[float] = field(default_factory=list)
    _recent: deque = field(default_factory=lambda: deque(maxlen=60))

    def note_shown(self, captured: Captured, now_s: float) -> None:
        self.shown += 1
        self.latencies_s.append(now_s - captured.delivered_s)
        self._recent.append(now_s)

    @property
    def fps_now(self) -> float | None:
        """Frames shown per second over the last couple of seconds (the on-screen readout)."""
        recent = [t for t in self._recent if t >= self._recent[-1] - 2.0] if self._recent else []
        if len(recent) < 2:
            return None
        return (len(recent) - 1) / max(1e-6, recent[-1] - recent[0])

    @property
    def fps(self) -> float:
        end = self.ended_s or time.perf_counter()
        return self.shown / max(1e-6, end - self.started_s)

    def latency_ms(self, quantile: float) -> float | None:
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        return 1000.0 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


@dataclass
class LiveResult:
    """How the loop ended, with the session still to finish (the front end knows where it goes)."""

    session: Session                   # judged every scored frame; ``finish`` writes the outputs
    frames: list[PoseFrame]           # raw landmarks of the scored frames, session times
    stats: LiveStats
    ended_by: str  # "source ended", "quit", "window closed", "interrupted", "camera failed", "display lost"
    error: FormcheckError | None = None
    cues_shown: list[str] = field(default_factory=list)
    walls: list | None = None          # the wall stage's observation per scored frame (wall exercises)

    @property
    def complete(self) -> bool:
        return self.ended_by in ("source ended", "quit", "window closed", "time limit", "target reached", "next")


class LiveCoach:
    """``coach.run(capture) -> LiveResult``. The keys and the countdown are its only state machine.

    ``sinks`` receive every scored frame (the history checkpoints from them) and, when the front end
    finishes the session, write its outputs.
    """

    def __init__(self, exercise: Exercise, stage: PoseStage, screen: Screen, voice: Voice, info: SourceInfo,
                 options: CoachOptions = CoachOptions(), sinks: Sequence[Sink] = ()) -> None:
        self.exercise = exercise
        self.stage = stage
        self.sinks = list(sinks)
        self.screen = screen
        self.voice = voice
        self.info = info
        self.options = options
        self.stats = LiveStats()
        self.cues = CueSelector()
        self.paused = False
        self.cues_shown: list[str] = []
        self._capture: LatestFrameCapture | None = None
        self._generation = 0
        # The pose thread fixes each frame's session time; the 'r' key resets the clock on this one.
        self._clock_lock = threading.Lock()
        self._restart()

    # -- session state -----------------------------------------------------------------------
    def _restart(self) -> None:
        """Back to the countdown: nothing scored so far is kept (the 'r' key)."""
        self.session = Session(self.exercise, self.sinks)
        self.frames: list[PoseFrame] = []
        self.walls: list = []
        # A throwaway session during the countdown: skeleton and set-up cues, nothing counted.
        self._warmup = Session(self.exercise)
        self.cues.reset()
        self.target_reached = False
        with self._clock_lock:
            self.countdown_from: float | None = None   # source time the countdown began
            self.offset_s: float | None = None         # source time of scored t = 0
            self._generation += 1

    def _scoring(self, t_source: float) -> bool:
        if self.offset_s is not None:
            return True
        if self.countdown_from is None:
            self.countdown_from = t_source
        if t_source - self.countdown_from >= self.options.countdown_s:
            self.offset_s = t_source
            return True
        return False

    # -- the loop ----------------------------------------------------------------------------
    def run(self, capture: LatestFrameCapture) -> LiveResult:
        self._capture = capture
        ended_by, error = "source ended", None
        last_frame_s = time.perf_counter()
        stage = EstimationStage(capture, self._work, threaded=self.options.pipelined)
        try:
            with stage:
                while True:
                    if self.options.max_seconds is not None \
                            and time.perf_counter() - self.stats.started_s >= self.options.max_seconds:
                        ended_by = "time limit"
                        break
                    job = stage.next(timeout_s=0.02)
                    if job is not None:
                        last_frame_s = time.perf_counter()
                        action = self._present(job) if job.estimated is not None else self._show_paused(job.captured)
                    elif stage.done:
                        if capture.error is not None:
                            cut = isinstance(capture.error, FileEndsEarlyError)
                            ended_by, error = "the file ends early" if cut else "camera failed", capture.error
                        break
                    elif time.perf_counter() - last_frame_s > self.options.stall_s:
                        ended_by = "camera failed"
                        error = CameraError(f"{self.info.name}: stopped delivering frames "
                                            f"(nothing for {self.options.stall_s:.0f} s)")
                        break
                    else:
                        action = self.screen.poll()
                    if action in (Action.QUIT, Action.CLOSED):
                        ended_by = "quit" if action is Action.QUIT else "window closed"
                        break
                    if self.options.stop_at_target and (self.target_reached or action is Action.NEXT):
                        ended_by = "target reached" if self.target_reached else "next"
                        break
                    self._apply(action)
        except KeyboardInterrupt:
            ended_by = "interrupted"
        except WindowLost as exc:  # saved like a Ctrl-C: the person's session is not lost with the screen
            ended_by, error = "display lost", exc
        self.stats.ended_s = time.perf_counter()
        self.stats.delivered, self.stats.dropped = capture.delivered, capture.dropped
        return LiveResult(self.session, list(self.frames), self.stats, ended_by, error, self.cues_shown,
                          list(self.walls) if self.stage.wall is not None else None)

    def _work(self, captured: Captured) -> _Job:
        """The pose stage's part of a frame: its session time, then its landmarks (none while paused)."""
        if self.paused:
            return _Job(captured, captured.frame, False, self._generation)
        job = self._timed(captured)
        job.estimated = self.stage.update(job.frame)
        return job

    def _timed(self, captured: Captured) -> _Job:
        """Fix the frame's session time now (the countdown and resets are decided in arrival order)."""
        frame = captured.frame
        with self._clock_lock:
            scoring = self._scoring(frame.t_s)
            t = frame.t_s - self.offset_s if scoring else frame.t_s
            generation = self._generation
        return _Job(captured, VideoFrame(frame.index, t, frame.rgb), scoring, generation)

    def _show_paused(self, captured: Captured) -> Action | None:
        action = self.screen.show(captured.frame.rgb, None, self._status(None, None))
        self.stats.note_shown(captured, time.perf_counter())
        return action

    def step(self, captured: Captured) -> Action | None:
        """One frame through every stage, on this thread; returns the key pressed while it was shown."""
        job = self._work(captured)
        return self._present(job) if job.estimated is not None else self._show_paused(captured)

    def _present(self, job: _Job) -> Action | None:
        """Clean, score, choose the cue, show, say."""
        raw, wall = job.estimated
        source_t = job.captured.frame.t_s
        if job.generation != self._generation:
            return self.screen.poll()  # estimated before a reset: belongs to the discarded attempt
        scored = (self.session if job.scoring else self._warmup).update(raw, wall)
        if job.scoring:
            self.frames.append(raw)
            self.walls.append(wall)
            self.target_reached = self.target_reached or _reached(self.exercise, scored)
        # The cue clock is the source's, which never jumps back when scoring starts.
        cue = self.cues.update(setup_cue(raw, scored, brightness(job.frame.rgb)), source_t)
        if cue and (not self.cues_shown or self.cues_shown[-1] != cue):
            self.cues_shown.append(cue)
        overlay = Overlay.from_scored(scored)
        countdown = None
        if not job.scoring:
            overlay = replace(overlay, valid_s=0.0, phase=Phase.WAITING)
            countdown = self.options.countdown_s - (source_t - (self.countdown_from or source_t))
        action = self.screen.show(job.frame.rgb, overlay, self._status(cue, countdown))
        self.stats.note_shown(job.captured, time.perf_counter())
        self.voice.say(cue)
        return action

    def _status(self, cue: str | None, countdown: float | None) -> Status:
        latency = self.stats.latencies_s[-1] * 1000 if self.stats.latencies_s else None
        headline = self.options.headline
        # LiteRT looks for people besides the exerciser (MediaPipe's graph does not: no attribute).
        if getattr(self.stage.estimator, "others_in_view", 0):
            headline = f"{headline}\n{OTHER_PERSON_NOTE}" if headline else OTHER_PERSON_NOTE
        return Status(target_s=self.exercise.hold_min_s, cue=cue, countdown_s=countdown, paused=self.paused,
                      fps=self.stats.fps_now, latency_ms=latency, dropped=self._capture.dropped if self._capture else 0,
                      headline=headline)

    def _apply(self, action: Action | None) -> None:
        if action is Action.PAUSE:
            self.paused = not self.paused
        elif action is Action.RESET:
            self.paused = False
            self._restart()
        elif action is Action.MIRROR:
            self.screen.mirror = not self.screen.mirror
        elif action is Action.READOUT:
            self.screen.readout_visible = not self.screen.readout_visible


OTHER_PERSON_NOTE = "Someone else is in view: following you only"


def _reached(exercise: Exercise, scored: ScoredFrame) -> bool:
    """The exercise's target met: ``hold_min_s`` seconds in good form, or ``reps.min_count`` good reps
    (on each side, for a one-sided exercise judged on both)."""
    if exercise.reps is not None:
        return scored.reps is not None and scored.reps.good_each_side >= exercise.reps.min_count
    return exercise.hold_min_s is not None and scored.timer.valid_s >= exercise.hold_min_s
