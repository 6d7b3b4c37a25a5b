"""Spoken cues, optional and never in the way.

An offline speech engine (``espeak-ng`` or ``espeak``) is run as a separate process so speaking never
blocks the camera loop; without one, a terminal bell marks a new cue; without a terminal, silence.
Nothing here raises: losing the voice must never end a session.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TextIO

ENGINES = ("espeak-ng", "espeak")


def find_engine() -> str | None:
    """Path of an installed offline speech engine, or ``None``."""
    for name in ENGINES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Voice:
    """``say(cue)``: speak it (or ring the bell) unless the same cue was said in the last ``repeat_s``.

    While the previous sentence is still being spoken a new one is skipped rather than queued: a cue
    that arrives late is worse than none, and the screen still shows it.
    """

    def __init__(self, enabled: bool = True, repeat_s: float = 6.0, engine: str | None = None,
                 words_per_minute: int = 150, bell_stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self.repeat_s = repeat_s
        self.engine = (engine or find_engine()) if enabled else None
        self.words_per_minute = words_per_minute
        self._bell = bell_stream if bell_stream is not None else sys.stderr
        self._clock = clock
        self._said: dict[str, float] = {}
        self._process: subprocess.Popen | None = None
        self.spoken: list[str] = []  # what was actually voiced or belled, for the session log and tests

    @property
    def mode(self) -> str:
        """``"speech"``, ``"bell"`` or ``"off"``."""
        if not self.enabled:
            return "off"
        if self.engine:
            return "speech"
        return "bell" if _is_terminal(self._bell) else "off"

    def say(self, cue: str | None) -> bool:
        """Voice ``cue`` now if allowed; returns whether it was."""
        if not cue or self.mode == "off":
            return False
        now = self._clock()
        if now - self._said.get(cue, float("-inf")) < self.repeat_s:
            return False
        if self._busy():
            return False
        if self.engine and self._speak(cue):
            pass
        elif not self._ring():
            return False
        self._said[cue] = now
        self.spoken.append(cue)
        return True

    def _busy(self) -> bool:
        if self._process is None:
            return False
        if self._process.poll() is None:
            return True
        self._process = None  # reaped: no zombie left behind
        return False

    def _speak(self, text: str) -> bool:
        try:
            self._process = subprocess.Popen([self.engine, "-s", str(self.words_per_minute), "--", text],
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)
            return True
        except OSError:
            self.engine = None  # broken install: fall back to the bell for the rest of the session
            return False

    def _ring(self) -> bool:
        if not _is_terminal(self._bell):
            return False
        try:
            self._bell.write("\a")
            self._bell.flush()
            return True
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        """Let a sentence in progress finish briefly, then stop it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                process.kill()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
