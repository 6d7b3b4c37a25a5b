"""The posture hint handed to the pose stage: the exercise's start posture, read from its entry rules.

The pose stage chooses the exerciser among several people (:mod:`formcheck.pose.litert.choose`) and
must not read exercises, so the engine reads the hint here and hands it down: an exercise whose
entry asks the trunk (shoulder to hip) to be near horizontal starts ``"lying"`` (plank, bridge, bird
dog, clamshell ...), near vertical ``"upright"`` (squat, wall sit). An exercise whose entry says
neither (a side plank's trunk is inclined) gives no hint.
"""

from __future__ import annotations

from formcheck.judge.exercises import Exercise

_TRUNK = {("shoulder", "hip"), ("hip", "shoulder")}
_POSTURE_OF_REFERENCE = {"horizontal": "lying", "vertical": "upright"}


def start_posture(exercise: Exercise) -> str | None:
    """``"lying"``, ``"upright"`` or ``None`` for ``exercise`` (see the module docstring)."""
    found = {_POSTURE_OF_REFERENCE[c.reference] for c in exercise.spec.entry.conditions
             if c.kind == "segment_angle" and tuple(c.points) in _TRUNK and getattr(c, "max", None) is not None}
    return found.pop() if len(found) == 1 else None
