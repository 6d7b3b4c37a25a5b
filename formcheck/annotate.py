"""Drawing landmarks on images: ``annotate(image, frame) -> image``."""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from formcheck.frame import PoseFrame
from formcheck.landmarks import SKELETON, Landmark

# BGR colours: the near (left) and far (right) side differ so a side view reads at a glance.
LEFT_BGR = (255, 170, 60)
RIGHT_BGR = (60, 200, 255)
CENTRE_BGR = (235, 235, 235)


def _limb_colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    names = a.name + b.name
    if "left" in names and "right" not in names:
        return LEFT_BGR
    if "right" in names and "left" not in names:
        return RIGHT_BGR
    return CENTRE_BGR


def draw_skeleton(image_bgr: np.ndarray, frame: PoseFrame,
                  limb_colours: Mapping[tuple[Landmark, Landmark], tuple[int, int, int]] | None = None) -> np.ndarray:
    """Draw the limbs whose two ends are both present, in place; returns the image.

    ``limb_colours`` overrides the colour of given limbs (e.g. red for a limb whose check fails).
    Missing landmarks are simply not drawn: the picture never shows a guess.
    """
    h, w = image_bgr.shape[:2]
    scale = max(1, round(min(w, h) / 240))
    xy = frame.xy_norm * np.array([w, h], np.float32)
    for a, b in SKELETON:
        if frame.missing[a] or frame.missing[b]:
            continue
        colour = (limb_colours or {}).get((a, b)) or _limb_colour(a, b)
        pa = tuple(int(round(v)) for v in xy[a])
        pb = tuple(int(round(v)) for v in xy[b])
        cv2.line(image_bgr, pa, pb, colour, 2 * scale, cv2.LINE_AA)
    for lm in Landmark:
        if frame.missing[lm] or lm < Landmark.left_shoulder and lm != Landmark.nose:
            continue
        centre = tuple(int(round(v)) for v in xy[lm])
        cv2.circle(image_bgr, centre, 2 * scale + 1, (20, 20, 20), -1, cv2.LINE_AA)
        cv2.circle(image_bgr, centre, 2 * scale, _limb_colour(lm, lm), -1, cv2.LINE_AA)
    return image_bgr


def put_label(image_bgr: np.ndarray, text: str, origin_px: tuple[int, int], scale: float = 0.6) -> np.ndarray:
    """Readable text on any background: a dark outline under light letters."""
    thickness = max(1, round(scale * 2))
    cv2.putText(image_bgr, text, origin_px, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
    cv2.putText(image_bgr, text, origin_px, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    return image_bgr
