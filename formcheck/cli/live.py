"""``formcheck live``: coaching in front of a webcam, one exercise or a whole routine. Registered in
the main group by ``formcheck.cli.main``.

Both run their sets through :func:`run_live_set` on one :class:`LiveRig` (camera, window, voice,
pose stages), which stays open from the first set to the last, through the rests between them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from formcheck.cli.console import print_warning, stdout_console
from formcheck.cli.history import db_option
from formcheck.cli.options import FiniteFloat
from formcheck.engine.outputs import RECORDING_NAME, History, Outputs, sinks_for
from formcheck.engine.posture import start_posture
from formcheck.engine.session import end_time
from formcheck.errors import ExitCode, FormcheckError
from formcheck.judge.exercises import Exercise, load_exercise
from formcheck.judge.exercises.exercise_file import name_key
from formcheck.judge.scoring import Score
from formcheck.live.coach import CoachOptions, LiveCoach, LiveResult
from formcheck.live.rest import rest_on_screen
from formcheck.live.screen import Action, Screen, check_display
from formcheck.live.session import default_out_dir
from formcheck.live.voice import Voice
from formcheck.outputs.folder import OutputFolder
from formcheck.outputs.history.paths import resolve_db_path
from formcheck.outputs.history.store import HistoryStore
from formcheck.outputs.session_result import SessionResult
from formcheck.outputs.terminal_summary import score_rows
from formcheck.pose.models import SCORE_MODEL
from formcheck.pose.recording import Recording, make_meta, others_in_view_meta
from formcheck.pose.stage import PoseStage
from formcheck.routines import RoutineLog, SetOutcome, TodayPlan, Turn, format_target, plan_today, read_routine
from formcheck.routines.targets import exercise_for
from formcheck.sources.camera import open_live_source
from formcheck.sources.capture import LatestFrameCapture
from formcheck.sources.media import CameraSource, VideoFileSource

# A routine goes on to its next set after these; anything else ends it.
_SET_DONE = ("target reached", "next", "time limit")


@click.command("live")
@click.option("-e", "--exercise", "exercise_name", default=None, help="exercise name (see 'formcheck exercises')")
@click.option("--routine", "routine_name", default=None,
              help="run a routine instead: a .toml file or an example's name (see 'formcheck routine list')")
@click.option("-c", "--camera", default="0", show_default=True,
              help="camera index, a capture device or URL, or a video file played as if it were a camera")
@click.option("--profile", default=None,
              help="calibration profile name or .toml file (with --routine: for steps that name none)")
@click.option("--voice", is_flag=True, help="speak the cues (espeak-ng/espeak if installed, else a bell)")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="folder for the session's reports (default: a new folder under the user data folder)")
@click.option("--overwrite", is_flag=True, help="replace what an earlier session left in the -o folder")
@click.option("--model", default=None,
              help="pose model (as for 'formcheck record'; default: litert, which responds sooner, with "
                   "its person mask for wall exercises, whose wall stage needs the silhouette)")
@click.option("--countdown", "countdown_s", type=FiniteFloat(min=0.0), default=3.0, show_default=True,
              help="seconds to get into position before timing starts")
@click.option("--mirror/--no-mirror", default=None,
              help="show the image mirrored (default: mirrored for a camera, not for a video file)")
@click.option("--screenshot", type=click.Path(path_type=Path), default=None, hidden=True,
              help="save the last image shown to this file (debugging, tests)")
@click.option("--max-seconds", type=FiniteFloat(min=0.1), default=None, hidden=True,
              help="end the session after this many seconds (benchmarks)")
@db_option
def live(exercise_name: str | None, routine_name: str | None, camera: str, profile: str | None, voice: bool,
         out_dir: Path | None, overwrite: bool, model: str, countdown_s: float, mirror: bool | None,
         screenshot: Path | None, max_seconds: float | None, db: Path | None) -> None:
    """Coach an exercise, or a routine's steps one after another, live in front of a camera:
    skeleton, one cue at a time, and a hold timer that counts only good form.

    Keys: space pause/resume, r restart, m mirror, h hide the speed readout, q or Esc finish
    (a routine: n ends this set or this rest early, q ends the routine). Each session (each set of
    a routine) is saved like 'formcheck score' saves a video: report.json, timeline.png,
    report.html, and the landmarks (session.poses.npz) so it can be re-scored.
    """
    if (exercise_name is None) == (routine_name is None):
        raise click.UsageError("give either -e EXERCISE or --routine ROUTINE")
    settings = LiveSettings(camera, voice, model or SCORE_MODEL, countdown_s, mirror, screenshot, max_seconds, db,
                            overwrite)
    if routine_name is not None:
        _live_routine(routine_name, profile, out_dir, settings)
    else:
        assert exercise_name is not None
        _live_exercise(exercise_name, profile, out_dir, settings)


@dataclass(frozen=True)
class LiveSettings:
    """The command line's choices that every set of a run shares."""

    camera: str
    voice: bool
    model: str
    countdown_s: float
    mirror: bool | None
    screenshot: Path | None
    max_seconds: float | None
    db: Path | None
    overwrite: bool = False


@dataclass
class LiveRig:
    """What stays open for every set of a live run: the camera and its capture thread, the window,
    the voice, and the pose stages (one with the wall stage for wall exercises, one without)."""

    source: CameraSource | VideoFileSource
    is_file: bool
    screen: Screen
    speaker: Voice
    model: str
    capture: LatestFrameCapture | None = None
    stages: dict[bool, PoseStage] = field(default_factory=dict)
    # A front end's own reason a set ended, when it has one (the app's "stopped: it hurts"): the
    # report and the recording say it instead of the key that ended the coach's loop.
    reason: Callable[[], str | None] | None = None

    def stage_for(self, exercise: Exercise) -> PoseStage:
        # The same pixel stage as scoring: the estimator, and for wall exercises the wall stage with
        # the person mask at the size that stage works at.
        if exercise.needs_wall not in self.stages:
            self.stages[exercise.needs_wall] = PoseStage(self.model, wall=exercise.needs_wall)
        return self.stages[exercise.needs_wall]


@contextlib.contextmanager
def open_rig(settings: LiveSettings, title: str, exercises: list[Exercise], screen: Screen | None = None,
             speaker: Voice | None = None) -> Iterator[LiveRig]:
    """Open the camera, load the pose stages ``exercises`` need, open the window, start capturing;
    close everything on the way out (the last image shown is saved first, for --screenshot).

    ``screen`` and ``speaker``: another front end's own (the app's, which draws for a browser and
    lets the browser speak) instead of an OpenCV window and the local voice."""
    source, is_file = open_live_source(settings.camera)
    if screen is None:
        screen = Screen(title)
    screen.mirror = (not is_file) if settings.mirror is None else settings.mirror
    rig = LiveRig(source, is_file, screen, speaker or Voice(enabled=settings.voice), settings.model)
    try:
        # Models load before the window opens and the clock starts: no set waits for one.
        for exercise in exercises:
            rig.stage_for(exercise)
        rig.screen.open()
        with LatestFrameCapture(source, realtime=is_file) as capture:
            rig.capture = capture
            yield rig
    finally:
        if settings.screenshot is not None:
            rig.screen.save(settings.screenshot)
        rig.screen.close()
        rig.speaker.close()
        for stage in rig.stages.values():
            stage.close()


@dataclass(frozen=True)
class LiveSet:
    result: LiveResult      # how the coach's loop ended
    saved: SessionResult    # the score and the files written


def run_live_set(rig: LiveRig, exercise: Exercise, out_dir: Path, options: CoachOptions, history: History,
                 final_dir: Path | None = None) -> LiveSet:
    """One live session (one set of a routine): coach it on the rig's camera and window, then save
    it — reports, landmarks, and the history row that was checkpointed while it ran. ``out_dir``
    may be a working folder that the caller moves to ``final_dir`` afterwards."""
    assert rig.capture is not None, "run_live_set needs an open rig"
    stage = rig.stage_for(exercise)
    stage.prefer_posture(start_posture(exercise))
    # The stage outlives the set (a routine reuses it): only this set's sightings of another person count.
    others_before = len(getattr(stage.estimator, "others_seen_t_s", ()))
    sinks = sinks_for(exercise, Outputs(out_dir, final_dir=final_dir, recording=out_dir / RECORDING_NAME,
                                        history=history))
    coach = LiveCoach(exercise, stage, rig.screen, rig.speaker, rig.source.info, options, sinks)
    result = coach.run(rig.capture)
    info = dataclasses.replace(rig.source.info, duration_s=end_time(result.frames, rig.source.info.fps) or 0.0)
    meta = make_meta(info, stage.model_name, result.complete)
    ended_by = (rig.reason() if rig.reason is not None else None) or result.ended_by
    meta.update(live=True, countdown_s=options.countdown_s, sample_fps=None, ended_by=ended_by)
    if result.error is not None:
        meta["error"] = str(result.error)
    if hasattr(stage.estimator, "others_seen_t_s"):
        meta.update(others_in_view_meta(stage.estimator.others_seen_t_s[others_before:]))
    notes = [f"Live session from {rig.source.info.name}; it ended: {ended_by}."]
    saved = result.session.finish(Recording(result.frames, meta, result.walls), source=rig.source.info.name,
                                  out_dir=final_dir or out_dir, notes=notes)
    return LiveSet(result, saved)


def _claimed(out_dir: Path, overwrite: bool) -> contextlib.AbstractContextManager[OutputFolder]:
    """The output folder, checked before the camera opens, written in a working folder and moved
    into place however the session ends."""
    # Each live session is a source of its own: a folder holding an earlier one is never replaced
    # without --overwrite.
    source = f"live session {datetime.now(timezone.utc).isoformat()}"
    return OutputFolder.claim(out_dir, source, overwrite=overwrite).kept()


def _live_exercise(exercise_name: str, profile: str | None, out_dir: Path | None, settings: LiveSettings) -> None:
    # Cheapest checks first, so a typo or a headless machine never waits for a camera or a model.
    exercise = load_exercise(exercise_name, profile=profile)
    check_display()
    out_dir = out_dir or default_out_dir(exercise.name)
    with _claimed(out_dir, settings.overwrite) as folder, \
            open_rig(settings, f"formcheck - {exercise.title}", [exercise]) as rig:
        # The history row opens now and is checkpointed while the person exercises.
        history = History(settings.db, profile, live=True, source=rig.source.info.name, warn=print_warning)
        done = run_live_set(rig, exercise, folder.work_dir, CoachOptions(countdown_s=settings.countdown_s,
                                                                         max_seconds=settings.max_seconds),
                            history, final_dir=out_dir)
    result, saved = done.result, done.saved
    _print_summary(stdout_console(), result, saved)
    if result.error is not None:
        print_warning(f"{result.error}; the session so far is saved in {out_dir}")
        sys.exit(ExitCode.FAILED)
    if result.ended_by == "interrupted":
        print_warning(f"interrupted: the session so far is saved in {out_dir}")
        sys.exit(ExitCode.INTERRUPTED)


def _live_routine(routine_name: str, profile: str | None, out_dir: Path | None, settings: LiveSettings) -> None:
    routine = read_routine(routine_name)
    db_path = resolve_db_path(settings.db)
    with contextlib.ExitStack() as stack:
        # Planning reads the history; it must not create an empty one before anything was done.
        store = stack.enter_context(HistoryStore.open(db_path)) if db_path.exists() else None
        plan = plan_today(routine, store)
    turns = plan.turns()
    # Every exercise (and profile) loads before the camera opens: a mistake stops the routine
    # before it starts, not at step 3.
    exercises = {turn: exercise_for(*plan.at(turn), default_profile=profile) for turn in turns}
    check_display()
    out_root = out_dir or default_out_dir(f"routine-{name_key(routine.name)}")
    with _claimed(out_root, settings.overwrite) as folder, \
            open_rig(settings, f"formcheck - {routine.name}", list(exercises.values())) as rig:
        run = run_routine(rig, plan, exercises, settings, folder.work_dir, profile, final_root=out_root)
    log, ended_by, error = run.log, run.ended_by, run.error
    _print_routine_summary(stdout_console(), log, ended_by, out_root)
    if error is not None:
        print_warning(f"{error}; the sets done so far are saved in {out_root}")
        sys.exit(ExitCode.FAILED)
    if ended_by == "interrupted":
        print_warning(f"interrupted: the sets done so far are saved in {out_root}")
        sys.exit(ExitCode.INTERRUPTED)


@dataclass(frozen=True)
class RoutineRun:
    log: RoutineLog                 # each set done, with its outcome
    ended_by: str                   # "done", or why it ended early: "quit", "window closed", "source ended", ...
    error: FormcheckError | None    # a camera, model or window failure that ended it


def run_routine(rig: LiveRig, plan: TodayPlan, exercises: Mapping[Turn, Exercise], settings: LiveSettings,
                out_root: Path, profile: str | None = None, final_root: Path | None = None) -> RoutineRun:
    """Each turn of ``plan`` (one set of one side of one step) through :func:`run_live_set` on the
    open rig, with a rest over the camera after it; q, closing the window, the camera or video
    ending, or a failure ends the routine, and every set done so far stays saved."""
    assert rig.capture is not None, "run_routine needs an open rig"
    turns = plan.turns()
    log = RoutineLog(plan)
    ended_by, error = "done", None
    try:
        for n, turn in enumerate(turns, start=1):
            planned, _ = plan.at(turn)
            exercise = exercises[turn]
            options = CoachOptions(countdown_s=settings.countdown_s, max_seconds=settings.max_seconds,
                                   stop_at_target=True, headline=_headline(plan, turn))
            rig.speaker.say(_spoken(plan, turn))
            history = History(settings.db, planned.step.spec.profile or profile, live=True,
                              source=rig.source.info.name, warn=print_warning)
            set_dir = f"{n:02d}-{exercise.name}-set{turn.set_number}"
            done = run_live_set(rig, exercise, out_root / set_dir, options, history,
                                final_dir=(final_root or out_root) / set_dir)
            log.record(turn, SetOutcome(_achieved(done.saved.score), done.result.ended_by,
                                        done.saved.published("report.html")))
            if done.result.ended_by not in _SET_DONE:
                ended_by, error = done.result.ended_by, done.result.error
                break
            if rig.capture.exhausted:
                ended_by = "source ended"
                break
            if n < len(turns) and turn.rest_after_s > 0:
                rig.speaker.say(f"Rest {turn.rest_after_s:g} seconds")
                action = rest_on_screen(rig.capture, rig.screen, turn.rest_after_s,
                                        headline="Next: " + _headline(plan, turns[n], with_note=True))
                if action in (Action.QUIT, Action.CLOSED):
                    ended_by = "quit" if action is Action.QUIT else "window closed"
                    break
                if rig.capture.exhausted:
                    ended_by = "source ended"
                    break
    except KeyboardInterrupt:
        ended_by = "interrupted"
    except FormcheckError as exc:  # the window or camera lost during a rest: keep what was done
        ended_by, error = "failed", exc
    if log.next_turn() is None and error is None and ended_by != "interrupted":
        ended_by = "done"  # the last set ended as the clip did: nothing was left undone
    return RoutineRun(log, ended_by, error)


def _headline(plan: TodayPlan, turn: Turn, with_note: bool = False) -> str:
    """``Step 2 of 4: Glute bridge`` and ``set 1 of 2 - 8 reps`` on two lines (and the therapist's note)."""
    planned, side = plan.at(turn)
    spec = planned.step.spec
    text = (f"Step {planned.step.number} of {len(plan.steps)}: {planned.side_title(side)}\nset {turn.set_number} "
            f"of {spec.sets} - {'hold ' if spec.unit == 's' else ''}{format_target(side.target, spec.unit)}")
    return f"{text}\n{spec.note}" if with_note and spec.note else text


def _spoken(plan: TodayPlan, turn: Turn) -> str:
    """What --voice says as a set begins: ``Glute bridge. Set 1 of 2. 8 reps.``"""
    planned, side = plan.at(turn)
    spec = planned.step.spec
    target = f"hold {side.target:g} seconds" if spec.unit == "s" else format_target(side.target, spec.unit)
    return f"{planned.side_title(side)}. Set {turn.set_number} of {spec.sets}. {target}."


def _achieved(score: Score) -> float:
    """Seconds held in good form, or good reps: what a routine's target counts."""
    return float(score.good_reps) if score.reps is not None else score.summary.valid_s


def _print_routine_summary(console, log: RoutineLog, ended_by: str, out_root: Path) -> None:
    plan = log.plan
    console.print(f"[bold]{escape(plan.routine.name)}[/bold] — {plan.day.isoformat()}"
                  + ("" if ended_by == "done" else f" (ended early: {ended_by})"))
    table = Table(show_header=False, box=None, pad_edge=False)
    for side in log.summary():
        table.add_row(f"{side.step_number}.", escape(side.title), escape(side.text()))
    console.print(table)
    console.print(f"sessions saved in {escape(str(out_root))}")


def _print_summary(console, result, saved) -> None:
    score, stats = saved.score, result.stats
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("exercise", score.exercise_title)
    for label, text in score_rows(score):
        table.add_row(label, text)
    median = stats.latency_ms(0.5)
    table.add_row("speed", f"{stats.fps:.1f} frames/s shown, {stats.dropped} of {stats.delivered} dropped"
                  + (f", latency {median:.0f} ms median" if median is not None else ""))
    table.add_row("report", str(saved.published("report.html")))
    table.add_row("landmarks", str(saved.published("recording")))
    console.print(table)
