"""Where the history database lives: ``--db``, else ``FORMCHECK_DB``, else the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP = "formcheck"
ENV_VAR = "FORMCHECK_DB"
DB_NAME = "history.sqlite3"


def default_db_path() -> Path:
    """The per-user database path. Computed on demand: nothing is created until a store opens."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    # appauthor=False: no "formcheck/formcheck" doubling on Windows.
    return user_data_path(APP, appauthor=False) / DB_NAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    return Path(explicit).expanduser() if explicit else default_db_path()
