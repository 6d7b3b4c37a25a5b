"""The pose stage: each newest frame estimated the moment capture delivers it, on a thread of its own.

Driven from the screen loop instead, a frame that arrives while the previous one is being drawn
waits for the drawing to finish before its estimate can start (at 640x480 30 fps on a busy
two-core machine: 4 ms median, 29 ms at the 95th percentile), and the wait adds to its latency;
when the estimate is also slow, the next frame arrives before this one's estimate has begun, and
one of them is dropped. A thread of its own starts each estimate as soon as the frame exists,
whatever the screen is doing (0.25 ms median), so drawing frame n never holds back estimating
frame n+1.

Between this thread and the screen there is one slot, as between capture and this thread: the
stage waits for the screen to take one result before it hands over the next, so nothing queues
up behind a slow screen; the capture slot keeps only the newest frame meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from formcheck.sources.capture import Captured, LatestFrameCapture

Job = TypeVar("Job")


class EstimationStage(Generic[Job]):
    """``stage.next(timeout_s)`` -> the next frame worked on by ``work(captured)``, or ``None`` for now.

    ``threaded=False`` runs ``work`` on the caller's thread inside ``next`` (to compare against).
    ``done`` is true once the capture has ended and every
    frame it delivered has been handed over. An exception raised by ``work`` is raised by ``next``.
    """

    def __init__(self, capture: LatestFrameCapture, work: Callable[[Captured], Job], threaded: bool = True) -> None:
        self._capture = capture
        self._work = work
        self._cond = threading.Condition()
        self._slot: Job | None = None
        self._ended = False
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = (threading.Thread(target=self._run, name="formcheck-pose", daemon=True)
                        if threaded else None)

    def start(self) -> EstimationStage[Job]:
        if self._thread is not None:
            self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                captured = self._capture.latest(timeout_s=0.05)
                if captured is None:
                    if self._capture.exhausted:
                        break
                    continue
                self._put(self._work(captured))
        except BaseException as exc:  # handed to the screen loop, which ends the session with it
            self._error = exc
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _put(self, job: Job) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._slot is None or self._stop.is_set())
            self._slot = job
            self._cond.notify_all()

    def next(self, timeout_s: float) -> Job | None:
        if self._thread is None:
            captured = self._capture.latest(timeout_s)
            return self._work(captured) if captured is not None else None
        with self._cond:
            self._cond.wait_for(lambda: self._slot is not None or self._ended, timeout=timeout_s)
            job, self._slot = self._slot, None
            self._cond.notify_all()
        if job is None and self._error is not None:
            error, self._error = self._error, None
            raise error
        return job

    @property
    def done(self) -> bool:
        if self._thread is None:
            return self._capture.exhausted
        with self._cond:
            return self._ended and self._slot is None and self._error is None

    def stop(self) -> None:
        """End the thread; an estimate already running is finished first (tens of milliseconds)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join()

    def __enter__(self) -> EstimationStage[Job]:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
