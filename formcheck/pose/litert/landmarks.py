"""Decoding the BlazePose landmark model's tensors and projecting them back onto the image.

Constants mirror MediaPipe 0.10.21's ``TensorsToPoseLandmarksAndSegmentation`` and
``PoseLandmarksAndSegmentationInverseProjection`` subgraphs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.litert.roi import Roi, crop_to_image_px, rotate_xy

# ImageToTensorCalculator output_tensor_width/height for PoseLandmarkByRoiCpu; also
# TensorsToLandmarksCalculator ``input_image_width/height: 256``.
LANDMARK_INPUT_PX = 256
# TensorsToLandmarksCalculator ``num_landmarks: 39``: 33 body landmarks, then 2 auxiliary ones used
# for the next ROI (SplitNormalizedLandmarkListCalculator ranges 0..33 and 33..35), then 4 unused.
NUM_MODEL_LANDMARKS = 39
NUM_BODY = 33
AUX_CENTRE, AUX_SCALE = 33, 34
VALUES_PER_LANDMARK = 5  # x, y, z in crop pixels; visibility and presence logits
# ThresholdingCalculator ``threshold: 0.5`` on the pose-flag tensor (min_tracking_confidence).
MIN_PRESENCE = 0.5
# RefineLandmarksFromHeatmapCalculator, default ``min_confidence_to_refine: 0.5``. The graph in the
# wheel says ``kernel_size: 7``, but mediapipe 0.10.21 behaves as the option's default, 9: on the
# same crop, a 9x9 window reproduces its refined landmarks to 0.01 heatmap cells, 7x7 misses by
# up to 0.5 cells (~4 px on a 512 px ROI). Measured, so the measurement wins.
HEATMAP_KERNEL = 9
HEATMAP_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class CropLandmarks:
    """Landmarks in the crop's frame. ``xyz_unit`` ``(39, 3)``: x, y as fractions of the crop, z in
    the same unit as x; ``visibility`` ``(39,)`` probabilities; ``world_m`` ``(33, 3)`` metres, crop-upright."""

    xyz_unit: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def decode_landmarks(raw_landmarks: np.ndarray, raw_world: np.ndarray) -> CropLandmarks:
    """``(195,)`` landmark tensor and ``(117,)`` world tensor -> :class:`CropLandmarks`.

    ``TensorsToLandmarksCalculator``: x, y, z are divided by the 256 px input (``normalize_z: 1``),
    visibility goes through a sigmoid (``visibility_activation: SIGMOID``).
    """
    lm = raw_landmarks.reshape(NUM_MODEL_LANDMARKS, VALUES_PER_LANDMARK).astype(np.float64)
    xyz_unit = lm[:, :3] / LANDMARK_INPUT_PX
    visibility = _sigmoid(lm[:, 3])
    world = raw_world.reshape(NUM_MODEL_LANDMARKS, 3)[:NUM_BODY].astype(np.float64)
    return CropLandmarks(xyz_unit, visibility, world)


def refine_from_heatmap(xy_unit: np.ndarray, heatmap_logits: np.ndarray) -> np.ndarray:
    """``(39, 2)`` crop-fraction points moved to the heatmap's local centre of mass.

    Mirrors ``RefineLandmarksFromHeatmapCalculator``: a 9x9 window of the ``(64, 64, 39)`` heatmap
    around each point's cell (cut at the map's edges), weights = sigmoid(logit); a point moves only
    when its window's peak weight reaches 0.5. As in MediaPipe, positions are ``col / 64`` (cell
    corners, not centres), and points whose cell lies outside the map are left alone.
    """
    hm_h, hm_w, n = heatmap_logits.shape
    half = (HEATMAP_KERNEL - 1) // 2
    xy = np.asarray(xy_unit, np.float64)
    # Truncation toward zero, as the C++ float -> int cast does (-0.5 -> cell 0).
    cols = np.trunc(xy[:, 0] * hm_w).astype(np.int64)
    rows = np.trunc(xy[:, 1] * hm_h).astype(np.int64)
    offsets = np.arange(-half, half + 1)
    win_rows = rows[:, None, None] + offsets[None, :, None]  # (n, k, 1)
    win_cols = cols[:, None, None] + offsets[None, None, :]  # (n, 1, k)
    inside = (win_rows >= 0) & (win_rows < hm_h) & (win_cols >= 0) & (win_cols < hm_w)  # (n, k, k)
    logits = heatmap_logits[np.clip(win_rows, 0, hm_h - 1), np.clip(win_cols, 0, hm_w - 1),
                            np.arange(n)[:, None, None]].astype(np.float64)
    weights = np.where(inside, _sigmoid(logits), 0.0)
    total = weights.sum(axis=(1, 2))
    safe_total = np.where(total > 0, total, 1.0)
    refined = np.stack([(weights * win_cols).sum(axis=(1, 2)) / hm_w / safe_total,
                        (weights * win_rows).sum(axis=(1, 2)) / hm_h / safe_total], axis=1)
    # MediaPipe tests the row against the width too; the heatmap is square, so this is the same.
    in_map = (cols >= 0) & (cols < hm_w) & (rows >= 0) & (rows < hm_h)
    move = in_map & (weights.max(axis=(1, 2)) >= HEATMAP_MIN_CONFIDENCE) & (total > 0)
    return np.where(move[:, None], refined, xy)


def project_landmarks(xyz_unit: np.ndarray, roi: Roi, image_wh: tuple[int, int]) -> np.ndarray:
    """``(N, 3)`` crop landmarks -> ``(N, 3)`` image landmarks: x, y normalized to the image, z in the
    unit of x (``LandmarkProjectionCalculator``: z is scaled by the ROI width as a fraction of the image)."""
    w, h = image_wh
    xy_px = crop_to_image_px(xyz_unit[:, :2], roi)
    out = np.empty((len(xyz_unit), 3), np.float64)
    out[:, 0] = xy_px[:, 0] / w
    out[:, 1] = xy_px[:, 1] / h
    out[:, 2] = xyz_unit[:, 2] * roi.size_px / w
    return out


def project_world(world_m: np.ndarray, roi: Roi) -> np.ndarray:
    """``(33, 3)`` crop-upright world metres -> image-oriented world metres (``WorldLandmarkProjectionCalculator``)."""
    return rotate_xy(world_m, roi.rotation_rad)
