"""Where a live session's files go when no ``--out`` is given: a new folder per session under the
user's data folder, named so that folders sort by time and never clash."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from platformdirs import user_data_path

APP = "formcheck"


def user_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/formcheck`` on Linux)."""
    return user_data_path(APP, appauthor=False)


def default_out_dir(exercise: str, started: datetime | None = None) -> Path:
    """``~/.local/share/formcheck/sessions/20250301T071502Z-forearm_plank``: sorts by time, never clashes."""
    started = started or datetime.now(timezone.utc)
    stamp = started.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return user_data_dir() / "sessions" / f"{stamp}-{exercise}"
