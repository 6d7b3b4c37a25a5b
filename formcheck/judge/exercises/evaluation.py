"""What an exercise says about one frame: typed, immutable results."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from formcheck.pose.landmarks import Landmark


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    CANNOT_SEE = "cannot_see"


UNIT_LABELS = {"deg": "°", "body": "body lengths", "body_per_s": "body lengths/s"}


@dataclass(frozen=True)
class EvalContext:
    """Extra knowledge about the scene that landmarks do not carry.

    ``speeds_px_s``: see the field. ``wall_line``: two points on the wall, in normalized image coordinates
    (x right, y down), found by a wall detector; ``None`` when no wall was found, and then wall checks cannot see.
    """

    wall_line: tuple[tuple[float, float], tuple[float, float]] | None = None
    # Per-landmark speed in pixels per second from a motion stage (formcheck.judge.motion), NaN where not
    # known; ``None`` when the caller runs no motion stage, and then speed conditions are not applied.
    speeds_px_s: tuple[float, ...] | None = None
    # The back's gap to the wall line by part ("lumbar", "shoulder", "hip"), torso lengths, from the
    # wall stage (formcheck.pose.wall); ``None`` when no wall stage ran.
    wall_gaps: dict[str, float | None] | None = None
    # Reference readings of checks declared ``relative_to`` a phase, by check id (see
    # formcheck.judge.exercises.personal_reference); a relative check without one cannot see yet.
    references: dict[str, float] | None = None


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: Status
    value: float | None  # in ``unit``; None when the check cannot see
    unit: str  # "deg" or "body" (a ratio to the check's body length)
    min: float | None  # pass when min <= value <= max; None = unbounded
    max: float | None
    cue: str
    landmarks: tuple[Landmark, ...]
    reason: str | None = None  # why the check cannot see
    # What the landmarks read, before a ``relative_to`` reference is taken off; equals ``value`` for
    # other checks.
    measured: float | None = None
    # One of the exercise's safety checks (``safety_checks``): the frame counts only if it is measured.
    safety: bool = False
    # The landmarks it reads that could not be seen (out of the picture or unsure), when it cannot see.
    hidden: tuple[Landmark, ...] = ()

    @property
    def threshold(self) -> tuple[float | None, float | None]:
        return (self.min, self.max)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


def bound_or_none(value: float) -> float | None:
    return None if math.isinf(value) else value


@dataclass(frozen=True)
class Evaluation:
    """One exercise's verdict on one frame.

    ``in_position`` is the entry condition: the person is doing this exercise at all (the view
    suits it, the required landmarks are seen and the entry conditions hold). ``results`` follow the
    order of the exercise file, which is the order of priority; checks restricted to rep phases
    other than the current ``phase`` are left out.
    """

    exercise: str
    in_position: bool
    view_ok: bool
    side: str | None  # "left" / "right": the side facing the camera (side views), else None
    view_cue: str | None
    entry_cue: str
    results: tuple[CheckResult, ...]
    phase: str | None = None  # current rep phase, for rep exercises
    # Relative checks (``relative_to`` a phase) measured while that phase has not been seen yet:
    # (check id, reading) pairs. They are left out of ``results`` (nothing to judge them against, and
    # no reason to call the frame unseen), but their readings start the person's reference.
    unreferenced: tuple[tuple[str, float], ...] = ()
    # The exercise's variant performed (``[[variants]]`` name, e.g. "straight_arm"), judged with its
    # own limits; None for the exercise as such, or while not in position.
    variant: str | None = None
    # Rep-phase conditions declared ``relative_to`` a phase: (condition id, reading) on this frame, in
    # position; the frames in that phase make the person's reference for them.
    phase_readings: tuple[tuple[str, float], ...] = ()

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.results if r.status is Status.FAIL)

    @property
    def unseen(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.results if r.status is Status.CANNOT_SEE)

    @property
    def unseen_safety(self) -> tuple[str, ...]:
        """Safety checks that could not be measured: the frame cannot count."""
        return tuple(r.id for r in self.results if r.status is Status.CANNOT_SEE and r.safety)

    @property
    def all_pass(self) -> bool:
        """In position and every check passes (no failure, nothing unseen)."""
        return self.in_position and all(r.status is Status.PASS for r in self.results)

    @property
    def cue(self) -> str | None:
        """The one thing to say now: how to turn, how to get into position, the first failing cue,
        or what cannot be seen (a safety check first: without it nothing counts). A check that cannot
        be seen is always said, so a frame is never silently taken as all good."""
        if not self.view_ok:
            return self.view_cue
        if not self.in_position:
            return self.entry_cue
        for r in self.results:
            if r.status is Status.FAIL:
                return r.cue
        unseen = sorted((r for r in self.results if r.status is Status.CANNOT_SEE), key=lambda r: not r.safety)
        return unseen_cue(unseen[0]) if unseen else None

    def result(self, check_id: str) -> CheckResult:
        for r in self.results:
            if r.id == check_id:
                return r
        raise KeyError(f"no result for check {check_id!r}; results: {[r.id for r in self.results]}")


def unseen_cue(result: CheckResult) -> str:
    """``"Cannot see your left heel and left foot index: feet flat is not checked"``."""
    check = result.id.replace("_", " ")
    if not result.hidden:
        return f"Cannot check {check}: {result.reason or 'it cannot be measured'}"
    names = [lm.name.replace("_", " ") for lm in result.hidden]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Cannot see your {joined}: {check} is not checked"
