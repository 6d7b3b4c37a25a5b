"""LiteRT BlazePose (formcheck.pose.litert) versus MediaPipe ``solutions``: speed, detection and agreement.

    python benchmarks/litert_pose.py [--threads N] [--max-seconds S] [CLIP ...]

Both estimators see every decoded frame of each clip in the same run, interleaved, so machine load
hits them alike; only ``estimate()`` is timed (decoding is reported apart). Agreement is measured on
frames where both found a person, on shoulders, elbows, wrists, hips, knees and ankles: image
distance as % of the torso length (shoulder-mid to hip-mid, from ``solutions``), and the 2-D
knee (hip-knee-ankle) and hip (shoulder-hip-knee) angle differences in degrees.

Times are the mean ms per frame and the 10th percentile of the per-frame times ("p10"): on a shared
machine the mean carries everyone else's load, the p10 is closer to the cost on an idle one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402
from formcheck.pose.frame import PoseFrame  # noqa: E402
from formcheck.pose.landmarks import Landmark as L  # noqa: E402

DEFAULT_CLIPS = [
    "videos/plank/posture-004.mp4",                  # 640x352, 12 fps
    "videos/pelvic-tilt/quadruped-pelvic-tilt.mp4",  # 720p, 30 fps
    "videos/glute-bridge/atc-glute-bridge.mp4",      # 720p, 25 fps
    "videos/wall-sit/leap-wall-sit.mp4",             # 1080p, 30 fps
]
LIMBS = [L.left_shoulder, L.right_shoulder, L.left_elbow, L.right_elbow, L.left_wrist, L.right_wrist,
         L.left_hip, L.right_hip, L.left_knee, L.right_knee, L.left_ankle, L.right_ankle]
# (a, vertex, b) triples; the angle at the vertex.
ANGLES = {
    "knee": [(L.left_hip, L.left_knee, L.left_ankle), (L.right_hip, L.right_knee, L.right_ankle)],
    "hip": [(L.left_shoulder, L.left_hip, L.left_knee), (L.right_shoulder, L.right_hip, L.right_knee)],
}


@dataclass
class ClipResult:
    name: str
    frames: int = 0
    decode_s: float = 0.0
    litert_s: float = 0.0
    solutions_s: float = 0.0
    litert_ms: list[float] = field(default_factory=list)     # per frame, for the 10th percentile
    solutions_ms: list[float] = field(default_factory=list)
    litert_detected: int = 0
    solutions_detected: int = 0
    detections_run: int = 0
    dist_pct: list[np.ndarray] = field(default_factory=list)      # (12,) per frame, % torso
    visible_pct: list[np.ndarray] = field(default_factory=list)   # distances where both vis >= 0.5
    angle_deg: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in ANGLES})


def torso_px(pose: PoseFrame) -> float:
    """Shoulder-mid to hip-mid distance in pixels."""
    xy = pose.xy_px
    shoulders = (xy[L.left_shoulder] + xy[L.right_shoulder]) / 2
    hips = (xy[L.left_hip] + xy[L.right_hip]) / 2
    return float(np.linalg.norm(shoulders - hips))


def angle_deg(xy: np.ndarray, a: int, v: int, b: int) -> float:
    """2-D angle at ``v`` between ``a`` and ``b``, degrees."""
    u, w = xy[a] - xy[v], xy[b] - xy[v]
    cos = float(u @ w / (np.linalg.norm(u) * np.linalg.norm(w) + 1e-12))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def compare(res: ClipResult, mine: PoseFrame, ref: PoseFrame) -> None:
    """Add one frame's agreement figures (both detected) to ``res``."""
    torso = torso_px(ref)
    if torso < 1.0:
        return
    dist = np.linalg.norm(mine.xy_px[LIMBS] - ref.xy_px[LIMBS], axis=1) / torso * 100.0
    res.dist_pct.append(dist)
    visible = (mine.visibility[LIMBS] >= 0.5) & (ref.visibility[LIMBS] >= 0.5)
    res.visible_pct.append(dist[visible])
    for kind, triples in ANGLES.items():
        for a, v, b in triples:
            res.angle_deg[kind].append(abs(angle_deg(mine.xy_px, a, v, b) - angle_deg(ref.xy_px, a, v, b)))


def run_clip(path: Path, threads: int, max_seconds: float | None) -> ClipResult:
    from formcheck.pose.estimators import SolutionsEstimator
    from formcheck.pose.litert import LiteRTEstimator
    from formcheck.sources.media import VideoFileSource

    source = VideoFileSource(path, end_s=max_seconds)
    litert, solutions = LiteRTEstimator(threads=threads), SolutionsEstimator()
    res = ClipResult(path.name)
    frames = iter(source)
    while True:
        t0 = time.perf_counter()
        frame = next(frames, None)
        t1 = time.perf_counter()
        if frame is None:
            break
        mine = litert.estimate(frame)
        t2 = time.perf_counter()
        ref = solutions.estimate(frame)
        t3 = time.perf_counter()
        res.frames += 1
        res.decode_s += t1 - t0
        res.litert_s += t2 - t1
        res.solutions_s += t3 - t2
        res.litert_ms.append(1000 * (t2 - t1))
        res.solutions_ms.append(1000 * (t3 - t2))
        res.litert_detected += mine.detected
        res.solutions_detected += ref.detected
        if mine.detected and ref.detected:
            compare(res, mine, ref)
    res.detections_run = litert.detections_run
    litert.close()
    solutions.close()
    return res


def _stats(values: list[np.ndarray] | list[float]) -> tuple[float, float]:
    flat = np.concatenate([np.atleast_1d(v) for v in values]) if values else np.zeros(0)
    if not flat.size:
        return float("nan"), float("nan")
    return float(np.median(flat)), float(np.percentile(flat, 95))


def report(results: list[ClipResult], threads: int) -> None:
    print(f"LiteRT threads={threads}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} at the end of the run")
    head = (f"{'clip':26} {'frames':>6} {'dec ms':>6} | {'litert ms':>9} {'p10':>5} {'sol ms':>6} {'p10':>5} "
            f"{'speedup':>7} {'p10':>5} | "
            f"{'det lit':>7} {'det sol':>7} {'redet':>5} | {'dist% med':>9} {'p95':>5} {'vis med':>7} "
            f"{'p95':>5} | {'knee° med':>9} {'p95':>5} | {'hip° med':>8} {'p95':>5}")
    print(head)
    print("-" * len(head))
    for r in results + [_total(results)]:
        n = max(r.frames, 1)
        d_med, d_95 = _stats(r.dist_pct)
        v_med, v_95 = _stats(r.visible_pct)
        k_med, k_95 = _stats(r.angle_deg["knee"])
        h_med, h_95 = _stats(r.angle_deg["hip"])
        lit_p10, sol_p10 = np.percentile(r.litert_ms, 10), np.percentile(r.solutions_ms, 10)
        print(f"{r.name[:26]:26} {r.frames:6d} {1000 * r.decode_s / n:6.1f} | {1000 * r.litert_s / n:9.2f} "
              f"{lit_p10:5.1f} {1000 * r.solutions_s / n:6.2f} {sol_p10:5.1f} "
              f"{r.solutions_s / max(r.litert_s, 1e-9):7.2f} {sol_p10 / lit_p10:5.2f} | "
              f"{100 * r.litert_detected / n:6.1f}% {100 * r.solutions_detected / n:6.1f}% {r.detections_run:5d} | "
              f"{d_med:9.2f} {d_95:5.1f} {v_med:7.2f} {v_95:5.1f} | {k_med:9.2f} {k_95:5.1f} | "
              f"{h_med:8.2f} {h_95:5.1f}")


def _total(results: list[ClipResult]) -> ClipResult:
    total = ClipResult("ALL")
    for r in results:
        for name in ("frames", "decode_s", "litert_s", "solutions_s", "litert_detected",
                     "solutions_detected", "detections_run", "litert_ms", "solutions_ms"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.dist_pct += r.dist_pct
        total.visible_pct += r.visible_pct
        for k in ANGLES:
            total.angle_deg[k] += r.angle_deg[k]
    return total


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help="paths relative to the shared data folder")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=None, help="only the first S seconds of each clip")
    args = parser.parse_args(argv)
    root = shared_data()
    results = [run_clip(root / clip, args.threads, args.max_seconds) for clip in (args.clips or DEFAULT_CLIPS)]
    report(results, args.threads)


if __name__ == "__main__":
    main(sys.argv[1:])
