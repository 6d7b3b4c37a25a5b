"""Judging a one-sided exercise on whichever side is performed, and tallying each side.

A bird dog, clamshell or side plank named without a side is judged for both sides on every frame
(the exercise file's rules resolved for the left, then for the right). Each side's readings drive
that side's own rep counter, so alternating bird-dog reps count on both sides and a clamshell set on
one side then the other counts on each. Only the rules of the side performing can be met at the top
of a rep (a bird dog's kneeling knee, a clamshell's or side plank's lower hip decide it), so a rep is
never counted on both.

Time is different: both sides may read valid at once (a bird dog's tabletop), so each frame is given
to ONE side, :meth:`BothSides.choose`, and only that side's state reaches the session's timer and the
side's own timer. A second of valid time is counted once, on one side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from formcheck.judge.reps import Rep, RepCounter, RepSnapshot
from formcheck.judge.timer import FrameState, HoldTimer, TimerConfig

# How strongly a frame's state speaks for its side, when neither side is in a rep.
_STATE_RANK = {FrameState.VALID: 3, FrameState.FAULT: 2, FrameState.NOT_IN_POSITION: 1, FrameState.CANNOT_SEE: 0}


@dataclass(frozen=True)
class SideReading:
    """What one side's rules say about one frame."""

    phase: str | None
    state: FrameState
    failing: tuple[str, ...] = ()
    passing: tuple[str, ...] = ()
    unseen: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepSpecOfCounter:
    """How each side's rep counter counts (the exercise file's ``[reps]``)."""

    phases: tuple[str, ...]
    hold_s: float
    grace_s: float
    reach_checks: frozenset[str] = frozenset()
    alternate: bool = False
    fault_min_s: float | None = None


@dataclass(frozen=True)
class SideFigures:
    """One side's share of a session: reps (rep exercises) and the valid time given to it."""

    side: str
    valid_s: float
    longest_hold_s: float
    reps: int | None = None
    good_reps: int | None = None


def balance(figures: Mapping[str, SideFigures]) -> tuple[str, float] | None:
    """``(weaker side, weaker / stronger)``: reps for a rep exercise, valid seconds for a hold.
    ``None`` when neither side did anything (no balance to speak of); a ratio of 1.0 is even."""
    if len(figures) != 2:
        return None
    amounts = {s: float(f.reps) if f.reps is not None else f.valid_s for s, f in figures.items()}
    (weak, low), (_, high) = sorted(amounts.items(), key=lambda kv: kv[1])
    if high <= 0:
        return None
    return weak, low / high


class BothSides:
    """``both.update(t_s, readings) -> side`` per frame (readings by side), ``both.credit(t_s, side,
    state)`` with the frame's final state, then ``both.finish(end_s)``."""

    def __init__(self, sides: Sequence[str], timer_config: TimerConfig, reps: RepSpecOfCounter | None) -> None:
        if len(sides) != 2:
            raise ValueError(f"judging both sides needs two sides, got {list(sides)}")
        self.sides = tuple(sides)
        self._reps = reps
        self.counters: dict[str, RepCounter] = {}
        if reps is not None:
            self.counters = {s: RepCounter(reps.phases, reps.hold_s, reps.grace_s, reps.reach_checks,
                                           alternate=reps.alternate, fault_min_s=reps.fault_min_s)
                             for s in self.sides}
        self.timers = {s: HoldTimer(timer_config) for s in self.sides}
        self._last: str = self.sides[0]

    @property
    def started(self) -> bool:
        """A rep exercise has begun once either side has begun a rep."""
        return any(c.started for c in self.counters.values())

    def choose(self, readings: Mapping[str, SideReading]) -> str:
        """The side performing in this frame: the side in a rep (past its first phase, in the
        exercise) first, then the side whose state speaks most for it (valid, fault, set up, unseen);
        a tie keeps the previous frame's side, so a tabletop between bird-dog reps does not flip."""
        def strength(side: str) -> tuple[int, int, int, int]:
            r = readings[side]
            counter = self.counters.get(side)
            in_exercise = r.state in (FrameState.VALID, FrameState.FAULT)
            stage = self._reps.phases.index(r.phase) if self._reps is not None and r.phase is not None else 0
            in_rep = in_exercise and counter is not None and counter.under_way and stage > 0
            return (int(in_rep), stage if in_exercise else 0, _STATE_RANK[r.state], int(side == self._last))

        side = max(self.sides, key=strength)
        self._last = side
        return side

    def update(self, t_s: float, readings: Mapping[str, SideReading]) -> str:
        """Count each side's reps from its own readings; return the side the frame belongs to."""
        side = self.choose(readings)
        for s, counter in self.counters.items():
            r = readings[s]
            counter.update(t_s, r.phase, r.state, r.failing, r.passing, r.unseen)
        return side

    def credit(self, t_s: float, side: str, state: FrameState) -> None:
        """Give the frame's time (in its final ``state``) to ``side``; the other side is not in it."""
        for s, timer in self.timers.items():
            timer.update(t_s, state if s == side else FrameState.NOT_IN_POSITION)

    def snapshot(self, t_s: float) -> RepSnapshot:
        per_side = tuple((s, len(c.reps), sum(r.good for r in c.reps)) for s, c in self.counters.items())
        return RepSnapshot(t_s, sum(n for _, n, _ in per_side), sum(g for _, _, g in per_side), per_side)

    def finish(self, end_s: float) -> tuple[tuple[Rep, ...] | None, dict[str, SideFigures]]:
        """Every side's reps (tagged with the side, in time order; ``None`` for a hold) and figures."""
        figures: dict[str, SideFigures] = {}
        all_reps: list[Rep] = []
        for s in self.sides:
            summary = self.timers[s].finish(end_s)
            counter = self.counters.get(s)
            reps = [replace(r, side=s) for r in counter.finish(end_s)] if counter is not None else None
            if reps is not None:
                all_reps += reps
            figures[s] = SideFigures(s, summary.valid_s, summary.longest_hold_s,
                                     None if reps is None else len(reps),
                                     None if reps is None else sum(r.good for r in reps))
        reps_out = tuple(sorted(all_reps, key=lambda r: (r.start_s, r.end_s))) if self.counters else None
        return reps_out, figures
