"""The app's pages as HTML. Every string that came from a file, the history or the person (routine
names and notes, exercise names, fault cues, file names) goes through :func:`html.escape`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import quote

from formcheck.app.runner import PAIN_REASON, RunOutcome
from formcheck.judge.exercises.library import ExerciseInfo
from formcheck.outputs.history.progress import Day, local_day
from formcheck.outputs.history.rows import SessionRow
from formcheck.routines import PlannedSide, PlannedStep, TodayPlan, format_target

NAV = (("today", "/today", "Today"), ("session", "/session", "Session"), ("progress", "/progress", "Progress"),
       ("reports", "/reports", "Reports"), ("score", "/score", "Score a video"))


def layout(title: str, active: str, body: str, script: str | None = None) -> str:
    links = "".join(f"<a href='{href}'{' class=active' if key == active else ''}>{label}</a>"
                    for key, href, label in NAV)
    js = f"<script src='/static/{script}'></script>" if script else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)} - formcheck</title><link rel=stylesheet href='/static/app.css'></head>"
            f"<body><nav>{links}</nav><main>{body}</main>{js}</body></html>")


def _target(planned: PlannedStep, side: PlannedSide) -> str:
    return ("hold " if planned.step.unit == "s" else "") + format_target(side.target, planned.step.unit)


def today_page(names: Sequence[str], chosen: int, plan: TodayPlan, done_today: Sequence[SessionRow],
               running: bool) -> str:
    picks = "".join(f"<li><a href='/today?routine={i}'{' class=active' if i == chosen else ''}>{escape(name)}</a></li>"
                    for i, name in enumerate(names))
    routine = plan.routine
    rows = []
    for planned in plan.steps:
        spec = planned.step.spec
        for side in planned.sides:
            rows.append(f"<tr><td>{planned.step.number}</td><td>{escape(planned.side_title(side))}</td>"
                        f"<td>{escape(_target(planned, side))}</td><td>{spec.sets}</td><td>{spec.rest_s:g} s</td>"
                        f"<td>{escape(spec.note or '')}</td></tr>")
    done = "".join(f"<tr><td>{row.started.astimezone().strftime('%H:%M')}</td><td>{escape(row.exercise)}</td>"
                   f"<td>{row.valid_s:.1f} s</td><td>{escape(row.ended_by or 'running')}</td>"
                   f"<td><a href='/reports/{row.id}'>report</a></td></tr>" for row in done_today)
    start = ("<p class=note>A session is running: <a href='/session'>go to it</a>.</p>" if running else
             f"<button id=start class=big data-routine='{chosen}'>Start today's routine</button>")
    return layout("Today", "today", f"""
<h1>Today, {escape(plan.day.strftime('%A %d %B'))}</h1>
<section><h2>Routine</h2><ul class=picks>{picks}</ul></section>
<section><h2>{escape(routine.name)}</h2>
<p class=notes>{escape(routine.notes).replace(chr(10), '<br>')}</p>
<table><thead><tr><th>Step</th><th>Exercise</th><th>Today's target</th><th>Sets</th><th>Rest</th><th>Note</th>
</tr></thead><tbody>{''.join(rows)}</tbody></table>
{start}<p id=start-error class=error></p></section>
<section><h2>Done today</h2>
{f"<table><tbody>{done}</tbody></table>" if done else "<p>Nothing yet today.</p>"}</section>""", "today.js")


def session_page(has_run: bool) -> str:
    if not has_run:
        return layout("Session", "session", "<h1>Session</h1><p>No session is running. "
                      "<a href='/today'>Start today's routine</a>.</p>")
    return layout("Session", "session", """
<div class=session>
  <div class=view><img id=view alt='camera view with the skeleton' src='/video.mjpg'></div>
  <aside>
    <p id=headline class=headline></p>
    <div class=timer><span id=hold>0:00</span><span id=target class=target></span></div>
    <p id=reps class=reps></p>
    <p id=big class=countdown></p>
    <p id=cue class=cue aria-live=polite></p>
    <p id=seen class=seen></p>
    <div class=buttons>
      <button id=pause>Pause</button>
      <button id=next>Skip</button>
      <button id=quit>End session</button>
    </div>
    <button id=hurts class=hurts>Stop - it hurts</button>
    <p class=note>Stop at once if you feel pain.</p>
  </aside>
</div>""", "session.js")


def _achieved(value: float, unit: str) -> str:
    return f"{value:.1f} s" if unit == "s" else f"{int(value)} reps"


def summary_page(run_id: int, routine: str, outcome: RunOutcome) -> str:
    rows = []
    for s in outcome.sets:
        met = s.achieved >= s.target - 1e-6
        faults = "<br>".join(f"{escape(str(f.get('cue') or f.get('check')))} "
                             f"({float(f.get('start_s') or 0):.1f}-{float(f.get('end_s') or 0):.1f} s)"
                             for f in s.faults) or "none"
        report = f"<a href='/reports/{s.history_id}'>report</a>" if s.history_id is not None else "not saved"
        ended = escape(s.ended_by)
        rows.append(f"<tr class={'met' if met else 'short'}><td>{s.step_number}. {escape(s.title)}</td>"
                    f"<td>{s.set_number}</td><td>{_achieved(s.achieved, s.unit)} of "
                    f"{escape(format_target(s.target, s.unit))}</td><td>{'met' if met else 'not met'}</td>"
                    f"<td>{ended}</td><td>{faults}</td><td>{report}</td></tr>")
    banner = ""
    if outcome.ended_by == PAIN_REASON:
        banner = ("<p class=pain>You stopped because it hurt. That is recorded with the set, and nothing after "
                  "the moment you pressed the button was counted. Tell your physiotherapist before the next "
                  "session.</p>")
    elif outcome.error:
        banner = f"<p class=error>The session ended early: {escape(outcome.error)}</p>"
    elif outcome.ended_by != "done":
        banner = f"<p class=note>The session ended early ({escape(outcome.ended_by)}).</p>"
    table = ("<table><thead><tr><th>Step</th><th>Set</th><th>Good form, of the target</th><th>Target met</th>"
             "<th>Ended</th><th>Faults (times in the set)</th><th></th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>"
             if rows else "<p>No set was done.</p>")
    return layout("Summary", "session", f"<h1 id=summary data-run='{run_id}'>{escape(routine)}: summary</h1>"
                  f"{banner}{table}<p><a href='/today'>Back to today</a> · <a href='/progress'>Progress</a></p>")


def progress_page(exercises: Sequence[tuple[str, list[Day]]]) -> str:
    if not exercises:
        return layout("Progress", "progress", "<h1>Progress</h1><p>No sessions in the history yet.</p>")
    parts = ["<h1>Progress</h1>"]
    for name, days in exercises:
        sessions = sum(d.sessions for d in days)
        last = days[-1] if days else None
        parts.append(f"<section class=exercise><h2>{escape(name)}</h2><p>{len(days)} day{'s' if len(days) != 1 else ''}"
                     f" done, {sessions} session{'s' if sessions != 1 else ''}"
                     + (f"; last on {escape(last.day.isoformat())}, longest hold {last.longest_hold_s:.1f} s" if last
                        else "")
                     + f"</p><img alt='progress of {escape(name)}' src='/progress/plot.png?exercise={quote(name)}'>"
                     "</section>")
    return layout("Progress", "progress", "".join(parts))


def reports_page(rows: Sequence[SessionRow]) -> str:
    if not rows:
        return layout("Reports", "reports", "<h1>Reports</h1><p>No saved sessions yet.</p>")
    body = "".join(
        f"<tr><td>{row.id}</td><td>{escape(row.started.astimezone().strftime('%Y-%m-%d %H:%M'))}</td>"
        f"<td>{escape(row.exercise)}</td><td>{escape(row.kind)}</td><td>{row.valid_s:.1f} s</td>"
        f"<td>{escape(row.ended_by or 'running')}</td>"
        f"<td>{f'<a href=/reports/{row.id}>open</a>' if row.report_path else 'no report'}</td></tr>" for row in rows)
    return layout("Reports", "reports", "<h1>Reports</h1><table><thead><tr><th>#</th><th>When</th><th>Exercise</th>"
                  "<th>Kind</th><th>Good form</th><th>Ended</th><th></th></tr></thead>"
                  f"<tbody>{body}</tbody></table>")


def score_page(exercises: Sequence[ExerciseInfo], max_upload_mb: float) -> str:
    options = "".join(f"<option value='{escape(e.name)}'>{escape(e.title)} ({escape(e.target)})</option>"
                      for e in exercises)
    return layout("Score a video", "score", f"""
<h1>Score a video</h1>
<form id=score-form>
<label>Exercise <select id=exercise>{options}</select></label>
<label>Video (up to {max_upload_mb:g} MB) <input id=file type=file accept='video/*'></label>
<button id=go class=big>Score it</button>
</form>
<progress id=bar max=100 value=0 hidden></progress>
<p id=status></p>""", "score.js")


def message_page(title: str, text: str, active: str = "") -> str:
    return layout(title, active, f"<h1>{escape(title)}</h1><p class=error>{escape(text)}</p>")


def is_today(row: SessionRow, today: date) -> bool:
    return local_day(row.started) == today

