"""The validated model of a calibration file (``calibration/*.toml`` and profiles): a value and its
source for each threshold. Whether the names and values suit the exercise is checked by
:func:`formcheck.judge.exercises.library.read_calibration`, which knows the exercise.
"""

from __future__ import annotations

from pydantic import Field

from formcheck.judge.exercises.file_fields import StrictModel


class CalibrationValue(StrictModel):
    value: float = Field(strict=True, description="a number")
    source: str = Field(min_length=1, description="where the number came from")


class CalibrationFile(StrictModel):
    exercise: str
    version: int | None = Field(default=None, ge=1, description="bumped whenever a value changes")
    about: str | None = Field(default=None, description="who or what the calibration is for, how it was made")
    thresholds: dict[str, CalibrationValue]
