"""A second person in the room: someone walking through, or a helper kneeling beside the exerciser.

Person selection and "assisted" seconds need exact ground truth, which real footage cannot give, so
the studio renders a second mannequin beside the exerciser:

- ``walk_behind`` / ``walk_in_front``: a person walks across the camera's view, farther from the
  camera than the exerciser (smaller, partly hidden by them) or nearer (hiding the exerciser as they
  pass), crossing the middle of the picture halfway through the clip;
- ``kneel_assist``: a helper kneels on the far side of the exerciser, facing the camera, rests their
  hands on their own thighs, and from ``ASSIST_FROM_FRACTION`` to ``ASSIST_UNTIL_FRACTION`` of the
  clip puts both hands on the exerciser's hips, following them as they move.

Every frame of both people is posed exactly; whether the helper's hands touch the exerciser is
measured on the rendered surfaces (:func:`touching`), not taken from the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck_studio.figure import Ellipsoid, Look, build_figure
from formcheck_studio.mannequin import BodyDims, Pose, Skeleton, arm_ik_angles, forward_kinematics
from formcheck_studio.posing import smoothstep

KINDS = ("walk_behind", "walk_in_front", "kneel_assist")
WALK_SPEED_M_S = 1.1
STRIDE_M = 1.3                 # one full cycle of both legs
WALK_BEHIND_M = 1.1            # the walker's path, this far beyond the exerciser's centre (camera's forward)
WALK_IN_FRONT_M = -0.9         # ... or this far nearer the camera
KNEEL_BESIDE_M = 0.32          # the helper's knees from the exerciser's pelvis, away from the camera
ASSIST_FROM_FRACTION = 0.35    # of the clip: the hands start moving to the exerciser's hips
ASSIST_UNTIL_FRACTION = 0.75   # of the clip: the hands start moving back to the helper's thighs
REACH_S = 0.6                  # to move the hands on or off
# A hand touches the exerciser when its surface comes within this of the exerciser's surface.
TOUCH_TOLERANCE_M = 0.02
# Parts of a hand: the palm ellipsoid; parts of the exerciser it may rest on: all but the face details.
_HAND_PARTS = ("l_hand", "r_hand")


@dataclass(frozen=True)
class SecondPerson:
    """The second mannequin of a clip: its kind, body, look and posed skeleton in every frame."""

    kind: str
    dims: BodyDims
    look: Look
    skeletons: list[Skeleton]


def _yaw_facing(direction_xz: np.ndarray) -> float:
    """The root yaw (degrees) that turns a standing body's forward (+x) to ``direction_xz`` (x, z)."""
    return math.degrees(math.atan2(-float(direction_xz[1]), float(direction_xz[0])))


def _walking(dims: BodyDims, position_m: np.ndarray, heading_xz: np.ndarray, travelled_m: float) -> Skeleton:
    phase = 2.0 * math.pi * travelled_m / STRIDE_M
    swing = math.sin(phase)
    legs_m = dims.thigh_m + dims.shin_m
    hip_deg = 22.0 * swing
    angles = {
        "l_hip_flex": hip_deg, "r_hip_flex": -hip_deg,
        "l_knee": 6.0 + 28.0 * max(0.0, math.cos(phase)), "r_knee": 6.0 + 28.0 * max(0.0, -math.cos(phase)),
        "l_sh_flex": -16.0 * swing, "r_sh_flex": 16.0 * swing, "l_elbow": 15.0, "r_elbow": 15.0,
        "l_sh_abd": 6.0, "r_sh_abd": 6.0, "l_ankle": 0.0, "r_ankle": 0.0,
    }
    root_y = dims.ankle_height_m + 0.01 * dims.scale + legs_m * math.cos(math.radians(abs(hip_deg))) * 0.99
    root = (float(position_m[0]), root_y, float(position_m[2]))
    return forward_kinematics(dims, Pose(root, _yaw_facing(heading_xz), angles=angles))


def plan_walker(kind: str, dims: BodyDims, times_s: np.ndarray, centre_m: np.ndarray,
                camera_forward_xz: np.ndarray, camera_right_xz: np.ndarray) -> list[Skeleton]:
    """A walker crossing the view from the camera's left to its right, at the middle of the clip over
    ``centre_m`` (the exerciser's centre) shifted along the camera's forward (behind or in front)."""
    depth_m = WALK_BEHIND_M if kind == "walk_behind" else WALK_IN_FRONT_M
    mid_s = float(times_s[-1]) / 2.0
    base = np.array([centre_m[0], 0.0, centre_m[2]]) + depth_m * np.array([camera_forward_xz[0], 0.0,
                                                                          camera_forward_xz[1]])
    right = np.array([camera_right_xz[0], 0.0, camera_right_xz[1]])
    out = []
    for t in times_s:
        along_m = WALK_SPEED_M_S * (float(t) - mid_s)
        out.append(_walking(dims, base + along_m * right, camera_right_xz, along_m - float(times_s[0])))
    return out


def _kneeling(dims: BodyDims, root_xz: np.ndarray, facing_xz: np.ndarray, arms: dict[str, float]) -> Pose:
    knee_on_floor_m = 0.056 * dims.scale * dims.girth
    angles = {"l_hip_flex": 25.0, "r_hip_flex": 25.0, "l_knee": 115.0, "r_knee": 115.0,
              "l_ankle": -35.0, "r_ankle": -35.0, "spine_flex": 20.0, "neck_flex": -20.0,
              "l_hip_abd": 6.0, "r_hip_abd": 6.0, **arms}
    # Thighs leaning forward 25 degrees from vertical: the hips sit that much lower than upright.
    root_y = knee_on_floor_m + dims.thigh_m * math.cos(math.radians(25.0))
    # The knees stay over their spot on the floor: the hips move back by the thighs' lean.
    back = dims.thigh_m * math.sin(math.radians(25.0))
    root = (float(root_xz[0] - facing_xz[0] * back), root_y, float(root_xz[1] - facing_xz[1] * back))
    return Pose(root, _yaw_facing(facing_xz), angles=angles)


_RESTING_ARMS = {"l_sh_flex": 15.0, "r_sh_flex": 15.0, "l_elbow": 35.0, "r_elbow": 35.0,
                 "l_sh_abd": 8.0, "r_sh_abd": 8.0}


def _hip_top(exerciser: Skeleton, toward_xz: np.ndarray) -> np.ndarray:
    """A point on top of the exerciser's hips, a little to the helper's side."""
    pelvis = next(e for e in build_figure(exerciser, Look()) if e.name == "pelvis")
    up = np.array([0.0, 1.0, 0.0])
    return pelvis.centre_m + up * pelvis.extent_along(up) + 0.03 * np.array([toward_xz[0], 0.0, toward_xz[1]])


def plan_kneeler(dims: BodyDims, times_s: np.ndarray, exerciser: list[Skeleton],
                 camera_forward_xz: np.ndarray) -> list[Skeleton]:
    """A helper kneeling beyond the exerciser's pelvis (away from the camera), facing the camera, with
    both hands on the exerciser's hips from ``ASSIST_FROM_FRACTION`` to ``ASSIST_UNTIL_FRACTION``."""
    pelvis0 = exerciser[0].joints["root"]
    root_xz = np.array([pelvis0[0], pelvis0[2]]) + KNEEL_BESIDE_M * camera_forward_xz
    facing = -camera_forward_xz
    end_s = float(times_s[-1])
    on_s, off_s = ASSIST_FROM_FRACTION * end_s, ASSIST_UNTIL_FRACTION * end_s
    out = []
    for t, ex in zip(times_s, exerciser):
        t = float(t)
        reach = smoothstep((t - on_s) / REACH_S) * (1.0 - smoothstep((t - off_s) / REACH_S))
        pose = _kneeling(dims, root_xz, facing, _RESTING_ARMS)
        if reach > 0.0:
            arms = dict(_RESTING_ARMS)
            target = _hip_top(ex, -facing)
            for side in ("l", "r"):
                # Wrists just above the hips, so the palms (which hang past the wrists) rest on them.
                lift = np.array([0.0, 0.075 * dims.scale, 0.0])
                shoulder_flex, elbow = arm_ik_angles(dims, pose, side, target + lift)
                for name, reached in ((f"{side}_sh_flex", shoulder_flex), (f"{side}_elbow", elbow)):
                    arms[name] = _RESTING_ARMS[name] + reach * (reached - _RESTING_ARMS[name])
                arms[f"{side}_sh_abd"] = 8.0 * (1.0 - reach)
            pose = _kneeling(dims, root_xz, facing, arms)
        out.append(forward_kinematics(dims, pose))
    return out


def _surface_points(ell: Ellipsoid, n: int = 64) -> np.ndarray:
    """``(n, 3)`` points spread over an ellipsoid's surface (a Fibonacci sphere, stretched)."""
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    r = np.sqrt(1.0 - z * z)
    theta = math.pi * (1.0 + 5.0**0.5) * k
    unit = np.stack([r * np.cos(theta), r * np.sin(theta), z], axis=1)
    return ell.centre_m + (unit * ell.radii_m) @ ell.axes.T


def _inside(points_m: np.ndarray, ell: Ellipsoid, grow_m: float) -> bool:
    local = (points_m - ell.centre_m) @ (ell.axes / (ell.radii_m + grow_m)[None, :])
    return bool(np.any(np.einsum("ij,ij->i", local, local) <= 1.0))


def touching(helper: Skeleton, exerciser: Skeleton, tolerance_m: float = TOUCH_TOLERANCE_M) -> bool:
    """Whether either of the helper's hands touches the exerciser's body (surfaces within ``tolerance_m``)."""
    hands = [e for e in build_figure(helper, Look()) if e.name in _HAND_PARTS]
    body = [e for e in build_figure(exerciser, Look()) if e.radii_m.max() >= 0.03]
    for hand in hands:
        points = _surface_points(hand)
        for part in body:
            if np.linalg.norm(part.centre_m - hand.centre_m) > float(part.radii_m.max() + hand.radii_m.max()) + 0.1:
                continue
            if _inside(points, part, tolerance_m):
                return True
    return False


def other_look(rng: np.random.Generator, exerciser: Look) -> Look:
    """A look for the second person whose shirt differs from the exerciser's."""
    for _ in range(20):
        look = Look.random(rng)
        if look.shirt != exerciser.shirt:
            return look
    return look


__all__ = ["KINDS", "SecondPerson", "other_look", "plan_kneeler", "plan_walker", "touching"]
