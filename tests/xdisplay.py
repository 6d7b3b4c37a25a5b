"""A private virtual X display (Xvfb), for the live window tests and the live benchmark."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def xvfb_display(size: str = "1600x1000x24") -> Iterator[str]:
    """Start Xvfb on a free display number (it picks one and tells us through a pipe); yields ``:N``."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as fh:
            yield ":" + fh.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
