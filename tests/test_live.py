"""``formcheck live``: the small parts on their own, then the whole command on a real clip under Xvfb."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.errors import CameraError, SourceError
from formcheck.judge.timer import FrameState
from formcheck.live.cues import TOO_DARK, CueSelector, _join
from formcheck.live.screen import DisplayError, check_display
from formcheck.live.session import default_out_dir
from formcheck.live.voice import Voice
from formcheck.outputs.overlay import STATE_BGR
from formcheck.pose.stage import PoseStage
from formcheck.sources.camera import open_live_source
from formcheck.sources.capture import LatestFrameCapture
from formcheck.sources.media import VideoFrame

# A correct forearm plank, 640x352 12 fps, 26.9 s: long enough that the window is on the screen for
# many grabs even when the machine is busy (a 6.5 s clip was sometimes over before one grab landed).
CLIP = "videos/plank/posture-002.mp4"
CLIP_HW = (352, 640)
LIVE = [sys.executable, "-m", "formcheck", "live"]


# -- cues -------------------------------------------------------------------------------------

def test_cue_is_held_long_enough_to_read_and_ignores_flicker():
    cues = CueSelector(min_show_s=1.5, settle_s=0.3)
    t = 0.0
    shown = []
    for i in range(60):  # 2 s of a cue flickering every frame: never settles, never shown
        shown.append(cues.update("Lift your hips" if i % 2 else None, t))
        t += 1 / 30
    assert set(shown) == {None}
    for _ in range(15):  # held 0.5 s: appears after settle_s
        shown.append(cues.update("Lift your hips", t))
        t += 1 / 30
    assert shown[-1] == "Lift your hips"
    appeared = t
    while t < appeared + 1.0:  # a better cue arrives at once, but the first one stays readable
        assert cues.update("Lower your hips", t) == "Lift your hips"
        t += 1 / 30
    while t < appeared + 2.0:
        last = cues.update("Lower your hips", t)
        t += 1 / 30
    assert last == "Lower your hips"


def test_off_picture_joints_are_named_plainly():
    assert _join(["left ankle"]) == "left ankle"
    assert _join(["left knee", "left ankle", "right ankle"]) == "left knee and ankles"


# -- capture ----------------------------------------------------------------------------------

def _frames(n: int, interval_s: float = 0.0):
    image = np.zeros((4, 4, 3), np.uint8)
    for i in range(n):
        if interval_s:
            time.sleep(interval_s)
        yield VideoFrame(i, i / 30, image)


def test_capture_hands_over_only_the_newest_frame_and_counts_drops():
    with LatestFrameCapture(_frames(50)) as capture:
        while not capture.ended:
            time.sleep(0.01)
        last = capture.latest(timeout_s=0.1)
    assert last is not None and last.frame.index == 49
    assert capture.delivered == 50 and capture.dropped == 49
    assert capture.latest(timeout_s=0.05) is None


class _WaitClock:
    """A clock that moves only when the capture thread waits on its stop event, so pacing is counted
    in the waits it asked for, never timed."""

    def __init__(self, stop) -> None:
        self.now = 100.0
        self.waits: list[float] = []
        self._stop = stop

    def perf_counter(self) -> float:
        return self.now

    def is_set(self) -> bool:
        return self._stop.is_set()

    def set(self) -> None:
        self._stop.set()

    def wait(self, timeout_s: float) -> bool:
        self.waits.append(timeout_s)
        self.now += timeout_s
        return self._stop.is_set()


@pytest.mark.parametrize("realtime", [True, False])
def test_capture_paces_a_file_by_its_timestamps(monkeypatch, realtime):
    import formcheck.sources.capture as capture_module

    capture = LatestFrameCapture(_frames(10), realtime=realtime)
    clock = _WaitClock(capture._stop)
    monkeypatch.setattr(capture_module, "time", clock)
    monkeypatch.setattr(capture, "_stop", clock)
    handed_over = []
    put = capture._put
    monkeypatch.setattr(capture, "_put", lambda c: (handed_over.append(c), put(c)))
    with capture:
        while not capture.ended:
            time.sleep(0.01)
    assert [c.frame.index for c in handed_over] == list(range(10)) and capture.delivered == 10
    after_first = [c.delivered_s - handed_over[0].delivered_s for c in handed_over]
    if realtime:  # each frame handed over at its own timestamp, in waits short enough to honour stop()
        assert after_first == pytest.approx([i / 30 for i in range(10)])
        assert sum(clock.waits) == pytest.approx(9 / 30) and max(clock.waits) <= 0.1
    else:  # a camera paces itself
        assert after_first == [0.0] * 10 and clock.waits == []


def test_capture_keeps_the_reason_a_camera_stopped():
    def failing():
        yield from _frames(3)
        raise CameraError("camera 0: stopped delivering frames after 3 frames")

    with LatestFrameCapture(failing()) as capture:
        while not capture.ended:
            time.sleep(0.01)
    assert isinstance(capture.error, CameraError)


# -- voice ------------------------------------------------------------------------------------

class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_voice_never_repeats_a_cue_within_its_interval(tmp_path):
    clock = _Clock()
    engine = shutil.which("true")
    voice = Voice(enabled=True, repeat_s=5.0, engine=engine, clock=clock)
    assert voice.mode == "speech"
    assert voice.say("Lift your hips")
    voice._process.wait()
    clock.now = 2.0
    assert not voice.say("Lift your hips")
    clock.now = 5.5
    assert voice.say("Lift your hips")
    voice.close()
    assert voice.spoken == ["Lift your hips", "Lift your hips"]


def test_voice_without_engine_or_terminal_is_silent_not_an_error():
    voice = Voice(enabled=True, engine=None, bell_stream=io.StringIO())
    voice.engine = None
    assert voice.mode == "off"
    assert not voice.say("Lift your hips")
    assert not Voice(enabled=False).say("Lift your hips")


# -- bad input --------------------------------------------------------------------------------

def test_no_display_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(DisplayError, match="formcheck score VIDEO"):
        check_display()


def test_unreachable_display_does_not_crash_the_process(monkeypatch):
    # Qt aborts the process on a display it cannot reach; the probe keeps that in a child.
    monkeypatch.setenv("DISPLAY", ":97")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(DisplayError, match="cannot open a window on :97"):
        check_display()


def test_missing_camera_or_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such camera or video file"):
        open_live_source(str(tmp_path / "nope.mp4"))
    with pytest.raises(CameraError, match="camera 9"):
        open_live_source("9")


def _cli(args: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(LIVE + args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run(LIVE + ["-e", "forearm_plank"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2, out.stderr
    assert "no display available" in out.stderr and "formcheck score" in out.stderr
    assert "Traceback" not in out.stderr
    out = subprocess.run(LIVE + ["-e", "no_such_exercise"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and "no_such_exercise" in out.stderr and "Traceback" not in out.stderr


def test_default_session_folder_is_per_user_and_timestamped(monkeypatch, tmp_path):
    from datetime import datetime, timezone

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    out = default_out_dir("forearm_plank", datetime(2025, 3, 1, 7, 15, 2, tzinfo=timezone.utc))
    assert out == tmp_path / "formcheck" / "sessions" / "20250301T071502Z-forearm_plank"


# -- the whole command on a real clip, on a virtual display ----------------------------------

def grab_root(display: str) -> np.ndarray | None:
    """The whole X screen as BGR, read from ``xwd`` (a ZPixmap of 24 or 32 bits per pixel)."""
    out = subprocess.run(["xwd", "-root", "-silent", "-display", display], capture_output=True, timeout=20)
    if out.returncode != 0:
        return None
    data = out.stdout
    header = struct.unpack(">25I", data[:100])
    header_size, width, height, byte_order = header[0], header[4], header[5], header[7]
    bits_per_pixel, bytes_per_line, ncolors = header[11], header[12], header[19]
    assert bits_per_pixel in (24, 32), f"unexpected {bits_per_pixel} bits per pixel"
    step = bits_per_pixel // 8
    start = header_size + 12 * ncolors
    rows = np.frombuffer(data, np.uint8, count=bytes_per_line * height, offset=start).reshape(height, bytes_per_line)
    pixels = rows[:, :width * step].reshape(height, width, step)
    # LSB first stores B, G, R(, X); MSB first the reverse.
    return pixels[:, :, :3] if byte_order == 0 else pixels[:, :, ::-1][:, :, :3]


def _colour_pixels(image: np.ndarray, bgr: tuple[int, int, int]) -> int:
    return int(np.all(image == np.array(bgr, np.uint8), axis=2).sum())


def _last_frame(video: Path) -> np.ndarray:
    from formcheck.sources.media import VideoFileSource

    last = None
    for frame in VideoFileSource(video):
        last = frame.rgb
    return cv2.cvtColor(last, cv2.COLOR_RGB2BGR)


@pytest.mark.real_data
@pytest.mark.slow
def test_live_on_a_real_clip_shows_overlay_and_scores_like_score(shared_data, xvfb, tmp_path):
    video = shared_data / CLIP
    out_dir, shot = tmp_path / "live", tmp_path / "shot.png"
    env = {**os.environ, "DISPLAY": xvfb}
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen(LIVE + ["-e", "forearm_plank", "--camera", str(video), "--countdown", "0",
                                    "-o", str(out_dir), "--screenshot", str(shot)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # Meanwhile the real X screen must show the window: the timer band in the "valid" colour.
    band_px = 0
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and band_px < 5000:
        screen = grab_root(xvfb)
        if screen is not None:
            band_px = _colour_pixels(screen, STATE_BGR[FrameState.VALID])
        time.sleep(0.5)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert band_px >= 5000, "the live window with a green timer band never appeared on the X display"

    # The saved screenshot is the last image shown: timer band top left in the state colour, and not
    # the raw frame.
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == CLIP_HW
    # The clip ends as the person gets up: the band shows whichever state the last frame was in.
    assert tuple(int(v) for v in image[8, 8]) in set(STATE_BGR.values())
    raw = _last_frame(video)
    assert np.abs(image.astype(int) - raw.astype(int)).mean() > 3

    report = json.loads((out_dir / "report.json").read_text())
    for name in ("report.json", "timeline.png", "report.html", "session.poses.npz"):
        assert (out_dir / name).is_file(), name
    scored = subprocess.run([sys.executable, "-m", "formcheck", "score", str(video), "-e", "forearm_plank",
                             "--no-video", "-o", str(tmp_path / "score")], capture_output=True, text=True, timeout=120)
    assert scored.returncode == 0, scored.stderr
    expected = json.loads((tmp_path / "score" / "report.json").read_text())
    assert abs(report["valid_s"] - expected["valid_s"]) <= 0.5, (report["valid_s"], expected["valid_s"])
    assert report["complete"] is True

    # The saved landmarks re-score to exactly what the live session reported.
    rescored = subprocess.run([sys.executable, "-m", "formcheck", "score", str(out_dir / "session.poses.npz"),
                               "-e", "forearm_plank", "-o", str(tmp_path / "rescore")],
                              capture_output=True, text=True, timeout=120)
    assert rescored.returncode == 0, rescored.stderr
    again = json.loads((tmp_path / "rescore" / "report.json").read_text())
    assert again["valid_s"] == pytest.approx(report["valid_s"], abs=1e-3)

    # The session is in the history, finished, with the report's numbers.
    from formcheck.outputs.history.store import HistoryStore

    with HistoryStore.open(os.environ["FORMCHECK_DB"]) as store:
        live_rows = [r for r in store.sessions() if r.kind == "live"]
    assert len(live_rows) == 1 and live_rows[0].finished
    assert live_rows[0].valid_s == pytest.approx(report["valid_s"], abs=1e-3)
    assert live_rows[0].report_path == str(out_dir / "report.html")


@pytest.mark.real_data
@pytest.mark.slow
def test_live_shows_set_up_guidance_as_a_cue(shared_data, xvfb, tmp_path):
    # A side-on plank judged as a side plank, which needs the camera in front: "face the camera".
    # A 3 s clip: the cue is on screen within a second, and the whole clip plays in real time.
    video = shared_data / "videos/plank/fitgem-elbow-plank.mp4"
    shot = tmp_path / "shot.png"
    out = _cli(["-e", "side_plank_left", "--camera", str(video), "--countdown", "1", "-o", str(tmp_path / "live"),
                "--screenshot", str(shot)], env={"DISPLAY": xvfb}, timeout=90)
    assert out.returncode == 0, out.stderr
    image = cv2.imread(str(shot)).astype(int)
    raw = _last_frame(video).astype(int)
    bottom = slice(image.shape[0] - 60, image.shape[0])
    # The cue band darkens the bottom of the picture and carries white letters.
    assert image[bottom].mean() < 0.7 * raw[bottom].mean()
    assert (image[bottom] >= 250).all(axis=2).sum() > 200
    report = json.loads((tmp_path / "live" / "report.json").read_text())
    assert report["valid_s"] == 0


# -- the loop, with a stand-in camera, model and window ----------------------------------------

class _FakeScreen:
    """Records what was shown and plays back keys: ``keys[n]`` is pressed while frame n is shown."""

    def __init__(self, keys: dict) -> None:
        self.keys, self.shown, self.mirror, self.readout_visible = keys, [], False, True

    def show(self, image_rgb, overlay, status):
        self.shown.append(status)
        return self.keys.get(len(self.shown) - 1)

    def poll(self):
        return None


class _NobodyEstimator:
    name = "none"

    def estimate(self, frame):
        from formcheck.pose.frame import PoseFrame

        return PoseFrame.empty(frame.t_s, frame.index, (4, 4))


@pytest.mark.parametrize("pipelined", [True, False])
def test_pause_and_reset_from_the_keyboard(pipelined):
    from formcheck.judge.exercises import load_exercise
    from formcheck.live.coach import CoachOptions, LiveCoach
    from formcheck.live.screen import Action
    from formcheck.sources.media import SourceInfo

    keys = {5: Action.PAUSE, 8: Action.PAUSE, 20: Action.RESET, 40: Action.QUIT}
    screen = _FakeScreen(keys)
    coach = LiveCoach(load_exercise("forearm_plank"), PoseStage.around(_NobodyEstimator()), screen,
                      Voice(enabled=False),
                      SourceInfo("fake", 4, 4, 30.0, None, None, True),
                      CoachOptions(countdown_s=0.2, pipelined=pipelined))
    with LatestFrameCapture(_frames(200, interval_s=0.005)) as capture:
        result = coach.run(capture)
    assert result.ended_by == "quit" and result.complete
    assert any(s.paused for s in screen.shown[6:9]) and not screen.shown[12].paused
    assert screen.shown[21].countdown_s is not None  # reset: back to the countdown
    # Only frames after the reset's countdown were scored, from session time 0.
    assert result.frames and result.frames[0].t_s == 0.0
    # The stand-in camera is black: the set-up cue says so (after settling), not "step into view".
    assert {s.cue for s in screen.shown} == {None, TOO_DARK}


@pytest.mark.slow
def test_live_wall_sit_runs_the_wall_stage_and_counts_like_score(xvfb, tmp_path):
    # The rendered sample: a good wall sit against a wall, held 3.5-15.0 s of 18 s.
    video = Path(__file__).resolve().parents[1] / "samples" / "wall-sit-side.mp4"
    env = {**os.environ, "DISPLAY": xvfb}
    out = subprocess.run(LIVE + ["-e", "wall_sit", "--camera", str(video), "--countdown", "0",
                                 "-o", str(tmp_path / "live")], capture_output=True, text=True, timeout=180, env=env)
    assert out.returncode == 0, out.stderr
    live = json.loads((tmp_path / "live" / "report.json").read_text())
    assert live["valid_s"] >= 10.0  # the back was seen against the wall: the hold counted
    scored = subprocess.run([sys.executable, "-m", "formcheck", "score", str(video), "-e", "wall_sit",
                             "--no-video", "-o", str(tmp_path / "score")], capture_output=True, text=True, timeout=180)
    assert scored.returncode == 0, scored.stderr
    expected = json.loads((tmp_path / "score" / "report.json").read_text())
    assert abs(live["valid_s"] - expected["valid_s"]) <= 0.5


def test_the_next_frame_is_estimated_while_the_previous_one_is_shown():
    # Frame 1 arrives only once frame 0 is being shown, and the screen holds frame 0 until frame 1's
    # estimate has begun: that happens only if estimating never waits for the screen.
    import threading

    from formcheck.judge.exercises import load_exercise
    from formcheck.live.coach import CoachOptions, LiveCoach
    from formcheck.sources.media import SourceInfo

    showing, estimating = threading.Event(), threading.Event()
    overlapped: list[bool] = []

    def camera():
        image = np.zeros((4, 4, 3), np.uint8)
        yield VideoFrame(0, 0.0, image)
        showing.wait(10)
        yield VideoFrame(1, 1 / 30, image)

    class Estimator(_NobodyEstimator):
        def estimate(self, frame):
            if frame.index == 1:
                estimating.set()
            return super().estimate(frame)

    class Screen(_FakeScreen):
        def show(self, image_rgb, overlay, status):
            if not self.shown:
                showing.set()
                overlapped.append(estimating.wait(10))
            return super().show(image_rgb, overlay, status)

    coach = LiveCoach(load_exercise("forearm_plank"), PoseStage.around(Estimator()), Screen({}),
                      Voice(enabled=False),
                      SourceInfo("fake", 4, 4, 30.0, None, None, True), CoachOptions(countdown_s=0))
    with LatestFrameCapture(camera()) as capture:
        result = coach.run(capture)
    assert overlapped == [True]
    assert result.ended_by == "source ended" and result.stats.shown == 2 and result.stats.dropped == 0


def test_a_failing_model_ends_the_session_with_its_error():
    from formcheck.errors import ModelError
    from formcheck.judge.exercises import load_exercise
    from formcheck.live.coach import CoachOptions, LiveCoach
    from formcheck.sources.media import SourceInfo

    class Failing(_NobodyEstimator):
        def estimate(self, frame):
            if frame.index == 3:
                raise ModelError("the model broke")
            return super().estimate(frame)

    coach = LiveCoach(load_exercise("forearm_plank"), PoseStage.around(Failing()), _FakeScreen({}),
                      Voice(enabled=False),
                      SourceInfo("fake", 4, 4, 30.0, None, None, True), CoachOptions(countdown_s=0))
    with LatestFrameCapture(_frames(20, interval_s=0.005)) as capture, \
            pytest.raises(ModelError, match="the model broke"):
        coach.run(capture)
