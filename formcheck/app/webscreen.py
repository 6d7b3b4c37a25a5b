"""The live loop's screen for a browser: the same drawing as the OpenCV window, sent as JPEG.

:class:`WebScreen` is a :class:`~formcheck.live.screen.Screen` without a window: ``show`` draws the
skeleton, timer and cue exactly as ``formcheck live`` does, encodes the drawn image as JPEG into a
one-slot handoff (a slow browser gets the newest frame, never a backlog) and publishes what it
showed (hold seconds, target, cue, countdown, rest) as the session's state. ``poll`` returns the
actions the page's buttons put in its queue. Nothing here judges form: it only shows what the
coach decided.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from formcheck.live.screen import Action, Screen, Status
from formcheck.live.voice import Voice
from formcheck.outputs.overlay import Overlay

JPEG_QUALITY = 80


@dataclass(frozen=True)
class ShownFrame:
    """One drawn image as JPEG, with its number and when its camera frame was captured."""

    number: int
    jpeg: bytes
    captured_s: float | None   # time.perf_counter() when the capture thread delivered the frame
    encoded_s: float


@dataclass(frozen=True)
class LiveState:
    """What the page shows beside the image; the same numbers the image has drawn on it."""

    frame: int = 0
    hold_s: float | None = None       # seconds held in good form (None: resting or not started)
    target_s: float | None = None
    reps: int | None = None
    reps_by_side: dict[str, int] | None = None  # judged on both sides: each side's reps
    cue: str | None = None
    countdown_s: float | None = None  # seconds before timing starts
    rest_s: float | None = None       # seconds of rest left
    paused: bool = False
    phase: str | None = None          # the timer's phase: waiting, holding, broken, ...
    in_view: bool | None = None       # a person's landmarks were found in this frame
    headline: str | None = None
    capture_age_ms: float | None = None  # capture to this state, on the server

    def as_dict(self) -> dict:
        return asdict(self)


class CaptureStamps:
    """When each recent camera image was captured, looked up by the image itself.

    The coach hands ``show`` the very array the capture thread delivered (or a flipped copy made in
    ``show``), so its identity finds the capture time without changing the coach."""

    def __init__(self, keep: int = 16) -> None:
        self._stamps: deque[tuple[int, float]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def note(self, image: np.ndarray, delivered_s: float) -> None:
        with self._lock:
            self._stamps.append((id(image), delivered_s))

    def find(self, image: np.ndarray) -> float | None:
        key = id(image)
        with self._lock:
            return next((t for k, t in reversed(self._stamps) if k == key), None)


class WebScreen(Screen):
    """``show`` draws as the window does and publishes; ``poll`` takes the page's actions."""

    paused_hint = "press Resume to go on"
    rest_hint = "rest - Skip to go on"

    def __init__(self, publish: Callable[[LiveState], None], stamps: CaptureStamps | None = None) -> None:
        super().__init__("formcheck")
        self._publish = publish
        self.stamps = stamps or CaptureStamps()
        self.actions: queue.SimpleQueue[Action] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._latest: ShownFrame | None = None
        self._number = 0

    def open(self) -> WebScreen:  # no window: the browser is the screen
        return self

    def show(self, image_rgb: np.ndarray, overlay: Overlay | None, status: Status, decorate=None) -> Action | None:
        captured_s = self.stamps.find(image_rgb)
        # Draws into self.last_image (no window) and takes the next button pressed, through poll.
        action = super().show(image_rgb, overlay, status, decorate)
        assert self.last_image is not None
        ok, buf = cv2.imencode(".jpg", self.last_image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        now = time.perf_counter()
        with self._cond:
            self._number += 1
            if ok:
                self._latest = ShownFrame(self._number, buf.tobytes(), captured_s, now)
            self._cond.notify_all()
        self._publish(_state(self._number, overlay, status, captured_s, now))
        return action

    def poll(self) -> Action | None:
        try:
            return self.actions.get_nowait()
        except queue.Empty:
            return None

    def press(self, action: Action) -> None:
        self.actions.put(action)

    def next_frame(self, after: int, timeout_s: float = 1.0) -> ShownFrame | None:
        """The newest drawn frame numbered above ``after``; None if none came within ``timeout_s``."""
        with self._cond:
            self._cond.wait_for(lambda: self._latest is not None and self._latest.number > after, timeout_s)
            latest = self._latest
        return latest if latest is not None and latest.number > after else None


def _state(number: int, overlay: Overlay | None, status: Status, captured_s: float | None, now_s: float) -> LiveState:
    in_view = None
    if overlay is not None:
        in_view = bool(np.any(~overlay.missing))
    return LiveState(
        frame=number,
        hold_s=None if overlay is None else round(float(overlay.valid_s), 2),
        target_s=status.target_s,
        reps=None if overlay is None else overlay.reps,
        reps_by_side=dict(overlay.side_reps) if overlay is not None and overlay.side_reps else None,
        cue=status.cue,
        countdown_s=status.countdown_s if status.countdown_s is not None and status.countdown_s > 0 else None,
        rest_s=status.rest_s,
        paused=status.paused,
        phase=None if overlay is None else overlay.phase.value,
        in_view=in_view,
        headline=status.headline,
        capture_age_ms=None if captured_s is None else round(1000 * (now_s - captured_s), 1),
    )


class WebVoice(Voice):
    """The browser speaks: each sentence goes to the page (with the same repeat rule as the voice)."""

    def __init__(self, publish: Callable[[str], None], repeat_s: float = 6.0) -> None:
        super().__init__(enabled=False, repeat_s=repeat_s)
        self._publish_text = publish

    def say(self, cue: str | None) -> bool:
        if not cue:
            return False
        now = self._clock()
        if now - self._said.get(cue, float("-inf")) < self.repeat_s:
            return False
        self._said[cue] = now
        self.spoken.append(cue)
        self._publish_text(cue)
        return True
