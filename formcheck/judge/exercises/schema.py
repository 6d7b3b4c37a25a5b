"""The validated model of exercise files (``poses/*.toml``) and calibration files (``calibration/*.toml``).

Pydantic does the type checking; :func:`format_validation_error` turns its report into a message
that names the file, the exercise, the field and what was expected, because the people editing
these files are physiotherapists and contributors, not the authors of the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from formcheck.judge.exercises.landmark_refs import Side, is_generic, validate_ref

LandmarkRef = Annotated[str, BeforeValidator(validate_ref)]
Unit = Literal["deg", "body", "body_per_s"]  # degrees, a ratio to a named body length, or that per second
BodyLength = Literal[
    "shin", "thigh", "leg", "torso", "upper_arm", "forearm", "foot", "shoulder_width", "hip_width",
    "shoulder_to_ankle",
]
ThresholdName = Annotated[str, Field(min_length=1, description="name of a threshold declared in [thresholds]")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ConditionBase(_Strict):
    """Fields shared by every check kind.

    A *condition* (entry condition, rep phase) is a check without ``id`` and ``cue``. ``min`` and
    ``max`` name thresholds; the measured value passes when ``min <= value <= max``.
    """

    id: str | None = None
    cue: str | None = None
    min: ThresholdName | None = None
    max: ThresholdName | None = None
    during: tuple[str, ...] = Field(default=(), description="rep phases in which the check applies")
    # A check whose reading depends on the person and the camera more than on their form (a heel
    # landmark sits higher on some feet and some clips than others) is judged as its change from
    # what it reads while the person is in this rep phase, e.g. standing between squats.
    relative_to: str | None = Field(default=None, description="a rep phase: judge the change from its reading there")
    # How far a rep goes (depth, height, reach): the body is in the top phase before it gets there and
    # again while it leaves, and that is the movement, not a fault. Such a check is judged once per
    # rep, passing if it passed at any moment of the rep's top; its failures never pause the timer.
    reach: bool = Field(default=False, description="judged once per rep: met if it passes at any moment of the top")

    @model_validator(mode="after")
    def _needs_a_limit(self):
        if self.min is None and self.max is None:
            raise ValueError("expected at least one of 'min' or 'max' (a threshold name), got neither")
        return self

    unit: Unit = "deg"  # overridden per kind; not read from files (see _no_unit_field)

    @model_validator(mode="before")
    @classmethod
    def _no_unit_field(cls, data: Any) -> Any:
        if isinstance(data, dict) and "unit" in data:
            raise ValueError("'unit' is implied by the check kind and must not be given")
        return data

    def threshold_names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.min, self.max) if n is not None)

    def refs(self) -> tuple[str, ...]:
        """Every landmark reference the check reads (for visibility and for colouring limbs)."""
        raise NotImplementedError


class JointAngle(_ConditionBase):
    """Angle at the middle of three landmarks, degrees (0..180)."""

    kind: Literal["joint_angle"]
    points: tuple[LandmarkRef, LandmarkRef, LandmarkRef]

    def refs(self) -> tuple[str, ...]:
        return self.points


class SegmentAngle(_ConditionBase):
    """Angle of the segment between two landmarks to the vertical or the horizontal, degrees (0..90)."""

    kind: Literal["segment_angle"]
    points: tuple[LandmarkRef, LandmarkRef]
    reference: Literal["vertical", "horizontal"]

    def refs(self) -> tuple[str, ...]:
        return self.points


class Offset(_ConditionBase):
    """Signed offset from ``points[0]`` to ``points[1]`` along an axis, over a body length.

    ``axis``: ``forward`` (the way the exercise's ``forward`` segment points, so it reads the same
    facing left or right), ``up`` (up the image), or ``x`` (to the right of the image).
    """

    kind: Literal["offset"]
    points: tuple[LandmarkRef, LandmarkRef]
    axis: Literal["forward", "up", "x"]
    per: BodyLength
    unit: Unit = "body"

    def refs(self) -> tuple[str, ...]:
        return self.points


class LineDistance(_ConditionBase):
    """Signed distance of ``point`` from the line through ``line``, over a body length.

    Positive when the point lies above the line in the image, negative below.
    """

    kind: Literal["line_distance"]
    point: LandmarkRef
    line: tuple[LandmarkRef, LandmarkRef]
    per: BodyLength
    unit: Unit = "body"

    def refs(self) -> tuple[str, ...]:
        return (self.point, *self.line)


class LeftRight(_ConditionBase):
    """Absolute left/right difference of a measure, taken on both sides of the body.

    ``measure``: ``joint_angle`` (three side-neutral points, degrees), ``height`` or ``x`` (one
    side-neutral point; difference of its vertical or horizontal position over ``per``).
    """

    kind: Literal["left_right"]
    measure: Literal["joint_angle", "height", "x"]
    points: tuple[LandmarkRef, ...] = Field(min_length=1, max_length=3)
    per: BodyLength | None = None
    # In a side view the far limb hides behind the near one exactly when the two are level, and a
    # lifted far leg comes into view (visibility 0.3-0.4 hidden, 0.8-0.9 lifted, on the real wall sit
    # clip). "level" reads a hidden far-side landmark as level with the near one (difference 0);
    # the default, "cannot_see", makes the check unjudgeable while it is hidden. A far leg can also
    # hide while lifted (behind the near thigh, visibility 0.25-0.4 on that clip), so "level" cannot
    # tell it from a planted one. "unsure" measures with the model's own unsure positions for the
    # hidden far landmarks (PoseFrame.unsure_xy_norm): the check passes when they are within its
    # limits and cannot see otherwise, or when there is no such position. An unsure position never
    # fails a check: it is not evidence enough of a fault, only of whether "alike" can be believed.
    other_hidden: Literal["cannot_see", "level", "unsure"] = "cannot_see"
    # Judge only while a far-side landmark is hidden; with both sides seen the check is left out, as
    # a check outside its ``during`` phases is. For a measure that a seen far limb reads unlike the
    # near one from an oblique camera (hip angles differ by 18-21 degrees in a three-quarter view
    # with both feet down), while another check judges the seen limb.
    only_when_other_hidden: bool = False

    @model_validator(mode="after")
    def _shape(self):
        wanted = 3 if self.measure == "joint_angle" else 1
        if len(self.points) != wanted:
            raise ValueError(f"measure {self.measure!r} expects {wanted} point(s), got {len(self.points)}")
        fixed = [p for p in self.points if not is_generic(p) or p.startswith("other_")]
        if fixed:
            raise ValueError(f"left_right points must be side-neutral names such as 'knee', got {fixed}")
        if self.measure != "joint_angle" and self.per is None:
            raise ValueError(f"measure {self.measure!r} expects 'per' (a body length), got none")
        if self.only_when_other_hidden and self.other_hidden != "unsure":
            raise ValueError("only_when_other_hidden needs other_hidden = 'unsure' (something to judge the hidden "
                             f"side by), got {self.other_hidden!r}")
        object.__setattr__(self, "unit", "deg" if self.measure == "joint_angle" else "body")
        return self

    def refs(self) -> tuple[str, ...]:
        return self.points + tuple(f"other_{p}" for p in self.points)


class Wall(_ConditionBase):
    """Largest distance of ``points`` (joint centres along the back) from the wall line, over a body length.

    The wall line comes from the evaluation context; without one the check cannot see.
    """

    kind: Literal["wall"]
    points: tuple[LandmarkRef, ...] = Field(min_length=1)
    per: BodyLength
    unit: Unit = "body"

    def refs(self) -> tuple[str, ...]:
        return self.points


class WallGap(_ConditionBase):
    """Gap between the back's outline and the wall line at one height, in torso lengths (positive =
    the back is off the wall), measured from the person's silhouette by the wall stage
    (:mod:`formcheck.pose.wall`): ``part`` is ``lumbar`` (the largest gap between the shoulder blades and
    the sacrum), ``shoulder`` or ``hip``. Landmarks alone cannot see the lower back, so without a wall
    line or a silhouette the check cannot see.
    """

    kind: Literal["wall_gap"]
    part: Literal["lumbar", "shoulder", "hip"]
    unit: Unit = "body"

    def refs(self) -> tuple[str, ...]:
        return ("shoulder", "hip")


class Speed(_ConditionBase):
    """Fastest movement of ``points`` over the motion window, in body lengths (``per``) per second.

    Needs a motion stage (:class:`formcheck.judge.motion.MotionTracker`, run by the scorer); where the
    caller runs none (single images) the condition is not applied. Typical use: an entry condition
    that the body is settled, so that getting into or out of a position is not taken as holding it.
    """

    kind: Literal["speed"]
    points: tuple[LandmarkRef, ...] = Field(min_length=1)
    per: BodyLength
    unit: Unit = "body_per_s"

    def refs(self) -> tuple[str, ...]:
        return self.points


Condition = Annotated[
    JointAngle | SegmentAngle | Offset | LineDistance | LeftRight | Wall | WallGap | Speed, Field(discriminator="kind")
]
CHECK_KINDS: tuple[str, ...] = ("joint_angle", "segment_angle", "offset", "line_distance", "left_right", "wall",
                                "wall_gap", "speed")


class ThresholdDecl(_Strict):
    """A threshold an exercise uses: its unit, its safety bounds and what it means."""

    unit: Unit
    bounds: tuple[float, float] = Field(description="[lowest, highest] value a calibration may set")
    about: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self):
        if self.bounds[0] > self.bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low <= high, got {list(self.bounds)}")
        return self


class ViewSpec(_Strict):
    """The camera view the exercise needs, and the threshold on the body's width that tells views apart."""

    kind: Literal["side", "front"]
    width_ratio: ThresholdName = Field(
        description="threshold on (shoulder and hip width) / torso length: a maximum for side views, "
        "a minimum for front views"
    )
    cue: str | None = None


class EntrySpec(_Strict):
    cue: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)


class HoldSpec(_Strict):
    min_s: float = Field(gt=0)
    max_s: float = Field(gt=0)
    # How long good form must last before the timer starts counting (settling in is not a hold),
    # and how long a break may last and still be a flicker rather than a fault (seconds).
    entry_delay_s: float = Field(default=0.5, ge=0, le=10)
    grace_s: float = Field(default=0.5, ge=0, le=5)

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_s > self.max_s:
            raise ValueError(f"min_s must not be above max_s, got min_s={self.min_s} > max_s={self.max_s}")
        return self


class PhaseSpec(_Strict):
    name: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)


class RepSpec(_Strict):
    """A repetition: the phases in the order one rep passes through them, e.g. down -> up."""

    min_count: int = Field(gt=0)
    max_count: int = Field(gt=0)
    hold_s: float = Field(default=0.0, ge=0, description="seconds to hold the last phase of each rep")
    # A rep's bottom or top can last well under the hold timer's 0.5 s grace (a brisk squat spends
    # 0.3-0.45 s at the bottom), so a rep has its own, shorter bar between a flicker and a fault.
    fault_min_s: float = Field(default=0.25, gt=0, description="seconds a check must fail at a time to fault a rep")
    phases: tuple[PhaseSpec, ...] = Field(min_length=2)
    # "return": the phases in order and back to the first (down -> up -> down). "alternate": two
    # phases flowing into each other with no rest (cat-cow), a rep being one visit to each.
    order: Literal["return", "alternate"] = "return"

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_count > self.max_count:
            raise ValueError(f"min_count must not be above max_count, got {self.min_count} > {self.max_count}")
        if self.order == "alternate" and len(self.phases) != 2:
            raise ValueError(f"order 'alternate' needs exactly two phases, got {len(self.phases)}")
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ValueError(f"phase names must be unique, got {names}")
        return self


class ExerciseFile(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    setup: str = Field(min_length=1)
    view: ViewSpec
    sides: tuple[Side, ...] = Field(default=(), description="one-sided variants, e.g. ['left', 'right']")
    required_landmarks: tuple[LandmarkRef, ...] = Field(min_length=1)
    forward: tuple[LandmarkRef, LandmarkRef] | None = None
    entry: EntrySpec
    checks: tuple[Condition, ...] = Field(min_length=1)
    hold: HoldSpec | None = None
    reps: RepSpec | None = None
    thresholds: dict[str, ThresholdDecl]

    @model_validator(mode="after")
    def _consistent(self):
        if (self.hold is None) == (self.reps is None):
            raise ValueError("expected exactly one of [hold] or [reps], got "
                             + ("both" if self.hold else "neither"))
        ids = []
        for i, check in enumerate(self.checks):
            absent = [f for f in ("id", "cue") if not getattr(check, f)]
            if absent:
                raise ValueError(f"checks[{i}] (id {check.id!r}): missing {' and '.join(absent)} "
                                 "(every check needs an 'id' and a spoken 'cue')")
            ids.append(check.id)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"check ids must be unique, got duplicates {dupes}")
        phases = {p.name for p in self.reps.phases} if self.reps else set()
        for check in self.checks:
            unknown = set(check.during) - phases
            if unknown:
                raise ValueError(f"check {check.id!r}: 'during' names unknown phases {sorted(unknown)}; "
                                 f"expected some of {sorted(phases) or 'none (this exercise has no reps)'}")
        for check in self.checks:
            if check.relative_to is not None and check.relative_to not in phases:
                raise ValueError(f"check {check.id!r}: 'relative_to' names unknown phase {check.relative_to!r}; "
                                 f"expected one of {sorted(phases) or 'none (this exercise has no reps)'}")
        top = self.reps.phases[-1].name if self.reps and self.reps.order == "return" else None
        for check in self.checks:
            if not check.reach:
                continue
            if top is None:
                got = "order 'alternate'" if self.reps else "no [reps]"
                raise ValueError(f"check {check.id!r}: 'reach' needs [reps] whose phases return to the first "
                                 f"(order 'return'), got {got}")
            if tuple(check.during) != (top,):
                raise ValueError(f"check {check.id!r}: 'reach' is for a check judged at the top of a rep, so it "
                                 f"needs during = [{top!r}] (the last phase), got during = {list(check.during)}")
        for where, cond in self._plain_conditions():
            if cond.reach:
                raise ValueError(f"{where}: 'reach' is for checks only (a condition is not judged per rep), "
                                 "got reach = true")
            if cond.relative_to is not None:
                raise ValueError(f"{where}: 'relative_to' is for checks only (a condition needs no reference), "
                                 f"got relative_to = {cond.relative_to!r}")
        self._check_threshold_refs()
        needs_forward = any(
getattr(c, "axis", None) == "forward" for c in self.all_conditions()
        )
        if needs_forward and self.forward is None:
            raise ValueError("a check measures 'forward', so the exercise needs forward = [from, to]")
        return self

    def _plain_conditions(self):
        """(where, condition) for entry conditions and rep-phase conditions (not checks)."""
        for i, cond in enumerate(self.entry.conditions):
            yield f"entry.conditions[{i}]", cond
        for phase in self.reps.phases if self.reps else ():
            for i, cond in enumerate(phase.conditions):
                yield f"reps.phases {phase.name!r} conditions[{i}]", cond

    def all_conditions(self):
        yield from self.entry.conditions
        yield from self.checks
        if self.reps:
            for phase in self.reps.phases:
                yield from phase.conditions

    def _check_threshold_refs(self) -> None:
        declared = self.thresholds
        view_t = declared.get(self.view.width_ratio)
        if view_t is None:
            raise ValueError(f"view.width_ratio names threshold {self.view.width_ratio!r}, which is not "
                             f"declared in [thresholds] (declared: {sorted(declared)})")
        if view_t.unit != "body":
            raise ValueError(f"threshold {self.view.width_ratio!r} is a width ratio: expected unit 'body', "
                             f"got {view_t.unit!r}")
        for cond in self.all_conditions():
            where = f"check {cond.id!r}" if cond.id else f"{cond.kind} condition"
            for name in cond.threshold_names():
                decl = declared.get(name)
                if decl is None:
                    raise ValueError(f"{where} uses threshold {name!r}, which is not declared in "
                                     f"[thresholds] (declared: {sorted(declared)})")
                if decl.unit != cond.unit:
                    raise ValueError(f"{where} measures in {cond.unit!r} but threshold {name!r} is "
                                     f"declared in {decl.unit!r}")


class CalibrationValue(_Strict):
    value: float = Field(strict=True, description="a number")
    source: str = Field(min_length=1, description="where the number came from")


class CalibrationFile(_Strict):
    exercise: str
    version: int | None = Field(default=None, ge=1, description="bumped whenever a value changes")
    about: str | None = Field(default=None, description="who or what the calibration is for, how it was made")
    thresholds: dict[str, CalibrationValue]


def _describe_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """``('checks', 2, 'joint_angle', 'points', 0)`` -> ``checks[2] (id 'knee_angle').points[0]``."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, (list, tuple)) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                out += f" (id {node['id']!r})"
        elif part in CHECK_KINDS and not (isinstance(node, dict) and part in node):
            continue  # the discriminated union's tag, not a field of the file
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def format_validation_error(err: ValidationError, path: Path | str, what: str, raw: Any) -> str:
    """One line per problem: file, exercise, field, what was expected and what arrived."""
    lines = [f"{path}: invalid {what}:"]
    for e in err.errors(include_url=False):
        where = _describe_loc(tuple(e["loc"]), raw)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            lines.append(f"  field {where}: missing (this field is required)")
        elif e["type"] == "extra_forbidden":
            lines.append(f"  field {where}: not a known field (got {e['input']!r})")
        else:
            got = e.get("input")
            got_text = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"  field {where}: {msg}{got_text}")
    return "\n".join(lines)
