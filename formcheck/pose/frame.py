"""``PoseFrame``: one typed, validated record per video frame."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.pose.landmarks import MIRROR_INDEX, NUM_LANDMARKS, Landmark


def _as_array(name: str, value, shape: tuple[int, ...], dtype) -> np.ndarray:
    arr = np.asarray(value, dtype=dtype)
    if arr.shape != shape:
        raise ValueError(f"PoseFrame.{name} must have shape {shape}, got {arr.shape}")
    return arr


@dataclass(frozen=True, eq=False)
class PoseFrame:
    """The body landmarks of one frame.

    Attributes:
        t_s: time of the frame in seconds since the start of the source (container timestamps for
            video files, so variable-frame-rate clips time correctly).
        index: position of the frame in its source (0-based).
        xyz_norm: ``(33, 3)`` float32. x and y are normalized image coordinates (0..1 of the width
            and height, x to the right, y down); z is MediaPipe's relative depth, in the same scale
            as x. ``NaN`` where the landmark is missing.
        visibility: ``(33,)`` float32 in 0..1, the model's confidence that the landmark is visible.
        world_m: ``(33, 3)`` float32, metres, hip-centred, y down. ``NaN`` where missing or not
            provided by the source.
        image_wh: ``(width, height)`` of the image in pixels.
        missing: ``(33,)`` bool. ``True`` where the landmark must not be used: not detected, below the
            visibility gate, or outside the image. Missing landmarks are never guessed.
        unsure_xy_norm: ``(33, 2)`` float32 or ``None``. The model's own x, y for landmarks the
            visibility gate removed (NaN elsewhere). Not a measurement: it may only confirm or
            doubt an assumption about a hidden landmark (see ``other_hidden`` in the exercise
            schema), which makes a check pass or say cannot-see, never fail.
        assisted: another person's hands were on this person's body (LiteRT's look for other people,
            :mod:`formcheck.pose.litert.assist`): a frame that must never count as a valid hold.
    """

    t_s: float
    index: int
    xyz_norm: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray
    image_wh: tuple[int, int]
    missing: np.ndarray = field(default=None)  # type: ignore[assignment]
    unsure_xy_norm: np.ndarray | None = None
    assisted: bool = False

    def __post_init__(self) -> None:
        n = NUM_LANDMARKS
        if not np.isfinite(self.t_s):
            raise ValueError(f"PoseFrame.t_s must be a finite number of seconds, got {self.t_s!r}")
        w, h = (int(v) for v in self.image_wh)
        if w <= 0 or h <= 0:
            raise ValueError(f"PoseFrame.image_wh must be positive pixels, got {self.image_wh!r}")
        object.__setattr__(self, "t_s", float(self.t_s))
        object.__setattr__(self, "index", int(self.index))
        object.__setattr__(self, "image_wh", (w, h))
        object.__setattr__(self, "assisted", bool(self.assisted))
        xyz = _as_array("xyz_norm", self.xyz_norm, (n, 3), np.float32)
        vis = _as_array("visibility", self.visibility, (n,), np.float32)
        world = _as_array("world_m", self.world_m, (n, 3), np.float32)
        if self.missing is None:
            missing = ~np.isfinite(xyz[:, :2]).all(axis=1)
        else:
            missing = _as_array("missing", self.missing, (n,), bool) | ~np.isfinite(xyz[:, :2]).all(axis=1)
        unsure = None if self.unsure_xy_norm is None else _as_array("unsure_xy_norm", self.unsure_xy_norm, (n, 2),
                                                                      np.float32)
        for arr in (xyz, vis, world, missing) + (() if unsure is None else (unsure,)):
            arr.setflags(write=False)
        object.__setattr__(self, "unsure_xy_norm", unsure)
        object.__setattr__(self, "xyz_norm", xyz)
        object.__setattr__(self, "visibility", vis)
        object.__setattr__(self, "world_m", world)
        object.__setattr__(self, "missing", missing)

    @classmethod
    def empty(cls, t_s: float, index: int, image_wh: tuple[int, int]) -> PoseFrame:
        """A frame in which no person was found: every landmark missing."""
        n = NUM_LANDMARKS
        nan3 = np.full((n, 3), np.nan, np.float32)
        return cls(t_s, index, nan3, np.zeros(n, np.float32), nan3, image_wh, np.ones(n, bool))

    @property
    def detected(self) -> bool:
        """Whether any landmark is usable (a person was found)."""
        return not bool(self.missing.all())

    @property
    def xy_norm(self) -> np.ndarray:
        """``(33, 2)`` normalized image coordinates."""
        return self.xyz_norm[:, :2]

    @property
    def xy_px(self) -> np.ndarray:
        """``(33, 2)`` pixel coordinates."""
        return self.xyz_norm[:, :2] * np.array(self.image_wh, np.float32)

    def visible(self, *landmarks: Landmark) -> bool:
        """True when none of ``landmarks`` is missing."""
        return not bool(self.missing[list(landmarks)].any())

    def point_px(self, lm: Landmark) -> np.ndarray | None:
        """Pixel position of one landmark, or ``None`` when it is missing."""
        if self.missing[lm]:
            return None
        return self.xy_px[lm]

    def replace(self, **changes) -> PoseFrame:
        """A copy with some fields changed (validated again)."""
        fields = dict(
            t_s=self.t_s, index=self.index, xyz_norm=self.xyz_norm, visibility=self.visibility,
            world_m=self.world_m, image_wh=self.image_wh, missing=self.missing, unsure_xy_norm=self.unsure_xy_norm,
            assisted=self.assisted,
        )
        fields.update(changes)
        return PoseFrame(**fields)

    def mirrored(self) -> PoseFrame:
        """The pose of the horizontally flipped image, with left and right swapped back to anatomy."""
        idx = list(MIRROR_INDEX)
        xyz = self.xyz_norm[idx].copy()
        xyz[:, 0] = 1.0 - xyz[:, 0]
        world = self.world_m[idx].copy()
        world[:, 0] = -world[:, 0]
        unsure = None
        if self.unsure_xy_norm is not None:
            unsure = self.unsure_xy_norm[idx].copy()
            unsure[:, 0] = 1.0 - unsure[:, 0]
        return self.replace(xyz_norm=xyz, visibility=self.visibility[idx], world_m=world,
                            missing=self.missing[idx], unsure_xy_norm=unsure)
