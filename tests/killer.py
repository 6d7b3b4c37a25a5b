"""Kill a worker process in the middle of a clip, as an out-of-memory killer or a crash would."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from tests.processes import descendants


def _reading(pid: int, targets: set[str]) -> bool:
    """Whether the process has one of ``targets`` open (a worker decoding that clip)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") in targets:
                return True
        except OSError:
            continue
    return False


class WorkerKiller:
    """Watches this process's descendants and SIGKILLs the first one that opens one of ``clips``.

    Opening the clip means the worker is mid-clip (decoding it for pose estimation), so the kill
    lands where losing work is possible. ``killed`` is the pid, or None if no worker was caught.
    """

    def __init__(self, clips: Iterable[Path], timeout_s: float = 120.0) -> None:
        self._targets = {str(Path(c).resolve()) for c in clips}
        self._timeout_s = timeout_s
        self._stop = threading.Event()
        self.killed: int | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> WorkerKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        deadline = time.monotonic() + self._timeout_s
        while not self._stop.is_set() and time.monotonic() < deadline:
            for pid in descendants(os.getpid()):
                if _reading(pid, self._targets):
                    time.sleep(0.3)  # let it get into the clip, not just open the file
                    os.kill(pid, signal.SIGKILL)
                    self.killed = pid
                    return
            time.sleep(0.02)
