"""Exercise variants (``[[variants]]`` in an exercise file, issue #21 item 6): a way of doing the
exercise that is told apart frame by frame, judged with limits of its own where it has them, and
named in every frame's record, report.json, report.html and the terminal summary."""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pydantic import ValidationError

from formcheck.errors import ExerciseError
from formcheck.judge.exercises import load_exercise
from formcheck.judge.exercises.exercise_file import ExerciseFile
from formcheck.judge.scoring import Scorer
from formcheck.outputs.html_report import write_html
from formcheck.outputs.json_report import report_dict
from formcheck.outputs.terminal_summary import score_rows
from formcheck.pose.landmarks import Landmark
from tests.posebuild import side_view

REPO = Path(__file__).resolve().parents[1]

# A plank facing right on a 1000 px image: shoulder-ankle line from (700, 400) to (150, 570). The
# hip at (450, 399) sits 0.13 shoulder-to-ankle lengths above that line: above the forearm plank's
# hip_above_line_max (0.1075), within the straight-arm plank's (0.155).
BODY = {"shoulder": (700, 400), "hip": (450, 399), "knee": (300, 484.5), "ankle": (150, 570),
        "heel": (140, 560), "foot_index": (150, 600)}
STRAIGHT_ARMS = {**BODY, "elbow": (700, 500), "wrist": (700, 600)}  # elbow a forearm above the floor
FOREARMS = {**BODY, "elbow": (700, 500), "wrist": (800, 500)}  # forearm on the floor


def _plank_file() -> dict:
    return tomllib.loads((REPO / "poses" / "forearm_plank.toml").read_text())


@pytest.fixture(scope="module")
def plank():
    return load_exercise("forearm_plank")


def test_a_straight_arm_plank_is_judged_with_its_own_hip_limits(plank):
    straight = plank.evaluate(side_view(STRAIGHT_ARMS))
    assert straight.in_position and straight.variant == "straight_arm"
    hips = straight.result("hips_too_high")
    assert hips.value == pytest.approx(0.13, abs=0.005) and hips.max == pytest.approx(0.155)
    assert straight.all_pass
    # The same hips on the forearms: the forearm plank's own limit, a fault.
    forearm = plank.evaluate(side_view(FOREARMS))
    assert forearm.in_position and forearm.variant is None
    assert forearm.result("hips_too_high").max == pytest.approx(0.1075)
    assert forearm.failing == ("hips_too_high",)


def test_a_straight_arm_pike_and_sag_still_fail():
    plank = load_exercise("forearm_plank")
    for dy, check in ((-50, "hips_too_high"), (80, "hips_too_low")):  # 0.21 above the line, 0.0 (sagging)
        body = {**STRAIGHT_ARMS, "hip": (450, 399 + dy), "knee": (300, 484.5 + dy / 2)}
        ev = plank.evaluate(side_view(body))
        assert ev.variant == "straight_arm" and check in ev.failing, (dy, ev.results)


def test_a_variant_that_cannot_be_told_is_judged_as_the_exercise_never_guessed(plank):
    frame = side_view(STRAIGHT_ARMS)
    missing = frame.missing.copy()
    missing[Landmark.left_wrist] = True  # the near wrist out of sight: the elbow's height cannot be read
    ev = plank.evaluate(frame.replace(missing=missing))
    assert ev.variant is None and ev.result("hips_too_high").max == pytest.approx(0.1075)


def test_the_variant_is_named_in_the_frame_record_and_every_report(tmp_path, plank):
    scorer = Scorer(plank)
    for i in range(30):  # 3 s held on straight arms, 10 frames a second
        scorer.update(side_view(STRAIGHT_ARMS).replace(t_s=i / 10, index=i))
    score = scorer.finish(3.0)
    # The first frame is not yet in position (its speed is not known): no variant is named for it.
    assert [row.variant for row in score.frames] == [None] + ["straight_arm"] * 29
    assert score.summary.valid_s == pytest.approx(2.9)
    report = report_dict(score, "hand-made")
    assert report["variant"] == "straight_arm"
    assert report["variant_s"] == {"straight_arm": pytest.approx(2.9)}
    assert [f["variant"] for f in report["frames"]] == [None] + ["straight_arm"] * 29
    assert ("done as", "straight-arm (high) plank 2.9 s of 2.9 s") in score_rows(score)
    page = write_html(score, "hand-made", tmp_path / "report.html", None).read_text()
    assert "Done as: straight-arm (high) plank 2.9 s of 2.9 s" in page


def test_a_plank_on_the_forearms_names_no_variant(plank):
    scorer = Scorer(plank)
    for i in range(10):
        scorer.update(side_view(FOREARMS).replace(t_s=i / 10, index=i))
    score = scorer.finish(1.0)
    report = report_dict(score, "hand-made")
    assert report["variant"] is None and set(report["variant_s"]) <= {""}
    assert not [label for label, _ in score_rows(score) if label == "done as"]
    # An exercise without variants says so with null.
    assert report_dict(Scorer(load_exercise("wall_sit")).finish(0.0), "x")["variant_s"] is None


@pytest.mark.parametrize("change, message", [
    (lambda v: v.update(name="Straight arm"), "name"),
    (lambda v: v["thresholds"].update(entry_knee_angle_min="straight_arm_hip_above_line_max"),
     "'entry_knee_angle_min' is not a limit of any check"),
    (lambda v: v["thresholds"].update(hip_above_line_max="hip_above_line_max"), "got itself"),
    (lambda v: v["thresholds"].update(hip_above_line_max="nowhere_declared"), "not declared in \\[thresholds\\]"),
    (lambda v: v["thresholds"].update(upper_arm_tilt_max="straight_arm_hip_above_line_max"),
     "expected a threshold in 'deg'"),
    (lambda v: v["when"][0].update(cue="Straighten up"), "expected no 'cue'"),
    (lambda v: v["when"][0].update(met_if_unseen=True), "must be seen"),
    (lambda v: v.update(when=[]), "when"),
])
def test_a_variant_is_validated_field_by_field(change, message):
    data = _plank_file()
    change(data["variants"][0])
    with pytest.raises(ValidationError, match=message):
        ExerciseFile.model_validate(data)


def test_two_variants_need_two_names_and_a_variant_threshold_counts_as_used():
    data = _plank_file()
    data["variants"].append(dict(data["variants"][0]))
    with pytest.raises(ValidationError, match="used twice"):
        ExerciseFile.model_validate(data)
    data = _plank_file()
    del data["variants"]
    with pytest.raises(ValidationError, match="thresholds.straight_arm_elbow_off_floor_min, "
                                              "thresholds.straight_arm_hip_above_line_max"):
        ExerciseFile.model_validate(data)


def test_a_variant_limit_pair_out_of_order_is_refused(tmp_path):
    # The variant's minimum above its maximum would fail every straight-arm frame: refused, naming
    # the file and field, as for the exercise's own limits.
    cal = (REPO / "calibration" / "forearm_plank.toml").read_text()
    (tmp_path / "forearm_plank.toml").write_text(cal.replace(
        "[thresholds.straight_arm_hip_above_line_min]\nvalue = 0.0225",
        "[thresholds.straight_arm_hip_above_line_min]\nvalue = 0.09"))
    (tmp_path / "profile.toml").write_text(
        'exercise = "forearm_plank"\n[thresholds.straight_arm_hip_above_line_max]\nvalue = 0.08\nsource = "test"\n')
    load_exercise("forearm_plank", calibration_dir=tmp_path)  # 0.09 <= 0.155: fine
    with pytest.raises(ExerciseError, match="straight_arm_hip_above_line_max.value: expected at least "
                                            "straight_arm_hip_above_line_min = 0.09.*variant 'straight_arm'"):
        load_exercise("forearm_plank", calibration_dir=tmp_path, profile=tmp_path / "profile.toml")


def test_the_side_plank_names_its_straight_arm_variant_with_the_same_limits():
    side_plank = load_exercise("side_plank")
    (variant,) = side_plank.variants
    assert variant.name == "straight_arm" and variant.title == "straight-arm side plank"
    assert dict(variant.thresholds) == {}


def test_explain_names_each_variant_and_the_limits_it_puts_in_force():
    from click.testing import CliRunner

    from formcheck.cli.exercises import explain_command

    out = CliRunner().invoke(explain_command, ["plank"], env={"COLUMNS": "200"}).output
    assert "Variant straight_arm (straight-arm (high) plank)" in out
    assert "instead of hip_above_line_max  straight_arm_hip_above_line_max = 0.155" in out
    out = CliRunner().invoke(explain_command, ["side plank"], env={"COLUMNS": "200"}).output
    assert "Variant straight_arm (straight-arm side plank)" in out and "as above (named in the report)" in out
