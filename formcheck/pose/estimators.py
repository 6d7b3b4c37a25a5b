"""Pose estimation behind one small interface: ``estimator.estimate(video_frame) -> PoseFrame``.

Two backends:

* :class:`SolutionsEstimator` — MediaPipe's legacy ``solutions`` API with the BlazePose model that
  ships inside the ``mediapipe==0.10.21`` wheel ("full"). This is the default and needs no download.
* :class:`TaskEstimator` — a user-supplied MediaPipe Pose Landmarker ``.task`` file (lite / heavy).

Neither ever downloads anything: a model that is not on disk is a :class:`ModelError` that says what
to pass instead.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.errors import ModelError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.sources.media import VideoFrame

BUNDLED_MODELS = {"lite": 0, "full": 1, "heavy": 2}
DEFAULT_MODEL = "full"
# The bundled full model run directly with LiteRT (formcheck.pose.litert): the same landmarks as "full"
# (median difference 0.07 % of torso length) without MediaPipe's graph around it. One inference
# thread: both places it runs already keep the other core busy (live draws the previous frame
# there; record runs a second process), and a second thread then only adds contention
# (live at 640x480 30 fps: 2 frames dropped of 390 with one thread, 7 with two).
LITERT_MODEL = "litert"
# The pose model score, live and batch use unless told, for every exercise: the same landmarks and
# hold times as "full" with less CPU and half the memory; for exercises with a wall it keeps the
# model's person mask for the wall stage. ("full" stays the default of `formcheck record`.)
SCORE_MODEL = LITERT_MODEL


class PoseEstimator(Protocol):
    """Turns one RGB image into one :class:`PoseFrame` (all landmarks missing when nobody is found)."""

    name: str

    def estimate(self, frame: VideoFrame) -> PoseFrame: ...

    def close(self) -> None: ...


def _quiet_native_logs() -> None:
    # MediaPipe's C++ side logs "GPU support is not available" and similar to stderr on every
    # start; users only need our own messages. Must be set before the graph is created.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextlib.contextmanager
def native_stderr_silenced():
    """Send the C++ side's stderr to /dev/null for a moment.

    TFLite and absl print start-up chatter ("Created TensorFlow Lite XNNPACK delegate", "Feedback
    manager requires ...") straight to file descriptor 2, around the first inference, whatever the
    log level; Python-level redirection cannot catch it. Our own messages are not printed here.
    """
    import sys

    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr (e.g. closed): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _mediapipe_dir() -> Path:
    import mediapipe

    return Path(mediapipe.__file__).parent


def bundled_model_path(model: str) -> Path:
    """Path of a bundled ``solutions`` landmark model, or :class:`ModelError` saying what to pass instead."""
    if model not in BUNDLED_MODELS:
        raise ModelError(f"unknown model {model!r}; use one of {', '.join(BUNDLED_MODELS)}, {LITERT_MODEL}, "
                         f"or a path to a .task file")
    path = _mediapipe_dir() / "modules" / "pose_landmark" / f"pose_landmark_{model}.tflite"
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
        _quiet_native_logs()
        import mediapipe as mp

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
        _quiet_native_logs()
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python import vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
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
        import mediapipe as mp

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


def releases_gil(model: str) -> bool:
    """Whether ``model``'s estimator spends its time outside the GIL, so that estimators in threads
    of one process use every core. True of LiteRT (its ``invoke`` and the OpenCV crop release it,
    and the Python around them is ~1 ms a frame); MediaPipe's graph is kept to processes."""
    return model == LITERT_MODEL


def make_estimator(model: str = DEFAULT_MODEL, static_images: bool = False,
                   segmentation: bool = False, mask_max_width: int | None = None) -> PoseEstimator:
    """``"full"`` / ``"lite"`` / ``"heavy"`` name a bundled model, ``"litert"`` runs the bundled full
    model directly with LiteRT; anything ending in ``.task`` is a file.

    ``segmentation`` also computes the person's mask (``estimator.last_mask``), which the wall
    stage needs; it costs about as much again as the pose itself, so only wall exercises ask.
    ``mask_max_width`` caps the mask's width where the backend projects the mask itself (LiteRT):
    the wall stage works downscaled, and a 1080p float mask is 8 MB a frame.
    """
    if model == LITERT_MODEL:
        from formcheck.pose.litert import LiteRTEstimator

        return LiteRTEstimator(threads=1, segmentation=segmentation, mask_max_width=mask_max_width)
    if model.endswith(".task") or os.sep in model or "/" in model:
        if segmentation:
            raise ModelError("the wall checks need a segmentation mask, which only the bundled models "
                             "provide here; use --model full")
        return TaskEstimator(model)
    return SolutionsEstimator(model, static_images=static_images, segmentation=segmentation)
