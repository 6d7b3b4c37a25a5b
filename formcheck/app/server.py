"""The app's HTTP side: pages, the camera view (MJPEG), the session's events (Server-Sent Events),
the buttons, the reports by history id, and uploads to score.

The server serves only its own files (from the package) and saved sessions looked up by id in the
history: no path ever comes from the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from formcheck.app import pages
from formcheck.app.board import Board
from formcheck.app.guard import Guard
from formcheck.app.runner import AppSettings, RoutineSession
from formcheck.app.scoring import ScoreJob, upload_name
from formcheck.errors import FormcheckError
from formcheck.judge.exercises import load_exercise
from formcheck.judge.exercises.library import list_exercises
from formcheck.live.screen import Action
from formcheck.outputs.history.paths import resolve_db_path
from formcheck.outputs.history.plot import write_progress_plot
from formcheck.outputs.history.progress import local_day, per_day
from formcheck.outputs.history.store import HistoryStore
from formcheck.routines import Routine, plan_today

STATIC = {"app.css": "text/css", "session.js": "text/javascript", "today.js": "text/javascript",
          "score.js": "text/javascript"}
ACTIONS = {"pause": Action.PAUSE, "next": Action.NEXT, "quit": Action.QUIT}
_CHUNK = 1 << 20


@dataclass
class AppContext:
    """What the app serves: its settings, the routines offered, and the sessions and scorings it ran."""

    settings: AppSettings
    routines: list[Routine]
    token: str | None = None
    max_upload_bytes: int = 500 * 1024 * 1024
    upload_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="formcheck-uploads-")))
    board: Board = field(default_factory=Board)
    runs: dict[int, RoutineSession] = field(default_factory=dict)
    jobs: dict[int, ScoreJob] = field(default_factory=dict)
    closing: threading.Event = field(default_factory=threading.Event)  # the server is stopping: end the streams
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def db_path(self) -> Path:
        return resolve_db_path(self.settings.db)

    def store(self) -> contextlib.AbstractContextManager[HistoryStore | None]:
        """The history for reading, or None when there is none yet (reading never creates one)."""
        path = self.db_path
        return HistoryStore.open(path) if path.exists() else contextlib.nullcontext(None)

    def current_run(self) -> RoutineSession | None:
        return self.runs[max(self.runs)] if self.runs else None

    def start_run(self, index: int) -> RoutineSession:
        with self._lock:
            current = self.current_run()
            if current is not None and not current.done:
                raise RuntimeError("a session is already running")
            with self.store() as store:
                plan = plan_today(self.routines[index], store)
            run = RoutineSession(next(self._ids), plan, self.settings, self.board)
            self.runs[run.run_id] = run
            return run.start()

    def new_id(self) -> int:
        return next(self._ids)


def _routine_index(ctx: AppContext, text: str | None) -> int:
    try:
        index = int(text or 0)
    except ValueError:
        return 0
    return index if 0 <= index < len(ctx.routines) else 0


def create_app(ctx: AppContext) -> Starlette:
    async def home(request: Request) -> Response:
        return RedirectResponse("/today", 303)

    async def today(request: Request) -> Response:
        chosen = _routine_index(ctx, request.query_params.get("routine"))
        with ctx.store() as store:
            plan = plan_today(ctx.routines[chosen], store)
            names = {side.exercise_name for planned in plan.steps for side in planned.sides}
            rows = store.sessions(newest_first=False) if store is not None else []
        done = [r for r in rows if r.kind == "live" and r.exercise in names and local_day(r.started) == plan.day]
        run = ctx.current_run()
        return HTMLResponse(pages.today_page([r.name for r in ctx.routines], chosen, plan, done,
                                             running=run is not None and not run.done))

    async def start(request: Request) -> Response:
        body = await _json(request)
        try:
            run = ctx.start_run(_routine_index(ctx, str(body.get("routine", 0))))
        except RuntimeError as exc:
            return JSONResponse({"error": str(exc)}, 409)
        except FormcheckError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        return JSONResponse({"run": run.run_id})

    async def session(request: Request) -> Response:
        run = ctx.current_run()
        if run is not None and run.done:
            return RedirectResponse(f"/summary/{run.run_id}", 303)
        return HTMLResponse(pages.session_page(run is not None))

    async def action(request: Request) -> Response:
        body = await _json(request)
        run = ctx.current_run()
        if run is None or run.done:
            return JSONResponse({"error": "no session is running"}, 409)
        name = body.get("action")
        if name == "hurts":
            run.stop_it_hurts()
        elif name in ACTIONS:
            run.press(ACTIONS[name])
        else:
            return JSONResponse({"error": "unknown action"}, 400)
        return JSONResponse({"ok": True})

    async def events(request: Request) -> Response:
        async def stream():
            version = -1
            while not ctx.closing.is_set():
                version, parts = await anyio.to_thread.run_sync(ctx.board.wait_newer, version, 0.5)
                yield f"data: {json.dumps(parts)}\n\n".encode()
                # At most ~20 updates a second: the page needs no more, and a slow one must not lag.
                await asyncio.sleep(0.05)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def video(request: Request) -> Response:
        run = ctx.current_run()
        if run is None:
            return Response("no session is running", 404)

        async def stream():
            after = 0
            while not ctx.closing.is_set():
                shown = await anyio.to_thread.run_sync(run.screen.next_frame, after, 0.5)
                if shown is None:
                    if run.done:
                        return
                    continue
                after = shown.number
                # When the camera frame was captured, on this process's clock and on the wall clock
                # (which a browser on this computer shares): for measuring the view's delay.
                captured_unix_ms = 0.0
                if shown.captured_s is not None:
                    captured_unix_ms = 1000 * (time.time() - (time.perf_counter() - shown.captured_s))
                head = (f"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {len(shown.jpeg)}\r\n"
                        f"X-Frame: {shown.number}\r\nX-Captured-S: {shown.captured_s or 0:.6f}\r\n"
                        f"X-Captured-Unix-Ms: {captured_unix_ms:.1f}\r\n\r\n")
                yield head.encode() + shown.jpeg + b"\r\n"

        return StreamingResponse(stream(), media_type="multipart/x-mixed-replace; boundary=frame",
                                 headers={"Cache-Control": "no-store"})

    async def summary(request: Request) -> Response:
        run = ctx.runs.get(request.path_params["run_id"])
        if run is None:
            return HTMLResponse(pages.message_page("Summary", "No such session."), 404)
        if not run.done:
            return RedirectResponse("/session", 303)
        return HTMLResponse(pages.summary_page(run.run_id, run.plan.routine.name, run.outcome))

    async def progress(request: Request) -> Response:
        with ctx.store() as store:
            rows = store.sessions(newest_first=False) if store is not None else []
        names = sorted({r.exercise for r in rows})
        return HTMLResponse(pages.progress_page([(n, per_day(r for r in rows if r.exercise == n)) for n in names]))

    async def progress_plot(request: Request) -> Response:
        wanted = request.query_params.get("exercise", "")
        if not wanted:
            return Response("which exercise?", 404)
        with ctx.store() as store:
            rows = store.sessions(wanted, newest_first=False) if store is not None else []
        days = per_day(rows)
        if not days:
            return Response("no sessions of that exercise", 404)
        png = await anyio.to_thread.run_sync(_plot_png, days, wanted, ctx.upload_dir)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def reports(request: Request) -> Response:
        with ctx.store() as store:
            rows = store.sessions() if store is not None else []
        return HTMLResponse(pages.reports_page(rows))

    async def report(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        with ctx.store() as store:
            row = next((r for r in (store.sessions() if store is not None else []) if r.id == session_id), None)
        if row is None or not row.report_path:
            return HTMLResponse(pages.message_page("Report", "No saved report with that number.", "reports"), 404)
        path = Path(row.report_path)
        if not path.is_file():
            return HTMLResponse(pages.message_page("Report", f"The report of session {session_id} is no longer "
                                                   "on this computer.", "reports"), 404)
        return HTMLResponse(path.read_text(encoding="utf-8"))

    async def score_form(request: Request) -> Response:
        return HTMLResponse(pages.score_page(list_exercises(), ctx.max_upload_bytes / 1024 / 1024))

    async def score_upload(request: Request) -> Response:
        name = request.query_params.get("name", "video")
        try:
            exercise = load_exercise(request.query_params.get("exercise", ""))
        except FormcheckError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > ctx.max_upload_bytes:
            return JSONResponse({"error": _too_big(name, ctx.max_upload_bytes)}, 413)
        job_id = ctx.new_id()
        folder = ctx.upload_dir / f"job{job_id}"
        folder.mkdir()
        path = folder / upload_name(name)
        size = 0
        with path.open("wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > ctx.max_upload_bytes:
                    fh.close()
                    path.unlink(missing_ok=True)
                    return JSONResponse({"error": _too_big(name, ctx.max_upload_bytes)}, 413)
                fh.write(chunk)
        if size == 0:
            path.unlink(missing_ok=True)
            return JSONResponse({"error": f"{name}: the file is empty"}, 400)
        job = ScoreJob(job_id, path, name, exercise, ctx.settings.sessions_dir, ctx.settings.db, ctx.settings.model)
        ctx.jobs[job_id] = job.start()
        return JSONResponse({"job": job_id})

    async def score_status(request: Request) -> Response:
        job = ctx.jobs.get(request.path_params["job_id"])
        if job is None:
            return JSONResponse({"error": "no such scoring"}, 404)
        s = job.status
        return JSONResponse({"state": s.state, "done": s.done_frames, "total": s.total_frames, "error": s.error,
                             "report": f"/reports/{s.history_id}" if s.history_id is not None else None})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", 404)
        text = resources.files("formcheck.app").joinpath("static", name).read_text(encoding="utf-8")
        return Response(text, media_type=STATIC[name])

    routes = [
        Route("/", home), Route("/today", today), Route("/api/runs", start, methods=["POST"]),
        Route("/session", session), Route("/api/action", action, methods=["POST"]),
        Route("/api/events", events), Route("/video.mjpg", video),
        Route("/summary/{run_id:int}", summary), Route("/progress", progress),
        Route("/progress/plot.png", progress_plot), Route("/reports", reports),
        Route("/reports/{session_id:int}", report), Route("/score", score_form),
        Route("/api/score", score_upload, methods=["POST"]), Route("/api/score/{job_id:int}", score_status),
        Route("/static/{name}", static),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=ctx.token)])


async def _json(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _too_big(name: str, limit: int) -> str:
    return f"{name}: larger than the {limit / 1024 / 1024:g} MB this app accepts"


def _plot_png(days, exercise: str, folder: Path) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".png", dir=folder) as fh:
        write_progress_plot(days, exercise, fh.name)
        return Path(fh.name).read_bytes()
