"""Render studio clips and measure render speed, MediaPipe detection rate and landmark error.

Usage: python benchmarks/studio_detection.py [EXERCISE[:FAULT[:VIEW]] ...] [--seconds N] [--fps N] [--seed N]
Default: wall_sit and plank, side view. Prints one line per clip.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from formcheck.pose.landmarks import Landmark
from formcheck_studio.accuracy import angle_deg, landmark_error
from formcheck_studio.clip import plan_clip


def measure(exercise: str, fault: str | None, view: str | None, seconds: float, fps: float, seed: int) -> dict:
    import mediapipe as mp

    plan = plan_clip(exercise, fault, view, seconds=seconds, seed=seed, fps=fps)
    truth = plan.truth
    w, h = truth.size_wh
    render_ms, detected, errors, knee_err = [], 0, [], []
    near = "left" if truth.view == "side" else None
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False) as pose:
        for i in range(truth.num_frames):
            t0 = time.perf_counter()
            frame = plan.render_frame(i)
            render_ms.append((time.perf_counter() - t0) * 1000)
            res = pose.process(frame.rgb)
            if res.pose_landmarks is None:
                continue
            detected += 1
            got = np.array([[lm.x * w, lm.y * h] for lm in res.pose_landmarks.landmark])
            want = truth.xy_px(i)
            # Error as a fraction of body height in pixels at the hips' depth.
            errors.append(landmark_error(got, truth, i))
            if near:
                k = [Landmark[f"{near}_hip"], Landmark[f"{near}_knee"], Landmark[f"{near}_ankle"]]
                knee_err.append(abs(angle_deg(got, *k) - angle_deg(want, *k)))
    n = truth.num_frames
    return {
        "clip": f"{truth.exercise}:{truth.fault or 'good'}:{truth.view}", "frames": n,
        "render_ms": float(np.mean(render_ms)), "detected": detected / n,
        "err_pct_height": 100 * float(np.mean(errors)) if errors else float("nan"),
        "err_pct_max": 100 * float(np.max(errors)) if errors else float("nan"),
        "knee_err_deg": float(np.mean(knee_err)) if knee_err else float("nan"),
        "knee_err_max_deg": float(np.max(knee_err)) if knee_err else float("nan"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("clips", nargs="*", default=["wall_sit", "plank"])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--fps", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    for spec in args.clips:
        parts = spec.split(":") + [None, None]
        r = measure(parts[0], parts[1] or None, parts[2] or None, args.seconds, args.fps, args.seed)
        print(f"{r['clip']:<36} frames={r['frames']:4d} render={r['render_ms']:6.1f} ms/frame "
              f"detected={100 * r['detected']:5.1f}% err={r['err_pct_height']:4.2f}% of height "
              f"(max {r['err_pct_max']:4.2f}%) knee_err={r['knee_err_deg']:4.1f} deg "
              f"(max {r['knee_err_max_deg']:4.1f})",
              flush=True)


if __name__ == "__main__":
    main()
