"""``formcheck exercises`` and ``formcheck explain EXERCISE`` (registered in the main click group)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from formcheck.cli.console import print_warning
from formcheck.judge.exercises.evaluation import UNIT_LABELS
from formcheck.judge.exercises.exercise import Threshold
from formcheck.judge.exercises.library import list_exercises, load_exercise


def _limit(t: Threshold | None, sign: str) -> str:
    if t is None:
        return ""
    return f"{sign} {t.value:g} {UNIT_LABELS.get(t.unit, t.unit)} ({t.name})"


@click.command("exercises")
def exercises_command() -> None:
    """List the exercises formcheck knows."""
    table = Table(title="Exercises")
    for col in ("name", "exercise", "camera view", "target"):
        table.add_column(col)
    for info in list_exercises(on_skipped=print_warning):
        table.add_row(info.name, info.title, info.view, info.target)
    Console().print(table)


def provenance(t: Threshold) -> str:
    """Where a value in force came from: the default file, a profile file, or clipped."""
    where = f"{t.origin} {t.path}" if t.path is not None else t.origin
    note = t.clip_note()
    return f"{where}: {note}" if note else where


@click.command("explain")
@click.argument("exercise")
@click.option("--profile", default=None, help="calibration profile name or .toml file")
def explain_command(exercise: str, profile: str | None) -> None:
    """Print an exercise's set-up, and every check with its threshold, cue and where each value came from."""
    ex = load_exercise(exercise, profile=profile)
    console = Console()
    console.print(f"[bold]{ex.title}[/bold] ({ex.name})")
    if ex.aliases:
        console.print(f"Also called: {', '.join(ex.aliases)}")
    console.print(ex.description)
    console.print(f"\n[bold]Camera set-up[/bold] ({ex.view} view): {ex.setup}")
    if ex.hold_min_s is not None:
        console.print(f"\n[bold]Target[/bold]: hold {ex.hold_min_s:g}-{ex.hold_max_s:g} s in good form")
    elif ex.reps is not None:
        phases = " -> ".join(p.name for p in ex.reps.phases)
        hold = f", holding {ex.reps.hold_s:g} s" if ex.reps.hold_s else ""
        console.print(f"\n[bold]Target[/bold]: {ex.reps.min_count}-{ex.reps.max_count} reps ({phases}{hold})")
    console.print(f"[bold]Counts as in position when[/bold]: {len(ex.spec.entry.conditions)} entry conditions hold "
                  f"(otherwise: \"{ex.spec.entry.cue}\")")
    if profile is not None:
        console.print(f"[bold]Profile[/bold]: {profile}")
    for t in ex.thresholds.values():
        if t.clipped:
            console.print(f"[yellow]warning:[/] {t.clip_note()} (the profile may not loosen a limit past "
                          f"the exercise's safety bounds [{t.bounds[0]:g}, {t.bounds[1]:g}])")
    console.print("\n[bold]Checks[/bold], most important first:")
    for c in ex.checks:
        limits = "; ".join(x for x in (_limit(c.min, ">="), _limit(c.max, "<=")) if x)
        used = [t for t in (c.min, c.max) if t is not None]
        during = f" (during {', '.join(c.during)})" if c.during else ""
        if c.spec.relative_to:
            during += f" (change from its reading in the {c.spec.relative_to} phase)"
        if c.spec.reach:
            during += " (once per rep: met if it passes at any moment of the top)"
        console.print(f"\n[bold]{escape(c.id)}[/bold]: \"{escape(c.cue)}\"")
        _print_fields(console, [("measures", f"{c.kind} of {', '.join(c.refs)}{during}"), ("pass when", limits),
                                ("in force from", "; ".join(provenance(t) for t in used)),
                                ("threshold source", "; ".join(t.source for t in used))])
    for v in ex.variants:
        # A variant is judged with its own limits in place of some above: say which, and from where.
        console.print(f"\n[bold]Variant {escape(v.name)}[/bold] ({escape(v.title)}): {escape(v.about)}")
        _print_fields(console, [(f"instead of {old}", f"{t.name} = {t.value:g} ({provenance(t)}): {t.source}")
                                for old, t in v.thresholds.items()] or [("limits", "as above (named in the report)")])
    _print_other_thresholds(console, ex)


def _print_fields(console: Console, fields: list[tuple[str, str]]) -> None:
    """``label  value`` lines under a heading, each value wrapped to the terminal beside its label
    (a table of every check side by side needs 200 columns; at 80 it folded into ~300 lines)."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        grid.add_row(label, escape(value))
    console.print(Padding(grid, (0, 0, 0, 2)))


def _print_other_thresholds(console: Console, ex) -> None:
    """Entry and view thresholds are calibrated too; show those a profile changed."""
    in_checks = {t.name for c in ex.checks for t in (c.min, c.max) if t is not None}
    changed = [t for t in ex.thresholds.values() if t.name not in in_checks and t.origin != "default"]
    if not changed:
        return
    console.print("\n[bold]Other thresholds set by the profile[/bold]:")
    for t in changed:
        console.print(f"\n[bold]{escape(t.name)}[/bold]")
        _print_fields(console, [("value", f"{t.value:g} {UNIT_LABELS.get(t.unit, t.unit)}"),
                                ("in force from", provenance(t)), ("source", t.source)])
