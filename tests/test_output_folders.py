"""Results are written whole or not at all, never over another source's, and checked before the work.

The scoring runs here read landmark recordings made from the rendered samples' exact ground truth,
so each takes a second, not a pose model's minutes.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.engine.session import Session, SessionOutputError
from formcheck.errors import OutputError
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.folder import MARKER, OutputFolder, check_new_file
from formcheck.outputs.sinks import JsonReport, Timeline
from formcheck.pose.frame import PoseFrame
from formcheck.pose.recording import Recording, save_recording
from formcheck_studio import GroundTruth

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def _recording_of(sample: str, folder: Path, name: str | None = None) -> Path:
    truth = GroundTruth.load(SAMPLES / f"{sample}.json")
    frames = truth.pose_frames()
    width, height = truth.size_wh
    meta = {"source": f"{sample}.mp4", "fps": truth.fps, "complete": True, "model": "ground truth",
            "width": width, "height": height, "duration_s": None}
    return save_recording(Recording(frames, meta), folder / f"{name or sample}.poses.npz")


def _nobody(folder: Path) -> Path:
    frames = [PoseFrame.empty(i / 10, i, (640, 360)) for i in range(30)]
    meta = {"source": "empty.mp4", "fps": 10.0, "complete": True, "width": 640, "height": 360, "duration_s": 3.0}
    return save_recording(Recording(frames, meta),
                          folder / "empty.poses.npz")


@pytest.fixture
def work(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    return tmp_path, _recording_of("plank-side", clips), _recording_of("plank-hips-low-side", clips)


def test_each_source_gets_its_own_default_folder_and_a_rerun_replaces_only_its_own(work):
    tmp, good, low = work
    for clip in (good, low, good):
        out = run_cli("score", clip, "-e", "plank", "--no-video", cwd=tmp)
        assert out.returncode == 0, out.stderr
    good_report = json.loads((tmp / "out/plank-side/report.json").read_text())
    low_report = json.loads((tmp / "out/plank-hips-low-side/report.json").read_text())
    assert good_report["valid_s"] > 5.0 and low_report["valid_s"] < good_report["valid_s"]
    assert not list(tmp.glob("out/.*partial*")) and not list(tmp.glob("out/.*old*"))


def test_another_sources_results_are_refused_unless_overwrite(work):
    tmp, good, low = work
    assert run_cli("score", good, "-e", "plank", "--no-video", "-o", "shared", cwd=tmp).returncode == 0
    before = (tmp / "shared/report.json").read_text()
    out = run_cli("score", low, "-e", "plank", "--no-video", "-o", "shared", cwd=tmp)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "shared: holds the results of" in out.stderr and "--overwrite" in out.stderr
    assert (tmp / "shared/report.json").read_text() == before  # nothing already written was lost
    out = run_cli("score", low, "-e", "plank", "--no-video", "-o", "shared", "--overwrite", cwd=tmp)
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp / "shared/report.json").read_text())["source"].endswith("plank-hips-low-side.poses.npz")


def test_a_rerun_never_leaves_an_earlier_runs_files_behind(tmp_path):
    target = tmp_path / "out"
    first = OutputFolder.claim(target, "a.mp4")
    (first.work_dir / "annotated.mp4").write_bytes(b"video")
    (first.work_dir / "report.json").write_text("{}")
    first.commit()
    rerun = OutputFolder.claim(target, "a.mp4")  # the same source, this time without the video
    (rerun.work_dir / "report.json").write_text("{}")
    rerun.commit()
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "report.json"]


def test_a_failed_run_leaves_the_earlier_results_untouched(tmp_path):
    target = tmp_path / "out"
    first = OutputFolder.claim(target, "a.mp4")
    (first.work_dir / "report.json").write_text("first")
    first.commit()
    second = OutputFolder.claim(target, "a.mp4")
    (second.work_dir / "report.json").write_text("half")
    second.abandon()
    assert (target / "report.json").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("make, message", [
    (lambda t: t.write_text("x"), "is a file, not a folder"),
    (lambda t: (t.mkdir(), (t / "notes.txt").write_text("mine")), "is not empty and holds no formcheck results"),
])
def test_unusable_targets_are_refused_before_the_work(tmp_path, make, message):
    target = tmp_path / "target"
    make(target)
    with pytest.raises(OutputError, match=message):
        OutputFolder.claim(target, "a.mp4")


def test_not_enough_space_is_said_before_the_work(tmp_path):
    with pytest.raises(OutputError, match="not enough free space"):
        OutputFolder.claim(tmp_path / "out", "a.mp4", needed_bytes=1 << 60)
    assert list(tmp_path.iterdir()) == []  # the working folder it tried is gone


def test_an_unwritable_place_is_one_line_before_any_estimation(work):
    tmp, good, _ = work
    (tmp / "afile").write_text("x")
    out = run_cli("score", good, "-e", "plank", "--no-video", "-o", tmp / "afile" / "out", cwd=tmp)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.count("error") == 1 and "afile is a file, not a folder" in out.stderr


def test_a_recording_is_never_silently_replaced(work):
    tmp, good, _ = work
    existing = tmp / "mine.poses.npz"
    existing.write_bytes(b"precious")
    out = run_cli("record", SAMPLES / "plank-side.mp4", "-o", existing, cwd=tmp)
    assert out.returncode == 2 and "mine.poses.npz: already exists; pass --overwrite" in out.stderr
    assert existing.read_bytes() == b"precious"


def test_nobody_in_view_says_so_exits_3_and_stores_nothing(tmp_path):
    clip = _nobody(tmp_path)
    db = tmp_path / "history.sqlite3"
    out = run_cli("score", clip, "-e", "plank", "--db", db, cwd=tmp_path)
    assert out.returncode == 3, out.stderr
    assert "no person found in 3.0 s of video" in out.stderr and "Well done" not in out.stdout + out.stderr
    assert not (tmp_path / "out").exists()
    if db.exists():
        with sqlite3.connect(db) as con:
            assert con.execute("select count(*) from sessions").fetchone()[0] == 0


class _DiskFull:
    name = "timeline.png"

    def update(self, scored) -> None:
        pass

    def finish(self, ended) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_what_was_written_and_names_what_is_missing(tmp_path):
    exercise = load_exercise("forearm_plank")
    truth = GroundTruth.load(SAMPLES / "plank-side.json")
    recording = Recording(truth.pose_frames(), {"source": "plank-side.mp4", "fps": truth.fps})
    session = Session(exercise, [JsonReport(tmp_path / "report.json"), _DiskFull(), Timeline(tmp_path / "t.png")])
    for frame in recording.frames:
        session.update(frame)
    with pytest.raises(SessionOutputError) as failure:
        session.finish(recording, out_dir=tmp_path)
    message = str(failure.value)
    assert "could not write timeline.png (No space left on device)" in message
    assert "written: report.json, t.png" in message
    assert (tmp_path / "report.json").is_file() and failure.value.result.score.summary.valid_s > 5.0


def test_a_new_file_check_names_the_problem(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        check_new_file(tmp_path / "dir")
    check_new_file(tmp_path / "new.poses.npz")  # a fresh name in a writable folder is fine
