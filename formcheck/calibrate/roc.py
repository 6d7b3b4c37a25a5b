"""Threshold selection for one check: which limit best separates good frames from faulty ones.

Scores are oriented so that a *larger* score means "more faulty" and a frame is flagged when
``score > threshold``; a ``min`` limit (fault below it) is handled by negating values and threshold.
Written in numpy: it is small, and keeps scikit-learn out of the dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Roc:
    fpr: np.ndarray  # false-positive rate (good frames flagged) per threshold, rising
    tpr: np.ndarray  # true-positive rate (faulty frames flagged) per threshold
    thresholds: np.ndarray  # flag when score > threshold

    @property
    def auc(self) -> float:
        return float(np.trapz(self.tpr, self.fpr))


@dataclass(frozen=True)
class ThresholdFit:
    threshold: float  # in score orientation: flag when score > threshold
    balanced_accuracy: float
    f1: float
    tpr: float
    fpr: float
    n_good: int
    n_fault: int


def _rates(good: np.ndarray, fault: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TPR and FPR of "flag when score > t" for every t, by counting with sorted arrays."""
    g, f = np.sort(good), np.sort(fault)
    fpr = (g.size - np.searchsorted(g, thresholds, side="right")) / max(g.size, 1)
    tpr = (f.size - np.searchsorted(f, thresholds, side="right")) / max(f.size, 1)
    return tpr, fpr


def candidate_thresholds(good: np.ndarray, fault: np.ndarray) -> np.ndarray:
    """Midpoints between consecutive distinct scores, plus one below and one above all of them:
    every distinct way of splitting the frames, each placed as far from its neighbours as it can be."""
    u = np.unique(np.concatenate([good, fault]))
    if u.size == 0:
        return np.array([0.0])
    mids = (u[:-1] + u[1:]) / 2
    return np.concatenate([[u[0] - 1.0], mids, [u[-1] + 1.0]])


def roc_curve(good: np.ndarray, fault: np.ndarray) -> Roc:
    t = candidate_thresholds(good, fault)[::-1]  # high threshold first: the curve starts at (0, 0)
    tpr, fpr = _rates(good, fault, t)
    return Roc(fpr=fpr, tpr=tpr, thresholds=t)


def balanced_accuracy(good: np.ndarray, fault: np.ndarray, threshold: float) -> float:
    """Mean of the fault class's recall and the good class's specificity (a class with no frames
    counts as fully right, so a clip with only good frames is judged on its good frames)."""
    tpr, fpr = _rates(good, fault, np.array([threshold]))
    recall = tpr[0] if fault.size else 1.0
    specificity = 1.0 - fpr[0] if good.size else 1.0
    return float((recall + specificity) / 2)


def f1_score(good: np.ndarray, fault: np.ndarray, threshold: float) -> float:
    tp = float(np.sum(fault > threshold))
    fp = float(np.sum(good > threshold))
    fn = float(fault.size) - tp
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def best_threshold(good: np.ndarray, fault: np.ndarray) -> ThresholdFit:
    """The threshold with the highest balanced accuracy. Candidates are midpoints between the
    observed scores, so the limit sits halfway between the nearest good and faulty frames; ties go
    to the median tied candidate (never an average of two, which could fall in a worse gap)."""
    good = np.asarray(good, float)
    fault = np.asarray(fault, float)
    if good.size == 0 or fault.size == 0:
        raise ValueError("need frames of both classes to choose a threshold")
    t = candidate_thresholds(good, fault)
    tpr, fpr = _rates(good, fault, t)
    ba = (tpr + 1.0 - fpr) / 2
    best = np.flatnonzero(np.isclose(ba, ba.max(), rtol=0, atol=1e-12))
    chosen = float(t[best[(best.size - 1) // 2]])
    return ThresholdFit(threshold=chosen, balanced_accuracy=balanced_accuracy(good, fault, chosen),
                        f1=f1_score(good, fault, chosen),
                        tpr=float(np.mean(fault > chosen)), fpr=float(np.mean(good > chosen)),
                        n_good=int(good.size), n_fault=int(fault.size))
