"""Gaps between the back contour and the wall line, in torso lengths, per band of the back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.wall.body import Torso

# Bands along the back as fractions shoulder (0) -> hip (1). The lumbar curve sits in the lower
# half of the trunk above the sacrum; the shoulder blades and buttocks are where a back touches.
SHOULDER_BAND = (0.05, 0.30)
LUMBAR_BAND = (0.55, 0.90)
HIP_BAND = (0.90, 1.12)


@dataclass(frozen=True)
class WallLinePx:
    """``x = x_ref_px + tilt * (y - y_ref_px)`` in pixels."""

    x_ref_px: float
    y_ref_px: float
    tilt: float

    def x_at(self, y_px: np.ndarray) -> np.ndarray:
        return self.x_ref_px + self.tilt * (np.asarray(y_px, np.float64) - self.y_ref_px)


@dataclass(frozen=True)
class BackGaps:
    lumbar: float | None     # largest, torso lengths
    lumbar_point_px: tuple[float, float] | None  # where the largest lumbar gap is
    shoulder: float | None   # smallest, torso lengths
    hip: float | None        # smallest, torso lengths


def row_gaps_torso(contour_px: np.ndarray, line: WallLinePx, torso: Torso) -> np.ndarray:
    """``(K,)`` signed gap of each contour point: positive = in front of the wall (off it)."""
    gap_px = torso.rear_sign * (line.x_at(contour_px[:, 1]) - contour_px[:, 0])
    return gap_px / torso.length_px


def _band_indices(contour_px: np.ndarray, torso: Torso, band: tuple[float, float]) -> np.ndarray:
    """Indices of the contour points whose rows lie in ``band`` (fractions shoulder -> hip)."""
    lo, hi = (torso.row_at(f) for f in band)
    rows = contour_px[:, 1]
    return np.flatnonzero((rows >= min(lo, hi)) & (rows <= max(lo, hi)))


def back_gaps(contour_px: np.ndarray, line: WallLinePx, torso: Torso, min_rows: int = 3) -> BackGaps:
    """The lumbar gap (largest in its band) and the shoulder and hip gaps (smallest in theirs)."""
    if len(contour_px) == 0:
        return BackGaps(None, None, None, None)
    gaps = row_gaps_torso(contour_px, line, torso)

    def pick(band: tuple[float, float], largest: bool) -> int | None:
        """Index into the contour of the band's largest/smallest gap; ``None`` if the band is mostly off the mask."""
        idx = _band_indices(contour_px, torso, band)
        if len(idx) < min_rows:
            return None
        return int(idx[np.argmax(gaps[idx]) if largest else np.argmin(gaps[idx])])

    lumbar, shoulder, hip = pick(LUMBAR_BAND, True), pick(SHOULDER_BAND, False), pick(HIP_BAND, False)
    point = None if lumbar is None else (float(contour_px[lumbar, 0]), float(contour_px[lumbar, 1]))
    return BackGaps(_value(gaps, lumbar), point, _value(gaps, shoulder), _value(gaps, hip))


def _value(gaps: np.ndarray, index: int | None) -> float | None:
    return None if index is None else float(gaps[index])
