"""Where the time of ``formcheck score`` goes: CPU ms per scored frame in each stage, beside a plain
per-frame LiteRT loop on the same clip in the same run.

    python benchmarks/score_stages.py [--clip REL:EXERCISE ...] [--runs N] [--model MODEL]

For each clip, ``score --no-video`` runs in this process at full rate and at ``--fps 10`` (the CLI
itself, imports already done), with each stage's functions timed on the thread that runs them
(``time.thread_time``: CPU, so the two spans' threads add up, and other work on the machine slows
the wall clock but hardly these figures):

- decode: demuxing and decoding (the time inside the decoder's iterator, skipped frames included);
- convert: YUV -> RGB of each kept frame (one scaler per read);
- detector: the person detector (a fresh detection, and the look for other people every 0.5 s);
- landmarks: the landmark model (crop, inference, decoding, projection);
- tracking: the rest of the estimator (next crop, person checks);
- mask: the person mask's projection and smoothing (wall exercises);
- wall: the wall stage (wall exercises);
- smoothing, judging: the engine's cleaning and scoring of each frame;
- reports: the scorer's end and every output (report.json, timeline.png, report.html, the recording,
  the history row);
- other: the rest of the run's CPU (model loading, the spans' threads, Python around it all).

"ms/frame" is per frame scored; warm-up frames a wall span watches before its start are work done
for those frames. The plain loop is OpenCV's ``VideoCapture`` -> ``cvtColor`` -> the LiteRT estimator
(float, one thread, no mask) on every frame: no spans, no wall stage, no outputs. "x plain" is the
plain loop's wall time over score's (above 1: score is faster). Medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402

DEFAULT_CLIPS = [
    "videos/glute-bridge/atc-glute-bridge.mp4:glute_bridge",   # 1280x720, 25 fps, 20.9 s
    "videos/wall-sit/leap-wall-sit.mp4:wall_sit",              # 1920x1080, 30 fps, 8.9 s, wall stage
    "videos/plank/posture-009.mp4:forearm_plank",              # 640x352, 12 fps, 55 s
]
STAGES = ("decode", "convert", "detector", "landmarks", "tracking", "mask", "wall", "smoothing", "judging",
          "reports", "other")


class StageClock:
    """CPU seconds per stage, summed over threads; patched into the code while a run is timed."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] += seconds
            self.calls[stage] += 1

    def timed(self, stage: str, func):
        def run(*args, **kwargs):
            started = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.add(stage, time.thread_time() - started)
        return run

    def timed_iterator(self, stage: str, func):
        def run(*args, **kwargs):
            items = iter(func(*args, **kwargs))
            while True:
                started = time.thread_time()
                try:
                    item = next(items)
                except StopIteration:
                    self.add(stage, time.thread_time() - started)
                    return
                self.add(stage, time.thread_time() - started)
                yield item
        return run


@contextlib.contextmanager
def stages_timed(clock: StageClock):
    """Every stage's functions wrapped by ``clock`` (see the module's docstring), restored afterwards."""
    from formcheck.engine import session
    from formcheck.judge import scoring
    from formcheck.pose import smoothing
    from formcheck.pose.litert import estimator
    from formcheck.pose.wall import tracker
    from formcheck.sources import media

    est = estimator.LiteRTEstimator
    converter = media.VideoFileSource._converter

    def timed_converter(self):
        return clock.timed("convert", converter(self))

    patches = [
        (media, "_decoded", clock.timed_iterator("decode", media._decoded)),
        (media.VideoFileSource, "_converter", timed_converter),
        (est, "estimate", clock.timed("estimate", est.estimate)),
        (est, "people", clock.timed("detector", est.people)),
        (est, "_landmarks", clock.timed("landmarks", est._landmarks)),
        (est, "_mask", clock.timed("mask", est._mask)),
        (estimator, "smooth_mask", clock.timed("mask", estimator.smooth_mask)),
        (tracker.WallTracker, "update", clock.timed("wall", tracker.WallTracker.update)),
        (smoothing.Cleaner, "update", clock.timed("smoothing", smoothing.Cleaner.update)),
        (scoring.Scorer, "update", clock.timed("judging", scoring.Scorer.update)),
        (session.Session, "finish", clock.timed("reports", session.Session.finish)),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def score_run(clip: Path, exercise: str, extra: list[str]) -> tuple[dict[str, float], float, float, dict, int]:
    """One ``score --no-video`` in this process: (CPU s per stage, wall s, CPU s in all, report, frames scored)."""
    from formcheck.cli.main import main as cli

    clock = StageClock()
    with tempfile.TemporaryDirectory() as out, stages_timed(clock), contextlib.redirect_stdout(open(os.devnull, "w")):
        args = ["score", str(clip), "-e", exercise, "--no-video", "-o", f"{out}/r", "--db", f"{out}/h.sqlite3",
                *extra]
        cpu0, wall0 = time.process_time(), time.perf_counter()
        cli.main(args, standalone_mode=False)
        wall_s, cpu_s = time.perf_counter() - wall0, time.process_time() - cpu0
        report = json.loads(Path(f"{out}/r/report.json").read_text())
    seconds = dict(clock.seconds)
    # The estimator's own total, less what is counted in its parts.
    inside = sum(seconds.get(k, 0.0) for k in ("detector", "landmarks", "mask"))
    seconds["tracking"] = seconds.pop("estimate", 0.0) - inside
    seconds["other"] = cpu_s - sum(seconds.values())
    return seconds, wall_s, cpu_s, report, clock.calls["judging"]


def plain_loop(clip: Path) -> tuple[int, float]:
    """Frames and wall seconds of VideoCapture -> cvtColor -> LiteRT estimate, one thread, every frame."""
    import cv2

    from formcheck.pose.litert import LiteRTEstimator
    from formcheck.sources.media import VideoFrame

    started = time.perf_counter()
    estimator = LiteRTEstimator(threads=1)
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        estimator.estimate(VideoFrame(frames, frames / fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
        frames += 1
    cap.release()
    estimator.close()
    return frames, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="REL_PATH:EXERCISE under the shared data folder")
    parser.add_argument("--runs", type=int, default=1, help="runs of each, interleaved; medians shown (default 1)")
    parser.add_argument("--model", help="passed to score (default: the command's own); the plain loop stays float")
    args = parser.parse_args()
    import formcheck.cli.main  # noqa: F401  (imported before any run is timed)

    root = shared_data()
    model = ["--model", args.model] if args.model else []
    print(f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}; "
          f"model: {args.model or 'default'}")
    header = (f"{'clip':22} {'run':10} {'frames':>6} {'wall s':>7} {'x rt':>6} {'x plain':>7} {'ms/fr':>6} "
              f"{'cpu/fr':>6} | " + " ".join(f"{s[:9]:>9}" for s in STAGES))
    for item in args.clip or DEFAULT_CLIPS:
        rel, exercise = item.rsplit(":", 1)
        clip = root / rel
        runs: dict[str, list] = defaultdict(list)
        for _ in range(args.runs):
            runs["plain"].append(plain_loop(clip))
            for name, extra in (("full rate", []), ("--fps 10", ["--fps", "10"])):
                runs[name].append(score_run(clip, exercise, [*model, *extra]))
        frames_plain = runs["plain"][0][0]
        plain_s = statistics.median(s for _, s in runs["plain"])
        print()
        print(header)
        print(f"{clip.name[:22]:22} {'plain loop':10} {frames_plain:6} {plain_s:7.2f} {'':>6} {1.0:7.2f} "
              f"{1000 * plain_s / frames_plain:6.1f}")
        holds = {}
        for name in ("full rate", "--fps 10"):
            results = runs[name]
            report = results[0][3]
            frames = results[0][4]
            wall_s = statistics.median(r[1] for r in results)
            cpu_s = statistics.median(r[2] for r in results)
            per_stage = {s: statistics.median(r[0].get(s, 0.0) for r in results) for s in STAGES}
            duration = report["duration_s"]
            holds[name] = [r[3]["valid_s"] for r in results]
            print(f"{clip.name[:22]:22} {name:10} {frames:6} {wall_s:7.2f} {duration / wall_s:6.2f} "
                  f"{plain_s / wall_s:7.2f} {1000 * wall_s / frames:6.1f} {1000 * cpu_s / frames:6.1f} | "
                  + " ".join(f"{1000 * per_stage[s] / frames:9.2f}" for s in STAGES))
        print(f"{'':22} valid_s full rate {holds['full rate']}, --fps 10 {holds['--fps 10']}")
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
