"""What a studio exercise is: its keyframed motion plan and its spec.

Both registries build on these, the exercises (:mod:`formcheck_studio.motions`) and the assessment
postures (:mod:`formcheck_studio.postures`), so neither has to import the other's module to
define its entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from formcheck_studio.mannequin import BodyDims

Params = dict[str, Any]
Keys = list[tuple[float, Params]]


@dataclass(frozen=True)
class MotionPlan:
    keys: Keys                          # (t_s, params), times increasing
    holds: list[tuple[float, float]]    # [start_s, end_s] of each held position
    wall_x_m: float | None              # the exercise wall, if the exercise uses one


@dataclass(frozen=True)
class ExerciseSpec:
    """One exercise the studio renders, and how its clips relate to the exercise library.

    ``library`` is the name :func:`formcheck.judge.exercises.load_exercise` takes for what the clip
    shows (one-sided exercises name the side rendered). ``fault_checks`` names, per fault, the
    library check ids that fault fails (and only those); good form passes every check.
    ``held_phase`` is the library's rep phase the held spans show (``None`` for held exercises).
    """

    name: str
    faults: tuple[str, ...]
    default_view: str
    build: Callable[[BodyDims, str | None, float], MotionPlan]
    library: str = ""
    fault_checks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    held_phase: str | None = None

    def __post_init__(self) -> None:
        if set(self.fault_checks) != set(self.faults):
            raise ValueError(f"{self.name}: fault_checks must name exactly the faults {self.faults}")
        object.__setattr__(self, "library", self.library or self.name)
        object.__setattr__(self, "fault_checks", MappingProxyType(dict(self.fault_checks)))
