"""Shared fixtures. The real data in ../shared/data is reached only through ``shared_data``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_data_root() -> Path:
    return Path(os.environ.get("FORMCHECK_TEST_DATA", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(autouse=True)
def _private_history(tmp_path_factory, monkeypatch):
    """Every test writes session history to its own database, never the user's real one."""
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path_factory.mktemp("history") / "history.sqlite3"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real clips and labels, read in place (never copied into this repository).

    Absent on a user's machine: the test is skipped with the reason. Absent in CI: the run fails,
    because the real footage is the judge of every rule.
    """
    root = _shared_data_root()
    if not (root / "README.md").is_file():
        message = (f"real test data not found at {root} "
                   f"(set FORMCHECK_TEST_DATA to the folder holding videos/, labels/, landmarks/)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


def _run_dir(tmp_path_factory) -> Path:
    """A folder every test process of this run shares: the tests run in parallel workers
    (pytest-xdist), each with its own tmp folder under one run folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def recorded(shared_data: Path, tmp_path_factory):
    """``recorded("videos/plank/posture-004.mp4") -> Path`` of its landmark recording, made once per run
    by the project's own ``formcheck record`` code path and shared by every test that needs it, in
    whichever worker: the first to ask estimates under a lock, the others wait and read its file."""
    from filelock import FileLock

    from formcheck.pose.estimate import record
    from formcheck.pose.recording import save_recording

    cache_dir = _run_dir(tmp_path_factory) / "recordings"
    cache_dir.mkdir(exist_ok=True)

    def get(relative: str, wall: bool = False, model: str = "full", sample_fps: float | None = None) -> Path:
        """``wall=True`` also runs the wall stage (for wall exercises); ``model`` as ``formcheck record``
        takes it (``litert`` is what ``score`` uses without a wall, and about twice as fast here);
        ``sample_fps`` as ``formcheck score --fps`` (for long holds where full rate adds nothing)."""
        stem = (relative.replace("/", "__").rsplit(".", 1)[0] + ("__wall" if wall else "") + f"__{model}"
                + (f"__{sample_fps:g}fps" if sample_fps else ""))
        out = cache_dir / (stem + ".poses.npz")
        with FileLock(str(out) + ".lock"):
            if not out.exists():
                # Written under another name and renamed, so no reader ever sees half a file.
                part = out.with_name(stem + ".part.poses.npz")
                save_recording(record(shared_data / relative, model=model, wall=wall, sample_fps=sample_fps), part)
                part.replace(out)
        return out

    return get


@pytest.fixture(scope="module")
def xvfb():
    """A private X display; skipped without Xvfb on a user's machine, a failure in CI."""
    import shutil

    from tests.xdisplay import xvfb_display

    if not shutil.which("Xvfb"):
        message = "Xvfb not installed (Debian: apt-get install xvfb)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with xvfb_display() as display:
        yield display
