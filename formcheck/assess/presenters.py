"""Where the guided assessment talks to the person: a window (the default) or the terminal.

Both take ``show(frame, pose, status) -> keep going`` per frame; the window reuses the live
coaching screen (cue band, countdown, the standing pain notice) and adds the step's title and
set-up text on top.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from formcheck.assess.guided import GuideStatus
from formcheck.live.screen import Action, Screen, Status, check_display, wrap
from formcheck.outputs.skeleton import draw_skeleton, put_label
from formcheck.pose.frame import PoseFrame
from formcheck.sources.media import VideoFrame


def _header_lines(status: GuideStatus) -> tuple[str, str]:
    title = f"Step {status.number} of {status.count}: {status.step.title}"
    if status.phase != "measuring":
        return title, status.step.setup
    return title, f"Measuring - {math.ceil(status.seconds_left)} s left"


def _draw_step(bgr: np.ndarray, pose: PoseFrame | None, status: GuideStatus) -> None:
    """The skeleton, and the step's title and set-up text (or time left) in the top left."""
    if pose is not None and pose.detected:
        draw_skeleton(bgr, pose)
    h, w = bgr.shape[:2]
    scale = max(0.5, min(w, h) / 480)
    title, detail = _header_lines(status)
    # Left 60 % of the width: the pain notice owns the top right corner.
    y = int(30 * scale)
    put_label(bgr, title, (int(10 * scale), y), 0.75 * scale)
    for line in wrap(detail, int(0.6 * w), 0.55 * scale)[:3]:
        y += int(26 * scale)
        put_label(bgr, line, (int(10 * scale), y), 0.55 * scale)


class WindowPresenter:
    """The live screen with the step's title, set-up text and remaining time. q or Esc stops."""

    def __init__(self, title: str = "formcheck - assessment") -> None:
        # Before any camera or model is opened: a headless machine fails fast.
        check_display("the assessment can guide you in the terminal instead: add --no-window")
        self.screen = Screen(title).open()

    def show(self, frame: VideoFrame, pose: PoseFrame | None, status: GuideStatus) -> bool:
        countdown = status.seconds_left if status.phase == "countdown" else None
        action = self.screen.show(frame.rgb, None, Status(cue=status.cue, countdown_s=countdown),
                                  decorate=lambda bgr: _draw_step(bgr, pose, status))
        return action not in (Action.QUIT, Action.CLOSED)

    def save(self, path: Path) -> None:
        self.screen.save(path)

    def close(self) -> None:
        self.screen.close()


class TerminalPresenter:
    """Prints each step's set-up, a countdown by the second, and each new cue (``--no-window``)."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self._said: tuple | None = None
        self._cue: str | None = None

    def show(self, frame: VideoFrame, pose: PoseFrame | None, status: GuideStatus) -> bool:
        title, detail = _header_lines(status)
        if self._said is None or self._said[0] != status.number:
            self.echo(f"\n{title}\n  {detail}")
        if status.phase == "setup":
            moment = (status.number, "setup")
        elif status.phase == "countdown":
            moment = (status.number, "countdown", math.ceil(status.seconds_left))
            if moment != self._said:
                self.echo(f"  starting in {moment[2]} ...")
        else:
            moment = (status.number, "measuring")
            if moment != self._said:
                self.echo(f"  measuring for up to {status.step.seconds:g} s")
        self._said = moment
        if status.cue != self._cue and status.cue:
            self.echo(f"  > {status.cue}")
        self._cue = status.cue
        return True

    def close(self) -> None:
        pass

