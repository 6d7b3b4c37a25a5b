"""Getting a calibration source's landmarks: a recording, a video, or N seconds of a camera."""

from __future__ import annotations

from pathlib import Path

from formcheck.pose.estimate import load_poses
from formcheck.pose.estimators import make_estimator
from formcheck.pose.recording import Recording, make_meta
from formcheck.sources.media import open_source


def is_camera(source: str) -> bool:
    return source.strip().isdigit()


def record_camera(index: str, seconds: float, model: str = "full", countdown_s: float = 3.0) -> Recording:
    """``seconds`` of camera ``index`` after a ``countdown_s`` to get into position.

    Not exercised by the test suite (no camera on CI machines); it uses the same camera source and
    estimator as ``formcheck live``.
    """
    source = open_source(index)
    estimator = make_estimator(model)
    frames = []
    try:
        for image in source:  # the camera is released when the iteration stops
            if image.t_s < countdown_s:
                continue
            if image.t_s - countdown_s >= seconds:
                break
            frames.append(estimator.estimate(image))
    finally:
        estimator.close()
    return Recording(frames, make_meta(source.info, model, complete=True))


def load_source(source: str | Path, model: str = "full", camera_seconds: float = 10.0, progress=None) -> Recording:
    if is_camera(str(source)):
        return record_camera(str(source), camera_seconds, model)
    return load_poses(source, model=model, progress=progress)
