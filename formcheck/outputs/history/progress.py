"""Turning stored sessions into progress: one point per day, and the figures drawn from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from formcheck.outputs.history.rows import SessionRow

# Assessments measure, they do not hold: their valid seconds would read as a bad day.
HOLD_KINDS = ("live", "score")


@dataclass(frozen=True)
class Day:
    day: date
    sessions: int
    valid_s: float          # all valid seconds that day
    longest_hold_s: float   # the day's best hold
    breaks: int             # all breaks that day
    target_min_s: float | None


def local_day(moment: datetime) -> date:
    """The user's calendar day: a 23:30 UTC session belongs to the evening they did it, not tomorrow."""
    return moment.astimezone().date()


def hold_sessions(rows: Iterable[SessionRow]) -> list[SessionRow]:
    return [r for r in rows if r.kind in HOLD_KINDS]


def per_day(rows: Iterable[SessionRow]) -> list[Day]:
    """Hold sessions grouped by local day, oldest first. Crashed sessions count up to their last
    checkpoint: those seconds were really held."""
    groups: dict[date, list[SessionRow]] = {}
    for row in hold_sessions(rows):
        groups.setdefault(local_day(row.started), []).append(row)
    return [_day(d, groups[d]) for d in sorted(groups)]


def _day(day: date, rows: list[SessionRow]) -> Day:
    targets = [r.target_min_s for r in rows if r.target_min_s is not None]
    return Day(day, len(rows), sum(r.valid_s for r in rows), max(r.longest_hold_s for r in rows),
               sum(r.breaks for r in rows), targets[-1] if targets else None)
