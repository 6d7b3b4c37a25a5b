"""Exercises as data: rules read from ``poses/*.toml``, thresholds from ``calibration/*.toml``."""

from formcheck.judge.exercises.evaluation import CheckResult, EvalContext, Evaluation, Status
from formcheck.judge.exercises.exercise import CheckInfo, Exercise, Threshold
from formcheck.judge.exercises.library import ExerciseInfo, data_dirs, list_exercises, load_exercise

__all__ = [
    "CheckInfo", "CheckResult", "EvalContext", "Evaluation", "Exercise", "ExerciseInfo", "Status",
    "Threshold", "data_dirs", "list_exercises", "load_exercise",
]
