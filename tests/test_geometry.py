import math

import pytest

from formcheck.pose import geometry as g


def test_right_angle_is_90_degrees():
    assert g.joint_angle_deg((0, 0), (1, 0), (1, 1)) == pytest.approx(90.0)


def test_straight_line_is_180_and_folded_is_0():
    assert g.joint_angle_deg((0, 0), (1, 0), (2, 0)) == pytest.approx(180.0)
    assert g.joint_angle_deg((2, 0), (0, 0), (1, 0)) == pytest.approx(0.0)


def test_degenerate_angle_is_none():
    assert g.joint_angle_deg((1, 1), (1, 1), (2, 2)) is None


def test_segment_angles_ignore_direction():
    assert g.segment_angle_to_vertical_deg((0, 0), (0, 5)) == pytest.approx(0.0)
    assert g.segment_angle_to_vertical_deg((0, 0), (1, 1)) == pytest.approx(45.0)
    assert g.segment_angle_to_vertical_deg((1, 1), (0, 0)) == pytest.approx(45.0)
    assert g.segment_angle_to_horizontal_deg((0, 0), (-3, 0)) == pytest.approx(0.0)
    assert g.segment_angle_to_horizontal_deg((0, 0), (1, math.sqrt(3))) == pytest.approx(60.0)


def test_point_to_line_distance_of_a_3_4_5_triangle():
    # The height of the right-angle corner (0,0) over the hypotenuse (4,0)-(0,3) is 3*4/5 = 2.4;
    # (0,0) lies above-left of that line in image coordinates (y down), i.e. above it.
    assert g.signed_line_distance_px((0, 0), (4, 0), (0, 3)) == pytest.approx(2.4)
    assert g.signed_line_distance_px((4, 3), (4, 0), (0, 3)) == pytest.approx(-2.4)


def test_line_distance_sign_is_above_positive_whatever_the_line_direction():
    assert g.signed_line_distance_px((5, -2), (0, 0), (10, 0)) == pytest.approx(2.0)
    assert g.signed_line_distance_px((5, -2), (10, 0), (0, 0)) == pytest.approx(2.0)
    assert g.signed_line_distance_px((5, 2), (0, 0), (10, 0)) == pytest.approx(-2.0)


def test_vertical_line_distance_is_positive_to_the_right():
    assert g.signed_line_distance_px((3, 5), (0, 0), (0, 10)) == pytest.approx(3.0)
    assert g.signed_line_distance_px((-3, 5), (0, 10), (0, 0)) == pytest.approx(-3.0)


def test_distance():
    assert g.distance_px((0, 0), (3, 4)) == pytest.approx(5.0)
