import numpy as np
import pytest

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import MIRROR_INDEX, Landmark, UnknownLandmarkError, mirror, parse_landmark


def test_landmarks_follow_mediapipe_order():
    import mediapipe as mp

    for lm in mp.solutions.pose.PoseLandmark:
        assert Landmark[lm.name.lower()] == int(lm)


def test_parse_landmark_accepts_snake_case_and_lists_valid_names_when_unknown():
    assert parse_landmark("left_knee") is Landmark.left_knee
    with pytest.raises(UnknownLandmarkError) as err:
        parse_landmark("left_kneee")
    message = str(err.value)
    assert "'left_kneee'" in message and "left_knee" in message and "right_foot_index" in message


def test_mirror_swaps_sides_and_keeps_the_nose():
    assert mirror(Landmark.left_heel) is Landmark.right_heel
    assert mirror(Landmark.mouth_right) is Landmark.mouth_left
    assert mirror(Landmark.nose) is Landmark.nose
    assert sorted(MIRROR_INDEX) == list(range(33))


def _frame(**overrides):
    xyz = np.tile(np.array([0.5, 0.5, 0.0], np.float32), (33, 1))
    fields = dict(t_s=1.0, index=3, xyz_norm=xyz, visibility=np.ones(33), world_m=np.zeros((33, 3)),
                  image_wh=(640, 360), missing=np.zeros(33, bool))
    fields.update(overrides)
    return PoseFrame(**fields)


def test_frame_rejects_wrong_shapes_and_bad_values_with_the_field_name():
    with pytest.raises(ValueError, match=r"xyz_norm must have shape \(33, 3\)"):
        _frame(xyz_norm=np.zeros((17, 3)))
    with pytest.raises(ValueError, match="t_s"):
        _frame(t_s=float("nan"))
    with pytest.raises(ValueError, match="image_wh"):
        _frame(image_wh=(0, 360))


def test_frame_arrays_are_read_only_and_nan_landmarks_count_as_missing():
    xyz = np.tile(np.array([0.5, 0.5, 0.0], np.float32), (33, 1))
    xyz[Landmark.left_knee] = np.nan
    frame = _frame(xyz_norm=xyz)
    assert frame.missing[Landmark.left_knee] and not frame.missing[Landmark.right_knee]
    assert not frame.visible(Landmark.left_knee, Landmark.right_knee)
    assert frame.point_px(Landmark.left_knee) is None
    with pytest.raises(ValueError):
        frame.xyz_norm[0, 0] = 0.0


def test_pixel_coordinates_use_width_and_height():
    xyz = np.zeros((33, 3), np.float32)
    xyz[Landmark.nose] = (0.25, 0.5, 0.0)
    assert _frame(xyz_norm=xyz).point_px(Landmark.nose).tolist() == [160.0, 180.0]


def test_mirrored_frame_flips_x_and_swaps_sides_and_twice_is_identity():
    xyz = np.tile(np.array([0.5, 0.5, 0.0], np.float32), (33, 1))
    xyz[Landmark.left_wrist] = (0.1, 0.2, 0.0)
    frame = _frame(xyz_norm=xyz)
    flipped = frame.mirrored()
    assert np.allclose(flipped.xyz_norm[Landmark.right_wrist], (0.9, 0.2, 0.0))
    assert np.allclose(flipped.mirrored().xyz_norm, frame.xyz_norm)


def test_empty_frame_has_no_person():
    frame = PoseFrame.empty(0.5, 2, (64, 48))
    assert not frame.detected and frame.missing.all() and np.isnan(frame.xyz_norm).all()
