"""formcheck score versus the naive loop, float versus int8 model, on the same clips in the same run.

    python benchmarks/score_speed.py [--clip REL:EXERCISE ...] [--model MODEL ...] [--repeat N]

For each clip: the naive loop (VideoCapture -> cvtColor -> pose.process per frame), then for each
model (default: ``litert`` and, when built with ``formcheck models build``, ``litert-int8``)
``formcheck score`` as a user runs it (a subprocess: start-up, estimation, report, annotated video),
at full rate, without the video, and with ``--fps 10``. Prints seconds, x real time, the ratio to the
naive loop, peak memory (the process and its workers together) and the hold time each run reported.
Other work on the machine slows every row alike within a run: compare ratios, and read the load
printed before and after.
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

# The clips of issue 24's targets; others (e.g. videos/wall-sit/afya-wall-sit-side.mp4:wall_sit, real holds
# and faults, for the hold time at --fps 10 against full rate) with --clip.
DEFAULT_CLIPS = [
    "videos/glute-bridge/atc-glute-bridge.mp4:glute_bridge",       # 1280x720, 25 fps, 20.9 s
    "videos/wall-sit/leap-wall-sit.mp4:wall_sit",                  # 1920x1080, 30 fps, 8.9 s, wall stage
    "videos/plank/posture-009.mp4:forearm_plank",                  # 640x352, 12 fps, 55 s
]
DEFAULT_MODELS = ("litert", "litert-int8")


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


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)"


def _int8_built() -> bool:
    from formcheck.pose.litert.int8 import int8_model_path

    return int8_model_path().is_file()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="REL_PATH:EXERCISE under the shared data folder")
    parser.add_argument("--model", action="append", help="passed to formcheck score (repeatable; default: "
                        f"{' and '.join(DEFAULT_MODELS)}, the int8 one when built)")
    parser.add_argument("--repeat", type=int, default=1, help="play each clip this many times in a row")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    models = args.model or [m for m in DEFAULT_MODELS if m != "litert-int8" or _int8_built()]
    root = shared_data()
    print(f"machine: {os.cpu_count()} cores, load before start {_load()}; models: {', '.join(models)}")
    header = (f"{'clip':24} {'model':12} {'run':14} {'seconds':>8} {'x rt':>6} {'vs naive':>8} {'peak MiB':>8} "
              f"{'valid_s':>8}")
    print(header)
    for item in args.clip or DEFAULT_CLIPS:
        rel, exercise = item.rsplit(":", 1)
        clip = looped_clip(root / rel, args.repeat, Path(scratch.name))
        frames, naive_s = naive_loop(clip)
        runs = {("mediapipe", "naive loop"): (naive_s, None, None)}
        report = None
        for model in models:
            for name, extra in (("score", ()), ("score no-video", ("--no-video",)),
                                ("score --fps 10", ("--fps", "10"))):
                seconds, peak, report_run = run_score(clip, exercise, "--model", model, *extra)
                runs[model, name] = (seconds, peak, report_run["valid_s"])
                report = report or report_run
        duration = report["duration_s"]
        for (model, name), (seconds, peak, valid) in runs.items():
            peak_text = f"{peak:8.0f}" if peak is not None else f"{'':8}"
            valid_text = f"{valid:8.2f}" if valid is not None else f"{'':8}"
            print(f"{clip.name[:24]:24} {model:12} {name:14} {seconds:8.2f} {duration / seconds:6.2f} "
                  f"{naive_s / seconds:8.2f} {peak_text} {valid_text}")
        for model in models:
            full, sampled = runs[model, "score"][2], runs[model, "score --fps 10"][2]
            print(f"{'':24} {model:12} hold time difference at --fps 10: {abs(full - sampled):.2f} s "
                  f"({frames} frames)")
        if len(models) > 1:
            base = models[0]
            for model in models[1:]:
                ratios = ", ".join(f"{name} {runs[base, name][0] / runs[model, name][0]:.2f}x"
                                   for name in ("score", "score no-video", "score --fps 10"))
                print(f"{'':24} {model} vs {base}: {ratios} faster; hold time "
                      f"{runs[model, 'score'][2] - runs[base, 'score'][2]:+.2f} s")
    print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
