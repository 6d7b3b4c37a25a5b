"""The torso as the wall stage needs it: shoulder and hip centres, torso length, which way is back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark as L

_PAIRS = {
    "shoulder": (L.left_shoulder, L.right_shoulder),
    "hip": (L.left_hip, L.right_hip),
    "knee": (L.left_knee, L.right_knee),
    "heel": (L.left_heel, L.right_heel),
}


@dataclass(frozen=True)
class Torso:
    """Pixel geometry of the trunk in one frame.

    ``rear_sign`` is +1 when the back faces +x in the image (the person faces left), else -1:
    multiplying an x offset by it gives "how far toward the wall side".
    """

    shoulder_px: np.ndarray   # (2,) mid-shoulder
    hip_px: np.ndarray        # (2,) mid-hip
    heel_y_px: float | None   # lowest visible heel row: where the feet meet the floor
    rear_sign: int
    width_ratio: float        # mean of shoulder and hip width / torso length; <0.1 side-on, ~0.4 three-quarter

    @property
    def length_px(self) -> float:
        return float(np.linalg.norm(self.shoulder_px - self.hip_px))

    def row_at(self, fraction: float) -> float:
        """Image row at ``fraction`` of the way from the shoulders (0) to the hips (1)."""
        return float(self.shoulder_px[1] + fraction * (self.hip_px[1] - self.shoulder_px[1]))


def _centre(pose: PoseFrame, name: str) -> np.ndarray | None:
    """Mean of the visible side(s) of a left/right landmark pair, pixels."""
    pts = [pose.xy_px[lm] for lm in _PAIRS[name] if not pose.missing[lm]]
    return np.mean(pts, axis=0) if pts else None


def _width(pose: PoseFrame, name: str) -> float | None:
    a, b = _PAIRS[name]
    if pose.missing[a] or pose.missing[b]:
        return None
    return float(np.linalg.norm(pose.xy_px[a] - pose.xy_px[b]))


def torso_of(pose: PoseFrame) -> Torso | None:
    """The torso, or ``None`` when shoulders, hips or knees are not seen (no way to tell front from back)."""
    shoulder, hip, knee = _centre(pose, "shoulder"), _centre(pose, "hip"), _centre(pose, "knee")
    if shoulder is None or hip is None or knee is None:
        return None
    length = float(np.linalg.norm(shoulder - hip))
    if length < 4.0:  # px; a torso this small cannot be measured
        return None
    # In a wall sit the knees are in front of the hips, so the back is on the other side.
    rear_sign = 1 if knee[0] < hip[0] else -1
    heels = [pose.xy_px[lm][1] for lm in _PAIRS["heel"] if not pose.missing[lm]]
    # Same measure as the exercises' view check (formcheck.judge.exercises.views.width_ratio).
    widths = [w for w in (_width(pose, "shoulder"), _width(pose, "hip")) if w is not None]
    width = float(np.mean(widths)) / length if widths else 0.0
    return Torso(shoulder, hip, float(max(heels)) if heels else None, rear_sign, width)
