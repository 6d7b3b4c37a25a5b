"""Profiles: where they are found, and that none can loosen a threshold past its safety bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import formcheck
from formcheck.cli.exercises import explain_command
from formcheck.errors import ExerciseError
from formcheck.judge.exercises.library import PROFILES_ENV, data_dirs, find_profile, load_exercise, user_profiles_dir

REPO = Path(__file__).resolve().parents[1]
PACKAGE = Path(formcheck.__file__).parent


@pytest.fixture
def profiles(tmp_path, monkeypatch) -> Path:
    """The user's profile folder, redirected to a temporary one."""
    folder = tmp_path / "profiles"
    monkeypatch.setenv(PROFILES_ENV, str(folder))
    return folder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


LOOSE = '''exercise = "forearm_plank"
version = 1
[thresholds.hip_above_line_max]
value = 0.55
source = "too loose on purpose"
[thresholds.upper_arm_tilt_max]
value = 35
source = "a little looser, within bounds"
'''


def test_user_profile_folder_comes_first_and_is_overridable(profiles):
    assert user_profiles_dir() == profiles
    assert data_dirs().profiles == (profiles, PACKAGE / "calibration" / "profiles")
    _write(profiles / "anna" / "forearm_plank.toml", LOOSE)
    assert find_profile("anna", "forearm_plank") == profiles / "anna" / "forearm_plank.toml"
    # The shipped example is found when the user has no profile of that name.
    assert find_profile("example-loose", "forearm_plank") == (
        PACKAGE / "calibration" / "profiles" / "example-loose" / "forearm_plank.toml")


def test_unknown_or_bad_profile_names_are_refused(profiles):
    with pytest.raises(ExerciseError, match="no calibration profile 'nobody'"):
        load_exercise("forearm_plank", profile="nobody")
    with pytest.raises(ExerciseError, match="invalid profile name"):
        find_profile("../etc", "forearm_plank")


def test_profile_past_the_safety_bound_is_clipped_and_says_so(profiles):
    _write(profiles / "anna" / "forearm_plank.toml", LOOSE)
    ex = load_exercise("forearm_plank", profile="anna")
    t = ex.thresholds["hip_above_line_max"]
    assert t.value == 0.4 and t.bounds == (0.05, 0.4) and t.origin == "profile" and t.clipped
    assert t.clip_note() == "hip_above_line_max 0.55 clipped to safety bound 0.4"
    assert ex.thresholds["upper_arm_tilt_max"].value == 35 and not ex.thresholds["upper_arm_tilt_max"].clipped
    assert ex.thresholds["hip_above_line_min"].origin == "default"
    # The clipped limit is the one in force: a hip 0.45 above the line still fails.
    assert not next(c for c in ex._compiled["left"].checks if c.spec.id == "hips_too_high").passes(0.45)


def test_explain_shows_the_profile_and_the_clipping(profiles):
    _write(profiles / "anna" / "forearm_plank.toml", LOOSE)
    out = CliRunner().invoke(explain_command, ["forearm_plank", "--profile", "anna"], env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    assert "hip_above_line_max 0.55 clipped to safety bound 0.4" in out.output
    assert "in force from" in out.output and "profile" in out.output and "default" in out.output


def test_shipped_example_profile_is_clipped_too(profiles):
    t = load_exercise("forearm_plank", profile="example-loose").thresholds["hip_above_line_max"]
    assert t.clip_note() == "hip_above_line_max 0.5 clipped to safety bound 0.4"


def test_default_calibration_outside_bounds_is_still_rejected(tmp_path):
    cal = tmp_path / "cal"
    text = (REPO / "calibration" / "forearm_plank.toml").read_text()
    import re
    text = re.sub(r"(\[thresholds\.hip_above_line_max\]\nvalue = )[-0-9.]+", r"\g<1>0.55", text)
    _write(cal / "forearm_plank.toml", text)
    with pytest.raises(ExerciseError, match="safety bounds"):
        load_exercise("forearm_plank", calibration_dir=cal)


def test_malformed_profile_is_rejected_not_clipped(profiles):
    _write(profiles / "bad" / "forearm_plank.toml",
           'exercise = "forearm_plank"\n[thresholds.hip_above_line_max]\nvalue = "high"\nsource = "x"\n')
    with pytest.raises(ExerciseError, match="hip_above_line_max"):
        load_exercise("forearm_plank", profile="bad")
    _write(profiles / "other" / "forearm_plank.toml",
           'exercise = "wall_sit"\n[thresholds.hip_above_line_max]\nvalue = 0.1\nsource = "x"\n')
    with pytest.raises(ExerciseError, match="expected 'forearm_plank'"):
        load_exercise("forearm_plank", profile="other")
