"""The wall sit's far leg when the visibility gate hides it (``other_hidden = "unsure"``).

In a side view MediaPipe rates a far leg at visibility 0.25-0.45 both when it is planted behind the
near one and when it is lifted behind the near thigh, so both are gated out. ``both_hips_alike``
reads the hidden far thigh at the model's own unsure position: alike passes, a lifted thigh cannot
see (an unsure position never proves a fault), and no position at all cannot see either. A seen far
thigh is left to ``both_feet_down``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.judge.exercises import EvalContext, Status, load_exercise
from formcheck.judge.exercises.checks import CannotSee, Scene, compile_condition, measure
from formcheck.judge.exercises.conditions import LeftRight
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.pose.smoothing import GateConfig, VisibilityGate
from tests.posebuild import WH, side_view

# Wall sit facing right, back on a wall at x = 250: hip angle 90 degrees. side_view puts the far
# (right) side 8 px right of and above the near one.
WALL_SIT = {
    "shoulder": (300, 300), "hip": (300, 600), "knee": (600, 600), "ankle": (620, 900),
    "heel": (590, 930), "foot_index": (700, 930),
}
WALL = EvalContext(wall_line=((250 / WH[0], 0.0), (250 / WH[0], 1.0)),
                   wall_gaps={"lumbar": 0.05, "shoulder": 0.0, "hip": 0.01})
FAR_KNEE = Landmark.right_knee
CHECK = "both_hips_alike"


@pytest.fixture(scope="module")
def wall_sit():
    return load_exercise("wall_sit")


def _far_knee_at(x_px: float, y_px: float, visibility: float) -> PoseFrame:
    """The side view with the far knee moved, at ``visibility``, through the visibility gate."""
    raw = side_view(WALL_SIT)
    xyz, vis = raw.xyz_norm.copy(), raw.visibility.copy()
    xyz[FAR_KNEE, :2] = (x_px / WH[0], y_px / WH[1])
    vis[FAR_KNEE] = visibility
    return VisibilityGate(GateConfig(min_visibility=0.5)).update(raw.replace(xyz_norm=xyz, visibility=vis))


# The far thigh raised 180 px at the knee: its hip angle closes from 90 to about 55 degrees.
LIFTED = (568.0, 412.0)
# Planted, with the small disagreement an unsure estimate has: 20 px low, about 4 degrees.
PLANTED = (608.0, 612.0)


def test_the_gate_keeps_unsure_positions_apart_and_only_for_gated_landmarks():
    gated = _far_knee_at(*LIFTED, visibility=0.3)
    assert gated.missing[FAR_KNEE] and np.isnan(gated.xyz_norm[FAR_KNEE]).all()
    assert gated.unsure_xy_norm[FAR_KNEE] == pytest.approx((LIFTED[0] / WH[0], LIFTED[1] / WH[1]))
    assert np.isnan(gated.unsure_xy_norm[~gated.missing]).all()  # nothing seen is doubled
    flipped = gated.mirrored()  # left and right swap back to anatomy: now the left knee's
    assert flipped.unsure_xy_norm[Landmark.left_knee, 0] == pytest.approx(1.0 - gated.unsure_xy_norm[FAR_KNEE, 0])
    # A frame the gate leaves alone carries no unsure positions.
    assert VisibilityGate().update(side_view(WALL_SIT)).unsure_xy_norm is None


def test_a_hidden_far_thigh_that_reads_alike_passes(wall_sit):
    ev = wall_sit.evaluate(_far_knee_at(*PLANTED, visibility=0.3), WALL)
    result = ev.result(CHECK)
    assert result.status is Status.PASS and 0.0 < result.value < 8.0  # measured, not assumed level
    assert ev.all_pass


def test_a_hidden_far_thigh_that_reads_lifted_cannot_see_and_is_no_fault(wall_sit):
    ev = wall_sit.evaluate(_far_knee_at(*LIFTED, visibility=0.3), WALL)
    result = ev.result(CHECK)
    assert result.status is Status.CANNOT_SEE and "right_knee" in (result.reason or "")
    assert CHECK not in ev.failing and not ev.all_pass
    # The ankles alone would have let it pass: the far ankle is where it was.
    assert ev.result("both_feet_down").status is Status.PASS


def test_a_seen_far_thigh_is_left_to_the_ankle_check(wall_sit):
    # Seen, the hip angles may differ with both feet down (an oblique camera): the check is left out.
    ev = wall_sit.evaluate(_far_knee_at(*LIFTED, visibility=0.9), WALL)
    assert CHECK not in {r.id for r in ev.results} and ev.all_pass
    # While hidden, the same reading keeps the frame out of the hold.
    assert not wall_sit.evaluate(_far_knee_at(*LIFTED, visibility=0.3), WALL).all_pass


def test_only_when_other_hidden_needs_something_to_judge_the_hidden_side_by():
    with pytest.raises(ValueError, match="only_when_other_hidden"):
        LeftRight(kind="left_right", measure="joint_angle", points=("shoulder", "hip", "knee"), max="m",
                  other_hidden="level", only_when_other_hidden=True)


def test_a_far_thigh_with_no_position_at_all_cannot_see_never_passes(wall_sit):
    # Missing without an unsure position: not detected, or a frame that never went through the gate.
    hidden = side_view(WALL_SIT)
    missing = hidden.missing.copy()
    missing[FAR_KNEE] = True
    ev = wall_sit.evaluate(hidden.replace(missing=missing), WALL)
    assert ev.result(CHECK).status is Status.CANNOT_SEE and not ev.all_pass
    # Outside the image the gate keeps no position either.
    gone = _far_knee_at(600.0, 1200.0, visibility=0.9)
    assert gone.missing[FAR_KNEE] and gone.unsure_xy_norm is None
    assert wall_sit.evaluate(gone, WALL).result(CHECK).status is Status.CANNOT_SEE


def test_a_hidden_near_thigh_is_never_read_from_its_unsure_position():
    # Only the far side may stand in: the near side is what it is compared against. Measured on the
    # condition itself, since the exercise already refuses a frame whose near knee it cannot see.
    spec = LeftRight(kind="left_right", measure="joint_angle", points=("shoulder", "hip", "knee"), max="m",
                     other_hidden="unsure")
    cond = compile_condition(spec, "left", {"m": 17.0})
    frame = side_view(WALL_SIT)
    points = frame.xy_px.tolist()
    unsure = [[math.nan, math.nan] for _ in points]
    missing = frame.missing.tolist()
    for knee in (Landmark.left_knee, Landmark.right_knee):
        unsure[knee], missing[knee] = points[knee], True
    base = dict(points=points, forward_sign=1.0, wall_line=None, unsure_points=unsure)
    assert isinstance(measure(cond, Scene(missing=missing, **base)), CannotSee)
    missing[Landmark.left_knee] = False  # the near knee seen: the far one's unsure position stands in
    assert measure(cond, Scene(missing=missing, **base)) == pytest.approx(0.0, abs=2.0)


def test_unsure_is_a_declared_mode_of_left_right_checks_only():
    spec = LeftRight(kind="left_right", measure="joint_angle", points=("shoulder", "hip", "knee"), max="m",
                     other_hidden="unsure")
    assert spec.other_hidden == "unsure"
    with pytest.raises(ValueError):
        LeftRight(kind="left_right", measure="joint_angle", points=("shoulder", "hip", "knee"), max="m",
                  other_hidden="guess")
