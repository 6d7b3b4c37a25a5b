"""Terminal output: one stderr console, progress bars and the user-facing error line."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def stdout_console() -> Console:
    return Console(highlight=False)


def print_error(message: str) -> None:
    stderr_console().print(f"[bold red]formcheck: error:[/] {escape(message)}", soft_wrap=True)


def print_note(message: str) -> None:
    """A line about what formcheck is doing (``waiting for the history database...``), on stderr."""
    stderr_console().print(f"formcheck: {escape(message)}", soft_wrap=True)


def print_warning(message: str) -> None:
    stderr_console().print(f"[yellow]formcheck: warning:[/] {escape(message)}", soft_wrap=True)


@contextlib.contextmanager
def progress_bars() -> Iterator[Callable[[str], Callable[[int, int | None], None]]]:
    """Yields ``new_bar(description) -> update(done, total_or_None)``; bars vanish when work ends.

    One live display serves every bar of a command (rich allows only one at a time).
    """
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("frames"), TimeElapsedColumn(), TimeRemainingColumn())
    console = stderr_console()
    # Off a terminal (CI, pipes, logs) a redrawn bar is only noise.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:

        def new_bar(description: str) -> Callable[[int, int | None], None]:
            task = progress.add_task(escape(description), total=None)

            def update(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=max(total, done) if total else None)

            return update

        yield new_bar


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int | None], None]]:
    """A single bar: yields ``update(done, total_or_None)``."""
    with progress_bars() as new_bar:
        yield new_bar(description)
