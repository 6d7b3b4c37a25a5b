"""The OpenCV window in a process of its own.

When the display goes away (a remote session drops, the X server stops), OpenCV's Qt backend ends
the process that owns the window on the spot: no exception, no cleanup, and the session that was
being coached would be lost. Here only the window's process ends; the coach sees
:class:`WindowLost`, and the session is saved like a Ctrl-C.

The images travel over a pipe as raw bytes (a 640x480 frame is 0.9 MB, well under what a pipe
carries in a millisecond); the window shows only the newest one, so a slow display never builds a
backlog, and sends back each key pressed and whether the window was closed.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
from multiprocessing.connection import Connection

import cv2
import numpy as np

from formcheck.errors import FormcheckError

_READY = "ready"
_START_TIMEOUT_S = 30.0


class WindowLost(FormcheckError):
    """The window's process ended: the display went away, or the window could not be kept open."""


def _serve(title: str, conn: Connection) -> None:
    """The window process: show the newest image, report keys and closing, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coach's to handle
    cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE)
    conn.send(_READY)
    shown = False
    while True:
        image = None
        while conn.poll(0.005 if image is None else 0):
            message = conn.recv()
            if message is None:
                cv2.destroyAllWindows()
                return
            image = np.frombuffer(conn.recv_bytes(), np.uint8).reshape(message)
        if image is not None:
            cv2.imshow(title, image)
            shown = True
        key = cv2.waitKey(1)
        closed = shown and cv2.getWindowProperty(title, cv2.WND_PROP_VISIBLE) < 1
        if key >= 0 or closed:
            conn.send((key, closed))
        if closed:
            return


class WindowProcess:
    """``show(bgr)`` and ``events() -> [(key, closed), ...]``; raises :class:`WindowLost` once the
    window's process has ended on its own."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._conn: Connection | None = None
        self._process: mp.process.BaseProcess | None = None

    def open(self) -> WindowProcess:
        ctx = mp.get_context("spawn")  # a fresh interpreter: no copy of this one's threads
        here, there = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(self.title, there), name="formcheck-window", daemon=True)
        self._process.start()
        there.close()
        self._conn = here
        if not here.poll(_START_TIMEOUT_S) or self._receive() != _READY:
            raise WindowLost(f"the live window could not be opened (its process ended with exit code "
                             f"{self._process.exitcode})")
        return self

    def _receive(self):
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            raise self._lost() from None

    def _lost(self) -> WindowLost:
        if self._process is not None:
            self._process.join(timeout=1)
        code = self._process.exitcode if self._process is not None else None
        return WindowLost(f"the display went away (the window's process ended with exit code {code})")

    def show(self, bgr: np.ndarray) -> None:
        image = np.ascontiguousarray(bgr)
        try:
            self._conn.send(image.shape)
            self._conn.send_bytes(image.reshape(-1).data)  # flat: a pipe counts bytes, not rows
        except (BrokenPipeError, EOFError, OSError):
            raise self._lost() from None

    def events(self) -> list[tuple[int, bool]]:
        out = []
        while True:
            try:
                if not self._conn.poll(0):
                    return out
            except (EOFError, OSError):
                raise self._lost() from None
            out.append(self._receive())

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, EOFError, OSError):  # already gone
                self._conn.send(None)
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
            self._process = None
