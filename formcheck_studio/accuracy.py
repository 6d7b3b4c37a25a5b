"""Pose-estimator accuracy against studio ground truth: landmark error and the measures checks use.

Shared by ``benchmarks/studio_detection.py`` and ``benchmarks/studio_sweep.py``. Landmark errors are
2D, in the image, as a fraction of the body's height in pixels at the hips' depth. Measures (joint
angles, segment tilts, a point's offset from a line) are computed the way formcheck's checks compute
them, in 2D image coordinates (:mod:`formcheck.pose.geometry`); :meth:`Measure.value_side_plane`
gives the same quantity in the true body, in its side plane (an ideal side view), so
``2D truth - side-plane truth`` is how much the camera's placement distorts the measure itself, and
``estimate - 2D truth`` is the estimator's error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from formcheck.pose import geometry
from formcheck.pose.landmarks import Landmark
from formcheck_studio.groundtruth import GroundTruth

#: Shoulders, hips, knees and ankles, both sides: the landmarks the landmark error averages.
BODY: tuple[Landmark, ...] = (
    Landmark.left_shoulder, Landmark.right_shoulder, Landmark.left_hip, Landmark.right_hip,
    Landmark.left_knee, Landmark.right_knee, Landmark.left_ankle, Landmark.right_ankle,
)
_HIPS = [Landmark.left_hip, Landmark.right_hip]


def angle_deg(p: np.ndarray, a: int, b: int, c: int) -> float:
    """Angle ``a-b-c`` at ``b`` in degrees between rows of ``p`` (any dimension; 180 = straight)."""
    u, v = p[a] - p[b], p[c] - p[b]
    return math.degrees(math.acos(float(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))


def px_per_m(truth: GroundTruth, index: int) -> float:
    """Image scale at the hips' depth in frame ``index``: pixels per metre."""
    depth = float(truth.image_norm[index, _HIPS, 2].mean())
    return float(truth.camera["fx_px"]) / depth


def landmark_error(got_px: np.ndarray, truth: GroundTruth, index: int,
                   landmarks: tuple[Landmark, ...] = BODY) -> float:
    """Mean 2D distance of ``got_px`` (``(33, 2)`` pixels) from the truth over ``landmarks``, as a fraction of
    body height."""
    want = truth.xy_px(index)
    lm = list(landmarks)
    err_px = np.linalg.norm(got_px[lm] - want[lm], axis=1)
    return float(err_px.mean()) / (truth.body_height_m * px_per_m(truth, index))


def near_side(truth: GroundTruth, index: int) -> Literal["left", "right"]:
    """The side of the body nearer the camera (by the hips' depth) in frame ``index``."""
    d = truth.image_norm[index, :, 2]
    return "left" if d[Landmark.left_hip] <= d[Landmark.right_hip] else "right"


@dataclass(frozen=True)
class Measure:
    """One quantity a check judges, on the side of the body facing the camera.

    ``kind``: ``joint`` (angle at the middle point, degrees), ``vertical`` / ``horizontal`` (a
    segment's tilt from that direction, 0..90 degrees) or ``line`` (signed offset of ``points[0]``
    from the line ``points[1]``-``points[2]``, positive above it, per the length ``per``).
    ``points`` are side-less landmark names (``"hip"``).
    """

    name: str
    kind: Literal["joint", "vertical", "horizontal", "line"]
    points: tuple[str, ...]
    per: tuple[str, str] | None = None

    @property
    def unit(self) -> str:
        return "len" if self.kind == "line" else "deg"

    def _idx(self, side: str, names) -> list[int]:
        return [int(Landmark[f"{side}_{n}"]) for n in names]

    def value_2d(self, xy_px: np.ndarray, side: str) -> float | None:
        """The measure in the image, as formcheck's checks compute it (``(33, 2)`` pixels)."""
        p = [tuple(float(v) for v in xy_px[i]) for i in self._idx(side, self.points)]
        if self.kind == "joint":
            return geometry.joint_angle_deg(*p)
        if self.kind == "vertical":
            return geometry.segment_angle_to_vertical_deg(*p)
        if self.kind == "horizontal":
            return geometry.segment_angle_to_horizontal_deg(*p)
        assert self.per is not None
        a, b = (tuple(float(v) for v in xy_px[i]) for i in self._idx(side, self.per))
        d, length = geometry.signed_line_distance_px(*p), geometry.distance_px(a, b)
        return None if d is None or length == 0 else d / length

    def value_side_plane(self, world_m: np.ndarray, side: str) -> float | None:
        """The same measure in the body itself, seen from an ideal side view.

        ``world_m`` (``(33, 3)`` scene metres, y up) is projected orthographically onto the body's
        side plane (the scene's x-y plane: studio bodies face or lie along +x): true lengths and
        angles in that plane, no perspective, no yaw. This, not the raw 3D angle, is what a side-view
        check means: a 3D hip angle of a straight plank is not 180 degrees, because the shoulders are
        wider apart than the ankles, but the body is still straight.
        """
        return self.value_2d(np.stack([world_m[:, 0], -world_m[:, 1]], axis=1), side)


def _m(name, kind, *points, per=None) -> Measure:
    return Measure(name, kind, tuple(points), per)


#: What each exercise's checks (and entry / phase conditions) measure, as in ``poses/*.toml``.
EXERCISE_MEASURES: dict[str, tuple[Measure, ...]] = {
    "wall_sit": (
        _m("knee angle", "joint", "hip", "knee", "ankle"),
        _m("thigh tilt", "horizontal", "hip", "knee"),
        _m("shin tilt", "vertical", "knee", "ankle"),
        _m("trunk tilt", "vertical", "shoulder", "hip"),
    ),
    "forearm_plank": (
        _m("hip angle", "joint", "shoulder", "hip", "ankle"),
        _m("hip offset", "line", "hip", "shoulder", "ankle", per=("shoulder", "ankle")),
        _m("upper-arm tilt", "vertical", "shoulder", "elbow"),
    ),
    "glute_bridge": (
        _m("hip angle", "joint", "shoulder", "hip", "knee"),
        _m("knee angle", "joint", "hip", "knee", "ankle"),
        _m("hip offset", "line", "hip", "shoulder", "knee", per=("shoulder", "hip")),
        _m("shin tilt", "vertical", "knee", "ankle"),
    ),
    "bodyweight_squat": (
        _m("knee angle", "joint", "hip", "knee", "ankle"),
        _m("hip angle", "joint", "shoulder", "hip", "knee"),
        _m("trunk lean", "vertical", "shoulder", "hip"),
        _m("shin tilt", "vertical", "knee", "ankle"),
    ),
}

__all__ = ["BODY", "EXERCISE_MEASURES", "Measure", "angle_deg", "landmark_error", "near_side", "px_per_m"]
