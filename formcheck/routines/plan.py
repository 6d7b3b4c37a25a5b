"""Today's plan for a routine, and the record of what was done: what a front end drives.

    plan = plan_today(read_routine("low-back-basics"), store)   # targets after progression
    log = RoutineLog(plan)
    while (turn := log.next_turn()) is not None:                 # one set of one side of one step
        step, side = plan.at(turn)                               # what to show: exercise, target, note
        ...                                                      # run the set, then rest turn.rest_after_s
        log.record(turn, SetOutcome(achieved=..., ended_by=...))
    log.summary()                                                # each step: done against target

A step done on both sides runs each set left then right, then rests; ``rest_s`` follows every
set of a step, including its last one when another step comes after it, and never the routine's
last set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from formcheck.outputs.history.rows import GOOD_REPS
from formcheck.outputs.history.store import HistoryStore
from formcheck.routines.loading import Routine, RoutineStep
from formcheck.routines.progression import Progress, group_by_day, progressed_target

LIVE = "live"  # only sets done in front of the camera count towards progression


@dataclass(frozen=True)
class PlannedSide:
    """One side of a step (or the whole step, for an exercise done on both sides at once)."""

    exercise_name: str        # what load_exercise and the history call it, e.g. "bird_dog_left"
    side: str | None
    progress: Progress

    @property
    def target(self) -> float:
        return self.progress.target


@dataclass(frozen=True)
class PlannedStep:
    step: RoutineStep
    sides: tuple[PlannedSide, ...]

    @property
    def title(self) -> str:
        return self.step.title

    def side_title(self, side: PlannedSide) -> str:
        return f"{self.step.title} ({side.side})" if side.side else self.step.title


@dataclass(frozen=True)
class Turn:
    """One set of one side of one step, in the order they are done."""

    step: int           # index into TodayPlan.steps
    side: int           # index into that step's sides
    set_number: int     # 1-based
    rest_after_s: float  # rest once this set is done (0: the next set follows at once)


@dataclass(frozen=True)
class TodayPlan:
    routine: Routine
    day: date
    steps: tuple[PlannedStep, ...]

    def turns(self) -> tuple[Turn, ...]:
        out: list[Turn] = []
        for i, planned in enumerate(self.steps):
            for set_number in range(1, planned.step.spec.sets + 1):
                for j in range(len(planned.sides)):
                    last_side = j == len(planned.sides) - 1
                    out.append(Turn(i, j, set_number, planned.step.spec.rest_s if last_side else 0.0))
        if out:
            last = out[-1]
            out[-1] = Turn(last.step, last.side, last.set_number, 0.0)
        return tuple(out)

    def at(self, turn: Turn) -> tuple[PlannedStep, PlannedSide]:
        planned = self.steps[turn.step]
        return planned, planned.sides[turn.side]


def format_target(value: float, unit: str) -> str:
    """``"45 s"``, ``"1 rep"``, ``"8 reps"``."""
    if unit == "s":
        return f"{value:g} s"
    return f"{int(value)} rep{'' if int(value) == 1 else 's'}"


def past_sets(store: HistoryStore, exercise_name: str, unit: str, tz: tzinfo | None = None) -> list[tuple[date, float]]:
    """``(local day, achieved)`` of every live set of the exercise in the history: seconds held in
    good form for a hold, good reps for a rep exercise."""
    out = []
    for row in store.sessions(exercise_name, newest_first=False):
        if row.kind != LIVE:
            continue
        if unit == "s":
            achieved = row.valid_s
        else:
            achieved = next((m.value for m in store.measures(row.id) if m.name == GOOD_REPS), 0.0)
        out.append((row.started.astimezone(tz).date(), achieved))
    return out


def plan_today(routine: Routine, store: HistoryStore | None, today: date | None = None,
               tz: tzinfo | None = None) -> TodayPlan:
    """Each step's targets for ``today`` (default: today, local time) after its progression rule,
    read from the history in ``store`` (None: no history, every target as the file says)."""
    today = today or datetime.now(tz).date()
    steps = []
    for step in routine.steps:
        sides = []
        for side in step.sides:
            name = step.exercise_name(side)
            days = group_by_day(past_sets(store, name, step.unit, tz)) if store is not None else []
            progress = progressed_target(step.spec.target, step.spec.progression, step.spec.sets, days, today)
            sides.append(PlannedSide(name, side, progress))
        steps.append(PlannedStep(step, tuple(sides)))
    return TodayPlan(routine, today, tuple(steps))


# -- what was done --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SetOutcome:
    achieved: float               # seconds held in good form, or good reps
    ended_by: str                 # "target reached", "next", "quit", "time limit", "source ended", ...
    report: Path | None = None    # the set's report.html


@dataclass(frozen=True)
class SideSummary:
    step_number: int
    title: str
    unit: str
    target: float
    sets: int
    achieved: tuple[float, ...]   # one per set done, in order

    @property
    def met_sets(self) -> int:
        return sum(1 for a in self.achieved if a >= self.target - 1e-6)

    def text(self) -> str:
        """``"45.0 s, 38.2 s of 45 s (1 of 2 sets met)"``; ``"not done (target 45 s)"``."""
        target = format_target(self.target, self.unit)
        sets = f"{self.sets} set{'' if self.sets == 1 else 's'}"
        if not self.achieved:
            return f"not done (target {target}, {sets})"
        done = ", ".join(f"{a:.1f} s" if self.unit == "s" else f"{int(a)}" for a in self.achieved)
        return f"{done} of {target} ({self.met_sets} of {sets} met)"


class RoutineLog:
    """The outcome of each turn of a :class:`TodayPlan`, as the sets are done."""

    def __init__(self, plan: TodayPlan) -> None:
        self.plan = plan
        self._turns = plan.turns()
        self._outcomes: dict[Turn, SetOutcome] = {}

    def record(self, turn: Turn, outcome: SetOutcome) -> None:
        if turn not in self._turns:
            raise ValueError(f"{turn} is not a turn of today's plan")
        self._outcomes[turn] = outcome

    def outcome(self, turn: Turn) -> SetOutcome | None:
        return self._outcomes.get(turn)

    def next_turn(self) -> Turn | None:
        return next((t for t in self._turns if t not in self._outcomes), None)

    def summary(self) -> list[SideSummary]:
        out = []
        for i, planned in enumerate(self.plan.steps):
            for j, side in enumerate(planned.sides):
                achieved: Sequence[float] = [self._outcomes[t].achieved for t in self._turns
                                             if t.step == i and t.side == j and t in self._outcomes]
                out.append(SideSummary(planned.step.number, planned.side_title(side), planned.step.unit,
                                       side.target, planned.step.spec.sets, tuple(achieved)))
        return out
