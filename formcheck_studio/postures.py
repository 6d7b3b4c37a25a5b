"""Assessment postures: standing still, standing with a known asymmetry, single-leg stance.

They render through :func:`formcheck_studio.render_clip` like the exercises, but they are not
exercises of the library (nothing is held "in good form"), so they are kept out of
:data:`formcheck_studio.motions.EXERCISES`. Each asymmetry is a named fault of an exact size, so
the posture assessment can be tested against ground truth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

from formcheck_studio.mannequin import BodyDims, Pose, forward_kinematics
from formcheck_studio.plans import ExerciseSpec, Keys, MotionPlan, Params

# Sizes of the named asymmetries; tests read these.
SHOULDER_LOW_CM = 3.0      # the right shoulder this much lower than the left, by a trunk side bend
                           # ("right_shoulder_low")
PELVIS_SHIFT_CM = 4.0      # the pelvis (and trunk) this far to the body's right of the feet ("shift_right")
SWAY_AMPLITUDE_CM = 1.5    # single-leg stance: the pelvis swings this far either side, side to side
SWAY_PERIOD_S = 2.0
OVER_STANCE_FOOT = 1.0    # single-leg stance: pelvis centre moved this many hip half-widths toward the stance foot
# The lifted leg: knee up in front to hip height, a little out to the side. Lifted behind the
# standing leg (hip 45, knee 75) the foot was hidden from the front camera, and on 5 of 20 bodies the
# model read it as planted (seed 5: 0-4 cm against 11-18 cm true); hanging in front at a lower knee
# (hip 70) the foot's rise reads as nearness to the camera instead (seed 5: 3 cm against 25).
_LIFTED_HIP_FLEX_DEG = 90.0
_LIFTED_KNEE_DEG = 90.0
_LIFTED_HIP_ABD_DEG = 12.0


def side_bend_for_shoulder_drop_deg(d: BodyDims, drop_cm: float) -> float:
    """Spine side bend toward the right (the mannequin's ``spine_bend``) that puts the right shoulder
    ``drop_cm`` below the left, standing.

    A low shoulder is drawn as a trunk leaning to that side, as it usually presents: the chest
    tilts with it, so the pose model sees it in the trunk's outline, not only in the arm.
    """
    def diff_cm(bend_deg: float) -> float:
        sk = forward_kinematics(d, Pose(angles={"spine_bend": bend_deg}))
        return (sk.joints["l_shoulder"][1] - sk.joints["r_shoulder"][1]) * 100.0

    lo, hi = 0.0, 30.0
    for _ in range(40):  # bisection: the drop grows with the bend over this range
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if diff_cm(mid) < drop_cm else (lo, mid)
    return (lo + hi) / 2


def _standing(d: BodyDims, shift_m: float = 0.0, lift: str | None = None, **extra: float) -> Params:
    """Straight-legged stance, feet under the hips, the pelvis ``shift_m`` toward the body's right
    (+z) while the feet stay planted: the legs lean (hip abduction/adduction) to keep them there.

    ``lift`` (``"l"``/``"r"``) raises that foot off the floor (single-leg stance); its hip is then
    free and follows the pelvis.
    """
    legs_m = d.thigh_m + d.shin_m
    ankle_y = d.ankle_height_m + 0.007 * d.scale
    params: Params = {"l_sh_abd": 8.0, "r_sh_abd": 8.0, "l_elbow": 8.0, "r_elbow": 8.0, "foot_flat": True}
    root_y = ankle_y + legs_m
    for side, sign in (("l", -1.0), ("r", 1.0)):
        if side == lift:
            params.update({f"{side}_hip_flex": _LIFTED_HIP_FLEX_DEG, f"{side}_knee": _LIFTED_KNEE_DEG,
                           f"{side}_hip_abd": _LIFTED_HIP_ABD_DEG})
            continue
        # The ankle must stay at the hip's unshifted z: the leg's lateral lean is -shift.
        abd_deg = math.degrees(math.asin(-sign * shift_m / legs_m))
        params[f"{side}_hip_abd"] = abd_deg
        root_y = ankle_y + legs_m * math.cos(math.radians(abd_deg))
    params["root"] = (0.0, root_y, shift_m)
    params.update(extra)
    return params


def _still(params: Params, seconds: float) -> MotionPlan:
    return MotionPlan([(0.0, params), (seconds, params)], [(0.0, seconds)], None)


def _standing_plan(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    if fault == "right_shoulder_low":
        return _still(_standing(d, spine_bend=side_bend_for_shoulder_drop_deg(d, SHOULDER_LOW_CM)), seconds)
    if fault == "shift_right":
        return _still(_standing(d, shift_m=PELVIS_SHIFT_CM / 100.0), seconds)
    return _still(_standing(d), seconds)


def _single_leg(stance: str):
    lift = "r" if stance == "l" else "l"
    # The pelvis moves over the stance foot (half a hip width toward it), then sways side to side.
    toward = -1.0 if stance == "l" else 1.0  # left is -z

    def build(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
        centre_m = toward * OVER_STANCE_FOOT * d.hip_half_width_m
        amp_m = SWAY_AMPLITUDE_CM / 100.0
        keys: Keys = []
        t, k = 0.0, 0
        while t <= seconds + SWAY_PERIOD_S / 2:
            offset_m = 0.0 if k == 0 else (amp_m if k % 2 else -amp_m)
            keys.append((t, _standing(d, shift_m=centre_m + offset_m, lift=lift)))
            t += SWAY_PERIOD_S / 2
            k += 1
        return MotionPlan(keys, [(0.0, seconds)], None)

    return build


POSTURES: Mapping[str, ExerciseSpec] = MappingProxyType({
    spec.name: spec
    for spec in (
        ExerciseSpec("standing", ("right_shoulder_low", "shift_right"), "front", _standing_plan,
                     fault_checks={"right_shoulder_low": (), "shift_right": ()}),
        ExerciseSpec("single_leg_stance_left", (), "front", _single_leg("l")),
        ExerciseSpec("single_leg_stance_right", (), "front", _single_leg("r")),
    )
})
