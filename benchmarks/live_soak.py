"""``formcheck live`` over a long session: memory and capture-to-screen latency, minute by minute.

    python benchmarks/live_soak.py [--minutes 20] [--window-s 60] [--clip REL] [--model litert]

A clip letterboxed to 640x480 at 30 fps (a real plank from ../shared/data, or a rendered one without
it) is played again and again, in real time, as the camera of the same live loop ``formcheck live``
runs: the pose stage, the engine with the live session's sinks (the history row checkpointed every
2 s, the landmarks and reports written at the end) and the window in its own process. Each window
of time prints the resident memory of this process and of the window's, and the latency's median
and 95th percentile; the end prints the memory's growth per minute (a straight-line fit over the
windows after the first) and the last window against the first. Flat memory is the target: what
grows is what a session keeps to save at its end (each frame's landmarks and the judged values).
Runs on the current ``DISPLAY``, or starts a private Xvfb when there is none.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.live_latency import DEFAULT_CLIP, display, letterboxed_clip  # noqa: E402
from formcheck.engine.outputs import RECORDING_NAME, History, Outputs, sinks_for  # noqa: E402
from formcheck.judge.exercises import load_exercise  # noqa: E402
from formcheck.live.coach import CoachOptions, LiveCoach  # noqa: E402
from formcheck.live.screen import Screen  # noqa: E402
from formcheck.live.voice import Voice  # noqa: E402
from formcheck.pose.recording import Recording, make_meta  # noqa: E402
from formcheck.pose.stage import PoseStage  # noqa: E402
from formcheck.sources.capture import LatestFrameCapture  # noqa: E402
from formcheck.sources.media import VideoFileSource, VideoFrame  # noqa: E402

MB = 1024 * 1024


def rss_mb(pid: int | str = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MB
    except OSError:
        return None
    return None


def looped(clip: Path) -> Iterator[VideoFrame]:
    """The clip's frames again and again, with times running on across the joins."""
    offset = 0.0
    while True:
        last = 0.0
        for frame in VideoFileSource(clip):
            last = frame.t_s
            yield VideoFrame(frame.index, offset + frame.t_s, frame.rgb)
        offset += last + 1.0 / 30


class Sampler(threading.Thread):
    """Every ``window_s``: memory of this process and the window's, and the window's latencies."""

    def __init__(self, coach: LiveCoach, window_s: float) -> None:
        super().__init__(daemon=True, name="soak-sampler")
        self.coach, self.window_s = coach, window_s
        self.rows: list[dict] = []
        self.stop = threading.Event()

    def run(self) -> None:
        started, seen = time.perf_counter(), 0
        print(f"{'minute':>7} {'rss MB':>7} {'window MB':>9} {'shown':>6} {'p50 ms':>7} {'p95 ms':>7}", flush=True)
        while not self.stop.wait(self.window_s):
            latencies = self.coach.stats.latencies_s[seen:]
            seen += len(latencies)
            window = [rss_mb(p.pid) for p in mp.active_children()]
            row = {"minute": (time.perf_counter() - started) / 60, "rss_mb": rss_mb(),
                   "window_mb": sum(w for w in window if w is not None), "shown": len(latencies),
                   "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
                   "p95_ms": 1000 * sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")}
            self.rows.append(row)
            print(f"{row['minute']:7.1f} {row['rss_mb']:7.0f} {row['window_mb']:9.0f} {row['shown']:6d} "
                  f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f}", flush=True)


def slope_mb_per_min(rows: list[dict]) -> float | None:
    points = [(r["minute"], r["rss_mb"]) for r in rows[1:]]  # the first window holds the start-up
    if len(points) < 2:
        return None
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--window-s", type=float, default=60.0, help="seconds between two samples")
    parser.add_argument("--clip", default=DEFAULT_CLIP, help="real clip, relative to the shared data folder")
    parser.add_argument("--exercise", default="forearm_plank")
    parser.add_argument("--model", default="litert")
    args = parser.parse_args()

    from benchmarks._data import REPO

    root = Path(os.environ.get("FORMCHECK_TEST_DATA", REPO.parent / "shared" / "data")).resolve()
    real = root / args.clip if (root / "README.md").is_file() else None
    exercise = load_exercise(args.exercise)
    with tempfile.TemporaryDirectory(prefix="formcheck-soak-") as tmp, display() as name:
        tmp = Path(tmp)
        clip = letterboxed_clip(real, tmp / "loop-640x480-30fps.mp4", 10.0)
        print(f"clip: {real or 'rendered forearm plank'} -> 640x480, 30 fps, 10 s looped for {args.minutes:g} min; "
              f"model {args.model}; display {name}; load average {os.getloadavg()[0]:.1f} before")
        info = VideoFileSource(clip).info
        history = History(tmp / "history.sqlite3", live=True, source="soak")
        out = tmp / "session"
        sinks = sinks_for(exercise, Outputs(out, recording=out / RECORDING_NAME, history=history))
        stage = PoseStage(args.model, wall=exercise.needs_wall)
        screen = Screen("formcheck soak").open()
        coach = LiveCoach(exercise, stage, screen, Voice(enabled=False), info,
                          CoachOptions(countdown_s=0, max_seconds=60 * args.minutes), sinks)
        sampler = Sampler(coach, args.window_s)
        sampler.start()
        try:
            with LatestFrameCapture(looped(clip), realtime=True) as capture:
                result = coach.run(capture)
        finally:
            sampler.stop.set()
            sampler.join()
            screen.close()
        before_save = rss_mb()
        started = time.perf_counter()
        meta = make_meta(info, stage.model_name, result.complete)
        saved = result.session.finish(Recording(result.frames, meta, result.walls), source="soak", out_dir=out)
        save_s = time.perf_counter() - started
        stage.close()
    rows = sampler.rows
    slope = slope_mb_per_min(rows)
    print(f"session: {result.stats.shown} frames shown, {result.stats.dropped} dropped; valid "
          f"{saved.score.summary.valid_s:.0f} s of {saved.score.duration_s:.0f} s; saving took {save_s:.1f} s "
          f"(memory {before_save:.0f} MB before it)")
    if rows:
        first, last = rows[0], rows[-1]
        print(f"memory: {first['rss_mb']:.0f} MB after the first window, {last['rss_mb']:.0f} MB after the last "
              f"({last['rss_mb'] / first['rss_mb']:.2f}x); growth "
              + (f"{slope:.2f} MB/min" if slope is not None else "not measured (too few windows)")
              + "; target: flat")
        print(f"latency median: {first['p50_ms']:.1f} ms in the first window, {last['p50_ms']:.1f} ms in the last "
              f"({last['p50_ms'] / first['p50_ms']:.2f}x)")
    print(f"load average {os.getloadavg()[0]:.1f} after (other processes compete for the 2 cores when > 1)")


if __name__ == "__main__":
    main()
