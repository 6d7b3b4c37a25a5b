"""Reach checks (how far a rep goes) on hand-built glute bridges: judged once per rep, never a pause.

A bridge lying on its back, shoulders at the left, knees bent at the right. The hip's height above
the shoulder-knee line decides the checks: ``hips_high_enough`` is a reach check (at least -0.1
torso lengths), ``back_not_arched`` an ordinary limit in the top phase (at most 0.2).
"""

import pytest

from formcheck.judge.exercises import Status, load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.judge.timer import FrameState
from tests.posebuild import moved, side_view

# Shoulder (300, 800) to knee (660, 620): at x = 460 the line is at y = 720.
DOWN = {"shoulder": (300, 800), "elbow": (400, 805), "wrist": (500, 805), "hip": (460, 800),
        "knee": (660, 620), "ankle": (700, 800), "heel": (690, 815), "foot_index": (750, 815)}
TOP = moved(DOWN, hip=(460, 720))       # on the line: hip angle 180 degrees
RISING = moved(DOWN, hip=(460, 752))    # in the top phase (hip angle about 166) but 0.19 below the line
ARCHED = moved(DOWN, hip=(460, 670))    # in the top phase (about 155) and 0.22 above the line
FPS = 10.0


@pytest.fixture(scope="module")
def bridge():
    return load_exercise("glute_bridge")


def run(bridge, script):
    """Score ``[(seconds, pose), ...]`` at FPS; returns the score and each frame's state."""
    scorer, states, t = Scorer(bridge), [], 0.0
    for seconds, pose in script:
        for _ in range(round(seconds * FPS)):
            frame = side_view(pose).replace(t_s=t, index=len(states))
            states.append(scorer.update(frame).state)
            t = len(states) / FPS
    return scorer.finish(t), states


def test_the_poses_read_as_intended(bridge):
    ev = {name: bridge.evaluate(side_view(pose)) for name, pose in
          (("down", DOWN), ("top", TOP), ("rising", RISING), ("arched", ARCHED))}
    assert [ev[k].phase for k in ("down", "top", "rising", "arched")] == ["down", "up", "up", "up"]
    assert all(e.in_position for e in ev.values())
    assert ev["top"].failing == ()
    assert ev["rising"].failing == ("hips_high_enough",)
    assert ev["arched"].failing == ("back_not_arched",)
    assert {r.id: r.status for r in ev["rising"].results}["hips_high_enough"] is Status.FAIL


def test_a_slow_rise_to_the_top_and_back_is_the_movement_not_a_fault(bridge):
    # 0.8 s below the line on the way up and again on the way down: longer than the 0.5 s grace, so
    # judged frame by frame these would pause the timer and be reported as faults.
    score, states = run(bridge, [(1.0, DOWN), (0.8, RISING), (3.0, TOP), (0.8, RISING), (1.0, DOWN)])
    # Lying down before the first rep is setting up (issue #21): timed from the first rep's start.
    assert states[:10] == [FrameState.NOT_IN_POSITION] * 10 and set(states[10:]) == {FrameState.VALID}
    assert score.faults == []
    assert score.summary.valid_s == pytest.approx(5.6, abs=0.01) and score.summary.breaks == 0
    assert [(r.good, r.faults) for r in score.reps] == [(True, ())]


def test_a_rep_that_never_reaches_the_height_is_a_faulty_rep(bridge):
    score, states = run(bridge, [(1.0, DOWN), (4.0, RISING), (1.0, DOWN)])
    # The timer keeps counting from the rep's start (the person is moving, not holding a wrong position) ...
    assert set(states[10:]) == {FrameState.VALID} and score.faults == []
    # ... and the rep names what it lacked.
    assert [(r.good, r.faults) for r in score.reps] == [(False, ("hips_high_enough",))]
    assert score.rep_faults() == [("hips_high_enough", bridge_cue(bridge, "hips_high_enough"), 1)]


def test_an_arched_back_at_the_top_is_a_fault_of_the_frame_and_of_the_rep(bridge):
    # A limit in the top phase, not a reach: passing it on the way up does not excuse arching later.
    score, states = run(bridge, [(1.0, DOWN), (0.3, RISING), (1.0, ARCHED), (3.0, TOP), (0.3, RISING), (1.0, DOWN)])
    assert states[13:23] == [FrameState.FAULT] * 10
    assert [(f.check, round(f.start_s, 2), round(f.end_s, 2)) for f in score.faults] == [("back_not_arched", 1.3, 2.3)]
    assert [(r.good, r.faults) for r in score.reps] == [(False, ("back_not_arched",))]


def bridge_cue(bridge, check_id):
    return next(c.cue for c in bridge.checks if c.id == check_id)
