"""Routine files (issue #22 item 1): validation naming file, step and field; progression replayed
over hand-made histories; today's plan and its record; the ``formcheck routine`` commands."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from formcheck.cli.main import main
from formcheck.outputs.history.rows import GOOD_REPS, Measure
from formcheck.outputs.history.store import HistoryStore
from formcheck.routines import RoutineError, RoutineLog, SetOutcome, example_routines, plan_today, read_routine
from formcheck.routines.progression import DayRecord, group_by_day, progressed_target
from formcheck.routines.routine_file import ProgressionSpec
from formcheck.routines.scaffold import TEMPLATE

HEADER = 'name = "Test routine"\n\n'


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "routine.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


# -- the examples -------------------------------------------------------------------------------

def test_both_example_routines_ship_and_load_by_name():
    examples = example_routines()
    assert set(examples) == {"wall-sit-progression", "low-back-basics"}
    wall = read_routine("Wall sit progression")  # an example's name as people type it
    assert [s.exercise for s in wall.steps] == ["wall_sit"]
    rule = wall.steps[0].spec.progression
    # "at least 1 minute, up to 2; start lower and progress": starts below 60 s, ends at 120 s.
    assert wall.steps[0].spec.hold_s < 60 and rule is not None and rule.up_to_s == 120
    basics = read_routine("low-back-basics")
    assert [s.exercise for s in basics.steps] == ["pelvic_tilt", "glute_bridge", "bird_dog", "dead_bug"]
    assert basics.steps[2].sides == ("left", "right")
    for path in examples.values():
        assert "not medical advice" in read_routine(path).notes


def test_the_scaffold_is_a_valid_routine(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(TEMPLATE.format(filename=path.name), encoding="utf-8")
    routine = read_routine(path)
    assert [s.exercise for s in routine.steps] == ["wall_sit", "glute_bridge"]


# -- validation: one error naming file, step (number and exercise) and field -----------------------

STEP = '[[steps]]\nexercise = "wall sit"\nhold_s = 30\n'
BAD = [
    ("unknown exercise", '[[steps]]\nexercise = "wal sit"\nhold_s = 30\n',
     ["step 1 (wal sit)", "field exercise", "unknown exercise 'wal sit'", "did you mean wall_sit"]),
    ("negative hold", '[[steps]]\nexercise = "wall sit"\nhold_s = -5\n', ["step 1 (wall sit)", "field hold_s", "-5"]),
    ("NaN hold", '[[steps]]\nexercise = "wall sit"\nhold_s = nan\n', ["step 1 (wall sit)", "field hold_s"]),
    ("hold as text", '[[steps]]\nexercise = "wall sit"\nhold_s = "30"\n',
     ["step 1 (wall sit)", "field hold_s", "'30'"]),
    ("rest as a boolean", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nrest_s = true\n',
     ["step 1 (wall sit)", "field rest_s", "True"]),
    ("fractional reps", '[[steps]]\nexercise = "bridge"\nreps = 8.5\n', ["step 1 (bridge)", "field reps", "8.5"]),
    ("ten-minute wall sit", '[[steps]]\nexercise = "wall sit"\nhold_s = 600\n',
     ["step 1 (wall sit)", "field hold_s", "at most 120 s", "got 600"]),
    ("too many reps", '[[steps]]\nexercise = "dead bug"\nreps = 40\n',
     ["step 1 (dead bug)", "field reps", "at most 10 reps"]),
    ("hold on a rep exercise", '[[steps]]\nexercise = "glute bridge"\nhold_s = 30\n',
     ["step 1 (glute bridge)", "field hold_s", "counted in repetitions"]),
    ("reps on a hold", '[[steps]]\nexercise = "plank"\nreps = 5\n',
     ["step 1 (plank)", "field reps", "held for a time"]),
    ("two targets", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nreps = 5\n',
     ["step 1 (wall sit)", "field hold_s", "got both"]),
    ("no target", '[[steps]]\nexercise = "wall sit"\n', ["step 1 (wall sit)", "field hold_s", "missing"]),
    ("one-sided without side", '[[steps]]\nexercise = "bird dog"\nreps = 6\n',
     ["step 1 (bird dog)", "field side", "'both'"]),
    ("side on a two-sided exercise", '[[steps]]\nexercise = "wall sit"\nside = "left"\nhold_s = 30\n',
     ["step 1 (wall sit)", "field side", "not done one side at a time"]),
    ("side contradicting the name", '[[steps]]\nexercise = "bird dog left"\nside = "right"\nreps = 6\n',
     ["step 1 (bird dog left)", "field side"]),
    ("zero sets", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nsets = 0\n', ["step 1 (wall sit)", "field sets"]),
    ("an hour's rest", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nrest_s = 3600\n',
     ["step 1 (wall sit)", "field rest_s", "3600"]),
    ("misspelt field", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nrest = 5\n',
     ["step 1 (wall sit)", "field rest", "not a known field"]),
    ("progression beyond the exercise", STEP + "[steps.progression]\nraise_by_s = 10\nup_to_s = 300\nafter_days = 2\n",
     ["step 1 (wall sit)", "field progression.up_to_s", "at most 120 s"]),
    ("progression below the start", STEP + "[steps.progression]\nraise_by_s = 10\nup_to_s = 20\nafter_days = 2\n",
     ["step 1 (wall sit)", "field progression.up_to_s", "at least the starting target 30"]),
    ("progression in the wrong unit", STEP + "[steps.progression]\nraise_by_reps = 1\nup_to_reps = 5\nafter_days = 2\n",
     ["step 1 (wall sit)", "field progression", "raise_by_s and up_to_s"]),
    ("progression every 0 days", STEP + "[steps.progression]\nraise_by_s = 10\nup_to_s = 60\nafter_days = 0\n",
     ["step 1 (wall sit)", "field progression.after_days"]),
    ("unknown profile", '[[steps]]\nexercise = "wall sit"\nhold_s = 30\nprofile = "nobody_here"\n',
     ["step 1 (wall sit)", "field profile", "nobody_here"]),
]


@pytest.mark.parametrize("body,expected", [(b, e) for _, b, e in BAD], ids=[i for i, _, _ in BAD])
def test_a_bad_step_is_one_error_naming_file_step_and_field(tmp_path, body, expected):
    path = _write(tmp_path, STEP.replace("wall sit", "plank") + "\n" + body.replace("step 1", "step 2"))
    with pytest.raises(RoutineError) as caught:
        read_routine(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message, message
    for part in expected:
        assert part.replace("step 1", "step 2") in message, message
    assert caught.value.exit_code == 2


def test_a_missing_name_or_bad_toml_names_the_file(tmp_path):
    with pytest.raises(RoutineError, match=r"routine\.toml: invalid routine: field name: missing"):
        read_routine(_write(tmp_path, STEP, header=""))
    with pytest.raises(RoutineError, match=r"routine\.toml: the routine file is not valid TOML"):
        read_routine(_write(tmp_path, "[[steps]\n"))
    with pytest.raises(RoutineError, match="no routine file or example routine named 'morning'.*low-back-basics"):
        read_routine("morning")
    with pytest.raises(RoutineError, match=r"nope\.toml: routine file not found"):
        read_routine(str(tmp_path / "nope.toml"))


def test_a_target_below_the_exercises_usual_minimum_is_allowed(tmp_path):
    # A therapist starts lower than the exercise's usual 60-120 s and lets the progression raise it.
    routine = read_routine(_write(tmp_path, '[[steps]]\nexercise = "wall sit"\nhold_s = 20\n'))
    assert routine.steps[0].spec.hold_s == 20 and routine.steps[0].usual == (60, 120)


# -- progression: hand-computed -------------------------------------------------------------------

RULE = ProgressionSpec(raise_by_s=10, up_to_s=50, after_days=2)
D = [date(2026, 3, d) for d in range(1, 10)]
HISTORY = [
    DayRecord(D[0], (30.0, 31.0)),   # met 30 (1)
    DayRecord(D[1], (30.0, 29.0)),   # one set short: not met, count kept
    DayRecord(D[2], (32.0, 30.0)),   # met 30 (2) -> 40
    DayRecord(D[3], (40.0, 35.0)),   # not met against 40 (35 would have met the old 30)
    DayRecord(D[4], (40.0, 41.0)),   # met 40 (1)
    DayRecord(D[5], (45.0, 40.0)),   # met 40 (2) -> 50, the maximum
    DayRecord(D[6], (50.0, 50.0)),   # met 50 (1)
    DayRecord(D[7], (50.0, 55.0)),   # met 50 (2) -> 60, capped at 50
]


@pytest.mark.parametrize("today,target,met_days,raises,capped", [
    (D[0], 30, 0, 0, False),   # nothing before today
    (D[2], 30, 1, 0, False),   # one met day of two needed
    (D[3], 40, 2, 1, False),   # the second met day raised it
    (D[5], 40, 3, 1, False),   # D[3] did not meet 40
    (D[6], 50, 4, 2, True),
    (D[8], 50, 6, 3, True),    # the third raise stays at the maximum
])
def test_progression_replays_the_rule_over_earlier_days(today, target, met_days, raises, capped):
    progress = progressed_target(30.0, RULE, 2, HISTORY, today)
    assert (progress.target, progress.met_days, progress.raises, progress.capped) == \
        (target, met_days, raises, capped)
    assert progress.base == 30


def test_no_rule_keeps_the_files_target_and_days_are_grouped():
    assert progressed_target(30.0, None, 2, HISTORY, D[8]).target == 30
    grouped = group_by_day([(D[1], 5.0), (D[0], 1.0), (D[1], 6.0)])
    assert grouped == [DayRecord(D[0], (1.0,)), DayRecord(D[1], (5.0, 6.0))]


def test_todays_target_reads_live_sets_from_the_history(tmp_path):
    routine = read_routine(_write(tmp_path, """
[[steps]]
exercise = "wall sit"
hold_s = 30
sets = 1
[steps.progression]
raise_by_s = 15
up_to_s = 90
after_days = 1

[[steps]]
exercise = "bridge"
reps = 6
sets = 1
[steps.progression]
raise_by_reps = 2
up_to_reps = 12
after_days = 1
"""))
    def at(day: int) -> datetime:
        return datetime(2026, 3, day, 9, 0, tzinfo=timezone.utc)

    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        store.add_session("wall_sit", kind="live", valid_s=31.0, started=at(1))   # met 30 -> 45
        store.add_session("wall_sit", kind="live", valid_s=40.0, started=at(2))   # short of 45
        store.add_session("wall_sit", kind="score", valid_s=99.0, started=at(3))  # a video: not counted
        store.add_session("wall_sit", kind="live", valid_s=50.0, started=at(4))   # met 45 -> 60
        store.add_session("glute_bridge", kind="live", measures=[Measure(GOOD_REPS, 6.0)], started=at(1))  # -> 8
        store.add_session("glute_bridge", kind="live", measures=[Measure(GOOD_REPS, 7.0)], started=at(2))  # short
        plan = plan_today(routine, store, today=date(2026, 3, 5), tz=timezone.utc)
        first_day = plan_today(routine, store, today=date(2026, 3, 1), tz=timezone.utc)
    assert [s.sides[0].target for s in plan.steps] == [60, 8]
    assert [s.sides[0].target for s in first_day.steps] == [30, 6]
    assert [s.target for s in plan_today(routine, None).steps[0].sides] == [30]


# -- today's plan and its record ------------------------------------------------------------------

def test_turns_alternate_sides_within_a_set_and_rest_after_each_set_but_the_last(tmp_path):
    routine = read_routine(_write(tmp_path, """
[[steps]]
exercise = "plank"
hold_s = 20
sets = 2
rest_s = 30

[[steps]]
exercise = "bird dog"
side = "both"
reps = 6
sets = 2
rest_s = 15
"""))
    plan = plan_today(routine, None)
    turns = [(t.step, plan.at(t)[1].exercise_name, t.set_number, t.rest_after_s) for t in plan.turns()]
    assert turns == [
        (0, "forearm_plank", 1, 30), (0, "forearm_plank", 2, 30),
        (1, "bird_dog_left", 1, 0), (1, "bird_dog_right", 1, 15),
        (1, "bird_dog_left", 2, 0), (1, "bird_dog_right", 2, 0),
    ]
    log = RoutineLog(plan)
    first = log.next_turn()
    log.record(first, SetOutcome(21.0, "target reached"))
    log.record(log.next_turn(), SetOutcome(12.5, "next"))
    log.record(log.next_turn(), SetOutcome(6, "target reached"))
    summary = log.summary()
    assert [s.title for s in summary] == ["Forearm plank", "Bird dog (left)", "Bird dog (right)"]
    assert summary[0].text() == "21.0 s, 12.5 s of 20 s (1 of 2 sets met)"
    assert summary[1].text() == "6 of 6 reps (1 of 2 sets met)"
    assert summary[2].text() == "not done (target 6 reps, 2 sets)"


# -- the commands ---------------------------------------------------------------------------------

def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_routine_new_writes_a_valid_file_and_never_overwrites(tmp_path):
    path = tmp_path / "anna.toml"
    result = _run("routine", "new", str(path))
    assert result.exit_code == 0, result.output
    assert _run("routine", "check", str(path)).exit_code == 0
    path.write_text("# my own edits\n" + path.read_text())
    before = path.read_text()
    again = _run("routine", "new", str(path))
    assert again.exit_code == 2 and "already exists" in again.output
    assert path.read_text() == before


def test_routine_check_reports_one_line_and_exit_2(tmp_path):
    path = _write(tmp_path, '[[steps]]\nexercise = "wall sit"\nhold_s = 600\n')
    result = _run("routine", "check", str(path))
    assert result.exit_code == 2
    assert "step 1 (wall sit), field hold_s" in result.output and "Traceback" not in result.output
    ok = _run("routine", "check", "low-back-basics")
    assert ok.exit_code == 0 and "is valid" in ok.output


def test_routine_list_and_explain_show_todays_targets(tmp_path):
    listed = _run("routine", "list")
    assert listed.exit_code == 0
    assert "wall-sit-progression" in listed.output and "low-back-basics" in listed.output
    db = tmp_path / "h.sqlite3"
    fresh = _run("routine", "explain", "wall-sit-progression", "--db", str(db))
    assert fresh.exit_code == 0, fresh.output
    assert "hold 30 s" in fresh.output and not db.exists()  # explaining never creates a history
    with HistoryStore.open(db) as store:  # two earlier days with both sets held 30 s: +10 s
        for day in (1, 2):
            for _ in range(2):
                store.add_session("wall_sit", kind="live", valid_s=30.0,
                                  started=datetime(2025, 1, day, 12, tzinfo=timezone.utc))
    raised = _run("routine", "explain", "wall-sit-progression", "--db", str(db))
    assert raised.exit_code == 0, raised.output
    assert "hold 40 s" in raised.output and "raised 1 time from 30 s" in raised.output
