"""Which one thing to tell the person now, and holding it steady long enough to read.

The candidate comes from the exercise's own rules — view, visibility, entry and checks, in their
priority order (``Evaluation.cue``) — plus two things only the image knows: the room is too dark,
or the body runs off the edge of the picture. No exercise is special-cased here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.judge.scoring import ASSISTED_CUE, ScoredFrame
from formcheck.judge.timer import FrameState
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark

# Mean brightness (0–255) below which MediaPipe's visibility collapses in practice; a dim room is
# the most common reason a home set-up "cannot see" anyone.
DARK_BELOW = 45.0

STEP_INTO_VIEW = "Step into view of the camera"
TOO_DARK = "Too dark: turn on a light or face a window"

# The joints whose leaving the picture means the camera is too close.
_BODY = tuple(Landmark[f"{side}_{part}"] for side in ("left", "right")
              for part in ("shoulder", "hip", "knee", "ankle"))


def brightness(rgb: np.ndarray) -> float:
    """Mean brightness 0–255 of an image, from a sparse grid of its pixels (cheap enough per frame)."""
    return float(rgb[::8, ::8].mean())


def off_picture(raw: PoseFrame, margin: float = 0.0) -> list[str]:
    """Body joints MediaPipe placed outside the image (it extrapolates them), as words: ``["left ankle"]``."""
    if not raw.detected:
        return []
    xy = raw.xyz_norm[:, :2]
    out = []
    for lm in _BODY:
        x, y = float(xy[lm, 0]), float(xy[lm, 1])
        if x == x and y == y and not (-margin <= x <= 1 + margin and -margin <= y <= 1 + margin):
            out.append(lm.name.replace("_", " "))
    return out


def setup_cue(raw: PoseFrame, scored: ScoredFrame, image_brightness: float | None = None) -> str | None:
    """The most important thing to say about this frame: set-up first, then the first failing check."""
    if image_brightness is not None and image_brightness < DARK_BELOW:
        return TOO_DARK
    if not raw.detected:
        return STEP_INTO_VIEW
    if scored.state is FrameState.ASSISTED:
        return ASSISTED_CUE
    evaluation = scored.evaluation
    if not evaluation.view_ok:
        outside = off_picture(raw)
        if outside:
            named = _join(outside)
            verb = "is" if " and " not in named and not named.endswith("s") else "are"
            return f"Step back: your {named} {verb} out of the picture"
    return evaluation.cue


def _join(words: list[str]) -> str:
    """``["left knee", "left ankle", "right ankle"]`` -> ``"left knee and ankles"``."""
    names: list[str] = []
    for word in words:
        part = word.split(" ", 1)[1]
        name = part + "s" if sum(w.endswith(" " + part) for w in words) > 1 else word
        if name not in names:
            names.append(name)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class _Shown:
    text: str | None
    since_s: float


class CueSelector:
    """``update(candidate, t_s) -> cue to show``: one cue at a time, no flicker.

    A new candidate replaces the shown cue only once it has persisted ``settle_s`` (a one-frame
    fault is not worth a word) and the shown cue has been up ``min_show_s`` (long enough to read).
    Clearing the cue obeys the same two rules, so "all good" does not blink either.
    """

    def __init__(self, min_show_s: float = 1.5, settle_s: float = 0.3) -> None:
        self.min_show_s = min_show_s
        self.settle_s = settle_s
        self.reset()

    def reset(self) -> None:
        self._shown = _Shown(None, float("-inf"))
        self._pending = _Shown(None, float("-inf"))

    @property
    def shown(self) -> str | None:
        return self._shown.text

    def update(self, candidate: str | None, t_s: float) -> str | None:
        if candidate != self._pending.text:
            self._pending = _Shown(candidate, t_s)
        if candidate == self._shown.text:
            return self._shown.text
        settled = t_s - self._pending.since_s >= self.settle_s
        readable = t_s - self._shown.since_s >= self.min_show_s
        if settled and readable:
            self._shown = _Shown(candidate, t_s)
        return self._shown.text
