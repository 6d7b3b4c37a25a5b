"""``formcheck routine``: write, check and explain the routine a therapist prescribes.

Registered in the main group by ``formcheck.cli.main``; a :class:`RoutineError` becomes one line
naming file, step and field, and exit code 2.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from formcheck.cli.console import stdout_console
from formcheck.cli.history import db_option
from formcheck.outputs.history.paths import resolve_db_path
from formcheck.outputs.history.store import HistoryStore
from formcheck.routines import PlannedSide, PlannedStep, example_routines, format_target, plan_today, read_routine
from formcheck.routines.scaffold import write_scaffold

ROUTINE_HELP = "a routine .toml file, or the name of an example (see 'formcheck routine list')"


@click.group("routine")
def routine_command() -> None:
    """Routines: the exercises a therapist prescribes, with targets, sets, rests and progression."""


@routine_command.command("new")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def new_command(file: Path) -> None:
    """Write a commented routine FILE to start from (never overwrites a file)."""
    write_scaffold(file)
    stdout_console().print(f"Wrote {escape(str(file))}; edit it, then: formcheck routine check {escape(str(file))}")


@routine_command.command("check")
@click.argument("routine")
def check_command(routine: str) -> None:
    """Validate ROUTINE (a .toml file or an example's name): exercises, targets, sets, progression."""
    found = read_routine(routine)
    steps = ", ".join(s.title + (" (both sides)" if len(s.sides) > 1 else "") for s in found.steps)
    stdout_console().print(f"{escape(str(found.path))}: routine {escape(repr(found.name))} is valid: "
                           f"{len(found.steps)} step{'s' if len(found.steps) > 1 else ''} ({escape(steps)})")


@routine_command.command("list")
def list_command() -> None:
    """The example routines that ship with formcheck."""
    table = Table(box=None, pad_edge=False)
    table.add_column("name")
    table.add_column("routine")
    table.add_column("steps")
    for name, path in example_routines().items():
        found = read_routine(path)
        table.add_row(name, escape(found.name), ", ".join(escape(s.title) for s in found.steps))
    stdout_console().print(table)


@routine_command.command("explain")
@click.argument("routine")
@db_option
def explain_command(routine: str, db: Path | None) -> None:
    """What the patient will do today: each step with today's target after progression."""
    found = read_routine(routine)
    path = resolve_db_path(db)
    with contextlib.ExitStack() as stack:
        # Reading must not create an empty database as a side effect: no file, no history yet.
        store = stack.enter_context(HistoryStore.open(path)) if path.exists() else None
        plan = plan_today(found, store)
    console = stdout_console()
    console.print(f"[bold]{escape(found.name)}[/bold] — today, {plan.day.isoformat()}")
    if found.notes:
        console.print(escape(found.notes))
    for planned in plan.steps:
        spec = planned.step.spec
        for side in planned.sides:
            console.print(f"\n[bold]{planned.step.number}. {escape(planned.side_title(side))}[/bold]: "
                          f"{_target_text(planned, side)}, {spec.sets} set{'s' if spec.sets > 1 else ''}, "
                          f"rest {spec.rest_s:g} s")
            if spec.note:
                console.print(f"   {escape(spec.note)}")
            progression = _progression_text(planned, side)
            if progression:
                console.print(f"   [dim]{progression}[/dim]")


def _target_text(planned: PlannedStep, side: PlannedSide) -> str:
    return ("hold " if planned.step.unit == "s" else "") + format_target(side.target, planned.step.unit)


def _progression_text(planned: PlannedStep, side: PlannedSide) -> str | None:
    """How today's target came about, and how it grows."""
    step, progress, rule = planned.step, side.progress, planned.step.spec.progression
    if rule is None:
        return None
    unit = step.unit
    days = f"{rule.after_days} day{'s' if rule.after_days > 1 else ''}"
    how = (f"progression: +{format_target(rule.raise_by, unit)} after every {days} on which every set met "
           f"its target, up to {format_target(rule.up_to, unit)}")
    if progress.raises:
        times = f"{progress.raises} time{'s' if progress.raises > 1 else ''}"
        now = f"raised {times} from {format_target(progress.base, unit)}"
    else:
        now = "the starting target"
    days = f"{progress.met_days} day{'s' if progress.met_days != 1 else ''} met so far"
    return f"{how} ({now}; {days}" + ("; the maximum is reached)" if progress.capped else ")")
