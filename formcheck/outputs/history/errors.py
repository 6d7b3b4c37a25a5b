"""The history store's one error type: the CLI turns it into one line and exit code 2."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import FormcheckError


class HistoryError(FormcheckError):
    """The session history database cannot be opened, read or written."""


def cannot_write(path: str | Path, what: str, exc: OSError) -> HistoryError:
    """One line for a file the history commands could not write: which path, and why in words
    (``its folder /a/b is a file``, rather than the OS's bare ``File exists``)."""
    path = Path(path)
    blocker = next((p for p in path.parents if p.exists()), None)
    why = f"{blocker} is a file, not a folder" if blocker is not None and not blocker.is_dir() else \
        (exc.strerror or str(exc))
    return HistoryError(f"{path}: cannot write the {what} ({why})")
