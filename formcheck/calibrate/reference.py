"""Personal thresholds from a reference hold: the person holds the position the way the therapist
wants it for a few seconds; every check's value over the steady part of that hold becomes the
centre of their limits.

Steady part: frames in position whose check values barely move (within ``STEADY_RANGE`` over a
1 s window — getting into and out of the position moves them a lot), the longest run of them, less
``TRIM_S`` at both ends. Limits: the 5th/95th percentile of the steady values widened by
``MARGIN`` (per unit), then clipped to the exercise's safety bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.calibrate.measure import Measured, check_thresholds
from formcheck.errors import FormcheckError
from formcheck.judge.exercises import Exercise

MIN_STEADY_S = 3.0
TRIM_S = 0.5
WINDOW_S = 1.0
BRIDGE_S = 0.3  # a shorter break in the run (a dropped frame, a flicker) does not split the hold
# How much a check value may move within WINDOW_S and still count as holding still. MediaPipe
# jitter on a still person is ~1-2° / ~0.01 body lengths; entering a position moves tens of degrees.
STEADY_RANGE = {"deg": 6.0, "body": 0.04}
# How far beyond the person's own 5th/95th percentile the limit goes: enough for the jitter of a
# fresh recording of the same hold, small next to the faults (a pike moves the hip ~0.2 body lengths).
MARGIN = {"deg": 5.0, "body": 0.03}
MIN_VISIBLE = 0.5


class ReferenceError(FormcheckError):
    """The reference clip cannot be used to calibrate (too short, body not visible, wrong view...)."""


@dataclass(frozen=True)
class Proposal:
    threshold: str
    check: str
    side: str  # "min" or "max"
    unit: str
    current: float  # the value in force before (default file or profile)
    proposed: float  # percentile +- margin, before clipping
    value: float  # what is written: proposed, clipped to the safety bounds
    bounds: tuple[float, float]
    median: float
    mad: float
    p5: float
    p95: float
    n: int

    @property
    def clipped(self) -> bool:
        return self.value != self.proposed

    def clip_note(self) -> str | None:
        return f"{self.threshold} {self.proposed:.3g} clipped to safety bound {self.value:g}" if self.clipped else None


@dataclass(frozen=True)
class ReferenceResult:
    start_s: float
    end_s: float
    proposals: list[Proposal]
    skipped: dict[str, str]  # threshold -> why it was not calibrated

    @property
    def steady_s(self) -> float:
        return self.end_s - self.start_s


def _rolling_range(t: np.ndarray, v: np.ndarray, window_s: float) -> np.ndarray:
    """max - min of the finite values within ±window_s/2 of each frame (NaN where none)."""
    out = np.full(v.shape, np.nan)
    lo = np.searchsorted(t, t - window_s / 2, side="left")
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    for i, (a, b) in enumerate(zip(lo, hi)):
        w = v[a:b]
        w = w[np.isfinite(w)]
        if w.size:
            out[i] = w.max() - w.min()
    return out


def steady_mask(m: Measured, exercise: Exercise) -> np.ndarray:
    """Frames in position whose every measured check value is still (see module doc)."""
    units = {c.id: c.unit for c in exercise.checks}
    mask = m.in_position.copy()
    for cid, v in m.values.items():
        tol = STEADY_RANGE.get(units[cid], STEADY_RANGE["body"])
        r = _rolling_range(m.t_s, v, WINDOW_S)
        mask &= ~(np.isfinite(r) & (r > tol))  # a check that cannot see is judged by the others
    return mask


def longest_run(t: np.ndarray, mask: np.ndarray, bridge_s: float = BRIDGE_S) -> tuple[int, int] | None:
    """``(first, last)`` frame indices of the longest stretch of ``mask`` (in seconds), bridging
    breaks shorter than ``bridge_s``."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return None
    runs, start = [], idx[0]
    for prev, cur in zip(idx[:-1], idx[1:]):
        if t[cur] - t[prev] > bridge_s:
            runs.append((start, prev))
            start = cur
    runs.append((start, idx[-1]))
    return max(runs, key=lambda r: t[r[1]] - t[r[0]])


def _refuse_reason(m: Measured, exercise: Exercise, steady_s: float) -> str:
    """Why no usable hold was found, most basic problem first."""
    n = max(len(m), 1)
    if m.detected.sum() / n < MIN_VISIBLE:
        return (f"the body is not visible: a person was found in only {m.detected.sum() / n:.0%} of the frames "
                f"(put the whole body in view, with light on it)")
    if m.view_ok.sum() / max(m.detected.sum(), 1) < MIN_VISIBLE:
        cue = f" ({m.view_cue})" if m.view_cue else ""
        return (f"wrong camera view: {exercise.name} needs a {exercise.view} view, and the view could be judged "
                f"in only {m.view_ok.sum() / max(m.detected.sum(), 1):.0%} of the frames{cue}")
    if m.seconds(m.in_position) < MIN_STEADY_S:
        return (f"not in the exercise: in position for only {m.seconds(m.in_position):.1f} s "
                f"(\"{m.entry_cue}\")")
    return (f"reference too short: the longest steady hold is {steady_s:.1f} s after trimming {TRIM_S:g} s at both "
            f"ends; hold still in position for at least {MIN_STEADY_S + 2 * TRIM_S:g} s")


def find_steady(m: Measured, exercise: Exercise) -> tuple[int, int]:
    """First and last frame of the steady part, or :class:`ReferenceError` saying why there is none."""
    run = longest_run(m.t_s, steady_mask(m, exercise))
    steady_s, bounds = 0.0, None
    if run is not None:
        a, b = run
        t0, t1 = m.t_s[a] + TRIM_S, m.t_s[b] - TRIM_S
        steady_s = max(0.0, t1 - t0)
        if steady_s >= MIN_STEADY_S:
            bounds = (int(np.searchsorted(m.t_s, t0)), int(np.searchsorted(m.t_s, t1, side="right")) - 1)
    if bounds is None:
        raise ReferenceError(f"{m.source}: cannot calibrate from this reference: "
                             f"{_refuse_reason(m, exercise, steady_s)}")
    return bounds


def propose(values: np.ndarray, side: str, unit: str) -> tuple[float, dict[str, float]]:
    """The limit for one threshold from the steady values, and the statistics it came from."""
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    stats = {"median": float(p50), "mad": float(np.median(np.abs(values - p50))), "p5": float(p5), "p95": float(p95)}
    margin = MARGIN.get(unit, MARGIN["body"])
    return (float(p95 + margin) if side == "max" else float(p5 - margin)), stats


def propose_from_reference(m: Measured, exercise: Exercise) -> ReferenceResult:
    """Personal limits for every check measured during the steady hold of ``m``."""
    a, b = find_steady(m, exercise)
    proposals, skipped = [], {}
    for cid, side, t in check_thresholds(exercise):
        v = m.values[cid][a:b + 1]
        v = v[np.isfinite(v)]
        if v.size < 0.5 * (b + 1 - a):
            skipped[t.name] = f"check {cid} could not be measured in most of the steady hold"
            continue
        proposed, stats = propose(v, side, t.unit)
        lo, hi = t.bounds
        proposals.append(Proposal(threshold=t.name, check=cid, side=side, unit=t.unit, current=t.value,
                                  proposed=proposed, value=float(min(max(proposed, lo), hi)), bounds=t.bounds,
                                  n=int(v.size), **stats))
    if not proposals:
        raise ReferenceError(f"{m.source}: cannot calibrate from this reference: no check could be measured "
                             f"in the steady hold ({'; '.join(skipped.values())})")
    return ReferenceResult(start_s=float(m.t_s[a]), end_s=float(m.t_s[b]), proposals=proposals, skipped=skipped)
