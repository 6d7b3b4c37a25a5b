"""formcheck batch throughput: local process pool vs a Dask cluster, same clips, same run.

    python benchmarks/batch_throughput.py [--clip REL ...] [--exercise forearm_plank] [--cluster ADDRESS] [--copies 15]

Without --cluster a LocalCluster (2 worker processes, 1 thread each, loopback) is started here.
For each backend: a cold run into a fresh folder (pose estimation + reports); the local pool with
one process and with two, so the scaling from one worker to two can be read off. Then a re-score of
the local run's folder from its cached landmark recordings (stamps removed, as a calibration change
would make them stale); the same at scale (--copies name-copies of each clip, so the pool's
start-up is paid once, as in a real batch of hundreds); and the scoring alone (recording loaded,
cleaned, scored, no files) in this process.
Prints clips per minute and x real time (seconds of video per second of wall time).
The machine may be shared: timings are noisy, run it twice before believing a difference.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402

DEFAULT_CLIPS = [
    "videos/plank/fitgem-elbow-plank.mp4",         # 560x560, 24 fps, 3.0 s
    "videos/plank/kaiakol-plank_correct_001.mp4",  # 1280x720, 30 fps, 2.6 s
    "videos/plank/kaiakol-plank_correct_005.mp4",  # 1280x720, 30 fps, 6.5 s
    "videos/plank/posture-005.mp4",                # 640x352, 12 fps, 20.4 s
    "videos/plank/posture-009.mp4",                # 640x352, 12 fps, 55 s: a clinic-length hold
]


def _timed_batch(jobs, out: Path, backend) -> tuple[float, list[dict]]:
    from formcheck.batch import run_batch

    started = time.perf_counter()
    report = run_batch(jobs, out, backend)
    return time.perf_counter() - started, report.rows


def _line(label: str, seconds: float, rows: list[dict]) -> None:
    scored = [r for r in rows if r.get("status") == "scored"]
    video_s = sum(float(r["duration_s"]) for r in scored)
    failed = [r for r in rows if r.get("status") == "failed"]
    print(f"{label:<34} {len(scored)} clips  {seconds:7.2f} s  {60 * len(scored) / seconds:7.1f} clips/min  "
          f"{video_s / seconds:7.2f}x real time" + (f"  ({len(failed)} failed)" if failed else ""))


def _rescore_in_process(out: Path, exercise: str) -> tuple[float, float]:
    """(seconds, video seconds) to load, clean and score every cached recording, no files written."""
    from formcheck.engine.session import replay
    from formcheck.judge.exercises import load_exercise
    from formcheck.pose.recording import load_recording

    ex = load_exercise(exercise)
    recordings = [load_recording(p) for p in sorted(out.glob("*/*.poses.npz"))]
    replay(recordings[0], ex)  # warm-up: first-call imports are not scoring
    started = time.perf_counter()
    video_s = sum(replay(r, ex).score.duration_s for r in recordings)
    return time.perf_counter() - started, video_s


def _rescore_at_scale(clips: Path, cached_out: Path, work: Path, exercise: str, copies: int) -> None:
    """Re-score ``copies`` name-copies of every clip from cached recordings, as a calibration change
    over a large batch would: enough clips that the pool's start-up is paid once, not per clip."""
    from formcheck.batch import jobs_from_sources
    from formcheck.batch.backends import LocalPool

    folder, out = work / "many", work / "many-out"
    folder.mkdir()
    for clip in sorted(clips.iterdir()):
        cached = cached_out / clip.stem / f"{clip.stem}.poses.npz"
        if not cached.is_file():
            continue
        for k in range(copies):
            stem = f"{clip.stem}-{k:03d}"
            (folder / f"{stem}{clip.suffix}").symlink_to(clip.resolve())
            (out / stem).mkdir(parents=True)
            os.link(cached, out / stem / f"{stem}.poses.npz")
    jobs = jobs_from_sources([folder], exercise)
    _timed_batch(jobs, out, LocalPool(2))  # hashes every clip once, as the first run of a batch did
    for processes in (1, 2):
        for stamp in out.glob("*/batch.json"):
            stamp.unlink()
        seconds, rows = _timed_batch(jobs, out, LocalPool(processes))
        assert not any(r.get("estimated") for r in rows), "re-score estimated poses again"
        _line(f"local pool ({processes}), re-score {len(rows)} clips", seconds, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="clip relative to the shared data folder")
    parser.add_argument("--exercise", default="forearm_plank")
    parser.add_argument("--cluster", default=None, help="an existing Dask scheduler address")
    parser.add_argument("--copies", type=int, default=15,
                        help="name-copies of each clip for the re-score at scale (default 15)")
    args = parser.parse_args()

    from formcheck.batch import jobs_from_sources
    from formcheck.batch.backends import DaskCluster, LocalPool

    data = shared_data()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "clips"
        folder.mkdir()
        for rel in args.clip or DEFAULT_CLIPS:
            (folder / Path(rel).name).symlink_to(data / rel)
        jobs = jobs_from_sources([folder], args.exercise)

        # One process first: the scaling from one worker to two is what projects to a cluster.
        seconds, rows = _timed_batch(jobs, Path(tmp) / "local1", LocalPool(1))
        _line("local pool (1 process), cold", seconds, rows)
        seconds, rows = _timed_batch(jobs, Path(tmp) / "local", LocalPool(2))
        _line("local pool (2 processes), cold", seconds, rows)

        if args.cluster:
            seconds, rows = _timed_batch(jobs, Path(tmp) / "cluster", DaskCluster(args.cluster))
            _line(f"dask {args.cluster}, cold", seconds, rows)
        else:
            from distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                seconds, rows = _timed_batch(jobs, Path(tmp) / "cluster", DaskCluster(cluster.scheduler_address))
                _line("dask LocalCluster (2 workers), cold", seconds, rows)

        for stamp in (Path(tmp) / "local").glob("*/batch.json"):
            stamp.unlink()  # as a calibration change would: reports stale, landmarks still valid
        seconds, rows = _timed_batch(jobs, Path(tmp) / "local", LocalPool(2))
        assert not any(r.get("estimated") for r in rows), "re-score estimated poses again"
        _line("local pool, re-score from cache", seconds, rows)

        _rescore_at_scale(folder, Path(tmp) / "local", Path(tmp), args.exercise, args.copies)

        seconds, video_s = _rescore_in_process(Path(tmp) / "local", args.exercise)
        print(f"{'scoring alone (in process)':<34} {len(jobs)} clips  {seconds:7.2f} s  "
              f"{video_s / seconds:7.1f}x real time (landmarks loaded, cleaned, scored; no files)")


if __name__ == "__main__":
    main()
