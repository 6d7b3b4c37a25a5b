"""The filter MediaPipe applies to the two auxiliary landmarks before they make the next frame's ROI.

``PoseLandmarkFiltering`` always smooths the auxiliary landmarks (whatever ``smooth_landmarks`` says)
with a ``LandmarksSmoothingCalculator`` ``one_euro_filter {min_cutoff: 0.01 beta: 10
derivate_cutoff: 1}``, scaled by the object's size (``OBJECT_SCALE_ROI``). It only steadies the
crop: the landmarks formcheck receives are never filtered here. The ``solutions`` API stamps frames
33 333 us apart whatever the video's rate, so the filter runs at a fixed 30 Hz to match it.
"""

from __future__ import annotations

import math

import numpy as np

MIN_CUTOFF_HZ = 0.01
BETA = 10.0
DERIVATE_CUTOFF_HZ = 1.0
RATE_HZ = 30.0  # solution_base.py: "timestamp increment to 33333 us to simulate the 30 fps video"
MIN_OBJECT_SCALE_PX = 1e-6  # LandmarksSmoothingCalculatorOptions.OneEuroFilter.min_allowed_object_scale


def _alpha(cutoff_hz: np.ndarray | float, rate_hz: float) -> np.ndarray | float:
    tau_s = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau_s * rate_hz)


class AuxPointFilter:
    """One Euro filter over a few image points in pixels (the hip centre and the scale point)."""

    def __init__(self, rate_hz: float = RATE_HZ) -> None:
        self.rate_hz = rate_hz
        self._raw: np.ndarray | None = None       # last unfiltered values, pixels
        self._value: np.ndarray | None = None     # last filtered values, pixels
        self._speed: np.ndarray | None = None     # filtered rate of change, object sizes per second

    def reset(self) -> None:
        """Forget the history (MediaPipe resets when a frame has no pose)."""
        self._raw = self._value = self._speed = None

    def update(self, points_px: np.ndarray, object_scale_px: float) -> np.ndarray:
        """Filtered copy of ``points_px`` ``(N, 2)``; ``object_scale_px`` makes the speed size-independent."""
        value = np.asarray(points_px, np.float64)
        if object_scale_px < MIN_OBJECT_SCALE_PX:
            return value.copy()  # MediaPipe passes landmarks through unfiltered when the object vanishes
        if self._raw is None:
            self._raw, self._value, self._speed = value.copy(), value.copy(), np.zeros_like(value)
            return value.copy()
        speed = (value - self._raw) / object_scale_px * self.rate_hz
        a_d = _alpha(DERIVATE_CUTOFF_HZ, self.rate_hz)
        self._speed = a_d * speed + (1.0 - a_d) * self._speed
        a = _alpha(MIN_CUTOFF_HZ + BETA * np.abs(self._speed), self.rate_hz)
        self._value = a * value + (1.0 - a) * self._value
        self._raw = value.copy()
        return self._value.copy()
