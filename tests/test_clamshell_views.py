"""Clamshells that open less, and filmed from other camera positions (issue #21 item 6), on the studio's
clamshell with exact ground truth.

Real clamshells read tops of 0.56-0.63 torso lengths of knee gap and a top-knee angle of 143-160
degrees, while the thick-thighed rests of studio-banded-clamshell.gif read 0.47-0.54: no fixed gap
tells the two apart, and the 2-D knee angle of a bent knee depends on where the camera stands. The
rules (poses/clamshell.toml) judge the gap also from the person's own rest (``relative_to = "closed"``)
and refuse a straight leg lifted to the side by the feet parting, not by the knee angle.

The studio's clamshell (``formcheck_studio.motions.EXERCISES["clamshell"]``) opens the top knee 45
degrees about the hip-ankle axis; the same keyframes with another ``l_leg_open`` open it less or
more, and with both knees straight and the top leg abducted they are a straight-leg side raise.
Measured on ground truth (rest 0.12-0.23 torso lengths of knee gap from every view below):

=================  =========  =========  =========  ==========  ============  ============  ============
top knee gap       front 2°   front 8°   above 25°  above 40°   feet-side 30  head-side 30  feet-side 45
=================  =========  =========  =========  ==========  ============  ============  ============
opened 25°         0.46       0.46       0.42       0.35        0.43          0.65          0.46
opened 35°         0.56       0.57       0.54       0.46        0.54          0.81          0.57
opened 45°         0.66       0.67       0.66       0.58        0.63          0.96          0.67
opened 60°         0.77       0.80       0.81       0.75        0.74          1.14          0.80
=================  =========  =========  =========  ==========  ============  ============  ============

The top knee's 2-D angle of a true 90-degree bend reads 53-170 degrees at a 45-degree opening,
depending on the camera, and up to 176 at 25-35 (from above), so a limit on it refused correct
clamshells; through LiteRT the 35-degree opening from 25 degrees above reads a knee gap of 0.58-0.62
and a knee angle of 153-157, as the issue's real tops do (0.56-0.63, 143-160). A straight leg lifted
15-35 degrees reads a knee gap of 0.44-1.20 with the ankles 0.63-2.34 torso lengths apart; a
clamshell's ankles stay 0.12-0.22 apart (0.05-0.33 on the real clips).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from formcheck.judge.exercises import load_exercise
from formcheck.judge.exercises.checks import Scene, measure
from formcheck.judge.exercises.exercise_file import ExerciseFile
from formcheck.judge.scoring import Scorer
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck_studio.camera import frame_subject
from formcheck_studio.figure import landmark_positions
from formcheck_studio.mannequin import BodyDims
from formcheck_studio.motions import EXERCISES
from formcheck_studio.posing import pose_at
from tests.posebuild import projected_frames

SIZE = (640, 360)
FPS = 10.0
SECONDS = 12.0  # two reps: open 0-1.2 s, held 1.2-2.7 s, closed by 3.9 s, and again from 4.5 s
# Camera azimuth around the standing body and elevation, degrees: the clamshell lies on its side, so
# azimuth 90 looks at the chest; below 90 the camera stands off towards the feet, above towards the head.
VIEWS = {
    "front_floor": (90, 2), "front_8": (90, 8), "above_25": (90, 25), "above_40": (90, 40),
    "feet_side_30": (60, 8), "head_side_30": (120, 8), "feet_side_45": (45, 8),
}


def _keys(dims: BodyDims, open_deg: float, straight: bool) -> list:
    """The studio clamshell's keyframes opened ``open_deg``; with ``straight``, both knees straight
    and the top leg lifted ``open_deg`` to the side instead."""
    keys = []
    for t, p in EXERCISES["clamshell"].build(dims, None, SECONDS).keys:
        top = bool(p.get("l_leg_open"))
        if straight:
            p = {**p, "l_knee": 0.0, "r_knee": 0.0, "l_hip_flex": 0.0, "r_hip_flex": 0.0, "l_leg_open": 0.0,
                 **({"l_hip_abd": open_deg} if top else {})}
        elif top:
            p = {**p, "l_leg_open": -open_deg}
        keys.append((t, p))
    return keys


@cache
def _world(open_deg: float, straight: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(world landmarks per frame, times)`` of :func:`_keys`."""
    dims = BodyDims.from_height(1.75)
    keys = _keys(dims, open_deg, straight)
    times = np.arange(int(round(SECONDS * FPS))) / FPS
    world = np.stack([landmark_positions(pose_at(dims, keys, float(t))) for t in times])
    return world, times


def _truth(open_deg: float, view: str, straight: bool = False) -> list[PoseFrame]:
    world, times = _world(open_deg, straight)
    azimuth, elevation = VIEWS[view]
    camera = frame_subject(world.reshape(-1, 3), azimuth, elevation, 60.0, SIZE, fill=0.82)
    return projected_frames(world, camera, times, SIZE)


def _reps(frames: list[PoseFrame], exercise: str = "clamshell_left"):
    scorer = Scorer(load_exercise(exercise))
    for frame in frames:
        scorer.update(frame)
    return scorer.finish(SECONDS).reps


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("open_deg", [35.0, 45.0, 60.0])
def test_a_clamshell_opened_35_degrees_or_more_counts_both_reps_from_every_view(open_deg, view):
    # Before: the 35-degree opening counted only from the head side (knee gap 0.46-0.57 against a
    # minimum of 0.6), and from 40 degrees above no opening under 60 degrees counted (knee angle
    # read 157-170 against 140).
    reps = _reps(_truth(open_deg, view))
    assert len(reps) == 2, reps
    assert all(r.good and r.faults == () for r in reps), reps


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("lift_deg", [15.0, 35.0])
def test_a_straight_leg_lifted_to_the_side_is_never_a_clamshell(lift_deg, view):
    frames = _truth(lift_deg, view, straight=True)
    exercise = load_exercise("clamshell_left")
    evaluations = [exercise.evaluate(f) for f in frames]
    phases = [ev.phase for ev in evaluations]
    # Lying with the legs together is the rest (from 40 degrees above, a 35-degree lift sees the top
    # hip too little above the other for the entry, and nothing is judged)...
    assert "closed" in phases or not any(ev.in_position for ev in evaluations)
    assert "open" not in phases  # ...but the lifted straight leg is never the clamshell's top
    assert _reps(frames) == ()
    assert _reps(frames, "clamshell") == ()


def _with_knee_gap(frame: PoseFrame, gap: float) -> PoseFrame:
    """``frame`` with the top (left) knee moved straight up or down to ``gap`` torso lengths above the
    other knee (the feet stay together)."""
    condition = load_exercise("clamshell_left")._compiled["left"].phases[0][1][0]
    def read(f: PoseFrame) -> float:
        return float(measure(condition, Scene(points=f.xy_px.tolist(), missing=f.missing.tolist(),
                                              forward_sign=None, wall_line=None)))

    xyz = frame.xyz_norm.copy()
    px = frame.xy_px
    torso_px = abs(px[Landmark.left_knee][1] - px[Landmark.right_knee][1]) / read(frame)
    xyz[Landmark.left_knee, 1] = (px[Landmark.right_knee][1] - gap * torso_px) / SIZE[1]
    out = frame.replace(xyz_norm=xyz)
    assert read(out) == pytest.approx(gap, abs=1e-3)
    return out


def _rest_and_tops(rest: float, top: float) -> list[PoseFrame]:
    """Rest 1.5 s, open 1.5 s, rest, open, rest (10 fps), built on the studio clamshell's closed frame."""
    closed = _truth(45.0, "front_8")[0]
    gaps = [rest] * 15 + [top] * 15 + [rest] * 15 + [top] * 15 + [rest] * 15
    return [_with_knee_gap(closed, g).replace(t_s=i / FPS, index=i) for i, g in enumerate(gaps)]


@pytest.mark.parametrize("rest, top, reps", [
    (0.20, 0.58, 2),  # a small opening from knees resting close: the 0.56-0.63 tops (before: 0)
    (0.30, 0.62, 2),
    (0.50, 0.62, 0),  # thick thighs resting 0.50 apart (studio-banded-clamshell.gif): a rise of 0.12 is no opening
    (0.50, 0.85, 2),  # ...and a clear opening from that rest counts
    (0.20, 0.40, 0),  # a rise of 0.20 is not yet open
])
def test_open_is_judged_from_the_persons_own_rest(rest, top, reps):
    assert len(_reps(_rest_and_tops(rest, top))) == reps


def test_a_person_who_settles_with_the_knees_further_apart_is_closed_again():
    # Rest 0.20, open, then back to a rest of 0.45 (resettled, a band's pull): 0.25 above the old rest
    # is not closed by it, and the rest is learned only while closed. The old rest is dropped after
    # 5 s without a closed frame (PHASE_REFERENCE_STALE_S), the fixed limit finds the new rest closed,
    # and the reps go on from it.
    closed = _truth(45.0, "front_8")[0]
    gaps = [0.20] * 15 + [0.60] * 15 + [0.45] * 80 + [0.80] * 15 + [0.45] * 15 + [0.80] * 15 + [0.45] * 15
    frames = [_with_knee_gap(closed, g).replace(t_s=i / FPS, index=i) for i, g in enumerate(gaps)]
    scorer = Scorer(load_exercise("clamshell_left"))
    for frame in frames:
        scorer.update(frame)
    reps = scorer.finish(len(frames) / FPS).reps
    assert len(reps) == 3, reps
    assert 6.4 <= reps[0].end_s <= 6.6, reps[0]  # 5 s after the last closed frame (1.4 s)


def _clamshell_file() -> dict:
    return tomllib.loads((Path(__file__).resolve().parents[1] / "poses" / "clamshell.toml").read_text())


def _open_conditions(data: dict) -> list[dict]:
    return data["reps"]["phases"][1]["conditions"]


@pytest.mark.parametrize("edit, message", [
    (lambda d: _open_conditions(d)[1].update(relative_to="sideways"), "names unknown phase 'sideways'"),
    (lambda d: _open_conditions(d)[1].pop("id"), "a relative condition needs an 'id'"),
    (lambda d: _open_conditions(d)[1].update(id="knee_rest_closed"), "must differ"),
    (lambda d: _open_conditions(d)[1].update(id="hips_stacked"), "must differ"),
    (lambda d: _open_conditions(d)[0].update(id="knee_gap"), "expected none without 'relative_to'"),
])
def test_a_relative_rep_phase_condition_is_validated(edit, message):
    data = _clamshell_file()
    ExerciseFile.model_validate(data)  # as shipped
    edit(data)
    with pytest.raises(ValidationError, match=message):
        ExerciseFile.model_validate(data)


def _estimated(tmp_path, open_deg: float, view: str, straight: bool = False) -> list[PoseFrame]:
    """The studio clamshell rendered from ``view`` and estimated by LiteRT, as ``score`` sees it."""
    from formcheck.pose.estimate import record
    from formcheck.pose.smoothing import clean
    from formcheck_studio.figure import Look, build_figure
    from formcheck_studio.render import Renderer
    from formcheck_studio.scene import make_scene
    from formcheck_studio.video import VideoWriter

    world, times = _world(open_deg, straight)
    azimuth, elevation = VIEWS[view]
    camera = frame_subject(world.reshape(-1, 3), azimuth, elevation, 60.0, SIZE, fill=0.82)
    renderer = Renderer(camera, make_scene(np.random.default_rng(3), camera, world.reshape(-1, 3).mean(axis=0), None),
                        noise_seed=3)
    # The skeletons again (``_world`` keeps only their landmarks) to dress the figure.
    dims = BodyDims.from_height(1.75)
    keys = _keys(dims, open_deg, straight)
    path = tmp_path / f"clamshell-{'straight' if straight else 'open'}-{open_deg:g}-{view}.mp4"
    with VideoWriter(path, SIZE, FPS) as writer:
        for t in times:
            writer.write(renderer.render(build_figure(pose_at(dims, keys, float(t)), Look())).rgb)
    return list(clean(record(path, model="litert").frames))


@pytest.mark.slow
def test_a_small_opening_filmed_from_above_counts_and_a_straight_leg_there_does_not(tmp_path):
    # Measured (LiteRT, 25 degrees above the floor): the 35-degree opening tops at a knee gap of
    # 0.58-0.62 torso lengths over rests of 0.16-0.22, its knee angle 153-157 (the real tops:
    # 0.56-0.63 and 143-160); before, 0 of its 2 reps counted. The straight leg lifted 20 degrees tops
    # at a knee gap of 0.64-0.67, past every gap limit, with the ankles 0.89-0.94 apart.
    reps = _reps(_estimated(tmp_path, 35.0, "above_25"))
    assert len(reps) == 2 and all(r.good for r in reps), reps
    assert _reps(_estimated(tmp_path, 20.0, "above_25", straight=True)) == ()
