"""The motion stage and the generic ``speed`` condition, on tiny hand-computed cases."""

import math

import numpy as np
import pytest
from pydantic import ValidationError

from formcheck.judge.exercises.checks import Scene, compile_condition, measure
from formcheck.judge.exercises.conditions import Speed
from formcheck.judge.exercises.exercise_file import ExerciseFile
from formcheck.judge.motion import MotionTracker
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark


def _frame(t, dx=0.0):
    xyz = np.zeros((33, 3), np.float32)
    xyz[:, 0] = 0.1 + dx
    xyz[:, 1] = np.linspace(0.1, 0.9, 33)
    return PoseFrame(t_s=t, index=int(t * 10), image_wh=(1000, 1000), xyz_norm=xyz,
                     visibility=np.ones(33, np.float32), missing=np.zeros(33, bool),
                     world_m=np.zeros((33, 3), np.float32))


def test_motion_tracker_reports_speed_over_its_window():
    m = MotionTracker(window_s=0.5)
    first = m.update(_frame(0.0))
    assert all(math.isnan(v) for v in first.speeds_px_s)  # nothing to compare with yet
    for i in range(1, 6):
        motion = m.update(_frame(i * 0.1, dx=0.01 * i))  # 10 px per 0.1 s = 100 px/s
    assert motion.window_s == pytest.approx(0.5)
    assert motion.speeds_px_s[0] == pytest.approx(100.0)
    still = [m.update(_frame(0.5 + i * 0.1, dx=0.05)) for i in range(1, 7)][-1]
    assert still.speeds_px_s[0] == pytest.approx(0.0)


def _scene(speeds):
    pts = [[0.0, 0.0] for _ in range(33)]
    pts[Landmark.left_shoulder] = [0.0, 0.0]
    pts[Landmark.left_ankle] = [300.0, 400.0]  # shoulder-to-ankle = 500 px
    return Scene(points=pts, missing=[False] * 33, forward_sign=None, wall_line=None, speeds=speeds)


def test_speed_condition_is_fastest_point_over_body_length():
    spec = Speed(kind="speed", points=("shoulder", "hip"), per="shoulder_to_ankle", max="still")
    c = compile_condition(spec, "left", {"still": 0.2})
    speeds = [0.0] * 33
    speeds[Landmark.left_shoulder], speeds[Landmark.left_hip] = 50.0, 150.0
    assert measure(c, _scene(speeds)) == pytest.approx(0.3)  # 150 px/s over 500 px
    assert not c.passes(0.3)
    speeds[Landmark.left_hip] = math.nan
    assert "not known" in measure(c, _scene(speeds)).reason
    assert "motion" in measure(c, _scene(None)).reason


def _speed_demo() -> dict:
    """A minimal exercise file whose entry condition judges speed (threshold ``still``)."""
    return dict(
        name="demo", title="Demo", description="d", setup="s", view={"kind": "side", "width_ratio": "w"},
        required_landmarks=["hip"], entry={"cue": "c", "conditions": [
            {"kind": "speed", "points": ["hip"], "per": "leg", "max": "still"}]},
        checks=[{"id": "x", "cue": "c", "kind": "joint_angle", "points": ["shoulder", "hip", "knee"], "min": "a"}],
        safety_checks=["x"], hold={"min_s": 1, "max_s": 2},
        thresholds={"w": {"unit": "body", "bounds": [0, 1], "about": "a"},
                    "a": {"unit": "deg", "bounds": [0, 180], "about": "a"},
                    "still": {"unit": "body_per_s", "bounds": [0, 1], "about": "a"}})


def test_speed_thresholds_must_be_declared_per_second():
    base = _speed_demo()
    ExerciseFile.model_validate(base)
    base["thresholds"]["still"] = {"unit": "body", "bounds": [0, 1], "about": "a"}
    with pytest.raises(ValidationError, match="body_per_s"):
        ExerciseFile.model_validate(base)


def test_only_exercises_with_speed_conditions_run_the_motion_stage():
    from formcheck.judge.exercises import Threshold, list_exercises, load_exercise
    from formcheck.judge.exercises.exercise import Exercise
    from formcheck.judge.scoring import Scorer

    # The static holds are held still (their entry conditions judge speed); the other exercises
    # judge no speed, and the scorer skips the stage on every one of their frames.
    still = {"forearm_plank", "side_plank", "side_plank_left", "side_plank_right", "wall_sit"}
    for info in list_exercises():
        assert (Scorer(load_exercise(info.name)).motion is not None) == (info.name in still), info.name
    spec = ExerciseFile.model_validate(_speed_demo())
    thresholds = {name: Threshold(name, value, unit, (0.0, 180.0), "", "test")
                  for name, value, unit in (("w", 0.5, "body"), ("a", 90.0, "deg"), ("still", 0.2, "body_per_s"))}
    assert Scorer(Exercise(spec, thresholds)).motion is not None
