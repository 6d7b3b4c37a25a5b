"""Plane geometry on pixel coordinates, as pure functions of plain floats.

Points are ``(x, y)`` in pixels with y pointing down, as in the image. The functions work on plain
floats rather than numpy arrays because they run a few dozen times per frame on single points, where
numpy's per-call overhead would dominate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = Sequence[float]


def distance_px(a: Point, b: Point) -> float:
    """Euclidean distance between two points, in pixels."""
    return math.hypot(b[0] - a[0], b[1] - a[1])


def joint_angle_deg(a: Point, b: Point, c: Point) -> float | None:
    """Angle ``a-b-c`` at ``b`` in degrees (0..180); ``None`` when a segment has no length."""
    v1x, v1y = a[0] - b[0], a[1] - b[1]
    v2x, v2y = c[0] - b[0], c[1] - b[1]
    n1, n2 = math.hypot(v1x, v1y), math.hypot(v2x, v2y)
    if n1 == 0.0 or n2 == 0.0:
        return None
    cos = (v1x * v2x + v1y * v2y) / (n1 * n2)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def segment_angle_to_vertical_deg(a: Point, b: Point) -> float | None:
    """Angle between the line through ``a`` and ``b`` and the vertical, in degrees (0..90).

    The direction of the segment does not matter: a shin tilted 10° either way reads 10°.
    """
    dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
    if dx == 0.0 and dy == 0.0:
        return None
    return math.degrees(math.atan2(dx, dy))


def segment_angle_to_horizontal_deg(a: Point, b: Point) -> float | None:
    """Angle between the line through ``a`` and ``b`` and the horizontal, in degrees (0..90)."""
    vertical = segment_angle_to_vertical_deg(a, b)
    return None if vertical is None else 90.0 - vertical


def signed_line_distance_px(p: Point, a: Point, b: Point) -> float | None:
    """Perpendicular distance of ``p`` from the line through ``a`` and ``b``, in pixels.

    Positive when ``p`` lies above the line in the image (smaller y), negative below. For an exactly
    vertical line "above" is undefined; there positive means to the right of the line (larger x).
    ``None`` when ``a`` and ``b`` coincide.
    """
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    if length == 0.0:
        return None
    # Unit normal (-dy, dx) / length, turned so that it points up the image (or right when vertical).
    nx, ny = -dy / length, dx / length
    if ny > 0.0 or (ny == 0.0 and nx < 0.0):
        nx, ny = -nx, -ny
    return (p[0] - a[0]) * nx + (p[1] - a[1]) * ny
