"""The validated model of an exercise file (``poses/*.toml``): its view, entry conditions, checks,
hold or reps, and the thresholds it declares with their safety bounds.

The checks' own fields are :mod:`formcheck.judge.exercises.conditions`; what fails here is reported
by :func:`formcheck.judge.exercises.validation_errors.format_validation_error`.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from formcheck.judge.exercises.conditions import Condition
from formcheck.judge.exercises.file_fields import LandmarkRef, StrictModel, ThresholdName, Unit
from formcheck.judge.exercises.landmark_refs import Side

_SEPARATORS = re.compile(r"[\s_-]+")


def name_key(text: str) -> str:
    """The form exercise names and aliases are compared in: lower case, no surrounding spaces, and
    every run of spaces, hyphens and underscores one underscore (``" Wall-Sit "`` -> ``"wall_sit"``)."""
    return _SEPARATORS.sub("_", text.strip().lower()).strip("_")


class ThresholdDecl(StrictModel):
    """A threshold an exercise uses: its unit, its safety bounds and what it means."""

    unit: Unit
    bounds: tuple[float, float] = Field(description="[lowest, highest] value a calibration may set")
    about: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self):
        if self.bounds[0] > self.bounds[1]:
            raise ValueError(f"expected bounds = [low, high] with low <= high, got {list(self.bounds)} "
                             "(low above high)")
        return self


class ViewSpec(StrictModel):
    """The camera view the exercise needs, and the threshold on the body's width that tells views apart."""

    kind: Literal["side", "front"]
    width_ratio: ThresholdName = Field(
        description="threshold on (shoulder and hip width) / torso length: a maximum for side views, "
        "a minimum for front views"
    )
    cue: str | None = None


class EntrySpec(StrictModel):
    cue: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)


class HoldSpec(StrictModel):
    min_s: float = Field(gt=0)
    max_s: float = Field(gt=0)
    # How long good form must last before the timer starts counting (settling in is not a hold),
    # and how long a break may last and still be a flicker rather than a fault (seconds).
    entry_delay_s: float = Field(default=0.5, ge=0, le=10)
    grace_s: float = Field(default=0.5, ge=0, le=5)

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_s > self.max_s:
            raise ValueError(f"min_s must not be above max_s, got min_s={self.min_s} > max_s={self.max_s}")
        return self


class PhaseSpec(StrictModel):
    name: str = Field(min_length=1)
    conditions: tuple[Condition, ...] = Field(min_length=1)


class RepSpec(StrictModel):
    """A repetition: the phases in the order one rep passes through them, e.g. down -> up."""

    min_count: int = Field(gt=0)
    max_count: int = Field(gt=0)
    hold_s: float = Field(default=0.0, ge=0, description="seconds to hold the last phase of each rep")
    # A rep's bottom or top can last well under the hold timer's 0.5 s grace (a brisk squat spends
    # 0.3-0.45 s at the bottom), so a rep has its own, shorter bar between a flicker and a fault.
    fault_min_s: float = Field(default=0.25, gt=0, description="seconds a check must fail at a time to fault a rep")
    phases: tuple[PhaseSpec, ...] = Field(min_length=2)
    # "return": the phases in order and back to the first (down -> up -> down). "alternate": two
    # phases flowing into each other with no rest (cat-cow), a rep being one visit to each.
    order: Literal["return", "alternate"] = "return"

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_count > self.max_count:
            raise ValueError(f"min_count must not be above max_count, got {self.min_count} > {self.max_count}")
        if self.order == "alternate" and len(self.phases) != 2:
            raise ValueError(f"order 'alternate' needs exactly two phases, got {len(self.phases)}")
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ValueError(f"phase names must be unique, got {names}")
        return self


class VariantSpec(StrictModel):
    """A way of doing the exercise that people do, named in the report and perhaps judged with limits of its own,
    told apart frame by frame by conditions (a plank on straight arms rather than on the forearms).

    While every ``when`` condition is seen and met (and the person is in position), the checks use
    the thresholds ``thresholds`` names in place of the exercise's own (none: judged alike, only
    named); everything else is judged as for the exercise itself. The variant performed is named in
    each frame's record and the report.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="id written in reports, e.g. straight_arm")
    title: str = Field(min_length=1, description="what the report calls it, e.g. 'straight-arm plank'")
    about: str = Field(min_length=1, description="what it is and why it has limits of its own")
    when: tuple[Condition, ...] = Field(min_length=1, description="conditions that tell the variant apart")
    # check threshold -> the threshold used in its place while the variant is performed
    thresholds: dict[str, ThresholdName] = Field(default_factory=dict)


class ExerciseFile(StrictModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    setup: str = Field(min_length=1)
    view: ViewSpec
    sides: tuple[Side, ...] = Field(default=(), description="one-sided variants, e.g. ['left', 'right']")
    # Everyday names that lead to this exercise (``plank`` for forearm_plank), compared as name_key()
    # compares them; the library checks that no other exercise has one as a name or an alias.
    aliases: tuple[str, ...] = Field(default=(), description="other names people call the exercise by")
    required_landmarks: tuple[LandmarkRef, ...] = Field(min_length=1)
    forward: tuple[LandmarkRef, LandmarkRef] | None = None
    entry: EntrySpec
    checks: tuple[Condition, ...] = Field(min_length=1)
    # The checks without which a moment of the exercise is not safe to count: a frame is valid only
    # when each of them is measured (and passes). Any other check that cannot be seen is reported as
    # not seen while the rest still judge; a failing check is a fault whether it is a safety check or not.
    safety_checks: tuple[str, ...] = Field(min_length=1, description="ids of the checks that must be seen to count")
    hold: HoldSpec | None = None
    reps: RepSpec | None = None
    # Tried in order; the first whose conditions hold is the frame's variant, else the exercise itself.
    variants: tuple[VariantSpec, ...] = ()
    thresholds: dict[str, ThresholdDecl]

    @model_validator(mode="after")
    def _aliases(self):
        own = {self.name} | {f"{self.name}_{side}" for side in self.sides}
        seen: dict[str, str] = {}
        for i, alias in enumerate(self.aliases):
            key = name_key(alias)
            if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                raise ValueError(f"aliases[{i}]: expected a name of letters, digits, spaces, hyphens or underscores "
                                 f"starting with a letter, got {alias!r}")
            if key in own:
                raise ValueError(f"aliases[{i}]: {alias!r} is the exercise's own name (names are compared ignoring "
                                 "case, spaces, hyphens and underscores); expected another name")
            if key in seen:
                raise ValueError(f"aliases[{i}]: {alias!r} repeats alias {seen[key]!r}; expected each alias once")
            seen[key] = alias
        return self

    @model_validator(mode="after")
    def _consistent(self):
        if (self.hold is None) == (self.reps is None):
            raise ValueError("expected exactly one of [hold] or [reps], got "
                             + ("both" if self.hold else "neither"))
        ids = []
        for i, check in enumerate(self.checks):
            absent = [f for f in ("id", "cue") if not getattr(check, f)]
            if absent:
                raise ValueError(f"checks[{i}] (id {check.id!r}): missing {' and '.join(absent)} "
                                 "(every check needs an 'id' and a spoken 'cue')")
            ids.append(check.id)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"check ids must be unique, got duplicates {dupes}")
        phases = {p.name for p in self.reps.phases} if self.reps else set()
        reach = [c.id for c in self.checks if c.reach]
        for i, check_id in enumerate(self.safety_checks):
            if check_id not in ids:
                raise ValueError(f"safety_checks[{i}]: {check_id!r} is not a check of this exercise; expected one "
                                 f"of {ids}")
            if check_id in reach:
                raise ValueError(f"safety_checks[{i}]: {check_id!r} is a reach check, judged once per rep rather "
                                 "than on every frame; expected a check judged per frame")
            if check_id in self.safety_checks[:i]:
                raise ValueError(f"safety_checks[{i}]: {check_id!r} is listed twice; expected each check once")
        for check in self.checks:
            unknown = set(check.during) - phases
            if unknown:
                raise ValueError(f"check {check.id!r}: 'during' names unknown phases {sorted(unknown)}; "
                                 f"expected some of {sorted(phases) or 'none (this exercise has no reps)'}")
        for check in self.checks:
            if check.relative_to is not None and check.relative_to not in phases:
                raise ValueError(f"check {check.id!r}: 'relative_to' names unknown phase {check.relative_to!r}; "
                                 f"expected one of {sorted(phases) or 'none (this exercise has no reps)'}")
        top = self.reps.phases[-1].name if self.reps and self.reps.order == "return" else None
        for check in self.checks:
            if not check.reach:
                continue
            if top is None:
                got = "order 'alternate'" if self.reps else "no [reps]"
                raise ValueError(f"check {check.id!r}: 'reach' needs [reps] whose phases return to the first "
                                 f"(order 'return'), got {got}")
            if tuple(check.during) != (top,):
                raise ValueError(f"check {check.id!r}: 'reach' is for a check judged at the top of a rep, so it "
                                 f"needs during = [{top!r}] (the last phase), got during = {list(check.during)}")
        for where, cond in self._plain_conditions():
            if cond.cue is not None:
                role, said = (("an entry condition decides whether the person is in position",
                               "what is said while they are not is [entry] cue") if where.startswith("entry.")
                              else ("a rep-phase condition decides which phase of the rep the person is in",
                                    "cues belong to [[checks]]"))
                raise ValueError(f"{where}: {role} and never speaks a cue ({said}); expected no 'cue', "
                                 f"got cue = {cond.cue!r}")
            if cond.reach:
                raise ValueError(f"{where}: 'reach' is for checks only (a condition is not judged per rep), "
                                 "got reach = true")
            if cond.relative_to is not None and where.startswith("entry."):
                raise ValueError(f"{where}: 'relative_to' is for checks only, and rep-phase conditions (being in "
                                 f"position needs no reference), got relative_to = {cond.relative_to!r}")
            if cond.relative_to is not None and cond.relative_to not in phases:
                raise ValueError(f"{where}: 'relative_to' names unknown phase {cond.relative_to!r}; expected one "
                                 f"of {sorted(phases)}")
            if cond.relative_to is not None and not cond.id:
                raise ValueError(f"{where}: a relative condition needs an 'id' (the name its reference is kept "
                                 "under), got none")
            if cond.relative_to is None and cond.id and not where.startswith("entry."):
                raise ValueError(f"{where}: an 'id' names a relative condition's reference; expected none without "
                                 f"'relative_to', got id = {cond.id!r}")
            if cond.met_if_unseen and where.startswith("entry."):
                raise ValueError(f"{where}: 'met_if_unseen' is for rep-phase conditions only (being in position "
                                 "must be seen), got met_if_unseen = true")
        relative_ids = [c.id for _, c in self._plain_conditions() if c.relative_to is not None]
        taken = sorted({i for i in relative_ids if relative_ids.count(i) > 1 or i in ids})
        if taken:
            raise ValueError(f"relative rep-phase condition ids must differ from each other and from check ids "
                             f"(each names its own reference), got {taken} more than once")
        for check in self.checks:
            if check.met_if_unseen:
                raise ValueError(f"check {check.id!r}: 'met_if_unseen' is for rep-phase conditions only (a check "
                                 "that cannot be seen is reported as not seen), got met_if_unseen = true")
        for phase in self.reps.phases if self.reps else ():
            if all(c.met_if_unseen for c in phase.conditions):
                raise ValueError(f"reps.phases {phase.name!r}: every condition is met_if_unseen, so the phase would "
                                 "be entered on nothing seen; expected at least one condition without it")
        self._check_variants()
        self._check_threshold_refs()
        needs_forward = any(getattr(c, "axis", None) == "forward" for c in self.all_conditions())
        if needs_forward and self.forward is None:
            raise ValueError("a check measures 'forward', so the exercise needs forward = [from, to]")
        return self

    def _check_variants(self) -> None:
        names = [v.name for v in self.variants]
        limits = {n for c in self.checks for n in c.threshold_names()}
        for i, variant in enumerate(self.variants):
            where = f"variants[{i}] ({variant.name!r})"
            if variant.name in names[:i]:
                raise ValueError(f"{where}: the name {variant.name!r} is used twice; expected each variant once")
            for j, cond in enumerate(variant.when):
                for field in ("id", "cue", "relative_to"):
                    if getattr(cond, field) is not None:
                        raise ValueError(f"{where}.when[{j}]: a variant's condition only tells the variant apart; "
                                         f"expected no {field!r}, got {field} = {getattr(cond, field)!r}")
                if cond.during or cond.reach or cond.met_if_unseen:
                    raise ValueError(f"{where}.when[{j}]: a variant's condition is judged on every frame in "
                                     "position and must be seen; expected no 'during', 'reach' or 'met_if_unseen'")
            for old, new in variant.thresholds.items():
                if old not in limits:
                    raise ValueError(f"{where}.thresholds: {old!r} is not a limit of any check; expected one of "
                                     f"{sorted(limits)}")
                if new == old:
                    raise ValueError(f"{where}.thresholds.{old}: expected another threshold in its place, got itself")
                old_t, new_t = self.thresholds.get(old), self.thresholds.get(new)
                if new_t is None:
                    raise ValueError(f"{where}.thresholds.{old}: names threshold {new!r}, which is not declared in "
                                     f"[thresholds] (declared: {sorted(self.thresholds)})")
                if old_t is not None and old_t.unit != new_t.unit:
                    raise ValueError(f"{where}.thresholds.{old}: expected a threshold in {old_t.unit!r} like "
                                     f"{old!r}, got {new!r} in {new_t.unit!r}")

    def _plain_conditions(self):
        """(where, condition) for entry conditions and rep-phase conditions (not checks)."""
        for i, cond in enumerate(self.entry.conditions):
            yield f"entry.conditions[{i}]", cond
        for phase in self.reps.phases if self.reps else ():
            for i, cond in enumerate(phase.conditions):
                yield f"reps.phases {phase.name!r} conditions[{i}]", cond

    def all_conditions(self):
        yield from self.entry.conditions
        yield from self.checks
        if self.reps:
            for phase in self.reps.phases:
                yield from phase.conditions
        for variant in self.variants:
            yield from variant.when

    def _check_threshold_refs(self) -> None:
        declared = self.thresholds
        view_t = declared.get(self.view.width_ratio)
        if view_t is None:
            raise ValueError(f"view.width_ratio names threshold {self.view.width_ratio!r}, which is not "
                             f"declared in [thresholds] (declared: {sorted(declared)})")
        if view_t.unit != "body":
            raise ValueError(f"threshold {self.view.width_ratio!r} is a width ratio: expected unit 'body', "
                             f"got {view_t.unit!r}")
        for cond in self.all_conditions():
            where = f"check {cond.id!r}" if cond.id else f"{cond.kind} condition"
            for name in cond.threshold_names():
                decl = declared.get(name)
                if decl is None:
                    raise ValueError(f"{where} uses threshold {name!r}, which is not declared in "
                                     f"[thresholds] (declared: {sorted(declared)})")
                if decl.unit != cond.unit:
                    raise ValueError(f"{where} measures in {cond.unit!r} but threshold {name!r} is "
                                     f"declared in {decl.unit!r}")
        used = {self.view.width_ratio} | {n for c in self.all_conditions() for n in c.threshold_names()}
        used |= {n for v in self.variants for n in v.thresholds.values()}
        unused = [name for name in declared if name not in used]
        if unused:
            fields = ", ".join(f"thresholds.{name}" for name in unused)
            raise ValueError(f"{fields}: unused threshold (no check or condition names it in 'min' or 'max', "
                             "nor view.width_ratio, nor a variant's thresholds); expected every declared threshold "
                             "to be used: use it, "
                             "or remove it here and from the calibration file")
