"""Per-frame stages that clean landmarks: a visibility/frame gate and a causal One Euro smoother.

Both are small objects with one verb, ``update(frame) -> frame``, so they chain in the main loop and
work the same live and offline (they only ever look at the past).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS

# How far outside the image (a fraction of its width or height) a confident landmark is still used.
# Measured on the real clips with bodies at the frame edge (../shared/data/videos, the full model):
# confident landmarks of body parts just past the edge, whose place continues the visible limb, lie
# at most 0.087 out (side-plank/pexels-side-plank-cropped-backlit: heels, toes past the right
# edge), 0.095 (plank/pexels-high-plank-push-in: heels, ankles, knees, hips as the camera pushes
# in), 0.061 (cat-cow/home-cat-cow-portrait: ankle), 0.03 (pelvic-tilt/supine-pelvic-tilt-portrait:
# eyes above the top edge); glute-bridge/sic-bridge-feet-at-edge keeps its shoes inside. Further out
# the model extrapolates parts it cannot see: the push-in's hands at 0.10-0.71 while only head and
# shoulder are in view, cat-cow's toes at 0.15-0.17. 0.10 keeps the first group, drops the second.
FRAME_MARGIN = 0.10


@dataclass(frozen=True)
class GateConfig:
    """``min_visibility``: below this the model is guessing (0..1). ``margin``: how far outside the
    image (in fractions of its size) a confident landmark may lie before it counts as out of frame."""

    min_visibility: float = 0.5
    margin: float = FRAME_MARGIN


class VisibilityGate:
    """Marks landmarks missing when the model is unsure of them or they lie outside the image.

    Missing landmarks get ``NaN`` coordinates, so nothing downstream can use them by accident.
    """

    def __init__(self, config: GateConfig = GateConfig()) -> None:
        self.config = config

    def update(self, frame: PoseFrame) -> PoseFrame:
        margin = self.config.margin
        xy = frame.xy_norm
        with np.errstate(invalid="ignore"):
            beyond = ((xy < -margin) | (xy > 1.0 + margin)).any(axis=1)
            off_image = ((xy < 0.0) | (xy > 1.0)).any(axis=1)
            unsure = ~(frame.visibility >= self.config.min_visibility)
        missing = frame.missing | beyond | unsure
        if np.array_equal(missing, frame.missing):
            return frame
        # The model's position for what it is unsure of (in the image) is kept apart: a hidden far
        # limb's estimate can tell "hidden because level with the near one" from "hidden while lifted".
        # Outside the image an unsure position is an extrapolation, not an estimate: none is kept.
        doubted = unsure & ~off_image & ~frame.missing
        guesses = None
        if doubted.any():
            guesses = np.full((len(missing), 2), np.nan, np.float32)
            guesses[doubted] = xy[doubted]
        xyz = frame.xyz_norm.copy()
        world = frame.world_m.copy()
        xyz[missing] = np.nan
        world[missing] = np.nan
        return frame.replace(xyz_norm=xyz, world_m=world, missing=missing, unsure_xy_norm=guesses)


@dataclass(frozen=True)
class SmootherConfig:
    """One Euro filter settings (Casiez et al., 2012) on normalized image coordinates.

    ``min_cutoff_hz``: smoothing when still (lower = smoother, more lag).
    ``beta``: how fast the cutoff rises with speed (per normalized-unit/s), cutting lag in motion.
    ``d_cutoff_hz``: cutoff of the speed estimate itself.
    ``max_gap_s``: bridge a landmark that goes missing for at most this long by holding its last
    smoothed position. 0 (the default) bridges nothing: missing stays missing.
    """

    min_cutoff_hz: float = 1.5
    beta: float = 5.0
    d_cutoff_hz: float = 1.0
    max_gap_s: float = 0.0


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray:
    tau = 1.0 / (2.0 * np.pi * np.asarray(cutoff_hz))
    return 1.0 / (1.0 + tau / dt_s)


class _OneEuro:
    """Vectorized One Euro state for ``(rows, 3)`` coordinates, reset per row when it goes missing."""

    def __init__(self, config: SmootherConfig, rows: int) -> None:
        self.config = config
        self.value = np.full((rows, 3), np.nan)
        self.speed = np.zeros((rows, 3))

    def update(self, raw: np.ndarray, present: np.ndarray, dt_s: float | None) -> np.ndarray:
        c = self.config
        fresh = present & ~np.isfinite(self.value).all(axis=1)
        if dt_s is None or dt_s <= 0:
            # First frame, or a repeated timestamp: nothing to filter against.
            self.value[present] = raw[present]
            self.speed[present] = 0.0
            return self.value.copy()
        speed = (raw - self.value) / dt_s
        a_d = _alpha(c.d_cutoff_hz, dt_s)
        speed = a_d * speed + (1 - a_d) * self.speed
        cutoff = c.min_cutoff_hz + c.beta * np.abs(speed)
        a = _alpha(cutoff, dt_s)
        value = a * raw + (1 - a) * self.value
        keep = present & ~fresh
        self.value[keep] = value[keep]
        self.speed[keep] = speed[keep]
        self.value[fresh] = raw[fresh]
        self.speed[fresh] = 0.0
        return self.value.copy()

    def forget(self, which: np.ndarray) -> None:
        self.value[which] = np.nan
        self.speed[which] = 0.0


class OneEuroSmoother:
    """Causal smoothing of image and world landmarks, driven by the frames' real timestamps."""

    def __init__(self, config: SmootherConfig = SmootherConfig()) -> None:
        self.config = config
        # Image rows 0..32 and world rows 33..65 in one filter: one set of array operations per
        # frame instead of two, which is most of what re-scoring a recording costs.
        self._filter = _OneEuro(config, 2 * NUM_LANDMARKS)
        self._last_t_s: float | None = None
        self._last_seen_s = np.full(NUM_LANDMARKS, -np.inf)

    def update(self, frame: PoseFrame) -> PoseFrame:
        n = NUM_LANDMARKS
        dt_s = None if self._last_t_s is None else frame.t_s - self._last_t_s
        self._last_t_s = frame.t_s
        present = ~frame.missing
        self._last_seen_s[present] = frame.t_s
        bridged = ~present & (frame.t_s - self._last_seen_s <= self.config.max_gap_s) \
            & np.isfinite(self._filter.value[:n]).all(axis=1)
        lost = ~present & ~bridged
        self._filter.forget(np.concatenate([lost, lost]))
        world_present = present & np.isfinite(frame.world_m).all(axis=1)
        both = self._filter.update(np.concatenate([frame.xyz_norm, frame.world_m]).astype(np.float64),
                                   np.concatenate([present, world_present]), dt_s)
        xyz, world = both[:n], both[n:]
        missing = ~(present | bridged)
        xyz[missing] = np.nan
        world[missing | ~np.isfinite(world).all(axis=1)] = np.nan
        return frame.replace(xyz_norm=xyz, world_m=world, missing=missing)

    def reset(self) -> None:
        self.__init__(self.config)


class Cleaner:
    """The cleaning stages in order: gate, then smoother. ``update(frame) -> frame``."""

    def __init__(self, gate: GateConfig = GateConfig(), smoothing: SmootherConfig | None = SmootherConfig()) -> None:
        self.gate = VisibilityGate(gate)
        self.smoother = OneEuroSmoother(smoothing) if smoothing is not None else None

    def update(self, frame: PoseFrame) -> PoseFrame:
        frame = self.gate.update(frame)
        return self.smoother.update(frame) if self.smoother else frame


def clean(frames: Iterable[PoseFrame], cleaner: Cleaner | None = None) -> Iterator[PoseFrame]:
    cleaner = cleaner or Cleaner()
    for frame in frames:
        yield cleaner.update(frame)
