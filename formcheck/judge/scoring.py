"""The engine shared by live coaching and recorded-video scoring.

``scorer.update(pose) -> ScoredFrame`` judges one cleaned frame with the exercise rules and advances
the hold timer; ``scorer.finish(end_s) -> Score`` closes the session. Nothing here knows whether the
frames come from a camera or a file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from formcheck.judge.exercises import EvalContext, Evaluation, Exercise, Status
from formcheck.judge.exercises.personal_reference import PhaseReferences
from formcheck.judge.motion import MotionTracker
from formcheck.judge.reps import Rep, RepCounter, RepSnapshot, in_set
from formcheck.judge.sides import BothSides, RepSpecOfCounter, SideFigures, SideReading, balance
from formcheck.judge.timer import FrameState, HoldSummary, HoldTimer, Snapshot, TimerConfig, fault_spans
from formcheck.pose.frame import PoseFrame

DEFAULT_ENTRY_DELAY_S = 0.5
DEFAULT_GRACE_S = 0.5
# The motion stage's trailing window. A trailing window delays both ends of a detected hold: the
# start by up to the window (its speed still includes the last of the movement in), the end by the
# time the first, slow part of a movement takes to cover window x threshold. On rendered wall sits
# (15 fps) 0.2 s puts the start within 0.25 s of the keyframes and the end 0.2-0.33 s late, where
# 0.3 s ends up to 0.4 s late and 0.5 s up to 0.47 s; on the real plank clips the three windows give
# alike c/h/l agreement at their thresholds (calibration/*.toml, entry_speed_max, measured with it).
MOTION_WINDOW_S = 0.2
# What the person is told while someone else's hands are on them.
ASSISTED_CUE = "Someone is helping you: this time is not counted"


def classify(pose: PoseFrame, evaluation: Evaluation, reach: frozenset[str] = frozenset()) -> FrameState:
    """One frame's state for the timer. Any doubt about safety is ``cannot_see``, never ``valid``.

    ``reach`` checks (how far a rep goes) are judged per rep, not per frame: failing on the way to
    a rep's top and away from it is the movement, so they never make a frame a fault. A check that
    cannot be seen makes the frame ``cannot_see`` only if it is one of the exercise's safety checks;
    otherwise the frame is judged by the checks that can be seen, and the unseen one is reported as
    such (``Evaluation.unseen``, the cue, the report), never as passed.
    """
    if not pose.detected or not evaluation.view_ok:
        return FrameState.CANNOT_SEE
    if not evaluation.in_position:
        return FrameState.NOT_IN_POSITION
    if any(c not in reach for c in evaluation.failing):
        return FrameState.FAULT
    if evaluation.unseen_safety:
        return FrameState.CANNOT_SEE
    return FrameState.VALID


def _assisted(pose: PoseFrame) -> bool:
    """Another person's hands on the exerciser (the pose stage's flag): the frame is never valid."""
    return pose.detected and pose.assisted


def timer_config_for(exercise: Exercise) -> TimerConfig:
    """The exercise file's entry delay and grace period; rep exercises use the defaults."""
    hold = exercise.spec.hold
    if hold is None:
        return TimerConfig(entry_delay_s=DEFAULT_ENTRY_DELAY_S, grace_s=DEFAULT_GRACE_S)
    return TimerConfig(entry_delay_s=hold.entry_delay_s, grace_s=hold.grace_s, target_s=hold.min_s)


@dataclass(frozen=True)
class ScoredFrame:
    pose: PoseFrame
    evaluation: Evaluation
    state: FrameState
    timer: Snapshot
    wall: object | None = None  # the WallObservation the frame was judged with
    reps: RepSnapshot | None = None  # rep exercises only

    @property
    def t_s(self) -> float:
        return self.pose.t_s


@dataclass(frozen=True)
class Fault:
    check: str
    cue: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class FrameRow:
    """What the report keeps of each frame: its state, failing checks and every measured value."""

    t_s: float
    state: FrameState
    failing: tuple[str, ...]
    values: dict[str, float | None]
    cue: str | None
    unseen: tuple[str, ...] = ()  # checks that could not be measured while the person was in position
    variant: str | None = None  # the exercise's variant performed (Evaluation.variant)


@dataclass
class Score:
    exercise: str
    exercise_title: str
    target_s: tuple[float | None, float | None]
    duration_s: float
    summary: HoldSummary
    faults: list[Fault]
    view: dict
    frames: list[FrameRow] = field(default_factory=list)
    complete: bool = True
    reps: tuple[Rep, ...] | None = None          # rep exercises only: every completed rep
    rep_target: tuple[int, int] | None = None    # (min, max) reps the exercise file asks for
    check_cues: dict[str, str] = field(default_factory=dict)  # check id -> its cue, for reports
    # Both-sides exercises only (bird dog named without a side): each side's reps and valid time.
    sides: dict[str, SideFigures] | None = None
    variant_titles: dict[str, str] = field(default_factory=dict)  # the exercise's variants: name -> title

    @property
    def balance(self) -> tuple[str | None, float] | None:
        """``(weaker side, weaker / stronger)`` of a both-sides session, in reps or held seconds."""
        return balance(self.sides) if self.sides else None

    def sides_text(self) -> str | None:
        """``"left 5 reps, right 3 reps (right 60% of left)"`` or ``"left 30.0 s, right 24.0 s (...)"``
        for a both-sides session; ``None`` otherwise."""
        if not self.sides:
            return None
        parts = [f"{s} {f.reps} rep{'s' if f.reps != 1 else ''}" if f.reps is not None else f"{s} {f.valid_s:.1f} s"
                 for s, f in self.sides.items()]
        found = self.balance
        if found is None:
            return ", ".join(parts)
        weak, ratio = found
        if weak is None:
            return ", ".join(parts) + " (even)"
        strong = next(s for s in self.sides if s != weak)
        return ", ".join(parts) + f" ({weak} {ratio:.0%} of {strong})"

    def rep_faults(self) -> list[tuple[str, str, int]]:
        """``(check id, cue, reps it faulted)``, most first; empty for a hold or clean reps. A rep's
        fault may be shorter than the grace period the report's fault spans need (a squat's bottom)."""
        counts = Counter(check for rep in self.reps or () for check in rep.faults)
        return [(check, self.check_cues.get(check, ""), n) for check, n in counts.most_common()]

    @property
    def good_reps(self) -> int:
        return sum(r.good for r in self.reps or ())

    def reps_text(self) -> str | None:
        """``"5 done, 3 good (target 8-12)"`` for a rep exercise, ``None`` for a hold."""
        if self.reps is None:
            return None
        each = " each side" if self.sides else ""
        target = f" (target {self.rep_target[0]}-{self.rep_target[1]}{each})" if self.rep_target else ""
        return f"{len(self.reps)} done, {self.good_reps} good{target}"

    def unseen_seconds(self) -> dict[str, float]:
        """Seconds in which each check could not be seen while the person was in the exercise (valid,
        fault, or cannot see because of it), most first: what the report must not pass over."""
        out: Counter[str] = Counter()
        ends = [r.t_s for r in self.frames[1:]] + [self.duration_s]
        for row, end in zip(self.frames, ends):
            for check in row.unseen:
                out[check] += max(0.0, end - row.t_s)
        return dict(out.most_common())

    def state_seconds(self) -> dict[str, float]:
        """Seconds spent in each frame state (each frame lasts until the next)."""
        out = {s.value: 0.0 for s in FrameState}
        ends = [r.t_s for r in self.frames[1:]] + [self.duration_s]
        for row, end in zip(self.frames, ends):
            out[row.state.value] += max(0.0, end - row.t_s)
        return out


class Scorer:
    """Judges frames one by one and keeps what the report needs."""

    def __init__(self, exercise: Exercise, timer_config: TimerConfig | None = None,
                 context: EvalContext | None = None) -> None:
        self.exercise = exercise
        self.context = context
        self.timer = HoldTimer(timer_config or timer_config_for(exercise))
        self.rows: list[FrameRow] = []
        self._sides: Counter[str] = Counter()
        # Only exercises with speed conditions pay for the motion stage on every frame.
        self.motion = MotionTracker(MOTION_WINDOW_S) if exercise.needs_motion else None
        self.references = PhaseReferences.for_exercise(exercise)
        reps = exercise.reps
        self.rep_counter = None
        self.reach = frozenset(c.id for c in exercise.checks if c.spec.reach)
        counting = None if reps is None else RepSpecOfCounter(
            tuple(p.name for p in reps.phases), reps.hold_s, self.timer.config.grace_s, self.reach,
            alternate=reps.order == "alternate", fault_min_s=reps.fault_min_s)
        self.both: BothSides | None = None
        if exercise.both_sides:
            self.both = BothSides(exercise.spec.sides, self.timer.config, counting)
        elif counting is not None:
            self.rep_counter = RepCounter(counting.phases, counting.hold_s, counting.grace_s, counting.reach_checks,
                                          alternate=counting.alternate, fault_min_s=counting.fault_min_s)

    def update(self, pose: PoseFrame, wall=None) -> ScoredFrame:
        """Judge one cleaned frame; ``wall`` is the wall stage's ``WallObservation`` for it, if any."""
        context = self.context or EvalContext()
        if self.motion is not None:
            context = replace(context, speeds_px_s=self.motion.update(pose).speeds_px_s)
        if wall is not None:
            context = replace(context, wall_line=wall.line, wall_gaps={
                "lumbar": wall.lumbar_gap, "shoulder": wall.shoulder_gap, "hip": wall.hip_gap})
        if self.references is not None:
            context = replace(context, references=self.references.current())
        if self.both is not None:
            evaluation, state, rep_snapshot = self._judge_both(pose, context)
        else:
            evaluation, state, rep_snapshot = self._judge_one(pose, context)
        snapshot = self.timer.update(pose.t_s, state)
        if evaluation.in_position and evaluation.side:
            self._sides[evaluation.side] += 1
        unseen = evaluation.unseen if evaluation.in_position else ()
        self.rows.append(FrameRow(pose.t_s, state, evaluation.failing,
                                  {r.id: r.value for r in evaluation.results},
                                  ASSISTED_CUE if state is FrameState.ASSISTED else evaluation.cue, unseen,
                                  evaluation.variant))
        return ScoredFrame(pose, evaluation, state, snapshot, wall, rep_snapshot)

    def _judge_one(self, pose: PoseFrame, context: EvalContext) -> tuple[Evaluation, FrameState, RepSnapshot | None]:
        evaluation = self.exercise.evaluate(pose, context)
        if self.references is not None:
            self.references.update(pose.t_s, evaluation)
        state = FrameState.ASSISTED if _assisted(pose) else classify(pose, evaluation, self.reach)
        rep_snapshot = None
        if self.rep_counter is not None:
            passing = tuple(r.id for r in evaluation.results if r.status is Status.PASS)
            rep_snapshot = self.rep_counter.update(pose.t_s, evaluation.phase, state, evaluation.failing, passing,
                                                   evaluation.unseen)
            if not self.rep_counter.started and state in (FrameState.VALID, FrameState.FAULT):
                # A rep exercise starts at its first rep: lying still before the first clamshell is
                # setting up, not exercising, so it is neither valid time nor a fault.
                state = FrameState.NOT_IN_POSITION
        return evaluation, state, rep_snapshot

    def _judge_both(self, pose: PoseFrame, context: EvalContext) -> tuple[Evaluation, FrameState, RepSnapshot | None]:
        """Judge the frame for each side; the frame, its time and its cue go to the side performing
        (:class:`BothSides`), while each side's reps are counted from its own readings."""
        assert self.both is not None
        evaluations = {s: self.exercise.evaluate(pose, context, side=s) for s in self.both.sides}
        readings = {}
        for s, ev in evaluations.items():
            readings[s] = SideReading(ev.phase, classify(pose, ev, self.reach), ev.failing,
                                      tuple(r.id for r in ev.results if r.status is Status.PASS), ev.unseen)
        side = self.both.update(pose.t_s, readings)
        evaluation, state = evaluations[side], readings[side].state
        if _assisted(pose):
            state = FrameState.ASSISTED
        if self.references is not None:
            self.references.update(pose.t_s, evaluation)
        rep_snapshot = None
        if self.exercise.reps is not None:
            rep_snapshot = self.both.snapshot(pose.t_s)
            if not self.both.started and state in (FrameState.VALID, FrameState.FAULT):
                state = FrameState.NOT_IN_POSITION  # set-up before the first rep, as for one side
        self.both.credit(pose.t_s, side, state)
        return evaluation, state, rep_snapshot

    def finish(self, end_s: float | None = None, complete: bool = True) -> Score:
        rows = self.rows
        if end_s is None:
            end_s = rows[-1].t_s if rows else 0.0
        summary = self.timer.finish(end_s)
        counting = self.rep_counter if self.rep_counter is not None else self.both
        open_s = counting.under_way_since_s if counting is not None else None
        reps = self.rep_counter.finish(end_s) if self.rep_counter is not None else None
        sides = None
        if self.both is not None:
            reps, sides = self.both.finish(end_s, summary.holds)
        if reps is not None:
            # A rep exercise is timed within its set only (reps.in_set): the live clock ran on
            # frames that turned out to lie outside it, so the session's time is counted again.
            # Faults outside it stay: they say why no rep counted (a hand never planted).
            rows = [r if r.state is not FrameState.VALID or in_set(r.t_s, reps, open_s)
                    else replace(r, state=FrameState.NOT_IN_POSITION) for r in rows]
            timer = HoldTimer(self.timer.config)
            for r in rows:
                timer.update(r.t_s, r.state)
            summary = timer.finish(end_s)
        spec = self.exercise.reps
        cues = {c.id: c.cue for c in self.exercise.checks}
        grace = self.timer.config.grace_s
        # Faults are reported only while the person is in the exercise: a "hips too high" while
        # standing up afterwards is not a fault of the plank. Reach checks are the reps' to report.
        failing = [tuple(c for c in r.failing if c not in self.reach) if r.state is FrameState.FAULT else ()
                   for r in rows]
        spans = fault_spans([r.t_s for r in rows], failing, end_s, min_gap_s=grace, min_duration_s=grace)
        faults = sorted((Fault(cid, cues.get(cid, ""), s.start_s, s.end_s)
                         for cid, check_spans in spans.items() for s in check_spans),
                        key=lambda f: (f.start_s, f.check))
        side = self._sides.most_common(1)[0][0] if self._sides else None
        return Score(
            exercise=self.exercise.name,
            exercise_title=self.exercise.title,
            target_s=(self.exercise.hold_min_s, self.exercise.hold_max_s),
            duration_s=end_s,
            summary=summary,
            faults=faults,
            view={"kind": self.exercise.view, "side": side},
            frames=list(rows),
            complete=complete,
            reps=reps,
            rep_target=(spec.min_count, spec.max_count) if spec is not None else None,
            check_cues=cues,
            sides=sides,
            variant_titles={v.name: v.title for v in self.exercise.variants},
        )


def score_frames(poses: Iterable[PoseFrame], exercise: Exercise, end_s: float | None = None,
                 context: EvalContext | None = None) -> Score:
    """Score cleaned frames in one go (recorded videos); live use calls ``Scorer`` per frame."""
    scorer = Scorer(exercise, context=context)
    for pose in poses:
        scorer.update(pose)
    return scorer.finish(end_s)
