"""Per-frame wall evidence: straight background edges near the back that could be the wall.

Two kinds of evidence, both reduced to "a near-vertical line at image column x":

* a near-vertical edge (a wall seen edge-on, a corner, the wall's boundary against the room);
* the floor-wall junction, a slanted line below the hips (a wall seen obliquely). The floor is
  flat and the camera roughly level, so every floor point in one image row is at the same depth:
  where the junction crosses the heel row is the wall at the person's depth, and the wall there
  is the vertical through that point.

Below the hips edges are also found in colour: a wooden floor and a grey wall can be equally
bright, and their junction is then only a change of hue. Without it the body's own shadow on the
floor, a straight slanted edge nearer the back, was the only junction-like line there.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.pose.wall.body import Torso


@dataclass(frozen=True)
class LineParams:
    canny_low: int = 15
    canny_high: int = 45     # low: white walls on white rooms have faint junctions; texture is removed by length
    min_length_torso: float = 0.35     # shortest segment, torso lengths: brick joints and texture are shorter
    max_gap_torso: float = 0.06        # bridged gap along a segment, torso lengths
    max_tilt_deg: float = 12.0         # from vertical, for a vertical candidate
    # Least slope from horizontal of a floor-wall junction. A shallow junction turns heel-row error
    # into a larger column error (x error = row error / tan(angle)): 15 degrees is a 3.7x lever.
    junction_min_deg: float = 15.0
    search_torso: float = 1.2          # half-width of the search window around the back, torso lengths
    # Edges this close to the person belong to the person: mask slop, hair, the body's own shadow on
    # the wall. A wall is long, so the part hidden by this margin is found above and below the body.
    body_margin_torso: float = 0.12
    collinear_torso: float = 0.06      # a junction this close to an upright edge's line (at the hip row) is that edge


@dataclass(frozen=True)
class Candidate:
    """A possible wall line: ``x = x_px + tilt * (y - y_ref_px)``; ``weight`` = evidence length in torso lengths."""

    x_px: float
    tilt: float          # dx/dy
    weight: float
    kind: str            # "vertical" or "junction"
    x_hip_px: float = float("nan")  # the segment's own line at the hip row (for telling a steep junction
                                    # from an upright edge)


def background_edges(blurred: np.ndarray, person: np.ndarray | None, margin_px: int, params: LineParams) -> np.ndarray:
    """``(H, W)`` uint8 Canny edges that could belong to a wall, in a blurred grey or RGB image.

    The person (dilated) is removed: the body's outline is not a wall. So are edges running within
    ``junction_min_deg`` of horizontal (brick courses, skirting boards seen front-on, shelves),
    which no candidate uses and which make up most of a textured wall's edges.
    """
    edges = cv2.Canny(blurred, params.canny_low, params.canny_high)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3)
    if gx.ndim == 3:
        # On a colour image Canny follows, at each pixel, the channel that changes most; the
        # direction test reads that same channel's gradient.
        strongest = np.argmax(gx * gx + gy * gy, axis=2)[..., None]
        gx = np.take_along_axis(gx, strongest, axis=2)[..., 0]
        gy = np.take_along_axis(gy, strongest, axis=2)[..., 0]
    # An edge's gradient is perpendicular to it: near-horizontal edges have a near-vertical gradient.
    edges[np.abs(gx) < np.tan(np.radians(params.junction_min_deg)) * np.abs(gy)] = 0
    if person is not None:
        k = 2 * margin_px + 1
        edges[cv2.dilate(person.astype(np.uint8), np.ones((k, k), np.uint8)) > 0] = 0
    return edges


def _wall_edges(rgb: np.ndarray, person: np.ndarray | None, hip_row: int, margin_px: int,
                params: LineParams) -> np.ndarray:
    """Edges in grey everywhere, and in colour below ``hip_row``, where the floor-wall junction is.

    Above the hips colour adds nothing a wall needs and much it does not: on brick or tiles every
    joint changes hue, and each becomes an upright candidate.
    """
    edges = background_edges(cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (5, 5), 1.2), person,
                             margin_px, params)
    y0 = int(np.clip(hip_row, 0, rgb.shape[0]))
    if y0 < rgb.shape[0] - 8:
        below = cv2.GaussianBlur(rgb[y0:], (5, 5), 1.2)
        edges[y0:] |= background_edges(below, None if person is None else person[y0:], margin_px, params)
    return edges


def _search_window(shape_hw: tuple[int, int], torso: Torso, params: LineParams) -> tuple[int, int, int]:
    """``(x0, x1, y0)``: columns around the back and rows from above the shoulders down."""
    h, w = shape_hw
    half = params.search_torso * torso.length_px
    x_back = torso.hip_px[0]
    x0, x1 = int(max(0, x_back - half)), int(min(w, x_back + half))
    y0 = int(max(0, torso.shoulder_px[1] - 0.5 * torso.length_px))
    return x0, x1, y0


def _segments(rgb: np.ndarray, person: np.ndarray | None, torso: Torso, params: LineParams) -> np.ndarray:
    """``(N, 4)`` float Hough segments ``x1, y1, x2, y2`` in full-image pixels, from the search window.

    Edges are found only there (the rest of the image cannot hold the wall near the back), over a
    border wide enough that the person's dilated outline and the blur see past the window's edge.
    """
    h, w = rgb.shape[:2]
    x0, x1, y0 = _search_window((h, w), torso, params)
    margin = max(2, round(params.body_margin_torso * torso.length_px))
    pad = margin + 4
    ex0, ex1, ey0 = max(0, x0 - pad), min(w, x1 + pad), max(0, y0 - pad)
    local_person = None if person is None else person[ey0:, ex0:ex1]
    edges = _wall_edges(rgb[ey0:, ex0:ex1], local_person, round(torso.hip_px[1]) - ey0, margin, params)
    roi = np.ascontiguousarray(edges[y0 - ey0:, x0 - ex0:x1 - ex0])
    length = max(8, int(params.min_length_torso * torso.length_px))
    found = cv2.HoughLinesP(roi, 1, np.pi / 180, threshold=max(8, length // 2), minLineLength=length,
                            maxLineGap=max(2, int(params.max_gap_torso * torso.length_px)))
    if found is None:
        return np.zeros((0, 4), np.float32)
    return found[:, 0].astype(np.float32) + np.array([x0, y0, x0, y0], np.float32)


def _as_candidate(seg: np.ndarray, torso: Torso, y_ref_px: float, params: LineParams) -> Candidate | None:
    x1, y1, x2, y2 = (float(v) for v in seg)
    dx, dy = x2 - x1, y2 - y1
    weight = float(np.hypot(dx, dy)) / torso.length_px
    angle_from_horizontal = float(np.degrees(np.arctan2(abs(dy), abs(dx))))
    on_floor = min(y1, y2) > torso.hip_px[1] and torso.heel_y_px is not None and abs(dy) > 0
    if on_floor and angle_from_horizontal >= params.junction_min_deg:
        # Below the hips a line is read as the floor-wall junction, even a steep one: seen from
        # near the wall's plane the junction is near vertical, and its column at the heels' row
        # is the wall at the person's depth, while its upward extension is not.
        x_at_heel = x1 + (torso.heel_y_px - y1) * dx / dy
        x_at_hip = x1 + (torso.hip_px[1] - y1) * dx / dy
        return Candidate(x_at_heel, 0.0, weight, "junction", x_at_hip)
    if angle_from_horizontal >= 90.0 - params.max_tilt_deg:
        tilt = dx / dy
        return Candidate(x1 + tilt * (y_ref_px - y1), tilt, weight, "vertical", x1 + tilt * (torso.hip_px[1] - y1))
    return None


def _drop_upright_continuations(cands: list[Candidate], torso: Torso, params: LineParams) -> list[Candidate]:
    """Junction candidates that merely continue an upright edge seen above the hips (a pipe, a door
    frame, an edge-on wall) are that edge, not the floor-wall junction."""
    upright = np.array([c.x_hip_px for c in cands if c.kind == "vertical"])
    if len(upright) == 0:
        return cands
    near = params.collinear_torso * torso.length_px
    return [c for c in cands
            if c.kind != "junction" or np.min(np.abs(upright - c.x_hip_px)) > near]


def line_candidates(rgb: np.ndarray, person: np.ndarray | None, torso: Torso, y_ref_px: float,
                    params: LineParams = LineParams()) -> list[Candidate]:
    """Every wall candidate in one frame of ``rgb`` (HxWx3 uint8), as lines through ``y_ref_px``."""
    found = [_as_candidate(seg, torso, y_ref_px, params) for seg in _segments(rgb, person, torso, params)]
    kept = _drop_upright_continuations([c for c in found if c is not None], torso, params)
    return [c for c in kept if 0.0 <= c.x_px < rgb.shape[1]]
