"""An exercise ready to judge frames: a validated file, its calibrated thresholds and one side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.judge.exercises import views
from formcheck.judge.exercises.checks import CannotSee, CompiledCondition, Scene, compile_condition, measure
from formcheck.judge.exercises.conditions import Condition
from formcheck.judge.exercises.evaluation import CheckResult, EvalContext, Evaluation, Status, bound_or_none
from formcheck.judge.exercises.exercise_file import ExerciseFile, RepSpec
from formcheck.judge.exercises.landmark_refs import SIDES, Side, resolve
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    unit: str
    bounds: tuple[float, float]  # safety bounds declared by the exercise file
    about: str
    source: str  # where the calibrated value came from
    origin: str = "default"  # "default" (the exercise's calibration file) or "profile"
    path: Path | None = None  # the calibration or profile file the value was read from
    requested: float | None = None  # what a profile asked for, when it lay outside the safety bounds

    @property
    def clipped(self) -> bool:
        return self.requested is not None

    def clip_note(self) -> str | None:
        """``"hip_above_line_max 0.25 clipped to safety bound 0.2"`` when a profile was clipped."""
        if self.requested is None:
            return None
        return f"{self.name} {self.requested:g} clipped to safety bound {self.value:g}"


@dataclass(frozen=True)
class CheckInfo:
    """A check as declared: what it measures, its thresholds and cue (for listings and drawing)."""

    id: str
    cue: str
    kind: str
    unit: str
    min: Threshold | None
    max: Threshold | None
    refs: tuple[str, ...]  # landmark references as written (side-neutral names allowed)
    during: tuple[str, ...]
    spec: Condition = field(repr=False)

    def landmarks(self, side: Side) -> tuple[Landmark, ...]:
        """The landmarks the check covers when ``side`` is evaluated."""
        return tuple(dict.fromkeys(resolve(r, side) for r in self.refs))


@dataclass(frozen=True)
class VariantInfo:
    """A variant as declared (``[[variants]]``): its name, title and the thresholds it puts in force
    in place of the exercise's own (by the name of the threshold replaced)."""

    name: str
    title: str
    about: str
    thresholds: Mapping[str, Threshold]


@dataclass(frozen=True)
class _CompiledVariant:
    name: str
    when: tuple[CompiledCondition, ...]
    checks: tuple[CompiledCondition, ...]  # the exercise's checks with the variant's limits


@dataclass(frozen=True)
class _Compiled:
    required: tuple[Landmark, ...]
    forward: tuple[Landmark, Landmark] | None
    entry: tuple[CompiledCondition, ...]
    checks: tuple[CompiledCondition, ...]
    phases: tuple[tuple[str, tuple[CompiledCondition, ...]], ...]
    safety: frozenset[str]  # ids of the safety checks
    variants: tuple[_CompiledVariant, ...] = ()


class Exercise:
    """One exercise, calibrated. Build it with :func:`formcheck.judge.exercises.load_exercise`."""

    def __init__(self, spec: ExerciseFile, thresholds: Mapping[str, Threshold], *, side: Side | None = None,
                 path: Path | None = None, calibration_path: Path | None = None) -> None:
        self.spec = spec
        self.side = side
        self.name = f"{spec.name}_{side}" if side else spec.name
        # A one-sided exercise named without a side is judged on both sides (see ``both_sides``).
        self.title = f"{spec.title} ({side})" if side else \
            (f"{spec.title} (both sides)" if spec.sides else spec.title)
        self.aliases: tuple[str, ...] = spec.aliases  # everyday names that also lead to it, e.g. ("plank",)
        self.description = spec.description
        self.setup = spec.setup
        self.view = spec.view.kind
        self.path = path
        self.calibration_path = calibration_path
        self.thresholds: Mapping[str, Threshold] = dict(thresholds)
        self.hold_min_s: float | None = spec.hold.min_s if spec.hold else None
        self.hold_max_s: float | None = spec.hold.max_s if spec.hold else None
        self.reps: RepSpec | None = spec.reps
        self.checks: tuple[CheckInfo, ...] = tuple(
            CheckInfo(
                id=c.id or "", cue=c.cue or "", kind=c.kind, unit=c.unit,
                min=self.thresholds[c.min] if c.min else None,
                max=self.thresholds[c.max] if c.max else None,
                refs=c.refs(), during=c.during, spec=c,
            )
            for c in spec.checks
        )
        self.variants: tuple[VariantInfo, ...] = tuple(
            VariantInfo(v.name, v.title, v.about, {old: self.thresholds[new] for old, new in v.thresholds.items()})
            for v in spec.variants)
        self._view_limit = self.thresholds[spec.view.width_ratio].value
        # Only exercises that read a hidden far side's unsure position pay for converting them.
        self._reads_unsure = any(getattr(c, "other_hidden", None) == "unsure" for c in self.spec.all_conditions())
        self._reads_off_picture = any(c.met_if_unseen for c in self.spec.all_conditions())
        values = {name: t.value for name, t in self.thresholds.items()}
        self._compiled: dict[str, _Compiled] = {s: self._compile(s, values) for s in ((side,) if side else SIDES)}

    def __repr__(self) -> str:
        return f"Exercise({self.name!r})"

    @property
    def both_sides(self) -> bool:
        """A one-sided exercise (bird dog, clamshell, side plank) loaded without a side: each frame is
        judged for both sides and each rep or hold goes to the side performing it
        (:class:`formcheck.judge.sides.SideTally`)."""
        return bool(self.spec.sides) and self.side is None

    @property
    def needs_motion(self) -> bool:
        """Whether any condition (entry, check or rep phase) is judged on movement speed."""
        spec = self.spec
        conditions = [*spec.entry.conditions, *spec.checks]
        if spec.reps:
            conditions += [c for phase in spec.reps.phases for c in phase.conditions]
        return any(c.kind == "speed" for c in conditions)

    @property
    def needs_wall(self) -> bool:
        """Whether any check is judged against a wall (the wall stage must run on the pixels)."""
        return any(c.kind in ("wall", "wall_gap") for c in self.checks)

    def _compile(self, side: Side, values: Mapping[str, float]) -> _Compiled:
        spec = self.spec

        def comp(conds, limits: Mapping[str, float] = values) -> tuple[CompiledCondition, ...]:
            return tuple(compile_condition(c, side, limits) for c in conds)

        variants = tuple(
            _CompiledVariant(v.name, comp(v.when),
                             comp(spec.checks, {**values, **{old: values[new] for old, new in v.thresholds.items()}}))
            for v in spec.variants)
        return _Compiled(
            required=tuple(dict.fromkeys(resolve(r, side) for r in spec.required_landmarks)),
            forward=(resolve(spec.forward[0], side), resolve(spec.forward[1], side)) if spec.forward else None,
            entry=comp(spec.entry.conditions),
            checks=comp(spec.checks),
            phases=tuple((p.name, comp(p.conditions)) for p in spec.reps.phases) if spec.reps else (),
            safety=frozenset(spec.safety_checks),
            variants=variants,
        )

    def evaluate(self, frame: PoseFrame, context: EvalContext | None = None, side: Side | None = None) -> Evaluation:
        """Judge one frame. Every check passes, fails, or cannot see; nothing is guessed.

        ``side`` judges that side of the body (a both-sides exercise asks for each); by default a
        one-sided exercise judges its own side and any other the side facing the camera."""
        points = frame.xy_px.tolist()
        missing = frame.missing.tolist()
        facing = views.facing_side(frame.visibility.tolist(), frame.xyz_norm[:, 2].tolist(), missing)
        # A one-sided exercise always judges its own side; otherwise the side facing the camera,
        # which is the side MediaPipe places best.
        side = side or self.side or facing or "left"
        comp = self._compiled[side]
        verdict = views.judge_view(self.view, self._view_limit, points, missing, self.spec.view.cue)
        view_ok, view_cue = verdict.ok, verdict.cue
        if view_ok:
            hidden = [lm.name for lm in comp.required if missing[lm]]
            if hidden:
                view_ok = False
                view_cue = f"Move so the camera can see your {', '.join(n.replace('_', ' ') for n in hidden)}"

        wall = None
        if context is not None and context.wall_line is not None:
            w, h = frame.image_wh
            (x1, y1), (x2, y2) = context.wall_line
            wall = ((x1 * w, y1 * h), (x2 * w, y2 * h))
        speeds = None
        if context is not None and context.speeds_px_s is not None:
            speeds = list(context.speeds_px_s)
        unsure = None
        if self._reads_unsure and frame.unsure_xy_norm is not None:
            unsure = (frame.unsure_xy_norm * np.array(frame.image_wh, np.float32)).tolist()
        off_picture = None
        if self._reads_off_picture:
            # The gate keeps an unsure position only for landmarks inside the image: a missing landmark
            # without one is outside the picture.
            guessed = np.zeros(len(missing), bool) if frame.unsure_xy_norm is None \
                else np.isfinite(frame.unsure_xy_norm).all(axis=1)
            off_picture = (frame.missing & ~guessed).tolist()
        scene = Scene(points=points, missing=missing, forward_sign=self._forward_sign(comp, points, missing),
                      wall_line=wall, speeds=speeds, wall_gaps=context.wall_gaps if context is not None else None,
                      unsure_points=unsure, off_picture=off_picture)

        in_position = view_ok and all(_holds(c, scene) for c in comp.entry if _applies(c, scene))
        references = (context.references if context is not None else None) or {}
        phase = None
        phase_readings: list[tuple[str, float]] = []
        if in_position:
            phase = next((name for name, conds in comp.phases
                          if all(_phase_holds(c, scene, references) for c in conds)), None)
            phase_readings = _relative_readings(comp, scene)
        # The variant performed: the first whose conditions are all seen and met; a variant that
        # cannot be told (a hidden wrist) is judged as the exercise itself, never by a guess.
        variant = next((v for v in comp.variants if all(_holds(c, scene) for c in v.when)), None) \
            if in_position else None
        results, unreferenced = [], []
        for c in (variant.checks if variant is not None else comp.checks):
            if (c.spec.during and phase not in c.spec.during) or not _applies(c, scene):
                continue
            result = self._result(c, scene, view_ok, view_cue, references.get(c.spec.id or ""),
                                  (c.spec.id or "") in comp.safety)
            if c.spec.relative_to and result.id not in references:
                # Nothing to judge it against yet: left out, its reading kept to start the reference.
                if result.measured is not None:
                    unreferenced.append((result.id, result.measured))
                continue
            results.append(result)
        return Evaluation(
            exercise=self.name, in_position=in_position, view_ok=view_ok,
            side=side if self.both_sides else (facing if self.view == "side" else None), view_cue=view_cue,
            entry_cue=self.spec.entry.cue, results=tuple(results), phase=phase, unreferenced=tuple(unreferenced),
            variant=variant.name if variant is not None else None, phase_readings=tuple(phase_readings),
        )

    @staticmethod
    def _forward_sign(comp: _Compiled, points, missing) -> float | None:
        if comp.forward is None:
            return None
        a, b = comp.forward
        if missing[a] or missing[b]:
            return None
        dx = points[b][0] - points[a][0]
        return 1.0 if dx > 0 else (-1.0 if dx < 0 else None)

    @staticmethod
    def _result(c: CompiledCondition, scene: Scene, view_ok: bool, view_cue: str | None,
                reference: float | None, safety: bool) -> CheckResult:
        """The check's verdict; a ``relative_to`` check is judged as ``measured - reference`` (the
        caller leaves it out while it has no reference, keeping only ``measured``)."""
        lo, hi = bound_or_none(c.lo), bound_or_none(c.hi)
        base = dict(id=c.spec.id or "", unit=c.spec.unit, min=lo, max=hi, cue=c.spec.cue or "",
                    landmarks=c.covers, safety=safety)
        if not view_ok:
            return CheckResult(status=Status.CANNOT_SEE, value=None, reason=view_cue or "wrong view", **base)
        measured = measure(c, scene)
        if isinstance(measured, CannotSee):
            hidden = tuple(lm for lm in c.covers if scene.missing[lm])
            return CheckResult(status=Status.CANNOT_SEE, value=None, reason=measured.reason, hidden=hidden, **base)
        value = measured - reference if reference is not None else measured
        return CheckResult(status=Status.PASS if c.passes(value) else Status.FAIL, value=value, measured=measured,
                           **base)


def _applies(c: CompiledCondition, scene: Scene) -> bool:
    """Speed conditions need a motion stage; where the caller runs none (single images) they are
    left out rather than guessed. A left/right check declared ``only_when_other_hidden`` is left out
    while the far side is seen whole."""
    if c.spec.kind == "speed":
        return scene.speeds is not None
    if getattr(c.spec, "only_when_other_hidden", False):
        return any(scene.missing[i] for i in c.landmarks[len(c.spec.points):])  # type: ignore[union-attr]
    return True


def _holds(c: CompiledCondition, scene: Scene) -> bool:
    value = measure(c, scene)
    return not isinstance(value, CannotSee) and c.passes(value)


def _phase_holds(c: CompiledCondition, scene: Scene, references: Mapping[str, float]) -> bool:
    """A rep-phase condition; one declared ``met_if_unseen`` is met while its hidden landmarks are
    outside the picture. A landmark the model is unsure of inside the picture (a far hand behind the
    body) is no sign of a reach: a far wrist flickering about the visibility gate would otherwise
    flick the phase and count a rep on every flicker.

    One declared ``relative_to`` a phase is judged as its change from the person's own reading in
    that phase (a clamshell opened from where that person's knees rest): ``measured - reference``.
    Until the phase has been seen there is nothing to judge it against, and it is left out, as a
    relative check is; the phase's other conditions decide."""
    if c.spec.met_if_unseen and scene.off_picture is not None:
        hidden = [i for i in c.covers if scene.missing[i]]
        if hidden and all(scene.off_picture[i] for i in hidden):
            return True
    if c.spec.relative_to is not None:
        reference = references.get(c.spec.id or "")
        if reference is None:
            return True
        value = measure(c, scene)
        return not isinstance(value, CannotSee) and c.passes(value - reference)
    return _holds(c, scene)


def _relative_readings(comp: _Compiled, scene: Scene) -> list[tuple[str, float]]:
    """``(id, measured)`` of each rep-phase condition declared ``relative_to`` a phase, read on every
    frame in position: the frames in that phase make the person's reference."""
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for _, conds in comp.phases:
        for c in conds:
            cid = c.spec.id or ""
            if c.spec.relative_to is None or cid in seen:
                continue
            seen.add(cid)
            value = measure(c, scene)
            if not isinstance(value, CannotSee):
                out.append((cid, value))
    return out
