"""From keyframe parameters to a posed skeleton: interpolation, IK and floor/wall contacts.

A keyframe is a plain dict, so exercises are data. Recognised keys:

- ``root``: ``(x, y, z)`` metres, the mid-hip point (``y`` is replaced when ``floor`` is given).
- ``yaw``, ``pitch``, ``twist``, ``roll``: root orientation, degrees (see :class:`Pose`).
- any joint angle name (``l_knee``, ``spine_flex`` ...), degrees.
- ``ankle_targets``: ``{"l": (x, y, z), "r": ...}`` scene-frame ankle positions solved by leg IK.
- ``foot_flat``: sets both ankles so the feet are level with the floor.
- ``follow_pitch``: ``{angle_name: offset}`` sets those angles to ``pitch + offset`` (a limb kept
  vertical while the trunk inclines, e.g. a plank's upper arms).
- ``floor``: a list of one or two groups of figure part names. One group is lowered onto the
  floor; with two, the pitch is first solved inside ``pitch_range`` so both groups touch.
- ``wall``: a group of part names pushed against the exercise wall (``x = wall_x``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from formcheck_studio.figure import Ellipsoid, Look, build_figure
from formcheck_studio.mannequin import SIDES, BodyDims, Pose, Skeleton, forward_kinematics, leg_ik_angles

_STRUCTURAL = {"root", "yaw", "pitch", "twist", "roll", "ankle_targets", "foot_flat", "follow_pitch", "floor",
               "pitch_range", "wall"}
_GEOMETRY_LOOK = Look()  # colours do not matter for contacts


def smoothstep(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


def _blend(a: Any, b: Any, w: float) -> Any:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return {k: _blend(a[k], b[k], w) if k in a and k in b else (a.get(k, b.get(k))) for k in {*a, *b}}
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a + (b - a) * w
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b) and all(
            isinstance(v, (int, float)) for v in (*a, *b)):
        return tuple(x + (y - x) * w for x, y in zip(a, b))
    return a if w < 0.5 else b  # groups and flags switch halfway


def interpolate(keys: Sequence[tuple[float, Mapping[str, Any]]], t_s: float) -> dict[str, Any]:
    """Keyframe parameters at time ``t_s``, eased between the surrounding keys.

    A key missing an angle that its neighbour has counts as 0 for that angle.
    """
    if t_s <= keys[0][0]:
        return dict(keys[0][1])
    for (t0, k0), (t1, k1) in zip(keys, keys[1:]):
        if t_s <= t1:
            w = smoothstep((t_s - t0) / (t1 - t0)) if t1 > t0 else 1.0
            out = {}
            for name in {*k0, *k1}:
                if name in k0 and name in k1:
                    out[name] = _blend(k0[name], k1[name], w)
                elif name in _STRUCTURAL:
                    out[name] = k0.get(name, k1.get(name))
                else:
                    out[name] = _blend(k0.get(name, 0.0), k1.get(name, 0.0), w)
            return out
    return dict(keys[-1][1])


def _lowest(parts: list[Ellipsoid], names: Sequence[str], axis: int) -> float:
    direction = np.zeros(3)
    direction[axis] = 1.0
    return min(float(e.centre_m[axis]) - e.extent_along(direction) for e in parts if e.name in names)


def _base_pose(dims: BodyDims, p: Mapping[str, Any], pitch: float) -> Pose:
    angles = {k: float(v) for k, v in p.items() if k not in _STRUCTURAL}
    for name, offset in (p.get("follow_pitch") or {}).items():
        angles[name] = pitch + float(offset)
    pose = Pose(tuple(p.get("root", (0.0, 0.93, 0.0))), float(p.get("yaw", 0.0)), pitch,
                float(p.get("twist", 0.0)), float(p.get("roll", 0.0)), angles)
    for side, target in (p.get("ankle_targets") or {}).items():
        hip_flex, knee = leg_ik_angles(dims, pose, side, np.asarray(target, float))
        angles = {**angles, f"{side}_hip_flex": hip_flex, f"{side}_knee": knee}
        pose = replace(pose, angles=angles)
    if p.get("foot_flat"):
        sk = forward_kinematics(dims, pose)
        for side in SIDES:
            x_axis = sk.frames[f"{side}_shin"][:, 0]
            tilt = math.degrees(math.atan2(x_axis[1], math.hypot(x_axis[0], x_axis[2])))
            angles = {**angles, f"{side}_ankle": -tilt}
        pose = replace(pose, angles=angles)
    return pose


def solve_pose(dims: BodyDims, p: Mapping[str, Any], wall_x_m: float | None = None) -> Pose:
    """The :class:`Pose` that keyframe parameters ``p`` describe, contacts satisfied."""
    floor = p.get("floor") or []
    pitch = float(p.get("pitch", 0.0))
    if len(floor) == 2:
        lo, hi = p.get("pitch_range", (pitch - 45.0, pitch + 45.0))

        def imbalance(pitch_deg: float) -> float:
            parts = build_figure(forward_kinematics(dims, _base_pose(dims, p, pitch_deg)), _GEOMETRY_LOOK)
            return _lowest(parts, floor[0], 1) - _lowest(parts, floor[1], 1)

        f_lo, f_hi = imbalance(lo), imbalance(hi)
        if f_lo * f_hi > 0:
            pitch = lo if abs(f_lo) < abs(f_hi) else hi  # no exact solution in range: closest end
        else:
            for _ in range(22):  # bisection to ~1e-5 of the range
                mid = (lo + hi) / 2
                f_mid = imbalance(mid)
                if f_mid * f_lo > 0:
                    lo, f_lo = mid, f_mid
                else:
                    hi = mid
            pitch = (lo + hi) / 2
    pose = _base_pose(dims, p, pitch)
    shift = np.zeros(3)
    if floor or (p.get("wall") and wall_x_m is not None):
        parts = build_figure(forward_kinematics(dims, pose), _GEOMETRY_LOOK)
        if floor:
            shift[1] = -min(_lowest(parts, group, 1) for group in floor)
        if p.get("wall") and wall_x_m is not None:
            shift[0] = wall_x_m - _lowest(parts, p["wall"], 0)
    if shift.any():
        pose = replace(pose, root_m=tuple(np.asarray(pose.root_m) + shift))
    return pose


def pose_at(dims: BodyDims, keys: Sequence[tuple[float, Mapping[str, Any]]], t_s: float,
            wall_x_m: float | None = None) -> Skeleton:
    """The posed skeleton of a keyframed motion at time ``t_s``."""
    return forward_kinematics(dims, solve_pose(dims, interpolate(keys, t_s), wall_x_m))
