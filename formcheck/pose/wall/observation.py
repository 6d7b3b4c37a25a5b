"""``WallObservation``: what the wall stage saw in one frame, and its array form for recordings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Line = tuple[tuple[float, float], tuple[float, float]]
"""Two points ``((x1, y1), (x2, y2))`` in normalized image coordinates (x right, y down)."""

MAX_CONTOUR_POINTS = 32  # contour points kept per frame in the array form (resampled evenly)


@dataclass(frozen=True, eq=False)
class WallObservation:
    """The wall line and the back's distance to it in one frame.

    Attributes:
        line: the wall line, or ``None`` when no wall was found (wall checks then cannot see).
        confidence: 0..1, how sure the line is the wall the person leans on.
        lumbar_gap: largest gap between the back contour and the wall at lumbar height, in torso
            lengths (shoulder-hip distance); positive = the back is in front of the wall, negative =
            the contour reaches past the line (estimation error). ``None`` when unknown.
        shoulder_gap, hip_gap: smallest gap at the shoulder blades / the buttocks, same units.
        contour_norm: ``(K, 2)`` float32 back contour points used, normalized image coordinates
            (empty when there is no mask or no person).
        lumbar_point_norm: the contour point where ``lumbar_gap`` was measured, normalized.
        inferred: the line was not seen in the image but inferred from a posture that cannot be held
            without a support behind the back (:mod:`formcheck.pose.wall.support`); it is the back's
            rear tangent, and its confidence is capped below a seen wall's.
    """

    line: Line | None
    confidence: float
    lumbar_gap: float | None
    shoulder_gap: float | None
    hip_gap: float | None
    contour_norm: np.ndarray
    lumbar_point_norm: tuple[float, float] | None = None
    inferred: bool = False

    @classmethod
    def unseen(cls, line: Line | None = None, confidence: float = 0.0) -> WallObservation:
        """No gap could be measured (no person, no mask, or not a side view)."""
        return cls(line, confidence, None, None, None, np.zeros((0, 2), np.float32))


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _none_if_nan(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _resample(points: np.ndarray, k: int) -> np.ndarray:
    """``(k, 2)`` evenly spaced by index, NaN-padded when there are fewer than ``k``."""
    out = np.full((k, 2), np.nan, np.float32)
    if len(points) == 0:
        return out
    idx = np.linspace(0, len(points) - 1, min(k, len(points))).round().astype(int)
    out[: len(idx)] = points[idx]
    return out


def to_arrays(observations: Sequence[WallObservation]) -> dict[str, np.ndarray]:
    """Observations of N frames as arrays for an ``.npz`` recording.

    Keys: ``wall_line`` float32 ``(N, 2, 2)`` (NaN without a line), ``wall_confidence`` float32
    ``(N,)``, ``wall_gaps_torso`` float32 ``(N, 3)`` lumbar/shoulder/hip (NaN when unknown),
    ``wall_contour`` float32 ``(N, MAX_CONTOUR_POINTS, 2)`` (NaN-padded), ``wall_lumbar_point``
    float32 ``(N, 2)`` (NaN when unknown), ``wall_inferred`` bool ``(N,)`` (absent from older
    recordings: read as all False). All coordinates normalized.
    """
    n = len(observations)
    line = np.full((n, 2, 2), np.nan, np.float32)
    conf = np.zeros(n, np.float32)
    gaps = np.full((n, 3), np.nan, np.float32)
    contour = np.full((n, MAX_CONTOUR_POINTS, 2), np.nan, np.float32)
    lumbar_point = np.full((n, 2), np.nan, np.float32)
    inferred = np.array([o.inferred for o in observations], bool).reshape(n)
    for i, o in enumerate(observations):
        if o.line is not None:
            line[i] = o.line
        conf[i] = o.confidence
        gaps[i] = [_nan_if_none(o.lumbar_gap), _nan_if_none(o.shoulder_gap), _nan_if_none(o.hip_gap)]
        contour[i] = _resample(o.contour_norm, MAX_CONTOUR_POINTS)
        if o.lumbar_point_norm is not None:
            lumbar_point[i] = o.lumbar_point_norm
    return {"wall_line": line, "wall_confidence": conf, "wall_gaps_torso": gaps, "wall_contour": contour,
            "wall_lumbar_point": lumbar_point, "wall_inferred": inferred}


def from_arrays(arrays: dict[str, np.ndarray]) -> list[WallObservation]:
    """Inverse of :func:`to_arrays` (contours come back resampled to at most ``MAX_CONTOUR_POINTS``)."""
    out = []
    inferred = arrays.get("wall_inferred", np.zeros(len(arrays["wall_line"]), bool))
    for line, conf, gaps, contour, lumbar, guessed in zip(arrays["wall_line"], arrays["wall_confidence"],
                                                          arrays["wall_gaps_torso"], arrays["wall_contour"],
                                                          arrays["wall_lumbar_point"], inferred):
        points = contour[np.isfinite(contour).all(axis=1)]
        ln = None if not np.isfinite(line).all() else tuple(tuple(float(v) for v in p) for p in line)
        lp = None if not np.isfinite(lumbar).all() else (float(lumbar[0]), float(lumbar[1]))
        out.append(WallObservation(ln, float(conf), _none_if_nan(gaps[0]), _none_if_nan(gaps[1]),
                                   _none_if_nan(gaps[2]), points.astype(np.float32), lp, bool(guessed)))
    return out
