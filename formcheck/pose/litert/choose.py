"""Which of the detected people is the exerciser.

MediaPipe's graph keeps only the most confident detection, so with a therapist kneeling beside or a
trainer standing beside, whoever the detector happens to score highest is followed. formcheck
instead chooses, each time the detector runs:

1. **continuity** — when a person has been followed before, the box whose centre is nearest the last
   box of that person (distance in units of that box's size), so a re-detection after a lost frame
   or an occlusion picks the same person up again;
2. otherwise **largest and most central** — score = box area (fraction of the image) x
   (1 - distance of the box centre from the image centre, as a fraction of the half-diagonal). The
   exerciser is usually the one the camera was set up for: nearest (largest) and framed (central).
   Only a clear winner (``CLEAR_MARGIN`` x the runner-up's score) is taken on these grounds: two
   people of about the same size and offset (a trainer standing beside a squatting client) are a
   coin toss for this score, and then the detector's most confident person is kept, as MediaPipe does.

The boxes are body boxes (around the hip centre, see ``estimator.body_box_px``), listed most
confident first. With one detection there is no choice, and the result is MediaPipe's.
"""

from __future__ import annotations

import numpy as np

# A box is "another person" when its centre is farther than this many (exerciser) box sizes from the
# exerciser's centre: weighted NMS already merged boxes overlapping by IoU > 0.3, this keeps a second,
# loosely overlapping box on the same body from counting as a second person.
OTHER_PERSON_MIN_DISTANCE = 0.5
# How often (seconds of video) the detector looks for people besides the exerciser while tracking: one
# detector run (~5 ms) per look; a second person standing by for a few seconds is seen either way.
LOOK_FOR_OTHERS_S = 0.5
# How much higher a size-and-centrality score must be than every other to overrule the detector's confidence.
CLEAR_MARGIN = 1.5


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


def choose_person(boxes_px: np.ndarray, image_wh: tuple[int, int], previous_px: np.ndarray | None = None) -> int:
    """Index of the exerciser among ``(N >= 1, 4)`` pixel boxes, most confident first (see the module docstring)."""
    if len(boxes_px) == 1:
        return 0
    if previous_px is not None:
        return int(np.argmin(distance_to(boxes_px, previous_px)))
    scores = central_size_score(boxes_px, image_wh)
    best = int(np.argmax(scores))
    runner_up = np.max(np.delete(scores, best))
    return best if scores[best] > CLEAR_MARGIN * runner_up else 0


def others_in_view(boxes_px: np.ndarray, exerciser_px: np.ndarray) -> int:
    """How many of ``boxes_px`` are people other than the one in ``exerciser_px``."""
    if not len(boxes_px):
        return 0
    return int(np.sum(distance_to(boxes_px, exerciser_px) > OTHER_PERSON_MIN_DISTANCE))
