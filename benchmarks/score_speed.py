"""formcheck score versus the naive loop, on the same clips in the same run.

    python benchmarks/score_speed.py [--clip REL:EXERCISE ...] [--model MODEL] [--repeat N]

For each clip: the naive loop (VideoCapture -> cvtColor -> pose.process per frame), then
``formcheck score`` as a user runs it (a subprocess: start-up, estimation, report, annotated video),
at full rate, without the video, and with ``--fps 10``. Prints seconds, x real time, the ratio to the
naive loop, peak memory (the process and its workers together) and the hold time each run reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402
from benchmarks.record_speed import naive_loop  # noqa: E402
from tests.processes import descendants  # noqa: E402

DEFAULT_CLIPS = [
    "videos/pelvic-tilt/quadruped-pelvic-tilt.mp4:pelvic_tilt",   # 1280x720, 30 fps, 18.8 s
    "videos/glute-bridge/atc-glute-bridge.mp4:glute_bridge",       # 1280x720, 25 fps, 20.9 s
    "videos/plank/posture-009.mp4:forearm_plank",                  # 640x352, 12 fps, 55 s
    # Clips with real holds and faults, for the hold time at --fps 10 against full rate.
    "videos/wall-sit/afya-wall-sit-side.mp4:wall_sit",             # 768x432, 25 fps, 22.9 s, wall stage
    "videos/pelvic-tilt/supine-pelvic-tilt-portrait.mp4:pelvic_tilt",  # 1080x1920, 30 fps, 19.3 s
]


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def looped_clip(clip: Path, times: int, folder: Path) -> Path:
    """``clip`` played ``times`` times in a row, as one file in ``folder`` (packets copied, times shifted)."""
    import av

    if times <= 1:
        return clip
    out_path = folder / f"{clip.stem}-x{times}{clip.suffix}"
    with av.open(str(clip)) as src:
        times_pts = [(p.pts, p.duration or 0) for p in src.demux(src.streams.video[0]) if p.pts is not None]
    span = max(pts + d for pts, d in times_pts) - min(pts for pts, _ in times_pts)
    with av.open(str(out_path), mode="w") as out:
        stream = None
        for k in range(times):
            with av.open(str(clip)) as src:  # demuxed again each time: muxing consumes a packet
                src_stream = src.streams.video[0]
                stream = stream or out.add_stream_from_template(src_stream)
                for p in src.demux(src_stream):
                    if p.dts is None:
                        continue
                    p.pts, p.dts = p.pts + k * span, p.dts + k * span
                    p.stream = stream
                    out.mux(p)
    return out_path


def run_score(clip: Path, exercise: str, *extra: str) -> tuple[float, float, dict]:
    """Seconds, peak MiB and the report of one ``formcheck score`` run."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "formcheck", "score", str(clip), "-e", exercise, "-o", out, *extra]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"formcheck score failed on {clip}: {proc.stderr.read()}")
        report = json.loads((Path(out) / "report.json").read_text())
    return elapsed, peak_kb / 1024, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="REL_PATH:EXERCISE under the shared data folder")
    parser.add_argument("--model", help="passed to formcheck score (default: the command's own default)")
    parser.add_argument("--repeat", type=int, default=1, help="play each clip this many times in a row")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    model = ("--model", args.model) if args.model else ()
    root = shared_data()
    print(f"machine: {os.cpu_count()} cores, load before start {os.getloadavg()[0]:.2f}; "
          f"model: {args.model or 'default'}")
    header = f"{'clip':34} {'run':14} {'seconds':>8} {'x rt':>6} {'vs naive':>8} {'peak MiB':>8} {'valid_s':>8}"
    print(header)
    for item in args.clip or DEFAULT_CLIPS:
        rel, exercise = item.rsplit(":", 1)
        clip = looped_clip(root / rel, args.repeat, Path(scratch.name))
        frames, naive_s = naive_loop(clip)
        runs = {"naive loop": (naive_s, None, None)}
        report = None
        for name, extra in (("score", ()), ("score no-video", ("--no-video",)), ("score --fps 10", ("--fps", "10"))):
            seconds, peak, report_run = run_score(clip, exercise, *model, *extra)
            runs[name] = (seconds, peak, report_run["valid_s"])
            report = report or report_run
        duration = report["duration_s"]
        for name, (seconds, peak, valid) in runs.items():
            peak_text = f"{peak:8.0f}" if peak is not None else f"{'':8}"
            valid_text = f"{valid:8.2f}" if valid is not None else f"{'':8}"
            print(f"{clip.name[:34]:34} {name:14} {seconds:8.2f} {duration / seconds:6.2f} "
                  f"{naive_s / seconds:8.2f} {peak_text} {valid_text}")
        full, sampled = runs["score"][2], runs["score --fps 10"][2]
        print(f"{'':34} hold time difference at --fps 10: {abs(full - sampled):.2f} s ({frames} frames)")


if __name__ == "__main__":
    main()
