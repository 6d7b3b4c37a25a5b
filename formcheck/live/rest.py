"""A rest between a routine's sets: the camera stays on screen with the seconds left counting down.

Nothing is estimated or scored while resting (the person walks about, drinks, lies down): the
frames are only shown, so the window stays live and the person sees themselves getting ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from formcheck.live.screen import Action, Screen, Status
from formcheck.sources.capture import LatestFrameCapture

_POLL_S = 0.05


def rest_on_screen(capture: LatestFrameCapture, screen: Screen, seconds: float, headline: str | None = None,
                   clock: Callable[[], float] = time.perf_counter) -> Action | None:
    """Show the camera with a countdown for ``seconds``. Returns ``QUIT`` or ``CLOSED`` when the
    person ended the routine, ``NEXT`` when they skipped the rest, else None (the rest is over, or
    the source ended: ``capture.exhausted`` says which)."""
    end_s = clock() + seconds
    while (left_s := end_s - clock()) > 0:
        captured = capture.latest(timeout_s=_POLL_S)
        if captured is None:
            if capture.exhausted:
                return None
            action = screen.poll()
        else:
            action = screen.show(captured.frame.rgb, None, Status(headline=headline, rest_s=left_s))
        if action in (Action.QUIT, Action.CLOSED, Action.NEXT):
            return action
        if action is Action.MIRROR:
            screen.mirror = not screen.mirror
        elif action is Action.READOUT:
            screen.readout_visible = not screen.readout_visible
    return None
