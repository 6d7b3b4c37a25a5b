"""The scoring engine on a hand-built plank session with known spans."""

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import MOTION_WINDOW_S, Scorer, classify, score_frames
from formcheck.judge.timer import FrameState
from tests.posebuild import moved, side_view
from tests.test_exercise_rules import PLANK

STANDING = {"shoulder": (500, 200), "elbow": (510, 330), "wrist": (515, 450), "hip": (500, 500),
            "knee": (505, 700), "ankle": (500, 900), "heel": (490, 920), "foot_index": (540, 925)}
HIPS_HIGH = moved(PLANK, hip=(450, 380))
HIPS_LOW = moved(PLANK, hip=(450, 590))


def session(script, fps=10.0):
    """Frames at ``fps`` from ``[(seconds, pose), ...]``."""
    frames, t = [], 0.0
    for seconds, pose in script:
        for _ in range(round(seconds * fps)):
            frames.append(side_view(pose).replace(t_s=t, index=len(frames)))
            t = len(frames) / fps
    return frames, t


@pytest.fixture(scope="module")
def plank():
    return load_exercise("forearm_plank")


def test_each_frame_is_classified_from_its_evaluation(plank):
    for pose, expected in ((PLANK, FrameState.VALID), (HIPS_HIGH, FrameState.FAULT),
                           (STANDING, FrameState.NOT_IN_POSITION)):
        frame = side_view(pose)
        assert classify(frame, plank.evaluate(frame)) is expected
    empty = side_view(PLANK).replace(missing=[True] * 33)
    assert classify(empty, plank.evaluate(empty)) is FrameState.CANNOT_SEE


def test_a_session_reports_valid_time_holds_and_the_fault_that_broke_them(plank):
    frames, end = session([(1.0, STANDING), (3.0, PLANK), (2.0, HIPS_HIGH), (3.0, PLANK),
                           (0.1, HIPS_LOW), (0.9, PLANK)])
    score = score_frames(frames, plank, end_s=end)
    s = score.summary
    # The scripted poses jump from one to the next: a plank is held still, so for one motion window
    # after each jump the body is moving and not yet in the exercise.
    w = MOTION_WINDOW_S
    assert [(round(h.start_s, 2), round(h.end_s, 2)) for h in s.holds] == [(1.0 + w, 4.0), (6.0 + w, 10.0)]
    # The one-frame sag and the jumps into and out of it (9.0 and 9.2 s) are bridged, not credited.
    assert s.valid_s == pytest.approx(3.0 - w + 4.0 - w - 0.2, abs=0.01)
    assert s.breaks == 1 and s.longest_hold_s == pytest.approx(4.0 - w - 0.2, abs=0.01)
    # The one-frame sag is a flicker, not a fault; the pike is.
    faults = [(f.check, round(f.start_s, 2), round(f.end_s, 2)) for f in score.faults]
    assert faults == [("hips_too_high", 4.0 + w, 6.0)]
    assert score.faults[0].cue == next(c.cue for c in plank.checks if c.id == "hips_too_high")
    assert score.view == {"kind": "side", "side": "left"}
    # Standing, one window after each of the three jumps between held poses, and the sag's two frames.
    assert score.state_seconds()["not_in_position"] == pytest.approx(1.0 + 3 * w + 0.2)
    assert score.frames[45].state is FrameState.FAULT and score.frames[45].failing == ("hips_too_high",)


def test_time_to_target_and_live_snapshots(plank):
    frames, end = session([(25.0, PLANK)], fps=5.0)
    scorer = Scorer(plank)
    shown = [scorer.update(f).timer.valid_s for f in frames]
    assert shown == sorted(shown)  # the live clock never runs backwards in a steady hold
    summary = scorer.finish(end).summary
    # The first frame has no movement to judge stillness by, so the hold starts at the second (0.2 s).
    assert summary.time_to_target_s == pytest.approx(plank.hold_min_s + 0.2, abs=0.01)
