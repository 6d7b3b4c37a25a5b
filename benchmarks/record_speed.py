"""formcheck record versus the naive loop (VideoCapture -> cvtColor -> pose.process per frame).

    python benchmarks/record_speed.py [CLIP ...]

Both run on the same clips in the same run; the table shows frames/s, x real time and the ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402

DEFAULT_CLIPS = [
    "videos/plank/posture-009.mp4",       # 640x352, 12 fps, 55 s
    "videos/plank/wahoo-plank.mp4",       # 1080p, 24 fps, 21.5 s
    "videos/glute-bridge/atc-glute-bridge.mp4",  # 720p, 25 fps, 20.9 s
]


def naive_loop(path: Path) -> tuple[int, float]:
    import cv2
    import mediapipe as mp

    started = time.perf_counter()
    pose = mp.solutions.pose.Pose(model_complexity=1)
    cap = cv2.VideoCapture(str(path))
    frames = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        frames += 1
    pose.close()
    return frames, time.perf_counter() - started


def formcheck_record(path: Path) -> tuple[int, float, float]:
    from formcheck.pose.estimate import record

    started = time.perf_counter()
    rec = record(path)
    elapsed = time.perf_counter() - started
    duration = rec.frames[-1].t_s + 1.0 / (rec.meta.get("fps") or 30.0)
    return len(rec), elapsed, duration


def main(argv: list[str]) -> None:
    root = shared_data()
    clips = [root / c for c in (argv or DEFAULT_CLIPS)]
    print(f"{'clip':42} {'frames':>6} {'video s':>8} | {'naive fps':>9} {'x rt':>5} | "
          f"{'record fps':>10} {'x rt':>5} | {'ratio':>5}")
    total = {"frames": 0, "video": 0.0, "naive": 0.0, "record": 0.0}
    for clip in clips:
        n_frames, rec_s, video_s = formcheck_record(clip)
        n_naive, naive_s = naive_loop(clip)
        assert n_naive == n_frames, f"{clip}: naive loop saw {n_naive} frames, record {n_frames}"
        print(f"{clip.name:42} {n_frames:6d} {video_s:8.1f} | {n_frames / naive_s:9.1f} {video_s / naive_s:5.2f} | "
              f"{n_frames / rec_s:10.1f} {video_s / rec_s:5.2f} | {naive_s / rec_s:5.2f}")
        total["frames"] += n_frames
        total["video"] += video_s
        total["naive"] += naive_s
        total["record"] += rec_s
    f, v = total["frames"], total["video"]
    print(f"{'ALL':42} {f:6d} {v:8.1f} | {f / total['naive']:9.1f} {v / total['naive']:5.2f} | "
          f"{f / total['record']:10.1f} {v / total['record']:5.2f} | {total['naive'] / total['record']:5.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
