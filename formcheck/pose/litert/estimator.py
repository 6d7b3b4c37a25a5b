"""``LiteRTEstimator``: MediaPipe's BlazePose pipeline re-assembled around the LiteRT interpreter.

The two ``.tflite`` models shipped in the ``mediapipe==0.10.21`` wheel run directly in
``ai_edge_litert`` with as many threads as asked (the ``solutions`` API pins them to one). Per frame:

1. no tracked ROI -> letterbox to 224x224, detect, choose the exerciser among the people found
   (:mod:`.choose`: the one nearest the person followed so far, else the largest and most central;
   MediaPipe takes the most confident), ROI from its keypoints;
2. warp the ROI to 256x256, run the landmark model, project the landmarks back to the image;
3. pose flag >= 0.5 -> the two auxiliary landmarks give the next frame's ROI; otherwise detect again.

Every ``LOOK_FOR_OTHERS_S`` of video the detector also runs while tracking, to notice another person in
view (``others_in_view``, ``others_seen_t_s``) and whether their hands are on the exerciser (``assisted``,
:mod:`.assist`). It changes whom the landmarks follow only to return to the exerciser when a passer-by
carried the crop off (the person followed drifted from where the exerciser has been while somebody is
found there: :func:`.choose.back_to_exerciser`, or the landmark model finds them at that spot).

No smoothing: formcheck smooths later with the real timestamps.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter

from formcheck.errors import ModelError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.pose.litert.assist import boxes_overlap, hands_on_body, same_body, similar_size
from formcheck.pose.litert.choose import (
    ANCHOR_DRIFT,
    LOOK_FOR_OTHERS_S,
    OTHER_PERSON_MIN_DISTANCE,
    POSTURES,
    back_to_exerciser,
    choose_person,
    distance_to,
    other_people,
    tilt_from_vertical_deg,
)
from formcheck.pose.litert.detector import (
    DETECTOR_INPUT_PX,
    MIN_SCORE,
    decode_detections,
    ssd_anchor_centres,
    weighted_nms,
)
from formcheck.pose.litert.landmarks import (
    AUX_CENTRE,
    AUX_SCALE,
    LANDMARK_INPUT_PX,
    MIN_PRESENCE,
    NUM_BODY,
    decode_landmarks,
    project_landmarks,
    project_world,
    refine_from_heatmap,
)
from formcheck.pose.litert.prune import drop_outputs
from formcheck.pose.litert.roi import Roi, image_to_crop_matrix, letterbox_roi, roi_from_keypoints, warp_roi
from formcheck.pose.litert.tracking import AuxPointFilter
from formcheck.pose.models import BUNDLED_MODELS, detector_model_path, landmark_model_path, native_stderr_silenced
from formcheck.sources.media import VideoFrame, fit_width

LANDMARK_MODELS = tuple(BUNDLED_MODELS)  # lite, full, heavy
# Detector keypoints used for the ROI (PoseDetectionToRoi: rotation_vector_start/end_keypoint_index 0, 1);
# the third lies on the upper body (between the shoulders and the face).
KP_HIP_CENTRE, KP_SCALE, KP_UPPER = 0, 1, 2
# While another person overlaps the exerciser, look this often (a hand put on and taken off is seen
# within a quarter second rather than half).
CLOSE_LOOK_S = 0.25
# How slowly the anchor (where the exerciser has been) follows the person tracked, seconds.
ANCHOR_S = 3.0


def body_box_px(centre_px: np.ndarray, scale_px: np.ndarray) -> np.ndarray:
    """``(N, 4)`` boxes around the whole body from ``(N, 2)`` hip centres and scale points: the square of
    half-side |scale - centre| around the hip centre. The detector's own box surrounds the face; the
    keypoints (and the landmark model's auxiliary points 33, 34, which mean the same) span the body."""
    half = np.hypot(*(scale_px - centre_px).T)[:, None]
    return np.concatenate([centre_px - half, centre_px + half], axis=1)


def bundled_paths(model: str) -> tuple[Path, Path]:
    """(detector, landmark model) paths inside the mediapipe wheel for ``lite`` / ``full`` / ``heavy``."""
    if model not in LANDMARK_MODELS:
        raise ModelError(f"unknown model {model!r}; use one of {', '.join(LANDMARK_MODELS)} "
                         f"or the path of a BlazePose pose_landmark_*.tflite file")
    return detector_model_path(), landmark_model_path(model)


def _is_model_name(model: str | Path) -> bool:
    """``"full"`` names a bundled model; a ``Path``, or text with a folder or a suffix, names a file."""
    return isinstance(model, str) and "/" not in model and "\\" not in model and "." not in model


def _is_segmentation(shape: tuple[int, ...]) -> bool:
    """The landmark model's 256x256 person mask: only the wall stage reads it, so others prune it
    (see :mod:`.prune`)."""
    return int(np.prod(shape)) == LANDMARK_INPUT_PX * LANDMARK_INPUT_PX


# MediaPipe's pose graph blends each mask with the previous one where the new one is unsure
# (SegmentationSmoothingCalculator, combine_with_previous_ratio 0.7): a steadier silhouette edge.
MASK_PREVIOUS_RATIO = 0.7
# Its polynomial fit of 1 - (binary entropy) in (p - 0.5)^2, so that p = 0.5 is fully unsure.
_ENTROPY_FIT = (5.68842, -0.748699, -57.8051, 291.309, -624.717)


@functools.lru_cache(maxsize=4)
def _previous_weight_table(ratio: float) -> np.ndarray:
    """(256,) float32: how much of the previous mask to keep, by the new probability in 1/255 steps
    (a table: the polynomial over every pixel of a 1080p mask costs ~27 ms, the lookup ~2)."""
    x = np.square(np.arange(256, dtype=np.float64) / 255.0 - 0.5)
    c1, c2, c3, c4, c5 = _ENTROPY_FIT
    certainty = np.minimum(1.0, x * (c1 + x * (c2 + x * (c3 + x * (c4 + x * c5)))))
    return ((1.0 - certainty) * ratio).astype(np.float32)


def smooth_mask(new: np.ndarray, previous: np.ndarray | None, ratio: float = MASK_PREVIOUS_RATIO) -> np.ndarray:
    """``new`` (HxW float32 probabilities) pulled toward ``previous`` by ``ratio`` x its uncertainty."""
    if previous is None or previous.shape != new.shape:
        return new
    weight = cv2.LUT(cv2.convertScaleAbs(new, alpha=255.0), _previous_weight_table(ratio))
    return cv2.add(new, cv2.multiply(cv2.subtract(previous, new), weight))


@functools.lru_cache(maxsize=4)
def _model_bytes(path: Path, prune: Callable[[tuple[int, ...]], bool] | None) -> bytes:
    """The model file, pruned; cached so estimators sharing a process share one copy."""
    content = path.read_bytes()
    return drop_outputs(content, prune) if prune is not None else content


def load_interpreter(path: Path, threads: int, prune: Callable[[tuple[int, ...]], bool] | None = None):
    """A ready LiteRT interpreter for ``path``, or :class:`ModelError` naming the file and the problem.

    ``prune(shape)`` names outputs to cut out of the model, with every operator only they need.
    """
    if not path.is_file():
        raise ModelError(f"{path}: no such model file (the bundled models are lite/full/heavy, "
                         f"of which mediapipe 0.10.21 ships only 'full')")
    try:
        with native_stderr_silenced():  # XNNPACK prints an INFO line on fd 2
            interpreter = Interpreter(model_content=_model_bytes(path, prune), num_threads=threads)
            interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{path}: not a usable TFLite model ({first})") from None
    return interpreter


class _SharedDetector:
    """The person detector's interpreter, one per process for each model file and thread count.

    An interpreter holds about 28 MB (XNNPACK's packed weights and working memory), and the detector
    runs only at a (re-)detection and every ``LOOK_FOR_OTHERS_S`` of video, so the estimators of a
    clip's parallel spans share one rather than each loading its own; a call holds ``lock``, as an
    interpreter runs one call at a time. It lives as long as an estimator uses it.
    """

    _alive: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
    _made = threading.Lock()

    def __init__(self, path: Path, threads: int) -> None:
        self.interpreter = load_interpreter(path, threads)
        self.lock = threading.Lock()

    @classmethod
    def get(cls, path: Path, threads: int) -> _SharedDetector:
        with cls._made:
            shared = cls._alive.get((path, threads))
            if shared is None:
                shared = cls._alive[(path, threads)] = cls(path, threads)
            return shared


def _check_shapes(path: Path, interpreter, input_shape: tuple[int, ...], n_outputs: int) -> None:
    got = tuple(interpreter.get_input_details()[0]["shape"])
    outs = len(interpreter.get_output_details())
    if got != input_shape or outs != n_outputs:
        raise ModelError(f"{path}: not a BlazePose model (input {got}, {outs} outputs; "
                         f"expected input {input_shape}, {n_outputs} outputs)")


def _outputs_by_size(interpreter) -> dict[int, int]:
    """Output tensor index keyed by element count; BlazePose's outputs all differ in size."""
    return {int(np.prod(d["shape"])): d["index"] for d in interpreter.get_output_details()}


class LiteRTEstimator:
    """BlazePose (bundled MediaPipe models) on LiteRT with ``threads`` threads; tracks between frames.

    ``model`` is ``"full"`` (``"lite"``/``"heavy"`` if installed) or the path of a
    ``pose_landmark_*.tflite``; ``detector`` overrides the path of ``pose_detection.tflite``.
    Frames must come in video order for tracking to help; each call is correct on its own either way.
    ``smooth_roi`` steadies the tracked crop as MediaPipe does (see :mod:`formcheck.pose.litert.tracking`);
    the returned landmarks are raw either way.
    """

    def __init__(self, threads: int = 2, model: str | Path = "full", detector: str | Path | None = None,
                 min_detection_confidence: float = MIN_SCORE,
                 min_tracking_confidence: float = MIN_PRESENCE, smooth_roi: bool = True,
                 segmentation: bool = False, mask_max_width: int | None = None) -> None:
        if _is_model_name(model):
            detector_path, landmark_path = bundled_paths(str(model))
            self.name = f"litert-{model}"
        else:
            detector_path, landmark_path = bundled_paths("full")[0], Path(model)
            self.name = f"litert:{landmark_path.name}"
        if detector is not None:
            detector_path = Path(detector)
        self._shared_detector = _SharedDetector.get(detector_path, threads)
        self._detector = self._shared_detector.interpreter
        _check_shapes(detector_path, self._detector, (1, DETECTOR_INPUT_PX, DETECTOR_INPUT_PX, 3), 2)
        self.segmentation = segmentation
        self._landmarker = load_interpreter(landmark_path, threads, prune=None if segmentation else _is_segmentation)
        _check_shapes(landmark_path, self._landmarker, (1, LANDMARK_INPUT_PX, LANDMARK_INPUT_PX, 3),
                      5 if segmentation else 4)
        self._det_in = self._detector.get_input_details()[0]["index"]
        det_out = self._detector.get_output_details()
        self._det_boxes = next(d["index"] for d in det_out if d["shape"][-1] == 12)
        self._det_scores = next(d["index"] for d in det_out if d["shape"][-1] == 1)
        self._lm_in = self._landmarker.get_input_details()[0]["index"]
        by_size = _outputs_by_size(self._landmarker)
        # 39x5 landmarks, pose flag, 39x3 world landmarks, 64x64x39 heatmap, and unless pruned the
        # 256x256 person mask (logits).
        self._lm_out = {k: by_size[n] for k, n in (("landmarks", 195), ("flag", 1), ("world", 117),
                                                    ("heatmap", 64 * 64 * 39))}
        if segmentation:
            self._lm_out["mask"] = by_size[LANDMARK_INPUT_PX * LANDMARK_INPUT_PX]
        # HxW float32 0..1: the frame's size, or its downscale to mask_max_width; None without a pose.
        self.last_mask: np.ndarray | None = None
        self._mask_max_width = mask_max_width
        self._anchors = ssd_anchor_centres()
        self._min_detection = min_detection_confidence
        self._min_presence = min_tracking_confidence
        self._roi: Roi | None = None
        # (4,) pixel box of the person followed so far (kept across losses: who to pick up again).
        self.followed_box_px: np.ndarray | None = None
        self._aux_filter = AuxPointFilter() if smooth_roi else None
        self.detections_run = 0
        # Another person in view: how many at the last look, and the times of the looks that saw one.
        self.others_in_view = 0
        self.others_seen_t_s: list[float] = []
        self._last_look_t_s: float | None = None
        # Another person's hands on the exerciser at the last look, and the times of the looks that saw it.
        self.assisted = False
        self.assisted_seen_t_s: list[float] = []
        self._someone_close = False
        self._hands_on_before = self._others_before = False
        self._anchor_px: np.ndarray | None = None
        self._anchor_aux: np.ndarray | None = None
        self._anchor_t_s: float | None = None
        # The exercise's start posture, when a front end knows it (see prefer_posture).
        self.posture: str | None = None

    def prefer_posture(self, posture: str | None) -> None:
        """At a fresh detection, prefer people in ``posture`` (``"upright"``, ``"lying"``; ``None``: no
        preference) over the largest and most central (see :func:`.choose.choose_person`)."""
        if posture is not None and posture not in POSTURES:
            raise ValueError(f"posture must be one of {', '.join(POSTURES)} or None, got {posture!r}")
        self.posture = posture

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        h, w = frame.rgb.shape[:2]
        roi = self._roi if self._roi is not None else self.detect(frame.rgb)
        found = self._landmarks(frame.rgb, roi) if roi is not None else None
        if found is None:
            self.reset()  # nobody in the crop: the next frame runs the detector (and no mask)
            return PoseFrame.empty(frame.t_s, frame.index, (w, h))
        xyz_image, visibility, world_m = found
        aux_px = xyz_image[[AUX_CENTRE, AUX_SCALE], :2] * np.array((w, h), np.float64)
        self.followed_box_px = body_box_px(aux_px[None, 0], aux_px[None, 1])[0]
        self._update_anchor(frame.t_s, aux_px)
        if self.segmentation:
            self.last_mask = smooth_mask(self._mask(roi, (w, h)), self.last_mask)
        # After the mask: a look may run the landmark model on someone else's crop.
        back = self._look_for_others(frame, xyz_image[:NUM_BODY, :2] * np.array((w, h), np.float64))
        self._roi = back if back is not None else self._next_roi(xyz_image, (w, h))
        return PoseFrame(frame.t_s, frame.index, xyz_image[:NUM_BODY], visibility[:NUM_BODY], world_m,
                         (w, h), np.zeros(NUM_LANDMARKS, bool), assisted=self.assisted)

    def detect(self, rgb: np.ndarray) -> Roi | None:
        """ROI of the exerciser in ``rgb`` (HxWx3 uint8, see :func:`.choose.choose_person`), or ``None``
        when nobody is found."""
        boxes_px, kps_px = self.people(rgb)
        self.detections_run += 1
        if not len(boxes_px):
            return None
        tilts = tilt_from_vertical_deg(kps_px[:, KP_HIP_CENTRE], kps_px[:, KP_SCALE])
        chosen = choose_person(boxes_px, (rgb.shape[1], rgb.shape[0]), self.followed_box_px, tilts, self.posture)
        return roi_from_keypoints(kps_px[chosen, KP_HIP_CENTRE], kps_px[chosen, KP_SCALE])

    def people(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every person the detector finds in ``rgb``: ``(N, 4)`` pixel body boxes (see :func:`body_box_px`)
        and ``(N, 4, 2)`` pixel keypoints."""
        h, w = rgb.shape[:2]
        box = letterbox_roi(w, h)
        crop = warp_roi(rgb, box, DETECTOR_INPUT_PX, cv2.BORDER_CONSTANT)
        # ImageToTensorCalculator ``output_tensor_float_range {min: -1 max: 1}``; zero padding -> -1.
        tensor = np.multiply(crop[None], np.float32(2.0 / 255.0), dtype=np.float32) - np.float32(1.0)
        with self._shared_detector.lock:
            self._detector.set_tensor(self._det_in, tensor)
            self._detector.invoke()
            raw_boxes = self._detector.get_tensor(self._det_boxes)[0]  # copies: safe once the lock is let go
            raw_scores = self._detector.get_tensor(self._det_scores)[0, :, 0]
        dets = weighted_nms(decode_detections(raw_boxes, raw_scores, self._anchors, self._min_detection))
        # DetectionLetterboxRemovalCalculator: letterbox fractions -> image pixels.
        kps_px = (dets.keypoints - 0.5) * box.size_px + np.array([box.cx_px, box.cy_px])
        return body_box_px(kps_px[:, KP_HIP_CENTRE], kps_px[:, KP_SCALE]), kps_px

    def _update_anchor(self, t_s: float, aux_px: np.ndarray) -> None:
        """Move the anchor (where the exerciser has been lately: hip centre and scale point) toward the
        person followed now, with a time constant of ``ANCHOR_S``: a person exercising on the spot keeps
        it under them, a passer-by who carried the crop off leaves it behind."""
        if self._anchor_aux is None or self._anchor_t_s is None or t_s < self._anchor_t_s:
            self._anchor_aux = aux_px.copy()
        else:
            weight = 1.0 - float(np.exp(-(t_s - self._anchor_t_s) / ANCHOR_S))
            self._anchor_aux = self._anchor_aux + weight * (aux_px - self._anchor_aux)
        self._anchor_t_s = t_s
        self._anchor_px = body_box_px(self._anchor_aux[None, 0], self._anchor_aux[None, 1])[0]

    def _at_anchor(self, rgb: np.ndarray) -> Roi | None:
        """When the detector misses them: the landmark model run on the anchor's crop, and the next
        frame's ROI if it finds a person whose hips are still at the anchor (``None`` otherwise)."""
        roi = roi_from_keypoints(self._anchor_aux[0], self._anchor_aux[1])
        found = self._landmarks(rgb, roi)
        if found is None:
            return None
        aux = found[0][[AUX_CENTRE, AUX_SCALE], :2] * np.array(rgb.shape[1::-1], np.float64)
        box = body_box_px(aux[None, 0], aux[None, 1])
        if distance_to(box, self._anchor_px)[0] > ANCHOR_DRIFT or \
                distance_to(box, self.followed_box_px)[0] <= OTHER_PERSON_MIN_DISTANCE:
            return None
        self.followed_box_px = box[0]
        return roi_from_keypoints(aux[0], aux[1])

    def _look_for_others(self, frame: VideoFrame, body_px: np.ndarray) -> Roi | None:
        """Every ``LOOK_FOR_OTHERS_S`` of video (every ``CLOSE_LOOK_S`` while someone overlaps the
        exerciser), run the detector to see whether anyone besides the exerciser is in view
        (``others_in_view``; the times it saw someone go to ``others_seen_t_s``) and whether someone has
        their hands on the exerciser (``assisted``, kept until the next look; see :mod:`.assist`).
        ``body_px``: the exerciser's ``(33, 2)`` landmark pixels in this frame.

        Returns the next frame's ROI when the crop was carried off by someone passing close (see
        :func:`.choose.back_to_exerciser`), else ``None``."""
        drifting = self._anchor_px is not None and \
            distance_to(self.followed_box_px[None], self._anchor_px)[0] > ANCHOR_DRIFT
        every_s = CLOSE_LOOK_S if self._someone_close or drifting else LOOK_FOR_OTHERS_S
        if self._last_look_t_s is not None and abs(frame.t_s - self._last_look_t_s) < every_s - 1e-6:
            return None
        self._last_look_t_s = frame.t_s
        boxes_px, kps_px = self.people(frame.rgb)
        if drifting:
            k = back_to_exerciser(boxes_px, self.followed_box_px, self._anchor_px)
            back = None
            if k is not None:
                self.followed_box_px = boxes_px[k]
                back = roi_from_keypoints(kps_px[k, KP_HIP_CENTRE], kps_px[k, KP_SCALE])
            elif self.others_seen_t_s and frame.t_s - self.others_seen_t_s[-1] <= ANCHOR_S:
                # Someone else was about: the exerciser may be hidden from the detector behind them.
                back = self._at_anchor(frame.rgb)
            if back is not None:
                if self._aux_filter is not None:
                    self._aux_filter.reset()
                return back
        shoulders_px = body_px[[Landmark.left_shoulder, Landmark.right_shoulder]].mean(axis=0)
        others = list(other_people(boxes_px, self.followed_box_px, kps_px[:, KP_UPPER], shoulders_px))
        self._someone_close = False
        seen = np.isfinite(body_px).all(axis=1)
        hands_on = bool(seen.any()) and self._hands_on(frame, boxes_px, kps_px, others, body_px, seen)
        # Only someone already seen at the look before, or hands on at two looks running: a person seen at
        # one look only may be a flicker of the model (a blurred arm reaching for the camera read as someone).
        self.assisted = hands_on and (self._hands_on_before or self._others_before)
        self._hands_on_before = hands_on
        self.others_in_view = len(others)
        self._others_before = bool(others)
        if self.others_in_view:
            self.others_seen_t_s.append(frame.t_s)
        if self.assisted:
            self.assisted_seen_t_s.append(frame.t_s)
        return None

    def _hands_on(self, frame: VideoFrame, boxes_px: np.ndarray, kps_px: np.ndarray, others: list[int],
                  body_px: np.ndarray, seen: np.ndarray) -> bool:
        """Run the landmark model on each other person overlapping the exerciser at a similar size: whether
        one has their hands on the exerciser (:mod:`.assist`). A crop whose pose is the exerciser's own
        body again is no other person: it is taken out of ``others``, as is a detection at the exerciser's
        hips that the landmark model does not confirm as someone else."""
        outline = np.concatenate([body_px[seen].min(axis=0), body_px[seen].max(axis=0)])
        exerciser_size = float(np.max(self.followed_box_px[2:] - self.followed_box_px[:2]))
        # Told apart from the exerciser by the upper body alone (hips at the same spot): kept as someone else
        # only when the landmark model finds a person there who is not the exerciser again.
        at_hips = distance_to(boxes_px, self.followed_box_px) <= OTHER_PERSON_MIN_DISTANCE
        for k in list(others):
            if not boxes_overlap(boxes_px[k], outline):
                continue
            if not similar_size(float(np.max(boxes_px[k, 2:] - boxes_px[k, :2])), exerciser_size):
                if at_hips[k]:
                    others.remove(k)
                else:
                    self._someone_close = True
                continue
            found = self._landmarks(frame.rgb, roi_from_keypoints(kps_px[k, KP_HIP_CENTRE], kps_px[k, KP_SCALE]))
            if found is None:
                if at_hips[k]:
                    others.remove(k)
                continue
            helper_px = found[0][:NUM_BODY, :2] * np.array(frame.rgb.shape[1::-1], np.float64)
            if same_body(helper_px, body_px):
                others.remove(k)
                continue
            self._someone_close = True
            if hands_on_body(helper_px, found[1][:NUM_BODY], body_px, found[2]):
                return True
        return False

    def _landmarks(self, rgb: np.ndarray, roi: Roi) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(xyz normalized to the image (39, 3), visibility (39,), world metres (33, 3)), or ``None`` without a pose."""
        if not (roi.size_px > 1.0 and np.isfinite(roi.size_px)):
            return None
        h, w = rgb.shape[:2]
        crop = warp_roi(rgb, roi, LANDMARK_INPUT_PX, cv2.BORDER_REPLICATE)
        # ImageToTensorCalculator ``output_tensor_float_range {min: 0 max: 1}``.
        self._landmarker.set_tensor(self._lm_in, np.multiply(crop[None], np.float32(1.0 / 255.0), dtype=np.float32))
        self._landmarker.invoke()
        # The pose flag is already a probability (TensorsToFloatsCalculator applies no activation).
        presence = float(self._landmarker.get_tensor(self._lm_out["flag"]).ravel()[0])
        if not presence >= self._min_presence:
            return None
        crop_lm = decode_landmarks(self._landmarker.get_tensor(self._lm_out["landmarks"]).ravel(),
                                   self._landmarker.get_tensor(self._lm_out["world"]).ravel())
        heatmap = self._landmarker.get_tensor(self._lm_out["heatmap"])[0]
        xyz = crop_lm.xyz_unit.copy()
        xyz[:, :2] = refine_from_heatmap(xyz[:, :2], heatmap)
        xyz_image = project_landmarks(xyz, roi, (w, h))
        return xyz_image, crop_lm.visibility, project_world(crop_lm.world_m, roi)

    def _mask(self, roi: Roi, image_wh: tuple[int, int]) -> np.ndarray:
        """The last inference's person mask, as probabilities over the whole image (0 outside the crop),
        downscaled to ``mask_max_width`` if the image is wider."""
        logits = self._landmarker.get_tensor(self._lm_out["mask"]).reshape(LANDMARK_INPUT_PX, LANDMARK_INPUT_PX)
        crop = np.float32(0.5) + np.float32(0.5) * np.tanh(np.float32(0.5) * logits)  # the sigmoid, without overflow
        matrix = image_to_crop_matrix(roi, LANDMARK_INPUT_PX)
        mask_wh = image_wh if self._mask_max_width is None else fit_width(image_wh, self._mask_max_width)
        if mask_wh != image_wh:
            scale = mask_wh[0] / image_wh[0]
            matrix = matrix @ np.diag([1.0 / scale, 1.0 / scale, 1.0])  # mask pixels -> image pixels -> crop
        return cv2.warpAffine(crop, matrix, mask_wh,
                              flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT,
                              borderValue=0.0)

    def _next_roi(self, xyz_image: np.ndarray, image_wh: tuple[int, int]) -> Roi:
        """Next frame's ROI from the auxiliary landmarks 33 (hip centre) and 34 (scale point) of ``xyz_image``
        (39, 3)."""
        aux_px = xyz_image[[AUX_CENTRE, AUX_SCALE], :2] * np.array(image_wh, np.float64)
        if self._aux_filter is not None:
            # OBJECT_SCALE_ROI: the unenlarged alignment square, side twice the centre-to-scale distance.
            object_scale_px = 2.0 * float(np.hypot(*(aux_px[1] - aux_px[0])))
            aux_px = self._aux_filter.update(aux_px, object_scale_px)
        return roi_from_keypoints(aux_px[0], aux_px[1])

    def track_from(self, centre_px: np.ndarray, scale_px: np.ndarray) -> None:
        """Track the person whose hip centre and scale point (above the head, as the detector's keypoints
        and the auxiliary landmarks give them) were at ``centre_px``, ``scale_px`` in the previous frame:
        the next frame starts from their crop, without the detector's choice."""
        self.reset()
        self._roi = roi_from_keypoints(np.asarray(centre_px, np.float64), np.asarray(scale_px, np.float64))
        self.followed_box_px = body_box_px(np.asarray(centre_px, np.float64)[None],
                                           np.asarray(scale_px, np.float64)[None])[0]
        self._last_look_t_s = None

    def follow(self, box_px: np.ndarray | None) -> None:
        """Follow the person in ``box_px`` ((4,) xmin, ymin, xmax, ymax pixels) from the next detection on."""
        self.reset()
        self.followed_box_px = None if box_px is None else np.asarray(box_px, np.float64)
        self._last_look_t_s = None

    def reset(self) -> None:
        """Stop tracking: the next frame runs the detector (e.g. after a seek), which picks up the person
        followed so far (``followed_box_px``) if it sees them."""
        self._roi = None
        self.assisted = self._hands_on_before = self._others_before = False
        self.last_mask = None
        if self._aux_filter is not None:
            self._aux_filter.reset()

    def close(self) -> None:
        """Release both interpreters; the estimator cannot be used afterwards."""
        self._detector = self._landmarker = self._shared_detector = None  # type: ignore[assignment]
        self._roi = None
