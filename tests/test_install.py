"""formcheck installs from a wheel and works from there, without the checkout.

The exercise files (``poses/*.toml``) and thresholds (``calibration/``) live at the repository's top
level and are linked into the package (``formcheck/poses``, ``formcheck/calibration``); the sdist and the
wheel must carry them as files, and the studio package beside formcheck. The wheel is installed with
its dependencies into a fresh virtual environment outside the checkout, and the installed command is
run from a folder outside it too, with history, profiles and the home folder in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "plank-side.mp4"
EXERCISE_FILES = sorted(p.name for p in (REPO / "poses").glob("*.toml"))
# Paths inside the package, as the wheel holds them: the exercises, the thresholds and the profiles.
PACKAGE_DATA = sorted(
    [f"formcheck/poses/{name}" for name in EXERCISE_FILES]
    + [f"formcheck/calibration/{p.relative_to(REPO / 'calibration').as_posix()}"
       for p in [*(REPO / "calibration").glob("*.toml"), *(REPO / "calibration" / "profiles").glob("*/*.toml")]]
)
PROFILE_EXAMPLE = "formcheck/calibration/profiles/example-loose/forearm_plank.toml"
STUDIO = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "formcheck_studio").glob("*.py"))
BIN = "Scripts" if os.name == "nt" else "bin"


def _outside_checkout(path: Path) -> Path:
    assert not path.resolve().is_relative_to(REPO), f"{path} is inside the checkout {REPO}"
    return path


def test_the_lists_of_expected_files_are_not_empty():
    assert EXERCISE_FILES and PROFILE_EXAMPLE in PACKAGE_DATA and "formcheck_studio/__init__.py" in STUDIO


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist, and the wheel built from it, as ``python -m build`` makes them from the repository.

    Built this way the wheel can carry the data files only if the sdist does. The build runs isolated,
    with the setuptools that pyproject.toml asks for.
    """
    try:
        import build  # noqa: F401  (the dev extra installs it)
    except ModuleNotFoundError:
        message = "the 'build' package is not installed: pip install -e '.[dev]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = _outside_checkout(tmp_path_factory.mktemp("dist"))
    made = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=out,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stdout[-4000:] + made.stderr[-4000:]
    (wheel,) = out.glob("formcheck-*.whl")
    (sdist,) = out.glob("formcheck-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_the_wheel_carries_the_exercise_and_calibration_files_and_the_studio(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        assert set(PACKAGE_DATA) <= names, sorted(set(PACKAGE_DATA) - names)
        assert set(STUDIO) <= names, sorted(set(STUDIO) - names)
        for name in PACKAGE_DATA:  # the files themselves, as in the repository
            top = REPO / name.removeprefix("formcheck/")
            assert wheel.read(name) == top.read_bytes(), name


def test_the_sdist_carries_the_exercise_and_calibration_files_and_the_studio(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
    missing = sorted(set(PACKAGE_DATA + STUDIO) - set(members))
    assert not missing, missing
    links = [name for name in PACKAGE_DATA if not members[name].isfile()]
    assert not links, f"not regular files in the sdist (a link would point outside the package): {links}"


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """A fresh virtual environment outside the checkout with the wheel and its dependencies installed
    (removed afterwards: it is about 1 GB, and pytest keeps the last three runs' temporary folders)."""
    venv = _outside_checkout(tmp_path_factory.mktemp("installed")) / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # This environment's pip installs into the new one (--python), so the new one needs no pip of its own.
    # It is the time of unpacking the dependencies (about 1 GB, mediapipe and its jax), so nothing extra:
    # no byte-compiling, no version check, wheels rather than building a newer sdist.
    command = [sys.executable, "-m", "pip", "--python", str(venv / BIN / "python"), "install",
               "--no-compile", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
               "--prefer-binary", str(dist["wheel"])]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=_clean_env())
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    print(f"\ninstalled {dist['wheel'].name} and its dependencies in {time.perf_counter() - started:.1f} s")
    yield venv
    shutil.rmtree(venv, ignore_errors=True)


def _clean_env() -> dict[str, str]:
    """The environment without anything that would point Python at this checkout or this venv."""
    drop = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV", "FORMCHECK_TEST_DATA"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.fixture
def run(installed, tmp_path):
    """``run("exercises") -> CompletedProcess`` of the installed command, from a folder outside the
    checkout, with every place it keeps data in ``tmp_path``."""
    work = _outside_checkout(tmp_path / "cwd")
    work.mkdir()
    home = tmp_path / "home"
    env = _clean_env()
    env.update(
        HOME=str(home), USERPROFILE=str(home), XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
        MPLCONFIGDIR=str(home / "matplotlib"), FORMCHECK_DB=str(tmp_path / "history.sqlite3"),
        FORMCHECK_PROFILES=str(tmp_path / "profiles"),
        PATH=str(installed / BIN) + os.pathsep + env.get("PATH", ""),
        COLUMNS="1000",  # rich wraps nothing, so paths and names are whole in the output
    )

    def run_(*args: str, program: str = "formcheck") -> subprocess.CompletedProcess:
        return subprocess.run([str(installed / BIN / program), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)

    return run_


def test_the_installed_package_and_its_data_are_in_the_new_environment(installed, run):
    code = ("import json, sys, formcheck, formcheck_studio\n"
            "from formcheck.judge.exercises.library import packaged_data_root\n"
            "print(json.dumps({'formcheck': formcheck.__file__, 'studio': formcheck_studio.__file__,\n"
            "                  'data': str(packaged_data_root()), 'path': sys.path}))")
    out = run("-c", code, program="python")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    venv = installed.resolve()
    for key in ("formcheck", "studio", "data"):
        assert Path(found[key]).resolve().is_relative_to(venv), (key, found[key])
    assert not any(p and Path(p).resolve().is_relative_to(REPO) for p in found["path"]), found["path"]
    data = Path(found["data"])
    for folder in ("poses", "calibration"):  # copies, not links back into a checkout
        assert (data / folder).is_dir() and not (data / folder).is_symlink()
    assert sorted(p.name for p in (data / "poses").glob("*.toml")) == EXERCISE_FILES


def test_the_installed_command_lists_every_exercise_file(run):
    out = run("exercises")
    assert out.returncode == 0, out.stderr
    names = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)*", out.stdout))
    # One exercise file may make two exercises (side_plank.toml: side_plank_left, side_plank_right).
    unlisted = [f for f in EXERCISE_FILES
                if not any(n == Path(f).stem or n.startswith(Path(f).stem + "_") for n in names)]
    assert not unlisted, (unlisted, out.stdout)


def test_the_installed_command_explains_with_the_packaged_thresholds_and_profile(installed, run):
    out = run("explain", "wall_sit")
    assert out.returncode == 0, out.stderr
    assert "Wall sit" in out.stdout and "lumbar_wall_gap_max" in out.stdout
    typed = run("explain", "wall-sit")  # the name as people type it
    assert typed.returncode == 0 and typed.stdout == out.stdout, typed.stderr
    site = str(installed.resolve())
    assert f"formcheck{os.sep}calibration{os.sep}wall_sit.toml" in out.stdout and site in out.stdout
    out = run("explain", "forearm_plank", "--profile", "example-loose")
    assert out.returncode == 0, out.stderr
    assert site in out.stdout and PROFILE_EXAMPLE.replace("/", os.sep) in out.stdout
    assert str(REPO) not in out.stdout + out.stderr


def test_the_installed_command_scores_a_clip(run, tmp_path):
    out_dir = tmp_path / "out"
    out = run("score", str(SAMPLE), "-e", "forearm_plank", "-o", str(out_dir), "--no-video")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads((out_dir / "report.json").read_text())
    assert report["exercise"] == "forearm_plank" and report["complete"] is True
    assert report["valid_s"] > 0, report["valid_s"]
    assert not (out_dir / "annotated.mp4").exists()
    assert (tmp_path / "history.sqlite3").is_file()  # the session went to FORMCHECK_DB, nowhere else
