"""The assessment's steps: what each asks the person to do, and its frames turned into results."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from formcheck.assess import measures as m
from formcheck.assess.report import Result, result, single_result, spread_error
from formcheck.pose.frame import PoseFrame

# The first and last part of a step are getting into and out of position, not the posture.
SETTLE_FRACTION = 0.15


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    setup: str
    seconds: float


STEPS: tuple[Step, ...] = (
    Step("front", "Standing, facing the camera",
         "Stand facing the camera, feet hip-width apart, arms relaxed. Whole body in view.", 6.0),
    Step("side", "Standing side-on", "Turn so your side faces the camera. Stand tall and relaxed.", 6.0),
    # The knee comes up in front, as in a march: a foot lifted behind the standing leg is hidden
    # from the camera, and the pose model then reads it as planted (studio: 5 of 20 bodies).
    Step("stance_left", "Standing on the left leg",
         "Face the camera, raise your right knee in front of you to hip height and hold (up to 30 s).", 30.0),
    Step("stance_right", "Standing on the right leg",
         "Face the camera, raise your left knee in front of you to hip height and hold (up to 30 s).", 30.0),
    Step("squat", "Bodyweight squats", "Face the camera and do 3 to 5 slow squats, as deep as is comfortable.", 15.0),
)
STEP_NAMES = tuple(s.name for s in STEPS)


def steady(frames: Sequence[PoseFrame]) -> list[PoseFrame]:
    """The detected frames of the middle of a step (the settling at either end left out)."""
    seen = [f for f in frames if f.detected]
    cut = int(len(seen) * SETTLE_FRACTION)
    return seen[cut:len(seen) - cut] if len(seen) - 2 * cut >= 3 else seen


def _series(name: str, step: str, fn: Callable[[PoseFrame], float], frames: Sequence[PoseFrame],
            mirrored: bool) -> Result:
    return result(name, step, [fn(f) for f in frames], mirrored)


def analyse_front(frames: Sequence[PoseFrame], mirrored: bool) -> list[Result]:
    part = steady(frames)
    return [_series(fn.__name__, "front", fn, part, mirrored) for fn in (
        m.shoulder_height_diff_cm, m.hip_height_diff_cm, m.lateral_shift_cm, m.trunk_shift_cm,
        m.head_tilt_deg, m.knee_valgus_diff_deg)]


def analyse_side(frames: Sequence[PoseFrame], mirrored: bool) -> list[Result]:
    part = steady(frames)
    return [_series(fn.__name__, "side", fn, part, mirrored)
            for fn in (m.forward_head_cm, m.trunk_lean_deg, m.hip_over_ankle_cm)]


def _sway_with_error(frames: Sequence[PoseFrame]) -> tuple[float, float]:
    """Sway (cm) over the lifted part, and its standard error from splitting it into halves."""
    sway = m.sway_cm(frames)
    half = len(frames) // 2
    if half < 3:
        return sway, math.nan
    halves = [m.sway_cm(frames[:half]), m.sway_cm(frames[half:])]
    return sway, abs(halves[0] - halves[1]) / 2


def analyse_stance(left: Sequence[PoseFrame], right: Sequence[PoseFrame], mirrored: bool) -> list[Result]:
    """Hold time and sway standing on each leg, and which leg sways more."""
    out: list[Result] = []
    sways = {}
    for stance, frames in (("left", left), ("right", right)):
        lifted = "right" if stance == "left" else "left"
        seen = [f for f in frames if f.detected]
        foot = m.FootLift(lifted)
        up = [f for f in seen if foot.update(f)]
        held_s = m.longest_lift_s(seen, lifted)
        out.append(single_result(f"{stance}_stance_s", f"stance_{stance}", held_s, 0.0, mirrored))
        sway, err = _sway_with_error(up)
        sways[stance] = (sway, err)
        out.append(single_result(f"{stance}_stance_sway_cm", f"stance_{stance}", sway, err, mirrored))
    (sl, el), (sr, er) = sways["left"], sways["right"]
    diff_err = math.hypot(el if math.isfinite(el) else 0.0, er if math.isfinite(er) else 0.0)
    out.append(single_result("stance_sway_diff_cm", "stance", sr - sl, diff_err, mirrored))
    return out


def _bottom_frames(frames: Sequence[PoseFrame]) -> tuple[list[PoseFrame], list[PoseFrame]]:
    """Frames near the bottom of the squats (deepest quarter of knee bend) and near standing (shallowest)."""
    seen = [f for f in frames if f.detected]
    bend = np.array([m.knee_bend_deg(f) for f in seen])
    ok = np.isfinite(bend)
    if ok.sum() < 4:
        return [], []
    lo, hi = np.nanpercentile(bend, 25), np.nanpercentile(bend, 75)
    return [f for f, b in zip(seen, bend) if b >= hi], [f for f, b in zip(seen, bend) if b <= lo]


def analyse_squat(frames: Sequence[PoseFrame], mirrored: bool) -> list[Result]:
    """Knee travel and hip shift at the bottom relative to standing, and the depth."""
    bottom, top = _bottom_frames(frames)

    def change(fn: Callable[[PoseFrame], float]) -> tuple[float, float]:
        b, eb, _ = spread_error([fn(f) for f in bottom])
        t, et, _ = spread_error([fn(f) for f in top])
        return b - t, math.hypot(eb if math.isfinite(eb) else 0.0, et if math.isfinite(et) else 0.0)

    knee_r, err_r = change(lambda f: m.knee_inward_cm(f, "right"))
    knee_l, err_l = change(lambda f: m.knee_inward_cm(f, "left"))
    shift, err_s = change(m.lateral_shift_cm)
    depth, err_d, _ = spread_error([m.knee_bend_deg(f) for f in bottom])
    return [
        single_result("squat_knee_inward_diff_cm", "squat", knee_r - knee_l, math.hypot(err_r, err_l), mirrored),
        single_result("squat_hip_shift_cm", "squat", shift, err_s, mirrored),
        single_result("squat_depth_deg", "squat", depth, err_d, mirrored),
    ]
