"""What every pose backend shares: the model names, where the bundled models lie in the mediapipe
wheel, the interface an estimator follows, and a way to hush native start-up chatter.

Both backends build on this module (:mod:`formcheck.pose.estimators` for MediaPipe and the choice
between backends, :mod:`formcheck.pose.litert` for LiteRT), so the dependency runs one way:
``models`` <- ``litert`` <- ``estimators``. It imports neither backend's library, nor OpenCV or
PyAV, so a command line can read the model names (for its options' defaults) at no cost.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from formcheck.errors import ModelError

if TYPE_CHECKING:  # names for the protocol only: a front end reads the model names without loading OpenCV
    from formcheck.pose.frame import PoseFrame
    from formcheck.sources.media import VideoFrame

# The landmark models of MediaPipe's ``solutions`` API, by name, with their ``model_complexity``.
BUNDLED_MODELS = {"lite": 0, "full": 1, "heavy": 2}
DEFAULT_MODEL = "full"
# The bundled full model run directly with LiteRT (formcheck.pose.litert): the same landmarks as "full"
# (median difference 0.07 % of torso length) without MediaPipe's graph around it. One inference
# thread: both places it runs already keep the other core busy (live draws the previous frame
# there; record runs a second process), and a second thread then only adds contention
# (live at 640x480 30 fps: 2 frames dropped of 390 with one thread, 7 with two).
LITERT_MODEL = "litert"
# The same pipeline with the int8 landmark model that `formcheck models build` derives and caches
# (formcheck.pose.litert.int8): usable only once built.
LITERT_INT8_MODEL = "litert-int8"
# The pose model score, live and batch use unless told, for every exercise: the same landmarks and
# hold times as "full" with less CPU and half the memory; for exercises with a wall it keeps the
# model's person mask for the wall stage. ("full" stays the default of `formcheck record`.)
SCORE_MODEL = LITERT_MODEL


class PoseEstimator(Protocol):
    """Turns one RGB image into one :class:`PoseFrame` (all landmarks missing when nobody is found)."""

    name: str

    def estimate(self, frame: VideoFrame) -> PoseFrame: ...

    def close(self) -> None: ...


def releases_gil(model: str) -> bool:
    """Whether ``model``'s estimator spends its time outside the GIL, so that estimators in threads
    of one process use every core. True of LiteRT (its ``invoke`` and the OpenCV crop release it,
    and the Python around them is ~1 ms a frame); MediaPipe's graph is kept to processes."""
    return model in (LITERT_MODEL, LITERT_INT8_MODEL)


def mediapipe_modules_dir() -> Path:
    """``<site-packages>/mediapipe/modules``, found without importing mediapipe (which loads its C++ side)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("mediapipe is not installed, and its wheel holds the pose models; "
                         "install mediapipe==0.10.21")
    return Path(next(iter(spec.submodule_search_locations))) / "modules"


def detector_model_path() -> Path:
    """The bundled person detector, ``pose_detection.tflite``."""
    return mediapipe_modules_dir() / "pose_detection" / "pose_detection.tflite"


def landmark_model_path(model: str) -> Path:
    """The bundled landmark model ``model`` (``lite`` / ``full`` / ``heavy``); only ``full`` ships
    in the wheel, so the file may be missing (callers say what to pass instead)."""
    return mediapipe_modules_dir() / "pose_landmark" / f"pose_landmark_{model}.tflite"


VERBOSE_ENV = "FORMCHECK_VERBOSE"
"""Set (to anything but empty) to let the native libraries' log lines through (``formcheck --verbose``
sets it, so the worker processes a command starts inherit it)."""

# What each native library reads before it starts logging: glog (MediaPipe's graph), absl and
# TensorFlow Lite (the C++ side of LiteRT and of MediaPipe's inference), OpenCV (a camera that
# cannot be opened prints WARN and ERROR lines before formcheck says so in one line).
QUIET_NATIVE_ENV = {"GLOG_minloglevel": "2", "TF_CPP_MIN_LOG_LEVEL": "2", "OPENCV_LOG_LEVEL": "FATAL"}
_OPENCV_LOG_LEVEL_FATAL = 1  # cv2.setLogLevel's scale: 0 silent, 1 fatal, 2 error, 3 warning, 4 info


def native_logs_wanted() -> bool:
    return bool(os.environ.get(VERBOSE_ENV))


def hush_native_logs() -> None:
    """Keep the native libraries' INFO and WARN lines out of the terminal, from now on and in every
    child process (unless :data:`VERBOSE_ENV` is set or the user set a library's own variable)."""
    if native_logs_wanted():
        return
    for name, value in QUIET_NATIVE_ENV.items():
        os.environ.setdefault(name, value)
    cv2 = sys.modules.get("cv2")  # already imported: it may have read its log level already
    if cv2 is not None and os.environ["OPENCV_LOG_LEVEL"] == QUIET_NATIVE_ENV["OPENCV_LOG_LEVEL"]:
        cv2.setLogLevel(_OPENCV_LOG_LEVEL_FATAL)


@contextlib.contextmanager
def native_stderr_silenced():
    """Send the C++ side's stderr to /dev/null for a moment (not with :data:`VERBOSE_ENV`).

    TFLite and absl print start-up chatter ("Created TensorFlow Lite XNNPACK delegate", "Feedback
    manager requires ...") straight to file descriptor 2, around the first inference, whatever the
    log level; Python-level redirection cannot catch it. Our own messages are not printed here.
    """
    if native_logs_wanted():
        yield
        return
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
