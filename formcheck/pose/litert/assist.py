"""Whether another person's hands are on the exerciser: the test behind "assisted" seconds.

A helper who holds the exerciser's hips or back takes weight off the exercise, so those seconds must
never count as a valid hold. While tracking, the detector looks for other people
(:mod:`.choose`); for another person whose body box overlaps the exerciser's, the landmark model is
run once on that person's own crop, and the look counts as assisted when

- the two are at a similar distance from the camera: their body sizes (the detector's body circle,
  which spans the whole body whatever the posture) differ by at most ``SIZE_RATIO_MAX``; someone
  merely behind the exerciser in the picture, farther away, is smaller; and
- a seen hand landmark of theirs (wrist, pinky, index, thumb) lies on the exerciser's body in the
  image: within ``TOUCH_TOLERANCE_TORSO`` torso lengths of the trunk (the shoulder-hip quadrilateral)
  or of a thigh or upper arm; and
- that hand is not resting on the other person's own body (in the model's 3-D world landmarks, more
  than ``OWN_BODY_M`` from their own thighs and trunk): a helper kneeling just behind someone, hands on
  their own thighs, has those hands over the exerciser's hips in the picture without touching them.

A trainer standing beside and gesturing keeps their hands off the exerciser's outline. A crop whose pose is
the exerciser's own body again (a second, loose detection of one person, or their reflection in a shiny
floor: :func:`same_body`) is nobody else.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.landmarks import Landmark

SIZE_RATIO_MAX = 1.6
OWN_BODY_M = 0.12
SAME_BODY_TORSO = 0.3
TOUCH_TOLERANCE_TORSO = 0.15
# A hand landmark is used when the model is at least this sure it is visible.
MIN_HAND_VISIBILITY = 0.5
HANDS = (Landmark.left_wrist, Landmark.right_wrist, Landmark.left_pinky, Landmark.right_pinky,
         Landmark.left_index, Landmark.right_index, Landmark.left_thumb, Landmark.right_thumb)
_LIMBS = ((Landmark.left_hip, Landmark.left_knee), (Landmark.right_hip, Landmark.right_knee),
          (Landmark.left_shoulder, Landmark.left_elbow), (Landmark.right_shoulder, Landmark.right_elbow))
_TRUNK = (Landmark.left_shoulder, Landmark.right_shoulder, Landmark.right_hip, Landmark.left_hip)


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


def _inside_quad(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Inside a (possibly folded) quadrilateral: inside either of the triangles its diagonal makes."""
    def in_triangle(p, a, b, c):
        def side(u, v):
            return (v[0] - u[0]) * (p[:, 1] - u[1]) - (v[1] - u[1]) * (p[:, 0] - u[0])
        s1, s2, s3 = side(a, b), side(b, c), side(c, a)
        return ((s1 >= 0) & (s2 >= 0) & (s3 >= 0)) | ((s1 <= 0) & (s2 <= 0) & (s3 <= 0))
    a, b, c, d = quad
    return in_triangle(points, a, b, c) | in_triangle(points, a, c, d)


def distance_to_body(points_px: np.ndarray, body_px: np.ndarray) -> np.ndarray:
    """``(N,)`` pixel distance of each point from the exerciser's trunk, thighs and upper arms, given the
    exerciser's ``(33, 2)`` landmark pixels (NaN where unseen; unseen parts are left out)."""
    best = np.full(len(points_px), np.inf)
    trunk = body_px[list(_TRUNK)]
    if np.isfinite(trunk).all():
        best = np.where(_inside_quad(points_px, trunk), 0.0, best)
        for i in range(4):
            best = np.minimum(best, _segment_distance(points_px, trunk[i], trunk[(i + 1) % 4]))
    for a, b in _LIMBS:
        if np.isfinite(body_px[[a, b]]).all():
            best = np.minimum(best, _segment_distance(points_px, body_px[a], body_px[b]))
    return best


def torso_length_px(body_px: np.ndarray) -> float:
    """Shoulder centre to hip centre, pixels (NaN when unseen)."""
    shoulders = body_px[[Landmark.left_shoulder, Landmark.right_shoulder]].mean(axis=0)
    hips = body_px[[Landmark.left_hip, Landmark.right_hip]].mean(axis=0)
    return float(np.linalg.norm(shoulders - hips))


def off_own_body(world_m: np.ndarray, hands: list[int]) -> np.ndarray:
    """``(len(hands),)`` whether each hand landmark is farther than ``OWN_BODY_M`` from its own person's
    thighs and trunk, in that person's ``(33, 3)`` world landmarks (metres)."""
    points = world_m[hands]
    near = np.full(len(hands), np.inf)
    segments = [*_LIMBS[:2], (Landmark.left_shoulder, Landmark.left_hip), (Landmark.right_shoulder, Landmark.right_hip)]
    for a, b in segments:
        if np.isfinite(world_m[[a, b]]).all():
            near = np.minimum(near, _segment_distance(points, world_m[a], world_m[b]))
    return near > OWN_BODY_M


def hands_on_body(helper_px: np.ndarray, helper_visibility: np.ndarray, body_px: np.ndarray,
                  helper_world_m: np.ndarray | None = None) -> bool:
    """Whether a seen hand landmark of ``helper_px`` (``(33, 2)`` pixels) lies on the exerciser's body
    ``body_px`` (``(33, 2)`` pixels, NaN where unseen), as the module docstring says; with
    ``helper_world_m`` (``(33, 3)``), hands resting on the helper's own body are left out."""
    torso = torso_length_px(body_px)
    if not np.isfinite(torso) or torso <= 0:
        return False
    seen = [h for h in HANDS if helper_visibility[h] >= MIN_HAND_VISIBILITY and np.isfinite(helper_px[h]).all()]
    if seen and helper_world_m is not None:
        seen = [h for h, off in zip(seen, off_own_body(helper_world_m, seen)) if off]
    if not seen:
        return False
    return bool(np.any(distance_to_body(helper_px[seen], body_px) <= TOUCH_TOLERANCE_TORSO * torso))


def same_body(other_px: np.ndarray, body_px: np.ndarray) -> bool:
    """Whether a pose found on another detection's crop is the exerciser's own body again: a second,
    loose detection of one person (hip centre and shoulder centre each within ``SAME_BODY_TORSO`` torso
    lengths of the exerciser's), or their reflection in a shiny floor (every landmark straight above or
    below the exerciser's own: the median horizontal offset within ``SAME_BODY_TORSO`` torso lengths)."""
    torso = torso_length_px(body_px)
    if not np.isfinite(torso) or torso <= 0:
        return False
    centres_meet = True
    for pair in ((Landmark.left_hip, Landmark.right_hip), (Landmark.left_shoulder, Landmark.right_shoulder)):
        gap = float(np.linalg.norm(other_px[list(pair)].mean(axis=0) - body_px[list(pair)].mean(axis=0)))
        centres_meet &= gap <= SAME_BODY_TORSO * torso
    offsets = np.abs(other_px[:, 0] - body_px[:, 0])
    offsets = offsets[np.isfinite(offsets)]
    return bool(centres_meet or (len(offsets) and np.median(offsets) <= SAME_BODY_TORSO * torso))


def similar_size(size_px: float, exerciser_size_px: float) -> bool:
    """Body sizes within ``SIZE_RATIO_MAX`` of each other: at a similar distance from the camera."""
    if not (size_px > 0 and exerciser_size_px > 0):
        return False
    ratio = size_px / exerciser_size_px
    return 1.0 / SIZE_RATIO_MAX <= ratio <= SIZE_RATIO_MAX


def boxes_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two ``(4,)`` xmin, ymin, xmax, ymax boxes overlap at all."""
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
