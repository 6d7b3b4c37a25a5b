"""Finding, reading and validating exercise and calibration files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path
from pydantic import ValidationError

from formcheck.errors import ExerciseError
from formcheck.judge.exercises.calibration_file import CalibrationFile
from formcheck.judge.exercises.conditions import Condition
from formcheck.judge.exercises.exercise import Exercise, Threshold
from formcheck.judge.exercises.exercise_file import ExerciseFile, name_key
from formcheck.judge.exercises.landmark_refs import SIDES
from formcheck.judge.exercises.names import NameIndex
from formcheck.judge.exercises.validation_errors import format_validation_error

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


PROFILES_ENV = "FORMCHECK_PROFILES"
"""Environment variable naming the user's profile folder (tests point it at a temporary folder)."""


@dataclass(frozen=True)
class DataDirs:
    poses: tuple[Path, ...]
    calibration: tuple[Path, ...]
    profiles: tuple[Path, ...] = ()  # each holds <profile name>/<exercise>.toml; the first is the user's own


def user_profiles_dir() -> Path:
    """Where ``formcheck calibrate`` writes a person's profiles: ``$FORMCHECK_PROFILES``, else the
    user's data directory (``platformdirs``), so a profile survives reinstalling the package."""
    override = os.environ.get(PROFILES_ENV)
    if override:
        return Path(override).expanduser()
    return user_data_path("formcheck", appauthor=False) / "profiles"


def data_dirs() -> DataDirs:
    """Where exercise, calibration and profile files are looked up, first match wins.

    Profiles: the user's own folder first (:func:`user_profiles_dir`), then the examples shipped in
    ``calibration/profiles/``.
    """
    root = packaged_data_root()
    return DataDirs(poses=(root / "poses",), calibration=(root / "calibration",),
                    profiles=(user_profiles_dir(), root / "calibration" / "profiles"))


def packaged_data_root() -> Path:
    """The folder holding the exercise files (``poses/``) and thresholds (``calibration/``) that
    ship inside the package. In a clone they are the repository's top-level folders, linked into
    the package; a built wheel carries copies, so an installed formcheck never needs the clone."""
    # Installed from a wheel or a clone, the package is a directory on disk, never a zip.
    return Path(str(resources.files("formcheck")))


def find_profile(profile: str | Path, exercise: str, calibration_dir: str | Path | None = None) -> Path:
    """The profile file for ``exercise``: ``profile`` itself when it is a ``.toml`` path, else
    ``<dir>/<profile>/<exercise>.toml`` in the profile folders of :func:`data_dirs` (or, when
    ``calibration_dir`` is given, in ``<calibration_dir>/profiles`` and ``<calibration_dir>`` only).

    The one place where profile names are resolved.
    """
    if str(profile).endswith(".toml"):
        path = Path(profile)
        if not path.is_file():
            raise ExerciseError(f"{path}: calibration profile not found")
        return path
    name = str(profile).strip()
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ExerciseError(f"invalid profile name {name!r}: use letters, digits, '-' or '_', or a .toml path")
    if calibration_dir is not None:
        roots: tuple[Path, ...] = (Path(calibration_dir) / "profiles", Path(calibration_dir))
    else:
        # The bare calibration folder is kept as a last resort for profiles made before profiles/ existed.
        roots = data_dirs().profiles + data_dirs().calibration
    found = _find(tuple(r / name for r in roots), f"{exercise}.toml")
    if found is None:
        raise ExerciseError(f"no calibration profile {name!r} for exercise {exercise!r} (looked in "
                            + ", ".join(str(r / name) for r in roots) + ")")
    return found


@dataclass(frozen=True)
class ExerciseInfo:
    name: str  # what load_exercise() accepts, e.g. "side_plank_left"
    title: str
    view: str
    target: str  # "hold 60-120 s" or "8-12 reps"
    path: Path
    aliases: tuple[str, ...] = ()  # everyday names that also lead to it, e.g. ("plank",)


def _read_toml(path: Path, what: str) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ExerciseError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseError(f"{path}: {what} is not valid TOML: {exc}") from None


def _validate(model, raw: dict, path: Path, label: str):
    """``model.model_validate(raw)``; a failure becomes one ExerciseError naming file, label and fields."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ExerciseError(format_validation_error(exc, path, label, raw)) from None


def read_exercise_file(path: Path) -> ExerciseFile:
    """Parse and validate one exercise file; errors name the file, exercise and field."""
    raw = _read_toml(path, "exercise file")
    label = f"exercise {raw.get('name', path.stem)!r}"
    spec = _validate(ExerciseFile, raw, path, label)
    if spec.name != path.stem:
        raise ExerciseError(f"{path}: invalid {label}:\n  field name: expected the file's name "
                            f"{path.stem!r}, got {spec.name!r}")
    return spec


def read_calibration(path: Path, spec: ExerciseFile, *, partial: bool = False,
                     clip: bool = False) -> dict[str, Threshold]:
    """Thresholds from one calibration file, checked against what ``spec`` declares.

    A default calibration (``partial=False``) must set every declared threshold; a profile may set
    only some. A value outside the exercise's safety bounds is an error, unless ``clip`` (profiles):
    then it is clipped to the bound and the threshold remembers what was asked
    (:meth:`Threshold.clip_note`), so no calibration can make an unsafe position pass.
    """
    raw = _read_toml(path, "calibration file")
    label = f"calibration of exercise {spec.name!r}"
    cal = _validate(CalibrationFile, raw, path, label)
    problems = []
    if cal.exercise != spec.name:
        problems.append(f"field exercise: expected {spec.name!r}, got {cal.exercise!r}")
    for name in sorted(set(cal.thresholds) - set(spec.thresholds)):
        problems.append(f"field thresholds.{name}: not a threshold of this exercise, so no check or condition "
                        f"uses it (unused threshold); expected one of {sorted(spec.thresholds)}")
    if not partial:
        for name in sorted(set(spec.thresholds) - set(cal.thresholds)):
            problems.append(f"field thresholds.{name}: missing (every declared threshold needs a value)")
    out = {}
    for name, entry in cal.thresholds.items():
        decl = spec.thresholds.get(name)
        if decl is None:
            continue
        lo, hi = decl.bounds
        value, requested = entry.value, None
        if not lo <= entry.value <= hi:
            if clip:
                value, requested = min(max(entry.value, lo), hi), entry.value
            else:
                problems.append(f"field thresholds.{name}.value: expected a number within the safety bounds "
                                f"[{lo}, {hi}], got {entry.value}")
        out[name] = Threshold(name=name, value=value, unit=decl.unit, bounds=decl.bounds, about=decl.about,
                              source=entry.source, origin="profile" if partial else "default", path=path,
                              requested=requested)
    if problems:
        raise ExerciseError(f"{path}: invalid {label}:\n  " + "\n  ".join(problems))
    return out


# Fields that say which limit a condition applies, not what it measures (see _limit_pairs).
_NOT_MEASURED = frozenset({"id", "cue", "min", "max", "unit"})


def _limit_pairs(spec: ExerciseFile) -> Iterator[tuple[str, str, str]]:
    """``(min threshold, max threshold, what)`` for every pair of limits ``spec`` applies together to
    one measurement, so that a minimum above the maximum would fail every frame (or never be met).

    Checks and entry conditions are all applied at once; the conditions of one rep phase likewise.
    Two of them measure the same thing when every field but ``id``, ``cue``, ``min`` and ``max`` is
    equal (same kind, points, ``during``, ``relative_to``...). Conditions of different rep phases are
    left out: a "down" maximum is meant to lie below an "up" minimum.
    """
    groups: list[tuple[str, tuple[Condition, ...]]] = [("an entry condition", spec.entry.conditions),
                                                        ("", spec.checks)]
    for phase in spec.reps.phases if spec.reps else ():
        groups.append((f"a {phase.name!r} phase condition", phase.conditions))
    # Checks and entry conditions apply together, so they are compared with each other.
    applied_together = [[*groups[0:2]], *([g] for g in groups[2:])]
    for together in applied_together:
        by_measure: dict[str, list[tuple[str, Condition]]] = {}
        for role, conditions in together:
            for cond in conditions:
                who = f"check {cond.id!r}" if cond.id else role
                by_measure.setdefault(repr(cond.model_dump(exclude=set(_NOT_MEASURED))), []).append((who, cond))
        for same in by_measure.values():
            for low_who, low in same:
                for high_who, high in same:
                    if low.min is None or high.max is None:
                        continue
                    what = (f"{low_who} limits its {low.kind} both ways" if low is high
                            else f"{low_who} and {high_who} limit the same {low.kind}")
                    yield low.min, high.max, what
                    # A variant's limits stand in for the exercise's own while it is performed.
                    for variant in spec.variants:
                        swap = variant.thresholds
                        if low.min in swap or high.max in swap:
                            yield (swap.get(low.min, low.min), swap.get(high.max, high.max),
                                   f"{what} (variant {variant.name!r})")


def check_limit_order(spec: ExerciseFile, thresholds: dict[str, Threshold]) -> None:
    """Refuse thresholds in force whose minimum lies above the maximum it is paired with
    (:func:`_limit_pairs`); the error names the file that set the offending value (a profile when
    one set either) and the field."""
    for low_name, high_name, what in _limit_pairs(spec):
        low, high = thresholds.get(low_name), thresholds.get(high_name)
        if low is None or high is None or low.value <= high.value:
            continue
        blamed = low if low.origin == "profile" or high.origin != "profile" else high
        other = high if blamed is low else low
        asked = f" (asked {blamed.requested:g}, clipped to its safety bound)" if blamed.clipped else ""
        side = "at most" if blamed is low else "at least"
        raise ExerciseError(
            f"{blamed.path}: invalid calibration of exercise {spec.name!r}:\n  field thresholds.{blamed.name}.value: "
            f"expected {side} {other.name} = {other.value:g} (from {other.path}), got {blamed.value:g}{asked}; "
            f"{what}, so with {low_name} above {high_name} no frame can pass")


def _find(dirs: tuple[Path, ...], filename: str) -> Path | None:
    for d in dirs:
        candidate = d / filename
        if candidate.is_file():
            return candidate
    return None


def _exercise_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in data_dirs().poses:
        if d.is_dir():
            for path in sorted(d.glob("*.toml")):
                found.setdefault(path.stem, path)
    return found


def name_index() -> NameIndex:
    """Every valid exercise file, with its names and aliases (checked against each other)."""
    return _read_library()[0]


def _read_library() -> tuple[NameIndex, dict[str, ExerciseError]]:
    """The index of the exercise files that read and validate, and why each other one does not (by
    file name): one broken file must not hide the rest of the library."""
    paths = _exercise_files()
    specs: dict[str, ExerciseFile] = {}
    broken: dict[str, ExerciseError] = {}
    for name, path in paths.items():
        try:
            specs[name] = read_exercise_file(path)
        except ExerciseError as exc:
            broken[name] = exc
    return NameIndex(specs, {n: paths[n] for n in specs}), broken


def _one_line(message: str) -> str:
    """``"file: invalid X:\\n  field a: ...\\n  field b: ..."`` as ``"file: invalid X: field a: ...; field b: ..."``."""
    head, _, fields = message.partition(":\n  ")
    if not fields:
        return message
    return head + ": " + "; ".join(fields.split("\n  "))


def _broken_one(typed: str, broken: dict[str, ExerciseError]) -> ExerciseError | None:
    """The error of the broken exercise file ``typed`` names (its file name, with or without a side)."""
    key = name_key(typed)
    for name, exc in broken.items():
        if key == name or key in (f"{name}_{side}" for side in SIDES):
            return exc
    return None


def load_exercise(name_or_path: str | Path, calibration_dir: str | Path | None = None,
                  profile: str | Path | None = None) -> Exercise:
    """Load an exercise by name (``"wall_sit"``, ``"side_plank_left"``) or from a ``.toml`` path.

    A one-sided exercise named without a side (``"side_plank"``, ``"bird dog"``) is judged on
    whichever side is performed, each rep or hold going to its side (``Exercise.both_sides``).

    A name is matched ignoring case, surrounding spaces, hyphens and underscores (``"Wall-Sit"``), and
    may be an alias the exercise file declares (``"plank"``); see :class:`NameIndex`.

    Thresholds come from ``<calibration_dir>/<exercise>.toml`` (default: the shipped calibration).
    ``profile`` overrides some of them: a path to a calibration file, or a name looked up by
    :func:`find_profile`. Profile values outside the safety bounds are clipped to them.
    """
    text = str(name_or_path)
    side = None
    if text.endswith(".toml") or isinstance(name_or_path, Path):
        path = Path(name_or_path)
        spec = read_exercise_file(path)
    else:
        index, broken = _read_library()
        problem = _broken_one(text, broken)
        if problem is not None:
            raise problem
        found = index.resolve(text)
        path, spec, side = index.paths[found.name], index.specs[found.name], found.side
    if side is not None and side not in spec.sides:
        raise ExerciseError(f"exercise {spec.name!r} has no {side} variant")

    cal_dirs = (Path(calibration_dir),) if calibration_dir is not None else data_dirs().calibration
    cal_path = _find(cal_dirs, f"{spec.name}.toml")
    if cal_path is None:
        raise ExerciseError(f"no calibration for exercise {spec.name!r}: expected {spec.name}.toml in "
                            + ", ".join(str(d) for d in cal_dirs))
    thresholds = read_calibration(cal_path, spec)
    if profile is not None:
        prof = find_profile(profile, spec.name, calibration_dir)
        thresholds.update(read_calibration(prof, spec, partial=True, clip=True))
    check_limit_order(spec, thresholds)
    return Exercise(spec, thresholds, side=side, path=path, calibration_path=cal_path)  # type: ignore[arg-type]


def list_exercises(on_skipped: Callable[[str], None] | None = None) -> list[ExerciseInfo]:
    """Every exercise that can be loaded, sorted by name: a one-sided exercise both sides at once
    (its own name) and per side.

    An exercise file that does not read or validate is left out, and ``on_skipped`` is called with
    one line naming it and its problem (front ends print it; the library never does).
    """
    out = []
    index, broken = _read_library()
    for exc in broken.values():
        if on_skipped is not None:
            on_skipped(f"skipped a broken exercise file: {_one_line(str(exc))}")
    for name, spec in index.specs.items():
        if spec.hold:
            target = f"hold {spec.hold.min_s:g}-{spec.hold.max_s:g} s"
        else:
            assert spec.reps is not None
            target = f"{spec.reps.min_count}-{spec.reps.max_count} reps"
        for side in (None, *spec.sides):
            out.append(ExerciseInfo(
                name=f"{name}_{side}" if side else name,
                title=f"{spec.title} ({side})" if side else f"{spec.title}{' (both sides)' if spec.sides else ''}",
                view=spec.view.kind, target=target, path=index.paths[name], aliases=spec.aliases,
            ))
    return sorted(out, key=lambda i: i.name)
