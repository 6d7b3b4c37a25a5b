"""Loading the shipped library, and rejecting malformed exercise and calibration files."""

import shutil
from pathlib import Path

import pytest

import formcheck
from formcheck.errors import ExerciseError
from formcheck.judge.exercises import data_dirs, list_exercises, load_exercise
from formcheck.judge.exercises.checks import EVALUATORS
from formcheck.judge.exercises.conditions import CHECK_KINDS

REPO = Path(__file__).resolve().parents[1]
EXPECTED = {"wall_sit", "glute_bridge", "forearm_plank", "side_plank_left", "side_plank_right", "bird_dog_left",
            "bird_dog_right", "dead_bug", "clamshell_left", "clamshell_right", "cat_cow", "pelvic_tilt",
            "bird_dog", "clamshell", "side_plank",
            "bodyweight_squat"}


def test_library_lists_every_exercise_and_each_loads():
    names = {i.name for i in list_exercises()}
    assert names == EXPECTED
    for name in names:
        ex = load_exercise(name)
        assert ex.checks and ex.setup and ex.description
        assert (ex.hold_min_s is not None) != (ex.reps is not None)
        for t in ex.thresholds.values():
            assert t.bounds[0] <= t.value <= t.bounds[1] and t.source


def test_every_kind_has_an_evaluator():
    assert set(CHECK_KINDS) == set(EVALUATORS)


def test_exercise_files_are_read_from_the_package_not_the_checkout():
    package = Path(formcheck.__file__).parent
    assert data_dirs().poses == (package / "poses",)
    assert data_dirs().calibration == (package / "calibration",)
    # In a clone the packaged folders are the repository's own (one copy), so a wheel built from it
    # carries exactly the files the tests read.
    assert (package / "poses").resolve() == REPO / "poses"
    assert (package / "calibration").resolve() == REPO / "calibration"


def test_wall_sit_holds_one_to_two_minutes():
    ex = load_exercise("wall_sit")
    assert (ex.hold_min_s, ex.hold_max_s) == (60, 120)


def test_one_sided_exercise_without_a_side_is_judged_on_both():
    ex = load_exercise("side_plank")
    assert ex.both_sides and ex.side is None and ex.name == "side_plank"
    with pytest.raises(ExerciseError, match="unknown exercise .side_plank_middle."):
        load_exercise("side_plank_middle")


def test_unknown_exercise_lists_known_ones():
    with pytest.raises(ExerciseError, match="wall_sit"):
        load_exercise("handstand")


@pytest.fixture
def copy_of(tmp_path):
    """``copy_of(name)`` copies a shipped exercise and its calibration to tmp_path and returns
    ``(pose path, calibration folder, edit)``; ``edit("pose" | "cal", old, new)`` edits the copy's text."""
    def make(name: str):
        poses, cal = tmp_path / "poses", tmp_path / "calibration"
        poses.mkdir(exist_ok=True)
        cal.mkdir(exist_ok=True)
        shutil.copy(REPO / "poses" / f"{name}.toml", poses)
        shutil.copy(REPO / "calibration" / f"{name}.toml", cal)

        def edit(which: str, old: str, new: str) -> None:
            path = (poses if which == "pose" else cal) / f"{name}.toml"
            text = path.read_text()
            assert old in text, old
            path.write_text(text.replace(old, new, 1))

        return poses / f"{name}.toml", cal, edit

    return make


@pytest.fixture
def copy(copy_of):
    """The shipped wall sit, copied to be edited (see ``copy_of``)."""
    return copy_of("wall_sit")


def _error(pose, cal) -> str:
    with pytest.raises(ExerciseError) as info:
        load_exercise(pose, calibration_dir=cal)
    return str(info.value)


def test_copy_loads_unchanged(copy):
    pose, cal, _ = copy
    assert load_exercise(pose, calibration_dir=cal).name == "wall_sit"


def _thighs_check_index() -> int:
    """Where ``thighs_parallel`` sits among the wall sit's checks: errors name the check by position."""
    import tomllib

    checks = tomllib.loads((REPO / "poses" / "wall_sit.toml").read_text())["checks"]
    return [c["id"] for c in checks].index("thighs_parallel")


def test_unknown_landmark_lists_valid_names(copy):
    pose, cal, edit = copy
    edit("pose", 'points = ["hip", "knee"]', 'points = ["hip", "kneee"]')
    msg = _error(pose, cal)
    assert "wall_sit.toml" in msg and "exercise 'wall_sit'" in msg
    assert f"checks[{_thighs_check_index()}] (id 'thighs_parallel').points[1]" in msg
    assert "'kneee'" in msg and "left_knee" in msg and "right_foot_index" in msg


def test_unknown_check_kind(copy):
    pose, cal, edit = copy
    edit("pose", 'kind = "segment_angle"\npoints = ["hip", "knee"]', 'kind = "segment_slope"\npoints = ["hip", "knee"]')
    msg = _error(pose, cal)
    assert f"checks[{_thighs_check_index()}]" in msg and "segment_slope" in msg and "joint_angle" in msg


def test_missing_field(copy):
    pose, cal, edit = copy
    edit("pose", 'cue = "Slide down until your thighs are parallel to the floor"\n', "")
    msg = _error(pose, cal)
    assert f"checks[{_thighs_check_index()}] (id 'thighs_parallel'): missing cue" in msg


def test_missing_top_level_field(copy):
    pose, cal, edit = copy
    edit("pose", 'title = "Wall sit"\n', "")
    msg = _error(pose, cal)
    assert "field title: missing" in msg


def test_min_above_max(copy):
    pose, cal, edit = copy
    edit("pose", "min_s = 60", "min_s = 150")
    msg = _error(pose, cal)
    assert "hold" in msg and "min_s" in msg and "150" in msg


def test_threshold_not_a_number(copy):
    pose, cal, edit = copy
    edit("cal", "value = 25", 'value = "flat"')
    msg = _error(pose, cal)
    assert "calibration" in msg and "thresholds.thigh_tilt_max.value" in msg and "'flat'" in msg
    assert "number" in msg


def test_threshold_missing_from_calibration(copy):
    pose, cal, edit = copy
    edit("cal", "[thresholds.shin_tilt_max]\nvalue = 15", "[thresholds.shin_tilt_mx]\nvalue = 15")
    msg = _error(pose, cal)
    assert "shin_tilt_mx: not a threshold" in msg and "shin_tilt_max: missing" in msg


def test_threshold_outside_safety_bounds(copy):
    pose, cal, edit = copy
    edit("cal", "value = 25", "value = 80")
    assert "safety bounds [10.0, 35.0], got 80" in _error(pose, cal)


def test_undeclared_threshold_name(copy):
    pose, cal, edit = copy
    edit("pose", 'max = "thigh_tilt_max"', 'max = "thigh_max"')
    assert "'thigh_max', which is not declared" in _error(pose, cal)


def test_unit_mismatch(copy):
    pose, cal, edit = copy
    edit("pose", 'max = "thigh_tilt_max"', 'max = "back_wall_distance_max"')
    assert "measures in 'deg'" in _error(pose, cal)


def test_invalid_toml(copy):
    pose, cal, edit = copy
    edit("pose", 'title = "Wall sit"', 'title = "Wall sit')
    assert "not valid TOML" in _error(pose, cal)


def test_profile_overrides_some_thresholds(copy, tmp_path):
    pose, cal, _ = copy
    (cal / "deep").mkdir()
    (cal / "deep" / "wall_sit.toml").write_text(
        'exercise = "wall_sit"\n[thresholds.thigh_tilt_max]\nvalue = 12\nsource = "test"\n')
    ex = load_exercise(pose, calibration_dir=cal, profile="deep")
    assert ex.thresholds["thigh_tilt_max"].value == 12
    assert ex.thresholds["shin_tilt_max"].value == 15


def test_cli_lists_and_explains():
    from click.testing import CliRunner

    from formcheck.cli.exercises import exercises_command, explain_command
    out = CliRunner().invoke(exercises_command, []).output
    assert "wall_sit" in out and "side_plank_left" in out
    res = CliRunner().invoke(explain_command, ["wall_sit"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    assert "heel_not_behind_knee" in res.output and "Press your lower back into the wall" in res.output
    assert isinstance(CliRunner().invoke(explain_command, ["nope"]).exception, ExerciseError)


def test_relative_to_must_name_a_rep_phase(copy):
    pose, cal, edit = copy
    edit("pose", 'id = "thighs_parallel"', 'id = "thighs_parallel"\nrelative_to = "up"')
    msg = _error(pose, cal)
    assert "'thighs_parallel'" in msg and "relative_to" in msg and "'up'" in msg and "no reps" in msg


@pytest.mark.parametrize("field", ['relative_to = "up"', "reach = true"])
def test_per_rep_fields_are_for_checks_only(copy, field):
    pose, cal, edit = copy
    edit("pose", 'min = "entry_knee_angle_min", max = "entry_knee_angle_max" }',
         f'min = "entry_knee_angle_min", max = "entry_knee_angle_max", {field} }}')
    msg = _error(pose, cal)
    assert "entry.conditions[0]" in msg and f"'{field.split()[0]}' is for checks only" in msg


def test_reach_needs_reps(copy):
    pose, cal, edit = copy
    edit("pose", 'id = "thighs_parallel"', 'id = "thighs_parallel"\nreach = true')
    msg = _error(pose, cal)
    assert "'thighs_parallel'" in msg and "'reach' needs [reps]" in msg and "no [reps]" in msg


def test_reach_is_judged_at_the_top_only(copy_of):
    pose, cal, edit = copy_of("glute_bridge")
    edit("pose", 'during = ["up"]\nreach = true', 'during = ["down"]\nreach = true')
    msg = _error(pose, cal)
    assert "'hips_high_enough'" in msg and "needs during = ['up']" in msg and "got during = ['down']" in msg


def test_a_declared_threshold_that_nothing_uses_is_an_error(copy):
    pose, cal, edit = copy
    edit("pose", "[thresholds.thigh_tilt_max]",
         '[thresholds.spare_max]\nunit = "deg"\nbounds = [0, 10]\nabout = "read by nothing"\n\n'
         "[thresholds.thigh_tilt_max]")
    edit("cal", "[thresholds.thigh_tilt_max]", '[thresholds.spare_max]\nvalue = 5\nsource = "test"\n\n'
         "[thresholds.thigh_tilt_max]")
    msg = _error(pose, cal)
    assert "wall_sit.toml" in msg and "exercise 'wall_sit'" in msg
    assert "thresholds.spare_max: unused threshold" in msg and "expected every declared threshold to be used" in msg


def test_a_calibrated_threshold_the_exercise_does_not_use_is_an_error(copy):
    pose, cal, edit = copy
    edit("cal", "[thresholds.thigh_tilt_max]", '[thresholds.spare_max]\nvalue = 5\nsource = "test"\n\n'
         "[thresholds.thigh_tilt_max]")
    msg = _error(pose, cal)
    assert "calibration/wall_sit.toml" in msg and "calibration of exercise 'wall_sit'" in msg
    assert "field thresholds.spare_max: not a threshold of this exercise" in msg and "unused threshold" in msg


def test_safety_bounds_low_above_high(copy):
    pose, cal, edit = copy
    edit("pose", "bounds = [10, 35]", "bounds = [35, 10]")
    msg = _error(pose, cal)
    assert "wall_sit.toml" in msg and "exercise 'wall_sit'" in msg and "field thresholds.thigh_tilt_max:" in msg
    assert "expected bounds = [low, high] with low <= high, got [35.0, 10.0]" in msg


@pytest.mark.parametrize(("which", "old", "new", "field", "got"), [
    ("pose", "bounds = [10, 35]", "bounds = [nan, 35]", "thresholds.thigh_tilt_max.bounds[0]", "nan"),
    ("pose", "bounds = [10, 35]", "bounds = [10, inf]", "thresholds.thigh_tilt_max.bounds[1]", "inf"),
    ("pose", "max_s = 120", "max_s = inf", "hold.max_s", "inf"),
    ("cal", "value = 25", "value = nan", "thresholds.thigh_tilt_max.value", "nan"),
    ("cal", "value = 25", "value = -inf", "thresholds.thigh_tilt_max.value", "-inf"),
])
def test_nan_and_infinity_are_refused_in_every_number(copy, which, old, new, field, got):
    pose, cal, edit = copy
    edit(which, old, new)
    msg = _error(pose, cal)
    where = "poses/wall_sit.toml: invalid exercise 'wall_sit'" if which == "pose" else \
        "calibration/wall_sit.toml: invalid calibration of exercise 'wall_sit'"
    assert where in msg
    assert f"field {field}: Input should be a finite number (got {got})" in msg


def test_an_entry_condition_never_speaks_a_cue(copy):
    pose, cal, edit = copy
    edit("pose", 'max = "entry_knee_angle_max" }', 'max = "entry_knee_angle_max", cue = "Sit lower" }')
    msg = _error(pose, cal)
    assert "wall_sit.toml" in msg and "exercise 'wall_sit'" in msg
    assert "entry.conditions[0]: an entry condition decides whether the person is in position" in msg
    assert "expected no 'cue', got cue = 'Sit lower'" in msg


def test_a_rep_phase_condition_never_speaks_a_cue(copy_of):
    pose, cal, edit = copy_of("glute_bridge")
    edit("pose", 'max = "down_hip_angle_max" }', 'max = "down_hip_angle_max", cue = "Lower" }')
    msg = _error(pose, cal)
    assert "reps.phases 'down' conditions[0]: a rep-phase condition" in msg and "got cue = 'Lower'" in msg


def test_shipped_profiles_still_load():
    ex = load_exercise("forearm_plank", profile="example-loose")
    assert any(t.origin == "profile" for t in ex.thresholds.values())


def _plank_profile(tmp_path, **values) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text('exercise = "forearm_plank"\n' + "".join(
        f'[thresholds.{name}]\nvalue = {value}\nsource = "test"\n' for name, value in values.items()))
    return path


def test_a_profile_minimum_above_the_maximum_it_pairs_with_is_refused(tmp_path):
    # hips_too_low's minimum 0.08 above hips_too_high's maximum 0.05: every plank would fault.
    profile = _plank_profile(tmp_path, hip_above_line_max=0.05, hip_above_line_min=0.08)
    with pytest.raises(ExerciseError) as info:
        load_exercise("forearm_plank", profile=profile)
    msg = str(info.value)
    assert msg.startswith(f"{profile}: invalid calibration of exercise 'forearm_plank'")
    assert "field thresholds.hip_above_line_min.value: expected at most hip_above_line_max = 0.05" in msg
    assert "got 0.08" in msg and "check 'hips_too_low' and check 'hips_too_high'" in msg


def test_a_minimum_clipped_to_its_bound_is_compared_as_clipped(tmp_path):
    # Asked 0.5, clipped to 0.1 (the bound): still at most the shipped maximum 0.1075, so it loads, clipped.
    ex = load_exercise("forearm_plank", profile=_plank_profile(tmp_path, hip_above_line_min=0.5))
    assert ex.thresholds["hip_above_line_min"].value == 0.1 and ex.thresholds["hip_above_line_min"].clipped
    # Clipped to 0.1 against a maximum of 0.06: inverted, and the message says what was asked.
    profile = _plank_profile(tmp_path, hip_above_line_min=0.5, hip_above_line_max=0.06)
    with pytest.raises(ExerciseError, match=r"got 0\.1 \(asked 0\.5, clipped to its safety bound\)"):
        load_exercise("forearm_plank", profile=profile)


def test_a_broken_exercise_file_is_skipped_and_the_others_still_load(tmp_path, monkeypatch):
    from formcheck.judge.exercises import library
    from formcheck.judge.exercises.library import DataDirs

    poses, cal = tmp_path / "poses", tmp_path / "calibration"
    poses.mkdir()
    cal.mkdir()
    for name in ("wall_sit", "forearm_plank"):
        shutil.copy(REPO / "poses" / f"{name}.toml", poses)
        shutil.copy(REPO / "calibration" / f"{name}.toml", cal)
    broken = poses / "forearm_plank.toml"
    broken.write_text(broken.read_text().replace("min_s = 20", "min_s = nan", 1))
    monkeypatch.setattr(library, "data_dirs", lambda: DataDirs(poses=(poses,), calibration=(cal,)))

    skipped: list[str] = []
    assert [i.name for i in list_exercises(on_skipped=skipped.append)] == ["wall_sit"]
    assert len(skipped) == 1 and "\n" not in skipped[0]
    assert f"skipped a broken exercise file: {broken}: invalid exercise 'forearm_plank': field hold.min_s" in skipped[0]
    assert load_exercise("wall sit").name == "wall_sit"
    # The broken one itself still fails with its own error, by its name with or without a side.
    with pytest.raises(ExerciseError, match=r"forearm_plank\.toml: invalid exercise 'forearm_plank':\n  field hold"):
        load_exercise("Forearm-Plank")


@pytest.mark.parametrize("columns", [80, 200])
def test_explain_wraps_to_the_terminal(columns):
    from click.testing import CliRunner

    from formcheck.cli.exercises import explain_command
    res = CliRunner().invoke(explain_command, ["wall_sit"], env={"COLUMNS": str(columns)})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines)
    # A six-column table folded into 303 lines at 80 columns; each check is now a heading and a few
    # labelled lines, its cue whole on the heading.
    assert len(lines) < 150, len(lines)
    ex = load_exercise("wall_sit")
    for check in ex.checks:
        heading = next((line for line in lines if line.startswith(f"{check.id}: ")), None)
        assert heading is not None, check.id
        if columns >= 200:
            assert heading.rstrip() == f'{check.id}: "{check.cue}"'
