"""Side plank on real footage: lying on the side is not the exercise (../shared/data README times).

README times were read by eye to about 0.5 s; spans below keep 0.5 s clear of the labelled changes.
"""

from __future__ import annotations

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.pose.recording import load_recording
from formcheck.pose.smoothing import clean

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


def _score(recorded, clip: str, exercise: str):
    scorer = Scorer(load_exercise(exercise))
    for pose in clean(load_recording(recorded(clip, model="litert")).frames):
        scorer.update(pose)
    return scorer.finish()


def _seconds(score, start_s: float, end_s: float, states: tuple[str, ...]) -> float:
    """Seconds of ``[start_s, end_s]`` spent in ``states`` (a frame lasts until the next)."""
    rows = score.frames
    ends = [r.t_s for r in rows[1:]] + [score.duration_s]
    return sum(max(0.0, min(end_s, e) - max(start_s, r.t_s)) for r, e in zip(rows, ends) if r.state.value in states)


IN_EXERCISE = ("valid", "fault")


def test_lowering_to_the_floor_ends_the_side_plank(recorded):
    # Hold 0-12.5 s, lowered onto the floor 13-16 s: lying there read as a sagging side plank
    # (3.0 s of fault) before the hips had to be off the floor.
    score = _score(recorded, "videos/side-plank/rehab-side-plank-exit.mp4", "side_plank_left")
    assert _seconds(score, 13.5, 16.1, IN_EXERCISE) <= 0.2
    assert _seconds(score, 0.0, 12.0, ("valid",)) >= 9.0


def test_getting_down_onto_the_forearm_is_not_yet_the_side_plank(recorded):
    # Kneeling 0-1.5 s, getting down 2-3.5 s, hold about 4-8.3 s.
    score = _score(recorded, "videos/side-plank/studio-side-plank-entry.mp4", "side_plank_left")
    assert _seconds(score, 0.0, 3.5, IN_EXERCISE) == 0.0
    assert _seconds(score, 4.5, 8.3, IN_EXERCISE) >= 3.0
