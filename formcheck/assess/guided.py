"""The assessment from one camera: each step's set-up text and countdown, then its measuring window.

The steps follow each other on one continuous stream, timed by the source's own clock (frame
timestamps), so a video given as the camera is judged exactly as a camera would be, however fast
the machine. The main loop reads like the session it runs::

    for frame in frames:
        clock.advance()                                   # the next step, once this one is over
        pose = estimator.estimate(frame)
        problem = step_cue(pose, clock.step)              # out of view? facing the wrong way?
        phase, left = clock.update(frame.t_s, ready=gate.update(problem, frame.t_s))
        if phase == "measuring" and problem is None:
            measured[clock.step.name].append(pose)
        presenter.show(frame, pose, status)

Each step waits until the person is set up as it needs (whole body in view, facing the camera or
side-on), counts down, then measures; frames with the set-up wrong are never measured.

Whatever ends the sequence early (the person quits, Ctrl-C, the camera goes away) ends it with
the steps measured so far kept, so the report still says what could be measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from formcheck.assess import measures as m
from formcheck.assess.steps import Step
from formcheck.errors import FormcheckError
from formcheck.judge.exercises.views import judge_view
from formcheck.live.cues import DARK_BELOW, STEP_INTO_VIEW, TOO_DARK, CueSelector, brightness, off_picture
from formcheck.pose.frame import PoseFrame
from formcheck.sources.media import VideoFrame

# Which way each step needs the person to face. The width ratio (shoulder and hip width over torso
# length, formcheck.judge.exercises.views) reads 0.1-0.2 side-on and 0.5-0.7 facing the camera.
STEP_VIEWS: dict[str, Literal["front", "side"]] = {
    "front": "front", "side": "side", "stance_left": "front", "stance_right": "front", "squat": "front",
}
FRONT_WIDTH_MIN = 0.4
SIDE_WIDTH_MAX = 0.5

FOOT_DOWN_AFTER_S = 1.0  # the lifted foot down this long (after a lift of at least as long) ends a stance step

Phase = Literal["setup", "countdown", "measuring"]


@dataclass(frozen=True)
class GuideStatus:
    """What the person is told at one frame."""

    number: int  # 1-based step number
    count: int
    step: Step
    phase: Phase
    seconds_left: float
    cue: str | None = None


class Presenter(Protocol):
    def show(self, frame: VideoFrame, pose: PoseFrame | None, status: GuideStatus) -> bool:
        """Show one frame; ``False`` when the person asked to stop."""
        ...

    def close(self) -> None:
        ...


def step_cue(pose: PoseFrame, step: Step, image_brightness: float | None = None) -> str | None:
    """The set-up problem to fix before this step can be measured, or ``None`` when all is well."""
    if image_brightness is not None and image_brightness < DARK_BELOW:
        return TOO_DARK
    if not pose.detected:
        return STEP_INTO_VIEW
    outside = off_picture(pose)
    if outside:
        return f"Step back: your whole body must be in the picture ({', '.join(outside)} out of view)"
    kind = STEP_VIEWS.get(step.name, "front")
    verdict = judge_view(kind, SIDE_WIDTH_MAX if kind == "side" else FRONT_WIDTH_MIN,
                         pose.xy_px.tolist(), pose.missing.tolist())
    return verdict.cue


class FootDown:
    """``update(pose) -> bool``: True once the lifted foot, having been up for ``after_s``, has been
    back on the floor for ``after_s`` — the stance is over, however long it lasted."""

    def __init__(self, lifted: str, after_s: float = FOOT_DOWN_AFTER_S) -> None:
        self.after_s = after_s
        self._foot = m.FootLift(lifted)
        self._since_s: float | None = None  # when the foot last went up or down
        self._was_up = False

    def update(self, pose: PoseFrame) -> bool:
        was = self._foot.up
        up = self._foot.update(pose)
        if up != was or self._since_s is None:
            self._since_s = pose.t_s
        held_s = pose.t_s - self._since_s
        if up:
            self._was_up = self._was_up or held_s >= self.after_s
            return False
        return self._was_up and held_s >= self.after_s


def _ends_early(step: Step) -> FootDown | None:
    if step.name == "stance_left":
        return FootDown("right")
    if step.name == "stance_right":
        return FootDown("left")
    return None


@dataclass
class GuidedOutcome:
    poses: dict[str, list[PoseFrame]] = field(default_factory=dict)  # step name -> measured frames
    completed: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the sequence ended before its last step; None when it ran through
    ended_by: Literal["finished", "quit", "interrupted", "source ended", "source failed"] = "finished"


class SetupGate:
    """``update(problem, t_s) -> ready``: the set-up is right, allowing a problem ``grace_s`` long
    (one bad frame from the model must not restart a countdown)."""

    def __init__(self, grace_s: float = 0.5) -> None:
        self.grace_s = grace_s
        self._ready = False
        self._problem_since: float | None = None

    def reset(self) -> None:
        self._ready = False
        self._problem_since = None

    def update(self, problem: str | None, t_s: float) -> bool:
        if problem is None:
            self._problem_since = None
            self._ready = True
        else:
            self._problem_since = t_s if self._problem_since is None else self._problem_since
            self._ready = self._ready and t_s - self._problem_since < self.grace_s
        return self._ready


class StepClock:
    """``update(t_s, ready) -> (phase, seconds left)`` of the current step.

    Each step waits in ``setup`` until the person is ready (in view, facing the right way), counts
    down (back to ``setup`` if they step out), then measures for the step's length. The next step
    starts at the frame after the last one finished. ``finish()`` ends the measuring early (a
    stance that is over).
    """

    def __init__(self, steps: Sequence[Step], countdown_s: float) -> None:
        self.steps = list(steps)
        self.countdown_s = countdown_s
        self.index = 0
        self.finished = False  # the current step's last frame has been seen
        self._countdown_since: float | None = None
        self._measuring_since: float | None = None

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def done(self) -> bool:
        return self.finished and self.index == len(self.steps) - 1

    def advance(self) -> None:
        """Move to the next step if the current one has finished (call before each frame)."""
        if self.finished and self.index < len(self.steps) - 1:
            self.index += 1
            self.finished = False
            self._countdown_since = self._measuring_since = None

    def update(self, t_s: float, ready: bool = True) -> tuple[Phase, float]:
        if self._measuring_since is None:
            if not ready:
                self._countdown_since = None
                return "setup", self.countdown_s
            if self._countdown_since is None:
                self._countdown_since = t_s
            left = self.countdown_s - (t_s - self._countdown_since)
            if left > 0:
                return "countdown", left
            self._measuring_since = t_s
        left = self.step.seconds - (t_s - self._measuring_since)
        self.finished = self.finished or left <= 0
        return "measuring", max(0.0, left)

    def finish(self) -> None:
        self.finished = True


class GuidedAssessment:
    """Runs ``steps`` in order on one stream of frames; ``run(frames) -> GuidedOutcome``."""

    def __init__(self, steps: Sequence[Step], estimator, presenter: Presenter, countdown_s: float = 3.0) -> None:
        if not steps:
            raise ValueError("GuidedAssessment needs at least one step")
        self.steps = list(steps)
        self.estimator = estimator
        self.presenter = presenter
        self.countdown_s = countdown_s

    def run(self, frames: Iterable[VideoFrame]) -> GuidedOutcome:
        outcome = GuidedOutcome()
        clock = StepClock(self.steps, self.countdown_s)
        cues = CueSelector()
        gate = SetupGate()
        early: FootDown | None = None
        current = -1
        try:
            for frame in frames:
                pose = self.estimator.estimate(frame)
                clock.advance()
                step = clock.step
                if clock.index != current:
                    current, early = clock.index, _ends_early(step)
                    cues.reset()
                    gate.reset()
                problem = step_cue(pose, step, brightness(frame.rgb))
                phase, left = clock.update(frame.t_s, gate.update(problem, frame.t_s))
                if phase == "measuring" and problem is None:  # a wrong view is not measured
                    outcome.poses.setdefault(step.name, []).append(pose)
                    if early is not None and early.update(pose):
                        clock.finish()
                cue = cues.update(problem, frame.t_s)
                status = GuideStatus(clock.index + 1, len(self.steps), step, phase, left, cue)
                if not self.presenter.show(frame, pose, status):
                    outcome.stopped = f"stopped during step {clock.index + 1} ({step.title})"
                    outcome.ended_by = "quit"
                    return outcome
                if clock.finished:
                    outcome.completed.append(step.name)
                if clock.done:
                    return outcome
            outcome.stopped = f"the video or camera ended during step {clock.index + 1} ({clock.step.title})"
            outcome.ended_by = "source ended"
        except KeyboardInterrupt:
            outcome.stopped = f"interrupted (Ctrl-C) during step {clock.index + 1} ({clock.step.title})"
            outcome.ended_by = "interrupted"
        except FormcheckError as exc:
            outcome.stopped = f"{exc} (during step {clock.index + 1}, {clock.step.title})"
            outcome.ended_by = "source failed"
        return outcome
