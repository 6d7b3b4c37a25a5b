"""Keyframed motions of every exercise, each with its named fault variants.

An exercise is a few keyframe dicts (see :mod:`formcheck_studio.posing` for the keys) built from
the body's segment lengths, plus a timeline: either *held* (get into position, hold, get out) or
*repeated* (a cycle of moves, each with a short hold). A fault is a set of parameter overrides
applied to the held keyframes only, so entry and exit stay the same and the ground truth says
exactly which seconds carry the fault.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from formcheck.errors import FormcheckError
from formcheck_studio.mannequin import BodyDims
from formcheck_studio.plans import ExerciseSpec, Keys, MotionPlan, Params
from formcheck_studio.postures import POSTURES

# Geometry of each fault, in degrees or as a fraction of a segment length. Tests read these to
# check that the rendered geometry changed by the amount named.
PLANK_HIPS_HIGH_DEG = 40.0   # hip flexion (pike) added in a plank with hips_high
PLANK_HIPS_LOW_DEG = 15.0    # hip extension in a plank with hips_low (plus some lumbar sag)
WALL_SIT_HIPS_HIGH_DEG = 35.5    # thigh angle below horizontal in a wall sit with hips_high
WALL_SIT_HIPS_HIGH_FRAC = math.sin(math.radians(WALL_SIT_HIPS_HIGH_DEG))  # hip rise, in thigh lengths
WALL_SIT_FEET_FORWARD_SHIN_DEG = 33.0  # shin lean (ankle ahead of knee) with feet_too_far_forward
# Seconds to get into and out of a plank or side plank: about as quick as people lift their hips
# into one and drop out of it. A slower, eased move spends a second or more on the last
# centimetres, where the form already passes and the body moves slower than people sway while
# holding.
PLANK_ENTRY_S = 0.8
PLANK_EXIT_S = 0.6
BIRD_DOG_LEG_LIFT_DEG = 40.0     # extended leg above horizontal in a bird dog with hip_rotation
CLAMSHELL_OPEN_DEG = 45.0        # top knee's opening about the hip-ankle axis at the top of a clamshell
CLAMSHELL_TOP_LEG_ADDUCTION_DEG = -14.0  # top leg resting on the bottom one


class UnknownExerciseError(FormcheckError, ValueError):
    """An exercise name the studio cannot render."""


class UnknownFaultError(FormcheckError, ValueError):
    """A fault name the exercise does not define."""


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
                "ankle_targets": {"l": (feet_x, ankle_y, -d.hip_half_width_m),
                                  "r": (feet_x, ankle_y, d.hip_half_width_m)},
                "foot_flat": True, **arms}

    def sit(thigh_deg: float, shin_deg: float, root_dx: float = 0.0, lean: float = 0.0) -> Params:
        """Back on the wall, thigh ``thigh_deg`` below horizontal (hip to knee), shin ``shin_deg``
        from vertical (positive: the ankle ahead of the knee)."""
        t, sh = math.radians(thigh_deg), math.radians(shin_deg)
        root_y = ankle_y + d.shin_m * math.cos(sh) + d.thigh_m * math.sin(t)
        feet_x = root_x + root_dx + d.thigh_m * math.cos(t) + d.shin_m * math.sin(sh)
        return pose(root_y, feet_x, root_dx, lean)

    reach = 0.97 * (d.thigh_m + d.shin_m)
    stand_y = ankle_y + (reach**2 - (foot_x - root_x) ** 2) ** 0.5
    variants = {
        # Slid only part way down: thighs 35 degrees from level, shins still upright (knee ~125
        # degrees, still bent enough to be a wall sit).
        "hips_high": sit(WALL_SIT_HIPS_HIGH_DEG, 0.0),
        "heels_behind_knees": pose(sit_y - 0.02 * s, feet_x=foot_x - 0.16 * s),
        # Feet walked out: the shins lean 33 degrees and the hips sink a little below the knees,
        # as happens when the feet slide forward with the back on the wall.
        "feet_too_far_forward": sit(-8.0, WALL_SIT_FEET_FORWARD_SHIN_DEG),
        # Hips and shoulders away from the wall with the trunk leaning forward; the feet step
        # forward with the hips, so the legs keep the good geometry and only the back is wrong.
        "back_off_wall": sit(0.0, 0.0, root_dx=0.09 * s, lean=24.0),
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
        # A clear pike; the trunk pitches head-down further than a straight plank's, so the search for a
        # pitch with forearms and toes both on the floor needs a wider range.
        "hips_high": {"l_hip_flex": PLANK_HIPS_HIGH_DEG, "r_hip_flex": PLANK_HIPS_HIGH_DEG,
                      "pitch_range": (55.0, 130.0)},
        "hips_low": {"l_hip_flex": -PLANK_HIPS_LOW_DEG, "r_hip_flex": -PLANK_HIPS_LOW_DEG, "spine_flex": -6.0},
    }
    # Getting up from and back down to a rest with the hips sagging toward the floor.
    rest = {**base, "l_hip_flex": -30.0, "r_hip_flex": -30.0, "spine_flex": -14.0, "l_knee": 12.0, "r_knee": 12.0}
    return held([(1.0, rest), (PLANK_ENTRY_S, rest)], _merge(base, fault, variants),
                [(PLANK_EXIT_S, rest), (2.0, rest)], seconds)


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
    return held([(1.0, rest), (PLANK_ENTRY_S, rest)], _merge(base, fault, variants),
                [(PLANK_EXIT_S, rest), (2.0, rest)], seconds)


# --- glute bridge ---------------------------------------------------------------------------

def _glute_bridge(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    lying: Params = {
        "root": (0.0, 0.2, 0.0), "pitch": -90.0, "pitch_range": (-100.0, -30.0),
        "l_hip_flex": 60.0, "r_hip_flex": 60.0, "l_knee": 110.0, "r_knee": 110.0,
        "l_sh_abd": 15.0, "r_sh_abd": 15.0, "foot_flat": True,
        "floor": [["chest", "head"], ["l_shoe", "r_shoe"]],
    }
    up = {**lying, "l_hip_flex": 3.0, "r_hip_flex": 3.0, "l_knee": 95.0, "r_knee": 95.0}
    if fault == "low_hips":
        # Hips lifted only part way (shoulder-hip-knee about 157 degrees): the feet stay planted, so
        # the knees bend more and the shins stay about as upright as in the full bridge.
        up = {**up, "l_hip_flex": 23.0, "r_hip_flex": 23.0, "l_knee": 114.0, "r_knee": 114.0}
    return repeated(lying, up, seconds, hold_s=2.0)


# --- bird dog, cat-cow (on hands and knees) ------------------------------------------------

def _quadruped(**extra: Any) -> Params:
    return {
        "root": (0.0, 0.6, 0.0), "pitch": 85.0, "pitch_range": (65.0, 110.0),
        "follow_pitch": {"l_sh_flex": 0.0, "r_sh_flex": 0.0, "l_hip_flex": 0.0, "r_hip_flex": 0.0},
        "l_knee": 90.0, "r_knee": 90.0, "l_ankle": -30.0, "r_ankle": -30.0, "neck_flex": -15.0,
        # Palms flat on the floor, fingers forward (a hand hanging straight down would prop the
        # shoulders up on the fingertips).
        "l_wrist": 80.0, "r_wrist": 80.0,
        "floor": [["l_hand", "r_hand"], ["l_knee", "r_knee"]], **extra,
    }


def _bird_dog(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    rest = _quadruped(floor=[["l_hand"], ["r_knee"]])
    reach = {**rest, "follow_pitch": {"l_sh_flex": 0.0, "r_sh_flex": 90.0, "r_hip_flex": 0.0, "l_hip_flex": -90.0},
             "l_knee": 0.0}
    if fault == "hip_rotation":
        # The hip hikes and opens, and the extended leg swings up well above the back (what a side
        # camera can see of it; the rotation itself is along the camera's line of sight).
        reach = {**reach, "pelvis_twist": -25.0,
                 "follow_pitch": {**reach["follow_pitch"], "l_hip_flex": -90.0 - BIRD_DOG_LEG_LIFT_DEG}}
    return repeated(rest, reach, seconds, hold_s=2.0)


def _cat_cow(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    # The hands stay planted under the shoulders while the spine moves: the arms follow the chest's
    # extra pitch (spine flexion), not only the pelvis's.
    def arms(spine: float) -> dict[str, Any]:
        return {"l_sh_flex": spine, "r_sh_flex": spine, "l_hip_flex": 0.0, "r_hip_flex": 0.0}

    cat = _quadruped(spine_flex=28.0, neck_flex=20.0, pelvis_tilt=10.0, follow_pitch=arms(28.0))
    cow = _quadruped(spine_flex=-22.0, neck_flex=-35.0, pelvis_tilt=-10.0, follow_pitch=arms(-22.0))
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
    # The top leg rests on the bottom one (adducted), so knees and ankles touch rather than float
    # a hip width apart.
    closed: Params = {"root": (0.0, 0.2, 0.0), "pitch": 90.0, "twist": 90.0, "l_hip_flex": 45.0, "r_hip_flex": 45.0,
                      "l_hip_abd": CLAMSHELL_TOP_LEG_ADDUCTION_DEG,
                      "l_knee": 90.0, "r_knee": 90.0, "r_sh_abd": 150.0, "r_elbow": 60.0, "l_elbow": 20.0,
                      "neck_flex": 0.0, "floor": [["pelvis", "chest", "r_thigh"]]}
    # Negative: the mannequin's leg_open turns this (top, left) knee up, away from the bottom leg.
    opened = {**closed, "l_leg_open": -CLAMSHELL_OPEN_DEG}
    return repeated(closed, opened, seconds, hold_s=1.5)


# --- squat ----------------------------------------------------------------------------------

def _squat(d: BodyDims, fault: str | None, seconds: float) -> MotionPlan:
    s = d.scale
    ankle_y = d.ankle_height_m + 0.007 * s
    feet = {"l": (0.0, ankle_y, -d.hip_half_width_m - 0.04 * s), "r": (0.0, ankle_y, d.hip_half_width_m + 0.04 * s)}

    def at(root_x: float, root_y: float, lean: float, arms: float) -> Params:
        return {"root": (root_x, root_y, 0.0), "ankle_targets": feet, "foot_flat": True, "spine_flex": lean,
                "neck_flex": -lean * 0.7, "l_sh_flex": arms, "r_sh_flex": arms}

    def bottom(shin_deg: float, thigh_deg: float, lean: float, arms: float) -> Params:
        """Shins leaning ``shin_deg`` forward, hips ``thigh_deg`` above the knees' level (thigh angle)."""
        sh, th = math.radians(shin_deg), math.radians(thigh_deg)
        knee_x, knee_y = d.shin_m * math.sin(sh), ankle_y + d.shin_m * math.cos(sh)
        return at(knee_x - d.thigh_m * math.cos(th), knee_y + d.thigh_m * math.sin(th), lean, arms)

    # Knees nearly straight (about 170 degrees; 0.98 of the leg length bent them to 157, which no
    # squat rule reads as standing) and the arms forward: hands hanging at the sides cover the hips
    # in a side view, and the model then put the hip at the wrist and read a deep knee bend.
    stand = at(-0.02 * s, ankle_y + 0.995 * (d.thigh_m + d.shin_m), 0.0, 45.0)
    variants = {
        # Knees travel well past the toes (shins 48 degrees forward) instead of the hips sitting back.
        "knees_forward": bottom(48.0, 10.0, 12.0, 80.0),
        # A quarter squat: thighs 42 degrees above level, hips well above the knees.
        "shallow": bottom(25.0, 42.0, 15.0, 60.0),
    }
    # Good: hips back and down until the thighs are about level, chest up, knees over the feet.
    down = variants[fault] if fault else bottom(28.0, 3.0, 30.0, 80.0)
    return repeated(stand, down, seconds, down_s=1.3, up_s=1.3, hold_s=1.0)


# Read-only: the registry is data, not state. Views are the camera's azimuth around the body as it
# stands (see formcheck_studio.camera): for exercises lying on the side (side plank, clamshell) the
# "side" view looks at the chest, which is the front view those exercises want.
EXERCISES: Mapping[str, ExerciseSpec] = MappingProxyType({
    spec.name: spec
    for spec in (
        ExerciseSpec("wall_sit", ("hips_high", "heels_behind_knees", "feet_too_far_forward", "back_off_wall"), "side",
                     _wall_sit, fault_checks={
                         "hips_high": ("thighs_parallel",),
                         # The heel behind the knee is the shin leaning back at the ankle; both say it.
                         "heels_behind_knees": ("heel_not_behind_knee", "shins_vertical"),
                         "feet_too_far_forward": ("heel_not_too_far_ahead", "shins_vertical"),
                         "back_off_wall": ("back_against_wall", "lower_back_on_wall"),
                     }),
        ExerciseSpec("forearm_plank", ("hips_high", "hips_low"), "side", _plank,
                     fault_checks={"hips_high": ("hips_too_high",), "hips_low": ("hips_too_low",)}),
        # Lying on the right side, propped on the right forearm.
        ExerciseSpec("side_plank", ("hips_low",), "side", _side_plank, library="side_plank_right",
                     fault_checks={"hips_low": ("hips_sagging",)}),
        ExerciseSpec("glute_bridge", ("low_hips",), "side", _glute_bridge,
                     fault_checks={"low_hips": ("hips_high_enough",)}, held_phase="up"),
        # Reaching with the right arm and the left leg, kneeling on the right knee.
        ExerciseSpec("bird_dog", ("hip_rotation",), "side", _bird_dog, library="bird_dog_right",
                     fault_checks={"hip_rotation": ("leg_at_hip_height",)}, held_phase="extended"),
        ExerciseSpec("dead_bug", (), "side", _dead_bug, held_phase="extended"),
        # Lying on the right side, opening the left (top) knee.
        ExerciseSpec("clamshell", (), "side", _clamshell, library="clamshell_left", held_phase="open"),
        ExerciseSpec("cat_cow", (), "side", _cat_cow, held_phase="cat"),
        ExerciseSpec("pelvic_tilt", (), "side", _pelvic_tilt),
        ExerciseSpec("bodyweight_squat", ("knees_forward", "shallow"), "side", _squat,
                     fault_checks={"knees_forward": ("knees_behind_toes",), "shallow": ("deep_enough",)},
                     held_phase="down"),
    )
})


def exercise_names() -> list[str]:
    return list(EXERCISES)


def get_exercise(name: str) -> ExerciseSpec:
    """The exercise called ``name`` (``wall-sit`` and ``wall_sit`` both work)."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in EXERCISES:
        # Assessment postures (standing, single-leg stance) render like exercises but are not in
        # the exercise library, so they live in their own registry.
        if key in POSTURES:
            return POSTURES[key]
        raise UnknownExerciseError(f"unknown exercise {name!r}; the studio renders: {', '.join(EXERCISES)}, "
                                   f"{', '.join(POSTURES)}")
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


def plan_motion(exercise: str, fault: str | None, dims: BodyDims,
                seconds: float) -> tuple[ExerciseSpec, str | None, MotionPlan]:
    spec = get_exercise(exercise)
    fault_key = check_fault(spec, fault)
    return spec, fault_key, spec.build(dims, fault_key, seconds)
