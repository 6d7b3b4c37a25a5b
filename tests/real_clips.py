"""The real-clip acceptance expectations (tests/real_clips.toml) and how a scored clip is held to them.

Shared by tests/test_acceptance_real.py and benchmarks/acceptance.py. It reads only report.json's
content (a dict, as ``formcheck score`` writes it) and the exerciser's hips, so the benchmark can hold
any checkout's output to the same expectations. No formcheck import: an old checkout is judged by
the current expectations.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

TOML = Path(__file__).with_name("real_clips.toml")
# A label boundary between two segments is read by eye (README) or by a labeller's frame pick: a
# span in which nothing may be valid is pulled in this far from each such boundary.
BOUNDARY_S = 0.5
HOLD_TOL_S = 1.0
REPS_TOL = 1
# BlazePose indices of the shoulders and hips.
_SHOULDERS, _HIPS = (11, 12), (23, 24)
# Posture-CSV labels: the standing / correct phase, and segments that are not the exercise.
_CORRECT, _NOT_IN = "c", "i"
ASPECTS = ("hold", "reps", "excluded", "exerciser")


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float
    why: str


@dataclass(frozen=True)
class Region:
    """Where the exerciser's hips stay during ``start_s..end_s`` (fractions of the image)."""

    start_s: float
    end_s: float
    x_low: float
    x_high: float
    min_torso: float


@dataclass(frozen=True)
class Clip:
    path: str
    exercise: str
    old_names: tuple[str, ...]
    record: dict
    about: str
    hold_s: float | None = None
    hold_tol_s: float = HOLD_TOL_S
    reps: tuple[int, int] | None = None
    reps_tol: int = REPS_TOL
    reps_min: int | None = None
    per_side: int | None = None
    good_reps: int | None = None
    bad_reps: int | None = None
    excluded: tuple[Span, ...] = ()
    exerciser: tuple[Region, ...] = ()
    not_an_exercise: str | None = None
    posture_labels: str | None = None  # kept only when the clips are listed without the data

    @property
    def id(self) -> str:
        return self.path.removeprefix("videos/").rsplit(".", 1)[0]

    def asserts(self, aspect: str) -> bool:
        """Whether this clip has an expectation of ``aspect`` (one of ``ASPECTS``)."""
        if self.posture_labels is not None:  # listed without the data: what its CSV will give
            plank = "plank" in self.posture_labels
            return {"hold": plank, "reps": not plank, "excluded": True, "exerciser": False}[aspect]
        return {"hold": self.hold_s is not None,
                "reps": any(v is not None for v in (self.reps, self.reps_min, self.per_side, self.good_reps,
                                                    self.bad_reps)),
                "excluded": bool(self.excluded), "exerciser": bool(self.exerciser)}[aspect]


def _segments(csv_path: Path, video: str) -> list[tuple[float, float, str]]:
    with csv_path.open(newline="") as fh:
        rows = [(float(r["start_s"]), float(r["end_s"]), r["label"]) for r in csv.DictReader(fh) if r["video"] == video]
    if not rows:
        raise ValueError(f"{csv_path}: expected rows for {video}, got none")
    return sorted(rows)


def _trimmed(start_s: float, end_s: float, first: bool, last: bool, why: str) -> list[Span]:
    """``start_s..end_s`` pulled in by BOUNDARY_S wherever it meets another segment (not the clip's ends)."""
    s = start_s if first else start_s + BOUNDARY_S
    e = end_s if last else end_s - BOUNDARY_S
    return [Span(round(s, 3), round(e, 3), why)] if e > s else []


def _plank_expectations(rows) -> dict:
    """Hold: the seconds labelled correct. Nothing valid in hips-high, hips-low or not-planking segments."""
    excluded = []
    for k, (s, e, label) in enumerate(rows):
        if label != _CORRECT:
            why = {"h": "labelled hips high", "l": "labelled hips low", "i": "labelled not planking"}[label]
            excluded += _trimmed(s, e, k == 0, k == len(rows) - 1, why)
    return {"hold_s": round(sum(e - s for s, e, label in rows if label == _CORRECT), 2), "excluded": excluded}


def _squat_expectations(rows) -> dict:
    """Reps: one per descent (a run of segments that are neither standing nor not-squatting); good reps:
    descents labelled only ``cx``. Nothing valid before the first descent or in not-squatting segments."""
    descents: list[list[str]] = []
    first_s = None
    previous = None
    for s, _, label in rows:
        if label not in (_CORRECT, _NOT_IN):
            if previous in (None, _CORRECT, _NOT_IN):
                descents.append([])
                first_s = s if first_s is None else first_s
            descents[-1].append(label)
        previous = label
    excluded = _trimmed(0.0, first_s, True, False, "before the first descent (set-up)")
    for k, (s, e, label) in enumerate(rows):
        if label == _NOT_IN and s > first_s:
            excluded += _trimmed(s, e, False, k == len(rows) - 1, "labelled not squatting")
    good = sum(all(label == "cx" for label in d) for d in descents)
    return {"reps": (len(descents), len(descents)), "good_reps": good, "excluded": excluded}


def load_clips(data_root: Path | None, toml_path: Path = TOML) -> list[Clip]:
    """Every [[clip]] of the file, posture-labelled clips completed from their CSV under ``data_root``
    (``None``: listed as they are, for choosing test cases before the data is known to be there)."""
    raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    clips = []
    for entry in raw["clip"]:
        entry = dict(entry)
        derived: dict = {}
        if "posture_labels" in entry and data_root is not None:
            csv_path = data_root / entry.pop("posture_labels")
            rows = _segments(csv_path, Path(entry["path"]).name)
            derived = _plank_expectations(rows) if "plank" in csv_path.name else _squat_expectations(rows)
        reps = entry.pop("reps", None)
        if reps is not None:
            entry["reps"] = tuple(reps) if isinstance(reps, list) else (reps, reps)
        entry["excluded"] = tuple(derived.pop("excluded", [])) + tuple(Span(*x) for x in entry.get("excluded", []))
        entry["exerciser"] = tuple(Region(*x) for x in entry.get("exerciser", []))
        entry["old_names"] = tuple(entry.get("old_names", ()))
        clips.append(Clip(**{**entry, **derived}))
    return clips


# --- measuring a scored clip ------------------------------------------------------------------------

def seconds_in(report: dict, state: str, start_s: float, end_s: float) -> float:
    """Seconds of ``start_s..end_s`` the report's frames spent in ``state`` (each lasts until the next)."""
    frames = report["frames"]
    ends = [f["t_s"] for f in frames[1:]] + [report["duration_s"]]
    return sum(max(0.0, min(end, end_s) - max(f["t_s"], start_s))
               for f, end in zip(frames, ends) if f["state"] == state)


def hip_track(t_s: np.ndarray, xy_norm: np.ndarray, detected: np.ndarray, width: int, height: int) -> np.ndarray:
    """``(n, 3)``: time, hip-centre x (fraction of the width), shoulder-hip length (fraction of the height)
    of every frame in which a person was detected and both hips are placed."""
    hips = xy_norm[:, _HIPS, :2].mean(axis=1)
    shoulders = xy_norm[:, _SHOULDERS, :2].mean(axis=1)
    torso = np.hypot((shoulders[:, 0] - hips[:, 0]) * width, (shoulders[:, 1] - hips[:, 1]) * height) / height
    keep = detected.astype(bool) & np.isfinite(hips).all(axis=1)
    return np.column_stack([t_s[keep], hips[keep, 0], torso[keep]])


@dataclass
class Measured:
    valid_s: float
    reps: int | None
    per_side: dict[str, int] | None
    good_reps: int | None
    excluded_valid: list[tuple[Span, float]]
    swaps: list[tuple[float, float, float]] = field(default_factory=list)
    note: str = ""

    @property
    def excluded_valid_s(self) -> float:
        return sum(v for _, v in self.excluded_valid)


def measure(clip: Clip, report: dict, hips: np.ndarray | None) -> Measured:
    reps = report.get("reps")
    sides = report.get("sides")
    per_side = None if not sides else {side: int(v["reps"] or 0) for side, v in sides.items()}
    swaps = []
    if hips is not None:
        for region in clip.exerciser:
            inside = (hips[:, 0] >= region.start_s) & (hips[:, 0] < region.end_s)
            for t, x, torso in hips[inside]:
                nan_torso = math.isnan(torso)
                if not region.x_low <= x <= region.x_high or (not nan_torso and torso < region.min_torso):
                    swaps.append((float(t), float(x), float(torso)))
    return Measured(
        valid_s=float(report["valid_s"]),
        reps=None if reps is None else int(reps["count"]),
        per_side=per_side,
        good_reps=None if reps is None else int(reps["good"]),
        excluded_valid=[(span, seconds_in(report, "valid", span.start_s, span.end_s)) for span in clip.excluded],
        swaps=swaps)


def misses(clip: Clip, m: Measured) -> dict[str, str]:
    """``aspect -> what was expected and what was measured`` for every expectation the clip misses."""
    out: dict[str, str] = {}
    if clip.hold_s is not None and not abs(m.valid_s - clip.hold_s) <= clip.hold_tol_s:
        out["hold"] = f"valid {m.valid_s:.2f} s, expected {clip.hold_s:.2f} +- {clip.hold_tol_s:.1f} s"
    rep_misses = []
    count = m.reps or 0
    if clip.reps is not None and not clip.reps[0] - clip.reps_tol <= count <= clip.reps[1] + clip.reps_tol:
        rep_misses.append(f"{count} reps, expected {_range(clip.reps)} +- {clip.reps_tol}")
    if clip.reps_min is not None and count < clip.reps_min:
        rep_misses.append(f"{count} reps, expected at least {clip.reps_min}")
    if clip.per_side is not None:
        sides = m.per_side or {}
        if set(sides) != {"left", "right"} or any(abs(n - clip.per_side) > clip.reps_tol for n in sides.values()):
            rep_misses.append(f"per side {sides}, expected {clip.per_side} +- {clip.reps_tol} each")
    good = m.good_reps or 0
    if clip.good_reps is not None and abs(good - clip.good_reps) > clip.reps_tol:
        rep_misses.append(f"{good} good reps, expected {clip.good_reps} +- {clip.reps_tol}")
    if clip.bad_reps is not None and abs((count - good) - clip.bad_reps) > clip.reps_tol:
        rep_misses.append(f"{count - good} faulted reps, expected {clip.bad_reps} +- {clip.reps_tol}")
    if rep_misses:
        out["reps"] = "; ".join(rep_misses)
    bad_spans = [f"{v:.2f} s valid in {s.start_s:g}-{s.end_s:g} s ({s.why})" for s, v in m.excluded_valid if v > 0]
    if bad_spans:
        out["excluded"] = "; ".join(bad_spans)
    if m.swaps:
        t, x, torso = m.swaps[0]
        out["exerciser"] = (f"{len(m.swaps)} frames off the exerciser, first at {t:.2f} s "
                            f"(hips x {x:.2f}, torso {torso:.2f} of the height)")
    return out


def _range(reps: tuple[int, int]) -> str:
    return str(reps[0]) if reps[0] == reps[1] else f"{reps[0]}-{reps[1]}"


def expected_reps_text(clip: Clip) -> str:
    parts = []
    if clip.reps is not None:
        parts.append(_range(clip.reps))
    if clip.reps_min is not None:
        parts.append(f">={clip.reps_min}")
    if clip.per_side is not None:
        parts.append(f"{clip.per_side}/{clip.per_side}")
    if clip.good_reps is not None:
        parts.append(f"good {clip.good_reps}")
    if clip.bad_reps is not None:
        parts.append(f"faulted {clip.bad_reps}")
    return ", ".join(parts)
