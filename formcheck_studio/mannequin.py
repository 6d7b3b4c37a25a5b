"""The mannequin's skeleton: segment lengths from a body height, forward kinematics, two-link IK.

Coordinates (the "scene" frame, used everywhere in the studio): metres, ``y`` up with the floor at
``y = 0``. In the body's own frame, standing, ``x`` points forward (the way the chest faces),
``y`` up and ``z`` to the body's right, so left-side parts sit at negative ``z``.

Joint angles are degrees, named ``<side>_<joint>`` (``l_knee``, ``r_hip_flex`` ...), with
anatomical signs: flexion positive for hips, knees, shoulders, elbows and spine; ankle positive is
dorsiflexion (toes up). A missing angle is 0, which is standing with arms hanging.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

SIDES = ("l", "r")
# z sign of each side in the body frame (left is -z).
SIDE_SIGN = {"l": -1.0, "r": 1.0}


def rot_x(deg: float) -> np.ndarray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(deg: float) -> np.ndarray:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def rot_axis(axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotation about an arbitrary axis (Rodrigues)."""
    k = np.asarray(axis, float)
    k = k / (np.linalg.norm(k) + 1e-12)
    a = math.radians(deg)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(a) * kx + (1 - math.cos(a)) * (kx @ kx)


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths (metres) of one mannequin; radii scale with ``height_m`` and ``girth``."""

    height_m: float = 1.75
    girth: float = 1.0
    hip_half_width_m: float = 0.0875
    lumbar_m: float = 0.175       # mid-hip to the lumbar joint
    thorax_m: float = 0.175       # lumbar joint to the thoracic joint
    upper_chest_m: float = 0.175  # thoracic joint to the neck base
    shoulder_half_width_m: float = 0.175
    shoulder_drop_m: float = 0.021
    neck_m: float = 0.079
    head_center_m: float = 0.096  # neck top (head joint) to the centre of the head ellipsoid
    upper_arm_m: float = 0.326
    forearm_m: float = 0.256
    hand_m: float = 0.189
    thigh_m: float = 0.429
    shin_m: float = 0.43
    ankle_height_m: float = 0.068
    foot_m: float = 0.266
    heel_back_m: float = 0.055

    @property
    def scale(self) -> float:
        """Size relative to the 1.75 m reference body, for radii."""
        return self.height_m / 1.75

    @classmethod
    def from_height(cls, height_m: float = 1.75, rng: np.random.Generator | None = None,
                    variation: float = 0.0, girth: float = 1.0) -> BodyDims:
        """Winter's anthropometric ratios; ``variation`` (e.g. 0.04) jitters each length by up to ±4 %."""
        h = float(height_m)

        def seg(ratio: float) -> float:
            jitter = 1.0 + (rng.uniform(-variation, variation) if rng is not None and variation else 0.0)
            return ratio * h * jitter

        return cls(
            height_m=h, girth=girth, hip_half_width_m=seg(0.05), lumbar_m=seg(0.10), thorax_m=seg(0.10),
            upper_chest_m=seg(0.10), shoulder_half_width_m=seg(0.10), shoulder_drop_m=0.012 * h,
            neck_m=0.045 * h, head_center_m=0.055 * h, upper_arm_m=seg(0.186), forearm_m=seg(0.146),
            hand_m=0.108 * h, thigh_m=seg(0.245), shin_m=seg(0.246), ankle_height_m=0.039 * h,
            foot_m=0.152 * h, heel_back_m=0.031 * h,
        )


@dataclass(frozen=True)
class Pose:
    """Where the pelvis is and how every joint is bent.

    ``root_m`` is the mid-point between the hip joints in scene coordinates. The root orientation
    applies, in this order, a side bend ``roll`` (about the body's forward axis), a ``twist`` about
    its long axis, a forward ``pitch`` (90 = lying face down with the head toward +x, -90 = on the
    back) and a ``yaw`` about the vertical; all degrees.
    """

    root_m: tuple[float, float, float] = (0.0, 0.93, 0.0)
    yaw: float = 0.0
    pitch: float = 0.0
    twist: float = 0.0
    roll: float = 0.0
    angles: Mapping[str, float] = field(default_factory=dict)

    def angle(self, name: str) -> float:
        return float(self.angles.get(name, 0.0))

    def root_rotation(self) -> np.ndarray:
        return rot_y(self.yaw) @ rot_z(-self.pitch) @ rot_y(self.twist) @ rot_x(self.roll)


@dataclass(frozen=True)
class Skeleton:
    """Posed joints (``name -> (3,)`` metres, scene frame) and segment frames (``name -> (3, 3)``).

    A segment frame's columns are the segment's x (forward), y (along the bone, toward its parent
    for limbs hanging down is -y) and z axes in scene coordinates.
    """

    dims: BodyDims
    joints: dict[str, np.ndarray]
    frames: dict[str, np.ndarray]


def forward_kinematics(dims: BodyDims, pose: Pose) -> Skeleton:
    """Place every joint of ``dims`` in the posture ``pose``."""
    a = pose.angle
    joints: dict[str, np.ndarray] = {}
    frames: dict[str, np.ndarray] = {}
    root = np.asarray(pose.root_m, float)
    r_body = pose.root_rotation()
    # The pelvis may tilt or twist against the trunk (pelvic tilt, a bird dog's hip hike), so legs
    # hang from their own frame while the spine starts from the body frame.
    r_pelvis = r_body @ rot_z(a("pelvis_tilt")) @ rot_y(a("pelvis_twist"))
    joints["root"] = root
    frames["pelvis"] = r_pelvis
    frames["body"] = r_body

    # Spine: two joints share the flexion so cat-cow curves rather than kinks.
    def spine_rot(share: float) -> np.ndarray:
        return rot_z(-a("spine_flex") * share) @ rot_x(a("spine_bend") * share) @ rot_y(a("spine_twist") * share)

    up = np.array([0.0, 1.0, 0.0])
    joints["lumbar"] = root + r_body @ (up * dims.lumbar_m)
    frames["abdomen"] = r_body @ spine_rot(0.5)
    joints["thorax"] = joints["lumbar"] + frames["abdomen"] @ (up * dims.thorax_m)
    frames["chest"] = frames["abdomen"] @ spine_rot(0.5)
    joints["neck"] = joints["thorax"] + frames["chest"] @ (up * dims.upper_chest_m)
    frames["neck"] = frames["chest"] @ rot_z(-a("neck_flex") * 0.5)
    joints["head_joint"] = joints["neck"] + frames["neck"] @ (up * dims.neck_m)
    frames["head"] = frames["neck"] @ rot_z(-a("neck_flex") * 0.5) @ rot_y(a("neck_twist"))
    joints["head"] = joints["head_joint"] + frames["head"] @ (up * dims.head_center_m)

    down = np.array([0.0, -1.0, 0.0])
    for side in SIDES:
        s = SIDE_SIGN[side]
        # Arms hang from the chest.
        shoulder = joints["neck"] + frames["chest"] @ np.array(
            [0.0, -dims.shoulder_drop_m, s * dims.shoulder_half_width_m])
        r_upper = frames["chest"] @ rot_z(a(f"{side}_sh_flex")) @ rot_x(-s * a(f"{side}_sh_abd"))
        elbow = shoulder + r_upper @ (down * dims.upper_arm_m)
        r_fore = r_upper @ rot_z(a(f"{side}_elbow"))
        wrist = elbow + r_fore @ (down * dims.forearm_m)
        r_hand = r_fore @ rot_z(a(f"{side}_wrist"))
        joints.update({f"{side}_shoulder": shoulder, f"{side}_elbow": elbow, f"{side}_wrist": wrist})
        frames.update({f"{side}_upper_arm": r_upper, f"{side}_forearm": r_fore, f"{side}_hand": r_hand})

        # Legs hang from the pelvis.
        hip = root + r_pelvis @ np.array([0.0, 0.0, s * dims.hip_half_width_m])
        r_thigh = r_pelvis @ rot_z(a(f"{side}_hip_flex")) @ rot_x(-s * a(f"{side}_hip_abd"))
        knee = hip + r_thigh @ (down * dims.thigh_m)
        r_shin = r_thigh @ rot_z(-a(f"{side}_knee"))
        ankle = knee + r_shin @ (down * dims.shin_m)
        # A clamshell opens the knee about the hip-to-ankle axis, so the feet stay together.
        opening = a(f"{side}_leg_open")
        if opening:
            turn = rot_axis(ankle - hip, -s * opening)
            # Sign chosen so a positive opening lifts the knee away from the body's midline.
            knee = hip + turn @ (knee - hip)
            r_thigh, r_shin = turn @ r_thigh, turn @ r_shin
        r_foot = r_shin @ rot_z(a(f"{side}_ankle"))
        joints.update({f"{side}_hip": hip, f"{side}_knee": knee, f"{side}_ankle": ankle})
        frames.update({f"{side}_thigh": r_thigh, f"{side}_shin": r_shin, f"{side}_foot": r_foot})
    return Skeleton(dims, joints, frames)


def two_link_ik(target_xy: np.ndarray, upper_m: float, lower_m: float, bend: float) -> tuple[float, float]:
    """Angles that put the end of a two-link limb at ``target_xy`` (metres, from the limb's root).

    The plane is the limb's own: ``x`` forward, ``y`` up, and a limb at angle 0 hangs straight down.
    ``bend = -1`` for knees (the lower link folds backward), ``+1`` for elbows (it folds forward).
    Returns ``(root_flex_deg, bend_deg)``: the root joint's flexion (positive swings the limb
    forward) and the middle joint's flexion (0 = straight). Out-of-reach targets are clamped to
    the nearest reachable distance along the same direction.
    """
    x, y = float(target_xy[0]), float(target_xy[1])
    dist = math.hypot(x, y)
    lo, hi = abs(upper_m - lower_m) + 1e-6, upper_m + lower_m - 1e-6
    dist = min(max(dist, lo), hi)
    direction = math.degrees(math.atan2(x, -y))  # 0 = straight down, positive = forward
    cos_mid = (upper_m**2 + lower_m**2 - dist**2) / (2 * upper_m * lower_m)
    mid_flex = 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos_mid))))
    cos_root = (upper_m**2 + dist**2 - lower_m**2) / (2 * upper_m * dist)
    offset = math.degrees(math.acos(max(-1.0, min(1.0, cos_root))))
    # The upper link leads the target on the side opposite the fold.
    root_flex = direction - bend * offset
    return root_flex, mid_flex


def leg_ik_angles(dims: BodyDims, pose: Pose, side: str, ankle_target_m: np.ndarray) -> tuple[float, float]:
    """Hip flexion and knee flexion (degrees) that put ``side``'s ankle at a scene-frame target.

    Solves in the pelvis's sagittal plane (hip abduction is taken as zero).
    """
    sk = forward_kinematics(dims, pose)
    hip = sk.joints[f"{side}_hip"]
    local = sk.frames["pelvis"].T @ (np.asarray(ankle_target_m, float) - hip)
    return two_link_ik(local[:2], dims.thigh_m, dims.shin_m, bend=-1.0)


def arm_ik_angles(dims: BodyDims, pose: Pose, side: str, wrist_target_m: np.ndarray) -> tuple[float, float]:
    """Shoulder flexion and elbow flexion (degrees) that put ``side``'s wrist at a scene-frame target."""
    sk = forward_kinematics(dims, pose)
    shoulder = sk.joints[f"{side}_shoulder"]
    local = sk.frames["chest"].T @ (np.asarray(wrist_target_m, float) - shoulder)
    return two_link_ik(local[:2], dims.upper_arm_m, dims.forearm_m, bend=1.0)
