"""Choosing the exerciser among detected people: hand-made pixel boxes in a 1000x500 image."""

import numpy as np

from formcheck.pose.litert.choose import (
    back_to_exerciser,
    central_size_score,
    choose_person,
    other_people,
    tilt_from_vertical_deg,
)
from formcheck.pose.recording import others_in_view_meta

IMAGE_WH = (1000, 500)
# A large person in the middle, a small one in the top-left corner, a large one at the right edge.
CENTRE_BIG = [350, 50, 650, 450]
CORNER_SMALL = [0, 0, 100, 150]
EDGE_BIG = [750, 50, 1000, 450]


def test_one_person_is_chosen_whatever_the_score():
    assert choose_person(np.array([CORNER_SMALL], float), IMAGE_WH) == 0


def test_without_history_the_largest_most_central_person_wins_over_the_first_listed():
    # The detector lists people best score first: the small corner one is listed first here.
    boxes = np.array([CORNER_SMALL, EDGE_BIG, CENTRE_BIG], float)
    assert choose_person(boxes, IMAGE_WH) == 2


def test_two_people_of_about_the_same_size_and_offset_keep_the_detectors_choice():
    # Mirror images about the centre: equal scores, so the first listed (most confident) is kept.
    left, right = [100, 50, 400, 450], [600, 50, 900, 450]
    assert choose_person(np.array([right, left], float), IMAGE_WH) == 0
    assert choose_person(np.array([left, right], float), IMAGE_WH) == 0


def test_central_size_score_hand_computed():
    # Centre box: area 300*400/500000 = 0.24, centred -> 0.24. Corner box: area 0.03, centre (50, 75)
    # is hypot(450, 175)/hypot(500, 250) = 0.8637 of the half-diagonal away -> 0.03 * 0.1363.
    scores = central_size_score(np.array([CENTRE_BIG, CORNER_SMALL], float), IMAGE_WH)
    np.testing.assert_allclose(scores, [0.24, 0.03 * (1 - np.hypot(450, 175) / np.hypot(500, 250))], rtol=1e-9)


def test_continuity_beats_size_and_centrality():
    # The person followed so far was at the right edge: the big central one must not take over.
    boxes = np.array([CENTRE_BIG, EDGE_BIG], float)
    assert choose_person(boxes, IMAGE_WH, previous_px=np.array([760, 60, 990, 440], float)) == 1


def test_others_in_view_ignores_the_exerciser_and_counts_the_rest():
    exerciser = np.array(CENTRE_BIG, float)
    boxes = np.array([[355, 55, 645, 445], CORNER_SMALL, EDGE_BIG], float)
    assert len(other_people(boxes, exerciser)) == 2
    assert len(other_people(boxes[:1], exerciser)) == 0


def test_others_in_view_meta_counts_half_second_looks():
    assert others_in_view_meta([1.0, 1.5, 2.0]) == {"other_person_s": 1.5, "other_person_first_s": 1.0}
    assert others_in_view_meta([]) == {"other_person_s": 0.0, "other_person_first_s": None}


def test_a_posture_hint_prefers_the_person_in_the_exercises_start_posture():
    # A helper kneeling upright (listed first, most confident) and someone in a plank, boxes alike.
    boxes = np.array([[350, 50, 650, 450], [340, 60, 660, 460]], float)
    tilts = np.array([2.0, 88.0])
    assert choose_person(boxes, IMAGE_WH) == 0
    assert choose_person(boxes, IMAGE_WH, tilts_deg=tilts, posture="lying") == 1
    assert choose_person(boxes, IMAGE_WH, tilts_deg=tilts, posture="upright") == 0
    # Nobody in the posture: the hint says nothing, size and confidence decide as before.
    assert choose_person(boxes, IMAGE_WH, tilts_deg=np.array([2.0, 5.0]), posture="lying") == 0


def test_tilt_from_vertical_hand_computed():
    centres = np.array([[100.0, 100.0], [100.0, 100.0], [100.0, 100.0]])
    scales = np.array([[100.0, 0.0], [200.0, 100.0], [50.0, 50.0]])  # straight up, level, 45 degrees
    np.testing.assert_allclose(tilt_from_vertical_deg(centres, scales), [0.0, 90.0, 45.0])


def test_a_second_body_at_the_same_hips_with_its_upper_body_elsewhere_is_another_person():
    exerciser = np.array(CENTRE_BIG, float)  # size 400
    boxes = np.array([[355, 55, 645, 445], [350, 40, 650, 440]], float)
    uppers = np.array([[300.0, 240.0], [500.0, 60.0]])
    assert list(other_people(boxes, exerciser, uppers, np.array([310.0, 250.0]))) == [1]
    assert list(other_people(boxes, exerciser)) == []  # without the upper points: one person


def test_the_crop_carried_off_by_a_passer_by_goes_back_to_the_person_at_the_spot():
    anchor = np.array(CENTRE_BIG, float)  # where the exerciser has been (size 400)
    carried = np.array([550, 50, 950, 450], float)  # the crop went 200 px right with a walker: 0.5 sizes
    boxes = np.array([[560, 50, 940, 450], [355, 55, 645, 445]], float)
    assert back_to_exerciser(boxes, carried, anchor) == 1
    # Still on the spot, or nobody else at it, or only one person found: nothing to go back to.
    assert back_to_exerciser(boxes, np.array([360, 50, 660, 450], float), anchor) is None
    assert back_to_exerciser(np.array([[560, 50, 940, 450], [0, 0, 100, 150]], float), carried, anchor) is None
    assert back_to_exerciser(boxes[:1], carried, anchor) is None


def test_continuity_with_two_people_at_the_same_spot_takes_the_one_in_the_posture():
    boxes = np.array([[350, 50, 650, 450], [340, 60, 660, 460]], float)  # helper upright, exerciser lying
    previous = np.array([345, 55, 655, 455], float)
    tilts = np.array([2.0, 88.0])
    assert choose_person(boxes, IMAGE_WH, previous_px=previous, tilts_deg=tilts, posture="lying") == 1
    assert choose_person(boxes, IMAGE_WH, previous_px=previous, tilts_deg=tilts, posture="upright") == 0
