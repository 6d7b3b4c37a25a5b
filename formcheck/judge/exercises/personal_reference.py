"""The person's own reference for checks (and rep-phase conditions) declared ``relative_to`` a rep phase.

Some readings depend on the body and the camera more than on form: on the labelled squat clips the
heel landmark reads 0.3-0.6 foot lengths above the toe while the person stands flat-footed, which a
fixed limit cannot tell from a heel raise. Such a check is judged as its change from what it read
while the person was last in the named phase (standing between squats), so it starts judging once
that phase has been seen (until then it is left out of the frame's results, so it neither passes,
fails nor makes the frame unseen), and it follows the person through the session (live as on a
recording).
"""

from __future__ import annotations

import statistics
from collections import deque

from formcheck.judge.exercises.evaluation import Evaluation

REFERENCE_WINDOW_S = 3.0  # the latest seconds in the phase make the reference
MIN_SAMPLES = 3           # frames in the phase before a reference is trusted (a quarter second at 12 fps)
# A rep-phase condition's reference can put its own phase out of reach: judged from where the knees
# rested before, a person who settles with them further apart, or turns to the other side, is never
# "closed" again, and the reference is only learned while closed. So one not refreshed for this long
# is dropped, and the phase's absolute limits alone decide until the phase is seen again. Longer than
# a rep's time away from its first phase (a clamshell's opening and hold, 2-4 s on the real clips).
PHASE_REFERENCE_STALE_S = 5.0


class PhaseReferences:
    """``update(t_s, evaluation)`` learns from each judged frame; ``current()`` gives the reference of
    each relative check (median of its latest readings in its phase), for the next frame's context."""

    def __init__(self, phase_by_check: dict[str, str], expiring: frozenset[str] = frozenset()) -> None:
        self._phase_by_check = dict(phase_by_check)
        self._samples: dict[str, deque[tuple[float, float]]] = {cid: deque() for cid in phase_by_check}
        self._expiring = expiring  # ids of rep-phase conditions (PHASE_REFERENCE_STALE_S)
        self._now_s: float | None = None

    @classmethod
    def for_exercise(cls, exercise) -> PhaseReferences | None:
        """The tracker ``exercise`` needs, or ``None`` when none of its checks is relative."""
        phases = {c.id: c.spec.relative_to for c in exercise.checks if c.spec.relative_to}
        conditions = {c.id: c.relative_to for phase in (exercise.reps.phases if exercise.reps else ())
                      for c in phase.conditions if c.relative_to and c.id}
        phases.update(conditions)
        return cls(phases, frozenset(conditions)) if phases else None

    def current(self) -> dict[str, float]:
        out = {}
        for cid, q in self._samples.items():
            if len(q) < MIN_SAMPLES:
                continue
            if cid in self._expiring and self._now_s is not None and q[-1][0] < self._now_s - PHASE_REFERENCE_STALE_S:
                continue
            out[cid] = statistics.median(v for _, v in q)
        return out

    def update(self, t_s: float, evaluation: Evaluation) -> None:
        self._now_s = t_s
        readings = [(r.id, r.measured) for r in evaluation.results] + list(evaluation.unreferenced) \
            + list(evaluation.phase_readings)
        for check_id, measured in readings:
            phase = self._phase_by_check.get(check_id)
            if phase is None or evaluation.phase != phase or measured is None:
                continue
            samples = self._samples[check_id]
            samples.append((t_s, measured))
            # Old readings go only once enough new ones replace them, so a long time away from the
            # phase keeps the last reference rather than restarting from one frame.
            while len(samples) > MIN_SAMPLES and samples[0][0] < t_s - REFERENCE_WINDOW_S:
                samples.popleft()
