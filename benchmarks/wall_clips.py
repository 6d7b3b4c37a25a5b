"""The wall stage on the real wall-sit clips and on rendered wall sits; prints numbers for the report.

Usage: python benchmarks/wall_clips.py [--fps N] [--model M] [--seeds 1 2] [--skip-real] [--preview DIR]
Real clips are sampled at ``--fps`` (default 10). Rendered clips (640x360 at ``--fps``, as the
tests render them): good and back_off_wall (side view) and a good front view, from 2.5 s before the
first hold to 3 s into it, judged from 0.5 s in, with the true wall line projected from the studio's
camera. Ends with how many back-off rooms put the line within 0.06 torso lengths of the true wall.
The model defaults to the one ``formcheck score`` uses.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
from _data import shared_data

from formcheck.outputs.wall_drawing import draw_wall
from formcheck.pose.estimators import SCORE_MODEL, make_estimator
from formcheck.pose.landmarks import Landmark
from formcheck.pose.wall import WallTracker
from formcheck.pose.wall.run import observe
from formcheck.sources.media import VideoFileSource, VideoFrame

CLIPS = {
    "afya-wall-sit-side.mp4": [("two-foot hold", 4.5, 10.0), ("two-foot hold", 20.5, 22.9), ("single-leg", 10.0, 20.5)],
    "leap-wall-sit.mp4": [("hold", 0.0, 8.9)],
    "atc-wall-sit-orbit.mp4": [("side, wall", 0.0, 9.0), ("orbiting", 9.0, 14.0), ("front-oblique", 14.0, 21.0)],
}


def _stats(values: list[float]) -> str:
    v = np.asarray([x for x in values if x is not None], float)
    if len(v) == 0:
        return "n=0"
    return f"n={len(v)} median {np.median(v):+.3f} p95 {np.percentile(v, 95):+.3f} max {v.max():+.3f}"


def _summarize(rows, spans) -> None:
    for label, a, b in spans:
        sel = [o for t, o in rows if a <= t <= b]
        found = [o for o in sel if o.line is not None]
        conf = np.array([o.confidence for o in sel])
        print(f"  {label:14s} {a:4.1f}-{b:4.1f}s  line found {len(found)}/{len(sel)}  confidence median "
              f"{np.median(conf):.2f} min {conf.min():.2f}  lumbar {_stats([o.lumbar_gap for o in sel])}")
        print(f"  {'':14s} {'':10s}  shoulder {_stats([o.shoulder_gap for o in sel])}  "
              f"hip {_stats([o.hip_gap for o in sel])}")


def _confidence_timeline(rows, step_s: float = 1.0) -> str:
    out, next_t = [], 0.0
    for t, o in rows:
        if t >= next_t:
            mark = "*" if o.line is None else ("i" if o.inferred else "")
            out.append(f"{t:.0f}:{o.confidence:.2f}{mark}")
            next_t += step_s
    return " ".join(out) + "   (* = no line reported, i = inferred from the posture)"


def run_real(fps: float, model: str, preview: Path | None) -> None:
    root = shared_data() / "videos" / "wall-sit"
    for name, spans in CLIPS.items():
        est = make_estimator(model, segmentation=True)
        rows, t0 = [], time.perf_counter()
        for frame, _, obs in observe(VideoFileSource(root / name, sample_fps=fps), est):
            rows.append((frame.t_s, obs))
            if preview is not None and len(rows) % int(2 * fps) == 0:
                preview.mkdir(parents=True, exist_ok=True)
                img = draw_wall(cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR), obs)
                cv2.imwrite(str(preview / f"{Path(name).stem}-{frame.t_s:05.1f}.png"), img)
        est.close()
        print(f"{name}: {len(rows)} frames at {fps} fps in {time.perf_counter() - t0:.1f} s")
        print("  confidence by second:", _confidence_timeline(rows))
        _summarize(rows, spans)


def _true_wall_x_px(plan, index: int) -> float:
    """Column of the studio's wall plane (x = 0) at the hips' depth and height, pixels."""
    world = plan.truth.world_m[index]
    hip = world[[Landmark.left_hip, Landmark.right_hip]].mean(axis=0)
    px, _ = plan.camera.project(np.array([[0.0, hip[1], hip[2]]]))
    return float(px[0, 0])


LINE_OK_TORSO = 0.06  # |line error| at hip height below which the line is on the true wall
STUDIO_LEAD_S, STUDIO_HOLD_S, STUDIO_SETTLE_S = 2.5, 3.0, 0.5


def run_studio(fault: str | None, view: str, seed: int, fps: float, model: str) -> float | None:
    """Print one rendered hold's figures; returns the median line error (torso lengths), if a line was seen."""
    from formcheck_studio.clip import plan_clip

    plan = plan_clip("wall_sit", fault, view, seconds=10.0, seed=seed, size=(640, 360), fps=fps)
    est = make_estimator(model, segmentation=True)
    tracker = WallTracker()
    hold = plan.truth.holds[0]
    rows, line_err = [], []
    for i in range(plan.truth.num_frames):
        t = float(plan.truth.times_s[i])
        if not hold.start_s - STUDIO_LEAD_S <= t <= min(hold.end_s, hold.start_s + STUDIO_HOLD_S):
            continue
        frame = VideoFrame(i, t, plan.render_frame(i).rgb)
        pose = est.estimate(frame)
        obs = tracker.update(frame, pose, est.last_mask)
        if t >= hold.start_s + STUDIO_SETTLE_S:
            rows.append((t, obs))
            if obs.line is not None and view == "side":
                w, h = plan.truth.size_wh
                hip_y = float(np.mean(plan.truth.image_norm[i, [23, 24], 1]))
                (x1, y1), (x2, y2) = obs.line
                x_est = (x1 + (hip_y - y1) * (x2 - x1) / (y2 - y1)) * w
                torso = np.linalg.norm(np.diff(plan.truth.xy_px(i)[[11, 23]], axis=0))
                line_err.append((x_est - _true_wall_x_px(plan, i)) / torso)
    est.close()
    print(f"studio wall_sit fault={fault} view={view} seed={seed}: hold {hold.start_s:.1f}-{hold.end_s:.1f} s")
    _summarize(rows, [("hold", hold.start_s + STUDIO_SETTLE_S, hold.start_s + STUDIO_HOLD_S)])
    if line_err:
        print(f"  line position error at hip height (est - true, torso lengths): {_stats(line_err)}")
    return float(np.median(line_err)) if line_err else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--model", default=SCORE_MODEL)
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--preview", type=Path, default=None)
    ap.add_argument("--skip-real", action="store_true")
    args = ap.parse_args()
    if not args.skip_real:
        run_real(args.fps, args.model, args.preview)
    off_errors = {}
    for seed in args.seeds:
        for fault, view in ((None, "side"), ("back_off_wall", "side"), (None, "front")):
            err = run_studio(fault, view, seed, args.fps, args.model)
            if fault:
                off_errors[seed] = err
    if off_errors:
        on_wall = [s for s, e in off_errors.items() if e is not None and abs(e) <= LINE_OK_TORSO]
        print(f"back_off_wall: line on the true wall (|median error| <= {LINE_OK_TORSO}) in {len(on_wall)} of "
              f"{len(off_errors)} rooms; off: {sorted(set(off_errors) - set(on_wall))}")


if __name__ == "__main__":
    main()
