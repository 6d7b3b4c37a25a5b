"""The validated model of a routine file: what a therapist writes, before any exercise is looked up.

Each step names an exercise as people type it, one target (``hold_s`` seconds in good form, or
``reps`` good repetitions), how many sets, the rest after each set, and optionally a progression
rule in the target's own unit. Like the exercise files, every model refuses unknown fields and NaN
or infinity, and a number must be written as one: ``reps = 8.5`` is refused, not rounded, and
``hold_s = "30"`` or ``rest_s = true`` is refused, not converted.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_SETS = 10
MAX_REST_S = 600.0  # ten minutes: a longer pause is another session, not a rest
MAX_STEPS = 30
MAX_AFTER_DAYS = 60


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ProgressionSpec(_Strict):
    """Raise the step's target by ``raise_by_s`` (or ``raise_by_reps``) after every ``after_days``
    days on which every set of the step met the target of that day, never above ``up_to_s``
    (or ``up_to_reps``)."""

    raise_by_s: float | None = Field(default=None, gt=0, strict=True,
                                     description="seconds added each time (hold steps)")
    up_to_s: float | None = Field(default=None, gt=0, strict=True,
                                  description="the highest hold target, seconds (hold steps)")
    raise_by_reps: int | None = Field(default=None, ge=1, strict=True, description="reps added each time (rep steps)")
    up_to_reps: int | None = Field(default=None, ge=1, strict=True, description="the highest rep target (rep steps)")
    after_days: int = Field(ge=1, le=MAX_AFTER_DAYS, strict=True,
                            description="days on which every set met its target, before each raise")

    @model_validator(mode="after")
    def _one_unit(self):
        hold = (self.raise_by_s, self.up_to_s)
        reps = (self.raise_by_reps, self.up_to_reps)
        if any(v is not None for v in hold) and any(v is not None for v in reps):
            raise ValueError("expected either raise_by_s and up_to_s (a hold) or raise_by_reps and up_to_reps "
                             "(reps), got both kinds")
        if not all(v is not None for v in hold) and not all(v is not None for v in reps):
            raise ValueError("expected raise_by_s with up_to_s (a hold step) or raise_by_reps with up_to_reps "
                             "(a rep step)")
        return self

    @property
    def unit(self) -> Literal["s", "reps"]:
        return "s" if self.raise_by_s is not None else "reps"

    @property
    def raise_by(self) -> float:
        return float(self.raise_by_s if self.raise_by_s is not None else self.raise_by_reps)  # type: ignore[arg-type]

    @property
    def up_to(self) -> float:
        return float(self.up_to_s if self.up_to_s is not None else self.up_to_reps)  # type: ignore[arg-type]


class StepSpec(_Strict):
    exercise: str = Field(min_length=1, description="any name formcheck accepts, e.g. 'wall sit', 'bird dog'")
    side: Literal["left", "right", "both"] | None = Field(
        default=None, description="for exercises done one side at a time")
    hold_s: float | None = Field(default=None, gt=0, strict=True,
                                 description="seconds to hold in good form (hold exercises)")
    reps: int | None = Field(default=None, ge=1, strict=True, description="good repetitions (rep exercises)")
    sets: int = Field(default=1, ge=1, le=MAX_SETS, strict=True)
    rest_s: float = Field(default=60.0, ge=0, le=MAX_REST_S, strict=True, description="rest after each set, seconds")
    profile: str | None = Field(default=None, min_length=1, description="calibration profile name or .toml file")
    note: str = Field(default="", description="shown to the patient with the step")
    progression: ProgressionSpec | None = None

    @property
    def target(self) -> float:
        """``hold_s`` or ``reps``; the loader has checked that exactly one is given."""
        return float(self.hold_s if self.hold_s is not None else self.reps)  # type: ignore[arg-type]

    @property
    def unit(self) -> Literal["s", "reps"]:
        return "s" if self.hold_s is not None else "reps"


class RoutineFile(_Strict):
    name: str = Field(min_length=1, description="what the patient sees, e.g. 'Low back basics'")
    notes: str = Field(default="", description="for the patient and the therapist")
    steps: tuple[StepSpec, ...] = Field(min_length=1, max_length=MAX_STEPS)
