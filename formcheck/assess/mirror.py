"""Removing the pose model's own left/right bias by estimating every image and its mirror image.

A pose model is trained on people, and people are not symmetric on average; nor is the model's
arithmetic. Asked about a perfectly symmetric body it can still answer with the right shoulder a
centimetre low. The bias belongs to the model, not the person, so it flips with the image: estimate
the mirrored image, swap left and right back to anatomy (:meth:`PoseFrame.mirrored`) and the bias
has the opposite sign. The mean of the two keeps the body's real asymmetry and cancels the model's.
"""

from __future__ import annotations

import numpy as np

from formcheck.pose.estimators import PoseEstimator, make_estimator
from formcheck.pose.frame import PoseFrame
from formcheck.sources.media import VideoFrame


def flip_frame(frame: VideoFrame) -> VideoFrame:
    """The same video frame flipped left to right."""
    return VideoFrame(frame.index, frame.t_s, np.ascontiguousarray(frame.rgb[:, ::-1]))


def average_poses(a: PoseFrame, b: PoseFrame) -> PoseFrame:
    """The landmark-wise mean of two estimates of the same frame.

    A landmark missing from either estimate is missing from the mean: keeping the one estimate
    would bring back exactly the one-sided bias the averaging is there to cancel.
    """
    missing = a.missing | b.missing
    xyz = (a.xyz_norm.astype(np.float64) + b.xyz_norm) / 2.0
    world = (a.world_m.astype(np.float64) + b.world_m) / 2.0
    xyz[missing] = np.nan
    vis = np.minimum(a.visibility, b.visibility)
    return a.replace(xyz_norm=xyz, world_m=world, visibility=vis, missing=missing)


class MirrorAveragingEstimator:
    """Wraps an estimator so every frame is estimated as seen and mirrored, and the two averaged.

    ``mirror_estimator`` sees only the flipped images. Give a second instance when the estimator
    tracks the body from frame to frame (MediaPipe does), so each tracker sees one consistent
    video; with ``None`` the one estimator sees both, which suits single-image (static) models.
    Costs two estimates per frame.
    """

    def __init__(self, estimator: PoseEstimator, mirror_estimator: PoseEstimator | None = None) -> None:
        self._direct = estimator
        self._mirror = mirror_estimator if mirror_estimator is not None else estimator
        self.name = f"{estimator.name}+mirror"

    def estimate(self, frame: VideoFrame) -> PoseFrame:
        return self.estimate_both(frame)[1]

    def estimate_both(self, frame: VideoFrame) -> tuple[PoseFrame, PoseFrame]:
        """``(as seen, mirror-averaged)``: both, for measuring how much the averaging removes."""
        direct = self._direct.estimate(frame)
        flipped = self._mirror.estimate(flip_frame(frame)).mirrored()
        return direct, average_poses(direct, flipped)

    def close(self) -> None:
        self._direct.close()
        if self._mirror is not self._direct:
            self._mirror.close()


def make_mirror_estimator(model: str = "full") -> MirrorAveragingEstimator:
    """Two instances of ``model`` (one per image orientation) behind a :class:`MirrorAveragingEstimator`."""
    return MirrorAveragingEstimator(make_estimator(model), make_estimator(model))
