"""Which side of the body faces the camera, and whether the camera view suits the exercise.

Both are read from the landmarks alone. The side facing the camera is the one MediaPipe sees more
confidently (visibility) and places nearer (its relative depth ``z``). The view is told from the
body's width in the image: seen side-on, the two shoulders (and the two hips) nearly overlap, so
their distance is small next to the torso's length; seen from the front (or from the head end) it
is large.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from formcheck.judge.exercises.landmark_refs import Side
from formcheck.pose import geometry
from formcheck.pose.landmarks import Landmark

ViewKind = Literal["side", "front"]

_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (int(Landmark[f"left_{part}"]), int(Landmark[f"right_{part}"]))
    for part in ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
)
_LS, _RS = int(Landmark.left_shoulder), int(Landmark.right_shoulder)
_LH, _RH = int(Landmark.left_hip), int(Landmark.right_hip)

DEFAULT_CUES: dict[str, str] = {
    "side": "Turn side-on to the camera",
    "front": "Face the camera",
}


def facing_side(visibility: Sequence[float], z: Sequence[float], missing: Sequence[bool]) -> Side | None:
    """The side of the body nearer the camera, or ``None`` when nothing tells them apart."""
    score = 0.0
    for left, right in _PAIRS:
        vl = 0.0 if missing[left] else visibility[left]
        vr = 0.0 if missing[right] else visibility[right]
        score += vl - vr
        if not (missing[left] or missing[right]):
            zl, zr = z[left], z[right]
            if zl == zl and zr == zr:  # not NaN
                # Depth decides most pairs in a side view, where both sides often report high visibility.
                score += 0.5 if zl < zr else (-0.5 if zr < zl else 0.0)
    if score > 0:
        return "left"
    if score < 0:
        return "right"
    return None


def width_ratio(points: Sequence[Sequence[float]], missing: Sequence[bool]) -> float | None:
    """(shoulder width + hip width) / (2 x torso length), in the image; ``None`` when not measurable.

    Widths come from whichever of the shoulder and hip pairs are both visible; the torso from
    whichever side has both its shoulder and hip.
    """
    widths = [geometry.distance_px(points[a], points[b]) for a, b in ((_LS, _RS), (_LH, _RH))
              if not (missing[a] or missing[b])]
    torsos = [geometry.distance_px(points[s], points[h]) for s, h in ((_LS, _LH), (_RS, _RH))
              if not (missing[s] or missing[h])]
    if not widths or not torsos:
        return None
    torso = sum(torsos) / len(torsos)
    if torso < 1.0:
        return None
    return (sum(widths) / len(widths)) / torso


@dataclass(frozen=True)
class ViewVerdict:
    ok: bool
    ratio: float | None
    cue: str | None


def judge_view(kind: ViewKind, limit: float, points: Sequence[Sequence[float]], missing: Sequence[bool],
               cue: str | None = None) -> ViewVerdict:
    """Whether the camera sees the body as ``kind`` requires.

    ``limit`` is the largest width ratio a side view may have, or the smallest a front view needs.
    When the far shoulder and far hip are both hidden the body is taken to be side-on: that is what
    occlusion looks like from the side, never from the front.
    """
    turn = cue or DEFAULT_CUES[kind]
    ratio = width_ratio(points, missing)
    if ratio is None:
        one_side_seen = (not missing[_LS] and not missing[_LH]) or (not missing[_RS] and not missing[_RH])
        if one_side_seen and kind == "side":
            return ViewVerdict(True, None, None)
        if one_side_seen:
            return ViewVerdict(False, None, turn)
        return ViewVerdict(False, None, "Move so the camera sees your shoulders and hips")
    ok = ratio <= limit if kind == "side" else ratio >= limit
    return ViewVerdict(ok, ratio, None if ok else turn)
