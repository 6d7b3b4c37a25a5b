"""The live loop: newest frame -> landmarks -> cleaned -> scored -> one cue -> screen -> voice.

It runs on the main thread (GUI toolkits insist); only capture has its own thread. Frame times are
the source's own (camera clock or container timestamps), shifted so the scored session starts at 0
when the countdown ends — which is also what makes the saved recording re-score to the same result.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from formcheck.errors import CameraError, FormcheckError
from formcheck.exercises import Exercise
from formcheck.frame import PoseFrame
from formcheck.live.capture import Captured, LatestFrameCapture
from formcheck.live.cues import CueSelector, brightness, setup_cue
from formcheck.live.screen import Action, Screen, Status
from formcheck.live.voice import Voice
from formcheck.pipeline import Cleaner
from formcheck.report.overlay import Overlay
from formcheck.scoring import Score, Scorer
from formcheck.sources import SourceInfo, VideoFrame
from formcheck.timer import Phase, Snapshot


@dataclass(frozen=True)
class CoachOptions:
    countdown_s: float = 3.0
    stall_s: float = 5.0          # a camera silent this long has gone away
    max_seconds: float | None = None  # stop after this long (benchmarks, demos)
    # Estimate frame n+1 on a worker thread while frame n is drawn and shown: the pose model and
    # the GUI then overlap on two cores, and a frame rarely waits for the previous one.
    pipelined: bool = True


@dataclass
class _Job:
    """One frame on its way through the pipeline."""

    captured: Captured
    frame: VideoFrame        # the image with its session time
    scoring: bool            # False during the countdown
    generation: int          # bumped by reset: results of an older generation are dropped
    future: Future | None = None


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
    score: Score
    frames: list[PoseFrame]           # raw landmarks of the scored frames, session times
    stats: LiveStats
    ended_by: str                      # "source ended", "quit", "window closed", "interrupted", "camera failed"
    error: FormcheckError | None = None
    cues_shown: list[str] = field(default_factory=list)
    walls: list | None = None          # the wall stage's observation per scored frame (wall exercises)

    @property
    def complete(self) -> bool:
        return self.ended_by in ("source ended", "quit", "window closed", "time limit")


class LiveCoach:
    """``coach.run(capture) -> LiveResult``. The keys and the countdown are its only state machine."""

    def __init__(self, exercise: Exercise, estimator, screen: Screen, voice: Voice, info: SourceInfo,
                 options: CoachOptions = CoachOptions(),
                 on_progress: Callable[[Snapshot], None] | None = None, wall=None) -> None:
        self.exercise = exercise
        # The wall stage (formcheck.wall.WallTracker) for wall exercises: it reads the estimator's
        # segmentation mask, so it runs in the same job as the estimate.
        self.wall = wall
        # Called with the timer after every scored frame: the session history checkpoints from it.
        self.on_progress = on_progress
        self.estimator = estimator
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
        self._restart()

    # -- session state -----------------------------------------------------------------------
    def _restart(self) -> None:
        """Back to the countdown: nothing scored so far is kept (the 'r' key)."""
        self.scorer = Scorer(self.exercise)
        self.cleaner = Cleaner()
        self.frames: list[PoseFrame] = []
        self.walls: list = []
        self.countdown_from: float | None = None   # source time the countdown began
        self.offset_s: float | None = None         # source time of scored t = 0
        # A throwaway scorer during the countdown: skeleton and set-up cues, nothing counted.
        self._warmup = (Scorer(self.exercise), Cleaner())
        self.cues.reset()
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
        workers = 1 if self.options.pipelined else 0
        pool = ThreadPoolExecutor(workers, thread_name_prefix="formcheck-pose") if workers else None
        in_flight: _Job | None = None
        try:
            while True:
                if self.options.max_seconds is not None \
                        and time.perf_counter() - self.stats.started_s >= self.options.max_seconds:
                    ended_by = "time limit"
                    break
                if in_flight is not None:
                    job, in_flight = in_flight, None
                    raw = job.future.result() if job.future else self._estimate(job.frame)
                    # Start the next frame's estimate before drawing this one, if it has arrived.
                    if pool is not None and not self.paused:
                        following = capture.latest(timeout_s=0.0)
                        if following is not None:
                            last_frame_s = time.perf_counter()
                            in_flight = self._submit(following, pool)
                    action = self._present(job, raw)
                else:
                    captured = capture.latest(timeout_s=0.02)
                    if captured is None:
                        if capture.ended:
                            if capture.error is not None:
                                ended_by, error = "camera failed", capture.error
                            break
                        if time.perf_counter() - last_frame_s > self.options.stall_s:
                            ended_by = "camera failed"
                            error = CameraError(f"{self.info.name}: stopped delivering frames "
                                                f"(nothing for {self.options.stall_s:.0f} s)")
                            break
                        action = self.screen.poll()
                    else:
                        last_frame_s = time.perf_counter()
                        if self.paused:
                            action = self._show_paused(captured)
                        else:
                            in_flight = self._submit(captured, pool)
                            continue
                if action in (Action.QUIT, Action.CLOSED):
                    ended_by = "quit" if action is Action.QUIT else "window closed"
                    break
                self._apply(action)
        except KeyboardInterrupt:
            ended_by = "interrupted"
        finally:
            if pool is not None:
                pool.shutdown(wait=True)  # at most one estimate is in flight: tens of milliseconds
        self.stats.ended_s = time.perf_counter()
        self.stats.delivered, self.stats.dropped = capture.delivered, capture.dropped
        result = LiveResult(self.scorer.finish(self._end_s()), list(self.frames), self.stats, ended_by, error,
                            self.cues_shown, list(self.walls) if self.wall is not None else None)
        result.score.complete = result.complete
        return result

    def _submit(self, captured: Captured, pool: ThreadPoolExecutor | None) -> _Job:
        """Fix the frame's session time now (the countdown and resets are decided in arrival order)."""
        frame = captured.frame
        scoring = self._scoring(frame.t_s)
        t = frame.t_s - self.offset_s if scoring else frame.t_s
        job = _Job(captured, VideoFrame(frame.index, t, frame.rgb), scoring, self._generation)
        if pool is not None:
            job.future = pool.submit(self._estimate, job.frame)
        return job

    def _show_paused(self, captured: Captured) -> Action | None:
        action = self.screen.show(captured.frame.rgb, None, self._status(None, None))
        self.stats.note_shown(captured, time.perf_counter())
        return action

    def step(self, captured: Captured) -> Action | None:
        """One frame through every stage, on this thread; returns the key pressed while it was shown."""
        if self.paused:
            return self._show_paused(captured)
        job = self._submit(captured, None)
        return self._present(job, self._estimate(job.frame))

    def _estimate(self, frame: VideoFrame) -> tuple[PoseFrame, object | None]:
        """Landmarks, and for wall exercises what the wall stage sees: ``(pose, wall or None)``."""
        raw = self.estimator.estimate(frame)
        if self.wall is None:
            return raw, None
        return raw, self.wall.update(frame, raw, getattr(self.estimator, "last_mask", None))

    def _present(self, job: _Job, estimated: tuple[PoseFrame, object | None]) -> Action | None:
        """Clean, score, choose the cue, show, say."""
        raw, wall = estimated
        source_t = job.captured.frame.t_s
        if job.generation != self._generation:
            return self.screen.poll()  # estimated before a reset: belongs to the discarded attempt
        scorer, cleaner = (self.scorer, self.cleaner) if job.scoring else self._warmup
        scored = scorer.update(cleaner.update(raw), wall)
        if job.scoring:
            self.frames.append(raw)
            self.walls.append(wall)
            if self.on_progress is not None:
                self.on_progress(scored.timer)
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
        return Status(target_s=self.exercise.hold_min_s, cue=cue, countdown_s=countdown, paused=self.paused,
                      fps=self.stats.fps_now, latency_ms=latency, dropped=self._capture.dropped if self._capture else 0)

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

    def _end_s(self) -> float | None:
        """The last scored frame plus one frame interval: each frame lasts until the next."""
        if not self.frames:
            return None
        last = self.frames[-1].t_s
        if self.info.fps:
            return last + 1.0 / self.info.fps
        gaps = [b.t_s - a.t_s for a, b in zip(self.frames[-30:], self.frames[-29:])]
        return last + (statistics.median(gaps) if gaps else 0.0)
