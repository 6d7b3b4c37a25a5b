"""The field types shared by the exercise-file and calibration-file models.

Every model refuses fields it does not know (a misspelt key is an error, not silently ignored),
cannot be changed once read, and refuses NaN and infinity in every number: TOML can write ``nan``
and ``inf``, and either makes a limit or a safety bound that every value, or none, passes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from formcheck.judge.exercises.landmark_refs import validate_ref


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


LandmarkRef = Annotated[str, BeforeValidator(validate_ref)]
Unit = Literal["deg", "body", "body_per_s"]  # degrees, a ratio to a named body length, or that per second
BodyLength = Literal[
    "shin", "thigh", "leg", "torso", "upper_arm", "forearm", "foot", "shoulder_width", "hip_width",
    "shoulder_to_ankle",
]
ThresholdName = Annotated[str, Field(min_length=1, description="name of a threshold declared in [thresholds]")]
