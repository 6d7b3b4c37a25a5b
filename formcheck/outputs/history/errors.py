"""The history store's one error type: the CLI turns it into one line and exit code 2."""

from __future__ import annotations

from formcheck.errors import FormcheckError


class HistoryError(FormcheckError):
    """The session history database cannot be opened, read or written."""
