"""How fast each landmark moves: a small causal stage for conditions that need stillness.

``MotionTracker.update(frame) -> Motion`` keeps the last ``window_s`` seconds of landmark positions
and reports, per landmark, its displacement over that window divided by the elapsed time, in
pixels per second. Driven by the frames' timestamps, so 12 fps and 60 fps clips read alike. A
landmark missing now, or at the start of the window, has no speed (NaN): never guessed.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.pose.frame import PoseFrame


@dataclass(frozen=True)
class Motion:
    t_s: float
    speeds_px_s: tuple[float, ...]  # one per landmark; NaN when not known
    window_s: float  # the time actually spanned (0 on the first frame)


class MotionTracker:
    def __init__(self, window_s: float = 0.5) -> None:
        if not window_s > 0:
            raise ValueError(f"MotionTracker.window_s must be > 0 seconds, got {window_s!r}")
        self.window_s = window_s
        self._history: deque[tuple[float, np.ndarray]] = deque()

    def reset(self) -> None:
        self._history.clear()

    def update(self, frame: PoseFrame) -> Motion:
        t = frame.t_s
        # Whole-array arithmetic: the stage runs on every frame of a held exercise, so it must cost
        # little next to the rules themselves.
        points = np.asarray(frame.xy_px, dtype=np.float64)
        if frame.missing.all():
            points = np.full_like(points, math.nan)
        history = self._history
        if history and t < history[-1][0]:  # time went backwards (a new clip): start again
            history.clear()
        history.append((t, points))
        # Keep the newest sample that is at least window_s old as the start of the window.
        while len(history) > 2 and t - history[1][0] >= self.window_s - 1e-9:
            history.popleft()
        t0, old = history[0]
        dt = t - t0
        if dt <= 0:
            return Motion(t, tuple(math.nan for _ in range(len(points))), 0.0)
        d = points - old
        speeds = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]) / dt
        return Motion(t, tuple(speeds.tolist()), dt)
