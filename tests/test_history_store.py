"""The history store: round trips, migrations, damaged files, crashes and concurrent writers.

Every test uses a database under tmp_path, never the user's data folder.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from formcheck.cli.history import history_command
from formcheck.judge.scoring import Fault, Score
from formcheck.judge.timer import HoldSummary, Span
from formcheck.outputs.history import Checkpointer, HistoryError, Measure, open_store, record_score, session_status
from formcheck.outputs.history.schema import LATEST_VERSION
from formcheck.outputs.session_result import SessionResult

REPO = Path(__file__).resolve().parents[1]


def make_score(valid_s: float = 42.0, longest: float = 30.0, breaks: int = 2, complete: bool = True) -> Score:
    summary = HoldSummary(valid_s, longest, breaks, (Span(0.0, longest),), None)
    faults = [Fault("hips_high", "Lower your hips", 31.0, 33.5), Fault("hips_high", "Lower your hips", 40.0, 41.0),
              Fault("neck", "Look at the floor", 35.0, 36.0)]
    return Score("forearm_plank", "Forearm plank", (30.0, 60.0), 60.0, summary, faults, {"kind": "side"},
                 complete=complete)


def test_live_session_round_trip(tmp_path):
    with open_store(tmp_path / "h.sqlite3") as store:
        sid = store.begin_session("forearm_plank", profile="anna", source="camera 0", target_s=(30.0, 60.0))
        store.checkpoint(sid, valid_s=5.0, longest_hold_s=4.0, breaks=1, faults={"hips_high": 1.5})
        row = store.sessions()[0]
        assert (row.valid_s, row.longest_hold_s, row.breaks, row.finished) == (5.0, 4.0, 1, False)
        assert session_status(row) == "running"
        store.finish(sid, make_score(), tmp_path / "report.html")
        row = store.sessions()[0]
        assert (row.valid_s, row.longest_hold_s, row.breaks, row.finished, row.ended_by) == (42.0, 30.0, 2, True,
                                                                                              "finished")
        assert row.report_path == str((tmp_path / "report.html").resolve())
        faults = {f.check: f for f in store.faults(sid)}
        assert faults["hips_high"].seconds == pytest.approx(3.5) and faults["hips_high"].times == 2
        assert faults["neck"].cue == "Look at the floor"
        with pytest.raises(HistoryError, match="is finished"):
            store.checkpoint(sid, valid_s=1.0, longest_hold_s=1.0, breaks=0)


def test_record_score_and_assessment_measures(tmp_path):
    result = SessionResult(make_score(complete=False), "clip.mp4", tmp_path, files={"report.html": tmp_path / "r.html"})
    with open_store(tmp_path / "h.sqlite3") as store:
        sid = record_score(store, result, profile="anna")
        aid = store.add_session("forearm_plank", kind="assessment",
                                measures=[Measure("hip_drop_asymmetry", 4.2, "deg", 1.1), Measure("sway", 0.8, "cm")])
        rows = {r.id: r for r in store.sessions()}
        assert rows[sid].kind == "score" and rows[sid].profile == "anna" and rows[sid].ended_by == "interrupted"
        assert rows[sid].source == "clip.mp4" and rows[sid].target_min_s == 30.0
        assert store.measures(aid) == [Measure("hip_drop_asymmetry", 4.2, "deg", 1.1), Measure("sway", 0.8, "cm")]
        with pytest.raises(ValueError):
            store.add_session("x", kind="nonsense")


def test_forget_one_exercise_or_all_and_children_go_too(tmp_path):
    with open_store(tmp_path / "h.sqlite3") as store:
        store.add_session("wall_sit", kind="score", faults={"knees": 2.0})
        store.add_session("forearm_plank", kind="assessment", measures=[Measure("m", 1.0)])
        assert store.forget("wall_sit") == 1
        assert [r.exercise for r in store.sessions()] == ["forearm_plank"]
        assert store.forget() == 1
    conn = sqlite3.connect(tmp_path / "h.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM session_faults").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM session_measures").fetchone()[0] == 0


# The first released schema, written out by hand (not taken from MIGRATIONS, so a later edit of
# step 1 would be caught here).
V1_SQL = """
CREATE TABLE sessions (id INTEGER PRIMARY KEY, exercise TEXT NOT NULL, profile TEXT, started_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL, source TEXT, kind TEXT NOT NULL CHECK (kind IN ('live', 'score', 'assessment')),
    valid_s REAL NOT NULL DEFAULT 0, longest_hold_s REAL NOT NULL DEFAULT 0, breaks INTEGER NOT NULL DEFAULT 0,
    target_min_s REAL, target_max_s REAL, report_path TEXT, finished INTEGER NOT NULL DEFAULT 0);
CREATE TABLE session_faults (session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL, cue TEXT NOT NULL DEFAULT '', seconds REAL NOT NULL, times INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (session_id, check_id));
CREATE INDEX sessions_by_exercise_time ON sessions (exercise, started_utc);
INSERT INTO sessions (exercise, started_utc, updated_utc, kind, valid_s, longest_hold_s, breaks, finished)
    VALUES ('wall_sit', '2025-03-01T07:15:02.000000Z', '2025-03-01T07:16:02.000000Z', 'live', 50, 40, 1, 1);
INSERT INTO session_faults (session_id, check_id, seconds) VALUES (1, 'knees_over_toes', 3.0);
PRAGMA user_version = 1;
"""


def test_a_version_1_database_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SQL)
    conn.close()
    with open_store(path) as store:
        (row,) = store.sessions()
        assert (row.exercise, row.valid_s, row.ended_by, row.finished) == ("wall_sit", 50.0, "finished", True)
        assert session_status(row) == "finished"
        assert store.faults(row.id)[0].check == "knees_over_toes"
        store.add_session("wall_sit", kind="assessment", measures=[Measure("m", 1.0)])  # v2 table works
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_from_a_newer_formcheck_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer"):
        open_store(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [
    pytest.param(bytes(range(256)) * 64, id="garbage"),
    # A valid header over garbage pages gets past the header check and fails inside SQLite.
    pytest.param(b"SQLite format 3\x00" + b"\x10\x00\x01\x01\x00\x40\x20\x20" + b"\xa5" * 8168, id="bad-pages"),
])
def test_a_damaged_file_is_a_clear_error_and_never_overwritten(tmp_path, content):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(content)
    with pytest.raises(HistoryError) as info, open_store(path) as store:
        store.sessions()
    assert str(path) in str(info.value)
    assert path.read_bytes() == content
    assert not (tmp_path / "history.sqlite3-wal").exists() or (tmp_path / "history.sqlite3-wal").stat().st_size == 0


def test_the_database_is_not_created_on_import_or_by_path_lookup(tmp_path):
    env = dict(os.environ, FORMCHECK_DB=str(tmp_path / "sub" / "h.sqlite3"))
    code = "import formcheck.outputs.history as h; print(h.default_db_path())"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(tmp_path / "sub" / "h.sqlite3")
    assert not (tmp_path / "sub").exists()


def test_checkpointer_writes_once_per_interval_and_survives_a_failed_write(tmp_path):
    now = [0.0]
    with open_store(tmp_path / "h.sqlite3") as store:
        sid = store.begin_session("forearm_plank")
        cp = Checkpointer(store, sid, every_s=2.0, clock=lambda: now[0])
        written = []
        for step in range(10):  # 0.5 s apart
            now[0] = step * 0.5
            written.append(cp.update(valid_s=now[0], longest_hold_s=now[0], breaks=0))
        assert written == [True, False, False, False, True, False, False, False, True, False]
        assert store.sessions()[0].valid_s == 4.0
        store.forget()  # the row is gone under the running session
        assert cp.update(valid_s=9.0, longest_hold_s=9.0, breaks=0, force=True) is False
        assert isinstance(cp.error, HistoryError)


LIVE_SCRIPT = """
import sys, time
from formcheck.outputs.history import Checkpointer, open_store

store = open_store(sys.argv[1])
sid = store.begin_session("forearm_plank", source="camera 0", target_s=(30.0, 60.0))
frames = 0  # the session's clock is its frames, 20 a second, so what a checkpoint holds is exact
cp = Checkpointer(store, sid, every_s=1.0, clock=lambda: frames / 20)
while True:  # "holding": every frame valid, one break every 10 s
    valid = frames / 20
    cp.update(valid_s=valid, longest_hold_s=min(valid, 10.0), breaks=int(valid // 10), faults={"hips_high": 0.5})
    print(f"{sid} {valid:.3f}", flush=True)
    time.sleep(0.05)
    frames += 1
"""


def test_sigkill_mid_session_loses_at_most_one_checkpoint_interval(tmp_path):
    db = tmp_path / "h.sqlite3"
    script = tmp_path / "live.py"
    script.write_text(textwrap.dedent(LIVE_SCRIPT))
    proc = subprocess.Popen([sys.executable, str(script), str(db)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        reached = 0.0
        while reached < 3.5:
            line = proc.stdout.readline()
            assert line, "the live script ended early"
            sid, reached = int(line.split()[0]), float(line.split()[1])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # Every checkpoint up to the line it printed last is in, so less than one interval is lost (it may
    # have gone on a little before the kill landed); and the row is one whole checkpoint, never a mix.
    with open_store(db) as store:
        row = store.sessions()[0]
        assert row.id == sid and not row.finished
        assert reached - row.valid_s < 1.0 and row.valid_s == int(row.valid_s), (reached, row.valid_s)
        assert (row.longest_hold_s, row.breaks) == (min(row.valid_s, 10.0), int(row.valid_s // 10))
        assert store.faults(sid)[0].check == "hips_high"
        assert session_status(row) == "crashed"  # its process is gone, on this host
        print(f"SIGKILL at {reached:.2f} s held: stored {row.valid_s:.2f} s, lost {reached - row.valid_s:.2f} s")
    shown = CliRunner().invoke(history_command, [], env={"FORMCHECK_DB": str(db), "COLUMNS": "160"})
    assert "crashed*" in shown.output and "last checkpoint" in shown.output
    with open_store(db) as store:
        store.begin_session("forearm_plank")  # the next session records the crash for good
        assert store.sessions(limit=2)[1].ended_by == "crash"


WRITER_SCRIPT = """
import sys, time
from pathlib import Path
from formcheck.outputs.history import open_store

db, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
with open_store(db) as store:
    while not go.exists():  # start writing together, to be sure the writers overlap
        time.sleep(0.01)
    began = time.time()
    for i in range(count):
        store.add_session(name, kind="score", source=f"{name}-{i}.mp4", valid_s=i, longest_hold_s=i / 2,
                          breaks=i % 3, faults={"hips_high": 1.0, "neck": 0.5})
        if i % 20 == 0:
            store.sessions(limit=5)  # readers interleave with writers
print("done", began, time.time(), flush=True)
"""


def test_two_processes_writing_at_once_both_land(tmp_path):
    db = tmp_path / "fresh" / "h.sqlite3"  # both race to create it too
    script = tmp_path / "writer.py"
    script.write_text(textwrap.dedent(WRITER_SCRIPT))
    started = time.monotonic()
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(script), str(db), name, "200", str(go)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("batch_a", "batch_b")]
    time.sleep(0.5)
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    elapsed = time.monotonic() - started
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err and out.split()[0] == "done"
    with open_store(db) as store:
        assert store.count("batch_a") == 200 and store.count("batch_b") == 200
        rows = store.sessions(newest_first=False)
        assert len({r.source for r in rows}) == 400
        switches = sum(a.exercise != b.exercise for a, b in zip(rows, rows[1:]))
    # They really wrote at the same time: each one's writing period overlaps the other's.
    (_, began_a, ended_a), (_, began_b, ended_b) = (out.split() for out, _ in outputs)
    assert max(float(began_a), float(began_b)) < min(float(ended_a), float(ended_b))
    print(f"two writers, 400 sessions: {elapsed:.1f} s, {switches} switches between writers")


class _Said(logging.Handler):
    """Collects the store's log lines, and lets a test wait for the first one."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.first = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        self.first.set()


@pytest.fixture
def said():
    handler = _Said()
    log = logging.getLogger("formcheck.history")
    log.addHandler(handler)
    old_level = log.level
    log.setLevel(logging.INFO)
    yield handler
    log.removeHandler(handler)
    log.setLevel(old_level)


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    other = sqlite3.connect(str(db), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_locked_database_says_once_that_it_waits_then_writes(tmp_path, said):
    db = tmp_path / "h.sqlite3"
    open_store(db).close()
    other = _hold_write_lock(db)
    added: list[int] = []

    def write() -> None:  # a store belongs to the thread that opened it (sqlite3 connections do)
        with open_store(db) as store:  # opening an up-to-date file takes no write lock
            added.append(store.add_session("wall_sit", kind="score"))

    writer = threading.Thread(target=write)
    writer.start()
    assert said.first.wait(timeout=30), "no 'waiting' line while the lock was held"
    other.execute("COMMIT")
    other.close()
    writer.join(timeout=60)
    assert said.lines == [f"waiting for the history database {db}..."]
    with open_store(db) as store:
        assert [r.id for r in store.sessions()] == added


def test_a_database_that_stays_locked_is_one_error_and_costs_score_only_a_warning(tmp_path, said, monkeypatch):
    from formcheck.outputs.history import store as store_module
    from formcheck.outputs.history.sessions import remember_score

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.5)
    db = tmp_path / "h.sqlite3"
    open_store(db).close()
    other = _hold_write_lock(db)
    try:
        with open_store(db) as store, pytest.raises(HistoryError, match="stayed busy"):
            store.add_session("wall_sit", kind="score")
        warnings: list[str] = []
        result = SessionResult(score=make_score(), source="clip.mp4", out_dir=None)
        assert remember_score(result, db=db, warn=warnings.append) is None
        assert len(warnings) == 1 and warnings[0].startswith(f"not saved to the history: {db}: the history "
                                                             "database stayed busy")
    finally:
        other.close()
    assert said.lines == [f"waiting for the history database {db}..."] * 2  # once per store that waited
