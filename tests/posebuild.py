"""Small builders of PoseFrames from plain lists, for exercise tests.

Poses are written in pixels on a 1000 x 1000 image (x right, y down) with side-neutral names
(``"knee": (600, 600)``). :func:`side_view` puts them on the near side and a copy a few pixels away,
less visible and further from the camera, on the far side, as MediaPipe reports a side-on body.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark

WH = (1000, 1000)


def frame(points: dict[str, tuple[float, float]], *, visibility: dict[str, float] | None = None,
          depth: dict[str, float] | None = None, wh: tuple[int, int] = WH) -> PoseFrame:
    """A frame from full landmark names and pixel positions; unnamed landmarks are missing."""
    xyz = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
    vis = np.zeros(NUM_LANDMARKS, np.float32)
    for name, (x, y) in points.items():
        lm = Landmark[name]
        xyz[lm] = (x / wh[0], y / wh[1], (depth or {}).get(name, 0.0))
        vis[lm] = (visibility or {}).get(name, 0.99)
    return PoseFrame(0.0, 0, xyz, vis, np.full((NUM_LANDMARKS, 3), np.nan, np.float32), wh)


def side_view(pose: dict[str, tuple[float, float]], near: str = "left", far_shift: float = 8.0) -> PoseFrame:
    """A side-on body: ``pose`` (side-neutral names) on the ``near`` side, a shifted copy on the other."""
    far = "right" if near == "left" else "left"
    points, vis, depth = {}, {}, {}
    for name, (x, y) in pose.items():
        if name in Landmark.__members__:  # centre landmarks such as "nose"
            points[name] = (x, y)
            continue
        points[f"{near}_{name}"] = (x, y)
        points[f"{far}_{name}"] = (x + far_shift, y - far_shift)
        vis[f"{far}_{name}"] = 0.7
        depth[f"{near}_{name}"], depth[f"{far}_{name}"] = -0.1, 0.1
    return frame(points, visibility=vis, depth=depth)


def moved(pose: dict[str, tuple[float, float]], **changes: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """A copy of ``pose`` with some landmarks moved."""
    out = dict(pose)
    out.update(changes)
    return out


def load_landmark_csv(path: Path, wh: tuple[int, int] = (1280, 720), gate: float = 0.5) -> list[tuple[str, PoseFrame]]:
    """``(label, frame)`` per row of a ``NAME_x, NAME_y, NAME_z, NAME_v`` landmark CSV (normalized coordinates)."""
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = [k[:-2] for k in rows[0] if k.endswith("_x")]
    out = []
    for i, row in enumerate(rows):
        xyz = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
        vis = np.zeros(NUM_LANDMARKS, np.float32)
        for n in names:
            lm = Landmark[n]
            xyz[lm] = (float(row[f"{n}_x"]), float(row[f"{n}_y"]), float(row[f"{n}_z"]))
            vis[lm] = float(row[f"{n}_v"])
        out.append((row.get("label", ""), PoseFrame(i / 30, i, xyz, vis, np.full((NUM_LANDMARKS, 3), np.nan), wh,
                                                      vis < gate)))
    return out


def plank_verdict(evaluation) -> str:
    """A plank evaluation as a label letter: ``i`` not planking, ``h`` hips high, ``l`` hips low,
    ``c`` correct, ``other`` another check failing or unseen (as the labelled data spell them)."""
    from formcheck.judge.exercises import Status

    if not evaluation.in_position:
        return "i"
    status = {r.id: r.status for r in evaluation.results}
    if status["hips_too_high"] is Status.FAIL:
        return "h"
    if status["hips_too_low"] is Status.FAIL:
        return "l"
    return "c" if all(s is Status.PASS for s in status.values()) else "other"


def projected_frames(world_m: np.ndarray, camera, times_s, size_wh: tuple[int, int]) -> list[PoseFrame]:
    """Exact ground truth: each ``(33, 3)`` world pose of ``world_m`` seen by a studio ``camera`` as the
    pose model would report it (normalized image points, every landmark visible, no world landmarks)."""
    frames = []
    for i, (landmarks, t) in enumerate(zip(world_m, times_s)):
        xyz = np.zeros((NUM_LANDMARKS, 3), np.float32)
        xyz[:, :2] = camera.project(landmarks)[0] / np.array(size_wh)
        frames.append(PoseFrame(float(t), i, xyz, np.full(NUM_LANDMARKS, 0.99, np.float32),
                                np.full((NUM_LANDMARKS, 3), np.nan, np.float32), size_wh))
    return frames
