"""Session history: every live session, scored video and assessment, kept in one SQLite file.

Nothing is opened or created on import; :func:`open_store` does that.
"""

from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.paths import ENV_VAR, default_db_path, resolve_db_path
from formcheck.outputs.history.rows import FaultTotal, Measure, SessionRow
from formcheck.outputs.history.sessions import Checkpointer, record_score, remember_score
from formcheck.outputs.history.store import HistoryStore, open_store, session_status
from formcheck.outputs.history.trend import trend_for_report, trend_png

__all__ = [
    "ENV_VAR", "Checkpointer", "FaultTotal", "HistoryError", "HistoryStore", "Measure", "SessionRow",
    "default_db_path", "open_store", "record_score", "remember_score", "resolve_db_path", "session_status",
    "trend_for_report", "trend_png",
]
