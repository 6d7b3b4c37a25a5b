"""Assessment results: a value with an honest uncertainty, a plain reading and a side verdict.

The uncertainty of a measure has two parts, added in quadrature:

* the frame-to-frame spread over the steady part: a robust standard error of the median whose
  sample count is shrunk for the frames' correlation (a still person gives near-copies of one
  frame, which are not independent measurements);
* a systematic floor: what the pose model gets wrong on a body whose truth is known (the studio's
  rendered bodies, ``benchmarks/assess_bias.py``). Without mirror averaging it includes the
  model's own left/right bias, which is several times larger, so an unmirrored assessment states
  a wider uncertainty rather than a false asymmetry.

A side is named ("right shoulder 2.1 cm lower") only when the value is outside its uncertainty;
otherwise the reading says the sides are level within what can be measured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from formcheck.outputs.history.rows import Measure

# The estimator's world landmarks are metres of a body of about average size: on the studio's
# bodies (1.58-1.90 m) their lengths came out 1-25 % short. Lengths carry this relative uncertainty.
SCALE_UNCERTAINTY = 0.2

# A side is named only when |value| exceeds this many uncertainties (1 = the stated uncertainty).
SIDE_CONFIDENCE = 1.0


@dataclass(frozen=True)
class MeasureSpec:
    """How one measure is read out.

    ``positive``/``negative`` are readings for each sign, with ``{v}`` for the magnitude and
    ``{u}`` for its unit; ``level`` is the reading within uncertainty (``None``: the measure has no
    sides, e.g. a depth, and is always read with ``positive``). ``side_if_positive`` names the side
    a positive value points at. Floors are systematic uncertainties in the measure's unit, with and
    without mirror averaging.
    """

    name: str
    unit: str
    title: str
    positive: str
    negative: str
    level: str | None
    side_if_positive: str | None
    floor_mirrored: float
    floor_direct: float


def _lr(name: str, unit: str, title: str, positive: str, negative: str, level: str,
        floors: tuple[float, float]) -> MeasureSpec:
    return MeasureSpec(name, unit, title, positive, negative, level, "right", *floors)


def _plain(name: str, unit: str, title: str, text: str, floors: tuple[float, float]) -> MeasureSpec:
    return MeasureSpec(name, unit, title, text, text, None, None, *floors)


# Floors: the 95th percentile of the model's error on symmetric rendered bodies, with and without
# mirror averaging (benchmarks/assess_bias.py --seeds 0..19, standing front view), rounded up, so a
# symmetric body is read as level at least 19 times in 20. Five seeds had set the mirrored shoulder
# and head floors at 0.6 cm and 1.5 deg; twenty put their 95th percentiles at 1.21 cm and 2.00 deg.
# The squat's the same way (--step squat, 8 s of front-view squats, standing up straight with the
# arms forward between reps): hip shift 2.54 cm mirrored, 3.31 cm direct; knee travel, measured
# along the hips since the camera may be turned a few degrees (see measures._frontal), 4.00 cm
# mirrored and 7.80 cm direct over seeds 0-9 (along the camera's x it had read 1.47 and 4.15, but
# against a truth itself 3.3 cm off on symmetric bodies, so a turned body read as uneven knees);
# the stance sway difference (--step stance, 6 s on each leg, the knee raised in front; all 20
# seeds measurable, where a foot lifted behind the standing leg left 15) 0.27 cm mirrored, 0.46 cm
# direct. Side-view measures are not
# left/right comparisons and keep provisional floors.
SPECS: dict[str, MeasureSpec] = {s.name: s for s in (
    _lr("shoulder_height_diff_cm", "cm", "Shoulder height", "right shoulder {v} {u} lower",
        "left shoulder {v} {u} lower", "shoulders level", (1.3, 1.5)),
    _lr("hip_height_diff_cm", "cm", "Hip height", "right hip {v} {u} lower", "left hip {v} {u} lower",
        "hips level", (0.4, 1.5)),
    _lr("lateral_shift_cm", "cm", "Pelvis over the feet", "pelvis {v} {u} to the right of the feet",
        "pelvis {v} {u} to the left of the feet", "pelvis centred over the feet", (1.5, 4.5)),
    _lr("trunk_shift_cm", "cm", "Trunk over the pelvis", "shoulders {v} {u} to the right of the hips",
        "shoulders {v} {u} to the left of the hips", "trunk centred over the pelvis", (0.6, 1.5)),
    _lr("head_tilt_deg", "deg", "Head tilt", "head tilted {v} {u} to the right",
        "head tilted {v} {u} to the left", "head level", (2.1, 8.0)),
    _lr("knee_valgus_diff_deg", "deg", "Knee alignment", "right knee angled {v} {u} further inward",
        "left knee angled {v} {u} further inward", "knees aligned alike", (5.5, 17.0)),
    _plain("forward_head_cm", "cm", "Forward head", "ears {v} {u} ahead of the shoulders", (1.5, 1.5)),
    _plain("trunk_lean_deg", "deg", "Trunk lean", "trunk leaning {v} {u} from vertical", (2.0, 2.0)),
    _plain("hip_over_ankle_cm", "cm", "Hips over ankles", "hips {v} {u} ahead of the ankles", (2.0, 2.0)),
    _plain("left_stance_s", "s", "Standing on the left leg", "held {v} {u}", (0.2, 0.2)),
    _plain("right_stance_s", "s", "Standing on the right leg", "held {v} {u}", (0.2, 0.2)),
    _plain("left_stance_sway_cm", "cm", "Sway on the left leg", "hips swayed {v} {u}", (0.3, 0.3)),
    _plain("right_stance_sway_cm", "cm", "Sway on the right leg", "hips swayed {v} {u}", (0.3, 0.3)),
    _lr("stance_sway_diff_cm", "cm", "Balance, side to side", "more sway standing on the right leg ({v} {u})",
        "more sway standing on the left leg ({v} {u})", "sway alike on both legs", (0.3, 0.5)),
    _lr("squat_knee_inward_diff_cm", "cm", "Knees in the squat", "right knee travels {v} {u} further inward",
        "left knee travels {v} {u} further inward", "knees travel alike", (4.0, 7.8)),
    _lr("squat_hip_shift_cm", "cm", "Hips in the squat", "hips shift {v} {u} to the right going down",
        "hips shift {v} {u} to the left going down", "hips stay centred", (2.6, 3.4)),
    _plain("squat_depth_deg", "deg", "Squat depth", "knees bend {v} {u} at the bottom", (3.0, 3.0)),
)}


@dataclass(frozen=True)
class Result:
    """One measure of the assessment: value, uncertainty (same unit), the reading and the side it names."""

    name: str
    step: str
    value: float
    uncertainty: float
    unit: str
    title: str
    reading: str
    side: str | None      # "left"/"right" when the value clearly points at one side, else None
    frames: int

    @property
    def measured(self) -> bool:
        return math.isfinite(self.value)

    def as_measure(self) -> Measure:
        return Measure(self.name, self.value, self.unit, self.uncertainty)


def effective_count(values: np.ndarray) -> float:
    """Independent samples worth of a series: ``n (1 - r) / (1 + r)`` with ``r`` its lag-1 autocorrelation."""
    n = values.size
    if n < 3:
        return float(n)
    centred = values - values.mean()
    denom = float(centred @ centred)
    r = float(centred[1:] @ centred[:-1]) / denom if denom > 0 else 0.0
    r = min(max(r, 0.0), 0.95)
    return max(1.0, n * (1 - r) / (1 + r))


def spread_error(values: Sequence[float]) -> tuple[float, float, int]:
    """Median of the finite values, its robust standard error, and how many values there were."""
    arr = np.asarray(values, float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return math.nan, math.nan, 0
    if arr.size == 1:
        return float(arr[0]), math.nan, 1
    sigma = 1.4826 * float(np.median(np.abs(arr - np.median(arr))))  # MAD, robust to the odd bad frame
    sigma = max(sigma, float(np.std(arr, ddof=1)) * 0.5)  # a MAD of 0 on near-copies is not certainty
    # 1.2533: the median's standard error is sqrt(pi/2) times the mean's.
    return float(np.median(arr)), 1.2533 * sigma / math.sqrt(effective_count(arr)), int(arr.size)


def _fmt(x: float) -> str:
    return f"{abs(x):.1f}"


def read(spec: MeasureSpec, value: float, uncertainty: float) -> tuple[str, str | None]:
    """The plain-language reading of a value and the side it names (``None`` within uncertainty)."""
    if not math.isfinite(value):
        return "could not be measured (body not seen well enough)", None
    unc = f" (± {_fmt(uncertainty)} {spec.unit})"
    if spec.level is None:
        return spec.positive.format(v=_fmt(value), u=spec.unit) + unc, None
    if abs(value) <= SIDE_CONFIDENCE * uncertainty:
        return f"{spec.level}: {_fmt(value)} {spec.unit} difference is within the ± {_fmt(uncertainty)} " \
               f"{spec.unit} this can be measured to", None
    text = (spec.positive if value > 0 else spec.negative).format(v=_fmt(value), u=spec.unit)
    side = spec.side_if_positive if value > 0 else ("left" if spec.side_if_positive == "right" else "right")
    return text + unc, side


def _uncertainty(spec: MeasureSpec, value: float, spread: float, mirrored: bool) -> float:
    """Spread, systematic floor and (for lengths) the world scale's relative error, in quadrature."""
    floor = spec.floor_mirrored if mirrored else spec.floor_direct
    scale = SCALE_UNCERTAINTY * abs(value) if spec.unit == "cm" and math.isfinite(value) else 0.0
    return math.hypot(spread if math.isfinite(spread) else 0.0, floor, scale)


def result(name: str, step: str, values: Sequence[float], mirrored: bool) -> Result:
    """Summarise one measure's per-frame values (steady part only) into a :class:`Result`."""
    spec = SPECS[name]
    value, spread, n = spread_error(values)
    unc = _uncertainty(spec, value, spread, mirrored)
    reading, side = read(spec, value, unc)
    return Result(name, step, value, unc, spec.unit, spec.title, reading, side, n)


def single_result(name: str, step: str, value: float, spread: float, mirrored: bool) -> Result:
    """A measure that is one number for a whole step (a hold time, a sway), with its own spread."""
    spec = SPECS[name]
    unc = _uncertainty(spec, value, spread, mirrored)
    reading, side = read(spec, value, unc)
    return Result(name, step, value, unc, spec.unit, spec.title, reading, side, 1 if math.isfinite(value) else 0)


def weaker_side(results: Iterable[Result]) -> str | None:
    """The side the balance and squat measures point at, when they agree; ``None`` when none clearly does.

    More sway on one leg, or a knee caving in further on one side, are the usual signs that side is
    the weaker one; a measure within its uncertainty says nothing.
    """
    votes = [r.side for r in results
             if r.side and r.name in ("stance_sway_diff_cm", "squat_knee_inward_diff_cm")]
    if not votes or len(set(votes)) > 1:
        return None
    return votes[0]
