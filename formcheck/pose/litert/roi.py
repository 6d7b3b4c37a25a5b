"""The rotated square region of interest (ROI) the landmark model looks at, and warps into and out of it.

MediaPipe describes the ROI as a ``NormalizedRect``; because every pose ROI is square in *pixels*
(``RectTransformationCalculator`` ``square_long: true``), it is kept here in pixels: a centre, one
side length and a rotation. The same type also describes the detector's letterbox (an unrotated
square around the whole image), so one warp serves both models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# PoseDetectionToRoi / PoseLandmarksToRoi -> AlignmentPointsRectsCalculator
# ``rotation_vector_target_angle_degrees: 90``: the hip-centre -> scale-point vector is turned to
# point straight up in the crop, so the body stands upright for the landmark model.
TARGET_ANGLE_RAD = math.pi / 2
# Same graphs -> RectTransformationCalculator ``scale_x: 1.25, scale_y: 1.25``: the margin the
# landmark model was trained with around the alignment circle.
ROI_SCALE = 1.25


@dataclass(frozen=True)
class Roi:
    """A square in image pixels: centre ``(cx_px, cy_px)``, side ``size_px``, rotation ``rotation_rad``.

    ``rotation_rad`` turns the crop's axes into the image's (y down, so positive is clockwise on
    screen), as ``NormalizedRect.rotation`` does.
    """

    cx_px: float
    cy_px: float
    size_px: float
    rotation_rad: float = 0.0


def letterbox_roi(width_px: int, height_px: int) -> Roi:
    """The whole image, padded to a centred square: what ``keep_aspect_ratio: true`` feeds the detector."""
    return Roi(width_px / 2.0, height_px / 2.0, float(max(width_px, height_px)), 0.0)


def normalize_radians(angle_rad: float) -> float:
    """``angle_rad`` wrapped into ``[-pi, pi)``."""
    return angle_rad - 2 * math.pi * math.floor((angle_rad + math.pi) / (2 * math.pi))


def roi_from_keypoints(centre_px: np.ndarray, scale_px: np.ndarray) -> Roi:
    """The pose ROI from two alignment points in pixels: the hip centre and the size/rotation point.

    Mirrors ``AlignmentPointsRectsCalculator`` (a square of side twice the centre-to-point distance,
    rotated so that vector points up) followed by ``RectTransformationCalculator`` (x1.25).
    """
    dx, dy = float(scale_px[0] - centre_px[0]), float(scale_px[1] - centre_px[1])
    size_px = 2.0 * math.hypot(dx, dy) * ROI_SCALE
    rotation = normalize_radians(TARGET_ANGLE_RAD - math.atan2(-dy, dx))
    return Roi(float(centre_px[0]), float(centre_px[1]), size_px, rotation)


def _rotation(rotation_rad: float) -> np.ndarray:
    c, s = math.cos(rotation_rad), math.sin(rotation_rad)
    return np.array([[c, -s], [s, c]], np.float64)


def image_to_crop_matrix(roi: Roi, crop_px: int) -> np.ndarray:
    """``(2, 3)`` affine taking image pixels to crop pixels, the ROI's corners onto the crop's corners.

    MediaPipe's OpenCV ``ImageToTensorCalculator`` maps the rotated rectangle's corner points onto
    ``(0, 0)``, ``(W, 0)``, ``(0, H)``... of the tensor; the same correspondence is used here.
    """
    rot_t = _rotation(roi.rotation_rad).T
    k = crop_px / roi.size_px
    linear = k * rot_t
    offset = crop_px / 2.0 - linear @ np.array([roi.cx_px, roi.cy_px])
    return np.hstack([linear, offset[:, None]])


def warp_roi(rgb: np.ndarray, roi: Roi, crop_px: int, border: int) -> np.ndarray:
    """``(crop_px, crop_px, 3)`` uint8 crop of ``rgb`` (HxWx3 uint8) under ``roi``.

    ``border`` is an OpenCV border mode: the detector pads with zeros (``BORDER_ZERO``), the landmark
    model's ``ImageToTensorCalculator`` leaves it unspecified, which means replicate.
    """
    # warpPerspective, not warpAffine, although the map is affine: MediaPipe's OpenCV converter uses
    # it, and the two round sub-pixel positions differently. The landmark model is sensitive to
    # that (a 0.25 px shift of the crop moves landmarks by 1-2 px), and tracking feeds the
    # difference back into the next crop; matching the sampler keeps it from accumulating.
    matrix = np.vstack([image_to_crop_matrix(roi, crop_px), [0.0, 0.0, 1.0]])
    return cv2.warpPerspective(rgb, matrix, (crop_px, crop_px), flags=cv2.INTER_LINEAR,
                               borderMode=border, borderValue=(0, 0, 0))


def crop_to_image_px(points_unit: np.ndarray, roi: Roi) -> np.ndarray:
    """``(N, 2)`` points given as fractions of the crop (0..1) -> ``(N, 2)`` image pixels.

    Mirrors ``LandmarkProjectionCalculator``: centre, rotate by the ROI rotation, scale, shift.
    """
    local_px = (np.asarray(points_unit, np.float64) - 0.5) * roi.size_px
    return local_px @ _rotation(roi.rotation_rad).T + np.array([roi.cx_px, roi.cy_px])


def rotate_xy(points: np.ndarray, rotation_rad: float) -> np.ndarray:
    """``(N, 3)`` copy of ``points`` with x, y turned by ``rotation_rad`` (z unchanged).

    Mirrors ``WorldLandmarkProjectionCalculator``: world landmarks come out in the crop's upright
    frame and are turned back by the ROI rotation.
    """
    out = np.array(points, np.float64)
    out[:, :2] = out[:, :2] @ _rotation(rotation_rad).T
    return out
