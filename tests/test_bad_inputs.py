"""Bad input and faults, as a new user meets them (issue #23): every case through the real
``formcheck`` command group gets its exit code, exactly ONE error line that names the input, no
traceback, and leaves every file that existed before exactly as it was.

The table is :data:`CASES`; a case's command line may use ``{tmp}`` (a fresh folder holding the
files :func:`_inputs` writes) and ``{sample}`` (the rendered sample clips). Most cases fail before
any pose estimation, so the whole table runs in seconds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from formcheck.cli.main import main
from formcheck.cli.options import FiniteFloat
from formcheck.judge.exercises import library
from formcheck.judge.exercises.library import DataDirs
from formcheck.pose.models import QUIET_NATIVE_ENV, VERBOSE_ENV

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
ERROR_PREFIXES = ("formcheck: error:", "Error:")  # ours, and click's for a mistake in the command line

PLANK_PROFILE = 'exercise = "forearm_plank"\n'


def _threshold(name: str, value: str) -> str:
    return f'[thresholds.{name}]\nvalue = {value}\nsource = "test"\n'


# name -> text of the input files every case can use, under {tmp}.
INPUTS = {
    "nan.toml": PLANK_PROFILE + _threshold("hip_above_line_max", "nan"),
    "inf.toml": PLANK_PROFILE + _threshold("hip_above_line_max", "inf"),
    "minus-inf.toml": PLANK_PROFILE + _threshold("upper_arm_tilt_max", "-inf"),
    # hips_too_low's minimum above hips_too_high's maximum: no plank could pass.
    "inverted.toml": PLANK_PROFILE + _threshold("hip_above_line_max", "0.05")
    + _threshold("hip_above_line_min", "0.08"),
    # Asked 0.5, clipped to the bound 0.1, still above the maximum 0.06.
    "inverted-clipped.toml": PLANK_PROFILE + _threshold("hip_above_line_max", "0.06")
    + _threshold("hip_above_line_min", "0.5"),
    "not-toml.toml": "exercise = forearm_plank [\n",
    "other-exercise.toml": 'exercise = "wall_sit"\n' + _threshold("thigh_tilt_max", "20"),
    "unknown-threshold.toml": PLANK_PROFILE + _threshold("hips_max", "0.2"),
    "string-value.toml": PLANK_PROFILE + _threshold("hip_above_line_max", '"high"'),
    "empty.mp4": "",
    "text.mp4": "this is not a video\n" * 20,
    "garbage.poses.npz": "not a recording",
    "bad-manifest.csv": "path,exercise\nclip.mp4,handstand\n",
    "notes.sqlite3": "my own notes, not a database\n",
    "a-file": "a file where a folder should be\n",
}


@dataclass(frozen=True)
class Case:
    args: str  # the command line after "formcheck", split on spaces
    exit_code: int
    names: str  # on the error line itself: the input it is about
    says: str = ""  # anywhere in the message (a validation error's field is on the next line)
    env: tuple[tuple[str, str | None], ...] = ()


def case(id_: str, args: str, exit_code: int, names: str, says: str = "", env=(), marks=()):
    return pytest.param(Case(args, exit_code, names, says, tuple(env)), id=id_, marks=marks)


_root = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                           reason="root may write into a read-only folder")
PLANK = "score {sample}/plank-side.mp4 -e forearm_plank -o {tmp}/out --no-video"

CASES = [
    # -- calibration profiles validated like input (part 1) ------------------------------------
    case("explain-profile-nan", "explain forearm_plank --profile {tmp}/nan.toml", 2, "nan.toml",
         "field thresholds.hip_above_line_max.value: Input should be a finite number (got nan)"),
    case("explain-profile-inf", "explain forearm_plank --profile {tmp}/inf.toml", 2, "inf.toml",
         "thresholds.hip_above_line_max.value: Input should be a finite number (got inf)"),
    case("explain-profile-minus-inf", "explain forearm_plank --profile {tmp}/minus-inf.toml", 2, "minus-inf.toml",
         "thresholds.upper_arm_tilt_max.value: Input should be a finite number (got -inf)"),
    case("explain-profile-min-above-max", "explain forearm_plank --profile {tmp}/inverted.toml", 2, "inverted.toml",
         "field thresholds.hip_above_line_min.value: expected at most hip_above_line_max = 0.05"),
    case("explain-profile-min-clipped-above-max", "explain forearm_plank --profile {tmp}/inverted-clipped.toml", 2,
         "inverted-clipped.toml", "got 0.1 (asked 0.5, clipped to its safety bound)"),
    case("score-profile-nan", PLANK + " --profile {tmp}/nan.toml", 2, "nan.toml",
         "thresholds.hip_above_line_max.value"),
    case("score-profile-inf", PLANK + " --profile {tmp}/inf.toml", 2, "inf.toml", "(got inf)"),
    case("score-profile-min-above-max", PLANK + " --profile {tmp}/inverted.toml", 2, "inverted.toml",
         "hip_above_line_min"),
    case("live-profile-nan", "live -e forearm_plank --profile {tmp}/nan.toml", 2, "nan.toml", "(got nan)"),
    case("live-profile-min-above-max", "live -e forearm_plank --profile {tmp}/inverted.toml", 2, "inverted.toml",
         "hip_above_line_min"),
    case("named-profile-nan", "explain forearm_plank --profile anna", 2, "anna/forearm_plank.toml",
         "(got nan)", env=[("FORMCHECK_PROFILES", "{tmp}/profiles")]),
    case("profile-missing-file", "explain forearm_plank --profile {tmp}/nobody.toml", 2, "nobody.toml",
         "calibration profile not found"),
    case("profile-unknown-name", "explain forearm_plank --profile nobody", 2, "no calibration profile 'nobody'"),
    case("profile-name-with-a-path", "explain forearm_plank --profile ../nobody", 2, "'../nobody'",
         "invalid profile name"),
    case("profile-not-toml", "explain forearm_plank --profile {tmp}/not-toml.toml", 2, "not-toml.toml",
         "not valid TOML"),
    case("profile-of-another-exercise", "explain forearm_plank --profile {tmp}/other-exercise.toml", 2,
         "other-exercise.toml", "field exercise: expected 'forearm_plank', got 'wall_sit'"),
    case("profile-unknown-threshold", "explain forearm_plank --profile {tmp}/unknown-threshold.toml", 2,
         "unknown-threshold.toml", "thresholds.hips_max: not a threshold of this exercise"),
    case("profile-value-not-a-number", "explain forearm_plank --profile {tmp}/string-value.toml", 2,
         "string-value.toml", "thresholds.hip_above_line_max.value"),
    # -- non-finite numbers on the command line (part 3) ---------------------------------------
    case("live-countdown-nan", "live -e wall_sit --countdown nan", 2, "'--countdown'", "got 'nan'"),
    case("live-countdown-inf", "live -e wall_sit --countdown inf", 2, "'--countdown'", "got 'inf'"),
    case("live-countdown-negative", "live -e wall_sit --countdown -1", 2, "'--countdown'", "got -1"),
    case("live-max-seconds-nan", "live -e wall_sit --max-seconds nan", 2, "'--max-seconds'", "finite"),
    case("studio-seconds-nan", "studio wall_sit --seconds nan -o {tmp}/clip.mp4", 2, "'--seconds'", "got 'nan'"),
    case("studio-seconds-inf", "studio wall_sit --seconds inf -o {tmp}/clip.mp4", 2, "'--seconds'", "got 'inf'"),
    case("studio-seconds-zero", "studio wall_sit --seconds 0 -o {tmp}/clip.mp4", 2, "'--seconds'", "(0, 600]"),
    case("studio-fps-nan", "studio wall_sit --fps nan -o {tmp}/clip.mp4", 2, "'--fps'", "got 'nan'"),
    case("studio-fps-zero", "studio wall_sit --fps 0 -o {tmp}/clip.mp4", 2, "'--fps'", "(0, 120]"),
    case("score-fps-inf", PLANK + " --fps inf", 2, "'--fps'", "got 'inf'"),
    case("score-fps-nan", PLANK + " --fps nan", 2, "'--fps'", "got 'nan'"),
    case("score-fps-word", PLANK + " --fps fast", 2, "'--fps'", "got 'fast'"),
    case("assess-countdown-nan", "assess --countdown nan", 2, "'--countdown'", "got 'nan'"),
    case("calibrate-reference-seconds-nan", "calibrate reference 0 -e wall_sit --profile anna --seconds nan", 2,
         "'--seconds'", "got 'nan'"),
    case("calibrate-fit-boundary-inf", "calibrate fit {sample}/plank-side.mp4 -e forearm_plank --labels "
         "{tmp}/bad-manifest.csv --good c --boundary inf", 2, "'--boundary'", "got 'inf'"),
    # -- assess (part 7) -----------------------------------------------------------------------
    case("assess-unknown-step", "assess --steps bogus", 2, "no step named 'bogus'",
         "the steps are: front, side, stance_left, stance_right, squat"),
    case("assess-unknown-steps", "assess --steps front,bogus,sway", 2, "no steps named 'bogus', 'sway'"),
    case("assess-headless", "assess --steps front -o {tmp}/assessment", 2, "no display available",
         "add --no-window", env=[("DISPLAY", None), ("WAYLAND_DISPLAY", None)]),
    case("assess-step-video-missing", "assess --step-video front={tmp}/nothing.mp4", 2, "nothing.mp4",
         "no such video file"),
    case("assess-step-video-unknown-step", "assess --step-video elbow={tmp}/text.mp4", 2, "'elbow=",
         "expected STEP=PATH"),
    # -- history (part 7) ----------------------------------------------------------------------
    case("history-plot-under-a-file", "history forearm_plank --db {tmp}/h.sqlite3 --plot {tmp}/a-file/p.png", 2,
         "a-file/p.png", "a-file is a file, not a folder"),
    case("history-plot-deep-under-a-file", "history forearm_plank --db {tmp}/h.sqlite3 --plot "
         "{tmp}/a-file/x/y/p.png", 2, "a-file/x/y/p.png", "cannot write the progress plot"),
    case("history-plot-read-only-folder", "history forearm_plank --db {tmp}/h.sqlite3 --plot {tmp}/read-only/p.png",
         2, "read-only/p.png", "Permission denied", marks=_root),
    case("history-export-under-a-file", "history --db {tmp}/h.sqlite3 --export {tmp}/a-file/s.csv", 2,
         "a-file/s.csv", "cannot write the export"),
    case("history-not-a-database", "history --db {tmp}/notes.sqlite3", 2, "notes.sqlite3",
         "not a formcheck history database"),
    case("history-db-is-a-folder", "history --db {tmp}", 2, "'--db'", "is a directory"),
    case("history-forget-and-plot", "history --db {tmp}/h.sqlite3 --forget --plot {tmp}/p.png", 2,
         "--forget cannot be combined"),
    # -- inputs that already got one clear line --------------------------------------------------
    case("score-missing-file", "score {tmp}/nothing.mp4 -e forearm_plank -o {tmp}/fresh", 2, "nothing.mp4"),
    case("score-empty-file", "score {tmp}/empty.mp4 -e forearm_plank -o {tmp}/fresh", 2, "empty.mp4"),
    case("score-not-a-video", "score {tmp}/text.mp4 -e forearm_plank -o {tmp}/fresh", 2, "text.mp4"),
    case("score-bad-recording", "score {tmp}/garbage.poses.npz -e forearm_plank -o {tmp}/fresh", 2,
         "garbage.poses.npz"),
    case("score-unknown-exercise", PLANK.replace("forearm_plank", "planck"), 2, "unknown exercise 'planck'",
         "did you mean"),
    case("score-workers-zero", PLANK + " --workers 0", 2, "'--workers'"),
    case("explain-unknown-exercise", "explain wal-sit", 2, "unknown exercise 'wal-sit'", "did you mean wall_sit?"),
    case("live-unknown-exercise", "live -e handstand", 2, "unknown exercise 'handstand'"),
    case("record-missing-file", "record {tmp}/nothing.mp4 -o {tmp}/r.poses.npz", 2, "nothing.mp4"),
    case("batch-bad-manifest", "batch --manifest {tmp}/bad-manifest.csv -o {tmp}/batch", 2, "handstand"),
    case("batch-missing-manifest", "batch --manifest {tmp}/nothing.csv -o {tmp}/batch", 2, "nothing.csv"),
    case("studio-unknown-exercise", "studio handstand -o {tmp}/clip.mp4", 2, "handstand"),
    case("studio-bad-size", "studio wall_sit --size big -o {tmp}/clip.mp4", 2, "'big'", "640x360"),
    # -- frame rates of image folders (part 3; the cases that need real images, a single frame or a
    #    file cut short are in test_odd_footage.py) -------------------------------------------------
    case("score-frame-rate-nan", PLANK + " --frame-rate nan", 2, "'--frame-rate'", "got 'nan'"),
    case("score-frame-rate-zero", PLANK + " --frame-rate 0", 2, "'--frame-rate'", "> 0"),
    case("record-frame-rate-inf", "record {sample}/plank-side.mp4 -o {tmp}/r.poses.npz --frame-rate inf", 2,
         "'--frame-rate'", "got 'inf'"),
    case("score-frame-rate-for-a-video", PLANK + " --frame-rate 5", 2, "plank-side.mp4",
         "--frame-rate is only for a folder of images"),
    case("record-frame-rate-for-a-video", "record {sample}/plank-side.mp4 -o {tmp}/r.poses.npz --frame-rate 5", 2,
         "plank-side.mp4", "--frame-rate is only for a folder of images"),
    case("score-frame-rate-for-a-folder-of-clips", "score {sample} -e forearm_plank -o {tmp}/batch --frame-rate 5",
         2, "samples", "this one holds videos or recordings"),
]


@pytest.fixture(scope="module")
def earlier_report(tmp_path_factory) -> Path:
    """The sample plank scored once: the results a failing rerun into the same folder must leave alone."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    result = _invoke(["score", str(SAMPLES / "plank-side.mp4"), "-e", "forearm_plank", "-o", str(out), "--no-video",
                      "--db", str(out.parent / "h.sqlite3")], {})
    assert result.exit_code == 0, result.output
    return out


def _inputs(tmp: Path, earlier: Path) -> None:
    for name, text in INPUTS.items():
        (tmp / name).write_text(text)
    named = tmp / "profiles" / "anna"
    named.mkdir(parents=True)
    (named / "forearm_plank.toml").write_text(INPUTS["nan.toml"])
    (tmp / "read-only").mkdir()
    (tmp / "read-only").chmod(0o555)
    # The results of an earlier run of the same clip: no failing command may touch them.
    shutil.copytree(earlier, tmp / "out")
    with sqlite3.connect(tmp / "h.sqlite3"):
        pass
    _history(tmp / "h.sqlite3")


def _history(path: Path) -> None:
    from formcheck.outputs.history import open_store

    with open_store(path) as store:
        store.add_session("forearm_plank", kind="score", valid_s=12.0, longest_hold_s=12.0, target_s=(20.0, 60.0))


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(ERROR_PREFIXES)]


def _invoke(args: list[str], env: dict[str, str | None]):
    # Wide, so no message is wrapped and a name is always whole on its line.
    return CliRunner().invoke(main, args, env={"COLUMNS": "300", **env})


@pytest.mark.parametrize("bad", CASES)
def test_bad_input_gets_one_line_naming_it(bad: Case, tmp_path, earlier_report):
    tmp = tmp_path / "in"
    tmp.mkdir()
    _inputs(tmp, earlier_report)
    before = _snapshot(tmp)
    fill = {"tmp": str(tmp), "sample": str(SAMPLES)}
    args = [a.format(**fill) for a in bad.args.split(" ")]
    env = {k: (v.format(**fill) if v is not None else None) for k, v in bad.env}
    result = _invoke(args, env)

    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == bad.exit_code, everything
    lines = _error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert bad.names.format(**fill) in lines[0], lines[0]
    assert bad.says in result.stderr, result.stderr
    # Nothing that existed before was lost or changed.
    after = _snapshot(tmp)
    assert {p: after.get(p) for p in before} == before


def test_the_table_covers_forty_cases():
    assert len(CASES) >= 40


# -- a broken exercise file never takes down the others (part 2) ---------------------------------


@pytest.fixture
def library_with_a_broken_plank(tmp_path, monkeypatch) -> Path:
    poses, cal = tmp_path / "poses", tmp_path / "calibration"
    poses.mkdir()
    cal.mkdir()
    for name in ("wall_sit", "forearm_plank", "glute_bridge"):
        shutil.copy(REPO / "poses" / f"{name}.toml", poses)
        shutil.copy(REPO / "calibration" / f"{name}.toml", cal)
    broken = poses / "forearm_plank.toml"
    broken.write_text(broken.read_text().replace("[hold]", "[hold", 1))
    monkeypatch.setattr(library, "data_dirs", lambda: DataDirs(poses=(poses,), calibration=(cal,)))
    return broken


def test_exercises_lists_the_others_and_warns_once_naming_the_broken_file(library_with_a_broken_plank):
    result = _invoke(["exercises"], {})
    assert result.exit_code == 0, result.output
    assert "wall_sit" in result.stdout and "glute_bridge" in result.stdout and "forearm_plank" not in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("formcheck: warning:")]
    assert len(warnings) == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert f"skipped a broken exercise file: {library_with_a_broken_plank}: exercise file is not valid TOML" \
        in warnings[0]


def test_the_other_exercises_still_load_and_the_broken_one_fails_alone(library_with_a_broken_plank):
    assert _invoke(["explain", "wall_sit"], {}).exit_code == 0
    result = _invoke(["explain", "forearm plank"], {})
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = _error_lines(result.stderr)
    assert len(lines) == 1 and str(library_with_a_broken_plank) in lines[0] and "not valid TOML" in lines[0]


# -- native chatter stays out of the terminal (part 4) ------------------------------------------

CHATTER = ("XNNPACK", "TensorFlow Lite", "WARN:", "[ERROR:", "I0000", "W0000", "absl::InitializeLog")


def _formcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    # Without the variables an in-process run of the command group left in this process's
    # environment (it hushes the native libraries for its child processes that way).
    inherited = {k: v for k, v in os.environ.items() if k not in QUIET_NATIVE_ENV and k != VERBOSE_ENV}
    return subprocess.run([sys.executable, "-m", "formcheck", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env={**inherited, "COLUMNS": "300", **(env or {})})


def _chatter(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(c in line for c in CHATTER)]


@pytest.mark.slow
def test_scoring_prints_no_native_log_lines_unless_verbose(tmp_path):
    quiet = _formcheck("score", str(SAMPLES / "plank-side.mp4"), "-e", "forearm_plank", "--no-video",
                       "-o", str(tmp_path / "quiet"), "--db", str(tmp_path / "db.sqlite3"))
    assert quiet.returncode == 0, quiet.stderr
    assert _chatter(quiet.stderr) == [], quiet.stderr
    loud = _formcheck("--verbose", "score", str(SAMPLES / "plank-side.mp4"), "-e", "forearm_plank", "--no-video",
                      "-o", str(tmp_path / "loud"), "--db", str(tmp_path / "db.sqlite3"))
    assert loud.returncode == 0, loud.stderr
    # The LiteRT model's delegate announces itself when it is allowed to.
    assert any("XNNPACK" in line for line in _chatter(loud.stderr)), loud.stderr


@pytest.mark.skipif(Path("/dev/video0").exists(), reason="this machine has a camera 0")
def test_a_missing_camera_is_one_line_without_opencvs_own(tmp_path):
    quiet = _formcheck("assess", "--camera", "0", "--no-window", "-o", str(tmp_path / "a"))
    assert quiet.returncode == 2 and _chatter(quiet.stderr) == [], quiet.stderr
    assert _error_lines(quiet.stderr) == ["formcheck: error: camera 0: could not be opened (is it connected, "
                                          "and not used by another program?)"]
    loud = _formcheck("--verbose", "assess", "--camera", "0", "--no-window", "-o", str(tmp_path / "a"))
    assert loud.returncode == 2 and _chatter(loud.stderr), loud.stderr


# -- a locked history database (part 7) -------------------------------------------------------

LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # hold the lock until told
conn.execute("COMMIT")
"""


def test_a_locked_history_says_it_waits_once_then_goes_on(tmp_path):
    db = tmp_path / "h.sqlite3"
    _history(db)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        forget = subprocess.Popen([sys.executable, "-m", "formcheck", "history", "--db", str(db), "--forget", "--yes"],
                                  cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "COLUMNS": "300"})
        said = forget.stderr.readline()  # blocks until formcheck says something: it must, while it waits
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = forget.communicate(timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert said == f"formcheck: waiting for the history database {db}...\n"
    assert forget.returncode == 0 and "Forgot 1 sessions." in out, err
    assert "waiting" not in err and "Traceback" not in err


@pytest.mark.slow
def test_a_history_that_stays_locked_costs_score_a_warning_not_the_report(tmp_path):
    db = tmp_path / "h.sqlite3"
    _history(db)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        done = _formcheck("score", str(SAMPLES / "plank-side.mp4"), "-e", "forearm_plank", "--no-video",
                          "-o", str(tmp_path / "out"), "--db", str(db))
        print(f"score with a locked history: {time.monotonic() - started:.1f} s")
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "report.json").is_file()
    lines = done.stderr.splitlines()
    assert lines.count(f"formcheck: waiting for the history database {db}...") == 1, done.stderr
    warnings = [line for line in lines if line.startswith("formcheck: warning:")]
    assert len(warnings) == 1 and "not saved to the history" in warnings[0] and "stayed busy" in warnings[0]
    assert "Traceback" not in done.stderr and not _error_lines(done.stderr)


# -- every number option refuses nan and inf (part 3) -------------------------------------------


def _commands(group: click.Group, ctx: click.Context, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        out.append((prefix + name, command))
        if isinstance(command, click.Group):
            out += _commands(command, ctx, prefix + name + " ")
    return out


def test_no_option_takes_a_number_that_may_be_nan():
    """click's float types (FLOAT, FloatRange) let ``nan`` and ``inf`` through; every number option
    uses FiniteFloat instead, so a new option cannot bring that back unnoticed."""
    ctx = click.Context(main)
    numbers = {f"{name} {param.opts[0]}": param.type for name, command in _commands(main, ctx)
               for param in command.params if isinstance(param.type, (click.types.FloatParamType, FiniteFloat))}
    assert len(numbers) >= 8, numbers  # countdowns, seconds, frame rates, boundary
    plain = sorted(name for name, kind in numbers.items() if not isinstance(kind, FiniteFloat))
    assert plain == [], plain
