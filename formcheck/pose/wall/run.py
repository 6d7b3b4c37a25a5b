"""Running the wall stage over a stream of frames with a segmenting pose estimator."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from formcheck.pose.frame import PoseFrame
from formcheck.pose.wall.observation import WallObservation
from formcheck.pose.wall.tracker import WallTracker
from formcheck.sources.media import VideoFrame


def observe(frames: Iterable[VideoFrame], estimator, tracker: WallTracker | None = None
            ) -> Iterator[tuple[VideoFrame, PoseFrame, WallObservation]]:
    """``(frame, raw pose, wall observation)`` per frame, in order.

    ``estimator`` is a :class:`~formcheck.pose.estimators.SolutionsEstimator` made with
    ``segmentation=True`` (its ``last_mask`` is read after each ``estimate``); any estimator
    without a mask gives observations with the line but no gaps.
    """
    tracker = tracker or WallTracker()
    for frame in frames:
        pose = estimator.estimate(frame)
        mask = getattr(estimator, "last_mask", None)
        yield frame, pose, tracker.update(frame, pose, mask)
