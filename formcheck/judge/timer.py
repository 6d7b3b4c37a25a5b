"""The form-gated hold timer: a per-frame state machine driven by timestamps, never frame counts.

Each frame is classified (valid / fault / not in position / cannot see) by the exercise rules; the
timer turns that sequence into held seconds:

* The time between two frames belongs to the state of the earlier one (the state that was true
  until the new observation), so the timer is causal and works live.
* A **hold** is a run of valid frames. Gaps of non-valid frames no longer than ``grace_s`` are
  bridged (a one-frame flicker does not break a hold); a fault gap bridged this way is credited,
  a cannot-see gap never is.
* A gap longer than ``grace_s`` ends the hold at the moment the gap began: the grace seconds are
  not credited.
* A hold counts only once it has lasted ``entry_delay_s``; then it is credited from its start
  (settling into position for a moment is not a hold).
* An interval between frames longer than ``max_frame_gap_s`` (a stalled camera, dropped frames)
  counts as cannot-see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

# Frame times are sums of floats (0.1 + 0.2 ...); comparisons against configured seconds allow
# for that rounding rather than letting it decide a frame.
_EPS_S = 1e-6


class FrameState(str, Enum):
    VALID = "valid"
    FAULT = "fault"
    NOT_IN_POSITION = "not_in_position"
    CANNOT_SEE = "cannot_see"
    # Another person's hands on the exerciser: never credited, like cannot-see, whatever the form.
    ASSISTED = "assisted"


class Phase(str, Enum):
    """What the timer is doing at a frame, for display: ``waiting`` (no hold), ``settling`` (valid,
    entry delay not yet reached), ``holding`` (counting), ``paused`` (form broke, within grace)."""

    WAITING = "waiting"
    SETTLING = "settling"
    HOLDING = "holding"
    PAUSED = "paused"


@dataclass(frozen=True)
class TimerConfig:
    entry_delay_s: float = 0.5
    grace_s: float = 0.3
    max_frame_gap_s: float = 1.0
    target_s: float | None = None

    def __post_init__(self) -> None:
        for name in ("entry_delay_s", "grace_s", "max_frame_gap_s"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"TimerConfig.{name} must be >= 0 seconds, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Snapshot:
    """The timer after one frame. ``valid_s`` counts credited seconds so far (a live display shows
    it); ``hold_s`` is the current hold's credited seconds (0 when not holding)."""

    t_s: float
    state: FrameState
    phase: Phase
    valid_s: float
    hold_s: float
    longest_hold_s: float
    breaks: int


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class HoldSummary:
    valid_s: float
    longest_hold_s: float
    breaks: int
    holds: tuple[Span, ...]
    time_to_target_s: float | None


@dataclass
class _Hold:
    start_s: float
    credited_s: float = 0.0      # valid time plus bridged fault time
    valid_end_s: float = 0.0     # end of the last valid interval
    gap_start_s: float | None = None
    gap_fault_s: float = 0.0     # fault time inside the current gap, credited if the gap is bridged


@dataclass
class HoldTimer:
    """``timer.update(t_s, state) -> Snapshot`` per frame, then ``timer.finish(end_s) -> HoldSummary``."""

    config: TimerConfig = field(default_factory=TimerConfig)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._prev: tuple[float, FrameState] | None = None
        self._hold: _Hold | None = None
        self._holds: list[tuple[Span, float]] = []  # counted holds: span and credited seconds
        self._banked_s = 0.0
        self._time_to_target_s: float | None = None

    # -- time attribution -------------------------------------------------------------------
    def _credit_interval(self, start_s: float, end_s: float, state: FrameState) -> None:
        if end_s - start_s > self.config.max_frame_gap_s:
            state = FrameState.CANNOT_SEE
        hold = self._hold
        if state is FrameState.VALID:
            if hold is None:
                self._hold = hold = _Hold(start_s)
            elif hold.gap_start_s is not None:  # the gap closed within grace: bridge it
                hold.credited_s += hold.gap_fault_s
                hold.gap_start_s, hold.gap_fault_s = None, 0.0
            hold.credited_s += end_s - start_s
            hold.valid_end_s = end_s
            self._note_target(end_s)
        elif hold is not None:
            if hold.gap_start_s is None:
                hold.gap_start_s = start_s
            if state is FrameState.FAULT:
                hold.gap_fault_s += end_s - start_s

    def _confirmed(self, hold: _Hold) -> bool:
        return hold.credited_s >= self.config.entry_delay_s - _EPS_S

    def _close_if_gap_too_long(self, now_s: float) -> None:
        hold = self._hold
        if hold is not None and hold.gap_start_s is not None \
                and now_s - hold.gap_start_s > self.config.grace_s + _EPS_S:
            self._end_hold()

    def _end_hold(self) -> None:
        hold = self._hold
        self._hold = None
        if hold is None or not self._confirmed(hold):
            return
        self._holds.append((Span(hold.start_s, hold.valid_end_s), hold.credited_s))
        self._banked_s += hold.credited_s

    def _note_target(self, t_s: float) -> None:
        target = self.config.target_s
        if target is None or self._time_to_target_s is not None:
            return
        hold = self._hold
        if hold is not None and self._confirmed(hold) \
                and self._banked_s + hold.credited_s >= target:
            # Interpolate inside the interval that crossed the target.
            self._time_to_target_s = t_s - (self._banked_s + hold.credited_s - target)

    # -- public -----------------------------------------------------------------------------
    def update(self, t_s: float, state: FrameState) -> Snapshot:
        state = FrameState(state)
        if self._prev is not None:
            prev_t, prev_state = self._prev
            if t_s < prev_t:
                raise ValueError(f"frame times must not go back: {t_s} after {prev_t}")
            self._credit_interval(prev_t, t_s, prev_state)
            self._close_if_gap_too_long(t_s)
        self._prev = (t_s, state)
        return self._snapshot(t_s, state)

    def _snapshot(self, t_s: float, state: FrameState) -> Snapshot:
        hold = self._hold
        confirmed = hold is not None and self._confirmed(hold)
        hold_s = hold.credited_s if confirmed else 0.0
        if hold is None or not confirmed:
            phase = Phase.SETTLING if state is FrameState.VALID else Phase.WAITING
        else:
            phase = Phase.HOLDING if state is FrameState.VALID else Phase.PAUSED
        holds = len(self._holds) + (1 if confirmed else 0)
        longest = max([c for _, c in self._holds] + [hold_s])
        return Snapshot(t_s, state, phase, self._banked_s + hold_s, hold_s, longest, max(0, holds - 1))

    def finish(self, end_s: float | None = None) -> HoldSummary:
        """Close the session at ``end_s`` (default: the last frame's time) and summarize it."""
        if self._prev is not None:
            prev_t, prev_state = self._prev
            end_s = prev_t if end_s is None else max(end_s, prev_t)
            self._credit_interval(prev_t, end_s, prev_state)
            self._prev = (end_s, FrameState.CANNOT_SEE)
        self._end_hold()
        spans = tuple(span for span, _ in self._holds)
        credited = [c for _, c in self._holds]
        return HoldSummary(
            valid_s=self._banked_s,
            longest_hold_s=max(credited, default=0.0),
            breaks=max(0, len(credited) - 1),
            holds=spans,
            time_to_target_s=self._time_to_target_s,
        )


def fault_spans(times_s: Sequence[float], failing: Sequence[Iterable[str]], end_s: float,
                min_gap_s: float = 0.3, min_duration_s: float = 0.3) -> dict[str, list[Span]]:
    """Time spans in which each check failed.

    A frame's failure lasts until the next frame (``end_s`` for the last). Spans closer than
    ``min_gap_s`` merge, and spans no longer than ``min_duration_s`` (a flicker) are dropped —
    the same tolerance the timer's grace period gives.
    """
    runs: dict[str, list[list[float]]] = {}
    bounds = list(times_s[1:]) + [end_s]
    for t, t_next, ids in zip(times_s, bounds, failing):
        for check_id in ids:
            spans = runs.setdefault(check_id, [])
            if spans and t - spans[-1][1] <= min_gap_s:
                spans[-1][1] = t_next
            else:
                spans.append([t, t_next])
    return {cid: [Span(a, b) for a, b in spans if b - a > min_duration_s] for cid, spans in runs.items()}
