"""The rendered exercise studio: IK, camera model, ground truth, faults, detection by MediaPipe."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from formcheck.cli.studio import VIEWS, studio
from formcheck.errors import FormcheckError
from formcheck.pose.landmarks import Landmark
from formcheck_studio import GroundTruth, UnknownExerciseError, UnknownFaultError, render_clip
from formcheck_studio.camera import VIEW_AZIMUTH_DEG, Camera
from formcheck_studio.clip import occluded_landmarks, plan_clip
from formcheck_studio.mannequin import BodyDims, Pose, forward_kinematics, leg_ik_angles, two_link_ik
from formcheck_studio.motions import PLANK_HIPS_HIGH_DEG, WALL_SIT_HIPS_HIGH_FRAC

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
L = Landmark


def test_two_link_ik_hand_computed_case():
    # Equal 0.4 m links reaching 0.4*sqrt(2) straight down form a right angle at the knee, and the
    # thigh leans 45 degrees forward of the target line.
    hip_flex, knee = two_link_ik(np.array([0.0, -0.4 * math.sqrt(2)]), 0.4, 0.4, bend=-1.0)
    assert hip_flex == pytest.approx(45.0, abs=1e-6)
    assert knee == pytest.approx(90.0, abs=1e-6)


def test_leg_ik_puts_the_ankle_where_asked():
    dims = BodyDims.from_height(1.75)
    pose = Pose(root_m=(0.1, 0.5, 0.0))
    target = np.array([0.1 + dims.thigh_m, 0.5 - dims.shin_m, -dims.hip_half_width_m])
    hip_flex, knee = leg_ik_angles(dims, pose, "l", target)
    posed = forward_kinematics(dims, Pose(root_m=(0.1, 0.5, 0.0), angles={"l_hip_flex": hip_flex, "l_knee": knee}))
    assert np.allclose(posed.joints["l_ankle"], target, atol=1e-6)
    assert (hip_flex, knee) == pytest.approx((90.0, 90.0), abs=1e-4)  # thigh level, shin vertical


def test_camera_projects_a_hand_computed_point():
    # 90 degree horizontal field of view on 640 px: focal length 320 px. Camera 2 m in front of the
    # origin looking along +z, so scene +x is image left.
    cam = Camera.look_at((0.0, 0.0, -2.0), (0.0, 0.0, 0.0), 90.0, (640, 360))
    px, depth = cam.project(np.array([[0.5, 0.25, 0.0]]))
    assert px[0] == pytest.approx([320 - 320 * 0.5 / 2, 180 - 320 * 0.25 / 2])
    assert depth[0] == pytest.approx(2.0)


@pytest.fixture(scope="module")
def wall_sit_plan():
    return plan_clip("wall_sit", seconds=7.0, seed=1, fps=6.0)


def test_ground_truth_lands_on_the_rendered_body(wall_sit_plan):
    truth = wall_sit_plan.truth
    i = truth.num_frames // 2
    frame = wall_sit_plan.render_frame(i)
    px, _ = wall_sit_plan.camera.project(truth.world_m[i])
    assert np.allclose(px / np.array(truth.size_wh), truth.image_norm[i, :, :2])
    for lm in (L.left_shoulder, L.left_hip, L.left_knee, L.left_ankle, L.nose):
        u, v = np.floor(truth.xy_px(i)[lm]).astype(int)
        assert frame.body_mask[v, u], f"{lm.name} is not on the mannequin in the picture"
    # Seen from the left, the right hip and knee are hidden behind the body, the left ones are not.
    hidden = occluded_landmarks(frame, wall_sit_plan.camera, truth.world_m[i], wall_sit_plan.skeletons[i].dims.scale)
    assert hidden[L.right_hip] and hidden[L.right_knee]
    assert not hidden[L.left_hip] and not hidden[L.left_knee]


def _geometry(exercise: str, fault: str | None, seconds: float = 8.0):
    plan = plan_clip(exercise, fault, seconds=seconds, seed=2, fps=2.0)
    truth = plan.truth
    (span,) = truth.holds
    i = int(np.argmin(np.abs(truth.times_s - (span.start_s + span.end_s) / 2)))
    return truth, i


def _height_above_line(w: np.ndarray, a: Landmark, b: Landmark, c: Landmark) -> float:
    """How far (m) ``b`` sits above the straight line from ``a`` to ``c`` (side-view plane)."""
    pa, pb, pc = w[a][:2], w[b][:2], w[c][:2]
    direction = (pc - pa) / np.linalg.norm(pc - pa)
    normal = np.array([-direction[1], direction[0]])
    if normal[1] < 0:
        normal = -normal
    return float((pb - pa) @ normal)


def _side_angle(w: np.ndarray, a: Landmark, b: Landmark, c: Landmark) -> float:
    """Angle at ``b`` (degrees) in the body's sagittal plane (scene x-y): what a side camera sees."""
    u, v = w[a][:2] - w[b][:2], w[c][:2] - w[b][:2]
    return math.degrees(math.acos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))


def test_plank_faults_move_the_hips_off_the_body_line():
    good, i = _geometry("forearm_plank", None)
    high, j = _geometry("forearm_plank", "hips_high")
    low, k = _geometry("forearm_plank", "hips_low")
    line = (L.left_shoulder, L.left_hip, L.left_ankle)
    assert abs(_height_above_line(good.world_m[i], *line)) < 0.02
    hip = (L.left_shoulder, L.left_hip, L.left_knee)
    assert _side_angle(good.world_m[i], *hip) == pytest.approx(180.0, abs=1.0)
    assert _side_angle(high.world_m[j], *hip) == pytest.approx(180.0 - PLANK_HIPS_HIGH_DEG, abs=1.0)
    assert _height_above_line(high.world_m[j], *line) > 0.12
    assert _height_above_line(low.world_m[k], *line) < -0.05
    for truth, idx in ((good, i), (high, j), (low, k)):  # forearms and toes stay on the floor
        assert truth.world_m[idx, L.left_elbow, 1] < 0.08
        assert truth.world_m[idx, L.left_foot_index, 1] < 0.04


def test_wall_sit_faults_change_the_named_geometry():
    good, i = _geometry("wall_sit", None)
    g = good.world_m[i]
    assert good.angle_deg(i, L.left_hip, L.left_knee, L.left_ankle) == pytest.approx(90.0, abs=1.0)
    assert abs(g[L.left_ankle, 0] - g[L.left_knee, 0]) < 0.01  # heels under the knees

    high, j = _geometry("wall_sit", "hips_high")
    thigh = np.linalg.norm(g[L.left_knee] - g[L.left_hip])
    assert high.world_m[j, L.left_hip, 1] - g[L.left_hip, 1] == pytest.approx(WALL_SIT_HIPS_HIGH_FRAC * thigh, rel=0.1)
    assert high.angle_deg(j, L.left_hip, L.left_knee, L.left_ankle) > 115

    behind, k = _geometry("wall_sit", "heels_behind_knees")
    assert behind.world_m[k, L.left_ankle, 0] < behind.world_m[k, L.left_knee, 0] - 0.1
    forward, m = _geometry("wall_sit", "feet_too_far_forward")
    assert forward.world_m[m, L.left_ankle, 0] > forward.world_m[m, L.left_knee, 0] + 0.1
    off, n = _geometry("wall_sit", "back_off_wall")
    # Wall at x = 0: the shoulders come well away from it.
    assert off.world_m[n, L.left_shoulder, 0] > g[L.left_shoulder, 0] + 0.15


def _decode(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def _knee_angle(p: np.ndarray) -> float:
    u, v = p[L.left_hip] - p[L.left_knee], p[L.left_ankle] - p[L.left_knee]
    return math.degrees(math.acos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1)))


@pytest.mark.parametrize("exercise,seconds", [("wall_sit", 9.0), ("forearm_plank", 7.0)])
def test_mediapipe_finds_the_mannequin(tmp_path, exercise, seconds):
    mp = pytest.importorskip("mediapipe")
    video, truth = render_clip(exercise, None, "side", seconds=seconds, seed=7, fps=5.0, out_path=tmp_path / "c.mp4")
    frames = _decode(video)
    assert len(frames) == truth.num_frames
    w, h = truth.size_wh
    found, errors, knee_errors = 0, [], []
    body = [L.left_shoulder, L.right_shoulder, L.left_hip, L.right_hip, L.left_knee, L.right_knee,
            L.left_ankle, L.right_ankle]
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False) as pose:
        for i, rgb in enumerate(frames):
            res = pose.process(rgb)
            if res.pose_landmarks is None:
                continue
            found += 1
            got = np.array([[lm.x * w, lm.y * h] for lm in res.pose_landmarks.landmark])
            want = truth.xy_px(i)
            hip_depth = truth.image_norm[i, [L.left_hip, L.right_hip], 2].mean()
            height_px = truth.body_height_m * truth.camera["fx_px"] / hip_depth
            errors.append(np.linalg.norm(got[body] - want[body], axis=1).mean() / height_px)
            if truth.held_at(float(truth.times_s[i])):
                knee_errors.append(abs(_knee_angle(got) - _knee_angle(want)))
    assert found >= 0.95 * len(frames)
    assert np.mean(errors) < 0.05
    if exercise == "wall_sit":
        assert knee_errors and np.mean(knee_errors) < 10.0


def test_unknown_names_are_rejected_with_the_valid_ones():
    with pytest.raises(UnknownExerciseError, match="wall_sit"):
        plan_clip("handstand")
    with pytest.raises(UnknownFaultError, match="hips_high"):
        plan_clip("forearm_plank", "knees_forward")
    with pytest.raises(FormcheckError, match="side"):
        plan_clip("forearm_plank", view="overhead")
    assert set(VIEWS) == set(VIEW_AZIMUTH_DEG)  # the CLI offers every view the camera knows


def test_cli_renders_a_clip_and_its_ground_truth(tmp_path):
    out = tmp_path / "clip.mp4"
    result = CliRunner().invoke(studio, ["wall-sit", "--fault", "hips_high", "--seconds", "1", "--fps", "4",
                                         "--size", "320x180", "-o", str(out)])
    assert result.exit_code == 0, result.output
    truth = GroundTruth.load(out.with_suffix(".json"))
    assert truth.fault == "hips_high" and truth.num_frames == 4 and truth.size_wh == (320, 180)
    assert len(_decode(out)) == 4
    frames = truth.pose_frames()
    assert len(frames) == 4 and np.allclose(frames[2].xy_px, truth.xy_px(2), atol=1e-3)

    bad = CliRunner().invoke(studio, ["forearm_plank", "--fault", "nope", "-o", str(out)])
    assert isinstance(bad.exception, FormcheckError)
    assert "hips_low" in str(bad.exception)


@pytest.mark.parametrize("stem,exercise", [("wall-sit-side", "wall_sit"), ("plank-side", "forearm_plank")])
def test_bundled_samples_are_labelled_and_hold_long_enough(stem, exercise):
    video, gt_path = SAMPLES / f"{stem}.mp4", SAMPLES / f"{stem}.json"
    assert video.exists() and gt_path.exists(), "run samples/make_samples.py"
    assert json.loads(gt_path.read_text())["rendered"] is True
    truth = GroundTruth.load(gt_path)
    assert truth.exercise == exercise and truth.fault is None
    (span,) = truth.holds
    assert span.seconds >= 10.0 and span.fault is None
    assert span.start_s > 1.0 and span.end_s < truth.times_s[-1] - 1.0  # an entry and an exit are shown
    assert len(_decode(video)) == truth.num_frames
