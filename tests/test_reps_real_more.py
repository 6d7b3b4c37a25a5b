"""Counting cat-cow and dead bug reps on real footage against the clips' labels (../shared/data README).

Tolerances as in tests/test_reps_real.py: the README's times were read by eye to about 0.5-1 s, so a
counted rep's top (its time in the last phase) must overlap the labelled span rather than match its
ends, and a clip that ends at the top of a rep has one rep fewer than it has tops.

One cat-cow rep is one cow and one cat. The exercise file's reps alternate: consecutive visits pair
up, whichever phase comes first, and the last pair counts once its second phase is reached.

One dead bug rep is one leg straightened and brought back, whichever leg it is: the rules compare the
two knees, so both legs' reaches count.
"""

from __future__ import annotations

import statistics

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.judge.timer import FrameState
from formcheck.pose.geometry import joint_angle_deg
from formcheck.pose.landmarks import Landmark
from formcheck.pose.recording import load_recording
from formcheck.pose.smoothing import clean

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

# A labelled span is read by eye to about 0.5 s at each end (README).
EDGE_S = 0.5


def _run(recorded, clip: str, exercise: str):
    """The score, each frame's rep phase ``(t_s, phase)`` and the cleaned poses."""
    scorer = Scorer(load_exercise(exercise))
    poses = list(clean(load_recording(recorded(clip, model="litert")).frames))
    phases = [(pose.t_s, scorer.update(pose).evaluation.phase) for pose in poses]
    return scorer.finish(), phases, poses


def _visits(phases) -> list[tuple[str, float, float]]:
    """The phases visited in order, ``(name, first_s, last_s)``; frames between phases (None) do not
    split a visit, so a frame or two at a threshold is not read as leaving and coming back."""
    out: list[tuple[str, float, float]] = []
    for t, phase in phases:
        if phase is None:
            continue
        if out and out[-1][0] == phase:
            out[-1] = (phase, out[-1][1], t)
        else:
            out.append((phase, t, t))
    return out


def _overlaps(start_s: float, end_s: float, span: tuple[float, float]) -> bool:
    return start_s <= span[1] and span[0] <= end_s


def _valid_s(score, start_s: float, end_s: float) -> float:
    """Seconds of ``[start_s, end_s]`` in valid form (each frame lasts until the next)."""
    rows = score.frames
    ends = [r.t_s for r in rows[1:]] + [score.duration_s]
    return sum(max(0.0, min(end, end_s) - max(r.t_s, start_s))
               for r, end in zip(rows, ends) if r.state is FrameState.VALID)


def _straight_leg(poses, start_s: float, end_s: float) -> str:
    """Which knee is straighter between ``start_s`` and ``end_s`` (median angle), "left" or "right"."""
    medians = {}
    for side in ("left", "right"):
        ids = [Landmark[f"{side}_{part}"] for part in ("hip", "knee", "ankle")]
        angles = [joint_angle_deg(*(pose.xy_px[i].tolist() for i in ids)) for pose in poses
                  if start_s <= pose.t_s <= end_s and not any(pose.missing[i] for i in ids)]
        assert angles, f"{side} knee never seen in {start_s:.2f}-{end_s:.2f} s"
        medians[side] = statistics.median(angles)
    return max(medians, key=medians.get)


# --- cat-cow -----------------------------------------------------------------------------------

def _assert_phases_follow_the_labels(score, phases, labels: list[tuple[str, tuple[float, float]]]) -> None:
    """The phases are visited in the labelled order, each visit overlapping its labelled span, and
    each span is at least 90 % valid."""
    visits = _visits(phases)
    assert [v[0] for v in visits] == [name for name, _ in labels], visits
    for (name, first_s, last_s), (_, span) in zip(visits, labels):
        assert _overlaps(first_s, last_s, span), (name, first_s, last_s, span)
    for name, (start_s, end_s) in labels:
        assert _valid_s(score, start_s, end_s) >= 0.9 * (end_s - start_s), (name, start_s, end_s)


def test_portrait_cat_cow_reads_each_labelled_phase_and_counts_two_reps(recorded):
    # README: cat about 1-2.5 and 7-9.5 s, cow about 3.5-6 and 11-12.9 s; the near ankle is outside
    # the frame all along, which made the whole clip cannot-see while the rules needed it.
    labels = [("cat", (1.0, 2.5)), ("cow", (3.5, 6.0)), ("cat", (7.0, 9.5)), ("cow", (11.0, 12.9))]
    score, phases, _ = _run(recorded, "videos/cat-cow/home-cat-cow-portrait.mp4", "cat_cow")
    _assert_phases_follow_the_labels(score, phases, labels)
    # cat, cow, cat, cow: two reps, (cat, cow) twice, each topped by its cow; the clip ends in the
    # second cow, which completes the second.
    assert len(score.reps) == 2, score.reps
    first = score.reps[0]
    assert first.start_s <= 2.5 + EDGE_S, first                                        # began in the first cat
    assert _overlaps(first.top_start_s, first.top_end_s, (3.5, 6.0)), first             # topped by the first cow
    assert 7.0 - EDGE_S <= first.end_s <= 9.5, first                                   # done at the second cat
    assert _overlaps(score.reps[1].top_start_s, score.reps[1].top_end_s, (11.0, 12.9)), score.reps


def test_studio_cat_cow_one_cow_then_one_cat_is_one_rep(recorded):
    # README: cow about 1-3 and 7-9 s, cat about 4-6 s. The footage has no second cow: the cat lasts
    # until about 8.5 s (ear 0.16-0.18 torso lengths below the line of the back at 7-8 s, as at 4-6 s)
    # and the head is near neutral at 9.5-10 s (ear 0.00-0.03 above the line; the cows of both clips
    # read 0.14 and more). One cow and one cat: one rep.
    labels = [("cow", (1.0, 3.0)), ("cat", (4.0, 6.0))]
    score, phases, _ = _run(recorded, "videos/cat-cow/studio-cat-cow.mp4", "cat_cow")
    _assert_phases_follow_the_labels(score, phases, labels)
    (rep,) = score.reps
    assert _overlaps(rep.top_start_s, rep.top_end_s, (4.0, 6.0)), rep


# --- dead bug ----------------------------------------------------------------------------------

def test_dead_bug_from_flat_counts_one_rep_per_leg_and_flat_is_not_the_start(recorded):
    # README: flat 0-1 and 9.5-10.1 s, "3-4 alternating reps" between. The footage has two: the left
    # (near) knee reads 84-91 degrees at 2.3-3.6 s with the right at 161-166, the right knee 71-82 at
    # 6.6-8.0 s with the left at 178-180, and both 167 or straighter at 0-1.5, 4.6-5.6 and 9.2-10.1 s.
    flats = [(0.0, 1.0), (9.5, 10.1)]
    score, _, poses = _run(recorded, "videos/dead-bug/atc-dead-bug.mp4", "dead_bug")
    assert len(score.reps) == 2, score.reps
    for rep in score.reps:
        assert flats[0][1] <= rep.top_start_s and rep.top_end_s <= flats[1][0], rep
        assert rep.faults == (), rep
    legs = [_straight_leg(poses, r.top_start_s, r.top_end_s) for r in score.reps]
    assert legs[0] != legs[1], legs
    # Legs resting straight on the floor are alike (the start phase), but not the dead bug's start
    # position (knees over the hips): failing the knee check, never valid. Before the first rep that
    # is setting up (issue #21: a rep exercise is timed from its first rep), after the last a fault.
    for (start_s, end_s), state in zip(flats, (FrameState.NOT_IN_POSITION, FrameState.FAULT)):
        rows = [r for r in score.frames if start_s <= r.t_s < end_s]
        assert rows and all(r.state is state and "knee_over_hip" in r.failing for r in rows), \
            [(r.t_s, r.state, r.failing) for r in rows if "knee_over_hip" not in r.failing]
        assert _valid_s(score, start_s, end_s) == 0.0


def test_dead_bug_counts_the_far_legs_reaches_too(recorded):
    # README: alternating reps throughout. Four reaches, each leg twice (left knee 154-169 degrees at
    # 0.75-1.25 and 6.0-6.5 s, right knee 159-171 at 3.5-4.2 and 8.6-9.4 s); reading the near leg alone
    # counted only the first and third.
    score, _, poses = _run(recorded, "videos/dead-bug/studio-dead-bug.mp4", "dead_bug")
    assert len(score.reps) == 4, score.reps
    legs = [_straight_leg(poses, r.top_start_s, r.top_end_s) for r in score.reps]
    assert all(a != b for a, b in zip(legs, legs[1:])), legs
    assert all(rep.faults == () for rep in score.reps), score.reps
    # Timed from the first rep's start (0.38 s; before it the start position is setting up, issue #21)
    # to the last rep's end.
    first, last = score.reps[0].start_s, score.reps[-1].end_s
    assert first <= 0.75 and _valid_s(score, 0.0, first) == 0.0
    assert _valid_s(score, first, last) >= 0.95 * (last - first)
