"""Drawing landmarks on images: ``annotate(image, frame) -> image``."""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import SKELETON, Landmark

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


class Stamp:
    """A :func:`put_label` rasterised once, laid on any image with ``stamp.draw(bgr, origin_px)``.

    Outlined anti-aliased text costs about a millisecond a label to draw, on the screen thread and
    on every frame, for text that mostly stays the same for seconds (the notice never changes).
    Anti-aliased drawing blends each pixel linearly with what is beneath it, so the label drawn once
    on black and once on white gives, per pixel, how much background it keeps and what it adds:
    the same picture on any background, to within a few levels of 255 (OpenCV rounds each blend).
    """

    def __init__(self, text: str, scale: float) -> None:
        outline = max(1, round(scale * 2)) + 2  # put_label's outline pass is the widest
        (w, h), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, outline)
        self._origin = (outline, outline + h)   # the text's origin inside the patch
        shape = (h + baseline + 2 * outline, w + 2 * outline, 3)
        on_black = put_label(np.zeros(shape, np.uint8), text, self._origin, scale).astype(np.float32)
        on_white = put_label(np.full(shape, 255, np.uint8), text, self._origin, scale).astype(np.float32)
        self._keep = (on_white - on_black) / 255.0
        self._add = on_black

    def draw(self, bgr: np.ndarray, origin_px: tuple[int, int]) -> None:
        """As ``put_label(bgr, text, origin_px, scale)``, in place; parts outside the image are cut off."""
        x0, y0 = origin_px[0] - self._origin[0], origin_px[1] - self._origin[1]
        ph, pw = self._add.shape[:2]
        top, left = max(0, y0), max(0, x0)
        bottom, right = min(bgr.shape[0], y0 + ph), min(bgr.shape[1], x0 + pw)
        if bottom <= top or right <= left:
            return
        patch = (slice(top - y0, bottom - y0), slice(left - x0, right - x0))
        area = bgr[top:bottom, left:right]
        area[:] = np.clip(area * self._keep[patch] + self._add[patch] + 0.5, 0, 255).astype(np.uint8)


class Stamps:
    """``stamps.draw(bgr, text, origin_px, scale)``: a :class:`Stamp` per text and scale, made on first use.

    For text that repeats (the notice, cues); text that changes every frame is cheaper drawn directly.
    """

    MAX = 64  # cues are a small fixed set; past this something unexpected is changing, start over

    def __init__(self) -> None:
        self._made: dict[tuple[str, float], Stamp] = {}

    def draw(self, bgr: np.ndarray, text: str, origin_px: tuple[int, int], scale: float) -> None:
        stamp = self._made.get((text, scale))
        if stamp is None:
            if len(self._made) >= self.MAX:
                self._made.clear()
            stamp = self._made[(text, scale)] = Stamp(text, scale)
        stamp.draw(bgr, origin_px)
