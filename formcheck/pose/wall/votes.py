"""Evidence over time: a wall does not move, so a line seen in most recent frames is the wall.

Candidates vote into columns (bins of the image width at a fixed reference row). Each bin keeps an
exponential moving average of "seen in this frame" (0..1), with a time constant in seconds so the
score means the same at any frame rate, plus the average position and tilt of what voted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.wall.lines import Candidate


@dataclass(frozen=True)
class VoteParams:
    bin_frac: float = 0.01         # bin width, fraction of the image width
    memory_s: float = 1.5          # time constant of the moving average, seconds
    full_weight_torso: float = 0.8  # evidence length (torso lengths) that counts as fully seen in a frame
    first_dt_s: float = 0.1        # the first frame counts as this long (no previous frame time)


@dataclass(frozen=True)
class Peak:
    x_px: float       # at the reference row
    tilt: float       # dx/dy
    score: float      # 0..1 persistence
    kind: str


class ColumnVotes:
    """Moving-average presence of wall candidates per image column bin."""

    def __init__(self, width_px: int, params: VoteParams = VoteParams()) -> None:
        self.params = params
        self.bin_px = max(1.0, params.bin_frac * width_px)
        n = int(np.ceil(width_px / self.bin_px)) + 1
        self.score = np.zeros(n, np.float32)
        self.x_px = np.full(n, np.nan, np.float32)
        self.tilt = np.zeros(n, np.float32)
        self.junction_share = np.zeros(n, np.float32)  # how much of the evidence was floor junction
        self._last_t_s: float | None = None

    def _alpha(self, t_s: float) -> float:
        dt = self.params.first_dt_s if self._last_t_s is None else max(0.0, t_s - self._last_t_s)
        self._last_t_s = t_s
        return float(1.0 - np.exp(-dt / self.params.memory_s))

    def _frame_presence(self, candidates: list[Candidate]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = len(self.score)
        weight, x_sum, tilt_sum, junction = (np.zeros(n, np.float32) for _ in range(4))
        for c in candidates:
            b = int(c.x_px / self.bin_px)
            for nb in (b - 1, b, b + 1):  # spread one bin each way: a line jitters by a pixel or two
                if 0 <= nb < n:
                    weight[nb] += c.weight
                    x_sum[nb] += c.weight * c.x_px
                    tilt_sum[nb] += c.weight * c.tilt
                    junction[nb] += c.weight * (c.kind == "junction")
        seen = np.minimum(1.0, weight / self.params.full_weight_torso)
        with np.errstate(invalid="ignore", divide="ignore"):
            return seen, x_sum / weight, tilt_sum / weight, junction / weight

    def update(self, t_s: float, candidates: list[Candidate]) -> None:
        alpha = self._alpha(t_s)
        seen, x, tilt, junction = self._frame_presence(candidates)
        self.score += alpha * (seen - self.score)
        voted = seen > 0
        fresh = voted & ~np.isfinite(self.x_px)
        self.x_px[fresh] = x[fresh]
        old = voted & ~fresh
        self.x_px[old] += alpha * (x[old] - self.x_px[old])
        self.tilt[voted] += alpha * (tilt[voted] - self.tilt[voted])
        self.junction_share[voted] += alpha * (junction[voted] - self.junction_share[voted])

    def peaks(self, min_score: float) -> list[Peak]:
        """Local maxima of the score at or above ``min_score``, strongest first."""
        s = self.score
        left = np.concatenate([[0.0], s[:-1]])
        right = np.concatenate([s[1:], [0.0]])
        idx = np.flatnonzero((s >= min_score) & (s >= left) & (s > right) & np.isfinite(self.x_px))
        idx = idx[np.argsort(-s[idx])]
        return [Peak(float(self.x_px[i]), float(self.tilt[i]), float(s[i]),
                     "junction" if self.junction_share[i] > 0.5 else "vertical") for i in idx]

    def near(self, x_px: float, min_score: float) -> Peak | None:
        """The line seen before at ``x_px``: its own bin while that holds ``min_score``, else the
        strongest bin within one bin of it (whether or not it is a local maximum now)."""
        b = int(x_px / self.bin_px)
        idx = [i for i in (b - 1, b, b + 1) if 0 <= i < len(self.score) and np.isfinite(self.x_px[i])]
        if not idx:
            return None
        i = b if b in idx and self.score[b] >= min_score else max(idx, key=lambda k: self.score[k])
        return Peak(float(self.x_px[i]), float(self.tilt[i]), float(self.score[i]),
                    "junction" if self.junction_share[i] > 0.5 else "vertical")
