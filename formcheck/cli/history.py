"""``formcheck history``: recent sessions, progress plots, CSV export, and forgetting.

Registered by the main CLI (``main.add_command(history_command)``), whose group turns a
:class:`HistoryError` into one line and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from formcheck.cli.console import stdout_console
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.export import export_rows, write_csv
from formcheck.outputs.history.paths import ENV_VAR, resolve_db_path
from formcheck.outputs.history.plot import write_progress_plot
from formcheck.outputs.history.progress import per_day
from formcheck.outputs.history.rows import GOOD_REPS, REPS, SessionRow, sides_cell
from formcheck.outputs.history.store import HistoryStore, session_status

# Below this many columns the sessions are listed one per line rather than as a table.
WIDE_TABLE_COLUMNS = 110
STATUS_TEXT = {"finished": "done", "interrupted": "cut short", "running": "running…",
               "crashed": "crashed*"}


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH`` (default ``$FORMCHECK_DB``, else the user's data folder), for any command that
    reads or writes the history."""
    return click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), envvar=ENV_VAR,
                        default=None, help=f"history database (default: ${ENV_VAR}, else the user's data folder)")(func)


@click.command("history")
@click.argument("exercise", required=False)
@db_option
@click.option("-n", "--last", type=click.IntRange(min=1), default=20, show_default=True,
              help="how many recent sessions to list")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="draw EXERCISE's progress per day (valid hold, target, breaks) to this PNG")
@click.option("--export", "export_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write every session (of EXERCISE, if given) to this CSV file")
@click.option("--forget", is_flag=True, help="delete the stored sessions (of EXERCISE, if given)")
@click.option("-y", "--yes", is_flag=True, help="with --forget: do not ask")
def history_command(exercise: str | None, db: Path | None, last: int, plot_path: Path | None,
                    export_path: Path | None, forget: bool, yes: bool) -> None:
    """Your sessions over the weeks: recent ones, progress per day, export, or forget them."""
    if forget and (plot_path or export_path):
        raise click.UsageError("--forget cannot be combined with --plot or --export")
    path = resolve_db_path(db)
    if not path.exists():
        # Reading must not create an empty database (and its folder) as a side effect.
        stdout_console().print(f"No sessions stored yet ({path}).")
        return
    with HistoryStore.open(path) as store:
        if forget:
            _forget(store, exercise, yes)
            return
        if plot_path is not None:
            _plot(store, exercise, plot_path)
        if export_path is not None:
            _export(store, exercise, export_path)
        if plot_path is None and export_path is None:
            _show(store, exercise, last)


def _show(store: HistoryStore, exercise: str | None, last: int) -> None:

    console = stdout_console()
    rows = store.sessions(exercise, limit=last)
    if not rows:
        console.print(f"No sessions stored{' for ' + exercise if exercise else ''} yet ({store.path}).")
        return
    now = datetime.now(timezone.utc)
    statuses = [session_status(row, now) for row in rows]
    if console.width < WIDE_TABLE_COLUMNS:
        _show_stacked(console, store, rows, statuses, exercise)
    else:
        _show_table(console, store, rows, statuses, exercise)
    if "crashed" in statuses:
        console.print("* crashed: the session stopped without finishing; its figures are from its last "
                      "checkpoint, a few seconds before.")
    console.print(f"[dim]{store.path}[/]")


def _show_stacked(console, store: HistoryStore, rows: list[SessionRow], statuses: list[str],
                  exercise: str | None) -> None:
    """One line per session with its figures labelled, and its main fault or measures indented
    below: on a narrow terminal a table of eight columns cut every cell to a few characters."""
    console.print(f"last {len(rows)} of {store.count(exercise)} sessions")
    for row, status in zip(rows, statuses):
        when, name, kind, valid, hold, breaks, status_text, detail = _cells(store, row, status)
        what = f"[bold]{name}[/] ({kind})" if not exercise else kind
        best = f"best {hold}" + ("" if "reps" in hold else " s") if hold else ""
        figures = [f"valid {valid} s" if valid else "", best,
                   f"{breaks} breaks" if breaks else "", status_text]
        console.print("  ".join(x for x in (when, what, *figures) if x))
        if detail:
            console.print(Padding(detail, (0, 0, 0, 4)))


def _show_table(console, store: HistoryStore, rows: list[SessionRow], statuses: list[str],
                exercise: str | None) -> None:
    table = Table(title=f"last {len(rows)} of {store.count(exercise)} sessions", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    headers = ["when"] + ([] if exercise else ["exercise"]) + ["kind", "valid s", "best s / reps", "breaks", "status",
                                                               "fault / measures"]
    for name in headers:
        # Only the free text may wrap: a date or a number broken over two lines is hard to read.
        free = name == "fault / measures"
        table.add_column(name, justify="right" if name in ("valid s", "best s / reps", "breaks") else "left",
                         no_wrap=not free, ratio=1 if free else None, min_width=14 if free else None)
    for row, status in zip(rows, statuses):
        cells = _cells(store, row, status)
        table.add_row(*(cells[:1] + cells[2:] if exercise else cells))
    console.print(table)


def _cells(store: HistoryStore, row: SessionRow, status: str) -> list[str]:
    """when, exercise, kind, valid, best hold, breaks, status, main fault or measures."""

    when = row.started.astimezone().strftime("%d %b %H:%M")
    status_text = STATUS_TEXT.get(status, status)
    if status == "finished" and row.ended_by not in (None, "finished"):
        status_text = escape(row.ended_by)  # a front end's own reason: the app's "stopped: it hurts"
    if row.kind == "assessment":
        # An assessment measures; it holds nothing, so hold figures would read as a bad session.
        measures = ", ".join(f"{m.name} {m.value:g}{m.unit}" for m in store.measures(row.id)[:2])
        return [when, escape(row.exercise), "test", "", "", "", status_text, escape(measures)]
    target = f"/{row.target_min_s:g}" if row.target_min_s else ""
    hold = f"{row.longest_hold_s:.1f}{target}"
    if row.target_min_s is not None and row.longest_hold_s >= row.target_min_s:
        hold = f"[green]{hold}[/]"
    counts = {m.name: m.value for m in store.measures(row.id)}
    if REPS in counts:  # a rep exercise: what it did is reps, not a hold
        hold = f"{counts.get(GOOD_REPS, 0):g}/{counts[REPS]:g} reps"
    if sides := sides_cell(counts):  # both sides judged: the balance is what a therapist reads first
        hold = f"{hold} ({sides})"
    faults = store.faults(row.id)
    main_fault = f"{faults[0].cue or faults[0].check} {faults[0].seconds:.1f} s" if faults else ""
    kind = "video" if row.kind == "score" else row.kind
    return [when, escape(row.exercise), kind, f"{row.valid_s:.1f}", hold, str(row.breaks), status_text,
            escape(main_fault)]


def _plot(store: HistoryStore, exercise: str | None, plot_path: Path) -> None:

    exercise = exercise or _only_exercise(store)
    days = per_day(store.sessions(exercise, newest_first=False))
    if not days:
        raise HistoryError(f"{store.path}: no hold sessions of {exercise!r} to plot")
    write_progress_plot(days, exercise, plot_path)
    stdout_console().print(f"progress of {exercise} over {len(days)} days: [bold]{plot_path}[/]")


def _only_exercise(store: HistoryStore) -> str:
    """--plot without EXERCISE is fine when the history holds just one."""
    names = sorted({r.exercise for r in store.sessions()})
    if len(names) == 1:
        return names[0]
    raise click.UsageError("--plot needs an EXERCISE" + (f": one of {', '.join(names)}" if names else ""))


def _export(store: HistoryStore, exercise: str | None, export_path: Path) -> None:

    rows = export_rows(store, exercise)
    write_csv(rows, export_path)
    stdout_console().print(f"{len(rows)} sessions: [bold]{export_path}[/]")


def _forget(store: HistoryStore, exercise: str | None, yes: bool) -> None:
    what = f"the {exercise} sessions" if exercise else "every session"
    count = store.count(exercise)
    if count == 0:
        stdout_console().print("Nothing to forget.")
        return
    if not yes and not _confirm(f"Delete {what} ({count}) from {store.path}? This cannot be undone."):
        stdout_console().print("Nothing was deleted.")
        return
    deleted = store.forget(exercise)
    stdout_console().print(f"Forgot {deleted} sessions.")


def _confirm(question: str) -> bool:
    """Ask on a terminal; with nobody to ask (no stdin, or it ends) refuse rather than guess."""
    if sys.stdin is None or sys.stdin.closed:
        raise HistoryError("not deleting anything without confirmation: add --yes")
    try:
        return click.confirm(question, default=False)
    except click.Abort:
        raise HistoryError("not deleting anything without confirmation: add --yes") from None
