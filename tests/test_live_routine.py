"""``formcheck live --routine`` (issue #22 item 3): sets that end at their target or on 'n', rests
that keep the camera on screen, today's target carried into the session, and the whole command
on a rendered clip under Xvfb with every set stored in the history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.live.coach import CoachOptions, LiveCoach
from formcheck.live.rest import rest_on_screen
from formcheck.live.screen import Action
from formcheck.live.voice import Voice
from formcheck.outputs.history.store import HistoryStore
from formcheck.pose.frame import PoseFrame
from formcheck.pose.stage import PoseStage
from formcheck.routines import plan_today, read_routine
from formcheck.routines.targets import exercise_for, with_target
from formcheck.sources.capture import LatestFrameCapture
from formcheck.sources.media import SourceInfo, VideoFrame

REPO = Path(__file__).resolve().parents[1]
LIVE = [sys.executable, "-m", "formcheck", "live"]


class _Screen:
    """Records what was shown; ``keys[n]`` is pressed while image n is shown."""

    def __init__(self, keys: dict | None = None) -> None:
        self.keys, self.shown, self.mirror, self.readout_visible = keys or {}, [], False, True

    def show(self, image_rgb, overlay, status):
        self.shown.append((overlay, status))
        return self.keys.get(len(self.shown) - 1)

    def poll(self):
        return None


def _frames(n: int, interval_s: float = 0.005):
    image = np.zeros((4, 4, 3), np.uint8)
    for i in range(n):
        time.sleep(interval_s)
        yield VideoFrame(i, i / 30, image)


class _Clock:
    """Moves 0.1 s each time it is read: the rest is counted in readings, never timed."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.1
        return self.now


# -- rest --------------------------------------------------------------------------------------

def test_a_rest_shows_the_camera_with_the_seconds_left():
    screen = _Screen()
    with LatestFrameCapture(_frames(10_000)) as capture:
        action = rest_on_screen(capture, screen, 2.0, headline="Next: Glute bridge", clock=_Clock())
    assert action is None
    shown = [status for overlay, status in screen.shown]
    assert shown and all(overlay is None for overlay, _ in screen.shown)  # the image only, nothing judged
    left = [s.rest_s for s in shown]
    assert left == sorted(left, reverse=True) and 0 < left[-1] < left[0] <= 2.0
    assert {s.headline for s in shown} == {"Next: Glute bridge"}


@pytest.mark.parametrize("key", [Action.QUIT, Action.NEXT])
def test_q_ends_the_routine_and_n_skips_the_rest(key):
    screen = _Screen({2: key})
    with LatestFrameCapture(_frames(10_000)) as capture:
        assert rest_on_screen(capture, screen, 60.0, clock=_Clock()) is key
    assert len(screen.shown) == 3


def test_a_rest_ends_when_the_video_does():
    screen = _Screen()
    with LatestFrameCapture(_frames(3)) as capture:
        assert rest_on_screen(capture, screen, 600.0, clock=_Clock()) is None
        assert capture.exhausted


# -- a set -------------------------------------------------------------------------------------

class _Nobody:
    name = "none"

    def estimate(self, frame):
        return PoseFrame.empty(frame.t_s, frame.index, (4, 4))


def _coach(screen: _Screen, **options) -> LiveCoach:
    return LiveCoach(load_exercise("forearm_plank"), PoseStage.around(_Nobody()), screen, Voice(enabled=False),
                     SourceInfo("fake", 4, 4, 30.0, None, None, True), CoachOptions(countdown_s=0, **options))


def test_n_ends_a_routine_set_and_the_step_is_shown():
    screen = _Screen({10: Action.NEXT, 30: Action.QUIT})
    with LatestFrameCapture(_frames(200)) as capture:
        result = _coach(screen, stop_at_target=True, headline="Step 1 of 2: Forearm plank").run(capture)
    assert result.ended_by == "next" and result.complete
    assert len(screen.shown) == 11
    assert {status.headline for _, status in screen.shown} == {"Step 1 of 2: Forearm plank"}
    # Outside a routine 'n' means nothing: the session goes on until q.
    screen = _Screen({10: Action.NEXT, 30: Action.QUIT})
    with LatestFrameCapture(_frames(200)) as capture:
        assert _coach(screen).run(capture).ended_by == "quit"


def test_todays_target_is_the_exercises_target_for_the_session(tmp_path):
    plank = with_target(load_exercise("plank"), 12.0)
    assert (plank.hold_min_s, plank.hold_max_s) == (12.0, 60.0)
    bridge = with_target(load_exercise("glute bridge"), 5)
    assert bridge.reps is not None and (bridge.reps.min_count, bridge.reps.max_count) == (5, 12)
    path = tmp_path / "r.toml"
    path.write_text('name = "r"\n[[steps]]\nexercise = "bird dog"\nside = "both"\nreps = 4\n')
    plan = plan_today(read_routine(path), None)
    planned = plan.steps[0]
    loaded = [exercise_for(planned, side) for side in planned.sides]
    assert [(e.name, e.reps.min_count) for e in loaded] == [("bird_dog_left", 4), ("bird_dog_right", 4)]


# -- a routine on a stand-in camera and window -----------------------------------------------------

class _Source:
    info = SourceInfo("fake", 4, 4, 30.0, None, None, True)


def _routine_run(tmp_path: Path, keys: dict):
    from formcheck.cli.live import LiveRig, LiveSettings, run_routine

    path = tmp_path / "r.toml"
    path.write_text('name = "r"\n[[steps]]\nexercise = "plank"\nhold_s = 10\nsets = 2\nrest_s = 30\n'
                    '[[steps]]\nexercise = "pelvic tilt"\nhold_s = 4\n')
    plan = plan_today(read_routine(path), None)
    exercises = {turn: exercise_for(*plan.at(turn)) for turn in plan.turns()}
    db = tmp_path / "history.sqlite3"
    settings = LiveSettings("fake", False, "none", 0.0, None, None, None, db)
    screen = _Screen(keys)
    with LatestFrameCapture(_frames(100_000)) as capture:
        rig = LiveRig(_Source(), True, screen, Voice(enabled=False), "none", capture,
                      {False: PoseStage.around(_Nobody())})
        run = run_routine(rig, plan, exercises, settings, tmp_path / "out")
    with HistoryStore.open(db) as store:
        rows = store.sessions(newest_first=False)
    return run, screen, rows


def test_each_set_ends_on_n_rests_come_between_and_every_set_is_stored(tmp_path):
    run, screen, rows = _routine_run(tmp_path, {i: Action.NEXT for i in range(4, 400, 4)})
    assert run.ended_by == "done" and run.error is None
    assert [t.set_number for t in run.log.plan.turns()] == [1, 2, 1]
    assert all(run.log.outcome(t).ended_by == "next" for t in run.log.plan.turns())
    rests = [status.rest_s for _, status in screen.shown if status.rest_s is not None]
    assert rests and max(rests) <= 30  # shown between the sets, skipped by the next 'n'
    assert [(r.exercise, r.target_min_s, r.finished) for r in rows] == \
        [("forearm_plank", 10, True), ("forearm_plank", 10, True), ("pelvic_tilt", 4, True)]
    assert [s.text() for s in run.log.summary()] == ["0.0 s, 0.0 s of 10 s (0 of 2 sets met)",
                                                     "0.0 s of 4 s (0 of 1 set met)"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == \
        ["01-forearm_plank-set1", "02-forearm_plank-set2", "03-pelvic_tilt-set1"]


def test_q_ends_the_routine_early_and_keeps_the_set_done(tmp_path):
    run, _, rows = _routine_run(tmp_path, {5: Action.QUIT})
    assert run.ended_by == "quit" and run.error is None
    assert run.log.next_turn() == run.log.plan.turns()[1]
    assert [(r.exercise, r.finished) for r in rows] == [("forearm_plank", True)]
    assert [s.text() for s in run.log.summary()][1] == "not done (target 4 s, 1 set)"


# -- the command ---------------------------------------------------------------------------------

def _run(args: list[str], env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(LIVE + args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=REPO)


def test_exercise_or_routine_and_a_bad_routine_is_one_line_before_any_camera(tmp_path):
    neither = _run([])
    assert neither.returncode == 2 and "either -e EXERCISE or --routine ROUTINE" in neither.stderr
    both = _run(["-e", "plank", "--routine", "wall-sit-progression"])
    assert both.returncode == 2 and "either -e EXERCISE or --routine ROUTINE" in both.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "r"\n[[steps]]\nexercise = "wall sit"\nhold_s = 600\n')
    out = _run(["--routine", str(bad), "--camera", str(tmp_path / "no-such-camera.mp4")])
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{bad}: step 1 (wall sit), field hold_s" in out.stderr


TINY = """name = "Tiny"

[[steps]]
exercise = "wall sit"
hold_s = 3
rest_s = 1
note = "Back to the wall."

[[steps]]
exercise = "plank"
hold_s = 2
"""


@pytest.mark.slow
def test_live_routine_runs_each_step_and_stores_each_set(xvfb, tmp_path):
    # The rendered wall sit, held in good form from 3.5 s to 15.0 s of its 18 s, is the camera for
    # both steps: the wall sit's 3 s are reached and end its set; after a 1 s rest the plank (which
    # the clip never shows) runs until the clip ends. Each set is a live session in the history.
    routine, db, out = tmp_path / "tiny.toml", tmp_path / "history.sqlite3", tmp_path / "routine"
    routine.write_text(TINY)
    video = REPO / "samples" / "wall-sit-side.mp4"
    env = {"DISPLAY": xvfb, "WAYLAND_DISPLAY": ""}
    done = _run(["--routine", str(routine), "--camera", str(video), "--countdown", "0", "-o", str(out),
                 "--db", str(db)], env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    sets = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert sets == ["01-wall_sit-set1", "02-forearm_plank-set1"]
    wall = json.loads((out / sets[0] / "report.json").read_text())
    plank = json.loads((out / sets[1] / "report.json").read_text())
    assert wall["target_s"]["min"] == 3 and plank["target_s"]["min"] == 2  # today's targets, not the file's
    assert 3.0 <= wall["valid_s"] < 4.0  # the set ended once the target was reached
    with HistoryStore.open(db) as store:
        rows = {r.exercise: r for r in store.sessions() if r.kind == "live"}
    assert set(rows) == {"wall_sit", "forearm_plank"}
    assert all(r.finished for r in rows.values())
    assert rows["wall_sit"].target_min_s == 3 and rows["wall_sit"].valid_s == pytest.approx(wall["valid_s"], abs=1e-3)
    assert rows["wall_sit"].report_path == str(out / sets[0] / "report.html")
    assert "1 of 1 set met" in done.stdout and "Wall sit" in done.stdout and "Forearm plank" in done.stdout
    assert "ended early" not in done.stdout
