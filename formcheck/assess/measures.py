"""Posture and balance measures of one :class:`~formcheck.pose.frame.PoseFrame`, with units in the names.

Every function is pure and returns ``nan`` when a landmark it needs is missing, so a series of
frames can be summarised with the gaps left out (see :mod:`formcheck.assess.report`).

Conventions (chosen so a reading can be said in words without further thought):

* Lengths come from the estimator's world landmarks (metres, hip-centred, camera axes: x to the
  image's right, y down). Distances *between* body points do not depend on where the hips are, so
  they are used directly; positions over time (sway) use the image, scaled to metres by the
  torso's length in both (see :func:`metres_per_image_unit`).
* Left/right differences are signed **positive toward the person's right**: a positive
  ``shoulder_height_diff_cm`` means the right shoulder is lower, a positive ``lateral_shift_cm``
  means the pelvis sits to the right of the feet. The person's right is found from the body
  itself (right hip minus left hip), so it holds whether the image is mirrored or not.
* Side-view measures are signed **positive forward** (the way the face points).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark as L

NAN = float("nan")
_PAIRS_HEAD = ((L.left_ear, L.right_ear), (L.left_eye_outer, L.right_eye_outer))


# --- points ---------------------------------------------------------------------------------

def _world(frame: PoseFrame, *lms: L) -> np.ndarray | None:
    """``(len(lms), 3)`` world points in metres, or ``None`` if any is missing or not provided."""
    if not frame.visible(*lms):
        return None
    pts = frame.world_m[list(lms)].astype(np.float64)
    return pts if np.isfinite(pts).all() else None


def _mid(frame: PoseFrame, a: L, b: L) -> np.ndarray | None:
    pts = _world(frame, a, b)
    return None if pts is None else pts.mean(axis=0)


def right_sign(frame: PoseFrame) -> float:
    """+1 when the person's right is toward the image's right (+x), -1 when toward its left, 0 if unknown.

    Facing the camera the person's right is on the image's left; a mirrored image flips it.
    """
    hips = _world(frame, L.left_hip, L.right_hip)
    if hips is None:
        return 0.0
    return float(np.sign(hips[1, 0] - hips[0, 0]))


def up_axis(frame: PoseFrame) -> np.ndarray:
    """Unit "up" vector in world coordinates for a front view, from the ankles to the shoulders.

    Only its y-z part is kept: that part is the camera's pitch (a phone tilted up or down), which
    would otherwise turn a small turn of the body into a height difference between the sides. The
    x part is left out because a sideways trunk shift is what is being measured. Falls back to the
    camera's -y when the ankles or shoulders are missing.
    """
    top, bottom = _mid(frame, L.left_shoulder, L.right_shoulder), _mid(frame, L.left_ankle, L.right_ankle)
    if top is None or bottom is None:
        return np.array([0.0, -1.0, 0.0])
    v = top - bottom
    v[0] = 0.0
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-6 else np.array([0.0, -1.0, 0.0])


def facing_sign(frame: PoseFrame) -> float:
    """+1 when the person faces the image's right (x grows forward), -1 when left, 0 if unknown.

    In a side view the nose is ahead of the ears.
    """
    nose = _world(frame, L.nose)
    ears = [p for p in (_world(frame, L.left_ear), _world(frame, L.right_ear)) if p is not None]
    if nose is None or not ears:
        return 0.0
    dx = float(nose[0, 0] - np.mean([e[0, 0] for e in ears]))
    return float(np.sign(dx))


# --- standing, facing the camera -------------------------------------------------------------

def _height_diff_cm(frame: PoseFrame, left: L, right: L) -> float:
    pts = _world(frame, left, right)
    if pts is None:
        return NAN
    return float((pts[0] - pts[1]) @ up_axis(frame) * 100.0)  # right lower -> positive


def shoulder_height_diff_cm(frame: PoseFrame) -> float:
    """How much lower the right shoulder is than the left (negative: the left is lower), cm."""
    return _height_diff_cm(frame, L.left_shoulder, L.right_shoulder)


def hip_height_diff_cm(frame: PoseFrame) -> float:
    """How much lower the right hip is than the left, cm."""
    return _height_diff_cm(frame, L.left_hip, L.right_hip)


def _shift_cm(frame: PoseFrame, upper: tuple[L, L], lower: tuple[L, L]) -> float:
    # Image-plane x only: depth (z) is the estimator's weakest axis, and the camera's pitch mixes
    # the body's height into it.
    top, bottom, right = _mid(frame, *upper), _mid(frame, *lower), right_sign(frame)
    if top is None or bottom is None or right == 0.0:
        return NAN
    return float((top[0] - bottom[0]) * right * 100.0)


def lateral_shift_cm(frame: PoseFrame) -> float:
    """How far the pelvis (mid-hip) sits to the person's right of the mid-ankle point, cm."""
    return _shift_cm(frame, (L.left_hip, L.right_hip), (L.left_ankle, L.right_ankle))


def trunk_shift_cm(frame: PoseFrame) -> float:
    """How far the shoulders' centre sits to the person's right of the hips' centre, cm."""
    return _shift_cm(frame, (L.left_shoulder, L.right_shoulder), (L.left_hip, L.right_hip))


def head_tilt_deg(frame: PoseFrame) -> float:
    """Side tilt of the head, degrees; positive: tilted to the right (right ear lower).

    Ears and outer eye corners each give a left-right line; their mean slope is used, so one
    badly placed landmark pulls less.
    """
    up = up_axis(frame)
    slopes = []
    for left, right in _PAIRS_HEAD:
        pts = _world(frame, left, right)
        if pts is None:
            continue
        across = abs(float(pts[1, 0] - pts[0, 0]))
        if across > 1e-6:
            slopes.append(math.degrees(math.atan2(float((pts[0] - pts[1]) @ up), across)))
    return float(np.mean(slopes)) if slopes else NAN


def lateral_axis(frame: PoseFrame) -> np.ndarray | None:
    """Unit vector toward the person's right in world coordinates, level (square to ``up_axis``):
    the line of the hips, so a body turned a few degrees from the camera keeps its own frontal plane.
    ``None`` without both hips."""
    hips = _world(frame, L.left_hip, L.right_hip)
    if hips is None:
        return None
    up = up_axis(frame)
    v = hips[1] - hips[0]
    v = v - (v @ up) * up
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-6 else None


def _frontal(frame: PoseFrame, pts: np.ndarray, side: str, body_plane: bool = False) -> np.ndarray | None:
    """``(N, 2)`` points in the frontal plane: (toward this side's outside, up), metres.

    Sideways is the camera's x, or with ``body_plane`` the line of the hips. A squat's knees travel
    20-30 cm forward, and a body turned 5 degrees from the camera shows a tenth of that along the
    camera's x as one knee moving in and the other out: the rendered squats (camera turned up to 6
    degrees) read -3.3 cm of knee-travel difference on symmetric bodies that way, 0.0 along the hips.
    Standing straight the knees barely come forward, and the camera's x is steadier than the
    model's depth of the hips (knee alignment's error, 95th percentile over 10 seeds: 4.2 degrees
    against 5.9).
    """
    if body_plane:
        right = lateral_axis(frame)
    else:
        sign = right_sign(frame)
        right = np.array([sign, 0.0, 0.0]) if sign != 0.0 else None
    if right is None:
        return None
    outward = right if side == "right" else -right
    return np.stack([pts @ outward, pts @ up_axis(frame)], axis=1)


def knee_valgus_deg(frame: PoseFrame, side: str) -> float:
    """Frontal-plane angle between thigh and shin of one leg (``"left"``/``"right"``), degrees.

    Positive: the knee is inside the hip-ankle line (valgus, "knock-knee"); negative: outside
    (varus). Measured in the plane facing the camera, so it needs a front view.
    """
    pts = _world(frame, *(L[f"{side}_{j}"] for j in ("hip", "knee", "ankle")))
    flat = None if pts is None else _frontal(frame, pts, side)
    if flat is None:
        return NAN
    t, s = flat[1] - flat[0], flat[2] - flat[1]
    # Going down the leg, the knee is inside when the thigh turns outward into the shin
    # (counter-clockwise in (outward, up) axes).
    cross = float(t[0] * s[1] - t[1] * s[0])
    angle = math.degrees(math.atan2(abs(cross), float(t @ s)))
    return angle if cross > 0 else -angle


def knee_valgus_diff_deg(frame: PoseFrame) -> float:
    """Right knee valgus minus left, degrees: positive when the right knee caves in more."""
    return knee_valgus_deg(frame, "right") - knee_valgus_deg(frame, "left")


# --- standing side-on ------------------------------------------------------------------------

def _side_mid(frame: PoseFrame, name: str) -> np.ndarray | None:
    """Mean of the left and right landmark ``name`` (both are estimated, even the far one)."""
    return _mid(frame, L[f"left_{name}"], L[f"right_{name}"])


def _forward_offset_cm(frame: PoseFrame, upper: str, lower: str) -> float:
    top, bottom, facing = _side_mid(frame, upper), _side_mid(frame, lower), facing_sign(frame)
    if top is None or bottom is None or facing == 0.0:
        return NAN
    return float((top[0] - bottom[0]) * facing * 100.0)


def forward_head_cm(frame: PoseFrame) -> float:
    """How far the ears are ahead of the shoulders, cm (side view)."""
    return _forward_offset_cm(frame, "ear", "shoulder")


def craniovertebral_deg(frame: PoseFrame) -> float:
    """Angle of the shoulder-to-ear line above horizontal, degrees (side view; smaller = more forward head)."""
    ear, shoulder, facing = _side_mid(frame, "ear"), _side_mid(frame, "shoulder"), facing_sign(frame)
    if ear is None or shoulder is None or facing == 0.0:
        return NAN
    return math.degrees(math.atan2(shoulder[1] - ear[1], (ear[0] - shoulder[0]) * facing))


def trunk_lean_deg(frame: PoseFrame) -> float:
    """Forward lean of the hip-to-shoulder line from vertical, degrees (negative: leaning back)."""
    top, bottom, facing = _side_mid(frame, "shoulder"), _side_mid(frame, "hip"), facing_sign(frame)
    if top is None or bottom is None or facing == 0.0:
        return NAN
    return math.degrees(math.atan2((top[0] - bottom[0]) * facing, bottom[1] - top[1]))


def hip_over_ankle_cm(frame: PoseFrame) -> float:
    """How far the hips are ahead of the ankles, cm (side view; negative: behind)."""
    return _forward_offset_cm(frame, "hip", "ankle")


# --- single-leg stance ------------------------------------------------------------------------

def foot_lift_m(frame: PoseFrame, lifted: str) -> float:
    """How much higher the ``lifted`` side's ankle is than the other one, metres."""
    other = "left" if lifted == "right" else "right"
    pts = _world(frame, L[f"{lifted}_ankle"], L[f"{other}_ankle"])
    return NAN if pts is None else float(pts[1, 1] - pts[0, 1])


def metres_per_image_unit(frames: Sequence[PoseFrame]) -> float:
    """Metres per unit of normalised image *width*: torso length in the world over its length in the image.

    The torso (mid-shoulder to mid-hip) is long and upright, so its ratio is stable; the median
    over the frames ignores the odd bad one.
    """
    ratios = []
    for f in frames:
        top, bottom = _mid(f, L.left_shoulder, L.right_shoulder), _mid(f, L.left_hip, L.right_hip)
        if top is None or bottom is None:
            continue
        w, h = f.image_wh
        xy = f.xy_norm.astype(np.float64) * np.array([1.0, h / w])  # both axes in image widths
        img = np.linalg.norm(xy[[L.left_shoulder, L.right_shoulder]].mean(0) - xy[[L.left_hip, L.right_hip]].mean(0))
        if img > 1e-6:
            ratios.append(float(np.linalg.norm(top - bottom)) / float(img))
    return float(np.median(ratios)) if ratios else NAN


def hip_centre_x(frame: PoseFrame) -> float:
    """Mid-hip horizontal position in image widths (0..1), ``nan`` when a hip is missing."""
    if not frame.visible(L.left_hip, L.right_hip):
        return NAN
    return float(frame.xy_norm[[L.left_hip, L.right_hip], 0].mean())


def sway_cm(frames: Sequence[PoseFrame]) -> float:
    """Side-to-side sway of the hip centre: the standard deviation of its position, cm."""
    xs = np.array([hip_centre_x(f) for f in frames])
    xs = xs[np.isfinite(xs)]
    scale = metres_per_image_unit(frames)
    if xs.size < 2 or not math.isfinite(scale):
        return NAN
    return float(np.std(xs, ddof=1) * scale * 100.0)


LIFT_UP_M = 0.05    # the lifted ankle this much above the other: the foot is off the floor
LIFT_DOWN_M = 0.025  # ... and back below this: down again. A foot on the floor reads 0 +/- 0.01 m;
# between the two the model's noise (dips to 0.03 m mid-stance on rendered bodies) must not end a stance.


class FootLift:
    """``update(frame) -> bool``: is the ``lifted`` foot up? With hysteresis, so the model's noise
    around one threshold cannot flicker a stance on and off. An unseen frame keeps the last answer."""

    def __init__(self, lifted: str) -> None:
        self.lifted = lifted
        self.up = False

    def update(self, frame: PoseFrame) -> bool:
        lift = foot_lift_m(frame, self.lifted)
        if lift >= LIFT_UP_M:
            self.up = True
        elif lift < LIFT_DOWN_M:
            self.up = False
        return self.up


def longest_lift_s(frames: Sequence[PoseFrame], lifted: str, cap_s: float = 30.0) -> float:
    """Longest continuous time the ``lifted`` foot stays up (:class:`FootLift`), capped at ``cap_s``.

    A frame's time runs until the next frame, as the hold timer counts it.
    """
    foot = FootLift(lifted)
    best = run = 0.0
    for f, nxt in zip(frames, frames[1:]):
        run = run + (nxt.t_s - f.t_s) if foot.update(f) else 0.0
        best = max(best, run)
    return min(best, cap_s)


# --- squat, facing the camera -----------------------------------------------------------------

def knee_inward_cm(frame: PoseFrame, side: str) -> float:
    """How far one knee is inside (toward the midline of) its hip-ankle line, cm; negative: outside."""
    pts = _world(frame, *(L[f"{side}_{j}"] for j in ("hip", "knee", "ankle")))
    flat = None if pts is None else _frontal(frame, pts, side, body_plane=True)
    if flat is None:
        return NAN
    hip, knee, ankle = flat
    # The point of the hip-ankle line at the knee's height, then the knee's sideways offset from it.
    span = ankle[1] - hip[1]
    w = 0.5 if abs(span) < 1e-6 else float(np.clip((knee[1] - hip[1]) / span, 0.0, 1.0))
    on_line = hip + w * (ankle - hip)
    return float((on_line[0] - knee[0]) * 100.0)


def knee_bend_deg(frame: PoseFrame) -> float:
    """Mean knee flexion of both legs, degrees (0 = straight): the squat's depth."""
    bends = []
    for side in ("left", "right"):
        pts = _world(frame, *(L[f"{side}_{j}"] for j in ("hip", "knee", "ankle")))
        if pts is None:
            continue
        u, v = pts[0] - pts[1], pts[2] - pts[1]
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-12))
        bends.append(180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return float(np.mean(bends)) if bends else NAN
