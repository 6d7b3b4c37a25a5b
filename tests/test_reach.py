"""Reach checks (how far a rep goes) on hand-built glute bridges: judged once per rep, never a pause.

A bridge lying on its back, shoulders at the left, knees bent at the right. The hip's height above
the shoulder-knee line decides the checks: ``hips_high_enough`` is a reach check (at least -0.1
torso lengths), ``back_not_arched`` an ordinary limit in the top phase (at most 0.2).
"""

import pytest

from formcheck.judge.exercises import Status, load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.judge.timer import FrameState
from formcheck.pose.smoothing import Cleaner
from tests.posebuild import frame, moved, side_view

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
    # Timed to the rep's end (down again at 5.6 s, that frame's 0.1 s included): lying after the set is not it.
    assert score.summary.valid_s == pytest.approx(4.7, abs=0.01) and score.summary.breaks == 0
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


# --- bird dog: the reaching hand past the frame edge ---------------------------------------------
# bird_dog_left seen from its left, head to the right: kneeling on the left knee, reaching with the
# left arm and the right leg (the far side, a few pixels up and behind). Pixels on 1000 x 1000.
TABLETOP = {"left_shoulder": (700, 400), "left_elbow": (700, 520), "left_wrist": (700, 640), "left_hip": (400, 400),
            "left_knee": (400, 640), "left_ankle": (180, 640), "right_shoulder": (708, 392),
            "right_wrist": (708, 632), "right_hip": (408, 392), "right_knee": (408, 632), "right_ankle": (188, 632)}


def _bird_dog_frame(points: dict[str, tuple[float, float]], visibility: dict[str, float]):
    vis = {name: 0.99 if name.startswith("left") else 0.8 for name in points} | visibility
    depth = {name: -0.1 if name.startswith("left") else 0.1 for name in points}
    return frame(points, visibility=vis, depth=depth)


def _bird_dog_rep(wrist_at_top: tuple[float, float], wrist_visibility: float):
    """Tabletop 1 s, arm and leg reached 5.5 s (the file's hold at the top is 5 s), tabletop 1 s, at 10 fps."""
    top = TABLETOP | {"left_elbow": (850, 400), "left_wrist": wrist_at_top, "right_knee": (250, 396),
                      "right_ankle": (60, 400)}
    script = [(1.0, TABLETOP, {}), (5.5, top, {"left_wrist": wrist_visibility}), (1.0, TABLETOP, {})]
    scorer, cleaner, scored = Scorer(load_exercise("bird_dog_left")), Cleaner(), []
    for seconds, points, visibility in script:
        for _ in range(round(seconds * FPS)):
            t = len(scored) / FPS
            pose = _bird_dog_frame(points, visibility).replace(t_s=t, index=len(scored))
            scored.append(scorer.update(cleaner.update(pose)))
    return scorer.finish(len(scored) / FPS), scored


def test_a_bird_dog_hand_past_the_frame_edge_at_the_top_keeps_the_rep():
    # Issue #21: the hand leaves the picture (x = 1.12, past the 0.10 margin) at the top of the reach.
    # The leg tells the top; back_level (the safety check) is seen, so the frames count; the arm's
    # reach was not seen, so the rep is not faulted for it, and says it was not seen.
    score, scored = _bird_dog_rep((1120, 400), 0.95)
    assert [(r.faults, r.unseen, r.good) for r in score.reps] == [((), ("arm_at_shoulder_height",), True)]
    at_top = scored[30]
    assert at_top.evaluation.phase == "extended" and at_top.state is FrameState.VALID
    assert at_top.evaluation.cue == "Cannot see your left wrist: arm at shoulder height is not checked"
    # From the first frame out of the tabletop (1.0 s) to the rep's end (back at 6.5 s, that frame's 0.1 s
    # included): kneeling after the last rep is not the exercise.
    assert score.summary.valid_s == pytest.approx(5.6, abs=0.01)


def test_a_bird_dog_hand_seen_at_shoulder_height_is_a_reach_met():
    score, _ = _bird_dog_rep((1000, 400), 0.95)
    assert [(r.faults, r.unseen, r.good) for r in score.reps] == [((), (), True)]


def test_a_bird_dog_hand_the_model_is_unsure_of_inside_the_picture_is_not_a_reach():
    # Unsure inside the image (a far hand behind the body) is no sign of a reach: no top, no rep.
    score, _ = _bird_dog_rep((950, 400), 0.3)
    assert score.reps == ()
