"""Keyframed motions of every exercise, each with its named fault variants.

An exercise is a few keyframe dicts (see :mod:`formcheck.studio.posing` for the keys) built from
the body's segment lengths, plus a timeline: either *held* (get into position, hold, get out) or
*repeated* (a cycle of moves, each with a short hold). A fault is a set of parameter overrides
applied to the held keyframes only, so entry and exit stay the same and the ground truth says
exactly which seconds carry the fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

from formcheck.errors import FormcheckError
from formcheck.studio.mannequin import BodyDims

Params = dict[str, Any]
Keys = list[tuple[float, Params]]

# Geometry of each fault, in degrees or as a fraction of a segment length. Tests read these to
# check that the rendered geometry changed by the amount named.
PLANK_HIPS_HIGH_DEG = 25.0   # hip flexion (pike) added in a plank with hips_high
PLANK_HIPS_LOW_DEG = 15.0    # hip extension in a plank with hips_low (plus some lumbar sag)
WALL_SIT_HIPS_HIGH_FRAC = 0.45   # hips this fraction of a thigh length above the good wall sit


class UnknownExerciseError(FormcheckError, ValueError):
    """An exercise name the studio cannot render."""


class UnknownFaultError(FormcheckError, ValueError):
    """A fault name the exercise does not define."""


@dataclass(frozen=True)
class MotionPlan:
    keys: Keys                          # (t_s, params), times increasing
    holds: list[tuple[float, float]]    # [start_s, end_s] of each held position
    wall_x_m: float | None              # the exercise wall, if the exercise uses one


@dataclass(frozen=True)
class ExerciseSpec:
    name: str
    faults: tuple[str, ...]
    default_view: str
    build: Callable[[BodyDims, str | None, float], MotionPlan]


def _merge(base: Params, fault: str | None, variants: Mapping[str, Params]) -> Params:
    return {**base, **variants[fault]} if fault else dict(base)


def held(entry: list[tuple[float, Params]], hold: Params, exit_: list[tuple[float, Params]], seconds: float,
         wall_x_m: float | None = None) -> MotionPlan:
    """Timeline ``entry -> hold -> exit``; ``entry``/``exit_`` items are ``(duration_s, params)``.

    The hold fills whatever ``seconds`` leaves after the moves (at least 1 s).
    """
    moves = sum(d for d, _ in entry) + sum(d for d, _ in exit_)
    hold_s = max(1.0, seconds - moves)
    keys: Keys = []
    t = 0.0
    for d, p in entry:
        keys.append((t, p))
        t += d
    start = t
    keys += [(t, hold), (t + hold_s, hold)]
    t += hold_s
    end = t
    for d, p in exit_:
        t += d
        keys.append((t, p))
    return MotionPlan(keys, [(start, end)], wall_x_m)


def repeated(rest: Params, move: Params, seconds: float, down_s: float = 1.2, up_s: float = 1.2,
             hold_s: float = 1.5, pause_s: float = 0.6) -> MotionPlan:
    """Repetitions ``rest -> move (held) -> rest`` until ``seconds`` is used."""
    keys: Keys = [(0.0, rest)]
    holds = []
    t = 0.0
    cycle = up_s + hold_s + down_s + pause_s
    while t + cycle <= seconds + 1e-9 or not holds:
        keys.append((t + up_s, move))
        keys.append((t + up_s + hold_s, move))
        holds.append((t + up_s, t + up_s + hold_s))
        keys.append((t + up_s + hold_s + down_s, rest))
        t += cycle
        keys.append((t, rest))
    return MotionPlan(keys, holds, None)


# --- wall sit -------------------------------------------------------------------------------

def _wall_sit(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    s = d.scale
    wall_x = 0.0
    root_x = wall_x + 0.118 * s * d.girth        # pelvis's back touching the wall
    ankle_y = d.ankle_height_m + 0.007 * s       # a flat shoe resting on the floor
    foot_x = root_x + d.thigh_m                  # heels under the knees at a 90 degree sit
    sit_y = ankle_y + d.shin_m
    arms = {"l_sh_flex": 12.0, "r_sh_flex": 12.0, "l_elbow": 25.0, "r_elbow": 25.0}

    def pose(root_y: float, feet_x: float = foot_x, root_dx: float = 0.0, lean: float = 0.0) -> Params:
        return {"root": (root_x + root_dx, root_y, 0.0), "spine_flex": lean, "neck_flex": -lean * 0.6,
                "ankle_targets": {"l": (feet_x, ankle_y, -d.hip_half_width_m), "r": (feet_x, ankle_y, d.hip_half_width_m)},
                "foot_flat": True, **arms}

    reach = 0.97 * (d.thigh_m + d.shin_m)
    stand_y = ankle_y + (reach**2 - (foot_x - root_x) ** 2) ** 0.5
    variants = {
        "hips_high": pose(sit_y + WALL_SIT_HIPS_HIGH_FRAC * d.thigh_m),
        "heels_behind_knees": pose(sit_y - 0.02 * s, feet_x=foot_x - 0.16 * s),
        "feet_too_far_forward": pose(sit_y, feet_x=foot_x + 0.24 * s),
        "back_off_wall": pose(sit_y, root_dx=0.09 * s, lean=24.0),
    }
    hold = variants[fault] if fault else pose(sit_y)
    stand = pose(stand_y)
    return held([(1.0, stand), (2.5, stand)], hold, [(2.2, stand), (0.8, stand)], seconds, wall_x)


# --- forearm plank --------------------------------------------------------------------------

def _plank(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    base: Params = {
        "root": (0.0, 0.5, 0.0), "pitch": 78.0, "pitch_range": (55.0, 100.0),
        "follow_pitch": {"l_sh_flex": 0.0, "r_sh_flex": 0.0},
        "l_elbow": 90.0, "r_elbow": 90.0, "l_sh_abd": 4.0, "r_sh_abd": 4.0, "neck_flex": -10.0,
        "l_ankle": -8.0, "r_ankle": -8.0,
        "floor": [["l_forearm", "r_forearm", "l_elbow", "r_elbow"], ["l_shoe", "r_shoe"]],
    }
    variants = {
        "hips_high": {"l_hip_flex": PLANK_HIPS_HIGH_DEG, "r_hip_flex": PLANK_HIPS_HIGH_DEG},
        "hips_low": {"l_hip_flex": -PLANK_HIPS_LOW_DEG, "r_hip_flex": -PLANK_HIPS_LOW_DEG, "spine_flex": -6.0},
    }
    # Getting up from and back down to a rest with the hips sagging toward the floor.
    rest = {**base, "l_hip_flex": -30.0, "r_hip_flex": -30.0, "spine_flex": -14.0, "l_knee": 12.0, "r_knee": 12.0}
    return held([(1.0, rest), (1.8, rest)], _merge(base, fault, variants), [(1.8, rest), (0.8, rest)], seconds)


# --- side plank -----------------------------------------------------------------------------

def _side_plank(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    # twist 90 then pitch 90: lying on the right side, chest toward -z.
    base: Params = {
        "root": (0.0, 0.5, 0.0), "pitch": 70.0, "twist": 90.0, "pitch_range": (40.0, 100.0),
        "follow_pitch": {"r_sh_abd": 0.0}, "r_elbow": 90.0, "l_sh_abd": 10.0, "l_elbow": 60.0,
        "l_hip_abd": -3.0, "r_hip_abd": 3.0,
        "floor": [["r_forearm", "r_elbow"], ["r_shoe"]],
    }
    variants = {"hips_low": {"l_hip_abd": 15.0, "r_hip_abd": -15.0, "spine_bend": -10.0}}
    rest = {**base, "l_hip_abd": 28.0, "r_hip_abd": -28.0, "spine_bend": -14.0}
    return held([(1.0, rest), (1.8, rest)], _merge(base, fault, variants), [(1.8, rest), (0.8, rest)], seconds)


# --- glute bridge ---------------------------------------------------------------------------

def _glute_bridge(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    lying: Params = {
        "root": (0.0, 0.2, 0.0), "pitch": -90.0, "pitch_range": (-100.0, -30.0),
        "l_hip_flex": 60.0, "r_hip_flex": 60.0, "l_knee": 110.0, "r_knee": 110.0,
        "l_sh_abd": 15.0, "r_sh_abd": 15.0, "foot_flat": True,
        "floor": [["chest", "head"], ["l_shoe", "r_shoe"]],
    }
    up = {**lying, "l_hip_flex": 5.0, "r_hip_flex": 5.0, "l_knee": 95.0, "r_knee": 95.0}
    if fault == "low_hips":
        up = {**up, "l_hip_flex": 32.0, "r_hip_flex": 32.0, "l_knee": 100.0, "r_knee": 100.0}
    return repeated(lying, up, seconds, hold_s=2.0)


# --- bird dog, cat-cow (on hands and knees) ------------------------------------------------

def _quadruped(**extra: Any) -> Params:
    return {
        "root": (0.0, 0.6, 0.0), "pitch": 85.0, "pitch_range": (65.0, 110.0),
        "follow_pitch": {"l_sh_flex": 0.0, "r_sh_flex": 0.0, "l_hip_flex": 0.0, "r_hip_flex": 0.0},
        "l_knee": 90.0, "r_knee": 90.0, "l_ankle": -30.0, "r_ankle": -30.0, "neck_flex": -15.0,
        "floor": [["l_hand", "r_hand"], ["l_knee", "r_knee"]], **extra,
    }


def _bird_dog(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    rest = _quadruped(floor=[["l_hand"], ["r_knee"]])
    reach = {**rest, "follow_pitch": {"l_sh_flex": 0.0, "r_sh_flex": 90.0, "r_hip_flex": 0.0, "l_hip_flex": -90.0},
             "l_knee": 0.0}
    if fault == "hip_rotation":
        reach = {**reach, "pelvis_twist": -18.0}
    return repeated(rest, reach, seconds, hold_s=2.0)


def _cat_cow(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    cat = _quadruped(spine_flex=28.0, neck_flex=20.0, pelvis_tilt=10.0)
    cow = _quadruped(spine_flex=-22.0, neck_flex=-35.0, pelvis_tilt=-10.0)
    return repeated(cow, cat, seconds, hold_s=1.0, pause_s=1.0)


# --- lying on the back ----------------------------------------------------------------------

def _supine(**extra: Any) -> Params:
    return {"root": (0.0, 0.2, 0.0), "pitch": -90.0, "floor": [["chest", "pelvis", "head"]], **extra}


def _dead_bug(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    table = _supine(l_sh_flex=90.0, r_sh_flex=90.0, l_hip_flex=90.0, r_hip_flex=90.0, l_knee=90.0, r_knee=90.0,
                    l_ankle=-20.0, r_ankle=-20.0)
    reach = {**table, "r_sh_flex": 170.0, "l_hip_flex": 25.0, "l_knee": 10.0}
    return repeated(table, reach, seconds, hold_s=1.5)


def _pelvic_tilt(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    rest = _supine(l_hip_flex=50.0, r_hip_flex=50.0, l_knee=100.0, r_knee=100.0, foot_flat=True,
                   l_sh_abd=15.0, r_sh_abd=15.0, floor=[["chest", "head"]])
    tilt = {**rest, "pelvis_tilt": 14.0, "l_hip_flex": 36.0, "r_hip_flex": 36.0}
    return repeated(rest, tilt, seconds, hold_s=2.0)


def _clamshell(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    closed: Params = {"root": (0.0, 0.2, 0.0), "pitch": 90.0, "twist": 90.0, "l_hip_flex": 45.0, "r_hip_flex": 45.0,
                      "l_knee": 90.0, "r_knee": 90.0, "r_sh_abd": 150.0, "r_elbow": 60.0, "l_elbow": 20.0,
                      "neck_flex": 0.0, "floor": [["pelvis", "chest", "r_thigh"]]}
    opened = {**closed, "l_leg_open": 40.0}
    return repeated(closed, opened, seconds, hold_s=1.5)


# --- squat ----------------------------------------------------------------------------------

def _squat(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    s = d.scale
    ankle_y = d.ankle_height_m + 0.007 * s
    feet = {"l": (0.0, ankle_y, -d.hip_half_width_m - 0.04 * s), "r": (0.0, ankle_y, d.hip_half_width_m + 0.04 * s)}

    def at(root_x: float, root_y: float, lean: float, arms: float) -> Params:
        return {"root": (root_x, root_y, 0.0), "ankle_targets": feet, "foot_flat": True, "spine_flex": lean,
                "neck_flex": -lean * 0.7, "l_sh_flex": arms, "r_sh_flex": arms}

    stand = at(-0.02 * s, ankle_y + 0.98 * (d.thigh_m + d.shin_m), 0.0, 10.0)
    bottom = at(-0.28 * s, ankle_y + 0.55 * d.shin_m, 30.0, 80.0)
    if fault == "knees_forward":
        bottom = at(-0.12 * s, ankle_y + 0.55 * d.shin_m, 12.0, 80.0)
    elif fault == "shallow":
        bottom = at(-0.14 * s, ankle_y + 0.93 * d.shin_m + 0.35 * d.thigh_m, 15.0, 60.0)
    return repeated(stand, bottom, seconds, down_s=1.3, up_s=1.3, hold_s=1.0)


# Read-only: the registry is data, not state.
EXERCISES: Mapping[str, ExerciseSpec] = MappingProxyType({
    spec.name: spec
    for spec in (
        ExerciseSpec("wall_sit", ("hips_high", "heels_behind_knees", "feet_too_far_forward", "back_off_wall"), "side",
                     _wall_sit),
        ExerciseSpec("forearm_plank", ("hips_high", "hips_low"), "side", _plank),
        ExerciseSpec("side_plank", ("hips_low",), "side", _side_plank),
        ExerciseSpec("glute_bridge", ("low_hips",), "side", _glute_bridge),
        ExerciseSpec("bird_dog", ("hip_rotation",), "side", _bird_dog),
        ExerciseSpec("dead_bug", (), "side", _dead_bug),
        ExerciseSpec("clamshell", (), "side", _clamshell),
        ExerciseSpec("cat_cow", (), "side", _cat_cow),
        ExerciseSpec("pelvic_tilt", (), "side", _pelvic_tilt),
        ExerciseSpec("bodyweight_squat", ("knees_forward", "shallow"), "side", _squat),
    )
})


def exercise_names() -> list[str]:
    return list(EXERCISES)


def get_exercise(name: str) -> ExerciseSpec:
    """The exercise called ``name`` (``wall-sit`` and ``wall_sit`` both work)."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in EXERCISES:
        raise UnknownExerciseError(f"unknown exercise {name!r}; the studio renders: {', '.join(EXERCISES)}")
    return EXERCISES[key]


def faults_for(name: str) -> tuple[str, ...]:
    return get_exercise(name).faults


def check_fault(spec: ExerciseSpec, fault: str | None) -> str | None:
    if fault is None or fault in ("", "none", "good"):
        return None
    key = fault.strip().lower().replace("-", "_")
    if key not in spec.faults:
        valid = ", ".join(spec.faults) if spec.faults else "none (this exercise has no fault variants)"
        raise UnknownFaultError(f"unknown fault {fault!r} for {spec.name}; valid faults: {valid}")
    return key


def plan_motion(exercise: str, fault: str | None, dims: BodyDims, seconds: float) -> tuple[ExerciseSpec, str | None, MotionPlan]:
    spec = get_exercise(exercise)
    fault_key = check_fault(spec, fault)
    return spec, fault_key, spec.build(dims, fault_key, seconds)
