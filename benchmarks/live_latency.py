"""``formcheck live`` speed: frames shown per second and capture-to-screen latency at 640x480, 30 fps.

    python benchmarks/live_latency.py [--clip REL] [--seconds 13] [--model litert]

A real clip is letterboxed to 640x480 at 30 fps into /tmp (or, without the real data, a rendered
plank clip) and given to the live loop as its camera, paced in real time as a camera would be.
Latency is measured per shown frame from the moment the capture thread delivered it to the moment
the drawn frame was handed to the window's own process (which paints it with ``imshow``/``waitKey``
on the other side of a pipe, about a millisecond later). Also printed: where each frame's time went
(pose estimation, the rest of the pipeline, drawing + showing; median and 95th percentile, since a
slow 5 % is what drops frames) and the drop count. The model is ``formcheck live``'s default unless
``--model`` says otherwise.
Runs on the current ``DISPLAY``, or starts a private Xvfb when there is none.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_CLIP = "videos/plank/kaiakol-plank_correct_005.mp4"  # 1280x720, 30 fps, 6.5 s, correct plank
SIZE = (640, 480)
FPS = 30


@contextlib.contextmanager
def display():
    """The current display, or a private Xvfb for the duration."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        sys.exit("no DISPLAY and no Xvfb (Debian: apt-get install xvfb)")
    from tests.xdisplay import xvfb_display

    with xvfb_display("1280x800x24") as name:
        os.environ["DISPLAY"] = name
        try:
            yield name
        finally:
            del os.environ["DISPLAY"]


def letterboxed_clip(source: Path | None, out: Path, seconds: float) -> Path:
    """``source`` letterboxed to 640x480 at 30 fps, looped to ``seconds``; a rendered plank without it."""
    import av
    import cv2
    import numpy as np

    if source is None:
        from formcheck_studio.clip import render_clip

        return render_clip("forearm_plank", seconds=seconds, size=SIZE, fps=FPS, out_path=out)[0]
    frames = []
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            k = min(SIZE[0] / w, SIZE[1] / h)
            small = cv2.resize(rgb, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
            canvas = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
            y0, x0 = (SIZE[1] - small.shape[0]) // 2, (SIZE[0] - small.shape[1]) // 2
            canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
            frames.append(canvas)
    total = int(seconds * FPS)
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        for i in range(total):
            # Ping-pong rather than jump back, so the "camera" never shows a cut.
            cycle = i % (2 * len(frames) - 2) if len(frames) > 1 else 0
            rgb = frames[cycle if cycle < len(frames) else 2 * len(frames) - 2 - cycle]
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


class _Timed:
    """Wraps one method of an object and keeps its durations."""

    def __init__(self, target, method: str) -> None:
        self._target, self._method = target, method
        self.times_s: list[float] = []

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if name != self._method:
            return attr

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.times_s.append(time.perf_counter() - t)

        return timed

    def __setattr__(self, name, value):
        if name.startswith("_") or name == "times_s":
            object.__setattr__(self, name, value)
        else:
            setattr(self._target, name, value)


def run(clip: Path, exercise_name: str, model: str, pipelined: bool = True) -> dict:
    from formcheck.judge.exercises import load_exercise
    from formcheck.live.coach import CoachOptions, LiveCoach
    from formcheck.live.screen import Screen
    from formcheck.live.voice import Voice
    from formcheck.pose.estimators import make_estimator
    from formcheck.pose.recording import Recording
    from formcheck.pose.stage import PoseStage
    from formcheck.sources.capture import LatestFrameCapture
    from formcheck.sources.media import VideoFileSource

    exercise = load_exercise(exercise_name)
    source = VideoFileSource(clip)
    estimator = _Timed(make_estimator(model), "estimate")
    screen = _Timed(Screen("formcheck benchmark").open(), "show")
    coach = LiveCoach(exercise, PoseStage.around(estimator), screen, Voice(enabled=False), source.info,
                      CoachOptions(countdown_s=0, pipelined=pipelined))
    started = time.perf_counter()
    with LatestFrameCapture(source, realtime=True) as capture:
        result = coach.run(capture)
    wall_s = time.perf_counter() - started
    screen.close()
    estimator.close()
    stats = result.stats
    per_frame_ms = 1000 * (stats.ended_s - stats.started_s) / max(1, stats.shown)
    est = sorted(1000 * t for t in estimator.times_s)
    show = sorted(1000 * t for t in screen.times_s)
    return {
        "wall_s": wall_s, "shown": stats.shown, "delivered": stats.delivered, "dropped": stats.dropped,
        "fps": stats.fps, "latency_p50_ms": stats.latency_ms(0.5), "latency_p95_ms": stats.latency_ms(0.95),
        "estimate_ms": statistics.median(est), "show_ms": statistics.median(show),
        "estimate_p95_ms": est[int(0.95 * len(est))], "show_p95_ms": show[int(0.95 * len(show))],
        # Only meaningful sequentially: pipelined, estimation overlaps drawing.
        "other_ms": per_frame_ms - statistics.mean(est) - statistics.mean(show) if not pipelined else None,
        "period_ms": per_frame_ms,
        "valid_s": result.session.finish(Recording(result.frames, {"fps": source.info.fps})).score.summary.valid_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default=DEFAULT_CLIP, help="real clip, relative to the shared data folder")
    parser.add_argument("--exercise", default="forearm_plank")
    parser.add_argument("--seconds", type=float, default=13.0, help="length of the 30 fps test clip")
    parser.add_argument("--model", default=None,
                        help="pose model (default: as 'formcheck live': litert, or full for wall exercises)")
    parser.add_argument("--sequential", action="store_true",
                        help="also run without pipelining (estimate and show on one thread) for comparison")
    args = parser.parse_args()
    if args.model is None:
        from formcheck.judge.exercises import load_exercise

        args.model = "full" if load_exercise(args.exercise).needs_wall else "litert"

    from benchmarks._data import REPO

    root = Path(os.environ.get("FORMCHECK_TEST_DATA", REPO.parent / "shared" / "data")).resolve()
    real = root / args.clip if (root / "README.md").is_file() else None
    with tempfile.TemporaryDirectory(prefix="formcheck-live-bench-") as tmp, display() as name:
        clip = letterboxed_clip(real, Path(tmp) / "live-640x480-30fps.mp4", args.seconds)
        print(f"clip: {real or 'rendered forearm plank'} -> 640x480, {FPS} fps, {args.seconds:g} s; "
              f"model {args.model}; display {name}; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} before")
        modes = [("pipelined", True)] + ([("sequential", False)] if args.sequential else [])
        for label, pipelined in modes:
            report(label, run(clip, args.exercise, args.model, pipelined))
        print(f"load average {os.getloadavg()[0]:.1f} after (other processes compete for the 2 cores when > 1)")


def report(label: str, r: dict) -> None:
    print(f"-- {label}")
    print(f"shown            {r['fps']:.1f} frames/s  ({r['shown']} shown of {r['delivered']} delivered, "
          f"{r['dropped']} dropped)   target >= 30")
    print(f"latency          median {r['latency_p50_ms']:.1f} ms, p95 {r['latency_p95_ms']:.1f} ms   "
          f"target median <= 40")
    rest = (f"clean+score+cue+wait {r['other_ms']:.1f} ms (mean)" if r["other_ms"] is not None
            else f"one frame shown every {r['period_ms']:.1f} ms (mean)")
    print(f"per frame        estimate {r['estimate_ms']:.1f} ms (median; p95 {r['estimate_p95_ms']:.1f}), "
          f"draw+show {r['show_ms']:.1f} ms (p95 {r['show_p95_ms']:.1f}), {rest}")
    print(f"valid time       {r['valid_s']:.1f} s")


if __name__ == "__main__":
    main()
