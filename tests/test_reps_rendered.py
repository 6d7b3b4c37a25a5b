"""Rendered rep exercises through the real estimator: one rep counted per keyframed rep.

A rep's top is its time in the exercise file's last phase, which begins where the body crosses that
phase's threshold on the way there (part way through the keyframed move) and ends where it crosses
back; so each keyframed hold must lie inside its rep's top, give or take one 10 fps frame.

Measured, not asserted (seed 11, 12 s, side view): the rendered cat-cow counts its two reps, but each
top ends about 0.2 s before the keyframed hold does; the clamshell (seen from the front, judged by
the knees' height gap over the torso since its thigh points at the camera) counts both, tops
1.0-3.2 and 5.5-7.7 s around holds 1.2-2.7 and 5.7-7.2 s; the bird dog (right arm and left leg) is
cannot-see at the tabletop, where its right arm is on the far side, so it counts none.
"""

from __future__ import annotations

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.pose.estimate import record
from formcheck.pose.smoothing import clean
from formcheck_studio import render_clip
from formcheck_studio.motions import EXERCISES

pytestmark = pytest.mark.slow

FPS = 10.0


@pytest.mark.parametrize("name", ["glute_bridge", "dead_bug", "bodyweight_squat", "clamshell"])
def test_each_keyframed_rep_is_counted_once_with_its_hold_inside_the_top(tmp_path, name):
    pytest.importorskip("mediapipe")
    video, truth = render_clip(name, None, None, seconds=12.0, seed=11, size=(640, 360), fps=FPS,
                               out_path=tmp_path / f"{name}.mp4")
    scorer = Scorer(load_exercise(EXERCISES[name].library))
    for pose in clean(record(video, workers=1).frames):
        scorer.update(pose)
    reps = scorer.finish(truth.num_frames / FPS).reps
    assert len(truth.holds) == 2
    assert len(reps) == len(truth.holds), reps
    frame = 1 / FPS
    for rep, held in zip(reps, truth.holds):
        assert rep.top_start_s <= held.start_s + frame and held.end_s - frame <= rep.top_end_s, (rep, held)
        assert rep.faults == (), rep
