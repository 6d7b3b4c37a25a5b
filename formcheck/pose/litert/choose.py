"""Which of the detected people is the exerciser.

MediaPipe's graph keeps only the most confident detection, so with a therapist kneeling beside or a
trainer standing beside, whoever the detector happens to score highest is followed. formcheck
instead chooses, each time the detector runs:

1. **continuity** — when a person has been followed before, the box whose centre is nearest the last
   box of that person (distance in units of that box's size), so a re-detection after a lost frame
   or an occlusion picks the same person up again; when several are that near (a helper kneeling by
   someone lying has their hips at the same spot in the picture), the one in the posture hinted;
2. otherwise, when the exercise's start posture is known (a ``posture`` hint: ``"upright"`` for a squat
   or a wall sit, ``"lying"`` for a plank, a bridge, a bird dog ...) and some of the people found are
   in it and some not, only those in it are considered: a helper kneeling upright beside someone in a
   plank is not the exerciser, however large and central. The posture is the tilt of the detector's
   hip-centre-to-scale-point axis from vertical (``UPRIGHT_MAX_DEG``). Among those,
3. **largest and most central** — score = box area (fraction of the image) x
   (1 - distance of the box centre from the image centre, as a fraction of the half-diagonal). The
   exerciser is usually the one the camera was set up for: nearest (largest) and framed (central).
   Only a clear winner (``CLEAR_MARGIN`` x the runner-up's score) is taken on these grounds: two
   people of about the same size and offset (a trainer standing beside a squatting client) are a
   coin toss for this score, and then the detector's most confident person is kept, as MediaPipe does.

The hint is handed down by a front end or the engine, which know the exercise; this stage never
reads an exercise.

The boxes are body boxes (around the hip centre, see ``estimator.body_box_px``), listed most
confident first. With one detection there is no choice, and the result is MediaPipe's.
"""

from __future__ import annotations

import numpy as np

# A box is "another person" when its centre is farther than this many (exerciser) box sizes from the
# exerciser's centre: weighted NMS already merged boxes overlapping by IoU > 0.3, this keeps a second,
# loosely overlapping box on the same body from counting as a second person.
OTHER_PERSON_MIN_DISTANCE = 0.5
# The detector's upper-body keypoint lies within this many box sizes of the shoulders' centre on the same
# person (measured: 0.01-0.02 on the rendered kneeling-helper scene and the pexels trainer clip; the helper
# kneeling behind the plank 0.35-0.37, the trainer standing beside 0.78-0.89).
SAME_UPPER_MAX = 0.25
# The person followed is taken to have been carried off when this many box sizes from the anchor.
ANCHOR_DRIFT = 0.3
# How often (seconds of video) the detector looks for people besides the exerciser while tracking: one
# detector run (~5 ms) per look; a second person standing by for a few seconds is seen either way.
LOOK_FOR_OTHERS_S = 0.5
# How much higher a size-and-centrality score must be than every other to overrule the detector's confidence.
CLEAR_MARGIN = 1.5
# The start postures a front end may hint at.
POSTURES = ("upright", "lying")
# A body axis (hip centre to the detector's scale point, above the head) tilted at most this far from
# vertical is upright. Measured: people standing or kneeling upright 1-9 degrees, a client pulsing in a
# half squat 29-32, a plank at rest 57-58 and held 88, bird dogs 72-80, bridges 90-112.
UPRIGHT_MAX_DEG = 45.0


def _centres(boxes: np.ndarray) -> np.ndarray:
    return (boxes[:, :2] + boxes[:, 2:]) / 2.0


def _size(box: np.ndarray) -> float:
    """The larger side of a ``(4,)`` box (at least a pixel, so distances stay finite)."""
    return max(float(np.max(box[2:] - box[:2])), 1.0)


def central_size_score(boxes_px: np.ndarray, image_wh: tuple[int, int]) -> np.ndarray:
    """``(N,)`` area fraction x centrality of ``(N, 4)`` xmin, ymin, xmax, ymax pixel boxes (higher is better)."""
    w, h = image_wh
    clipped = np.clip(boxes_px, 0.0, [w, h, w, h])
    area = np.prod(np.clip(clipped[:, 2:] - clipped[:, :2], 0.0, None), axis=1) / float(w * h)
    offset = np.hypot(*(_centres(boxes_px) - [w / 2.0, h / 2.0]).T) / float(np.hypot(w / 2.0, h / 2.0))
    return area * np.clip(1.0 - offset, 0.0, None)


def distance_to(boxes_px: np.ndarray, previous_px: np.ndarray) -> np.ndarray:
    """``(N,)`` centre distance of each box from ``previous_px``, in units of the previous box's size."""
    prev_centre = (previous_px[:2] + previous_px[2:]) / 2.0
    return np.hypot(*(_centres(boxes_px) - prev_centre).T) / _size(previous_px)


def tilt_from_vertical_deg(centre_px: np.ndarray, scale_px: np.ndarray) -> np.ndarray:
    """``(N,)`` degrees between vertical and each body's axis from ``(N, 2)`` hip centres to scale points."""
    axis = np.asarray(scale_px, float) - np.asarray(centre_px, float)
    return np.degrees(np.arctan2(np.abs(axis[:, 0]), -axis[:, 1]))


def in_posture(tilts_deg: np.ndarray, posture: str) -> np.ndarray:
    """``(N,)`` which bodies of the given tilts are in ``posture`` (one of ``POSTURES``)."""
    if posture not in POSTURES:
        raise ValueError(f"posture must be one of {', '.join(POSTURES)}, got {posture!r}")
    upright = np.asarray(tilts_deg, float) <= UPRIGHT_MAX_DEG
    return upright if posture == "upright" else ~upright


def choose_person(boxes_px: np.ndarray, image_wh: tuple[int, int], previous_px: np.ndarray | None = None,
                  tilts_deg: np.ndarray | None = None, posture: str | None = None) -> int:
    """Index of the exerciser among ``(N >= 1, 4)`` pixel boxes, most confident first (see the module
    docstring); ``tilts_deg`` (``(N,)``, :func:`tilt_from_vertical_deg`) and ``posture`` for the hint."""
    if len(boxes_px) == 1:
        return 0
    if previous_px is not None:
        away = distance_to(boxes_px, previous_px)
        if posture is not None and tilts_deg is not None:
            # Two people at the same spot (a helper kneeling by someone lying): the one in the posture.
            near, fits = away <= OTHER_PERSON_MIN_DISTANCE, in_posture(tilts_deg, posture)
            if (near & fits).any() and (near & ~fits).any():
                away = np.where(near & fits, away, np.inf)
        return int(np.argmin(away))
    candidates = np.arange(len(boxes_px))
    if posture is not None and tilts_deg is not None:
        fits = in_posture(tilts_deg, posture)
        if fits.any():
            candidates = candidates[fits]
    if len(candidates) == 1:
        return int(candidates[0])
    scores = central_size_score(boxes_px[candidates], image_wh)
    best = int(np.argmax(scores))
    runner_up = np.max(np.delete(scores, best))
    return int(candidates[best] if scores[best] > CLEAR_MARGIN * runner_up else candidates[0])


def other_people(boxes_px: np.ndarray, exerciser_px: np.ndarray, uppers_px: np.ndarray | None = None,
                 exerciser_upper_px: np.ndarray | None = None) -> np.ndarray:
    """Indices of ``boxes_px`` that are people other than the one in ``exerciser_px``.

    A box whose centre is near the exerciser's (``OTHER_PERSON_MIN_DISTANCE``) is the exerciser, unless
    its upper body is elsewhere: with ``uppers_px`` (``(N, 2)``, the detector's upper-body keypoint) and
    ``exerciser_upper_px`` (the exerciser's shoulder centre), a box whose upper point is farther than
    ``SAME_UPPER_MAX`` box sizes from the exerciser's shoulders is someone else. Hip centres coincide in
    the picture when a helper kneels just behind someone in a plank; their upper bodies do not."""
    if not len(boxes_px):
        return np.zeros(0, int)
    same = distance_to(boxes_px, exerciser_px) <= OTHER_PERSON_MIN_DISTANCE
    if uppers_px is not None and exerciser_upper_px is not None and np.isfinite(exerciser_upper_px).all():
        upper_off = np.hypot(*(np.asarray(uppers_px, float) - exerciser_upper_px).T) / _size(exerciser_px)
        same &= upper_off <= SAME_UPPER_MAX
    return np.flatnonzero(~same)


def back_to_exerciser(boxes_px: np.ndarray, followed_px: np.ndarray, anchor_px: np.ndarray) -> int | None:
    """Index of the box to return to when the crop was carried off by a passer-by, else ``None``.

    ``anchor_px`` is where the exerciser has been lately (the box followed, averaged over seconds). An
    exercise is done on the spot, so when the person followed has drifted more than ``ANCHOR_DRIFT``
    box sizes from there while the detector finds somebody else at least twice as near to it, the crop
    went with the passer-by (the landmark model follows whoever fills its crop) and the one at the
    spot is the exerciser."""
    if len(boxes_px) < 2:
        return None
    drift = distance_to(followed_px[None], anchor_px)[0]
    if drift <= ANCHOR_DRIFT:
        return None
    near_anchor = distance_to(boxes_px, anchor_px)
    k = int(np.argmin(near_anchor))
    if near_anchor[k] > 0.5 * drift or distance_to(boxes_px[k:k + 1], followed_px)[0] <= 0.5 * drift:
        return None
    return k

