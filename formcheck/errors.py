"""The library's own exceptions. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class FormcheckError(Exception):
    """Base of every error formcheck raises on purpose; its message is meant for the user."""

    exit_code = 2


class SourceError(FormcheckError):
    """A video, image, folder or camera could not be opened or read."""


class CameraError(SourceError):
    """A camera could not be opened, or stopped delivering frames."""


class ModelError(FormcheckError):
    """The requested pose model is not available on disk or could not be loaded."""


class RecordingError(FormcheckError):
    """A landmark recording is missing, of the wrong format, or of an unsupported version."""


class ExerciseError(FormcheckError):
    """An exercise definition or calibration file is malformed."""
