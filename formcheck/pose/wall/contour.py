"""The back contour: for each row of the trunk, where the person's silhouette ends on the wall side."""

from __future__ import annotations

import numpy as np

from formcheck.pose.wall.body import Torso

BACK_SPAN = (0.0, 1.12)   # rows covered, as fractions shoulder (0) -> hip (1); past 1 reaches the buttocks
MAX_BACK_DEPTH_TORSO = 0.8  # the back surface is at most this far behind the trunk axis, torso lengths


def _axis_x(torso: Torso, y: np.ndarray) -> np.ndarray:
    """Columns of the shoulder-hip line at rows ``y`` (extended past the hips)."""
    (xs, ys), (xh, yh) = torso.shoulder_px, torso.hip_px
    if abs(yh - ys) < 1e-6:
        return np.full(len(y), float(xh))
    return xs + (y - ys) * (xh - xs) / (yh - ys)


def back_contour(person: np.ndarray, torso: Torso, span: tuple[float, float] = BACK_SPAN) -> np.ndarray:
    """``(K, 2)`` float32 pixel points ``(x, y)`` of the back, top to bottom; rows off the body are skipped.

    In each row: the last person pixel walking from the trunk axis toward the wall side, at most
    ``MAX_BACK_DEPTH_TORSO`` away; a row whose axis is not on the body is skipped.
    """
    h, w = person.shape
    limit = int(MAX_BACK_DEPTH_TORSO * torso.length_px)
    y0, y1 = (int(round(torso.row_at(f))) for f in span)
    rows = np.arange(max(0, y0), min(h, y1 + 1))
    x_axis = np.rint(_axis_x(torso, rows.astype(np.float64))).astype(np.int64)
    keep = (x_axis >= 0) & (x_axis < w)
    rows, x_axis = rows[keep], x_axis[keep]
    # (rows, limit + 1) columns walked from the axis toward the wall; off the image counts as background.
    cols = x_axis[:, None] + torso.rear_sign * np.arange(limit + 1)[None, :]
    inside = (cols >= 0) & (cols < w)
    body = np.zeros(cols.shape, bool)
    body[inside] = person[np.broadcast_to(rows[:, None], cols.shape)[inside], cols[inside]]
    # Index of the first background pixel; a row that is body all the way runs to the limit.
    run = np.argmin(np.concatenate([body, np.zeros((len(rows), 1), bool)], axis=1), axis=1)
    on_body = body[:, 0]
    x = x_axis + torso.rear_sign * (run - 1)
    return np.stack([x[on_body], rows[on_body]], axis=1).astype(np.float32).reshape(-1, 2)
