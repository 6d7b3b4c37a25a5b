"""One evaluator per check kind, registered in :data:`EVALUATORS`.

An exercise's conditions are compiled once per side into :class:`CompiledCondition` (landmark
names resolved to indices, threshold names to numbers) so that per-frame evaluation is a handful of
float operations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from formcheck.judge.exercises.conditions import Condition, LeftRight, LineDistance, Offset, WallGap
from formcheck.judge.exercises.landmark_refs import Side, opposite, resolve
from formcheck.pose import geometry
from formcheck.pose.landmarks import Landmark

# Each body length is the 2D distance between two landmarks of the evaluated side.
BODY_LENGTHS: Mapping[str, tuple[str, str]] = {
    "shin": ("knee", "ankle"),
    "thigh": ("hip", "knee"),
    "leg": ("hip", "ankle"),
    "torso": ("shoulder", "hip"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
    "foot": ("heel", "foot_index"),
    "shoulder_width": ("left_shoulder", "right_shoulder"),
    "hip_width": ("left_hip", "right_hip"),
    # The whole body line of a plank or bridge: less changed by a bent hip or a foreshortened torso
    # than the torso alone.
    "shoulder_to_ankle": ("shoulder", "ankle"),
}

# A body length shorter than this many pixels is a degenerate detection, not a measurement.
_MIN_LENGTH_PX = 2.0


@dataclass(frozen=True)
class CannotSee:
    """Why a value could not be measured (missing landmarks, no wall line, ...)."""

    reason: str


@dataclass(frozen=True)
class Scene:
    """What one frame offers the evaluators: pixel points, which are missing, and context."""

    points: list[list[float]]  # (33, 2) pixels
    missing: list[bool]
    forward_sign: float | None  # +1 when the exercise's forward segment points right in the image
    wall_line: tuple[tuple[float, float], tuple[float, float]] | None  # pixels
    speeds: list[float] | None = None  # per landmark, pixels per second; None = no motion stage
    wall_gaps: Mapping[str, float | None] | None = None  # torso lengths by part, from the wall stage
    # (33, 2) pixels: the model's unsure position of landmarks the gate removed (NaN elsewhere);
    # None when the frame carries none. Read only for other_hidden = "unsure" (conditions.LeftRight).
    unsure_points: list[list[float]] | None = None
    # Per landmark: missing because it lies outside the picture (past the gate's margin, or unsure
    # and outside the image), not because the model is unsure of it inside. None when not needed
    # (read only by rep-phase conditions declared met_if_unseen).
    off_picture: list[bool] | None = None


@dataclass(frozen=True)
class CompiledCondition:
    spec: Condition
    side: Side
    landmarks: tuple[Landmark, ...]  # the landmarks the kind reads, in the kind's order
    per: tuple[Landmark, Landmark] | None
    lo: float
    hi: float

    @property
    def covers(self) -> tuple[Landmark, ...]:
        """Every landmark the condition reads, body length included (for visibility and drawing)."""
        extra = self.per if self.per else ()
        return tuple(dict.fromkeys(self.landmarks + extra))

    def passes(self, value: float) -> bool:
        return self.lo <= value <= self.hi


def compile_condition(spec: Condition, side: Side, thresholds: Mapping[str, float]) -> CompiledCondition:
    if isinstance(spec, LineDistance):
        refs = (spec.point, *spec.line)
    elif isinstance(spec, LeftRight):
        refs = spec.points + tuple(f"other_{p}" for p in spec.points)
    elif isinstance(spec, WallGap):
        refs = spec.refs()
    else:
        refs = spec.points
    per_name = getattr(spec, "per", None)
    per = tuple(resolve(r, side) for r in BODY_LENGTHS[per_name]) if per_name else None
    return CompiledCondition(
        spec=spec,
        side=side,
        landmarks=tuple(resolve(r, side) for r in refs),
        per=per,  # type: ignore[arg-type]
        lo=thresholds[spec.min] if spec.min is not None else -math.inf,
        hi=thresholds[spec.max] if spec.max is not None else math.inf,
    )


def _missing(scene: Scene, landmarks) -> CannotSee | None:
    gone = [lm.name for lm in landmarks if scene.missing[lm]]
    return CannotSee(f"cannot see {', '.join(gone)}") if gone else None


def _length(scene: Scene, c: CompiledCondition) -> float | CannotSee:
    assert c.per is not None
    a, b = c.per
    length = geometry.distance_px(scene.points[a], scene.points[b])
    if length < _MIN_LENGTH_PX:
        return CannotSee(f"{c.spec.per} length is too short to measure")  # type: ignore[union-attr]
    return length


def joint_angle(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    a, b, d = (scene.points[i] for i in c.landmarks)
    value = geometry.joint_angle_deg(a, b, d)
    return CannotSee("landmarks coincide") if value is None else value


def segment_angle(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    a, b = (scene.points[i] for i in c.landmarks)
    fn = (geometry.segment_angle_to_vertical_deg if c.spec.reference == "vertical"  # type: ignore[union-attr]
          else geometry.segment_angle_to_horizontal_deg)
    value = fn(a, b)
    return CannotSee("landmarks coincide") if value is None else value


def offset(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    spec: Offset = c.spec  # type: ignore[assignment]
    a, b = (scene.points[i] for i in c.landmarks)
    length = _length(scene, c)
    if isinstance(length, CannotSee):
        return length
    if spec.axis == "up":
        return (a[1] - b[1]) / length
    dx = (b[0] - a[0]) / length
    if spec.axis == "x":
        return dx
    if scene.forward_sign is None:
        return CannotSee("cannot tell which way the body faces")
    return dx * scene.forward_sign


def line_distance(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    p, a, b = (scene.points[i] for i in c.landmarks)
    length = _length(scene, c)
    if isinstance(length, CannotSee):
        return length
    d = geometry.signed_line_distance_px(p, a, b)
    return CannotSee("line landmarks coincide") if d is None else d / length


def left_right(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    spec: LeftRight = c.spec  # type: ignore[assignment]
    n = len(spec.points)
    here, there = c.landmarks[:n], c.landmarks[n:]
    if spec.measure == "joint_angle":
        v1 = geometry.joint_angle_deg(*(scene.points[i] for i in here))
        v2 = geometry.joint_angle_deg(*(scene.points[i] for i in there))
        if v1 is None or v2 is None:
            return CannotSee("landmarks coincide")
        return abs(v1 - v2)
    length = _length(scene, c)
    if isinstance(length, CannotSee):
        return length
    axis = 1 if spec.measure == "height" else 0
    return abs(scene.points[here[0]][axis] - scene.points[there[0]][axis]) / length


def wall(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    if scene.wall_line is None:
        return CannotSee("no wall line found")
    length = _length(scene, c)
    if isinstance(length, CannotSee):
        return length
    a, b = scene.wall_line
    worst = 0.0
    for i in c.landmarks:
        d = geometry.signed_line_distance_px(scene.points[i], a, b)
        if d is None:
            return CannotSee("wall line has no length")
        worst = max(worst, abs(d))
    return worst / length


def wall_gap(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    if scene.wall_line is None:
        return CannotSee("no wall line found")
    gap = (scene.wall_gaps or {}).get(c.spec.part)
    if gap is None:
        return CannotSee(f"the back's outline at the {c.spec.part} cannot be measured against the wall")
    return gap


def speed(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    if scene.speeds is None:
        return CannotSee("no motion information")
    length = _length(scene, c)
    if isinstance(length, CannotSee):
        return length
    speeds = [scene.speeds[i] for i in c.landmarks]
    if any(v != v for v in speeds):  # NaN: too early, or seen only now
        return CannotSee("movement not known yet")
    return max(speeds) / length


Evaluator = Callable[[CompiledCondition, Scene], "float | CannotSee"]
EVALUATORS: Mapping[str, Evaluator] = {
    "joint_angle": joint_angle,
    "segment_angle": segment_angle,
    "offset": offset,
    "line_distance": line_distance,
    "left_right": left_right,
    "wall": wall,
    "wall_gap": wall_gap,
    "speed": speed,
}


def measure(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    """The condition's value on ``scene``, or why it cannot be seen. Never a guess."""
    unseen = _missing(scene, c.covers)
    if unseen:
        if _only_far_side_hidden(c, scene):
            if c.spec.other_hidden == "level":  # type: ignore[union-attr]
                return 0.0
            if c.spec.other_hidden == "unsure":  # type: ignore[union-attr]
                return _measure_unsure_far_side(c, scene)
        return unseen
    return EVALUATORS[c.spec.kind](c, scene)


def _only_far_side_hidden(c: CompiledCondition, scene: Scene) -> bool:
    """A left/right check whose only missing landmarks are on the far side (``other_...``)."""
    spec = c.spec
    if not isinstance(spec, LeftRight):
        return False
    n = len(spec.points)
    near = c.landmarks[:n] + (c.per or ())
    far = c.landmarks[n:]
    return not any(scene.missing[i] for i in near) and any(scene.missing[i] for i in far)


def _measure_unsure_far_side(c: CompiledCondition, scene: Scene) -> float | CannotSee:
    """``other_hidden = "unsure"``: the check measured with the model's unsure positions standing in
    for the hidden far landmarks. Within limits it passes; past them, or with no position at all, it
    cannot see: an unsure position may confirm that the sides are alike, never prove a fault."""
    far = c.landmarks[len(c.spec.points):]  # type: ignore[union-attr]
    hidden = [lm for lm in far if scene.missing[lm]]
    names = ", ".join(lm.name for lm in hidden)
    if scene.unsure_points is None:
        return CannotSee(f"cannot see {names}")
    points, missing = list(scene.points), list(scene.missing)
    for lm in hidden:
        guess = scene.unsure_points[lm]
        if not (math.isfinite(guess[0]) and math.isfinite(guess[1])):  # outside the image, or not found
            return CannotSee(f"cannot see {names}")
        points[lm], missing[lm] = guess, False
    value = EVALUATORS[c.spec.kind](c, replace(scene, points=points, missing=missing))
    if isinstance(value, CannotSee) or c.passes(value):
        return value
    return CannotSee(f"{names} hidden; the model's unsure position for it reads {value:.3g} {c.spec.unit}, "
                     "past the limit")


__all__ = ["BODY_LENGTHS", "EVALUATORS", "CannotSee", "CompiledCondition", "Scene", "compile_condition",
           "measure", "opposite"]
