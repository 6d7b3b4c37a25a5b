"""``formcheck app`` started as the user starts it, in a subprocess, for the app's tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
URL = re.compile(r"formcheck app: (http://\S+)")

# Two short wall sits on the rendered clip (good form 3.5-15 s of 18 s, then standing up): the
# first ends at its 3 s target, a 2 s rest, and the second (30 s, never reached) runs into the
# clip's end of the hold.
TINY_ROUTINE = """\
name = "Tiny <test> routine"
notes = "Two short wall sits. Stop if you feel pain."

[[steps]]
exercise = "wall sit"
hold_s = 3
sets = 1
rest_s = 2
note = "Back flat against the wall."

[[steps]]
exercise = "wall sit"
hold_s = 30
sets = 1
rest_s = 0
"""


@contextmanager
def running_app(tmp_path: Path, *args: str, camera: Path = REPO / "samples" / "wall-sit-side.mp4"):
    """Yield ``(base_url, process)``; Ctrl-C (SIGINT) at the end, as a user stops it."""
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY_ROUTINE)
    command = [sys.executable, "-m", "formcheck", "app", "--no-browser", "--camera", str(camera), "--routine",
               str(routine), "--db", str(tmp_path / "history.sqlite3"), "-o", str(tmp_path / "sessions"),
               "--countdown", "1", *args]
    env = {**os.environ, "COLUMNS": "400"}
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
    try:
        url = None
        deadline = time.monotonic() + 120
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = URL.search(line)
            if found:
                url = found.group(1)
        assert url is not None, f"the app did not print its address (exit code {process.poll()})"
        # Keep reading what it prints, so a chatty run never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
