"""The session state the page listens to: a few named parts, each replaced whole, with a version
number that grows on every change, so each listener waits for news and never misses the newest."""

from __future__ import annotations

import threading
from typing import Any


class Board:
    """``update(part=value)`` from the session's thread; ``wait_newer(version)`` from the page's stream."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0
        self._parts: dict[str, Any] = {"run": None, "live": None, "say": None}
        self._said = 0

    def update(self, **parts: Any) -> None:
        with self._cond:
            self._parts.update(parts)
            self._version += 1
            self._cond.notify_all()

    def say(self, text: str) -> None:
        """A sentence for the browser to speak (each gets a number, so a repeat is heard again)."""
        with self._cond:
            self._said += 1
            said = {"n": self._said, "text": text}
        self.update(say=said)

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        with self._cond:
            return self._version, dict(self._parts)

    def wait_newer(self, version: int, timeout_s: float) -> tuple[int, dict[str, Any]]:
        with self._cond:
            self._cond.wait_for(lambda: self._version > version, timeout_s)
            return self._version, dict(self._parts)
