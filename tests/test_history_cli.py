"""``formcheck history`` and the trend picture, against databases under tmp_path only."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime, timedelta, timezone

import click
import pytest
from click.testing import CliRunner

from formcheck.cli.history import history_command
from formcheck.cli.main import _Group
from formcheck.judge.scoring import Score
from formcheck.judge.timer import HoldSummary
from formcheck.outputs.history import Measure, open_store, trend_for_report, trend_png
from formcheck.outputs.history.progress import per_day

PNG = b"\x89PNG\r\n\x1a\n"


def formcheck_group() -> click.Group:
    """The history command inside a group that handles errors like ``formcheck``'s own."""
    @click.group(cls=_Group)
    def group() -> None:
        pass

    group.add_command(history_command)
    return group


def run(db, *args, input=None):
    env = {"FORMCHECK_DB": str(db), "COLUMNS": "160"}  # wide: assertions must not depend on wrapping
    return CliRunner().invoke(formcheck_group(), ["history", *args], env=env, input=input)


@pytest.fixture
def db(tmp_path):
    """Three weeks of planks, getting better, plus an assessment and a wall sit."""
    path = tmp_path / "h.sqlite3"
    start = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
    with open_store(path) as store:
        for day in range(21):
            for session in range(2 if day % 3 == 0 else 1):
                store.add_session("forearm_plank", kind="live" if session == 0 else "score", valid_s=20 + 2 * day,
                                  longest_hold_s=10 + 1.5 * day, breaks=max(0, 5 - day // 4), target_s=(30.0, 60.0),
                                  faults={"hips_high": 4.0}, started=start + timedelta(days=day, hours=session))
        store.add_session("forearm_plank", kind="assessment", measures=[Measure("hip_drop", 3.5, "deg", 0.8)],
                          started=start + timedelta(days=21))
        store.add_session("wall_sit", kind="score", valid_s=40, longest_hold_s=40, started=start + timedelta(days=22))
    return path


def test_a_scored_rep_exercise_is_listed_by_its_reps(tmp_path):
    from formcheck.judge.reps import Rep
    from formcheck.judge.scoring import Score
    from formcheck.judge.timer import HoldSummary
    from formcheck.outputs.history.sessions import record_score
    from formcheck.outputs.session_result import SessionResult

    reps = (Rep(0.5, 1.0, 4.0, 4.5, (), True), Rep(5.0, 5.5, 6.0, 6.5, ("hips_high_enough",), False))
    score = Score("glute_bridge", "Glute bridge", (None, None), 7.0, HoldSummary(5.0, 3.0, 1, (), None), [],
                  {"kind": "side", "side": "left"}, reps=reps, rep_target=(8, 12))
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        sid = record_score(store, SessionResult(score, "bridge.mp4", tmp_path))
        assert {m.name: m.value for m in store.measures(sid)} == {"reps": 2.0, "good_reps": 1.0}
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "1/2 reps" in result.output


def test_a_both_sides_session_keeps_each_sides_figures_and_lists_the_balance(tmp_path):
    """An alternating bird dog: the history keeps left and right apart, so a therapist can follow the
    balance from week to week, and the list shows it beside the total."""
    from formcheck.judge.reps import Rep
    from formcheck.judge.scoring import Score
    from formcheck.judge.sides import SideFigures
    from formcheck.judge.timer import HoldSummary
    from formcheck.outputs.history.sessions import record_score
    from formcheck.outputs.session_result import SessionResult

    reps = tuple(Rep(2.0 * i, 2.0 * i + 0.5, 2.0 * i + 1.0, 2.0 * i + 1.5, (), True) for i in range(5))
    sides = {"left": SideFigures("left", 6.0, 1.5, reps=3, good_reps=3),
             "right": SideFigures("right", 4.0, 1.5, reps=2, good_reps=2)}
    score = Score("bird_dog", "Bird dog", (None, None), 12.0, HoldSummary(10.0, 1.5, 4, (), None), [],
                  {"kind": "side"}, reps=reps, rep_target=(6, 10), sides=sides)
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        sid = record_score(store, SessionResult(score, "bird-dog.mp4", tmp_path))
        measures = {m.name: m.value for m in store.measures(sid)}
    assert measures == {"reps": 5.0, "good_reps": 5.0, "reps_left": 3.0, "good_reps_left": 3.0, "valid_s_left": 6.0,
                        "reps_right": 2.0, "good_reps_right": 2.0, "valid_s_right": 4.0}
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "L 3 · R 2" in result.output


def test_history_lists_recent_sessions(db):
    result = run(db, "-n", "5")
    assert result.exit_code == 0, result.output
    assert "wall_sit" in result.output and "hip_drop 3.5deg" in result.output and "40.0/30" in result.output
    assert "last 5 of 30 sessions" in result.output
    only = run(db, "wall_sit")
    assert "last 1 of 1 sessions" in only.output and "forearm_plank" not in only.output


def test_history_without_a_database_says_so_and_creates_nothing(tmp_path):
    result = run(tmp_path / "none" / "h.sqlite3")
    assert result.exit_code == 0 and "No sessions" in result.output
    assert not (tmp_path / "none").exists()


def test_plot_draws_progress_per_day(db, tmp_path):
    out = tmp_path / "plots" / "plank.png"
    result = run(db, "forearm_plank", "--plot", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG) and out.stat().st_size > 10_000
    with open_store(db) as store:
        days = per_day(store.sessions("forearm_plank", newest_first=False))
    assert len(days) == 21  # the assessment is not a hold
    assert days[0].sessions == 2 and days[0].valid_s == 20 * 2 and days[-1].longest_hold_s == 40.0
    assert run(db, "--plot", str(out)).exit_code == 2  # two exercises: which one?


@pytest.mark.parametrize("span_days", [0, 1, 40])
def test_the_progress_plot_is_labelled_in_days_never_hours(span_days):
    """One day of history used to get hourly ticks ("06:00", "12:00"), times of sessions that never were."""
    from datetime import date

    from formcheck.outputs.figures import label_days, new_figure

    first = date(2026, 12, 1)
    last = first + timedelta(days=span_days)
    axes = new_figure().subplots()
    axes.plot([first, last], [10.0, 20.0])
    label_days(axes.xaxis, first, last)
    axes.figure.canvas.draw()
    labels = [t.get_text() for t in axes.get_xticklabels() if t.get_text()]
    assert labels and all(text.split()[1:] in (["Nov"], ["Dec"], ["Jan"]) for text in labels), labels
    assert len(set(labels)) == len(labels), labels
    assert "01 Dec" in labels


def test_export_writes_every_session(db, tmp_path):
    out = tmp_path / "sessions.csv"
    result = run(db, "--export", str(out))
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    assert rows[0]["started_utc"] == "2025-03-01T12:00:00.000000Z" and rows[0]["faults"] == "hips_high=4.0s x1"
    assert rows[-2]["measures"] == "hip_drop=3.5deg ±0.8"


def test_export_defuses_spreadsheet_formulas(tmp_path):
    db = tmp_path / "h.sqlite3"
    with open_store(db) as store:
        store.add_session("forearm_plank", kind="score", source="=HYPERLINK(\"x\")")
    run(db, "--export", str(tmp_path / "s.csv"))
    assert "'=HYPERLINK" in (tmp_path / "s.csv").read_text()


def test_forget_asks_and_no_keeps_everything(db):
    result = run(db, "--forget", input="n\n")
    assert result.exit_code == 0 and "Nothing was deleted" in result.output
    assert run(db, "wall_sit", "--forget", input="y\n").exit_code == 0
    with open_store(db) as store:
        assert store.count() == 29 and store.count("wall_sit") == 0


def test_forget_without_anyone_to_ask_refuses(db):
    result = run(db, "--forget", input="")  # stdin at its end, as under cron or a pipe
    assert result.exit_code == 2 and "--yes" in result.output
    with open_store(db) as store:
        assert store.count() == 30
    assert run(db, "--forget", "--yes").exit_code == 0
    with open_store(db) as store:
        assert store.count() == 0


def test_a_damaged_database_is_one_line_and_left_untouched(tmp_path):
    db = tmp_path / "history.sqlite3"
    garbage = b"this is not a database\x00\xff" * 100
    db.write_bytes(garbage)
    result = run(db)
    assert result.exit_code == 2
    assert str(db) in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.read_bytes() == garbage


def test_a_crashed_session_reads_as_crashed(tmp_path):
    db = tmp_path / "h.sqlite3"
    with open_store(db) as store:
        sid = store.begin_session("forearm_plank", started=datetime.now(timezone.utc) - timedelta(minutes=5))
        store.checkpoint(sid, valid_s=12.0, longest_hold_s=8.0, breaks=1)
    # A writer that vanished long ago, on another machine: only the stale checkpoint tells.
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sessions SET writer_host = 'elsewhere', updated_utc = '2025-01-01T00:00:00.000000Z'")
    conn.commit()
    conn.close()
    result = run(db)
    assert "crashed*" in result.output and "last checkpoint" in result.output and "12.0" in result.output


def _score(longest: float) -> Score:
    return Score("forearm_plank", "Forearm plank", (30.0, 60.0), 70.0, HoldSummary(longest, longest, 0, (), None), [],
                 {"kind": "side"})


def test_trend_png_needs_two_points(tmp_path):
    db = tmp_path / "h.sqlite3"
    with open_store(db) as store:
        assert trend_png(store, "forearm_plank", tmp_path / "t.png") is None
        store.add_session("forearm_plank", kind="live", longest_hold_s=20.0, target_s=(30.0, 60.0))
        assert trend_png(store, "forearm_plank", tmp_path / "t.png") is None
        out = trend_png(store, "forearm_plank", tmp_path / "t.png", current=_score(25.0))
    assert out is not None and out.read_bytes().startswith(PNG)


def test_trend_for_report_shows_the_last_sessions_and_never_fails(db, tmp_path):
    out = trend_for_report(_score(45.0), tmp_path / "trend.png", db=db)
    assert out is not None and out.read_bytes().startswith(PNG)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage" * 50)
    assert trend_for_report(_score(45.0), tmp_path / "t2.png", db=broken) is None


def test_remember_score_warns_instead_of_failing(tmp_path):
    from formcheck.outputs.history import remember_score
    from formcheck.outputs.session_result import SessionResult

    result = SessionResult(_score(31.0), "clip.mp4", tmp_path, files={"report.html": tmp_path / "report.html"})
    assert remember_score(result, db=tmp_path / "h.sqlite3", profile="anna") == 1
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage" * 50)
    warnings: list[str] = []
    assert remember_score(result, db=broken, warn=warnings.append) is None
    assert "not saved to the history" in warnings[0] and str(broken) in warnings[0]


@pytest.mark.parametrize("columns", [80, 200])
def test_history_fits_the_terminal_without_cutting_a_cell(tmp_path, columns):
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        store.add_session("side_plank_left", kind="live", valid_s=41.5, longest_hold_s=30.0, breaks=2,
                          target_s=(30.0, 60.0), faults={"hips_sagging": 6.5})
        store.add_session("assessment", kind="assessment",
                          measures=[Measure("single_leg_stance_left_sway", 1.25, "cm", 0.2)])
    env = {"FORMCHECK_DB": str(path), "COLUMNS": str(columns)}
    result = CliRunner().invoke(formcheck_group(), ["history"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line.rstrip()) <= columns for line in lines), result.output
    # Every figure and name whole on one line, however narrow: nothing cut to a few characters.
    for whole in ("side_plank_left", "41.5", "30.0/30", "hips_sagging 6.5 s", "single_leg_stance_left_sway 1.25cm"):
        assert any(whole in line for line in lines), (whole, result.output)
    if columns >= 200:
        assert any(all(h in line for h in ("when", "exercise", "valid s", "fault / measures")) for line in lines)
