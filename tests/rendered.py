"""A rendered posture estimated as seen and mirror-averaged, beside its exact truth (assessment tests
and ``benchmarks/assess_bias.py``)."""

from __future__ import annotations

from formcheck.pose.frame import PoseFrame


def estimate_rendered(posture: str, seed: int, seconds: float, fault: str | None = None
                      ) -> tuple[list[PoseFrame], list[PoseFrame], list[PoseFrame]]:
    """``(truth, direct, mirror-averaged)`` of a portrait 480x640 front-view render at 10 fps."""
    from formcheck.assess.mirror import make_mirror_estimator
    from formcheck.sources.media import VideoFrame
    from formcheck_studio import plan_clip

    plan = plan_clip(posture, fault, "front", seconds, seed=seed, size=(480, 640), fps=10)
    estimator = make_mirror_estimator()
    try:
        pairs = [estimator.estimate_both(VideoFrame(i, float(plan.truth.times_s[i]), frame.rgb))
                 for i, frame in enumerate(plan.frames())]
    finally:
        estimator.close()
    return plan.truth.pose_frames(), [d for d, _ in pairs], [avg for _, avg in pairs]
