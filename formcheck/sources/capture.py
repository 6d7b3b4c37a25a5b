"""Capture on its own thread, handing the pose stage only the newest frame.

Pose estimation is slower than some cameras; a queue between the two would grow and the screen would
fall ever further behind the person. A one-slot handoff keeps latency bounded: a frame nobody took
before the next one arrived is dropped (and counted).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from formcheck.errors import FileEndsEarlyError, FormcheckError
from formcheck.sources.media import VideoFrame, ends_early_message


@dataclass(frozen=True)
class Captured:
    """A frame and the moment (``time.perf_counter()``) the capture thread delivered it."""

    frame: VideoFrame
    delivered_s: float


class LatestFrameCapture:
    """Reads ``source`` on a daemon thread; ``latest(timeout_s)`` returns the newest unseen frame.

    ``realtime=True`` paces the source by its frame timestamps, so a video file plays as a camera
    would (a camera paces itself). The thread ends when the source ends, raises, or ``stop()`` is
    called; ``error`` then holds the user-facing reason if the source failed.
    """

    def __init__(self, source: Iterable[VideoFrame], realtime: bool = False) -> None:
        self._source = source
        self._realtime = realtime
        self._cond = threading.Condition()
        self._slot: Captured | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
        self.delivered = 0
        self.dropped = 0
        self.ended = False
        self.error: FormcheckError | None = None

    def start(self) -> LatestFrameCapture:
        self._thread.start()
        return self

    def _run(self) -> None:
        iterator = iter(self._source)
        start_s: float | None = None
        try:
            for frame in iterator:
                if self._stop.is_set():
                    break
                if self._realtime:
                    if start_s is None:
                        start_s = time.perf_counter() - frame.t_s
                    # Wait in small steps so stop() is honoured even in a long gap between frames.
                    while not self._stop.is_set():
                        wait_s = start_s + frame.t_s - time.perf_counter()
                        if wait_s <= 0:
                            break
                        self._stop.wait(min(wait_s, 0.1))
                self._put(Captured(frame, time.perf_counter()))
            cut_s = getattr(self._source, "cut_short_at_s", None)
            if cut_s is not None and not self._stop.is_set():
                # A video file played as the camera whose data ends before its index says: the
                # session ends at the cut, and the person is told why, as score tells them.
                source = self._source
                self.error = FileEndsEarlyError(ends_early_message(source.path, cut_s, source.info.duration_s))
        except FormcheckError as exc:
            self.error = exc
        except Exception as exc:  # a driver failure must end the session cleanly, not kill a thread silently
            self.error = FormcheckError(f"the camera failed: {type(exc).__name__}: {exc}")
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()  # runs the source's own cleanup (releases the camera, closes the file)
            with self._cond:
                self.ended = True
                self._cond.notify_all()

    def _put(self, captured: Captured) -> None:
        with self._cond:
            if self._slot is not None:
                self.dropped += 1
            self._slot = captured
            self.delivered += 1
            self._cond.notify_all()

    def latest(self, timeout_s: float = 0.5) -> Captured | None:
        """The newest frame not yet returned; ``None`` after ``timeout_s`` or once the source has ended."""
        with self._cond:
            self._cond.wait_for(lambda: self._slot is not None or self.ended, timeout=timeout_s)
            captured, self._slot = self._slot, None
            return captured

    @property
    def exhausted(self) -> bool:
        """The source has ended and its last frame has been taken: ``latest`` has nothing more to give."""
        with self._cond:
            return self.ended and self._slot is None

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def __enter__(self) -> LatestFrameCapture:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
