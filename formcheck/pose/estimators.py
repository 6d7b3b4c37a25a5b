"""Pose estimation behind one small interface: ``estimator.estimate(video_frame) -> PoseFrame``.

:func:`make_estimator` picks one of three backends by the model's name:

* :class:`SolutionsEstimator` — MediaPipe's legacy ``solutions`` API with the BlazePose model that
  ships inside the ``mediapipe==0.10.21`` wheel ("full"). This is the default and needs no download.
* :class:`TaskEstimator` — a user-supplied MediaPipe Pose Landmarker ``.task`` file (lite / heavy).
* :class:`~formcheck.pose.litert.LiteRTEstimator` — the bundled "full" model run directly on LiteRT
  ("litert").

None ever downloads anything: a model that is not on disk is a :class:`ModelError` that says what
to pass instead. The names and pieces the backends share live in :mod:`formcheck.pose.models`.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np

from formcheck.errors import ModelError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.litert import LiteRTEstimator
from formcheck.pose.litert.int8 import built_int8_model
from formcheck.pose.models import (
    BUNDLED_MODELS,
    DEFAULT_MODEL,
    LITERT_INT8_MODEL,
    LITERT_MODEL,
    SCORE_MODEL,
    PoseEstimator,
    landmark_model_path,
    native_stderr_silenced,
    releases_gil,
)
from formcheck.sources.media import VideoFrame

# The shared names stay importable from here, where the estimators are made.
__all__ = ["BUNDLED_MODELS", "DEFAULT_MODEL", "LITERT_MODEL", "SCORE_MODEL", "PoseEstimator", "SolutionsEstimator",
           "TaskEstimator", "bundled_model_path", "make_estimator", "native_stderr_silenced", "releases_gil"]


def _mediapipe():
    """The ``mediapipe`` module, with its C++ side told to keep its start-up logs to itself.

    MediaPipe's C++ side logs "GPU support is not available" and similar to stderr on every
    start; users only need our own messages. The levels must be set before a graph is created.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Imported here, on first use: importing mediapipe takes ~1 s, and the default model (LiteRT) never needs it.
    import mediapipe

    return mediapipe


def bundled_model_path(model: str) -> Path:
    """Path of a bundled ``solutions`` landmark model, or :class:`ModelError` saying what to pass instead."""
    if model not in BUNDLED_MODELS:
        raise ModelError(f"unknown model {model!r}; use one of {', '.join(BUNDLED_MODELS)}, {LITERT_MODEL}, "
                         f"or a path to a .task file")
    path = landmark_model_path(model)
    if not path.exists():
        raise ModelError(
            f"the {model!r} pose model is not installed (mediapipe ships only the 'full' model and this "
            f"machine cannot download it); pass --model full, or --model PATH to a MediaPipe Pose "
            f"Landmarker .task file (e.g. pose_landmarker_{model}.task) that you have on disk"
        )
    return path


def _pose_frame(frame: VideoFrame, landmarks, world_landmarks) -> PoseFrame:
    """A PoseFrame from MediaPipe landmark lists (either API): 33 image points, optional world points."""
    h, w = frame.rgb.shape[:2]
    image = np.array([(p.x, p.y, p.z, p.visibility or 0.0) for p in landmarks], np.float32)
    if world_landmarks is not None:
        world = np.array([(p.x, p.y, p.z) for p in world_landmarks], np.float32)
    else:
        world = np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
    return PoseFrame(frame.t_s, frame.index, image[:, :3], image[:, 3], world, (w, h), np.zeros(NUM_LANDMARKS, bool))


class SolutionsEstimator:
    """MediaPipe ``solutions.pose`` with a bundled model; tracking across frames unless ``static_images``.

    MediaPipe's own landmark smoothing is turned off: it assumes frames 33 ms apart, whereas
    :class:`~formcheck.pose.smoothing.OneEuroSmoother` uses the real timestamps.
    """

    def __init__(self, model: str = DEFAULT_MODEL, static_images: bool = False,
                 segmentation: bool = False, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        bundled_model_path(model)  # fail with a clear message before MediaPipe would try a download
        mp = _mediapipe()
        self.name = f"mediapipe-{model}"
        self.segmentation = segmentation
        self.last_mask: np.ndarray | None = None
        # MediaPipe prints nothing useful to stdout while building its graph; keep the terminal clean.
        self._warm = False
        with contextlib.redirect_stdout(io.StringIO()), native_stderr_silenced():
            self._pose = mp.solutions.pose.Pose(
                static_image_mode=static_images,
                model_complexity=BUNDLED_MODELS[model],
                smooth_landmarks=False,
                enable_segmentation=segmentation,
                smooth_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        h, w = frame.rgb.shape[:2]
        if self._warm:
            result = self._pose.process(frame.rgb)
        else:
            # Each model logs on its first run, and the landmark model first runs on the first frame
            # with a person in it, so stay quiet until then.
            with native_stderr_silenced():
                result = self._pose.process(frame.rgb)
            self._warm = result.pose_landmarks is not None
        self.last_mask = result.segmentation_mask if self.segmentation else None
        if result.pose_landmarks is None:
            return PoseFrame.empty(frame.t_s, frame.index, (w, h))
        world = result.pose_world_landmarks.landmark if result.pose_world_landmarks is not None else None
        return _pose_frame(frame, result.pose_landmarks.landmark, world)

    def close(self) -> None:
        self._pose.close()


class TaskEstimator:
    """A MediaPipe Pose Landmarker ``.task`` file in video mode (timestamps must increase)."""

    def __init__(self, task_path: str | Path) -> None:
        path = Path(task_path)
        if not path.is_file():
            raise ModelError(f"{path}: no such model file; pass --model full for the bundled model, "
                             f"or the path of a MediaPipe Pose Landmarker .task file")
        self._mp = mp = _mediapipe()
        vision = mp.tasks.vision
        options = vision.PoseLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
        )
        try:
            with native_stderr_silenced():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"{path}: not a usable MediaPipe Pose Landmarker .task file ({first})") from None
        self.name = f"task:{path.name}"
        self._last_ms = -1

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        mp = self._mp
        h, w = frame.rgb.shape[:2]
        # The task API rejects non-increasing timestamps; equal millisecond stamps can occur at >1 kHz.
        t_ms = max(int(round(frame.t_s * 1000)), self._last_ms + 1)
        self._last_ms = t_ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame.rgb))
        result = self._landmarker.detect_for_video(image, t_ms)
        if not result.pose_landmarks:
            return PoseFrame.empty(frame.t_s, frame.index, (w, h))
        return _pose_frame(frame, result.pose_landmarks[0],
                           result.pose_world_landmarks[0] if result.pose_world_landmarks else None)

    def close(self) -> None:
        self._landmarker.close()


def make_estimator(model: str = DEFAULT_MODEL, static_images: bool = False,
                   segmentation: bool = False, mask_max_width: int | None = None) -> PoseEstimator:
    """``"full"`` / ``"lite"`` / ``"heavy"`` name a bundled model, ``"litert"`` runs the bundled full
    model directly with LiteRT, ``"litert-int8"`` its int8 build (``formcheck models build``);
    anything ending in ``.task`` is a file.

    ``segmentation`` also computes the person's mask (``estimator.last_mask``), which the wall
    stage needs; it costs about as much again as the pose itself, so only wall exercises ask.
    ``mask_max_width`` caps the mask's width where the backend projects the mask itself (LiteRT):
    the wall stage works downscaled, and a 1080p float mask is 8 MB a frame.
    """
    if model == LITERT_MODEL:
        return LiteRTEstimator(threads=1, segmentation=segmentation, mask_max_width=mask_max_width)
    if model == LITERT_INT8_MODEL:
        return LiteRTEstimator(threads=1, model=built_int8_model(), segmentation=segmentation,
                               mask_max_width=mask_max_width)
    if model.endswith(".task") or os.sep in model or "/" in model:
        if segmentation:
            raise ModelError("the wall checks need a segmentation mask, which only the bundled models "
                             "provide here; use --model full")
        return TaskEstimator(model)
    return SolutionsEstimator(model, static_images=static_images, segmentation=segmentation)
