"""The rendered exercise studio: a posable mannequin, a small renderer and exact ground truth.

No public dataset shows every exercise with every fault from every camera angle, so formcheck
renders its own clips. Everything here is built from NumPy/OpenCV primitives; no asset is
downloaded. The main entry point is :func:`render_clip`.

formcheck never imports the studio, except ``formcheck studio``, which loads it when it runs.
"""

from formcheck_studio.clip import StudioInputError, plan_clip, render_clip
from formcheck_studio.groundtruth import GroundTruth, HoldSpan
from formcheck_studio.motions import EXERCISES, UnknownExerciseError, UnknownFaultError, exercise_names, faults_for

__all__ = [
    "EXERCISES", "GroundTruth", "HoldSpan", "StudioInputError", "UnknownExerciseError", "UnknownFaultError",
    "exercise_names", "faults_for", "plan_clip", "render_clip",
]
