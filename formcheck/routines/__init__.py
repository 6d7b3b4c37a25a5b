"""Routines a therapist prescribes: a TOML file of steps (exercise, target, sets, rest, note) and a
progression rule, validated against the exercises; today's plan from the history; the record of a
run. A front-end package: ``formcheck routine`` and ``formcheck live --routine`` use it."""

from formcheck.routines.errors import RoutineError
from formcheck.routines.loading import Routine, RoutineStep, example_routines, find_routine, read_routine
from formcheck.routines.plan import (
    PlannedSide,
    PlannedStep,
    RoutineLog,
    SetOutcome,
    SideSummary,
    TodayPlan,
    Turn,
    format_target,
    plan_today,
)

__all__ = [
    "PlannedSide", "PlannedStep", "Routine", "RoutineError", "RoutineLog", "RoutineStep", "SetOutcome",
    "SideSummary", "TodayPlan", "Turn", "example_routines", "find_routine", "format_target", "plan_today",
    "read_routine",
]
