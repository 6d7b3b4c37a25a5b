"""The ``formcheck`` command. The one place where library errors become messages and exit codes.

Each subcommand lives in its own module, imported only when that command runs: ``formcheck
exercises`` never loads the pose model's libraries, and ``formcheck --help`` loads none of them.
"""

from __future__ import annotations

import importlib
import logging
import os

import click

from formcheck import __version__
from formcheck.cli.console import print_error, print_note, print_warning
from formcheck.errors import ExitCode, FormcheckError
from formcheck.pose.models import VERBOSE_ENV, hush_native_logs

# name -> "module:attribute" of its click command, in the order --help lists them.
COMMANDS = {
    "score": "formcheck.cli.score:score",
    "record": "formcheck.cli.record:record",
    "live": "formcheck.cli.live:live",
    "exercises": "formcheck.cli.exercises:exercises_command",
    "explain": "formcheck.cli.exercises:explain_command",
    "routine": "formcheck.cli.routine:routine_command",
    "app": "formcheck.cli.app:app_command",
    "history": "formcheck.cli.history:history_command",
    "assess": "formcheck.cli.assess:assess",
    "calibrate": "formcheck.cli.calibrate:calibrate",
    "batch": "formcheck.cli.batch:batch_command",
    "studio": "formcheck.cli.studio:studio",
    "models": "formcheck.cli.models:models_command",
}


class _Group(click.Group):
    """Loads each command's module on first use, and turns :class:`FormcheckError` into one red
    line and its exit code — never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FormcheckError as exc:
            print_error(str(exc))
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            print_error("interrupted")
            ctx.exit(ExitCode.INTERRUPTED)


class _TerminalLog(logging.Handler):
    """The library's log (``formcheck.*``) on the terminal: what it says while working (``waiting
    for the history database...``) as a plain line, its warnings as warnings."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            print_warning(message)
        else:
            print_note(message)


def _show_library_log(verbose: bool) -> None:
    log = logging.getLogger("formcheck")
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(h, _TerminalLog) for h in log.handlers):  # main() may run twice in one process (tests)
        log.addHandler(_TerminalLog())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formcheck")
@click.option("-v", "--verbose", is_flag=True,
              help="also show the log lines of the libraries underneath (TensorFlow Lite, MediaPipe, OpenCV)")
def main(verbose: bool) -> None:
    """formcheck watches an exercise through a camera or in a video and times only the seconds
    held in good form."""
    if verbose:
        os.environ[VERBOSE_ENV] = "1"
    else:
        hush_native_logs()
    _show_library_log(verbose)
