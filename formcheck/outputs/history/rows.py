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


def side_measure(name: str, side: str) -> str:
    """The history's name of one side's figure, e.g. ``side_measure("reps", "left") == "reps_left"``."""
    return f"{name}_{side}"


def session_measures(score: Score) -> list[Measure]:
    """What the history keeps besides the hold figures: a rep exercise's counts and, for an exercise
    judged on both sides, each side's reps and valid seconds, so the left/right balance a therapist
    looks for can be followed over weeks (none for a plain hold)."""
    found = []
    if score.reps is not None:
        found += [Measure(REPS, float(len(score.reps))), Measure(GOOD_REPS, float(score.good_reps))]
    for side, figures in (score.sides or {}).items():
        if figures.reps is not None:
            found += [Measure(side_measure(REPS, side), float(figures.reps)),
                      Measure(side_measure(GOOD_REPS, side), float(figures.good_reps or 0))]
        found.append(Measure(side_measure("valid_s", side), round(float(figures.valid_s), 2), "s"))
    return found


def sides_cell(counts: Mapping[str, float]) -> str:
    """``"L 3 · R 2"`` (reps) or ``"L 30.0 s · R 24.0 s"`` from a session's stored measures; empty when
    the session was not judged on both sides."""
    parts = []
    for side in ("left", "right"):
        if side_measure(REPS, side) in counts:
            parts.append(f"{side[0].upper()} {counts[side_measure(REPS, side)]:g}")
        elif side_measure("valid_s", side) in counts:
            parts.append(f"{side[0].upper()} {counts[side_measure('valid_s', side)]:.1f} s")
    return " · ".join(parts) if len(parts) == 2 else ""


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
