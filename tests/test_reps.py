"""The rep counter driven by per-frame phase sequences, against expected per-frame counts."""

from __future__ import annotations

import pytest

from formcheck.judge.reps import RepCounter
from formcheck.judge.timer import FrameState

V, F, N, C = FrameState.VALID, FrameState.FAULT, FrameState.NOT_IN_POSITION, FrameState.CANNOT_SEE


def drive(phases: list[str | None], states=None, dt: float = 0.1, failing=None, **config):
    """Feed one frame per phase (``dt`` apart); returns the counter and the count after each frame."""
    counter = RepCounter(("down", "up"), **config)
    states = states or [V] * len(phases)
    failing = failing or [()] * len(phases)
    counts = [counter.update(round(i * dt, 6), p, s, f).count
              for i, (p, s, f) in enumerate(zip(phases, states, failing))]
    return counter, counts


def test_a_rep_is_down_up_down_counted_on_the_way_back():
    phases = ["down", None, "up", "up", None, "down", None, "up", None, "down"]
    counter, counts = drive(phases)
    assert counts == [0, 0, 0, 0, 0, 1, 1, 1, 1, 2]
    first, second = counter.finish()
    assert (first.start_s, first.top_start_s, first.top_end_s, first.end_s) == pytest.approx((0.0, 0.2, 0.4, 0.5))
    assert (second.start_s, second.top_start_s, second.top_end_s, second.end_s) == pytest.approx((0.5, 0.7, 0.8, 0.9))


def test_hovering_at_one_threshold_counts_nothing():
    # Up and back to between, never down again: one rep still under way, not two.
    phases = ["down", None, "up", None, "up", None, "up", None]
    counter, counts = drive(phases)
    assert counts == [0] * len(phases)
    assert counter.finish() == ()


def test_a_flicker_out_of_the_top_does_not_split_it():
    phases = ["down", "up", "up", None, "up", "up", None, "down"]
    counter, _ = drive(phases)
    (rep,) = counter.finish()
    assert (rep.top_start_s, rep.top_end_s) == pytest.approx((0.1, 0.6))


def test_joining_mid_rep_waits_for_the_first_phase():
    # The session starts at the top: the first way down is not a rep; down -> up -> down is.
    phases = ["up", "up", None, "down", None, "up", None, "down"]
    counter, counts = drive(phases)
    assert counts == [0, 0, 0, 0, 0, 0, 0, 1]


def test_a_half_rep_at_the_end_is_not_counted():
    counter, counts = drive(["down", None, "up", "up"])
    assert counter.finish(end_s=1.0) == ()


def test_leaving_the_exercise_past_the_grace_period_abandons_the_rep():
    phases = ["down", "up", None, None, None, None, None, None, "down"]
    states = [V, V, N, N, N, N, N, N, V]
    counter, counts = drive(phases, states, grace_s=0.3)
    assert counts[-1] == 0
    # The same gap within grace keeps the rep.
    counter, counts = drive(phases[:3] + phases[-1:], states[:3] + states[-1:], grace_s=0.3)
    assert counts[-1] == 1


def test_timestamps_not_frame_counts_decide_the_grace():
    # One cannot-see frame 0.6 s long abandons the rep at grace 0.5; ten 0.05 s frames would not.
    counter = RepCounter(("down", "up"), grace_s=0.5)
    for t, phase, state in [(0.0, "down", V), (0.3, "up", V), (0.4, None, C), (1.0, None, C), (1.1, "down", V)]:
        counter.update(t, phase, state)
    assert counter.finish() == ()


def test_a_rep_is_good_only_without_lasting_faults_and_with_its_top_held():
    phases = ["down"] + ["up"] * 10 + ["down"]
    counter, _ = drive(phases, hold_s=0.8)
    assert counter.finish()[0].good                   # top held 1.0 s
    counter, _ = drive(phases, hold_s=1.5)
    (short,) = counter.finish()
    assert not short.good and short.faults == ()      # top too short
    states = [V] + [F] * 7 + [V] * 3 + [V]
    failing = [()] + [("hips_high_enough",)] * 7 + [()] * 4
    counter, _ = drive(phases, states, failing=failing, grace_s=0.5)
    (faulty,) = counter.finish()
    assert faulty.faults == ("hips_high_enough",) and not faulty.good
    # A fault shorter than the grace period is a flicker, not a fault of the rep.
    states = [V, F, F] + [V] * 9
    failing = [(), ("hips_high_enough",), ("hips_high_enough",)] + [()] * 9
    counter, _ = drive(phases, states, failing=failing, grace_s=0.5)
    assert counter.finish()[0].faults == ()


def test_three_phases_must_come_in_order():
    counter = RepCounter(("start", "mid", "end"))
    seq = ["start", "end", "start", "mid", "end", "start"]  # the first skips "mid": not a rep
    counts = [counter.update(i * 0.1, p, V).count for i, p in enumerate(seq)]
    assert counts == [0, 0, 0, 0, 0, 1]


def test_unknown_phase_and_time_going_back_are_errors():
    counter = RepCounter(("down", "up"))
    with pytest.raises(ValueError, match="unknown rep phase 'sideways'"):
        counter.update(0.0, "sideways", V)
    counter.update(1.0, "down", V)
    with pytest.raises(ValueError, match="must not go back"):
        counter.update(0.5, "down", V)


def test_short_failures_on_the_way_up_and_down_are_not_summed_into_a_fault():
    # 0.4 s failing while rising and 0.4 s while lowering (threshold crossed twice): two flickers.
    phases = ["down"] + ["up"] * 14 + ["down"]
    states = [V] + [F] * 4 + [V] * 6 + [F] * 4 + [V]
    failing = [()] + [("hips_high_enough",)] * 4 + [()] * 6 + [("hips_high_enough",)] * 4 + [()]
    counter, _ = drive(phases, states, failing=failing, grace_s=0.5)
    assert counter.finish()[0].faults == ()


def test_a_depth_check_faults_a_rep_only_if_the_top_never_reaches_it():
    # In the "up" phase before the hips are high enough (0.6 s failing), then high enough: met.
    phases = ["down"] + ["up"] * 10 + ["down"]
    states = [V] + [F] * 6 + [V] * 5
    failing = [()] + [("hips_high_enough",)] * 6 + [()] * 5
    passing = [()] + [()] * 6 + [("hips_high_enough",)] * 4 + [()]
    counter = RepCounter(("down", "up"), grace_s=0.5, reach_checks=frozenset({"hips_high_enough"}))
    for i, (p, s, f, ok) in enumerate(zip(phases, states, failing, passing)):
        counter.update(i * 0.1, p, s, f, ok)
    assert counter.finish()[0].faults == ()
    # Never high enough at the top: the rep has the fault, however briefly the top lasted.
    counter = RepCounter(("down", "up"), grace_s=0.5, reach_checks=frozenset({"hips_high_enough"}))
    for i, p in enumerate(["down", "up", "up", None, "down"]):
        counter.update(i * 0.1, p, F if p == "up" else V, ("hips_high_enough",) if p == "up" else ())
    assert counter.finish()[0].faults == ("hips_high_enough",)


def test_alternating_phases_pair_up_whichever_comes_first():
    # A cat-cow flow starting in cat: (cat, cow), (cat, cow).
    counter = RepCounter(("cow", "cat"), alternate=True)
    seq = ["cat", "cat", None, "cow", "cow", None, "cat", None, "cow", "cow", None]
    counts = [counter.update(i * 0.1, p, V).count for i, p in enumerate(seq)]
    assert counts == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    first, second = counter.finish(end_s=1.1)
    assert (first.start_s, first.top_start_s, first.top_end_s, first.end_s) == pytest.approx((0.0, 0.3, 0.5, 0.6))
    assert (second.top_start_s, second.top_end_s, second.end_s) == pytest.approx((0.8, 1.0, 1.1))


def test_alternating_rep_counts_at_the_end_once_its_top_is_reached():
    counter = RepCounter(("cow", "cat"), alternate=True)
    for i, p in enumerate(["cow", None, "cat", "cat"]):
        counter.update(i * 0.1, p, V)
    (rep,) = counter.finish(end_s=0.4)
    assert (rep.top_start_s, rep.top_end_s, rep.end_s) == pytest.approx((0.2, 0.4, 0.4))
    counter = RepCounter(("cow", "cat"), alternate=True)
    for i, p in enumerate(["cow", None, None]):
        counter.update(i * 0.1, p, V)
    assert counter.finish() == ()  # only the first phase: not a rep
    with pytest.raises(ValueError, match="exactly two phases"):
        RepCounter(("a", "b", "c"), alternate=True)


def test_the_summary_line_names_done_good_and_target():
    from formcheck.judge.reps import Rep
    from formcheck.judge.scoring import Score
    from formcheck.judge.timer import HoldSummary

    reps = (Rep(0.0, 1.0, 4.0, 4.5, (), True), Rep(5.0, 5.5, 6.0, 6.5, ("hips_high_enough",), False))
    score = Score("glute_bridge", "Glute bridge", (None, None), 7.0, HoldSummary(0.0, 0.0, 0, (), None), [], {},
                  reps=reps, rep_target=(8, 12))
    assert score.reps_text() == "2 done, 1 good (target 8-12)"
    hold = Score("forearm_plank", "Forearm plank", (20, 60), 7.0, HoldSummary(0.0, 0.0, 0, (), None), [], {})
    assert hold.reps_text() is None


def _reach_rep(top: list[str]) -> tuple:
    """One rep whose top frames read the reach check ``arm`` as "fail", "pass" or "unseen"."""
    counter = RepCounter(("tabletop", "extended"), grace_s=0.5, reach_checks=frozenset({"arm"}))
    frames = [("tabletop", "")] + [("extended", r) for r in top] + [("tabletop", "")]
    for i, (phase, reading) in enumerate(frames):
        counter.update(i * 0.1, phase, F if reading == "fail" else V, ("arm",) if reading == "fail" else (),
                       ("arm",) if reading == "pass" else (), ("arm",) if reading == "unseen" else ())
    (rep,) = counter.finish()
    return rep.faults, rep.unseen, rep.good


def test_a_reach_that_leaves_the_picture_at_the_top_never_faults_the_rep():
    # Issue #21: a bird dog's hand rising past the frame edge at the top of the reach. Seen low on
    # the way up, then unseen: the reach may well have been reached, so no fault; the rep says it
    # was not seen instead of calling it good silently.
    assert _reach_rep(["fail", "fail", "unseen", "unseen", "unseen"]) == ((), ("arm",), True)
    # Unseen the whole top: the same.
    assert _reach_rep(["unseen"] * 4) == ((), ("arm",), True)
    # Seen reached, then out of the picture: met, nothing unseen to report.
    assert _reach_rep(["fail", "pass", "unseen", "unseen"]) == ((), (), True)
    # Seen through the whole top and never reached: still a fault.
    assert _reach_rep(["fail"] * 4) == (("arm",), (), False)


def test_the_exercise_starts_when_the_first_rep_does():
    # Lying in the first phase is setting up; leaving it starts the exercise, and it stays started.
    counter = RepCounter(("down", "up"))
    started = [counter.update(i * 0.1, p, V) and counter.started
               for i, p in enumerate(["down", "down", "down", None, "up", None, "down", "down"])]
    assert started == [False, False, False, True, True, True, True, True]
    # Joined mid-rep, at the top (a clip that opens at the top of a bridge): already exercising.
    counter = RepCounter(("down", "up"))
    assert [counter.update(i * 0.1, p, V) and counter.started for i, p in enumerate([None, "up", None, "down"])] == \
        [False, True, True, True]
    # In a later phase but not in the exercise (not in position): nothing begins.
    counter = RepCounter(("down", "up"))
    assert [counter.update(i * 0.1, p, s) and counter.started for i, (p, s) in enumerate([("up", N), ("down", V)])] == \
        [False, False]


def test_a_rep_exercise_is_timed_within_its_set_and_not_at_all_without_a_rep():
    """Standing about after the last squat, or pulsing without ever completing a rep, is not the
    exercise: valid time runs from the first completed rep's start to the last one's end."""
    from formcheck.judge.reps import Rep, in_set

    reps = [Rep(1.0, 1.5, 2.0, 2.5, (), True), Rep(3.0, 3.5, 4.0, 4.5, (), True)]
    assert [in_set(t, reps) for t in (0.9, 1.0, 2.7, 4.5, 4.6)] == [False, True, True, True, False]
    assert not in_set(2.0, [])


def test_a_rep_still_under_way_when_the_session_ends_keeps_the_set_open():
    """A clip that stops at the top of a rep: that rep is the exercise, to the end."""
    from formcheck.judge.reps import Rep, in_set

    reps = [Rep(1.0, 1.5, 2.0, 2.5, (), True)]
    assert in_set(9.0, reps, under_way_since_s=3.0) and not in_set(9.0, reps)
    assert in_set(3.5, [], under_way_since_s=3.0) and not in_set(2.9, [], under_way_since_s=3.0)
