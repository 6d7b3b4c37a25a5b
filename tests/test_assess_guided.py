"""The guided assessment from one camera: step timing, the stance that ends when the foot comes
down, nothing lost when the camera fails, and the whole sequence on a video played as the camera."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.assess.guided import FootDown, GuidedAssessment, SetupGate, StepClock
from formcheck.assess.steps import STEPS, Step
from formcheck.errors import CameraError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.sources.media import VideoFrame

REPO = Path(__file__).resolve().parents[1]
SEQUENCE = REPO / "samples" / "assessment-sequence.mp4"


def _steps(*seconds: float) -> list[Step]:
    return [Step(f"s{i}", f"Step {i}", "do it", s) for i, s in enumerate(seconds)]


def test_step_clock_counts_down_measures_then_moves_on():
    clock = StepClock(_steps(1.0, 0.5), countdown_s=1.0)
    seen = []
    for t in np.arange(0.0, 4.0, 0.25):
        clock.advance()
        phase, left = clock.update(float(t))
        seen.append((clock.index, phase, round(left, 2), clock.finished))
        if clock.done:
            break
    assert seen == [
        (0, "countdown", 1.0, False), (0, "countdown", 0.75, False), (0, "countdown", 0.5, False),
        (0, "countdown", 0.25, False), (0, "measuring", 1.0, False), (0, "measuring", 0.75, False),
        (0, "measuring", 0.5, False), (0, "measuring", 0.25, False), (0, "measuring", 0.0, True),
        # The next step starts at the next frame: its countdown is never shortened.
        (1, "countdown", 1.0, False), (1, "countdown", 0.75, False), (1, "countdown", 0.5, False),
        (1, "countdown", 0.25, False), (1, "measuring", 0.5, False), (1, "measuring", 0.25, False),
        (1, "measuring", 0.0, True),
    ]


def test_the_countdown_waits_for_the_set_up_and_restarts_when_it_breaks():
    clock = StepClock(_steps(1.0), countdown_s=1.0)
    ready = [False, False, True, True, False, True, True, True, True, True, False]
    seen = [clock.update(0.25 * i, r)[0] for i, r in enumerate(ready)]
    # Once measuring has begun, stepping out no longer restarts anything (those frames are just not
    # measured).
    assert seen == ["setup", "setup", "countdown", "countdown", "setup", "countdown", "countdown",
                    "countdown", "countdown", "measuring", "measuring"]


def test_one_bad_frame_does_not_break_the_set_up():
    gate = SetupGate(grace_s=0.5)
    problems = [None, None, "Face the camera", None] + ["Face the camera"] * 4
    # The problem that starts at 0.8 s has lasted 0.6 s at 1.4 s: longer than the grace.
    assert [gate.update(p, 0.2 * i) for i, p in enumerate(problems)] == [True] * 7 + [False]
    gate.reset()
    assert gate.update("Step into view of the camera", 2.0) is False  # a new step starts not ready


def _standing(t_s: float, right_ankle_up_m: float = 0.0) -> PoseFrame:
    """A pose with only the ankles known, in world metres (y down)."""
    world = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
    xyz = np.full((NUM_LANDMARKS, 3), 0.5, np.float32)
    world[Landmark.left_ankle] = (0.1, 0.8, 0.0)
    world[Landmark.right_ankle] = (-0.1, 0.8 - right_ankle_up_m, 0.0)
    return PoseFrame(t_s, 0, xyz, np.ones(NUM_LANDMARKS, np.float32), world, (640, 480))


def test_a_stance_ends_once_the_lifted_foot_has_been_down_a_second():
    done = FootDown("right", after_s=1.0)
    # Down before any lift (getting ready) never ends it; a 0.5 s wobble up does not count as a lift.
    lifts = [0.0] * 4 + [0.2] * 2 + [0.0] * 4 + [0.2] * 8 + [0.0] * 6
    ended = [done.update(_standing(0.25 * i, up)) for i, up in enumerate(lifts)]
    first = ended.index(True)
    assert not any(ended[:first])
    assert first == 18 + 4  # foot down at frame 18 (4.5 s), one second later: frame 22


class _Frames:
    """Frames at 10 fps; the camera fails after ``fail_after`` of them."""

    def __init__(self, count: int, fail_after: int | None = None) -> None:
        self.count, self.fail_after = count, fail_after

    def __iter__(self):
        for i in range(self.count):
            if self.fail_after is not None and i == self.fail_after:
                raise CameraError("camera 0: stopped delivering frames")
            yield VideoFrame(i, i / 10, np.full((48, 64, 3), 128, np.uint8))


class _Estimator:
    """A person standing square to the camera, whole body in view, every frame."""

    name = "fake"

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        xyz = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
        for side, dx in (("left", 1), ("right", -1)):
            for part, (x, y) in {"shoulder": (0.1, 0.3), "hip": (0.05, 0.55), "knee": (0.05, 0.72),
                                 "ankle": (0.05, 0.9)}.items():
                xyz[Landmark[f"{side}_{part}"]] = (0.5 + dx * x, y, 0.0)
        xyz[Landmark.nose] = (0.5, 0.2, 0.0)
        pose = _standing(frame.t_s)
        return pose.replace(xyz_norm=xyz, missing=None)


class _Recorder:
    def __init__(self, quit_at: int | None = None) -> None:
        self.statuses = []
        self.quit_at = quit_at

    def show(self, frame, pose, status) -> bool:
        self.statuses.append(status)
        return self.quit_at is None or len(self.statuses) < self.quit_at

    def close(self) -> None:
        pass


def test_a_camera_that_fails_mid_sequence_keeps_the_steps_already_measured():
    steps = _steps(1.0, 1.0, 1.0)
    presenter = _Recorder()
    outcome = GuidedAssessment(steps, _Estimator(), presenter, countdown_s=0.5).run(_Frames(100, fail_after=25))
    assert outcome.completed == ["s0"]
    assert outcome.ended_by == "source failed" and "stopped delivering frames" in outcome.stopped
    assert "step 2" in outcome.stopped
    assert len(outcome.poses["s0"]) == 11  # 0.5 s to 1.5 s at 10 fps, both ends included
    assert [s.phase for s in presenter.statuses[:6]] == ["countdown"] * 5 + ["measuring"]


def test_quitting_or_running_through_says_how_the_sequence_ended():
    steps = _steps(1.0, 1.0)
    quit = GuidedAssessment(steps, _Estimator(), _Recorder(quit_at=3), countdown_s=0.5).run(_Frames(100))
    assert quit.ended_by == "quit" and quit.completed == [] and "step 1" in quit.stopped
    whole = GuidedAssessment(steps, _Estimator(), _Recorder(), countdown_s=0.5).run(_Frames(100))
    assert whole.ended_by == "finished" and whole.stopped is None and whole.completed == ["s0", "s1"]
    short = GuidedAssessment(steps, _Estimator(), _Recorder(), countdown_s=0.5).run(_Frames(20))
    assert short.ended_by == "source ended" and short.completed == ["s0"]


def test_a_missing_camera_is_one_line_and_no_traceback(tmp_path):
    out = subprocess.run([sys.executable, "-m", "formcheck", "assess", "--camera", "/dev/video97", "--no-window",
                          "-o", str(tmp_path / "a")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "/dev/video97" in out.stderr


@pytest.mark.slow
def test_the_whole_sequence_runs_from_a_video_played_as_the_camera(xvfb, tmp_path):
    """The rendered session (samples/assessment-sequence.json says who does what when) in the window."""
    segments = json.loads(SEQUENCE.with_suffix(".json").read_text())["segments"]
    out_dir, shot = tmp_path / "assessment", tmp_path / "shot.png"
    env = {**os.environ, "DISPLAY": xvfb}
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "formcheck", "assess", "--camera", str(SEQUENCE),
                           "-o", str(out_dir), "--screenshot", str(shot)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads((out_dir / "assessment.json").read_text())
    assert report["notes"] == [], report["notes"]
    assert list(report["steps"]) == [s.name for s in STEPS]

    results = {r["name"]: r for r in report["results"]}
    for stance, posture in (("left", "single_leg_stance_left"), ("right", "single_leg_stance_right")):
        lifted = next(s for s in segments if s["name"] == posture)
        window = report["steps"][f"stance_{stance}"]
        # The foot is up from its segment's start to its end; the step measures part of that and
        # ends about a second after the foot comes down.
        expected = min(lifted["end_s"], window["end_s"]) - max(lifted["start_s"], window["start_s"])
        assert results[f"{stance}_stance_s"]["value"] == pytest.approx(expected, abs=0.5)
        assert window["end_s"] == pytest.approx(lifted["end_s"] + 1.0, abs=0.5)
    assert results["squat_depth_deg"]["value"] > 45  # real squats were measured, not standing
    for r in report["results"]:
        assert r["value"] is not None, f"{r['name']} not measured"

    # The window showed the camera image with the skeleton drawn on it.
    image = cv2.imread(str(shot))
    assert image is not None and image.shape[:2] == (360, 640)
    from formcheck.outputs.history.store import HistoryStore

    with HistoryStore.open(os.environ["FORMCHECK_DB"]) as store:
        assert [r.kind for r in store.sessions()] == ["assessment"]
