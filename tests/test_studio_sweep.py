"""The camera-placement sweep: camera options of the studio and the sweep helper on a tiny grid."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck_studio.accuracy import EXERCISE_MEASURES, near_side
from formcheck_studio.clip import StudioInputError, plan_clip

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


def test_camera_height_distance_and_yaw_place_the_camera():
    default = plan_clip("wall_sit", seconds=6.0, fps=2.0, randomize=False)
    placed = plan_clip("wall_sit", seconds=6.0, fps=2.0, randomize=False, camera_height_m=0.3, camera_distance_m=4.0)
    pos = placed.camera.position_m
    assert pos[1] == pytest.approx(0.3)
    # Horizontal distance from the body's centre; the side view looks along the scene z axis.
    centre = default.truth.world_m.reshape(-1, 3)
    assert abs(pos[2] - (centre[:, 2].min() + centre[:, 2].max()) / 2) == pytest.approx(4.0, abs=0.05)
    turned = plan_clip("wall_sit", seconds=6.0, fps=2.0, randomize=False, yaw_deg=30.0, camera_distance_m=3.0)
    # Positive yaw swings the side-view camera toward the body's front (+x), away from the wall at x = 0.
    assert turned.camera.position_m[0] > default.camera.position_m[0] + 1.0
    with pytest.raises(StudioInputError):
        plan_clip("wall_sit", seconds=6.0, fps=2.0, randomize=False, camera_height_m=-1.0)


def test_side_plane_measures_match_the_picture_from_straight_side_on():
    plan = plan_clip("glute_bridge", seconds=6.0, fps=2.0, randomize=False)
    truth = plan.truth
    i = int(np.searchsorted(truth.times_s, truth.holds[0].start_s + 0.5))
    side = near_side(truth, i)
    assert side == "left"  # the side view looks at the body's left side
    for m in EXERCISE_MEASURES["glute_bridge"]:
        pic, body = m.value_2d(truth.xy_px(i), side), m.value_side_plane(truth.world_m[i], side)
        assert abs(pic - body) < (5.0 if m.unit == "deg" else 0.05), m.name


def test_sweep_helper_returns_sane_numbers():
    import studio_sweep

    r = studio_sweep.measure("forearm_plank", 15.0, 0.9, 3.0, max_frames=2)
    assert r.frames == 2 and r.detected == 1.0
    assert 0 < r.landmark_err < 0.1
    assert set(r.est_err) == {m.name for m in EXERCISE_MEASURES["forearm_plank"]}
    assert all(0 <= v < 30 for n, v in r.est_err.items() if r.units[n] == "deg")
    assert all(0 <= v < 0.3 for n, v in r.cam_err.items() if r.units[n] == "len")
    assert "hip offset" in studio_sweep.table([r])
    grid = {"yaws": (15.0,), "heights": (0.9,), "distances": (3.0,)}
    assert "## forearm_plank" in studio_sweep.markdown([r], grid, 1.0)
