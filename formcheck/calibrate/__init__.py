"""Calibrating an exercise: personal thresholds from a reference hold (``reference``), default
thresholds fitted on labelled clips (``fit``), and writing calibration files (``profiles``).

The command group is :data:`formcheck.cli.calibrate.calibrate`.
"""

from formcheck.calibrate.fit import FitResult, LabelMap, fit_exercise, read_labels
from formcheck.calibrate.measure import Measured, measure_recording
from formcheck.calibrate.reference import Proposal, ReferenceResult, propose_from_reference
from formcheck.calibrate.roc import Roc, ThresholdFit, balanced_accuracy, best_threshold, roc_curve

__all__ = [
    "FitResult", "LabelMap", "Measured", "Proposal", "ReferenceResult", "Roc", "ThresholdFit",
    "balanced_accuracy", "best_threshold", "fit_exercise", "measure_recording", "propose_from_reference",
    "read_labels", "roc_curve",
]
