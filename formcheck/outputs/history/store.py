"""The session history: one SQLite file per user, shared by live sessions, scoring and assessments.

Concurrency and durability, because several formcheck processes may write at once (a live session
checkpointing while a batch score records 200 clips):

* WAL journal: readers never block the writer, and the writer never blocks readers.
* Every write is ``BEGIN IMMEDIATE``: the write lock is taken up front, so the busy timeout applies
  (a deferred transaction that upgrades to a write can fail with "database is locked" at once).
* ``synchronous=FULL``: each commit is on disk when it returns, so a power cut loses at most the
  checkpoint that was being written.

A live session is written as it runs: :meth:`HistoryStore.begin_session`, then
:meth:`HistoryStore.checkpoint` every few seconds, then :meth:`HistoryStore.finish`. A session that
never finishes keeps its last checkpoint and reads back as crashed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.paths import resolve_db_path
from formcheck.outputs.history.rows import (
    KINDS,
    FaultsArg,
    FaultTotal,
    Measure,
    SessionRow,
    fault_totals,
    parse_utc,
    session_measures,
    utc_text,
)
from formcheck.outputs.history.schema import LATEST_VERSION, check_not_newer, migrate

if TYPE_CHECKING:  # scoring pulls in the exercise engine; only the type is needed
    from formcheck.judge.scoring import Score

BUSY_TIMEOUT_S = 15.0
# Writers take the lock in slices this long, so that the first miss can say the store is waiting
# (sqlite3's own busy wait is silent until it gives up).
WAIT_SLICE_S = 0.25
# No checkpoint for this long and the writer cannot be seen alive: the session is over.
STALE_AFTER_S = 60.0
SQLITE_HEADER = b"SQLite format 3\x00"

_SESSION_COLUMNS = ("id, exercise, profile, started_utc, updated_utc, source, kind, valid_s, longest_hold_s, "
                    "breaks, target_min_s, target_max_s, report_path, finished, ended_by, duration_s, "
                    "writer_pid, writer_host")


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it, so it can never be overwritten."""
    if path.is_dir():
        raise HistoryError(f"{path}: is a folder, not a history database")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read the history database ({exc.strerror or exc})") from exc
    if head and head != SQLITE_HEADER:
        raise HistoryError(f"{path}: not a formcheck history database (the file is damaged or something "
                           f"else); it was left untouched — move it aside or use --db")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _set_wal(conn: sqlite3.Connection, deadline: float, waiting: Callable[[], None]) -> None:
    """Switch to WAL, retrying while another process holds the lock (the switch is not covered by the
    busy timeout on every SQLite version). On file systems without WAL support SQLite keeps its
    rollback journal, which is slower under contention but still correct."""
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            mode = None
        if mode == "wal" or time.monotonic() > deadline:
            return
        waiting()
        time.sleep(0.05)


def _pid_alive(pid: int) -> bool | None:
    """True/False when it can be told, None when not (Windows: os.kill would terminate the process)."""
    if sys.platform == "win32":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process holds that pid
    except OSError:
        return None
    return True


def session_status(row: SessionRow, now: datetime | None = None) -> str:
    """``finished``, ``interrupted``, ``running`` or ``crashed`` (kept up to its last checkpoint)."""
    if row.finished:
        return "interrupted" if row.ended_by == "interrupted" else "finished"
    if row.ended_by == "crash":
        return "crashed"
    now = now or datetime.now(timezone.utc)
    if row.writer_pid is not None and row.writer_host == socket.gethostname():
        alive = _pid_alive(row.writer_pid)
        if alive is False:
            return "crashed"
    stale = now - row.updated > timedelta(seconds=STALE_AFTER_S)
    return "crashed" if stale else "running"


def _row(values: Sequence) -> SessionRow:
    (sid, exercise, profile, started, updated, source, kind, valid_s, longest, breaks, tmin, tmax,
     report, finished, ended_by, duration, pid, host) = values
    return SessionRow(sid, exercise, profile, parse_utc(started), parse_utc(updated), source, kind,
                      float(valid_s), float(longest), int(breaks), tmin, tmax, report, bool(finished),
                      ended_by, duration, pid, host)


class HistoryStore:
    """``with HistoryStore.open(path) as store: ...``. One store per thread (sqlite3 connections are)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._said_waiting = False

    def _waiting(self) -> None:
        """Say once, when a wait for another process's lock starts, that the store is waiting: the
        front ends print the ``formcheck`` log, so a locked database is never a silent pause."""
        if not self._said_waiting:
            self._said_waiting = True
            logging.getLogger("formcheck.history").info("waiting for the history database %s...", self.path)

    def _lock_for_writing(self) -> None:
        """``BEGIN IMMEDIATE``, waiting up to :data:`BUSY_TIMEOUT_S` for another writer (and saying so)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        self._conn.execute(f"PRAGMA busy_timeout = {int(WAIT_SLICE_S * 1000):d}")
        try:
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() >= deadline:
                        raise
                    self._waiting()
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000):d}")

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> HistoryStore:
        """Open (creating if needed) and migrate the database at ``path``, ``FORMCHECK_DB`` or the
        user's data folder."""
        path = resolve_db_path(path)
        _check_header(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"{path}: cannot create its folder ({exc.strerror or exc})") from exc
        conn = None
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (see the module docstring).
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            store = cls(conn, path)
            with store._errors("open"):
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000):d}")
                # Before anything writes (even the WAL switch rewrites the header): a file from a
                # newer formcheck must stay exactly as it is.
                found = check_not_newer(conn, str(path))
                _set_wal(conn, time.monotonic() + BUSY_TIMEOUT_S, store._waiting)
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                # Forgotten sessions are health data: overwrite them instead of leaving free pages.
                conn.execute("PRAGMA secure_delete = ON")
                # An up-to-date file needs no write lock to open, so a reader (a report's trend) is
                # never held up by another process writing.
                if found != LATEST_VERSION:
                    store._lock_for_writing()
                    migrate(conn, str(path))
            return store
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Any SQLite failure becomes one :class:`HistoryError` line naming the file."""
        try:
            yield
        except HistoryError:
            raise
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise HistoryError(f"{self.path}: the history database stayed busy for {BUSY_TIMEOUT_S:g} s "
                                   f"while trying to {doing}; is another formcheck stuck?") from exc
            raise HistoryError(f"{self.path}: cannot {doing} the history database: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: the history database is damaged ({exc}); it was left "
                               f"untouched — move it aside or use --db") from exc

    @contextlib.contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it."""
        with self._errors(doing):
            self._lock_for_writing()
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                # The original error is the one worth reporting, not a failed rollback.
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise

    # -- writing -----------------------------------------------------------------------------------

    def begin_session(self, exercise: str, *, kind: str = "live", profile: str | None = None,
                      source: str | None = None, target_s: tuple[float | None, float | None] = (None, None),
                      started: datetime | None = None) -> int:
        """A new, unfinished session; returns its id for :meth:`checkpoint` and :meth:`finish`."""
        _check_kind(kind)
        now = utc_text(started)
        with self._write("start a session in") as conn:
            self._mark_crashed(conn)
            cur = conn.execute(
                "INSERT INTO sessions (exercise, profile, started_utc, updated_utc, source, kind, target_min_s, "
                "target_max_s, writer_pid, writer_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (exercise, profile, now, now, source, kind, target_s[0], target_s[1], os.getpid(),
                 socket.gethostname()))
            return int(cur.lastrowid)

    def checkpoint(self, session_id: int, *, valid_s: float, longest_hold_s: float, breaks: int,
                   faults: FaultsArg = None, duration_s: float | None = None) -> None:
        """Save a running session's figures so far. ``faults``: ``{check: seconds}`` or fault spans;
        None keeps the faults already saved."""
        with self._write("save a checkpoint to") as conn:
            # A session marked crashed while its process slept (a laptop lid) comes back to life.
            cur = conn.execute(
                "UPDATE sessions SET valid_s = ?, longest_hold_s = ?, breaks = ?, "
                "duration_s = COALESCE(?, duration_s), updated_utc = ?, ended_by = NULL "
                "WHERE id = ? AND finished = 0",
                (float(valid_s), float(longest_hold_s), int(breaks), duration_s, utc_text(), session_id))
            _require_one(cur, session_id, "is finished or was forgotten")
            if faults is not None:
                _replace_faults(conn, session_id, fault_totals(faults))

    def finish(self, session_id: int, score: Score, report_path: str | os.PathLike[str] | None = None) -> None:
        """Close a session with its final score (an incomplete score is saved as ``interrupted``)."""
        s = score.summary
        with self._write("finish a session in") as conn:
            cur = conn.execute(
                "UPDATE sessions SET valid_s = ?, longest_hold_s = ?, breaks = ?, duration_s = ?, "
                "target_min_s = ?, target_max_s = ?, report_path = ?, updated_utc = ?, finished = 1, "
                "ended_by = ? WHERE id = ?",
                (float(s.valid_s), float(s.longest_hold_s), int(s.breaks), float(score.duration_s),
                 score.target_s[0], score.target_s[1], _path_text(report_path), utc_text(),
                 "finished" if score.complete else "interrupted", session_id))
            _require_one(cur, session_id, "was forgotten")
            _replace_faults(conn, session_id, fault_totals(score.faults))
            _insert_measures(conn, session_id, session_measures(score))

    def note_ended_by(self, session_id: int, reason: str) -> None:
        """Say why a finished session ended when its front end knows more than the score does (the
        app's "Stop - it hurts" button ends a set as a quit would, for a reason that must be kept)."""
        with self._write("note why a session ended in") as conn:
            cur = conn.execute("UPDATE sessions SET ended_by = ?, updated_utc = ? WHERE id = ? AND finished = 1",
                               (reason, utc_text(), session_id))
            _require_one(cur, session_id, "is not finished or was forgotten")

    def add_session(self, exercise: str, *, kind: str, valid_s: float = 0.0, longest_hold_s: float = 0.0,
                    breaks: int = 0, profile: str | None = None, source: str | None = None,
                    target_s: tuple[float | None, float | None] = (None, None), duration_s: float | None = None,
                    faults: FaultsArg = None, measures: Iterable[Measure] = (),
                    report_path: str | os.PathLike[str] | None = None, complete: bool = True,
                    started: datetime | None = None) -> int:
        """A finished session in one transaction (scored videos, assessments); returns its id."""
        _check_kind(kind)
        when = utc_text(started)
        with self._write("add a session to") as conn:
            cur = conn.execute(
                "INSERT INTO sessions (exercise, profile, started_utc, updated_utc, source, kind, valid_s, "
                "longest_hold_s, breaks, target_min_s, target_max_s, report_path, finished, ended_by, duration_s) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (exercise, profile, when, when, source, kind, float(valid_s), float(longest_hold_s), int(breaks),
                 target_s[0], target_s[1], _path_text(report_path),
                 "finished" if complete else "interrupted", duration_s))
            session_id = int(cur.lastrowid)
            _replace_faults(conn, session_id, fault_totals(faults))
            _insert_measures(conn, session_id, measures)
            return session_id

    def forget(self, exercise: str | None = None) -> int:
        """Delete every session (or one exercise's); returns how many."""
        with self._write("delete sessions from") as conn:
            where, args = _exercise_filter(exercise)
            deleted = conn.execute(f"DELETE FROM sessions{where}", args).rowcount
        # Push the deletion out of the WAL file too, so no copy of it lingers there.
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(deleted)

    def _mark_crashed(self, conn: sqlite3.Connection) -> None:
        """Record as crashed the unfinished sessions whose writer is gone, so the mark outlives the
        evidence (a pid is reused, a host renamed)."""
        now = datetime.now(timezone.utc)
        rows = [_row(r) for r in conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE finished = 0 AND ended_by IS NULL")]
        dead = [(r.id,) for r in rows if session_status(r, now) == "crashed"]
        conn.executemany("UPDATE sessions SET ended_by = 'crash' WHERE id = ?", dead)

    # -- reading -----------------------------------------------------------------------------------

    def sessions(self, exercise: str | None = None, *, limit: int | None = None,
                 newest_first: bool = True) -> list[SessionRow]:
        where, args = _exercise_filter(exercise)
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_utc {order}, id {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args = (*args, int(limit))
        with self._errors("read"):
            return [_row(r) for r in self._conn.execute(sql, args)]

    def latest(self, exercise: str, count: int) -> list[SessionRow]:
        """The last ``count`` sessions of an exercise, oldest first (for trends)."""
        return list(reversed(self.sessions(exercise, limit=count)))

    def faults(self, session_id: int) -> list[FaultTotal]:
        with self._errors("read"):
            rows = self._conn.execute(
                "SELECT check_id, seconds, times, cue FROM session_faults WHERE session_id = ? "
                "ORDER BY seconds DESC, check_id", (session_id,)).fetchall()
        return [FaultTotal(c, float(s), int(t), cue) for c, s, t, cue in rows]

    def measures(self, session_id: int) -> list[Measure]:
        with self._errors("read"):
            rows = self._conn.execute(
                "SELECT name, value, unit, uncertainty FROM session_measures WHERE session_id = ? ORDER BY name",
                (session_id,)).fetchall()
        return [Measure(n, float(v), u, unc) for n, v, u, unc in rows]

    def count(self, exercise: str | None = None) -> int:
        where, args = _exercise_filter(exercise)
        with self._errors("read"):
            return int(self._conn.execute(f"SELECT COUNT(*) FROM sessions{where}", args).fetchone()[0])


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def _require_one(cur: sqlite3.Cursor, session_id: int, why: str) -> None:
    if cur.rowcount != 1:
        raise HistoryError(f"history session {session_id} cannot be updated: it {why}")


def _exercise_filter(exercise: str | None) -> tuple[str, tuple]:
    # The WHERE text is constant; the exercise name is always a bound parameter.
    return (" WHERE exercise = ?", (exercise,)) if exercise else ("", ())


def _path_text(path: str | os.PathLike[str] | None) -> str | None:
    return None if path is None else str(Path(path).resolve())


def _replace_faults(conn: sqlite3.Connection, session_id: int, totals: list[FaultTotal]) -> None:
    conn.execute("DELETE FROM session_faults WHERE session_id = ?", (session_id,))
    conn.executemany(
        "INSERT INTO session_faults (session_id, check_id, cue, seconds, times) VALUES (?, ?, ?, ?, ?)",
        [(session_id, f.check, f.cue, float(f.seconds), int(f.times)) for f in totals])


def _insert_measures(conn: sqlite3.Connection, session_id: int, measures: Iterable[Measure]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO session_measures (session_id, name, value, unit, uncertainty) VALUES (?, ?, ?, ?, ?)",
        [(session_id, m.name, float(m.value), m.unit, m.uncertainty) for m in measures])


def open_store(path: str | os.PathLike[str] | None = None) -> HistoryStore:
    """Shorthand for :meth:`HistoryStore.open`."""
    return HistoryStore.open(path)
