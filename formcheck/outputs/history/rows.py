"""Plain values going into and coming out of the history store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # scoring pulls in the exercise engine; only the type is needed
    from formcheck.judge.scoring import Fault, Score

KINDS = ("live", "score", "assessment")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class FaultTotal:
    """One check's faults in a session: how long in all, and how many separate times."""

    check: str
    seconds: float
    times: int = 1
    cue: str = ""


@dataclass(frozen=True)
class Measure:
    """One assessment measure, e.g. ``Measure("hip_drop_asymmetry", 4.2, "deg", 1.1)``; rep exercises
    keep their counts as the measures ``reps`` and ``good_reps``."""

    name: str
    value: float
    unit: str = ""
    uncertainty: float | None = None


REPS, GOOD_REPS = "reps", "good_reps"


def rep_measures(score: Score) -> list[Measure]:
    """A rep exercise's counts, for the history (none for a hold)."""
    if score.reps is None:
        return []
    return [Measure(REPS, float(len(score.reps))), Measure(GOOD_REPS, float(score.good_reps))]


@dataclass(frozen=True)
class SessionRow:
    id: int
    exercise: str
    profile: str | None
    started: datetime
    updated: datetime
    source: str | None
    kind: str
    valid_s: float
    longest_hold_s: float
    breaks: int
    target_min_s: float | None
    target_max_s: float | None
    report_path: str | None
    finished: bool
    ended_by: str | None
    duration_s: float | None
    writer_pid: int | None
    writer_host: str | None


# A string: Fault is imported for type checkers only.
FaultsArg: TypeAlias = "Mapping[str, float] | Iterable[Fault | FaultTotal] | None"


def utc_text(moment: datetime | None = None) -> str:
    """Fixed-width UTC text, so SQL string order is time order. Naive datetimes are taken as UTC."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=timezone.utc)


def fault_totals(faults: FaultsArg) -> list[FaultTotal]:
    """Per-check totals from live's running ``{check: seconds}``, a score's fault spans, or totals."""
    if faults is None:
        return []
    if isinstance(faults, Mapping):
        return [FaultTotal(str(check), float(seconds)) for check, seconds in faults.items()]
    totals: dict[str, FaultTotal] = {}
    for fault in faults:
        total = fault if isinstance(fault, FaultTotal) else FaultTotal(
            fault.check, max(0.0, fault.end_s - fault.start_s), 1, fault.cue)
        seen = totals.get(total.check)
        if seen is not None:
            total = FaultTotal(total.check, seen.seconds + total.seconds, seen.times + total.times,
                               total.cue or seen.cue)
        totals[total.check] = total
    return list(totals.values())
