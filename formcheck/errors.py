"""The library's own exceptions, and the one table of exit codes the front ends turn them into."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What every ``formcheck`` command's exit code means."""

    OK = 0
    FAILED = 1        # the work ran but did not finish: a clip failed, a camera or source ended early
    BAD_INPUT = 2     # a missing, malformed or unreadable input, or a mistake in the command
    NO_PERSON = 3     # the source was read, but nobody was found in it: nothing to judge, nothing stored
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it); what was done is kept


class FormcheckError(Exception):
    """Base of every error formcheck raises on purpose; its message is meant for the user."""

    exit_code = ExitCode.BAD_INPUT


class SourceError(FormcheckError):
    """A video, image, folder or camera could not be opened or read."""


class FileEndsEarlyError(SourceError):
    """A video file whose data ends before its index says (an interrupted copy or download)."""


class CameraError(SourceError):
    """A camera could not be opened, or stopped delivering frames."""


class ModelError(FormcheckError):
    """The requested pose model is not available on disk or could not be loaded."""


class RecordingError(FormcheckError):
    """A landmark recording is missing, of the wrong format, or of an unsupported version."""


class ExerciseError(FormcheckError):
    """An exercise definition or calibration file is malformed."""


class NoPersonError(FormcheckError):
    """The source was read to the end, but no person was found in any frame."""

    exit_code = ExitCode.NO_PERSON


class OutputError(FormcheckError):
    """An output folder or file cannot be written: not a folder, no permission, no space, or it
    holds another source's results."""
