"""A wall inferred from the posture, for when the image shows none (a seamless white studio wall).

A wall sit cannot be held unsupported: with the trunk upright, the thighs level and the shins
upright, the hips and the trunk's weight are well behind the heels, and the body would topple
backwards. If that posture is held, something behind the back carries it; if the space under the
thighs is empty (no chair, no stool), that something is behind the back, and the back rests on it
where it reaches farthest back: at the shoulder blades and the buttocks. The line touching the back
there (its rear tangent) is then the support's surface, and the lumbar gap is measured against it.

This is weaker evidence than a wall line seen in the image: it cannot tell a wall from any other
upright support behind the back, and it says where the back touches, not that it touches a wall.
So it is only used when no wall line is seen, its confidence is capped below a seen wall's
(``SupportParams.confidence_cap``), and the observation is marked ``inferred``.

Measured on videos/wall-sit/leap-wall-sit.mp4 (three-quarter view, seamless cyclorama, held
throughout; sampled at 3 fps): trunk 2.4-3.6 deg from vertical, thighs 19-22 deg from horizontal,
shins 5-6.5 deg from vertical, near hip 0.29-0.31 torso lengths behind its heel, rear tangent 2.0-3.0
deg from vertical, no edges under the thighs; the inferred line's lumbar gap reads 0.08-0.09 torso
lengths. Rendered good holds (formcheck studio, side) read trunk 1-3, tangent 0-1, hips 0.76 behind;
the rendered back_off_wall trunk 11-12 and tangent 9.5-10.4, so it never qualifies. The floor
texture, shadows or brick under the thighs in the other clips make the clear-space test refuse,
which only costs an inference where a seen wall is usually found anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.geometry import segment_angle_to_horizontal_deg, segment_angle_to_vertical_deg
from formcheck.pose.landmarks import Landmark as L
from formcheck.pose.wall.body import Torso
from formcheck.pose.wall.gaps import HIP_BAND, SHOULDER_BAND, WallLinePx

_LEGS = {side: (L[f"{side}_hip"], L[f"{side}_knee"], L[f"{side}_ankle"], L[f"{side}_heel"])
         for side in ("left", "right")}


@dataclass(frozen=True)
class SupportParams:
    min_visibility: float = 0.5        # the near leg's landmarks, as the landmark gate
    # Shoulder-hip line from vertical: leaning forward balances without a wall. Real holds lean at
    # most 8 (calibration/wall_sit.toml, entry_trunk_tilt_max); the rendered back_off_wall reads 11-12.
    max_trunk_tilt_deg: float = 8.0
    max_thigh_tilt_deg: float = 25.0   # hip-knee from horizontal (three-quarter views read up to 21)
    max_shin_tilt_deg: float = 20.0    # knee-ankle from vertical
    # Hip behind the heel (near leg), torso lengths: the trunk's weight outside the base of support.
    min_hip_behind_heel_torso: float = 0.2
    # The support touching the back is upright, like a wall: leap-wall-sit reads 2-3, rendered good
    # holds at most 1, the rendered back_off_wall (shoulders forward of the buttocks) 9.5-10.4.
    max_tangent_tilt_deg: float = 6.0
    # Under the thighs: edge pixels (Canny, as the wall search) per background pixel. A chair or a
    # stool draws its seat and legs there; a clear floor and wall draw almost nothing.
    max_edges_under_thighs: float = 0.01
    canny: tuple[int, int] = (15, 45)
    memory_s: float = 1.5               # the posture must persist, as a seen line's votes must
    confidence_cap: float = 0.5         # an inferred support never reads as sure as a seen wall


def _near_leg(pose: PoseFrame, params: SupportParams) -> np.ndarray | None:
    """``(4, 2)`` pixels hip, knee, ankle, heel of the better-seen leg, or ``None`` if neither is seen."""
    best = max(_LEGS.values(), key=lambda lms: float(np.min(pose.visibility[list(lms)])))
    if np.min(pose.visibility[list(best)]) < params.min_visibility or pose.missing[list(best)].any():
        return None
    return pose.xy_px[list(best)]


def rear_tangent(contour_px: np.ndarray, torso: Torso) -> WallLinePx | None:
    """The line through the back's rearmost point at the shoulder blades and at the buttocks."""
    if len(contour_px) == 0:
        return None
    points = []
    for band in (SHOULDER_BAND, HIP_BAND):
        lo, hi = sorted(torso.row_at(f) for f in band)
        rows = contour_px[(contour_px[:, 1] >= lo) & (contour_px[:, 1] <= hi)]
        if len(rows) < 3:
            return None
        points.append(rows[np.argmax(torso.rear_sign * rows[:, 0])])
    (x1, y1), (x2, y2) = (np.asarray(p, np.float64) for p in points)
    if abs(y2 - y1) < 1.0:
        return None
    return WallLinePx(float(x1), float(y1), float((x2 - x1) / (y2 - y1)))


def _clear_under_thighs(gray: np.ndarray, person: np.ndarray, hip: np.ndarray, knee: np.ndarray,
                        heel_y: float, params: SupportParams) -> bool:
    """No object below the thighs: few background edges between the thigh and the floor."""
    h = gray.shape[0]
    x0, x1 = sorted((int(hip[0]), int(knee[0])))
    y0 = int(max(hip[1], knee[1])) + 1
    y1 = int(min(h, heel_y))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return False
    roi = cv2.GaussianBlur(gray[y0:y1, x0:x1], (5, 5), 1.2)
    edges = cv2.Canny(roi, *params.canny) > 0
    background = ~cv2.dilate(person[y0:y1, x0:x1].astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    if background.sum() < 0.2 * background.size:
        return False  # mostly body: nothing to judge the space by
    return float(edges[background].mean()) <= params.max_edges_under_thighs


def supported_posture(pose: PoseFrame, torso: Torso, contour_px: np.ndarray, gray: np.ndarray,
                      person: np.ndarray | None, params: SupportParams = SupportParams()) -> WallLinePx | None:
    """The back's rear tangent when this frame's posture can only be held leaning on it, else ``None``."""
    if person is None or torso.heel_y_px is None:
        return None
    leg = _near_leg(pose, params)
    if leg is None:
        return None
    hip, knee, ankle, heel = leg
    trunk_deg = segment_angle_to_vertical_deg(torso.shoulder_px, torso.hip_px)
    thigh_deg = segment_angle_to_horizontal_deg(hip, knee)
    shin_deg = segment_angle_to_vertical_deg(knee, ankle)
    if trunk_deg is None or thigh_deg is None or shin_deg is None:
        return None  # a segment with no length: nothing to judge the posture by
    if (trunk_deg > params.max_trunk_tilt_deg or thigh_deg > params.max_thigh_tilt_deg
            or shin_deg > params.max_shin_tilt_deg):
        return None
    # The near leg's own hip and heel share its sagittal plane, so a three-quarter view foreshortens
    # this distance but does not mix in the hips' width as the mid-hip would.
    if torso.rear_sign * (hip[0] - heel[0]) < params.min_hip_behind_heel_torso * torso.length_px:
        return None
    line = rear_tangent(contour_px, torso)
    if line is None or np.degrees(np.arctan(abs(line.tilt))) > params.max_tangent_tilt_deg:
        return None
    if not _clear_under_thighs(gray, person, hip, knee, torso.heel_y_px, params):
        return None
    return line
