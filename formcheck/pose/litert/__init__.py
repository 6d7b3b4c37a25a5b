"""BlazePose on LiteRT: the MediaPipe pose models run directly, multi-threaded. See :class:`LiteRTEstimator`."""

from formcheck.pose.litert.estimator import LiteRTEstimator

__all__ = ["LiteRTEstimator"]
