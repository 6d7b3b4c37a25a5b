"""Threshold selection, hand-computed cases: what the fit chooses and the numbers it reports."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.calibrate.fit import LabelMap, frame_labels, read_labels
from formcheck.calibrate.roc import balanced_accuracy, best_threshold, f1_score, roc_curve


def test_perfectly_separable_gives_ba_1_and_a_threshold_between_the_classes():
    fit = best_threshold(np.array([0.0, 0.1, 0.2]), np.array([0.5, 0.6]))
    assert fit.balanced_accuracy == 1.0 and fit.f1 == 1.0
    assert fit.threshold == pytest.approx(0.35)  # halfway between the nearest good (0.2) and faulty (0.5)
    assert (fit.tpr, fit.fpr, fit.n_good, fit.n_fault) == (1.0, 0.0, 3, 2)


def test_overlap_chooses_the_best_balanced_accuracy():
    good = np.array([1.0, 2.0, 3.0, 4.0])
    fault = np.array([3.5, 5.0, 6.0])
    fit = best_threshold(good, fault)
    # t = 3.25 (between 3 and 3.5) flags 4 (one good of four) and all faults: BA = (1 + 3/4) / 2 =
    # 0.875; t = 4.5 flags no good and 2 of 3 faults: (2/3 + 1) / 2 = 0.833; t = 3.75: (2/3 + 3/4) / 2.
    assert fit.threshold == pytest.approx(3.25)
    assert fit.balanced_accuracy == pytest.approx(0.875)
    assert fit.f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 0))


def test_balanced_accuracy_counts_flags_above_the_threshold():
    good, fault = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    assert balanced_accuracy(good, fault, 1.5) == 1.0
    assert balanced_accuracy(good, fault, 2.5) == 0.75  # half the faults missed
    assert balanced_accuracy(good, fault, -1.0) == 0.5  # everything flagged
    assert f1_score(good, fault, 2.5) == pytest.approx(2 / 3)


def test_roc_runs_from_0_0_to_1_1_and_its_auc():
    roc = roc_curve(np.array([0.0, 1.0]), np.array([2.0, 3.0]))
    assert (roc.fpr[0], roc.tpr[0]) == (0.0, 0.0) and (roc.fpr[-1], roc.tpr[-1]) == (1.0, 1.0)
    assert roc.auc == pytest.approx(1.0)
    assert roc_curve(np.array([0.0, 1.0]), np.array([0.0, 1.0])).auc == pytest.approx(0.5)


def test_one_class_only_is_refused():
    with pytest.raises(ValueError):
        best_threshold(np.array([1.0]), np.array([]))


def test_frame_labels_leave_out_the_boundaries(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("video,start_s,end_s,label\na.mp4,0,2,c\na.mp4,2,4,h\n")
    spans = read_labels(path)["a.mp4"]
    t = np.arange(0, 4, 0.25)
    got = frame_labels(t, spans, 0.5)
    assert list(got) == ["c"] * 6 + [""] * 4 + ["h"] * 6


def test_label_map_letters():
    m = LabelMap(good=frozenset("c"), faults={"h": "hips_too_high", "p": "hips_too_high", "l": "hips_too_low"})
    assert m.check_letters("hips_too_high") == {"h", "p"}
