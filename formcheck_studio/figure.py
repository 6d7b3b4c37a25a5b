"""The mannequin's surface (shaded ellipsoids, with a face and shoes) and its 33 BlazePose landmarks.

The pose detector looks for a face first, so the head carries eyes, brows, nose, mouth, ears and
hair; without them detection drops sharply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck_studio.mannequin import SIDE_SIGN, SIDES, Skeleton


@dataclass(frozen=True)
class Ellipsoid:
    name: str
    centre_m: np.ndarray   # (3,) scene frame
    axes: np.ndarray       # (3, 3) unit axes as columns
    radii_m: np.ndarray    # (3,) semi-axis lengths along those columns
    rgb: tuple[float, float, float]

    def extent_along(self, direction: np.ndarray) -> float:
        """Half the ellipsoid's thickness along a unit direction (its support distance)."""
        a = self.axes * self.radii_m[None, :]
        return float(np.linalg.norm(a.T @ direction))


@dataclass(frozen=True)
class Look:
    """Colours of one mannequin (RGB, 0..1)."""

    skin: tuple[float, float, float] = (0.87, 0.69, 0.56)
    shirt: tuple[float, float, float] = (0.2, 0.4, 0.7)
    pants: tuple[float, float, float] = (0.18, 0.18, 0.22)
    shoes: tuple[float, float, float] = (0.92, 0.92, 0.92)
    hair: tuple[float, float, float] = (0.18, 0.12, 0.08)

    @classmethod
    def random(cls, rng: np.random.Generator) -> Look:
        skins = ((0.94, 0.78, 0.66), (0.87, 0.69, 0.56), (0.72, 0.53, 0.40), (0.55, 0.38, 0.28), (0.40, 0.27, 0.20))
        shirts = ((0.2, 0.4, 0.7), (0.75, 0.2, 0.2), (0.2, 0.55, 0.35), (0.85, 0.6, 0.15), (0.5, 0.3, 0.6),
                  (0.9, 0.9, 0.9))
        pants = ((0.18, 0.18, 0.22), (0.15, 0.2, 0.4), (0.35, 0.35, 0.38), (0.3, 0.22, 0.15), (0.1, 0.1, 0.1))
        shoes = ((0.92, 0.92, 0.92), (0.15, 0.15, 0.15), (0.3, 0.35, 0.6), (0.7, 0.2, 0.2))
        hair = ((0.18, 0.12, 0.08), (0.05, 0.05, 0.05), (0.45, 0.3, 0.15), (0.7, 0.55, 0.3))

        def pick(options):
            return options[int(rng.integers(len(options)))]

        return cls(pick(skins), pick(shirts), pick(pants), pick(shoes), pick(hair))


def _frame_point(sk: Skeleton, joint: str, frame: str, offset_m) -> np.ndarray:
    return sk.joints[joint] + sk.frames[frame] @ (np.asarray(offset_m, float) * sk.dims.scale)


def _segment(name: str, p0: np.ndarray, p1: np.ndarray, frame: np.ndarray, radius_m: float,
             rgb, overlap_m: float, depth_ratio: float = 1.0) -> Ellipsoid:
    half = float(np.linalg.norm(p1 - p0)) / 2 + overlap_m
    return Ellipsoid(name, (p0 + p1) / 2, frame, np.array([radius_m * depth_ratio, half, radius_m]), rgb)


def build_figure(sk: Skeleton, look: Look) -> list[Ellipsoid]:
    """Every ellipsoid of the posed mannequin. Sizes are for a 1.75 m body and scale with height."""
    s = sk.dims.scale
    g = s * sk.dims.girth
    j, f = sk.joints, sk.frames
    parts = [
        Ellipsoid("pelvis", _frame_point(sk, "root", "pelvis", (-0.01, 0.03, 0.0)), f["pelvis"],
                  np.array([0.105, 0.12, 0.165]) * g, look.pants),
        _segment("abdomen", j["lumbar"], j["thorax"], f["abdomen"], 0.145 * g, look.shirt, 0.05 * s, 0.72),
        Ellipsoid("chest", _frame_point(sk, "thorax", "chest", (0.005, 0.085, 0.0)), f["chest"],
                  np.array([0.115, 0.155, 0.17]) * g, look.shirt),
        _segment("neck", j["neck"], j["head_joint"], f["neck"], 0.05 * g, look.skin, 0.03 * s),
        Ellipsoid("head", j["head"], f["head"], np.array([0.10, 0.12, 0.085]) * s, look.skin),
    ]
    parts += _face(sk, look)
    for side in SIDES:
        parts += [
            Ellipsoid(f"{side}_shoulder_cap", j[f"{side}_shoulder"], f[f"{side}_upper_arm"],
                      np.array([0.05, 0.05, 0.05]) * g, look.shirt),
            _segment(f"{side}_upper_arm", j[f"{side}_shoulder"], j[f"{side}_elbow"], f[f"{side}_upper_arm"],
                     0.047 * g, look.shirt, 0.02 * s),
            Ellipsoid(f"{side}_elbow", j[f"{side}_elbow"], f[f"{side}_forearm"], np.array([0.041] * 3) * g, look.skin),
            _segment(f"{side}_forearm", j[f"{side}_elbow"], j[f"{side}_wrist"], f[f"{side}_forearm"],
                     0.037 * g, look.skin, 0.01 * s),
            Ellipsoid(f"{side}_hand", _frame_point(sk, f"{side}_wrist", f"{side}_hand", (0.0, -0.075, 0.0)),
                      f[f"{side}_hand"], np.array([0.042, 0.08, 0.02]) * s, look.skin),
            _segment(f"{side}_thigh", j[f"{side}_hip"], j[f"{side}_knee"], f[f"{side}_thigh"],
                     0.076 * g, look.pants, 0.04 * s),
            Ellipsoid(f"{side}_knee", j[f"{side}_knee"], f[f"{side}_shin"], np.array([0.056] * 3) * g, look.pants),
            _segment(f"{side}_shin", j[f"{side}_knee"], j[f"{side}_ankle"], f[f"{side}_shin"],
                     0.052 * g, look.pants, 0.0),
            Ellipsoid(f"{side}_ankle", j[f"{side}_ankle"], f[f"{side}_foot"], np.array([0.04] * 3) * s, look.skin),
            Ellipsoid(f"{side}_shoe",
                      _frame_point(sk, f"{side}_ankle", f"{side}_foot", (0.078, -0.033, 0.0)),
                      f[f"{side}_foot"], np.array([0.138, 0.042, 0.048]) * s, look.shoes),
        ]
    return parts


def _face(sk: Skeleton, look: Look) -> list[Ellipsoid]:
    s = sk.dims.scale
    f = sk.frames["head"]
    sclera, iris, lips = (0.96, 0.96, 0.93), (0.12, 0.08, 0.06), (0.62, 0.3, 0.3)
    brow = tuple(c * 0.7 for c in look.hair)
    nose_rgb = tuple(c * 0.96 for c in look.skin)

    def at(name, offset, radii, rgb):
        return Ellipsoid(name, _frame_point(sk, "head", "head", offset), f, np.asarray(radii, float) * s, rgb)

    parts = [
        at("hair", (-0.016, 0.028, 0.0), (0.102, 0.114, 0.092), look.hair),
        at("nose", (0.093, -0.005, 0.0), (0.022, 0.026, 0.013), nose_rgb),
        at("mouth", (0.084, -0.05, 0.0), (0.012, 0.007, 0.025), lips),
    ]
    for side in SIDES:
        z = SIDE_SIGN[side]
        parts += [
            at(f"{side}_eye", (0.083, 0.02, z * 0.035), (0.013, 0.010, 0.016), sclera),
            at(f"{side}_iris", (0.093, 0.02, z * 0.035), (0.007, 0.007, 0.007), iris),
            at(f"{side}_brow", (0.083, 0.046, z * 0.037), (0.008, 0.005, 0.021), brow),
            at(f"{side}_ear", (0.0, 0.0, z * 0.082), (0.024, 0.031, 0.012), look.skin),
        ]
    return parts


def landmark_positions(sk: Skeleton) -> np.ndarray:
    """``(33, 3)`` scene-frame positions of the BlazePose landmarks on this skeleton (metres).

    Limb landmarks are joint centres (as MediaPipe's are); face landmarks sit on the face surface.
    """
    out = np.zeros((NUM_LANDMARKS, 3))
    j = sk.joints
    out[Landmark.nose] = _frame_point(sk, "head", "head", (0.11, -0.005, 0.0))  # just inside the tip
    for side, name in (("l", "left"), ("r", "right")):
        z = SIDE_SIGN[side]
        head = lambda off: _frame_point(sk, "head", "head", off)  # noqa: E731 - tiny local helper
        out[Landmark[f"{name}_eye_inner"]] = head((0.092, 0.02, z * 0.021))
        out[Landmark[f"{name}_eye"]] = head((0.095, 0.02, z * 0.035))
        out[Landmark[f"{name}_eye_outer"]] = head((0.09, 0.02, z * 0.049))
        out[Landmark[f"{name}_ear"]] = head((0.0, 0.0, z * 0.09))
        out[Landmark[f"mouth_{name}"]] = head((0.09, -0.05, z * 0.022))
        for lm in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            out[Landmark[f"{name}_{lm}"]] = j[f"{side}_{lm}"]
        hand = lambda off, side=side: _frame_point(sk, f"{side}_wrist", f"{side}_hand", off)  # noqa: E731
        # In the hand frame the thumb side is +x (palms face the thighs when arms hang).
        out[Landmark[f"{name}_pinky"]] = hand((-0.025, -0.085, 0.0))
        out[Landmark[f"{name}_index"]] = hand((0.02, -0.1, 0.0))
        out[Landmark[f"{name}_thumb"]] = hand((0.045, -0.055, 0.0))
        d = sk.dims
        foot = sk.frames[f"{side}_foot"]
        out[Landmark[f"{name}_heel"]] = j[f"{side}_ankle"] + foot @ np.array(
            [-d.heel_back_m, -d.ankle_height_m + 0.015 * d.scale, 0.0])
        out[Landmark[f"{name}_foot_index"]] = j[f"{side}_ankle"] + foot @ np.array(
            [d.foot_m - d.heel_back_m, -d.ankle_height_m + 0.02 * d.scale, 0.0])
    return out
