"""``formcheck app``: the local web app, started by one command, which opens the browser on it."""

from __future__ import annotations

import secrets
import shutil
import socket
import threading
import time
import webbrowser
from pathlib import Path

import click
import uvicorn

from formcheck.app.guard import is_local
from formcheck.app.runner import AppSettings
from formcheck.app.server import AppContext, create_app
from formcheck.cli.console import print_note, stdout_console
from formcheck.cli.history import db_option
from formcheck.cli.options import FiniteFloat
from formcheck.errors import FormcheckError, SourceError
from formcheck.live.session import user_data_dir
from formcheck.pose.models import SCORE_MODEL
from formcheck.routines import example_routines, read_routine
from formcheck.sources.camera import open_live_source

_STOP_RUN_WAIT_S = 15.0


@click.command("app")
@click.option("-c", "--camera", default="0", show_default=True,
              help="camera index, a capture device or URL, or a video file played as if it were a camera")
@click.option("--routine", "routine_files", multiple=True,
              help="a routine .toml file (or an example's name) to offer besides the examples; may repeat")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; anything but this computer needs the access token printed at start")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="port (default: a free one)")
@click.option("--no-browser", is_flag=True, help="do not open the browser (tests, or to open it yourself)")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="folder for the sessions' reports (default: the user data folder's sessions/)")
@click.option("--model", default=None, help="pose model (as for 'formcheck live'; default: litert)")
@click.option("--countdown", "countdown_s", type=FiniteFloat(min=0.0), default=3.0, show_default=True,
              help="seconds to get into position before each set's timing starts")
@click.option("--mirror/--no-mirror", default=None,
              help="show the image mirrored (default: mirrored for a camera, not for a video file)")
@click.option("--max-upload-mb", type=FiniteFloat(min=1.0), default=500.0, show_default=True,
              help="largest video 'Score a video' accepts")
@db_option
def app_command(camera: str, routine_files: tuple[str, ...], host: str, port: int, no_browser: bool,
                out_dir: Path | None, model: str | None, countdown_s: float, mirror: bool | None,
                max_upload_mb: float, db: Path | None) -> None:
    """Start the app in the browser: today's routine with a camera view, a hold timer and spoken
    cues, a summary, progress over weeks, the saved reports, and scoring a video.

    It listens on this computer only unless --host says otherwise; then the address it prints
    carries an access token that every request must bring.
    """
    _check_camera(camera)
    routines = [read_routine(path) for path in example_routines().values()]
    # A routine given on the command line is checked now: a mistake is one line here, not a broken page.
    routines += [read_routine(name) for name in routine_files]
    token = None if is_local(host) else secrets.token_urlsafe(24)
    settings = AppSettings(camera, model or SCORE_MODEL, countdown_s, db, out_dir or user_data_dir() / "sessions",
                           mirror)
    ctx = AppContext(settings, routines, token=token, max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    sock = _bind(host, port)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{sock.getsockname()[1]}/today"
    if token is not None:
        url += f"?token={token}"
    server = _Server(ctx, uvicorn.Config(create_app(ctx), log_level="warning", access_log=False))
    stdout_console().print(f"formcheck app: {url}", soft_wrap=True)
    print_note("press Ctrl-C here to stop the app")
    if not no_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        try:
            _stop_runs(ctx)
        finally:
            shutil.rmtree(ctx.upload_dir, ignore_errors=True)  # uploads are only ever temporary copies


class _Server(uvicorn.Server):
    """uvicorn's server, which on Ctrl-C first ends the page's event and camera streams: they never
    end on their own, and the server waits for every open response before it stops."""

    def __init__(self, ctx: AppContext, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ctx = ctx

    def handle_exit(self, sig, frame) -> None:
        self.ctx.closing.set()
        super().handle_exit(sig, frame)


def _check_camera(camera: str) -> None:
    """A video file given as the camera must exist now, not when the first session starts. A camera
    is opened only for a session: holding it while the app waits would keep its light on."""
    text = camera.strip()
    if text.isdigit() or "://" in text or text.startswith("/dev/"):
        return
    open_live_source(text)  # opens and probes the file; the unread source is dropped here


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SourceError(f"{host}:{port}: cannot listen there ({exc.strerror or exc})") from None
    sock.listen(64)
    return sock


def _open_when_ready(server: uvicorn.Server, url: str) -> None:
    for _ in range(300):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.05)


def _stop_runs(ctx: AppContext) -> None:
    """A session still running when the app stops ends as a quit does: its sets are saved."""
    run = ctx.current_run()
    if run is None or run.done:
        return
    run.press_quit()
    run.join(_STOP_RUN_WAIT_S)
    if not run.done:
        raise FormcheckError("the running session did not end in time; its history row keeps its last checkpoint")
