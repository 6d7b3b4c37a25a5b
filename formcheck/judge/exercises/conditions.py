"""What a check or condition measures: one model per kind, told apart by ``kind``.

A *check* judges form and speaks a cue when it fails; a *condition* (entry condition, rep phase) is
the same measurement without ``id`` and ``cue``, deciding whether the person is in position or in
which phase of a rep. ``min`` and ``max`` name thresholds declared by the exercise file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from formcheck.judge.exercises.file_fields import BodyLength, LandmarkRef, StrictModel, ThresholdName, Unit
from formcheck.judge.exercises.landmark_refs import is_generic


class _ConditionBase(StrictModel):
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
    # Rep-phase conditions only. A limb reaching its furthest often leaves the picture (a bird dog's
    # hand past the frame edge at the top of the reach): such a condition counts as met while its
    # hidden landmarks lie outside the picture (not while the model is unsure of them inside it), so
    # the rep's top is still found by the phase's other conditions, which must be seen (the file
    # needs at least one condition without it in each phase).
    met_if_unseen: bool = Field(default=False, description="rep phases only: met while its landmarks are "
                                "outside the picture")

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

