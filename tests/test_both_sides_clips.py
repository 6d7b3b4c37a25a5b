"""Both sides found by formcheck, on real clips (../shared/data README), issue #21 item 2.

``bird_dog``, ``clamshell`` and ``side_plank`` named without a side judge whichever side is performed:
each rep goes to its side (alternating bird dogs count on both), each hold to the side held, and no
second is counted on both. Reps are compared within 1 of the README's labels. Each clip is estimated
once (``recorded``) and scored as ``formcheck score`` scores it (LiteRT), without a side and with each.
"""

from __future__ import annotations

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Score, Scorer
from formcheck.pose.recording import load_recording
from formcheck.pose.smoothing import clean

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


def _scores(recorded, clip: str, exercise: str) -> dict[str | None, Score]:
    """The clip scored without a side (key None) and with each side named."""
    poses = list(clean(load_recording(recorded(clip, model="litert")).frames))
    out = {}
    for side in (None, "left", "right"):
        scorer = Scorer(load_exercise(f"{exercise}_{side}" if side else exercise))
        for pose in poses:
            scorer.update(pose)
        out[side] = scorer.finish()
    return out


def _reps(score: Score) -> dict[str, int]:
    return {side: figures.reps for side, figures in score.sides.items()}


@pytest.mark.parametrize(("clip", "per_side"), [
    # README: ≈6 alternating extensions. Measured: left 4, right 2 (before: 4 with bird_dog_left, the
    # best side; the two right reps whose far hand hides behind the body at the top are not counted).
    ("videos/bird-dog/fitbod-bird-dog.mp4", 3),
    # README: 2 alternating extensions (far arm + near leg, then near arm + far leg). Measured 1 + 1
    # (before: 1 with either side named).
    ("videos/bird-dog/upc-alternating-bird-dog-outdoor-lowcam.mp4", 1),
    # README: 2 reps, ≈0.5-2.5 and 4.5-6.5 s; the landmarks show one with each arm. Measured 1 + 1
    # (before: 1 with bird_dog_right, 0 with bird_dog_left).
    ("videos/bird-dog/atc-bird-dog.mp4", 1),
    # README: ~2 contralateral reps (≈2.3 s and 8.5-10 s). Measured 1 + 1 (before: 1 with either side).
    ("videos/bird-dog/fitgem-bird-dog.mp4", 1),
])
def test_alternating_bird_dog_reps_count_on_both_sides(recorded, clip, per_side):
    scores = _scores(recorded, clip, "bird_dog")
    both = scores[None]
    reps = _reps(both)
    assert all(abs(n - per_side) <= 1 for n in reps.values()), reps
    assert abs(len(both.reps) - 2 * per_side) <= 1
    assert reps["left"] >= 1 and reps["right"] >= 1  # alternating: both sides counted
    # Never fewer than the best side alone found, and every rep on one side only.
    assert len(both.reps) >= max(len(scores[s].reps) for s in ("left", "right"))
    assert sum(reps.values()) == len(both.reps)


@pytest.mark.parametrize(("clip", "expected"), [
    # README: 2 reps (open ≈0.8-1.3 and 2.2-2.6 s). Measured 1, as with clamshell_left (before).
    ("videos/clamshell/studio-banded-clamshell.gif", 2),
    # README: continuous reps on one side, camera cut at ≈10 s (no count given; the lower ankle is not
    # seen before the cut). Measured 3, as with clamshell_left (before).
    ("videos/clamshell/fitbod-band-clamshell.mp4", None),
])
def test_a_clamshell_set_on_one_side_gives_every_rep_to_that_side(recorded, clip, expected):
    scores = _scores(recorded, clip, "clamshell")
    reps = _reps(scores[None])
    side = max(reps, key=lambda s: reps[s])
    assert reps[side] >= 1 and reps[side] == len(scores[None].reps)
    assert reps[side] == len(scores[side].reps)  # what naming the side finds
    if expected is not None:
        assert abs(reps[side] - expected) <= 1
    assert scores[None].balance == (next(s for s in reps if s != side), 0.0)


@pytest.mark.parametrize("clip", [
    "videos/side-plank/fitgem-side-plank.mp4",              # short good hold: 5.1 s, right
    "videos/side-plank/studio-side-plank-entry.mp4",        # hold ≈4-8.3 s: 2.3 s, left (as before)
    "videos/side-plank/pexels-side-plank-cropped-backlit.mp4",  # hold ≈1.1-8.6 s: 4.0 s, left (3.4 + 0.6 s before)
    "videos/side-plank/rehab-side-plank-exit.mp4",          # straight-arm hold 0-12.5 s: 10.6 s, left
])
def test_a_side_plank_hold_goes_to_the_side_held_and_is_counted_once(recorded, clip):
    scores = _scores(recorded, clip, "side_plank")
    both = scores[None]
    valid = {side: figures.valid_s for side, figures in both.sides.items()}
    held = max(valid, key=lambda s: valid[s])
    other = next(s for s in valid if s != held)
    assert valid[held] > 1.0 and valid[other] == 0.0
    # Each second once: the sides add up to the session's valid time, which is no less than the side
    # held finds alone (a moment read as the other side inside the hold stays in it).
    assert sum(valid.values()) == pytest.approx(both.summary.valid_s, abs=0.01)
    assert both.summary.valid_s >= scores[held].summary.valid_s - 0.01
    assert both.summary.valid_s <= scores["left"].summary.valid_s + scores["right"].summary.valid_s + 0.01
