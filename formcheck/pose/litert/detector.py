"""BlazePose person detector: SSD anchors, box decoding and weighted non-max suppression.

Every constant mirrors an option of MediaPipe 0.10.21's ``PoseDetectionCpu`` graph (the subgraph
compiled into the wheel); the calculator and option are named beside each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# ImageToTensorCalculator output_tensor_width/height, and SsdAnchorsCalculator input_size_*.
DETECTOR_INPUT_PX = 224
# SsdAnchorsCalculator ``strides: 8, 16, 32, 32, 32``. Layers sharing a stride share one grid; each
# layer puts 2 anchors per cell (``aspect_ratios: 1.0`` plus the default
# ``interpolated_scale_aspect_ratio: 1.0``). With ``fixed_anchor_size: true`` every anchor is 1x1,
# so only the cell centres (``anchor_offset_x/y: 0.5``) matter.
ANCHOR_STRIDES = (8, 16, 32, 32, 32)
ANCHORS_PER_LAYER = 2
# TensorsToDetectionsCalculator: ``num_boxes: 2254``, ``num_coords: 12`` (box cx, cy, w, h, then
# ``num_keypoints: 4`` x/y pairs; ``reverse_output_order: true`` means x before y),
# ``x/y/w/h_scale: 224``, ``sigmoid_score: true``, ``score_clipping_thresh: 100``,
# ``min_score_thresh: 0.5`` (the solutions API's min_detection_confidence overrides it; 0.5 default).
NUM_BOXES = 2254
NUM_KEYPOINTS = 4
COORD_SCALE = 224.0
SCORE_CLIP = 100.0
MIN_SCORE = 0.5
# NonMaxSuppressionCalculator ``min_suppression_threshold: 0.3``, ``overlap_type:
# INTERSECTION_OVER_UNION``, ``algorithm: WEIGHTED``.
NMS_IOU = 0.3


@dataclass(frozen=True)
class Detections:
    """Decoded detections in units of the detector's (letterboxed) input: fractions 0..1.

    ``boxes`` ``(N, 4)`` xmin, ymin, xmax, ymax; ``keypoints`` ``(N, 4, 2)`` x, y (kp 0 = hip centre,
    kp 1 = full-body size/rotation point); ``scores`` ``(N,)`` probabilities.
    """

    boxes: np.ndarray
    keypoints: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.scores)


def ssd_anchor_centres(input_px: int = DETECTOR_INPUT_PX) -> np.ndarray:
    """``(2254, 2)`` anchor centres (x, y) as fractions of the input, in the model's output order."""
    grids: list[np.ndarray] = []
    layer = 0
    while layer < len(ANCHOR_STRIDES):
        stride = ANCHOR_STRIDES[layer]
        same = 0
        while layer + same < len(ANCHOR_STRIDES) and ANCHOR_STRIDES[layer + same] == stride:
            same += 1
        cells = math.ceil(input_px / stride)
        centres = (np.arange(cells, dtype=np.float64) + 0.5) / cells
        ys, xs = np.meshgrid(centres, centres, indexing="ij")
        per_cell = np.stack([xs.ravel(), ys.ravel()], axis=1)
        grids.append(np.repeat(per_cell, same * ANCHORS_PER_LAYER, axis=0))
        layer += same
    return np.concatenate(grids)


def decode_detections(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray,
                      min_score: float = MIN_SCORE) -> Detections:
    """Model outputs ``(2254, 12)`` and ``(2254,)`` logits -> the detections scoring at least ``min_score``."""
    logits = np.clip(raw_scores.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
    scores = 1.0 / (1.0 + np.exp(-logits))
    keep = scores >= min_score
    raw = raw_boxes[keep].astype(np.float64) / COORD_SCALE
    anchor_xy = anchors[keep]
    centre = raw[:, 0:2] + anchor_xy  # anchors are 1x1, so offsets need no anchor-size scaling
    half = raw[:, 2:4] / 2.0
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = raw[:, 4:4 + 2 * NUM_KEYPOINTS].reshape(-1, NUM_KEYPOINTS, 2) + anchor_xy[:, None, :]
    return Detections(boxes, keypoints, scores[keep])


def _area(boxes: np.ndarray) -> np.ndarray:
    """Areas of ``(..., 4)`` xmin, ymin, xmax, ymax boxes (0 for inverted ones)."""
    return np.prod(np.clip(boxes[..., 2:] - boxes[..., :2], 0.0, None), axis=-1)


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """``(N,)`` intersection over union of one ``(4,)`` box with ``(N, 4)`` boxes."""
    lo = np.maximum(box[:2], boxes[:, :2])
    hi = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod(np.clip(hi - lo, 0.0, None), axis=1)
    union = _area(box) + _area(boxes) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def weighted_nms(dets: Detections, iou_threshold: float = NMS_IOU) -> Detections:
    """Weighted non-max suppression, best first.

    As ``NonMaxSuppressionCalculator`` with ``algorithm: WEIGHTED``: the best remaining detection
    absorbs every remaining one overlapping it by more than ``iou_threshold``; the merged box and
    keypoints are their score-weighted mean, the score stays the best one's.
    """
    order = np.argsort(-dets.scores, kind="stable")
    boxes, kps, scores = [], [], []
    while order.size:
        best = order[0]
        overlap = _iou(dets.boxes[best], dets.boxes[order]) > iou_threshold
        overlap[0] = True
        group = order[overlap]
        weights = dets.scores[group] / dets.scores[group].sum()
        boxes.append(weights @ dets.boxes[group])
        kps.append(np.tensordot(weights, dets.keypoints[group], axes=1))
        scores.append(dets.scores[best])
        order = order[~overlap]
    if not scores:
        return Detections(np.zeros((0, 4)), np.zeros((0, NUM_KEYPOINTS, 2)), np.zeros(0))
    return Detections(np.array(boxes), np.array(kps), np.array(scores))
