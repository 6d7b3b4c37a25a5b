"""Every exercise of the library judged on the studio's rendered good form and named faults.

Ground truth first (no pose estimation, fast): the studio's exact landmarks inside the held spans,
for several seeded bodies. Good form must be in position with every check passing (the wall sit
with the wall line of the rendered scene); each fault must be in position and fail exactly the
checks the studio registry names for it (``ExerciseSpec.fault_checks``), nothing else. Measured
values must also keep a margin from the thresholds, since MediaPipe's angles are a few degrees off.

Then a small subset through the real estimator (``formcheck.pose.estimate.record`` + ``clean``) on
short rendered clips: the same verdicts on at least 80 % of the held frames.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from formcheck.judge.exercises import Status, load_exercise
from formcheck.judge.exercises.evaluation import EvalContext, Evaluation
from formcheck.pose.landmarks import Landmark
from formcheck_studio.clip import plan_clip
from formcheck_studio.groundtruth import GroundTruth
from formcheck_studio.motions import EXERCISES

SEEDS = (1, 2, 3)  # three bodies: heights 1.58-1.9 m, segment lengths +-3 %, girth 0.92-1.1
CASES = [(name, fault) for name, spec in EXERCISES.items() for fault in (None, *spec.faults)]
USES_WALL = {"wall_sit"}

# Smallest distance of a measured value from a threshold it is judged against: a few times
# MediaPipe's angle error, and in body lengths about what 5 degrees of a segment moves a joint.
MARGIN = {"deg": 5.0, "body": 0.05}
# Checks whose thresholds are set around a bias of MediaPipe's landmarks that exact joint centres
# do not have, so ground truth sits nearer one threshold than MARGIN. Each is measured and named:
NARROW = {
    # Real straight planks read the hip ~0.04 shoulder-ankle lengths above the line (MediaPipe puts
    # the hip landmark high); the thresholds [-0.022, 0.1075] are centred there. The mannequin's exact
    # hip joint centre of a straight plank reads 0.00-0.01.
    ("forearm_plank", None, "hips_too_low"): 0.01,
    # The fitted hips-low limit (-0.022, calibrate fit on the labelled clips) sits 0.045 above the
    # rendered sag of -0.068; MediaPipe's hip placement error is about 0.02-0.03 here.
    ("forearm_plank", "hips_low", "hips_too_low"): 0.04,
}


def wall_line(truth: GroundTruth, index: int) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The exercise wall (the scene plane x = 0) as a line in normalized image coordinates.

    Two points on the wall at the depth of the body's mid-plane (the hips' z), 0.2 and 1.4 m above
    the floor, projected with the clip's camera: what a wall detector should find.
    """
    cam = truth.camera
    rot, pos = np.asarray(cam["rotation"], float), np.asarray(cam["position_m"], float)
    z = float(truth.world_m[index, [Landmark.left_hip, Landmark.right_hip], 2].mean())
    w, h = truth.size_wh
    out = []
    for y in (0.2, 1.4):
        c = (np.array([0.0, y, z]) - pos) @ rot
        out.append(((cam["fx_px"] * c[0] / c[2] + cam["cx_px"]) / w, (cam["fy_px"] * c[1] / c[2] + cam["cy_px"]) / h))
    return out[0], out[1]


# Checks measured from pixels (the silhouette), which ground-truth joints cannot give: they are
# judged on rendered video below and in tests/test_wall.py.
PIXEL_ONLY = {"lower_back_on_wall"}


def context(exercise: str, truth: GroundTruth, index: int) -> EvalContext | None:
    return EvalContext(wall_line=wall_line(truth, index)) if exercise in USES_WALL else None


@cache
def held_evaluations(exercise: str, fault: str | None, seed: int) -> list[tuple[float, Evaluation]]:
    spec = EXERCISES[exercise]
    plan = plan_clip(exercise, fault, seconds=10.0, seed=seed, fps=2.0)  # holds are still: a few frames do
    truth = plan.truth
    lib = load_exercise(spec.library)
    out = []
    for i, frame in enumerate(truth.pose_frames()):
        t = float(truth.times_s[i])
        if truth.held_at(t):
            out.append((t, lib.evaluate(frame, context(exercise, truth, i))))
    assert out, f"{exercise} {fault}: no held frames"
    return out


def expected_failing(exercise: str, fault: str | None, pixels: bool = False) -> set[str]:
    """The checks a fault must fail; without pixels, only those landmarks can judge."""
    named = set(EXERCISES[exercise].fault_checks[fault]) if fault else set()
    return named if pixels else named - PIXEL_ONLY


def test_registry_names_real_exercises_and_checks():
    for name, spec in EXERCISES.items():
        lib = load_exercise(spec.library)
        ids = {c.id for c in lib.checks}
        for fault, checks in spec.fault_checks.items():
            assert checks and set(checks) <= ids, f"{name} {fault}: {checks} not among {sorted(ids)}"
        phases = {p.name for p in lib.reps.phases} if lib.reps else set()
        assert (spec.held_phase in phases) if lib.reps else spec.held_phase is None, name


def test_every_library_exercise_is_rendered():
    from formcheck.judge.exercises import list_exercises
    from formcheck.judge.exercises.library import read_exercise_file

    rendered = {load_exercise(s.library).spec.name for s in EXERCISES.values()}
    library = {read_exercise_file(i.path).name for i in list_exercises()}
    assert library <= rendered, f"not rendered by the studio: {sorted(library - rendered)}"


@pytest.mark.parametrize("exercise,fault", CASES, ids=[f"{e}-{f or 'good'}" for e, f in CASES])
def test_rendered_form_gets_the_named_verdict(exercise, fault):
    spec = EXERCISES[exercise]
    want = expected_failing(exercise, fault)
    for seed in SEEDS:
        for t, ev in held_evaluations(exercise, fault, seed):
            where = f"{exercise} {fault or 'good'} seed {seed} t={t:.2f}"
            assert ev.in_position, f"{where}: not in position ({ev.cue})"
            assert ev.phase == spec.held_phase, f"{where}: phase {ev.phase!r}"
            assert not set(ev.unseen) - PIXEL_ONLY, f"{where}: cannot see {ev.unseen}"
            assert set(ev.failing) == want, f"{where}: failing {sorted(ev.failing)}, expected {sorted(want)}"
            for r in ev.results:
                if r.value is None:
                    continue  # a pixel-only check, unseen here (asserted above)
                # Distance from the nearest threshold, on the side the verdict is.
                gaps = [abs(r.value - b) for b in (r.min, r.max) if b is not None]
                need = NARROW.get((exercise, fault, r.id), MARGIN[r.unit])
                assert min(gaps) >= need - 1e-9, (
                    f"{where}: {r.id} = {r.value:.3f} is within {need} of its limits [{r.min}, {r.max}]")


def test_good_wall_sit_needs_the_wall_line_for_the_back_check():
    truth = plan_clip("wall_sit", None, seconds=10.0, seed=1, fps=2.0).truth
    i = next(i for i, t in enumerate(truth.times_s) if truth.held_at(float(t)))
    ev = load_exercise("wall_sit").evaluate(truth.pose_frames()[i])
    assert ev.in_position and ev.result("back_against_wall").status is Status.CANNOT_SEE


# --- through the real pose estimator ----------------------------------------------------------

# (exercise, fault, seed): short clips, only the held part (plus a lead-in) rendered, 10 fps.
# The back-off body is seed 26. The wall stage can still miss a back off the wall in some rendered
# rooms (seeds 3, 4, 21, 24 and 28 of 1-4 and 21-34: the line 0.08-0.29 torso lengths in front of the
# wall), so the wall checks may miss that fault here; that is the stage's limit, not the landmarks'
# this test is about. The stage is tested on its own in tests/test_wall.py (seed 22 there was such a
# room until edges below the hips were also found in colour).
ESTIMATED = [
    ("wall_sit", None, 21),
    ("wall_sit", "back_off_wall", 26),
    ("forearm_plank", "hips_high", 23),
    ("forearm_plank", "hips_low", 24),
    ("glute_bridge", "low_hips", 25),
]
LEAD_IN_S = 0.6  # rendered before the hold: the last of the movement into it
# The wall stage gathers evidence for about 1.5 s before it trusts a wall line.
WALL_LEAD_IN_S = 2.5
# Frames this early in a hold are not judged: the body has just stopped and the smoother's
# estimate is still catching up (the hold timer likewise waits entry_delay_s = 0.5 s).
SETTLE_S = 0.5
HELD_S = 1.5  # judged after settling


def _render_held(tmp_path, exercise, fault, seed):
    """Render the last LEAD_IN_S before the first hold and HELD_S of it; returns video, truth, frame indices."""
    from formcheck_studio.video import VideoWriter

    plan = plan_clip(exercise, fault, "side", seconds=10.0, seed=seed, size=(640, 360), fps=10.0)
    truth = plan.truth
    span = truth.holds[0]
    end = min(span.end_s, span.start_s + SETTLE_S + HELD_S)
    lead_in = WALL_LEAD_IN_S if exercise in USES_WALL else LEAD_IN_S
    idx = [i for i, t in enumerate(truth.times_s) if span.start_s - lead_in <= t <= end]
    path = tmp_path / f"{exercise}-{fault or 'good'}.mp4"
    with VideoWriter(path, truth.size_wh, truth.fps) as writer:
        for i in idx:
            writer.write(plan.render_frame(i).rgb)
    return path, truth, idx


@pytest.mark.slow
@pytest.mark.parametrize("exercise,fault,seed", ESTIMATED, ids=[f"{e}-{f or 'good'}" for e, f, _ in ESTIMATED])
def test_estimated_landmarks_give_the_same_verdicts(tmp_path, exercise, fault, seed):
    pytest.importorskip("mediapipe")
    from formcheck.pose.estimate import record
    from formcheck.pose.smoothing import clean

    video, truth, idx = _render_held(tmp_path, exercise, fault, seed)
    spec = EXERCISES[exercise]
    lib = load_exercise(spec.library)
    rec = record(video, workers=1, wall=lib.needs_wall)
    frames = list(clean(rec.frames))
    assert len(frames) == len(idx)
    walls = rec.walls or [None] * len(frames)
    # Checks read from the silhouette may miss a fault (the wall stage can mistake the back's own
    # edge for the wall when the back is off it: tests/test_wall.py measures that on other bodies),
    # so they are allowed, not required; the landmark checks must fail as on ground truth.
    want = expected_failing(exercise, fault)
    may_also = expected_failing(exercise, fault, pixels=True) - want
    judged, agree, seen = 0, 0, []
    for frame, wall, i in zip(frames, walls, idx):
        span = truth.held_at(float(truth.times_s[i]))
        if span is None or truth.times_s[i] < span.start_s + SETTLE_S:
            continue
        judged += 1
        # The whole pipeline: the wall line and the back's gaps as the wall stage found them.
        ctx = None if wall is None else EvalContext(wall_line=wall.line, wall_gaps={
            "lumbar": wall.lumbar_gap, "shoulder": wall.shoulder_gap, "hip": wall.hip_gap})
        ev = lib.evaluate(frame, ctx)
        seen.append((ev.in_position, ev.phase, sorted(ev.failing), sorted(ev.unseen)))
        if ev.in_position and ev.phase == spec.held_phase and not ev.unseen \
                and want <= set(ev.failing) <= want | may_also:
            agree += 1
    assert judged >= 12
    assert agree >= math.ceil(0.8 * judged), f"{agree}/{judged} agree; verdicts: {seen}"
