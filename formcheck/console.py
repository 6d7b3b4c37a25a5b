"""Terminal output: one stderr console, progress bars and the user-facing error line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def stdout_console() -> Console:
    return Console(highlight=False)


def print_error(message: str) -> None:
    stderr_console().print(f"[bold red]formcheck: error:[/] {escape(message)}", soft_wrap=True)


def print_warning(message: str) -> None:
    stderr_console().print(f"[yellow]formcheck: warning:[/] {escape(message)}", soft_wrap=True)


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator:
    """Yields ``update(done, total_or_None)``; the bar disappears when the work ends."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("frames"), TimeElapsedColumn(), TimeRemainingColumn())
    console = stderr_console()
    # Off a terminal (CI, pipes, logs) a redrawn bar is only noise.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(escape(description), total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=max(total, done) if total else None)

        yield update
