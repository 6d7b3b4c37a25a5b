"""Counting repetitions from the per-frame rep phase, by timestamps.

A rep exercise names its phases in the order one rep passes through them (``down -> up`` for a
bridge, ``closed -> open`` for a clamshell). The rules tell, frame by frame, which phase the body is
in, or none (between phases, moving). ``counter.update(t_s, phase, state) -> RepSnapshot`` turns
that sequence into repetitions:

* A rep starts when the body leaves the first phase, reaches each later phase in order, and ends
  when it is back in the first phase. Being between phases never ends a rep; the gap between two
  phases' thresholds is what keeps a body hovering at one threshold from counting twice.
* The **top** of a rep is the time in its last phase, from the first frame in it to the last
  before heading back; a frame or two out of it at the threshold does not split it.
* Leaving the exercise (not in position or cannot see) for longer than ``grace_s`` abandons the rep
  under way: half a rep is not a rep.
* A rep is **good** when no check failed in it for longer than ``fault_min_s`` at a time and its top
  lasted at least ``hold_s`` (the exercise file's hold at the top of each rep).
* Reach checks (``reach_checks``, declared ``reach = true``: depth, height) ask how far the rep
  went, so they fault a rep only if they never passed during its top. On the way there the body is in
  the last phase before it is deep enough; that is the movement, not a fault.
* A reach check that could not be seen during part of the top (a bird dog's hand past the frame
  edge at the top of the reach) and never passed does not fault the rep: the part of the top that
  would show the reach was not seen, and failing it would blame the person for the camera. The rep
  lists it in ``unseen`` instead, so the report says the reach was not seen rather than good. Only a
  reach seen failing through the whole top faults the rep.

With ``alternate`` (two phases and no rest between them, as cat-cow flows cow, cat, cow, cat), a
rep is two consecutive phase visits, whichever phase comes first: the first visit starts it, the
second is its top, and it is complete when the body next enters the first phase again, or when the
session ends: in a flow, reaching the second phase is the whole movement.

Like the hold timer, the time from one frame to the next belongs to the earlier frame's phase, so
the counter works live and 12 fps and 60 fps clips count alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from formcheck.judge.timer import FrameState

_EPS_S = 1e-6


@dataclass(frozen=True)
class Rep:
    """One completed repetition; times in seconds from the start of the session."""

    start_s: float          # left the first phase
    top_start_s: float      # reached the last phase
    top_end_s: float        # left the last phase for good
    end_s: float            # back in the first phase
    faults: tuple[str, ...]  # checks that failed during the rep for longer than fault_min_s at a time
    good: bool
    unseen: tuple[str, ...] = ()  # reach checks not seen passing and not seen for part of the top
    side: str | None = None  # the side that did it, when an exercise is judged on both sides

    @property
    def top_s(self) -> float:
        return self.top_end_s - self.top_start_s


def in_set(t_s: float, reps: Sequence[Rep], under_way_since_s: float | None = None) -> bool:
    """Whether ``t_s`` falls within the set: from the start of its first rep to the end of its last
    completed one, or to the end of the session when a rep was still under way as it ended (begun at
    ``under_way_since_s``: a clip that stops at the top of a rep). A rep exercise is timed only there:
    moving about after the last rep (standing up from the squats, lying back after the bridges) is
    not the exercise, and neither is anything in a session where no rep was ever done (pulses that
    never stand up, a fire hydrant judged as a bird dog), however good the posture reads. (Faults
    outside the set are still reported: they may be why no rep counted.)"""
    starts = [r.start_s for r in reps] + ([] if under_way_since_s is None else [under_way_since_s])
    if not starts or t_s < min(starts) - _EPS_S:
        return False
    return under_way_since_s is not None or t_s <= max(r.end_s for r in reps) + _EPS_S


@dataclass(frozen=True)
class RepSnapshot:
    t_s: float
    count: int        # completed reps
    good: int         # completed good reps
    # Judged on both sides: (side, completed, good) per side. A target of N reps is N on each side.
    sides: tuple[tuple[str, int, int], ...] = ()

    @property
    def good_each_side(self) -> int:
        """Good reps towards the target: the fewer side's when both sides are judged, else all."""
        return min(g for _, _, g in self.sides) if self.sides else self.good


@dataclass
class _Current:
    start_s: float
    reached: int = 0                  # index of the furthest phase reached
    first_stage: int = 0              # the phase the rep began in (alternate: either)
    top_stage: int | None = None      # the top's phase, once reached
    top_start_s: float | None = None
    top_end_s: float | None = None
    failing_s: dict[str, float] = field(default_factory=dict)  # each check's current run of failure, seconds
    faults: set[str] = field(default_factory=set)               # checks with a run longer than fault_min_s
    reach_failed: set[str] = field(default_factory=set)         # reach checks seen failing at the top
    reach_met: set[str] = field(default_factory=set)            # reach checks seen passing at the top
    reach_unseen: set[str] = field(default_factory=set)         # reach checks that could not be seen at the top


@dataclass
class RepCounter:
    """``counter.update(t_s, phase, state, failing, passing, unseen) -> RepSnapshot`` per frame, then ``finish()``."""

    phases: Sequence[str]
    hold_s: float = 0.0
    grace_s: float = 0.5
    reach_checks: frozenset[str] = frozenset()
    alternate: bool = False
    fault_min_s: float | None = None  # a check failing longer than this faults the rep; None: grace_s

    def __post_init__(self) -> None:
        if len(self.phases) < 2:
            raise ValueError(f"a rep needs at least two phases, got {list(self.phases)}")
        if self.alternate and len(self.phases) != 2:
            raise ValueError(f"alternating reps need exactly two phases, got {list(self.phases)}")
        self._index = {name: i for i, name in enumerate(self.phases)}
        self._fault_min_s = self.grace_s if self.fault_min_s is None else self.fault_min_s
        self._reps: list[Rep] = []
        self._current: _Current | None = None
        self._ready = False            # seen in the first phase since the last rep (or the start)
        self._first_seen_s = 0.0       # time of the latest frame in the first phase
        self._away_since: float | None = None
        self._started = False
        # The previous frame: time, phase index, state, failing, passing and unseen check ids.
        self._prev: tuple[float, int | None, FrameState, tuple[str, ...], tuple[str, ...], tuple[str, ...]] \
            | None = None

    @property
    def reps(self) -> tuple[Rep, ...]:
        return tuple(self._reps)

    @property
    def under_way(self) -> bool:
        """Whether a rep has begun and not yet ended or been abandoned."""
        return self._current is not None

    @property
    def under_way_since_s(self) -> float | None:
        """When the rep under way began (``None`` between reps)."""
        return None if self._current is None else self._current.start_s

    @property
    def started(self) -> bool:
        """Whether the exercise has begun: the body has left the first phase for a rep, or been seen
        in a later phase (joined mid-rep, as a clip that opens at the top of a bridge). Before that the
        person is setting up (lying still before the first clamshell is not yet the exercise). Once
        begun it stays begun."""
        return self._started

    def update(self, t_s: float, phase: str | None, state: FrameState,
               failing: Sequence[str] = (), passing: Sequence[str] = (), unseen: Sequence[str] = ()) -> RepSnapshot:
        if phase is not None and phase not in self._index:
            raise ValueError(f"unknown rep phase {phase!r}; phases: {list(self.phases)}")
        stage = self._index.get(phase) if phase is not None else None
        if self._prev is not None:
            prev_t = self._prev[0]
            if t_s < prev_t:
                raise ValueError(f"frame times must not go back: {t_s} after {prev_t}")
            self._interval(t_s, *self._prev)
        self._observe(t_s, stage, state)
        self._prev = (t_s, stage, FrameState(state), tuple(failing), tuple(passing), tuple(unseen))
        return self._snapshot(t_s)

    def finish(self, end_s: float | None = None) -> tuple[Rep, ...]:
        """Close the session; a rep still under way is not counted (alternate: unless it reached its top)."""
        if self._prev is not None:
            prev_t = self._prev[0]
            end_s = prev_t if end_s is None else max(end_s, prev_t)
            self._interval(end_s, *self._prev)
            rep = self._current
            if self.alternate and rep is not None and rep.top_stage is not None:
                self._complete(rep, end_s)
        self._current = None
        return self.reps

    # -- internals ---------------------------------------------------------------------------
    def _interval(self, end_s: float, start_s: float, stage: int | None, state: FrameState,
                  failing: tuple[str, ...], passing: tuple[str, ...], unseen: tuple[str, ...]) -> None:
        """Attribute ``[start_s, end_s)`` to the earlier frame (the last five arguments are its own):
        fault time, the reach checks' outcome at the top, and the top's extent."""
        rep = self._current
        if rep is None:
            return
        at_top = stage is not None and stage == rep.top_stage
        if at_top:
            rep.reach_failed.update(c for c in failing if c in self.reach_checks)
            rep.reach_met.update(c for c in passing if c in self.reach_checks)
            rep.reach_unseen.update(c for c in unseen if c in self.reach_checks)
        failing = tuple(c for c in failing if c not in self.reach_checks)
        # Like the report's fault spans, with the rep's own bar: a check failing for no longer than
        # fault_min_s at a time is a flicker (a threshold crossed on the way up and again on the way
        # down is two).
        now_failing = failing if state is FrameState.FAULT else ()
        for check in list(rep.failing_s):
            if check not in now_failing:
                del rep.failing_s[check]
        for check in now_failing:
            rep.failing_s[check] = rep.failing_s.get(check, 0.0) + (end_s - start_s)
            if rep.failing_s[check] > self._fault_min_s + _EPS_S:
                rep.faults.add(check)
        if at_top:
            rep.top_end_s = end_s

    def _observe(self, t_s: float, stage: int | None, state: FrameState) -> None:
        in_exercise = state in (FrameState.VALID, FrameState.FAULT)
        if not in_exercise:
            if self._away_since is None:
                self._away_since = t_s
            elif t_s - self._away_since > self.grace_s + _EPS_S:
                self._current = None
                self._ready = False
            return
        self._away_since = None
        if stage is not None and (self.alternate or stage > 0):
            self._started = True
        if self.alternate:
            self._observe_alternating(t_s, stage)
            return
        last = len(self.phases) - 1
        rep = self._current
        if stage == 0:
            if rep is not None and rep.reached == last:
                self._complete(rep, t_s)
            self._current = None
            self._ready = True
            self._first_seen_s = t_s
            return
        if rep is None:
            if not self._ready:
                return  # joined mid-rep: wait for the first phase
            # The rep began when the first phase was left: the last frame seen in it.
            self._current = rep = _Current(self._first_seen_s)
            self._started = True
        if stage is not None and stage == rep.reached + 1:
            rep.reached = stage
            if stage == last:
                rep.top_stage = stage
                rep.top_start_s = rep.top_end_s = t_s

    def _observe_alternating(self, t_s: float, stage: int | None) -> None:
        if stage is None:
            return  # between the two phases
        rep = self._current
        if rep is None:
            self._current = _Current(t_s, first_stage=stage)
        elif rep.top_stage is None:
            if stage != rep.first_stage:
                rep.top_stage = stage
                rep.top_start_s = rep.top_end_s = t_s
        elif stage != rep.top_stage:
            # Back in the rep's first phase: the rep is done and this visit starts the next one.
            self._complete(rep, t_s)
            self._current = _Current(t_s, first_stage=stage)

    def _complete(self, rep: _Current, t_s: float) -> None:
        """Count ``rep`` (which has reached its top) as ending at ``t_s``; the caller moves on."""
        assert rep.top_start_s is not None and rep.top_end_s is not None
        not_reached = rep.reach_failed - rep.reach_met
        faults = tuple(sorted(rep.faults | (not_reached - rep.reach_unseen)))
        unseen = tuple(sorted(rep.reach_unseen - rep.reach_met))
        good = not faults and rep.top_end_s - rep.top_start_s >= self.hold_s - _EPS_S
        self._reps.append(Rep(rep.start_s, rep.top_start_s, rep.top_end_s, t_s, faults, good, unseen))

    def _snapshot(self, t_s: float) -> RepSnapshot:
        return RepSnapshot(t_s, len(self._reps), sum(r.good for r in self._reps))
