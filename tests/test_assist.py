"""Another person's hands on the exerciser (formcheck.pose.litert.assist), on hand-made landmarks."""

import numpy as np

from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.pose.litert.assist import hands_on_body, same_body, similar_size


def _lying_body() -> np.ndarray:
    """A body lying along x in a 1000 px wide image: shoulders at x 300, hips at 500, knees at 700, y 400."""
    px = np.full((NUM_LANDMARKS, 2), np.nan)
    for name, x in (("shoulder", 300), ("hip", 500), ("knee", 700), ("elbow", 300)):
        px[Landmark[f"left_{name}"]] = (x, 390 if name != "elbow" else 480)
        px[Landmark[f"right_{name}"]] = (x, 410 if name != "elbow" else 480)
    return px


def _helper(hand_xy) -> tuple[np.ndarray, np.ndarray]:
    px = np.full((NUM_LANDMARKS, 2), 50.0)
    px[Landmark.left_wrist] = hand_xy
    vis = np.full(NUM_LANDMARKS, 0.9)
    return px, vis


def test_a_hand_on_the_hips_is_on_the_body_and_one_beside_is_not():
    body = _lying_body()  # torso length 200 px: the tolerance is 30 px
    assert hands_on_body(*_helper((500, 380)), body)
    assert hands_on_body(*_helper((600, 375)), body)  # 25 px above the thigh
    assert not hands_on_body(*_helper((500, 300)), body)  # 90 px above the hips
    px, vis = _helper((500, 380))
    vis[Landmark.left_wrist] = 0.2  # the model is not sure it sees that hand
    assert not hands_on_body(px, vis, body)


def test_a_hand_resting_on_the_helpers_own_thigh_is_not_on_the_exerciser():
    px, vis = _helper((500, 380))
    world = np.zeros((NUM_LANDMARKS, 3))
    world[Landmark.left_hip], world[Landmark.left_knee] = (0, 0, 0), (0, 0.45, 0)
    world[Landmark.left_wrist] = (0.05, 0.2, 0)  # 5 cm from the thigh
    assert not hands_on_body(px, vis, _lying_body(), world)
    world[Landmark.left_wrist] = (0.0, 0.2, -0.4)  # reaching 40 cm forward
    assert hands_on_body(px, vis, _lying_body(), world)


def test_similar_size_is_a_similar_distance_from_the_camera():
    assert similar_size(300, 400) and similar_size(600, 400)
    assert not similar_size(200, 400)  # half the size: far behind


def test_the_exercisers_own_body_again_or_its_reflection_is_nobody_else():
    body = _lying_body()
    again = body + np.array([10.0, 15.0])  # a second, loose detection of the same person
    reflection = body.copy()
    reflection[:, 1] = 2 * 480 - body[:, 1]  # mirrored in a shiny floor at y = 480
    kneeling = body.copy()
    kneeling[:, 0] = 500 + (body[:, 0] - 500) * 0.1  # upright behind the hips: x bunched at the hips
    kneeling[:, 1] = body[:, 1] - (body[:, 0] - 300)
    assert same_body(again, body) and same_body(reflection, body)
    assert not same_body(kneeling, body)
