"""What the live overlay and the app's page say about reps when an exercise is judged on both sides."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from formcheck.app.webscreen import _state
from formcheck.judge.reps import RepSnapshot
from formcheck.judge.timer import FrameState, Phase
from formcheck.outputs.overlay import Overlay


def _scored(reps: RepSnapshot | None) -> SimpleNamespace:
    """The parts of a scored frame the overlay reads."""
    pose = SimpleNamespace(xyz_norm=np.zeros((33, 3), np.float32), missing=np.zeros(33, bool))
    return SimpleNamespace(t_s=4.0, pose=pose, state=FrameState.VALID, wall=None, reps=reps,
                           evaluation=SimpleNamespace(results=(), cue=None),
                           timer=SimpleNamespace(phase=Phase.HOLDING, valid_s=3.5))


def test_an_alternating_bird_dog_shows_each_sides_reps():
    overlay = Overlay.from_scored(_scored(RepSnapshot(4.0, 3, 3, sides=(("left", 2, 2), ("right", 1, 1)))))
    assert overlay.status_text() == "L 2 · R 1 reps, holding"
    state = _state(7, overlay, SimpleNamespace(target_s=None, cue=None, countdown_s=None, rest_s=None, paused=False,
                                               headline=None), None, 0.0)
    assert state.reps == 3 and state.reps_by_side == {"left": 2, "right": 1}


def test_one_side_or_a_hold_reads_as_before():
    assert Overlay.from_scored(_scored(RepSnapshot(4.0, 3, 2))).status_text() == "3 reps, holding"
    hold = Overlay.from_scored(_scored(None))
    assert hold.status_text() == "holding" and hold.side_reps == ()
