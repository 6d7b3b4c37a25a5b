"""The routine package's own error: a routine file that cannot be read, is malformed, or asks for
what an exercise does not allow. The CLI turns it into one message and exit code 2."""

from __future__ import annotations

from formcheck.errors import FormcheckError


class RoutineError(FormcheckError):
    """A routine file is missing, unreadable or invalid; the message names file, step and field."""
