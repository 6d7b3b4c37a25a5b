"""`formcheck models build` and `--model litert-int8`: the int8 landmark model, built here from the bundled
float one on a few rendered clips, agrees with the float model; without a build the model is refused in
one line; a build by another recipe never replaces the one in use."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ai_edge_quantizer", reason="the models extra: pip install -e '.[models]'")

from formcheck.engine.session import replay  # noqa: E402
from formcheck.errors import ExitCode, ModelError  # noqa: E402
from formcheck.judge.exercises.library import load_exercise  # noqa: E402
from formcheck.pose.estimate import record  # noqa: E402
from formcheck.pose.estimators import make_estimator  # noqa: E402
from formcheck.pose.litert.int8 import CACHE_ENV, INT8_RECIPE, built_int8_model, int8_model_path  # noqa: E402
from formcheck.pose.litert.quantize import build_int8  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
TEST_CLIP = SAMPLES / "plank-side.mp4"  # judged, so never calibrated on
# Calibration clips: the other rendered clips (the real ones are too many for CI's time).
CALIBRATION_CLIPS = ("wall-sit-side.mp4", "plank-hips-low-side.mp4", "wall-sit-hips-high-side.mp4")
# Measured on TEST_CLIP with a build calibrated on CALIBRATION_CLIPS (6 crops each): median 1.4 %,
# 95th percentile 3.4 % of torso length. The bounds leave room for the calibration's noise only.
MEDIAN_TOLERANCE_PCT = 3.0
P95_TOLERANCE_PCT = 8.0
HOLD_TOLERANCE_S = 0.2


def _errors_pct(float_rec, int8_rec) -> np.ndarray:
    """Each landmark's image distance between the two recordings, frame by frame where both found a pose,
    in % of the float model's torso length (shoulder midpoint to hip midpoint)."""
    int8_by_index = {f.index: f for f in int8_rec.frames}
    rows = []
    for ref in float_rec.frames:
        got = int8_by_index[ref.index]
        if np.isnan(ref.xyz_norm[:, :2]).all() or np.isnan(got.xyz_norm[:, :2]).all():
            continue
        a, b = (f.xyz_norm[:, :2] * np.array(f.image_wh, np.float64) for f in (ref, got))
        torso = np.hypot(*(a[[11, 12]].mean(0) - a[[23, 24]].mean(0)))
        rows.append(np.hypot(*(b - a).T) / torso * 100.0)
    return np.array(rows)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def int8_cache(tmp_path_factory) -> Path:
    """A model cache holding the int8 model, built once by `formcheck models build` (a real process)."""
    cache = tmp_path_factory.mktemp("model-cache")
    videos = tmp_path_factory.mktemp("calibration-videos")
    for name in CALIBRATION_CLIPS:
        (videos / name).symlink_to(SAMPLES / name)
    env = {**os.environ, CACHE_ENV: str(cache)}
    cmd = [sys.executable, "-m", "formcheck", "models", "build", "--videos", str(videos), "--per-video", "6"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "agreement with the float model" in done.stdout
    return cache


@pytest.fixture
def use_cache(monkeypatch):
    def use(folder: Path) -> None:
        monkeypatch.setenv(CACHE_ENV, str(folder))

    return use


@pytest.mark.slow
def test_build_writes_the_model_and_its_report_under_the_recipe_hash(int8_cache, use_cache):
    use_cache(int8_cache)
    model = int8_model_path()
    assert model.parent == int8_cache and model.is_file()
    assert built_int8_model() == model
    assert model.with_suffix(".json").is_file()
    listed = subprocess.run([sys.executable, "-m", "formcheck", "models"], capture_output=True, text=True,
                            env={**os.environ, CACHE_ENV: str(int8_cache)}, timeout=120)
    assert listed.returncode == 0 and model.name in listed.stdout and "--model litert-int8" in listed.stdout


@pytest.mark.slow
def test_int8_landmarks_and_hold_agree_with_the_float_model_on_a_rendered_clip(int8_cache, use_cache):
    use_cache(int8_cache)
    exercise = load_exercise("forearm_plank")
    recs = {m: record(TEST_CLIP, model=m, workers=1) for m in ("litert", "litert-int8")}
    assert recs["litert-int8"].meta["model"] == "litert-int8"
    errors = _errors_pct(recs["litert"], recs["litert-int8"])
    assert len(errors) >= 0.9 * len(recs["litert"].frames)  # both see the mannequin in almost every frame
    assert np.median(errors) < MEDIAN_TOLERANCE_PCT
    assert np.percentile(errors, 95) < P95_TOLERANCE_PCT
    hold_float, hold_int8 = (replay(recs[m], exercise).score.summary.valid_s for m in ("litert", "litert-int8"))
    assert hold_float > 10.0  # the clip holds a good plank for 11.6 s
    assert abs(hold_int8 - hold_float) <= HOLD_TOLERANCE_S


def test_litert_int8_without_a_build_is_one_line_naming_the_build_command(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "formcheck", "score", str(TEST_CLIP), "-e", "forearm_plank",
           "--model", "litert-int8", "-o", str(out)]
    done = subprocess.run(cmd, env={**os.environ, CACHE_ENV: str(tmp_path / "empty")}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == ExitCode.BAD_INPUT
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "formcheck models build" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_make_estimator_refuses_litert_int8_when_only_another_recipe_is_built(tmp_path, use_cache):
    use_cache(tmp_path)
    other = int8_model_path([*INT8_RECIPE, {"regex": "x", "operation": "*", "algorithm_key": "no_quantize"}])
    other.write_bytes(b"not this recipe's model")
    assert other != int8_model_path()
    with pytest.raises(ModelError, match="another recipe.*formcheck models build"):
        make_estimator("litert-int8")


@pytest.mark.slow
def test_another_recipe_builds_beside_the_cached_model_and_a_rebuild_needs_force(int8_cache, use_cache, tmp_path):
    use_cache(int8_cache)
    current = int8_model_path()
    before = (_sha(current), current.stat().st_mtime_ns)
    again = subprocess.run([sys.executable, "-m", "formcheck", "models", "build", "--videos", str(SAMPLES)],
                           env={**os.environ, CACHE_ENV: str(int8_cache)}, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already built" in again.stderr
    # Every operator float but the last decoder block: a different recipe, quick to calibrate.
    other_recipe = [*INT8_RECIPE, {"regex": "^(?!model_1/model/re_lu_75/)", "operation": "*",
                                   "algorithm_key": "no_quantize"}]
    other_path = int8_model_path(other_recipe)
    build_int8([SAMPLES / CALIBRATION_CLIPS[0]], other_path, recipe=other_recipe, per_video=4)
    assert other_path != current and other_path.is_file()
    assert (_sha(current), current.stat().st_mtime_ns) == before
    assert built_int8_model() == current
