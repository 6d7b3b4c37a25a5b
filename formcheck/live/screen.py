"""The live window: the camera image, the skeleton coloured by check, one cue, a large hold timer.

``screen.show(image_rgb, overlay, status) -> action`` draws, shows and reads the keyboard in one
call, because OpenCV only repaints a window and delivers keys inside ``waitKey``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.live.window import WindowProcess
from formcheck.outputs.overlay import Overlay, draw_overlay
from formcheck.outputs.skeleton import Stamps, put_label

PAIN_NOTICE = "Stop if you feel pain"
TIMER_SCALE = 1.6  # the timer must be readable from a mat two or three metres away


class DisplayError(FormcheckError):
    """No screen to open the live window on."""


class Action(str, Enum):
    PAUSE = "pause"
    RESET = "reset"
    MIRROR = "mirror"
    READOUT = "readout"
    QUIT = "quit"
    CLOSED = "closed"
    NEXT = "next"  # a routine: end this set (or this rest) and go on


KEYS: dict[int, Action] = {
    ord(" "): Action.PAUSE,
    ord("r"): Action.RESET,
    ord("m"): Action.MIRROR,
    ord("h"): Action.READOUT,
    ord("n"): Action.NEXT,
    ord("q"): Action.QUIT,
    27: Action.QUIT,  # Esc
}


@dataclass(frozen=True)
class Status:
    """What the screen shows besides the image and the overlay."""

    target_s: float | None = None
    cue: str | None = None
    countdown_s: float | None = None  # seconds left before scoring starts; None once it has
    paused: bool = False
    fps: float | None = None
    latency_ms: float | None = None
    dropped: int = 0
    headline: str | None = None  # a routine's step, set and target, or what comes after a rest
    rest_s: float | None = None  # seconds of rest left (a routine, between sets)


LIVE_HINT = "live coaching needs a screen; to score a recorded video use 'formcheck score VIDEO -e EXERCISE'"


def check_display(hint: str = LIVE_HINT) -> None:
    """Raise :class:`DisplayError` unless a window can be opened here; its message ends with ``hint``
    (what the user can do instead).

    OpenCV's Qt backend aborts the whole process when it cannot reach a display, so the window is
    first tried in a throwaway child process; only a working display reaches ``namedWindow`` here.
    """
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise DisplayError(f"no display available (DISPLAY and WAYLAND_DISPLAY are not set); {hint}")
    probe = "import cv2; cv2.namedWindow('formcheck-probe'); cv2.waitKey(1); cv2.destroyAllWindows()"
    try:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DisplayError(f"could not test the display ({type(exc).__name__}); {hint}") from None
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        why = lines[0].strip() if lines else f"exit code {done.returncode}"
        where = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or "this system"
        raise DisplayError(f"cannot open a window on {where} ({why}); {hint}")


def mirrored(overlay: Overlay) -> Overlay:
    """The overlay for a horizontally flipped image."""
    xyz = overlay.xyz_norm.copy()
    xyz[:, 0] = 1.0 - xyz[:, 0]
    return replace(overlay, xyz_norm=xyz)


def wrap(text: str, max_width_px: int, scale: float) -> list[str]:
    """Greedy word wrap for ``cv2.putText``, which draws one line only."""
    thickness = max(1, round(scale * 2))
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][0] <= max_width_px:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


class Screen:
    """An OpenCV window. ``mirror`` and ``readout_visible`` are view settings the keys toggle."""

    # What the centre of the image says to do next; a screen without keys says it in its own words.
    paused_hint = "press space to resume"
    rest_hint = "rest - n to skip"

    def __init__(self, title: str = "formcheck", mirror: bool = False) -> None:
        self.title = title
        self.mirror = mirror
        self.readout_visible = True
        self.last_image: np.ndarray | None = None  # BGR, as last shown (for --screenshot)
        self._window: WindowProcess | None = None
        self._pending: deque[Action] = deque()
        self._stamps = Stamps()

    def open(self) -> Screen:
        self._window = WindowProcess(self.title).open()
        return self

    def show(self, image_rgb: np.ndarray, overlay: Overlay | None, status: Status,
             decorate: Callable[[np.ndarray], None] | None = None) -> Action | None:
        """Draw everything on a copy of the image, show it, and return the key pressed (if any).

        ``decorate(bgr)`` draws a caller's own layer (the assessment's skeleton and step text) on
        the copy after the overlay and under the cue and notices, in image coordinates as shown.
        """
        bgr = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR)  # a new array: the camera frame stays raw
        if self.mirror:
            cv2.flip(bgr, 1, dst=bgr)
            overlay = mirrored(overlay) if overlay is not None else None
        if overlay is not None:
            draw_overlay(bgr, replace(overlay, cue=None), status.target_s, timer_scale=TIMER_SCALE, stamps=self._stamps)
        if decorate is not None:
            decorate(bgr)
        self._draw_text(bgr, status)
        if self._window is not None:
            self._window.show(bgr)
        self.last_image = bgr
        return self.poll()

    def poll(self) -> Action | None:
        """The next key pressed, ``CLOSED`` once the user closed the window, else None. Raises
        :class:`WindowLost` when the display went away."""
        if self._window is not None:
            for key, closed in self._window.events():
                action = Action.CLOSED if closed else KEYS.get(key & 0xFF)
                if action is not None:
                    self._pending.append(action)
        return self._pending.popleft() if self._pending else None

    def _draw_text(self, bgr: np.ndarray, status: Status) -> None:
        h, w = bgr.shape[:2]
        scale = max(0.5, min(w, h) / 480)
        margin = int(10 * scale)
        # The safety notice never goes away: top right, small, always readable.
        notice_scale = 0.5 * scale
        (nw, nh), _ = cv2.getTextSize(PAIN_NOTICE, cv2.FONT_HERSHEY_SIMPLEX, notice_scale,
                                      max(1, round(notice_scale * 2)))
        self._stamps.draw(bgr, PAIN_NOTICE, (w - nw - margin, margin + nh), notice_scale)
        if self.readout_visible and status.fps is not None:
            readout = f"{status.fps:.0f} fps"
            if status.latency_ms is not None:
                readout += f"  {status.latency_ms:.0f} ms"
            if status.dropped:
                readout += f"  {status.dropped} dropped"
            small = 0.42 * scale
            (rw, _), _ = cv2.getTextSize(readout, cv2.FONT_HERSHEY_SIMPLEX, small, 1)
            put_label(bgr, readout, (w - rw - margin, margin + 2 * nh + int(8 * scale)), small)
        if status.headline:
            # Under the notice and the readout, right-aligned: the timer owns the top left.
            head_scale = 0.55 * scale
            top = margin + 3 * nh + int(24 * scale)
            lines = [part for text in status.headline.split("\n") for part in wrap(text, w // 2, head_scale)]
            for i, line in enumerate(lines[:6]):
                (hw, hh), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, head_scale, max(1, round(head_scale * 2)))
                self._stamps.draw(bgr, line, (w - hw - margin, top + i * int(hh * 1.8)), head_scale)
        if status.cue:
            self._draw_cue(bgr, status.cue, scale, self._stamps)
        centre = None
        if status.paused:
            centre = ("Paused", self.paused_hint)
        elif status.rest_s is not None:
            centre = (str(max(0, int(np.ceil(status.rest_s)))), self.rest_hint)
        elif status.countdown_s is not None and status.countdown_s > 0:
            centre = (str(int(np.ceil(status.countdown_s))), "get into position")
        if centre:
            self._draw_centre(bgr, *centre, scale)

    @staticmethod
    def _draw_cue(bgr: np.ndarray, cue: str, scale: float, stamps: Stamps) -> None:
        h, w = bgr.shape[:2]
        cue_scale = 0.9 * scale
        margin = int(12 * scale)
        lines = wrap(cue, w - 2 * margin, cue_scale)[:3]
        line_h = int(34 * scale)
        top = h - line_h * len(lines) - margin
        # A dark band under the cue so it reads on any background.
        band = bgr[max(0, top - margin):h]
        band[:] = (band * 0.45).astype(np.uint8)
        for i, line in enumerate(lines):
            stamps.draw(bgr, line, (margin, top + line_h * i + int(24 * scale)), cue_scale)

    @staticmethod
    def _draw_centre(bgr: np.ndarray, big: str, small: str, scale: float) -> None:
        h, w = bgr.shape[:2]
        big_scale, small_scale = 3.0 * scale, 0.8 * scale
        (bw, bh), _ = cv2.getTextSize(big, cv2.FONT_HERSHEY_SIMPLEX, big_scale, max(1, round(big_scale * 2)))
        (sw, _), _ = cv2.getTextSize(small, cv2.FONT_HERSHEY_SIMPLEX, small_scale, max(1, round(small_scale * 2)))
        put_label(bgr, big, ((w - bw) // 2, (h + bh) // 2), big_scale)
        put_label(bgr, small, ((w - sw) // 2, (h + bh) // 2 + int(40 * scale)), small_scale)

    def save(self, path) -> None:
        """Write the last shown image (what the person saw) to ``path``."""
        if self.last_image is not None:
            cv2.imwrite(str(path), self.last_image)

    def close(self) -> None:
        if self._window is not None:
            self._window.close()
            self._window = None
