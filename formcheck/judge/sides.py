"""Judging a one-sided exercise on whichever side is performed, and tallying each side.

A bird dog, clamshell or side plank named without a side is judged for both sides on every frame
(the exercise file's rules resolved for the left, then for the right). Each side's readings drive
that side's own rep counter, so alternating bird-dog reps count on both sides and a clamshell set on
one side then the other counts on each. Only the rules of the side performing can be met at the top
of a rep (a bird dog's kneeling knee, a clamshell's or side plank's lower hip decide it), so a rep is
never counted on both.

Time is different: both sides may read valid at once (a bird dog's tabletop), so each frame is given
to ONE side, :meth:`BothSides.choose`, and only that side's state reaches the session's timer and the
side's own timer. A second of valid time is counted once, on one side. For a hold, each unbroken hold
goes whole to the side held (:meth:`BothSides.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from formcheck.judge.reps import Rep, RepCounter, RepSnapshot, in_set
from formcheck.judge.timer import FrameState, HoldTimer, Span, TimerConfig

_EPS_S = 1e-6

_IN_EXERCISE = (FrameState.VALID, FrameState.FAULT)
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


def balance(figures: Mapping[str, SideFigures]) -> tuple[str | None, float] | None:
    """``(weaker side, weaker / stronger)``: reps for a rep exercise, valid seconds for a hold; the
    weaker side is ``None`` when the sides are even (1.0). ``None`` when neither side did anything."""
    if len(figures) != 2:
        return None
    amounts = {s: float(f.reps) if f.reps is not None else f.valid_s for s, f in figures.items()}
    (weak, low), (_, high) = sorted(amounts.items(), key=lambda kv: kv[1])
    if high <= 0:
        return None
    return (weak if low < high else None), low / high


class BothSides:
    """``both.update(t_s, readings) -> side`` per frame (readings by side), ``both.credit(t_s, side,
    state)`` with the frame's final state, then ``both.finish(end_s, holds)``."""

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
        self._timer_config = timer_config
        self._log: list[tuple[float, str, FrameState]] = []  # each frame's time, side and final state
        self._last: str = self.sides[0]

    @property
    def started(self) -> bool:
        """A rep exercise has begun once either side has begun a rep."""
        return any(c.started for c in self.counters.values())

    @property
    def under_way_since_s(self) -> float | None:
        """When the earliest rep under way on either side began (``None`` when neither is in a rep)."""
        starts = [c.under_way_since_s for c in self.counters.values() if c.under_way_since_s is not None]
        return min(starts, default=None)

    def choose(self, readings: Mapping[str, SideReading]) -> str:
        """The side performing in this frame: the side in a rep (past its first phase, in the
        exercise) first, then the side whose state speaks most for it (valid, fault, set up, unseen);
        a tie keeps the previous frame's side, so a tabletop between bird-dog reps does not flip."""
        def strength(side: str) -> tuple[int, int, int, int]:
            r = readings[side]
            counter = self.counters.get(side)
            in_exercise = r.state in _IN_EXERCISE
            stage = self._reps.phases.index(r.phase) if self._reps is not None and r.phase is not None else 0
            in_rep = in_exercise and counter is not None and counter.under_way and stage > 0
            return (int(in_rep), stage if in_exercise else 0, _STATE_RANK[r.state], int(side == self._last))

        side = max(self.sides, key=strength)
        self._last = side
        return side

    def update(self, t_s: float, readings: Mapping[str, SideReading]) -> str:
        """Count each side's reps from its own readings; return the side the frame belongs to."""
        side = self.choose(readings)
        rest = self._at_rest(readings)
        for s, counter in self.counters.items():
            r = readings[s]
            if rest is not None and r.state not in _IN_EXERCISE:
                r = rest
            counter.update(t_s, r.phase, r.state, r.failing, r.passing, r.unseen)
        return side

    def _at_rest(self, readings: Mapping[str, SideReading]) -> SideReading | None:
        """The reading of a side seen at rest (in the first rep phase, in the exercise), if any.

        The rest between reps is one posture for both sides (a bird dog's tabletop), and from a side
        view it is often seen on the near side only: the far knee and wrist hide behind the near ones.
        A side that cannot be judged while the other is seen at rest is taken to be at rest too, so
        its next rep counts and ends (otherwise a far-side rep would look joined mid-way and never
        come back). A side judged in the exercise keeps its own reading. The other side at rest and in
        the exercise means this side's rep is over: its reach needs the limbs the other side rests on
        (a bird dog's opposite leg), or the other side lies down (clamshell, side plank)."""
        if self._reps is None:
            return None
        first = self._reps.phases[0]
        for s in self.sides:
            r = readings[s]
            if r.phase == first and r.state in _IN_EXERCISE:
                return SideReading(first, r.state)
        return None

    def credit(self, t_s: float, side: str, state: FrameState) -> None:
        """Give the frame's time (in its final ``state``) to ``side``; the other side is not in it."""
        self._log.append((t_s, side, state))

    def snapshot(self, t_s: float) -> RepSnapshot:
        per_side = tuple((s, len(c.reps), sum(r.good for r in c.reps)) for s, c in self.counters.items())
        return RepSnapshot(t_s, sum(n for _, n, _ in per_side), sum(g for _, _, g in per_side), per_side)

    def finish(self, end_s: float, holds: Sequence[Span] = ()) -> tuple[tuple[Rep, ...] | None,
                                                                         dict[str, SideFigures]]:
        """Every side's reps (tagged with the side, in time order; ``None`` for a hold) and figures.

        A hold exercise passes the session's ``holds``: each goes whole to the side that held most of
        it. Nobody changes sides within one unbroken hold, so a second or two in which the pose model
        swapped left and right (seen from the front, it sometimes does) stays with the side held."""
        open_s = self.under_way_since_s
        side_reps = {s: [replace(r, side=s) for r in c.finish(end_s)] for s, c in self.counters.items()}
        all_reps = [r for reps in side_reps.values() for r in reps]
        if self.counters:  # a rep exercise is timed within its set only (see reps.in_set)
            log = [(t_s, side, state if state is not FrameState.VALID or in_set(t_s, all_reps, open_s)
                    else FrameState.NOT_IN_POSITION) for t_s, side, state in self._log]
        else:
            log = self._by_hold(holds)
        timers = {s: HoldTimer(self._timer_config) for s in self.sides}
        for t_s, side, state in log:
            for s, timer in timers.items():
                timer.update(t_s, state if s == side else FrameState.NOT_IN_POSITION)
        figures: dict[str, SideFigures] = {}
        for s in self.sides:
            summary = timers[s].finish(end_s)
            reps = side_reps.get(s)
            figures[s] = SideFigures(s, summary.valid_s, summary.longest_hold_s,
                                     None if reps is None else len(reps),
                                     None if reps is None else sum(r.good for r in reps))
        reps_out = tuple(sorted(all_reps, key=lambda r: (r.start_s, r.end_s))) if self.counters else None
        return reps_out, figures

    def _by_hold(self, holds: Sequence[Span]) -> list[tuple[float, str, FrameState]]:
        """The frame log with every frame inside a hold given to the side valid longest in it."""
        ends = [t for t, _, _ in self._log[1:]]
        ends.append(self._log[-1][0] if self._log else 0.0)
        owners = []
        for hold in holds:
            seconds = dict.fromkeys(self.sides, 0.0)
            for (t_s, side, state), end in zip(self._log, ends):
                if state is FrameState.VALID:
                    seconds[side] += max(0.0, min(end, hold.end_s) - max(t_s, hold.start_s))
            owners.append((hold, max(self.sides, key=lambda s: seconds[s])))
        out = []
        for t_s, side, state in self._log:
            owner = next((o for h, o in owners if h.start_s - _EPS_S <= t_s <= h.end_s + _EPS_S), side)
            out.append((t_s, owner, state))
        return out
