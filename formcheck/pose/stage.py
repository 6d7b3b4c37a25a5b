"""The stage that reads pixels: each frame's landmarks, and for wall exercises the wall line and
the back's gap to it. Everything after it needs only what it returns."""

from __future__ import annotations

from formcheck.pose.estimators import DEFAULT_MODEL, make_estimator
from formcheck.pose.frame import PoseFrame
from formcheck.pose.wall import WallObservation, WallTracker


class PoseStage:
    """What is estimated from the pixels of each frame: the landmarks, and for wall exercises the
    wall line and the back's gap to it (both need the image; everything later needs only these).

    ``update(frame) -> (PoseFrame, WallObservation | None)``.
    """

    def __init__(self, model: str = DEFAULT_MODEL, static_images: bool = False, wall: bool = False) -> None:
        self.wall = WallTracker() if wall else None
        self.estimator = make_estimator(model, static_images=static_images, segmentation=wall,
                                        mask_max_width=self.wall.config.work_width_px if self.wall else None)

    @classmethod
    def around(cls, estimator, wall: WallTracker | None = None) -> PoseStage:
        """A stage around an estimator already made (a stand-in in tests, a timed one in benchmarks)."""
        stage = cls.__new__(cls)
        stage.estimator, stage.wall = estimator, wall
        return stage

    def prefer_posture(self, posture: str | None) -> None:
        """Among several people, prefer the one in the exercise's start posture (``"upright"``,
        ``"lying"``, ``None``: no preference) where the estimator chooses (LiteRT); MediaPipe's graph
        keeps its own most confident person."""
        if hasattr(self.estimator, "prefer_posture"):
            self.estimator.prefer_posture(posture)

    @property
    def model_name(self) -> str:
        return self.estimator.name

    def update(self, frame) -> tuple[PoseFrame, WallObservation | None]:
        pose = self.estimator.estimate(frame)
        if self.wall is None:
            return pose, None
        return pose, self.wall.update(frame, pose, self.estimator.last_mask)

    def close(self) -> None:
        self.estimator.close()
