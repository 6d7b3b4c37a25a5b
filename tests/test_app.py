"""``formcheck app`` without a browser (issue #22): who may talk to it, what an upload may be, and
the Stop - it hurts gate on the camera."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import cv2
import numpy as np
from click.testing import CliRunner

from formcheck.app.runner import PAIN_REASON, GatedCapture
from formcheck.app.scoring import upload_name
from formcheck.app.webscreen import CaptureStamps, WebScreen
from formcheck.cli.main import main
from formcheck.live.screen import Action, Status
from formcheck.outputs.history.store import HistoryStore
from formcheck.sources.capture import LatestFrameCapture
from formcheck.sources.media import VideoFrame
from tests.appserver import running_app


def _get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    method = "POST" if data is not None else "GET"
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_a_non_local_bind_refuses_every_request_without_the_printed_token(tmp_path):
    with running_app(tmp_path, "--host", "0.0.0.0") as (url, _):
        assert "?token=" in url
        base, token = url.split("/today?token=")
        assert _get(f"{base}/today")[0] == 401
        assert _get(f"{base}/reports")[0] == 401
        assert _get(f"{base}/video.mjpg")[0] == 401
        assert _get(f"{base}/today?token=wrong{token}")[0] == 401
        assert _get(f"{base}/today", {"Cookie": "formcheck_token=wrong"})[0] == 401
        status, headers, body = _get(f"{base}/today?token={token}")
        assert status == 200 and b"Today" in body
        cookie = headers["set-cookie"].split(";")[0]
        assert _get(f"{base}/reports", {"Cookie": cookie})[0] == 200
        # Even with the token, an action must come from the app's own page.
        assert _get(f"{base}/api/runs", {"Cookie": cookie}, data=b"{}")[0] == 403


def test_a_local_app_answers_only_its_own_host_name_and_refuses_an_upload_over_the_limit(tmp_path):
    with running_app(tmp_path, "--max-upload-mb", "1") as (url, _):
        base = url.rsplit("/", 1)[0]
        assert "token" not in url
        assert _get(f"{base}/today")[0] == 200
        assert _get(f"{base}/today", {"Host": "attacker.example"})[0] == 403
        status, _, body = _get(f"{base}/api/score?exercise=forearm_plank&name=big.mp4", {"X-Formcheck": "1"},
                               data=b"\0" * (1024 * 1024 + 1))
        assert status == 413 and b"big.mp4" in body
        status, _, body = _get(f"{base}/api/score?exercise=no_such_thing&name=a.mp4", {"X-Formcheck": "1"},
                               data=b"\0" * 10)
        assert status == 400 and b"no_such_thing" in body
        assert _get(f"{base}/reports/99")[0] == 404
        assert _get(f"{base}/static/..%2Fserver.py")[0] == 404


def test_an_upload_is_saved_under_a_name_of_its_own_never_a_path_from_the_client():
    assert upload_name("../../etc/passwd") == "upload"
    assert upload_name("/home/me/clip.MP4") == "upload.mp4"
    assert upload_name("clip.mp4/../../x") == "upload"
    assert upload_name("weird.<script>") == "upload"


def _frames(n: int, interval_s: float):
    for i in range(n):
        time.sleep(interval_s)
        yield VideoFrame(i, i * interval_s, np.zeros((2, 2, 3), np.uint8))


def test_after_stop_it_hurts_no_frame_captured_later_reaches_the_coach():
    with LatestFrameCapture(_frames(200, 0.005)) as capture:
        gate = GatedCapture(capture, CaptureStamps())
        before = [gate.latest(0.5) for _ in range(5)]
        assert all(c is not None for c in before)
        gate.close()
        after = [gate.latest(0.05) for _ in range(20)]
        assert after == [None] * 20
        assert capture.delivered > before[-1].frame.index + 1  # the camera went on; nothing was handed on


def test_a_set_stopped_because_it_hurt_says_so_in_the_history_listing(tmp_path):
    db = tmp_path / "history.sqlite3"
    with HistoryStore.open(db) as store:
        kept = store.add_session("wall_sit", kind="live", valid_s=12.0, longest_hold_s=12.0, target_s=(30.0, 120.0))
        stopped = store.add_session("wall_sit", kind="live", valid_s=4.0, longest_hold_s=4.0, target_s=(30.0, 120.0))
        store.note_ended_by(stopped, PAIN_REASON)
        assert [r.ended_by for r in store.sessions("wall_sit", newest_first=False)] == ["finished", PAIN_REASON]
        assert kept != stopped
    out = CliRunner().invoke(main, ["history", "wall_sit", "--db", str(db)], terminal_width=80)
    assert out.exit_code == 0, out.output
    assert out.output.count("stopped: it hurts") == 1 and "done" in out.output


def test_the_web_screen_sends_the_drawn_image_as_jpeg_with_the_state_it_shows_and_takes_the_buttons():
    published = []
    screen = WebScreen(published.append)
    image = np.full((480, 640, 3), 90, np.uint8)
    screen.stamps.note(image, time.perf_counter() - 0.040)
    assert screen.show(image, None, Status(rest_s=3.2, headline="Next: Wall sit")) is None
    shown = screen.next_frame(0, timeout_s=0.1)
    assert shown is not None and shown.number == 1
    decoded = cv2.imdecode(np.frombuffer(shown.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (480, 640, 3)
    state = published[-1]
    assert (state.rest_s, state.headline, state.hold_s, state.frame) == (3.2, "Next: Wall sit", None, 1)
    assert state.capture_age_ms >= 40
    assert screen.next_frame(1, timeout_s=0.05) is None  # nothing newer: the page waits, never gets a repeat
    screen.press(Action.PAUSE)
    assert screen.show(image, None, Status(paused=True)) is Action.PAUSE
    assert screen.poll() is None


def test_a_missing_camera_file_or_routine_is_one_line_and_exit_2_before_anything_listens(tmp_path):
    not_video = tmp_path / "clip.mp4"
    not_video.write_text("not a video")
    for args, named in ((["--camera", str(tmp_path / "nosuch.mp4")], "nosuch.mp4"),
                        (["--camera", str(not_video)], "clip.mp4"),
                        (["--routine", str(tmp_path / "nothere.toml")], "nothere.toml")):
        out = CliRunner().invoke(main, ["app", "--no-browser", *args])
        assert out.exit_code == 2, out.output
        lines = [line for line in out.output.splitlines() if line.strip()]
        assert len(lines) == 1 and named in lines[0] and "Traceback" not in out.output
        assert "formcheck app:" not in out.output  # never started listening
