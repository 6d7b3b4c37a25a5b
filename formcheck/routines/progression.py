"""Today's target for a step, from what was done on earlier days: a pure function over the past.

The rule a therapist writes ("add 10 s after every 2 days on which the wall sits reached their
target, up to 120 s") is replayed over the days in order, starting from the file's target:

* a *day* is one calendar day (local time) on which the exercise (and side) was done live;
* the day *met* its target when at least ``sets`` of its sets reached that day's target — the target
  the rule gave on that day, so a raise is earned against the target that was in force;
* after every ``after_days`` such days the target rises by ``raise_by``, never above ``up_to``.

Today's own sets never change today's target (it is fixed for the day), so running the routine
twice in a day plans the same targets. A day that did not meet its target neither counts nor resets
the count: a bad day does not undo progress. The file is re-read each time, so a therapist who
changes the starting target changes every later one with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from formcheck.routines.routine_file import ProgressionSpec

# Frame times are floats: a hold that stopped on the frame that reached 45 s must count as 45 s.
_EPS = 1e-6


@dataclass(frozen=True)
class DayRecord:
    """What one day achieved in each set of one exercise (and side): seconds held or good reps."""

    day: date
    achieved: tuple[float, ...]


@dataclass(frozen=True)
class Progress:
    target: float       # today's target
    base: float         # the file's starting target
    met_days: int       # earlier days that met the target in force then
    raises: int         # how many times the rule raised the target (capped raises included)
    capped: bool        # the target has reached the rule's maximum


def group_by_day(sets: Iterable[tuple[date, float]]) -> list[DayRecord]:
    """``(day, achieved)`` per set -> one record per day, in day order."""
    days: dict[date, list[float]] = {}
    for day, achieved in sets:
        days.setdefault(day, []).append(float(achieved))
    return [DayRecord(day, tuple(days[day])) for day in sorted(days)]


def progressed_target(base: float, rule: ProgressionSpec | None, sets_per_day: int,
                      days: Sequence[DayRecord], today: date) -> Progress:
    """Today's target for a step whose file target is ``base`` (see the module docstring)."""
    if rule is None:
        return Progress(base, base, 0, 0, False)
    target, met_days, raises, streak = base, 0, 0, 0
    for record in sorted(days, key=lambda r: r.day):
        if record.day >= today:
            continue
        met_sets = sum(1 for a in record.achieved if a >= target - _EPS)
        if met_sets < sets_per_day:
            continue
        met_days += 1
        streak += 1
        if streak == rule.after_days:
            streak = 0
            raises += 1
            target = min(target + rule.raise_by, rule.up_to)
    return Progress(target, base, met_days, raises, target >= rule.up_to - _EPS)
