"""Drawing the wall stage on a frame of the annotated video."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.pose.wall.observation import WallObservation

WALL_BGR = (255, 200, 0)       # cyan-blue: the wall line
CONTOUR_BGR = (0, 215, 255)    # amber: the back contour
GAP_BGR = (60, 60, 255)        # red: the lumbar gap


def _px(points_norm: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.round(np.asarray(points_norm, np.float64) * np.array([w, h])).astype(np.int32)


def _lumbar_segment(obs: WallObservation, w: int, h: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The lumbar contour point farthest from the wall and its horizontal foot on the wall line, pixels."""
    if obs.line is None or obs.lumbar_point_norm is None:
        return None
    (x1, y1), (x2, y2) = obs.line
    px, py = obs.lumbar_point_norm
    foot_x = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
    return _px(np.array([px, py]), w, h), _px(np.array([foot_x, py]), w, h)


def draw_wall(image_bgr: np.ndarray, obs: WallObservation) -> np.ndarray:
    """Draw the wall line, the back contour and the labelled lumbar gap on ``image_bgr`` (in place,
    like every drawing stage); returns the image."""
    out = image_bgr
    h, w = out.shape[:2]
    if obs.line is not None:
        a, b = _px(np.array(obs.line), w, h)
        cv2.line(out, tuple(int(v) for v in a), tuple(int(v) for v in b), WALL_BGR, 2, cv2.LINE_AA)
        label = "support (inferred)" if obs.inferred else "wall"
        cv2.putText(out, f"{label} {obs.confidence:.2f}", (int(a[0]) + 4, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    WALL_BGR, 1, cv2.LINE_AA)
    if len(obs.contour_norm) > 1:
        cv2.polylines(out, [_px(obs.contour_norm, w, h).reshape(-1, 1, 2)], False, CONTOUR_BGR, 2, cv2.LINE_AA)
    segment = _lumbar_segment(obs, w, h)
    if segment is not None:
        p, q = segment
        cv2.line(out, tuple(int(v) for v in p), tuple(int(v) for v in q), GAP_BGR, 2, cv2.LINE_AA)
        cv2.circle(out, tuple(int(v) for v in p), 3, GAP_BGR, -1, cv2.LINE_AA)
        cv2.putText(out, f"lumbar {obs.lumbar_gap:+.2f}", (int(min(p[0], q[0])) - 10, int(p[1]) - 8),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45, GAP_BGR, 1, cv2.LINE_AA)
    return out
