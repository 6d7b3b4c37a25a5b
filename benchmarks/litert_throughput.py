"""Whole-clip throughput of the LiteRT backend: decode + estimate, as ``formcheck record`` would run it.

    python benchmarks/litert_throughput.py [CLIP ...]

Two layouts per clip, measured back to back: one process with a 2-thread interpreter, and two
processes (each half of the clip) with 1-thread interpreters. Prints frames/s and x real time
(clip duration / wall time). The target for 30 fps 720p on 2 cores is >= 3.3x.

Then the CPU cost per frame of each backend on frames decoded beforehand (so no decoder thread
runs meanwhile): process CPU time, which other people's load inflates far less than wall time.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402

DEFAULT_CLIPS = [
    "videos/pelvic-tilt/quadruped-pelvic-tilt.mp4",  # 720p, 30 fps
    "videos/glute-bridge/atc-glute-bridge.mp4",      # 720p, 25 fps
]


def _run_span(path: str, start_s: float, end_s: float | None, threads: int) -> int:
    """Decode and estimate one span; returns the number of frames."""
    from formcheck.pose.litert import LiteRTEstimator
    from formcheck.sources.media import VideoFileSource

    estimator = LiteRTEstimator(threads=threads)
    frames = 0
    for frame in VideoFileSource(path, start_s=start_s, end_s=end_s):
        estimator.estimate(frame)
        frames += 1
    estimator.close()
    return frames


def one_process(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    frames = _run_span(str(path), 0.0, None, threads=2)
    return frames, time.perf_counter() - started


def two_processes(path: Path, duration_s: float) -> tuple[int, float]:
    half = duration_s / 2
    started = time.perf_counter()
    with mp.get_context("spawn").Pool(2) as pool:
        counts = pool.starmap(_run_span, [(str(path), 0.0, half, 1), (str(path), half, None, 1)])
    return sum(counts), time.perf_counter() - started


def cpu_cost(path: Path, frames: int = 150) -> None:
    """CPU ms and wall ms per frame of solutions and LiteRT (1 and 2 threads) on the same decoded frames."""
    from itertools import islice

    from formcheck.pose.estimators import SolutionsEstimator
    from formcheck.pose.litert import LiteRTEstimator
    from formcheck.sources.media import VideoFileSource

    decoded = list(islice(VideoFileSource(path), frames))
    makers = {"solutions": SolutionsEstimator, "litert 1 thread": lambda: LiteRTEstimator(threads=1),
              "litert 2 threads": lambda: LiteRTEstimator(threads=2)}
    for name, make in makers.items():
        estimator = make()
        estimator.estimate(decoded[0])  # warm-up: the first run allocates
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for frame in decoded:
            estimator.estimate(frame)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        estimator.close()
        print(f"  {path.name[:28]:28} {name:17} CPU {1000 * cpu / len(decoded):6.2f} ms/frame   "
              f"wall {1000 * wall / len(decoded):6.2f} ms/frame")


def main(argv: list[str]) -> None:
    from formcheck.sources.media import VideoFileSource

    root = shared_data()
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'clip':30} {'video s':>7} | {'1 proc x 2 thr fps':>18} {'x rt':>5} | "
          f"{'2 proc x 1 thr fps':>18} {'x rt':>5}")
    for clip in argv or DEFAULT_CLIPS:
        path = root / clip
        info = VideoFileSource(path).info
        duration = info.duration_s or 0.0
        n1, s1 = one_process(path)
        n2, s2 = two_processes(path, duration)
        print(f"{path.name[:30]:30} {duration:7.1f} | {n1 / s1:18.1f} {duration / s1:5.2f} | "
              f"{n2 / s2:18.1f} {duration / s2:5.2f}")
    print("CPU cost per frame (decoded beforehand):")
    for clip in argv or DEFAULT_CLIPS:
        cpu_cost(root / clip)
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
