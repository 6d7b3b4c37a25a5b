"""Finding, reading and validating routine files, against the exercises they name.

A routine is given as a path to a ``.toml`` file or by the name of an example shipped in the
package (``formcheck routine list``). Every problem becomes one :class:`RoutineError` naming the
file, the step (number and exercise as written) and the field.

Targets and the exercises' own limits: a step may ask for less than the exercise file's usual
minimum (a therapist starts a wall sit at 30 s when the goal is 60-120 s, and the progression
rule raises it), but never more than the exercise's maximum (``hold_max_s``, or ``max_count``
reps): that maximum is the longest or most the exercise file considers sensible, so a
ten-minute wall sit is refused, and so is a progression whose ``up_to`` goes beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from formcheck.errors import ExerciseError
from formcheck.judge.exercises import load_exercise
from formcheck.judge.exercises.exercise_file import ExerciseFile, name_key
from formcheck.judge.exercises.library import name_index
from formcheck.judge.exercises.validation_errors import field_problem
from formcheck.routines.errors import RoutineError
from formcheck.routines.routine_file import RoutineFile, StepSpec

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

EXAMPLES_PACKAGE = "formcheck.routines"


@dataclass(frozen=True)
class RoutineStep:
    """One step of a routine, its exercise found: what to do, how much, how often."""

    number: int                       # 1-based, as the therapist counts
    written: str                      # the exercise as the file names it
    exercise: str                     # the exercise file's name, e.g. "bird_dog"
    title: str                        # e.g. "Bird dog"
    sides: tuple[str | None, ...]     # (None,) for an exercise done on both sides at once
    spec: StepSpec
    usual: tuple[float, float]        # the exercise file's own target range, in the step's unit

    @property
    def unit(self) -> str:
        return self.spec.unit

    def exercise_name(self, side: str | None) -> str:
        """What ``load_exercise`` and the history call one side of it, e.g. ``bird_dog_left``."""
        return f"{self.exercise}_{side}" if side else self.exercise

    @property
    def label(self) -> str:
        return f"step {self.number} ({self.written})"


@dataclass(frozen=True)
class Routine:
    name: str
    notes: str
    steps: tuple[RoutineStep, ...]
    path: Path


# -- finding -----------------------------------------------------------------------------------

def examples_dir() -> Path:
    """The example routines shipped inside the package."""
    # Installed from a wheel or a clone, the package is a directory on disk, never a zip.
    return Path(str(resources.files(EXAMPLES_PACKAGE))) / "examples"


def example_routines() -> dict[str, Path]:
    """Example name (``wall-sit-progression``) -> its file, sorted by name."""
    return {p.stem.replace("_", "-"): p for p in sorted(examples_dir().glob("*.toml"))}


def find_routine(name_or_path: str | Path) -> Path:
    """A routine file's path: ``name_or_path`` itself when it is a file or ends in ``.toml``, else
    the example of that name (compared ignoring case, spaces, hyphens and underscores)."""
    text = str(name_or_path)
    path = Path(text)
    if path.is_file() or text.endswith(".toml") or isinstance(name_or_path, Path):
        if not path.is_file():
            raise RoutineError(f"{path}: routine file not found")
        return path
    examples = example_routines()
    wanted = name_key(text)
    for name, example in examples.items():
        if name_key(name) == wanted:
            return example
    raise RoutineError(f"no routine file or example routine named {text!r} (examples: {', '.join(examples)}; "
                       "or give the path of a .toml file)")


# -- reading -----------------------------------------------------------------------------------

def read_routine(name_or_path: str | Path) -> Routine:
    """Read, validate and resolve a routine; a :class:`RoutineError` on the first problem found."""
    path = find_routine(name_or_path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise RoutineError(f"{path}: cannot read the routine file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RoutineError(f"{path}: the routine file is not valid TOML: {exc}") from None
    try:
        spec = RoutineFile.model_validate(raw)
    except ValidationError as exc:
        raise RoutineError(_describe(exc, path, raw)) from None
    index = name_index()
    steps = tuple(_resolve_step(i + 1, step, path, index) for i, step in enumerate(spec.steps))
    return Routine(spec.name, spec.notes, steps, path)


def _resolve_step(number: int, step: StepSpec, path: Path, index) -> RoutineStep:
    where = f"{path}: step {number} ({step.exercise})"

    def fail(field: str, problem: str) -> RoutineError:
        return RoutineError(f"{where}, field {field}: {problem}")

    _check_target(step, fail)
    try:
        found = index.resolve(step.exercise)
    except ExerciseError as exc:
        raise fail("exercise", str(exc)) from None
    exercise: ExerciseFile = index.specs[found.name]
    sides = _sides(exercise, found.side, step, fail)
    if exercise.hold is not None:
        kind, usual, unit_text = "hold_s", (exercise.hold.min_s, exercise.hold.max_s), "s"
    else:
        assert exercise.reps is not None
        kind, usual, unit_text = "reps", (float(exercise.reps.min_count), float(exercise.reps.max_count)), "reps"
    given = "hold_s" if step.hold_s is not None else "reps"
    if given != kind:
        how = "held for a time: expected hold_s = seconds" if kind == "hold_s" else \
            "counted in repetitions: expected reps = a whole number"
        raise fail(given, f"{exercise.title} is {how}, not {given}")
    limit = f"the exercise's own maximum ({exercise.title}: {usual[0]:g}-{usual[1]:g} {unit_text})"
    if step.target > usual[1]:
        raise fail(kind, f"expected at most {usual[1]:g} {unit_text}, {limit}, got {step.target:g}")
    if step.progression is not None and step.progression.up_to > usual[1]:
        field = f"progression.up_to_{step.unit}"
        raise fail(field, f"expected at most {usual[1]:g} {unit_text}, {limit}, got {step.progression.up_to:g}")
    for side in sides:
        name = f"{found.name}_{side}" if side else found.name
        try:
            load_exercise(name, profile=step.profile)
        except ExerciseError as exc:
            raise fail("profile" if step.profile else "exercise", str(exc)) from None
    return RoutineStep(number, step.exercise, found.name, exercise.title, sides, step, usual)


def _check_target(step: StepSpec, fail) -> None:
    """One target, and a progression in its unit that starts no higher than it ends."""
    if step.hold_s is not None and step.reps is not None:
        raise fail("hold_s", "expected one target, hold_s (a hold) or reps (a rep exercise), got both hold_s and reps")
    if step.hold_s is None and step.reps is None:
        raise fail("hold_s", "missing: expected a target, hold_s = seconds (a hold) or reps = N (a rep exercise)")
    rule = step.progression
    if rule is None:
        return
    if rule.unit != step.unit:
        want = "raise_by_s and up_to_s" if step.unit == "s" else "raise_by_reps and up_to_reps"
        got = "raise_by_s and up_to_s" if rule.unit == "s" else "raise_by_reps and up_to_reps"
        target = "hold_s" if step.unit == "s" else "reps"
        raise fail("progression", f"expected {want} for a step with {target} (the target's unit), got {got}")
    if rule.up_to < step.target:
        raise fail(f"progression.up_to_{step.unit}", f"expected at least the starting target {step.target:g}, "
                                                     f"got {rule.up_to:g}")


def _sides(exercise: ExerciseFile, named: str | None, step: StepSpec, fail) -> tuple[str | None, ...]:
    if not exercise.sides:
        if step.side is not None:
            raise fail("side", f"{exercise.title} is not done one side at a time: expected no side, "
                               f"got {step.side!r}")
        return (None,)
    if named is not None:
        if step.side is not None and step.side != named:
            raise fail("side", f"the exercise name already says {named!r}: expected no side or {named!r}, "
                               f"got {step.side!r}")
        return (named,)
    if step.side is None:
        raise fail("side", f"{exercise.title} is done one side at a time: expected side = "
                           + ", ".join(repr(s) for s in exercise.sides) + " or 'both'")
    return tuple(exercise.sides) if step.side == "both" else (step.side,)


def _describe(exc: ValidationError, path: Path, raw: Any) -> str:
    """Pydantic's report as lines naming the file, the step (number and exercise) and the field."""
    name = raw.get("name") if isinstance(raw, dict) else None
    head = f"{path}: invalid routine" + (f" {name!r}" if isinstance(name, str) else "")
    lines = []
    for e in exc.errors(include_url=False):
        loc = tuple(e["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            step_raw = raw.get("steps", [])
            step = step_raw[loc[1]] if isinstance(step_raw, list) and loc[1] < len(step_raw) else None
            exercise = step.get("exercise") if isinstance(step, dict) else None
            where = f"step {loc[1] + 1}" + (f" ({exercise})" if isinstance(exercise, str) else "")
            loc = loc[2:]
        field = ".".join(str(p) for p in loc)
        where = ", ".join(p for p in (where, f"field {field}" if field else "") if p) or "(top level)"
        lines.append(f"{where}: {field_problem(e)}")
    if len(lines) == 1:
        return f"{head}: {lines[0]}"
    return head + ":\n  " + "\n  ".join(lines)
