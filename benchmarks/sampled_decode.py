"""Decoding for sampled scoring (``--fps 10``): ms per kept frame, before and after, in one run.

    python benchmarks/sampled_decode.py [--clip REL ...] [--fps 10] [--runs 5]

Times ``VideoFileSource`` alone (no pose model) on each clip, the ways of reading interleaved run by
run so a busy machine slows them alike; prints the median and the spread (min-max) of the runs:

- ``full rate``: every frame decoded and converted (what ``score`` without ``--fps`` reads), with a
  scaler per frame (before) and one scaler for the whole read (now);
- ``decode all, scaler/frame``: ``--fps`` as first built: every frame decoded, the kept ones
  converted by ``frame.to_ndarray``, which builds a scaler (and its threads) per frame;
- ``skip unref, scaler/frame``: frames no other frame refers to and no slot needs not decoded;
- ``skip unref, one scaler``: the same with one scaler for the whole read (now).

The old ways are this module's switches on the current code, nothing else. Each is read with
``threaded_decode`` off (two spans on two cores, as ``score`` runs a clip longer than 2 s) and on
(one span, cores free). "x rt" is the clip's seconds over the read's seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from av.video.reformatter import VideoReformatter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402
from formcheck.sources import media  # noqa: E402

DEFAULT_CLIPS = [
    "videos/glute-bridge/atc-glute-bridge.mp4",   # 1280x720, 25 fps, B-frames, keyframe every 240
    "videos/wall-sit/leap-wall-sit.mp4",          # 1920x1080, 30 fps, P-frames only, keyframe every 25
    "videos/plank/posture-009.mp4",               # 640x352, 12 fps, B-frames, keyframe every 250
]


class _ScalerPerFrame:
    """What ``frame.to_ndarray(format=...)`` does: a new scaler per frame, threads left to FFmpeg."""

    def reformat(self, frame, threads=None, **options):
        return VideoReformatter().reformat(frame, **options)


@contextmanager
def _way(skip_unreferenced: bool, one_scaler: bool):
    """The current code, or one of the old ways of reading (see the module's docstring)."""
    for_stream, scaler = media._UnsampledSkipper.for_stream, media.VideoReformatter
    if not skip_unreferenced:
        media._UnsampledSkipper.for_stream = classmethod(lambda cls, source, stream: None)
    if not one_scaler:
        media.VideoReformatter = _ScalerPerFrame
    try:
        yield
    finally:
        media._UnsampledSkipper.for_stream, media.VideoReformatter = for_stream, scaler


WAYS = {
    "full rate, scaler/frame": (None, True, False),
    "full rate, one scaler": (None, True, True),
    "decode all, scaler/frame": ("fps", False, False),
    "skip unref, scaler/frame": ("fps", True, False),
    "skip unref, one scaler": ("fps", True, True),
}


def read_once(path: Path, sample_fps: float | None, threaded: bool) -> tuple[int, float]:
    """Frames kept and seconds taken by one whole read."""
    started = time.perf_counter()
    kept = sum(1 for _ in media.VideoFileSource(path, sample_fps=sample_fps, threaded_decode=threaded))
    return kept, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="path under the shared data folder")
    parser.add_argument("--fps", type=float, default=10.0, help="the sampling rate (default 10)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each way, interleaved (default 5)")
    args = parser.parse_args()
    root = shared_data()
    print(f"machine: {os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
    print(f"{'clip':24} {'threads':7} {'way':26} {'kept':>5} {'ms/kept':>8} {'(min-max)':>13} {'x rt':>6}")
    for rel in args.clip or DEFAULT_CLIPS:
        path = root / rel
        duration_s = media.VideoFileSource(path).info.duration_s or 0.0
        for threaded in (False, True):
            seconds: dict[str, list[float]] = {name: [] for name in WAYS}
            kept: dict[str, int] = {}
            for _ in range(args.runs):
                for name, (rate, skip, one_scaler) in WAYS.items():
                    with _way(skip, one_scaler):
                        kept[name], s = read_once(path, args.fps if rate else None, threaded)
                    seconds[name].append(s)
            for name, runs in seconds.items():
                ms = [1000 * s / kept[name] for s in runs]
                print(f"{path.name[:24]:24} {'on' if threaded else 'off':7} {name:26} {kept[name]:5} "
                      f"{statistics.median(ms):8.2f} {f'({min(ms):.2f}-{max(ms):.2f})':>13} "
                      f"{duration_s / statistics.median(runs):6.1f}")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
