"""Checks judged from the person's own reference (``relative_to`` a rep phase): the squat's heels.

Hand-built side-on squat poses (pixels, facing right) whose heel landmark sits 0.34 foot lengths above
the toe while standing flat-footed, as MediaPipe reads the real squat clips. A fixed 0.3 limit fails
that; measured from standing it passes, and a real heel raise still fails.
"""

from __future__ import annotations

import dataclasses

import pytest

from formcheck.judge.exercises import Status, load_exercise
from formcheck.judge.exercises.personal_reference import PhaseReferences
from formcheck.judge.scoring import Scorer
from tests.posebuild import moved, side_view

STAND = {"shoulder": (500, 200), "hip": (500, 500), "knee": (505, 700), "ankle": (500, 900),
         "heel": (460, 880), "foot_index": (600, 930)}
# Parallel squat: thighs level, knee behind the toes, trunk leaning 20 degrees.
DOWN = {"shoulder": (450, 420), "hip": (350, 700), "knee": (560, 700), "ankle": (500, 900),
        "heel": (460, 880), "foot_index": (600, 930)}
# Heel 0.71 foot lengths above the toe: 0.37 above its standing reading (limit 0.3).
HEELS_UP = moved(DOWN, heel=(480, 810))
FOOT_PX = (140 ** 2 + 50 ** 2) ** 0.5
STANDING_READING = 50 / FOOT_PX  # 0.336 foot lengths


def _run(poses: list[dict], fps: float = 10.0):
    scorer = Scorer(load_exercise("bodyweight_squat"))
    out = []
    for i, pose in enumerate(poses):
        frame = dataclasses.replace(side_view(pose), t_s=i / fps, index=i)
        out.append(scorer.update(frame).evaluation)
    return out


def _heels(evaluation):
    return next((r for r in evaluation.results if r.id == "heels_down"), None)


def test_heels_are_judged_from_standing_not_from_a_fixed_height():
    results = _run([DOWN] + [STAND] * 5 + [DOWN] * 2 + [HEELS_UP] * 2)
    phases = [ev.phase for ev in results]
    assert phases == ["down"] + ["up"] * 5 + ["down"] * 4
    # Before the person has been seen standing there is nothing to measure from: the check is left out
    # (not passed, not failed, and the frame is not made unseen), and its reading is kept.
    assert [_heels(ev) for ev in results[:4]] == [None] * 4
    assert not results[0].unseen and results[0].all_pass
    assert dict(results[0].unreferenced)["heels_down"] == pytest.approx(STANDING_READING, abs=1e-3)
    heels = [_heels(ev) for ev in results]
    # The reference needs three standing frames; the fourth is judged against them.
    # Flat-footed reads 0.34 above the toe, which a fixed 0.3 limit would fail; from standing it is 0.
    assert heels[4].measured > 0.3
    assert heels[4].status is Status.PASS and heels[4].value == pytest.approx(0.0, abs=1e-6)
    assert [h.status for h in heels[6:8]] == [Status.PASS] * 2
    assert [h.status for h in heels[8:]] == [Status.FAIL] * 2
    assert heels[8].value == pytest.approx(120 / (120 ** 2 + 120 ** 2) ** 0.5 - STANDING_READING, abs=1e-3)


def test_the_reference_follows_the_latest_standing_frames():
    refs = PhaseReferences({"heels_down": "up"})

    def feed(t_s, phase, measured):
        from formcheck.judge.exercises.evaluation import CheckResult, Evaluation
        result = CheckResult(id="heels_down", status=Status.PASS, value=None, unit="body", min=None, max=0.3,
                             cue="", landmarks=(), measured=measured)
        refs.update(t_s, Evaluation(exercise="x", in_position=True, view_ok=True, side="left", view_cue=None,
                                    entry_cue="", results=(result,), phase=phase))

    for i in range(4):
        feed(i * 0.1, "up", 0.30)
    assert refs.current() == {"heels_down": pytest.approx(0.30)}
    feed(0.5, "down", 0.90)  # other phases never move the reference
    assert refs.current() == {"heels_down": pytest.approx(0.30)}
    # Ten seconds later the person stands differently (moved the camera): the old readings give way
    # once three new ones have come in, never leaving fewer than three.
    for i in range(3):
        feed(10.0 + i * 0.1, "up", 0.50)
    assert refs.current() == {"heels_down": pytest.approx(0.50)}
