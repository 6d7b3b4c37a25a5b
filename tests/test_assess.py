"""The posture assessment's measures on rendered bodies with exact ground truth.

A symmetric body must measure symmetric within the stated uncertainty, with and without mirror
averaging; mirror averaging must shrink the model's left/right bias; a known asymmetry (right
shoulder 3 cm lower, pelvis 4 cm to the right) must be recovered within the stated uncertainty.
Seeds differ from those the uncertainty floors were set on (benchmarks/assess_bias.py: 0, 2-5).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from formcheck.assess import measures as m
from formcheck.assess.mirror import average_poses
from formcheck.assess.report import SPECS, read, result, spread_error
from formcheck.assess.steps import analyse_front
from formcheck.pose.frame import PoseFrame
from formcheck_studio.postures import PELVIS_SHIFT_CM, SHOULDER_LOW_CM
from tests.rendered import estimate_rendered

FRONT = ("shoulder_height_diff_cm", "hip_height_diff_cm", "lateral_shift_cm", "trunk_shift_cm",
         "head_tilt_deg", "knee_valgus_diff_deg")


@cache
def _estimated(fault: str | None, seed: int):
    """Truth, direct and mirror-averaged PoseFrames of a 2 s render of the standing posture."""
    return estimate_rendered("standing", seed, 2.0, fault)


def _by_name(frames, mirrored: bool):
    return {r.name: r for r in analyse_front(frames, mirrored)}


# --- pure parts -------------------------------------------------------------------------------

def test_truth_of_rendered_postures_is_exact():
    from formcheck_studio import plan_clip

    def front(fault):
        plan = plan_clip("standing", fault, "front", 0.2, seed=7, size=(480, 640), fps=10)
        return _by_name(plan.truth.pose_frames(), True)

    sym, low, shift = front(None), front("right_shoulder_low"), front("shift_right")
    for name in FRONT:
        assert abs(sym[name].value) < 1e-4, name
    assert low["shoulder_height_diff_cm"].value == pytest.approx(SHOULDER_LOW_CM, abs=1e-3)
    assert shift["lateral_shift_cm"].value == pytest.approx(PELVIS_SHIFT_CM, abs=1e-3)
    assert abs(shift["shoulder_height_diff_cm"].value) < 1e-4


def test_mirrored_frame_reads_the_mirror_image_body():
    # PoseFrame.mirrored() of an estimate is the estimate of the flipped image: the mirror-image
    # body, whose left/right differences have the opposite sign.
    from formcheck_studio import plan_clip

    frame = plan_clip("standing", "shift_right", "front", 0.1, seed=3, size=(480, 640), fps=10).truth.pose_frames()[0]
    for fn in (m.shoulder_height_diff_cm, m.lateral_shift_cm, m.head_tilt_deg, m.knee_valgus_diff_deg):
        assert fn(frame.mirrored()) == pytest.approx(-fn(frame), abs=1e-4), fn.__name__


def test_reading_names_a_side_only_outside_the_uncertainty():
    spec = SPECS["shoulder_height_diff_cm"]
    text, side = read(spec, 2.1, 0.5)
    assert side == "right" and text.startswith("right shoulder 2.1 cm lower")
    text, side = read(spec, -2.1, 0.5)
    assert side == "left" and "left shoulder 2.1 cm lower" in text
    text, side = read(spec, 0.4, 0.5)
    assert side is None and text.startswith("shoulders level")
    assert read(spec, math.nan, 0.5)[1] is None


def test_uncertainty_counts_correlated_frames_once():
    still = [1.0] * 50 + [1.01] * 50  # near-copies: a tiny spread but not 100 measurements
    noisy = list(np.random.default_rng(0).normal(1.0, 0.5, 100))
    assert spread_error(noisy)[1] > spread_error(still)[1]
    r = result("shoulder_height_diff_cm", "front", still, mirrored=True)
    assert r.uncertainty >= SPECS["shoulder_height_diff_cm"].floor_mirrored
    assert result("shoulder_height_diff_cm", "front", still, mirrored=False).uncertainty > r.uncertainty


def test_average_of_a_frame_and_its_mirror_is_symmetric():
    rng = np.random.default_rng(1)
    xyz = rng.uniform(0.3, 0.7, (33, 3))
    world = rng.normal(0, 0.3, (33, 3))
    f = PoseFrame(0.0, 0, xyz, np.ones(33), world, (480, 640))
    avg = average_poses(f, f.mirrored())
    assert m.shoulder_height_diff_cm(avg) == pytest.approx(0.0, abs=1e-4)
    assert m.hip_height_diff_cm(avg) == pytest.approx(0.0, abs=1e-4)


# --- through the pose model ---------------------------------------------------------------------

@pytest.mark.parametrize("seed", [7, 8])
@pytest.mark.parametrize("mirrored", [False, True])
def test_symmetric_body_measures_symmetric_within_uncertainty(seed, mirrored):
    _, direct, mirror = _estimated(None, seed)
    results = _by_name(mirror if mirrored else direct, mirrored)
    for name in FRONT:
        r = results[name]
        assert abs(r.value) <= r.uncertainty, f"{name}: {r.value:.2f} ± {r.uncertainty:.2f}"
        assert r.side is None


def test_mirroring_reduces_the_bias():
    direct_bias, mirror_bias = {}, {}
    for seed in (7, 8):
        _, direct, mirror = _estimated(None, seed)
        for name, r in _by_name(direct, False).items():
            direct_bias[name] = direct_bias.get(name, 0.0) + abs(r.value) / 2
        for name, r in _by_name(mirror, True).items():
            mirror_bias[name] = mirror_bias.get(name, 0.0) + abs(r.value) / 2
    print({k: (round(direct_bias[k], 2), round(mirror_bias[k], 2)) for k in FRONT})
    assert sum(mirror_bias.values()) < 0.5 * sum(direct_bias.values())
    for name in ("hip_height_diff_cm", "lateral_shift_cm", "head_tilt_deg", "knee_valgus_diff_deg"):
        assert mirror_bias[name] < direct_bias[name], name


@pytest.mark.parametrize("fault,name,truth", [
    # The model under-reads a 3 cm side-bend drop (about 1.9-2.2 cm); the mirrored shoulder floor (the
    # 95th percentile of its error on symmetric bodies) is wide enough to cover that, and a side is
    # still named.
    ("right_shoulder_low", "shoulder_height_diff_cm", SHOULDER_LOW_CM),
    ("shift_right", "lateral_shift_cm", PELVIS_SHIFT_CM),
])
def test_known_asymmetry_is_recovered_within_uncertainty(fault, name, truth):
    _, _, mirror = _estimated(fault, 9)
    r = _by_name(mirror, True)[name]
    print(f"{name}: truth {truth} measured {r.value:.2f} ± {r.uncertainty:.2f}")
    assert abs(r.value - truth) <= r.uncertainty
    assert r.side == "right"
