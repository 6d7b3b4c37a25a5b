"""A one-sided exercise judged on both sides (issue #21 item 2): each rep goes to the side that did it,
and each second of valid time to one side only. Hand-built readings, 0.1 s apart."""

from __future__ import annotations

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.judge.sides import BothSides, RepSpecOfCounter, SideReading
from formcheck.judge.timer import FrameState, HoldTimer, TimerConfig
from formcheck.outputs.json_report import report_dict
from formcheck.outputs.terminal_summary import score_rows
from tests.posebuild import frame

V, N = FrameState.VALID, FrameState.NOT_IN_POSITION
TIMER = TimerConfig(entry_delay_s=0.0, grace_s=0.2)
REPS = RepSpecOfCounter(("tabletop", "extended"), hold_s=0.0, grace_s=0.2)

# Tabletop: both sides' rules hold (both knees bent). Extended on one side: only that side's rules
# are met (the other side's "kneeling" knee is the straight, lifted leg).
BOTH_DOWN = {"left": SideReading("tabletop", V), "right": SideReading("tabletop", V)}
LEFT_UP = {"left": SideReading("extended", V), "right": SideReading(None, N)}
RIGHT_UP = {"left": SideReading(None, N), "right": SideReading("extended", V)}


def run(frames, reps: RepSpecOfCounter | None = REPS, dt: float = 0.1):
    both = BothSides(("left", "right"), TIMER, reps)
    chosen = []
    for i, readings in enumerate(frames):
        t = round(i * dt, 6)
        side = both.update(t, readings)
        both.credit(t, side, readings[side].state)
        chosen.append(side)
    end = round(len(frames) * dt, 6)
    session = HoldTimer(TIMER)
    for i, readings in enumerate(frames):
        session.update(round(i * dt, 6), readings[chosen[i]].state)
    return both.finish(end, session.finish(end).holds), chosen


def test_alternating_reps_count_one_on_each_side():
    frames = [BOTH_DOWN] * 3 + [LEFT_UP] * 4 + [BOTH_DOWN] * 3 + [RIGHT_UP] * 4 + [BOTH_DOWN] * 3
    (reps, figures), chosen = run(frames)
    assert [r.side for r in reps] == ["left", "right"]
    assert (figures["left"].reps, figures["right"].reps) == (1, 1)
    assert chosen[3:7] == ["left"] * 4 and chosen[10:14] == ["right"] * 4


def test_a_one_sided_set_gives_every_rep_to_that_side():
    frames = [BOTH_DOWN] * 2 + ([RIGHT_UP] * 3 + [BOTH_DOWN] * 3) * 3
    (reps, figures), _ = run(frames)
    assert [r.side for r in reps] == ["right"] * 3
    assert (figures["left"].reps, figures["right"].reps) == (0, 3)


def test_valid_time_is_counted_once_when_both_sides_read_valid():
    # 2.0 s in which both sides' rules hold throughout: 2.0 s of valid time in all, not 4.0.
    (_, figures), chosen = run([BOTH_DOWN] * 20, reps=None)
    assert figures["left"].valid_s + figures["right"].valid_s == pytest.approx(2.0)
    assert set(chosen) == {"left"}  # a tie keeps the side it has: no flipping


def test_a_hold_goes_to_the_side_held():
    # A side plank: the left side's rules hold for 1 s, then after 1 s rolling over the right side's for 2 s.
    left = {"left": SideReading(None, V), "right": SideReading(None, N)}
    right = {"left": SideReading(None, N), "right": SideReading(None, V)}
    rolling = {"left": SideReading(None, N), "right": SideReading(None, N)}
    (reps, figures), _ = run([left] * 10 + [rolling] * 10 + [right] * 20, reps=None)
    assert reps is None
    assert figures["left"].valid_s == pytest.approx(1.0) and figures["right"].valid_s == pytest.approx(2.0)


# --- the whole scorer on hand-built bird dogs ----------------------------------------------------
# Seen from the left, head to the right (pixels on 1000 x 1000, the far right side a few pixels up and
# behind). The left rep reaches with the left arm and the right leg, kneeling on the left knee; the
# right rep with the right arm and the left leg, kneeling on the right knee.
TABLETOP = {"left_shoulder": (700, 400), "left_elbow": (700, 520), "left_wrist": (700, 640), "left_hip": (400, 400),
            "left_knee": (400, 640), "left_ankle": (180, 640), "right_shoulder": (708, 392),
            "right_elbow": (708, 512), "right_wrist": (708, 632), "right_hip": (408, 392), "right_knee": (408, 632),
            "right_ankle": (188, 632)}
LEFT_REACH = TABLETOP | {"left_elbow": (850, 400), "left_wrist": (1000, 400), "right_knee": (250, 396),
                         "right_ankle": (60, 400)}
RIGHT_REACH = TABLETOP | {"right_elbow": (858, 392), "right_wrist": (1000, 392), "left_knee": (250, 404),
                          "left_ankle": (60, 404)}
FPS = 10


def _bird_dog(script, name: str = "bird_dog"):
    """Score ``[(seconds, points), ...]`` as ``name`` (by default no side named), at FPS."""
    scorer, n = Scorer(load_exercise(name)), 0
    for seconds, points in script:
        for _ in range(round(seconds * FPS)):
            vis = {k: 0.99 if k.startswith("left") else 0.8 for k in points}
            depth = {k: -0.1 if k.startswith("left") else 0.1 for k in points}
            scorer.update(frame(points, visibility=vis, depth=depth).replace(t_s=n / FPS, index=n))
            n += 1
    return scorer.finish(n / FPS)


def test_bird_dog_without_a_side_counts_alternating_reps_on_each_side():
    score = _bird_dog([(1.0, TABLETOP), (5.5, LEFT_REACH), (1.0, TABLETOP), (5.5, RIGHT_REACH), (1.0, TABLETOP)])
    assert [(r.side, r.good) for r in score.reps] == [("left", True), ("right", True)]
    assert {s: f.reps for s, f in score.sides.items()} == {"left": 1, "right": 1}
    assert score.sides_text() == "left 1 rep, right 1 rep (even)" and score.balance == (None, 1.0)
    assert score.reps_text() == "2 done, 2 good (target 6-10 each side)"
    # Valid from the first rep's start (0.9 s) to the end of the last (back in the tabletop at 13.0 s,
    # that frame's 0.1 s included): the tabletop after the set is not the exercise. Each second goes to
    # one side only.
    assert score.summary.valid_s == pytest.approx(12.1, abs=0.11)
    assert sum(f.valid_s for f in score.sides.values()) == pytest.approx(score.summary.valid_s, abs=0.11)


def test_bird_dog_without_a_side_reports_an_uneven_set():
    left_rep = [(5.5, LEFT_REACH), (1.0, TABLETOP)]
    score = _bird_dog([(1.0, TABLETOP), *left_rep, *left_rep, (5.5, RIGHT_REACH), (1.0, TABLETOP)])
    assert {s: f.reps for s, f in score.sides.items()} == {"left": 2, "right": 1}
    assert score.balance == ("right", pytest.approx(0.5))
    assert score.sides_text() == "left 2 reps, right 1 rep (right 50% of left)"


def test_the_report_and_summary_give_each_side_and_the_balance():
    left_rep = [(5.5, LEFT_REACH), (1.0, TABLETOP)]
    score = _bird_dog([(1.0, TABLETOP), *left_rep, *left_rep, (5.5, RIGHT_REACH), (1.0, TABLETOP)])
    data = report_dict(score, "clip.mp4")
    assert data["sides"]["left"]["reps"] == 2 and data["sides"]["right"]["reps"] == 1
    assert data["balance"]["weaker"] == "right" and data["balance"]["ratio"] == 0.5
    assert [r["side"] for r in data["reps"]["list"]] == ["left", "left", "right"]
    assert ("sides", "left 2 reps, right 1 rep (right 50% of left)") in score_rows(score)


def test_a_side_named_judges_that_side_only():
    score = _bird_dog([(1.0, TABLETOP), (5.5, LEFT_REACH), (1.0, TABLETOP), (5.5, RIGHT_REACH), (1.0, TABLETOP)],
                      name="bird_dog_left")
    assert len(score.reps) == 1 and score.sides is None



def test_a_live_rep_target_counts_on_each_side():
    # Two alternating reps and a third on the left: 3 good reps done, but only 1 on the weaker side.
    frames = ([BOTH_DOWN] * 3 + [LEFT_UP] * 4 + [BOTH_DOWN] * 3 + [RIGHT_UP] * 4) + [BOTH_DOWN] * 3 + \
        [LEFT_UP] * 4 + [BOTH_DOWN] * 3
    both = BothSides(("left", "right"), TIMER, REPS)
    for i, readings in enumerate(frames):
        both.update(round(i * 0.1, 6), readings)
    snap = both.snapshot(2.4)
    assert (snap.count, snap.good, snap.good_each_side) == (3, 3, 1)
    assert snap.sides == (("left", 2, 2), ("right", 1, 1))


def test_a_moment_of_the_other_side_inside_one_hold_stays_with_the_side_held():
    # Seen from the front the pose model may swap left and right for a moment: 0.3 s of "right"
    # inside an unbroken 3 s left hold. Nobody changes sides within a hold, so all 3 s are the left's.
    left = {"left": SideReading(None, V), "right": SideReading(None, N)}
    right = {"left": SideReading(None, N), "right": SideReading(None, V)}
    (_, figures), _ = run([left] * 10 + [right] * 3 + [left] * 17, reps=None)
    assert figures["left"].valid_s == pytest.approx(3.0) and figures["right"].valid_s == 0.0


def test_the_far_side_hidden_at_rest_still_counts_its_rep():
    # Side-on, the far knee and wrist hide behind the near ones in the tabletop: the right side cannot
    # be judged at rest, only the left can. The right rep that follows still counts.
    far_hidden = {"left": SideReading("tabletop", V), "right": SideReading(None, FrameState.CANNOT_SEE)}
    (reps, figures), _ = run([far_hidden] * 5 + [RIGHT_UP] * 4 + [far_hidden] * 3)
    assert [r.side for r in reps] == ["right"]
