"""The command line as a user meets it: messages, exit codes, never a traceback."""

import subprocess
import sys

import pytest

from formcheck import __version__
from tests.videos import write_video


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "formcheck", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_version_and_help():
    assert run("--version").stdout.strip().endswith(__version__)
    out = run("--help")
    assert out.returncode == 0 and "record" in out.stdout


@pytest.mark.parametrize("make, expected", [
    (lambda d: d / "nope.mp4", "no such file"),
    (lambda d: _write(d / "empty.mp4", b""), "the file is empty"),
    (lambda d: _write(d / "text.mp4", b"plain text"), "not a readable video"),
    (lambda d: _write(d / "bad.poses.npz", b"zzz"), "is already a landmark recording"),
])
def test_record_bad_input_is_one_line_exit_2_no_traceback(tmp_path, make, expected):
    path = make(tmp_path)
    out = run("record", path, "-o", tmp_path / "o.poses.npz")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0] and str(path) in lines[0]


def test_record_refuses_an_unavailable_model_and_says_what_to_pass(tmp_path):
    video = write_video(tmp_path / "v.mp4", [0.0, 0.1])
    out = run("record", video, "--model", "heavy")
    assert out.returncode == 2 and "--model full" in out.stderr and ".task" in out.stderr
    out = run("record", video, "--model", tmp_path / "missing.task")
    assert out.returncode == 2 and "missing.task: no such model file" in out.stderr
    bogus = _write(tmp_path / "bogus.task", b"not a model")
    out = run("record", video, "--model", bogus)
    assert out.returncode == 2 and "not a usable MediaPipe Pose Landmarker .task file" in out.stderr
    assert "Traceback" not in out.stderr


def test_record_on_a_video_without_a_person_saves_and_warns(tmp_path):
    video = write_video(tmp_path / "grey.mp4", [i / 10 for i in range(8)])
    out = run("record", video, "-o", tmp_path / "grey.poses.npz")
    assert out.returncode == 0, out.stderr
    assert "0% of frames" in out.stdout and "no person was found" in out.stderr
    assert (tmp_path / "grey.poses.npz").is_file()


def _write(path, data):
    path.write_bytes(data)
    return path
