"""An exercise set to today's target, so the session judges, shows and stores that target.

The timer's target, the screen's "0:31 / 0:45", the report's target and the history row's
``target_min_s`` all read the exercise's ``hold_min_s`` (or ``reps.min_count``): a routine's set
loads the exercise with that minimum replaced by the step's target for today. The maximum is
the exercise's own; the routine's loader has checked that today's target never exceeds it.
"""

from __future__ import annotations

from formcheck.judge.exercises import Exercise, load_exercise
from formcheck.routines.plan import PlannedSide, PlannedStep


def exercise_for(planned: PlannedStep, side: PlannedSide, default_profile: str | None = None) -> Exercise:
    """The exercise of one side of a planned step, judged against today's target, with the step's
    calibration profile (else ``default_profile``)."""
    exercise = load_exercise(side.exercise_name, profile=planned.step.spec.profile or default_profile)
    return with_target(exercise, side.target)


def with_target(exercise: Exercise, target: float) -> Exercise:
    """``exercise`` with its minimum target (seconds held, or good reps) set to ``target``."""
    spec = exercise.spec
    if spec.reps is not None:
        spec = spec.model_copy(update={"reps": spec.reps.model_copy(update={"min_count": int(target)})})
    else:
        assert spec.hold is not None
        spec = spec.model_copy(update={"hold": spec.hold.model_copy(update={"min_s": float(target)})})
    return Exercise(spec, exercise.thresholds, side=exercise.side, path=exercise.path,  # type: ignore[arg-type]
                    calibration_path=exercise.calibration_path)
