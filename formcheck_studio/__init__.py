"""The rendered exercise studio: a posable mannequin, a small renderer and exact ground truth.

No public dataset shows every exercise with every fault from every camera angle, so formcheck
renders its own clips. Everything here is built from NumPy/OpenCV primitives; no asset is
downloaded. The main entry point is :func:`render_clip`.

Names are imported on first use so that ``formcheck --help`` does not load OpenCV and PyAV.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "render_clip": "formcheck_studio.clip",
    "plan_clip": "formcheck_studio.clip",
    "StudioInputError": "formcheck_studio.clip",
    "GroundTruth": "formcheck_studio.groundtruth",
    "HoldSpan": "formcheck_studio.groundtruth",
    "EXERCISES": "formcheck_studio.motions",
    "UnknownExerciseError": "formcheck_studio.motions",
    "UnknownFaultError": "formcheck_studio.motions",
    "exercise_names": "formcheck_studio.motions",
    "faults_for": "formcheck_studio.motions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'formcheck_studio' has no attribute {name!r}")
