"""formcheck batch: resumable, failures are rows, manifests, Ctrl-C — on real plank clips."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from formcheck.batch import jobs_from_manifest, jobs_from_sources, run_batch
from formcheck.batch.jobs import ClipJob
from formcheck.batch.work import ClipOutcome, ClipTask, score_clip
from formcheck.outputs.history import HistoryStore

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

SHORT_CLIPS = ("videos/plank/fitgem-elbow-plank.mp4", "videos/plank/kaiakol-plank_correct_001.mp4")
PROFILE = """exercise = "forearm_plank"
version = 1
about = "test profile"

[thresholds.upper_arm_tilt_max]
value = {tilt}
source = "test"
"""


class InProcess:
    """The batch backend without processes: each clip scored in the test's own process, in order."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.stop_after = stop_after
        self.closed_with: bool | None = None

    def run(self, tasks: Sequence[ClipTask]) -> Iterator[ClipOutcome]:
        for n, task in enumerate(tasks):
            if self.stop_after is not None and n >= self.stop_after:
                raise KeyboardInterrupt
            yield score_clip(task)

    def close(self, abort: bool = False) -> None:
        self.closed_with = abort


def _clips(shared_data: Path, folder: Path, *relative: str, broken: bool = False) -> Path:
    folder.mkdir()
    for rel in relative:
        (folder / Path(rel).name).symlink_to(shared_data / rel)  # read in place, never copied
    if broken:
        (folder / "broken.mp4").write_bytes(b"not a video at all")
    return folder


def _summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _history_count() -> int:
    with HistoryStore.open() as store:  # FORMCHECK_DB: this test's own database
        return store.count()


def test_resume_skips_then_a_calibration_change_rescores_from_cached_landmarks(shared_data, tmp_path):
    clips = _clips(shared_data, tmp_path / "clips", *SHORT_CLIPS, broken=True)
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE.format(tilt=30))
    jobs = jobs_from_sources([clips], "forearm_plank", str(profile))
    out = tmp_path / "out"

    first = run_batch(jobs, out, InProcess())
    rows = {r["stem"]: r for r in _summary(out)}
    assert [r["status"] for r in first.rows] == ["failed", "scored", "scored"]  # broken, fitgem, kaiakol
    broken = rows["broken"]["error"]
    assert broken.startswith(str(clips / "broken.mp4")) and "not a readable video" in broken
    assert all(rows[s]["estimated"] == "True" for s in ("fitgem-elbow-plank", "kaiakol-plank_correct_001"))
    assert (out / "fitgem-elbow-plank" / "fitgem-elbow-plank.poses.npz").is_file()
    report = json.loads((out / "fitgem-elbow-plank" / "report.json").read_text())
    assert report["source"] == str(clips / "fitgem-elbow-plank.mp4") and report["complete"]
    assert _history_count() == 2  # the scored clips, not the failed one

    second = run_batch(jobs, out, InProcess())
    assert [r["status"] for r in second.rows] == ["failed", "skipped", "skipped"]
    assert _history_count() == 2  # skipped clips are not stored again
    kept = ("duration_s", "valid_s", "longest_hold_s", "breaks", "faults", "frames")
    def kept_of(rows):
        return [{k: str(r[k]) for k in kept} for r in rows[1:]]

    assert kept_of(second.rows) == kept_of(first.rows)

    profile.write_text(PROFILE.format(tilt=31))  # new calibration content: every report is stale
    third = run_batch(jobs, out, InProcess())
    assert [r["status"] for r in third.rows] == ["failed", "scored", "scored"]
    assert [r["estimated"] for r in third.rows[1:]] == [False, False]  # landmarks came from the cache
    assert _history_count() == 4


def test_a_corrupt_clip_is_a_row_and_the_exit_code_says_so(shared_data, tmp_path):
    from click.testing import CliRunner

    from formcheck.cli.batch import batch_command

    clips = _clips(shared_data, tmp_path / "clips", SHORT_CLIPS[0], broken=True)
    (clips / "empty.mp4").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(batch_command, [str(clips), "-e", "forearm_plank", "-o", str(out),
                                                "--processes", "2"])
    assert result.exit_code == 1, result.output
    rows = {r["stem"]: r for r in _summary(out)}
    assert rows["fitgem-elbow-plank"]["status"] == "scored" and float(rows["fitgem-elbow-plank"]["valid_s"]) > 0
    assert rows["broken"]["status"] == "failed" and "not a readable video" in rows["broken"]["error"]
    assert rows["empty"]["status"] == "failed" and "empty" in rows["empty"]["error"]
    lines = (out / "summary.jsonl").read_text().splitlines()
    assert [json.loads(line)["stem"] for line in lines] == ["broken", "empty", "fitgem-elbow-plank"]


def test_manifest_gives_each_clip_its_exercise(shared_data, tmp_path):
    clip = shared_data / SHORT_CLIPS[0]
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / clip.name).symlink_to(clip)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,exercise,profile\n"
                        f"clips/{clip.name},forearm_plank,\n"
                        f"clips/{clip.name},forearm_plank,example-loose\n"
                        f"clips/{clip.name},no_such_exercise,\n")
    jobs = jobs_from_manifest(manifest)
    assert len({j.stem for j in jobs}) == 3  # one clip, three jobs: three folders
    report = run_batch(jobs, tmp_path / "out", InProcess())
    plain, loose, unknown = report.rows
    assert (plain["exercise"], plain["profile"], plain["status"]) == ("forearm_plank", "", "scored")
    assert (loose["profile"], loose["status"]) == ("example-loose", "scored")
    assert unknown["status"] == "failed" and "unknown exercise 'no_such_exercise'" in unknown["error"]
    assert plain["estimated"] is True and loose["estimated"] is True  # each job has its own folder and cache
    for row in (plain, loose):
        saved = json.loads((tmp_path / "out" / row["stem"] / "report.json").read_text())
        assert saved["exercise"] == "forearm_plank"


def test_ctrl_c_leaves_a_valid_summary_of_what_is_done(shared_data, tmp_path):
    clips = _clips(shared_data, tmp_path / "clips", *SHORT_CLIPS)
    jobs = jobs_from_sources([clips], "forearm_plank")
    backend = InProcess(stop_after=1)
    report = run_batch(jobs, tmp_path / "out", backend)
    assert report.interrupted and backend.closed_with is True
    rows = _summary(tmp_path / "out")
    assert [(r["stem"], r["status"]) for r in rows] == [("fitgem-elbow-plank", "scored")]
    # The interrupted clip has no stamp: the next run scores it and skips the one done.
    again = run_batch(jobs, tmp_path / "out", InProcess())
    assert [r["status"] for r in again.rows] == ["skipped", "scored"]


def test_two_clips_with_one_name_get_two_folders(tmp_path):
    jobs = jobs_from_sources_like([tmp_path / "a" / "clip.mp4", tmp_path / "b" / "clip.mp4"])
    assert len({j.stem for j in jobs}) == 2 and all(j.stem.startswith("clip-") for j in jobs)


def jobs_from_sources_like(paths: list[Path]) -> list[ClipJob]:
    from formcheck.batch.jobs import with_unique_stems

    return with_unique_stems([ClipJob(p, "forearm_plank") for p in paths])


def test_a_worker_killed_mid_clip_loses_no_clip(shared_data, tmp_path):
    from formcheck.batch.backends import LocalPool
    from tests.killer import WorkerKiller

    clips = _clips(shared_data, tmp_path / "clips", *SHORT_CLIPS)
    jobs = jobs_from_sources([clips], "forearm_plank")
    pool = LocalPool(2)
    with WorkerKiller(shared_data / rel for rel in SHORT_CLIPS) as killer:
        report = run_batch(jobs, tmp_path / "out", pool)
    assert killer.killed is not None, "no worker was caught mid-clip"
    assert pool.replaced_pools == 1
    assert [r["status"] for r in report.rows] == ["scored", "scored"]
    assert all((tmp_path / "out" / r["stem"] / "batch.json").is_file() for r in report.rows)
    # The reports are complete, so a rerun has nothing left to do.
    assert [r["status"] for r in run_batch(jobs, tmp_path / "out", LocalPool(2)).rows] == ["skipped", "skipped"]


def test_what_a_folder_holds_but_is_not_scored_is_said(tmp_path):
    from formcheck.batch.jobs import jobs_from_sources

    folder = tmp_path / "clips"
    (folder / "week2").mkdir(parents=True)
    (folder / "a.mp4").write_bytes(b"x")
    (folder / "gone.mp4").symlink_to(tmp_path / "nowhere.mp4")
    (folder / "notes.txt").write_text("not a clip, not said")
    told: list[tuple[str, str]] = []
    jobs = jobs_from_sources([folder], "forearm_plank", skipped=lambda p, why: told.append((p.name, why)))
    assert [j.source.name for j in jobs] == ["a.mp4"]
    assert [name for name, _ in told] == ["gone.mp4", "week2"]
    assert "does not exist" in told[0][1] and "folders are not searched" in told[1][1]


def test_an_interrupted_recording_is_not_called_interrupted_when_scored(tmp_path):
    import subprocess
    import sys

    from formcheck.pose.recording import Recording, save_recording
    from formcheck_studio import GroundTruth

    truth = GroundTruth.load(Path(__file__).resolve().parents[1] / "samples" / "plank-side.json")
    frames = truth.pose_frames()[:60]  # stopped with Ctrl-C after 4 s of a 16 s clip
    meta = {"source": "plank-side.mp4", "fps": truth.fps, "complete": False, "width": 640, "height": 360,
            "duration_s": 16.0}
    rec = save_recording(Recording(frames, meta), tmp_path / "cut.poses.npz")
    out = subprocess.run([sys.executable, "-m", "formcheck", "score", str(rec), "-e", "plank", "-o",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    assert "warning: interrupted" not in out.stderr
    assert "the recording was stopped before the end of its video" in out.stderr and "4.0 s" in out.stderr
    assert json.loads((tmp_path / "out" / "report.json").read_text())["complete"] is False
