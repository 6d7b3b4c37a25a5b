"""Writing files so that an interruption never leaves half a file under the final name."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """``with atomic_open(path) as fh: ...`` writes a temporary file beside ``path`` and moves it
    into place only when the block ends without an exception (a crash, a full disk or Ctrl-C leave
    the previous file, if any, untouched). The folder is created if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_args) as fh:
            yield fh
        os.chmod(tmp, 0o644)  # mkstemp makes it private; reports and recordings are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
