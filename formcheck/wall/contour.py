"""The back contour: for each row of the trunk, where the person's silhouette ends on the wall side."""

from __future__ import annotations

import numpy as np

from formcheck.wall.body import Torso

BACK_SPAN = (0.0, 1.12)   # rows covered, as fractions shoulder (0) -> hip (1); past 1 reaches the buttocks
MAX_BACK_DEPTH_TORSO = 0.8  # the back surface is at most this far behind the trunk axis, torso lengths


def _axis_x(torso: Torso, y: float) -> float:
    """Column of the shoulder-hip line at row ``y`` (extended past the hips)."""
    (xs, ys), (xh, yh) = torso.shoulder_px, torso.hip_px
    if abs(yh - ys) < 1e-6:
        return float(xh)
    return float(xs + (y - ys) * (xh - xs) / (yh - ys))


def _rear_edge(row: np.ndarray, x_axis: int, rear_sign: int, limit: int) -> int | None:
    """Last person pixel walking from the trunk axis toward the wall side, or ``None`` if the axis is not on the body."""
    if not row[x_axis]:
        return None
    stop = x_axis + rear_sign * limit
    stop = int(np.clip(stop, 0, len(row) - 1))
    span = row[x_axis:stop + 1] if rear_sign > 0 else row[stop:x_axis + 1][::-1]
    gaps = np.flatnonzero(~span)
    run = int(gaps[0]) if len(gaps) else len(span)
    return x_axis + rear_sign * (run - 1)


def back_contour(person: np.ndarray, torso: Torso, span: tuple[float, float] = BACK_SPAN) -> np.ndarray:
    """``(K, 2)`` float32 pixel points ``(x, y)`` of the back, top to bottom; rows off the body are skipped."""
    h, w = person.shape
    limit = int(MAX_BACK_DEPTH_TORSO * torso.length_px)
    y0, y1 = (int(round(torso.row_at(f))) for f in span)
    points = []
    for y in range(max(0, y0), min(h, y1 + 1)):
        x_axis = int(round(_axis_x(torso, y)))
        if not 0 <= x_axis < w:
            continue
        x = _rear_edge(person[y], x_axis, torso.rear_sign, limit)
        if x is not None:
            points.append((x, y))
    return np.asarray(points, np.float32).reshape(-1, 2)
