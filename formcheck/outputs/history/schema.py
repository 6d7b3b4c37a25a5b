"""The database schema as a list of migrations; ``PRAGMA user_version`` counts those applied.

Never edit a step once released: add a new one. Step *i* (0-based) takes a database from version
*i* to *i + 1*, so a file written by any older formcheck is brought up to date on open.
"""

from __future__ import annotations

import contextlib
import sqlite3

from formcheck.outputs.history.errors import HistoryError

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: sessions and the faults that broke them.
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            exercise TEXT NOT NULL,
            profile TEXT,
            started_utc TEXT NOT NULL,
            updated_utc TEXT NOT NULL,
            source TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('live', 'score', 'assessment')),
            valid_s REAL NOT NULL DEFAULT 0,
            longest_hold_s REAL NOT NULL DEFAULT 0,
            breaks INTEGER NOT NULL DEFAULT 0,
            target_min_s REAL,
            target_max_s REAL,
            report_path TEXT,
            finished INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE session_faults (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            check_id TEXT NOT NULL,
            cue TEXT NOT NULL DEFAULT '',
            seconds REAL NOT NULL,
            times INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (session_id, check_id)
        )""",
        "CREATE INDEX sessions_by_exercise_time ON sessions (exercise, started_utc)",
    ),
    # v2: assessments' measures, how a session ended, how long it ran, and who is writing it.
    (
        """CREATE TABLE session_measures (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            uncertainty REAL,
            PRIMARY KEY (session_id, name)
        )""",
        # NULL while running; 'finished', 'interrupted' (ended early but saved) or 'crash' (found
        # unfinished long after its last checkpoint).
        "ALTER TABLE sessions ADD COLUMN ended_by TEXT",
        "ALTER TABLE sessions ADD COLUMN duration_s REAL",
        # Which process is writing a live session, so a reader can tell "still running" from
        # "killed a moment ago" without waiting for the checkpoint to go stale.
        "ALTER TABLE sessions ADD COLUMN writer_pid INTEGER",
        "ALTER TABLE sessions ADD COLUMN writer_host TEXT",
        "UPDATE sessions SET ended_by = 'finished' WHERE finished = 1",
        "CREATE INDEX sessions_by_time ON sessions (started_utc)",
    ),
)

LATEST_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn: sqlite3.Connection, label: str) -> int:
    """The file's version, refusing one written by a newer formcheck (its meaning is unknown here)."""
    found = user_version(conn)
    if found > LATEST_VERSION:
        raise HistoryError(f"{label}: history database is version {found}, newer than this formcheck "
                           f"understands ({LATEST_VERSION}); upgrade formcheck or use --db")
    return found


def migrate(conn: sqlite3.Connection, label: str) -> int:
    """Bring the database up to :data:`LATEST_VERSION` in one write transaction; returns the old version.

    The caller has begun that transaction with ``BEGIN IMMEDIATE``, which takes the write lock before
    the version is read, so two processes opening a fresh file at once cannot both apply step 1.
    ``conn`` must be in autocommit mode (``isolation_level=None``) so the DDL runs inside it.
    """
    try:
        found = check_not_newer(conn, label)
        for steps in MIGRATIONS[found:]:
            for sql in steps:
                conn.execute(sql)
        if found != LATEST_VERSION:
            # PRAGMA takes no parameters; LATEST_VERSION is our own integer, never user input.
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION:d}")
        conn.execute("COMMIT")
    except BaseException:
        # The original error is the one worth reporting, not a failed rollback.
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    return found
