"""A small trend picture for a session's report: the longest hold of the last few sessions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.outputs.figures import new_figure, save_figure
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.plot import HOLD_COLOUR, TARGET_COLOUR
from formcheck.outputs.history.progress import hold_sessions, local_day
from formcheck.outputs.history.store import HistoryStore

if TYPE_CHECKING:  # scoring pulls in the exercise engine; only the type is needed
    from formcheck.judge.scoring import Score

DEFAULT_LAST = 10
CURRENT_COLOUR = "#1d4ed8"


def trend_png(store: HistoryStore, exercise: str, path: str | Path, *, last: int = DEFAULT_LAST,
              current: Score | None = None) -> Path | None:
    """Draw the longest hold of the last ``last`` stored sessions of ``exercise`` (plus ``current``,
    highlighted, when the session being reported is not stored yet). None when there are fewer than
    two points: one point is not a trend."""
    rows = hold_sessions(store.latest(exercise, last + 10))[-last:]
    labels = [local_day(r.started).strftime("%d %b") for r in rows]
    holds = [r.longest_hold_s for r in rows]
    targets = [r.target_min_s for r in rows]
    if current is not None:
        labels.append("now")
        holds.append(current.summary.longest_hold_s)
        targets.append(current.target_s[0])
    if len(holds) < 2:
        return None
    return _draw(labels, holds, targets, current is not None, path)


def _draw(labels: list[str], holds: list[float], targets: list[float | None], last_is_current: bool,
          path: str | Path) -> Path:
    fig = new_figure(figsize=(5, 1.9), dpi=100)
    ax = fig.subplots()
    x = list(range(len(holds)))
    ax.plot(x, holds, "o-", color=HOLD_COLOUR, ms=4)
    if last_is_current:
        ax.plot([x[-1]], [holds[-1]], "o", color=CURRENT_COLOUR, ms=8)
    if any(t is not None for t in targets):
        ax.step(x, targets, where="mid", color=TARGET_COLOUR, ls="--", lw=1)
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("longest hold, s", fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(f"Longest hold, last {len(holds)} sessions", loc="left", fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)


def trend_for_report(current: Score, path: str | Path, db: str | os.PathLike[str] | None = None,
                     last: int = DEFAULT_LAST) -> Path | None:
    """For report writers: the trend up to and including ``current`` (not yet stored), or None when
    there is no history yet or it cannot be read — a report never fails because of its history."""
    try:
        with HistoryStore.open(db) as store:
            return trend_png(store, current.exercise, path, last=last - 1, current=current)
    except HistoryError:
        return None
