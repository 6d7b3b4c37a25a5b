"""The plank rules against labelled real landmarks (exercise-correction-plank-test.csv)."""

from collections import Counter

import pytest

from formcheck.judge.exercises import load_exercise
from tests.posebuild import load_landmark_csv, plank_verdict

pytestmark = pytest.mark.real_data


def test_plank_rules_agree_with_labels(shared_data):
    frames = load_landmark_csv(shared_data / "landmarks" / "exercise-correction-plank-test.csv")
    ex = load_exercise("forearm_plank")
    confusion = Counter((label, plank_verdict(ex.evaluate(f)).upper()) for label, f in frames)
    agree = sum(confusion[(k, k)] for k in "CHL") / len(frames)
    assert agree >= 0.90, confusion
    # Hips high and hips low are told apart.
    assert confusion[("H", "L")] == 0 and confusion[("L", "H")] == 0, confusion


def test_kaggle_correct_planks_are_in_position(shared_data):
    frames = load_landmark_csv(shared_data / "landmarks" / "exercise-correction-plank-kaggle.csv")
    ex = load_exercise("forearm_plank")
    preds = Counter(plank_verdict(ex.evaluate(f)).upper() for _, f in frames)
    assert preds["I"] <= 0.05 * len(frames), preds
    assert preds["H"] == 0, preds
