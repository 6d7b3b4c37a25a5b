"""A live session in the history: checkpointed while it runs, so killing it loses little, and saved
whole when the display goes away."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from formcheck.outputs.history.sessions import DEFAULT_CHECKPOINT_EVERY_S
from formcheck.outputs.history.store import HistoryStore, session_status
from tests.test_live import LIVE


def _latest(db):
    if not db.exists():
        return None
    with HistoryStore.open(db) as store:
        rows = store.sessions(limit=1)
    return rows[0] if rows else None


@pytest.mark.real_data
def test_killing_a_live_session_loses_at_most_one_checkpoint_interval(shared_data, xvfb, tmp_path):  # noqa: F811
    db = tmp_path / "history.sqlite3"
    clip = shared_data / "videos/plank/posture-009.mp4"  # a correct plank, 55 s, played in real time
    env = {**os.environ, "DISPLAY": xvfb, "FORMCHECK_DB": str(db)}
    proc = subprocess.Popen(LIVE + ["-e", "forearm_plank", "--camera", str(clip), "--countdown", "0",
                                    "-o", str(tmp_path / "session")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen_s = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            row = _latest(db)
            if row is not None and (row.duration_s or 0) >= 6.0:
                seen_s = row.duration_s
                break
            time.sleep(0.2)
        assert seen_s is not None, f"no checkpoint of 6 s within 90 s: {proc.stderr.read() if proc.poll() else ''}"
        ran_on_s = 3.0
        time.sleep(ran_on_s)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    row = _latest(db)
    assert not row.finished and session_status(row) == "crashed"
    # The video kept playing in real time for ran_on_s after we saw seen_s; the last checkpoint may
    # be up to one interval older than the kill (plus scheduling slack on a busy machine).
    assert row.duration_s >= seen_s + ran_on_s - DEFAULT_CHECKPOINT_EVERY_S - 1.0
    assert row.valid_s >= row.duration_s - 2.0  # a correct plank: nearly all of it was valid
    assert not (tmp_path / "session" / "report.json").exists()  # it never got to save a report


def test_losing_the_display_saves_the_session_like_a_ctrl_c(tmp_path):
    import shutil

    from tests.xdisplay import xvfb_display

    if not shutil.which("Xvfb"):
        if os.environ.get("CI"):
            pytest.fail("Xvfb not installed (Debian: apt-get install xvfb)")
        pytest.skip("Xvfb not installed (Debian: apt-get install xvfb)")
    db = tmp_path / "history.sqlite3"
    clip = Path(__file__).resolve().parents[1] / "samples" / "plank-side.mp4"  # 16 s, played in real time
    with xvfb_display() as display:
        env = {**os.environ, "DISPLAY": display, "FORMCHECK_DB": str(db)}
        proc = subprocess.Popen(LIVE + ["-e", "forearm_plank", "--camera", str(clip), "--countdown", "0",
                                        "-o", str(tmp_path / "session")],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and proc.poll() is None:
                row = _latest(db)
                if row is not None and (row.duration_s or 0) >= 2.0:
                    break
                time.sleep(0.2)
        except BaseException:
            proc.kill()
            raise
    # The display is gone (Xvfb stopped), mid-session.
    try:
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert "the display went away" in stderr and "the session so far is saved in" in stderr
    assert "Traceback" not in stderr
    report = json.loads((tmp_path / "session" / "report.json").read_text())
    assert report["duration_s"] >= 2.0 and not report["complete"]
    assert (tmp_path / "session" / "session.poses.npz").is_file()
    row = _latest(db)
    assert row.finished and row.duration_s >= 2.0
