"""Default thresholds fitted on labelled clips, with leave-one-clip-out cross-validation.

Labels are ``video,start_s,end_s,label`` rows. The user says which letters are good form and which
letter is which check's fault. For every threshold a check uses, the frames that count are those
in position (entry conditions hold, so the check is judged at all) with a measured value, labelled
good (negatives) or with that check's fault (positives), further than ``boundary_s`` from a label
change (labels set by eye). The threshold chosen is the one with the best balanced accuracy
(:func:`formcheck.calibrate.roc.best_threshold`), clipped to the exercise's safety bounds.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from formcheck.calibrate.measure import Measured, limits_in_force
from formcheck.calibrate.roc import Roc, ThresholdFit, balanced_accuracy, best_threshold, f1_score, roc_curve
from formcheck.errors import FormcheckError
from formcheck.judge.exercises import Exercise
from formcheck.pose.recording import SUFFIX

Span = tuple[float, float, str]


@dataclass(frozen=True)
class LabelMap:
    good: frozenset[str]
    faults: dict[str, str]  # label letter -> check id
    ignore: frozenset[str] = frozenset()

    def check_letters(self, check: str) -> set[str]:
        return {k for k, v in self.faults.items() if v == check}


def read_labels(path: Path) -> dict[str, list[Span]]:
    """``video -> [(start_s, end_s, label), ...]`` sorted by start."""
    spans: dict[str, list[Span]] = defaultdict(list)
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"video", "start_s", "end_s", "label"} - set(reader.fieldnames or ())
            if missing:
                raise FormcheckError(f"{path}: labels need the columns video,start_s,end_s,label "
                                     f"(missing {', '.join(sorted(missing))})")
            for n, row in enumerate(reader, start=2):
                try:
                    spans[row["video"].strip()].append(
                        (float(row["start_s"]), float(row["end_s"]), row["label"].strip()))
                except (TypeError, ValueError):
                    raise FormcheckError(f"{path}: line {n}: start_s and end_s must be numbers") from None
    except OSError as exc:
        raise FormcheckError(f"{path}: cannot read the labels: {exc.strerror or exc}") from None
    return {k: sorted(v) for k, v in spans.items()}


def labels_for(source: str | Path, labels: dict[str, list[Span]]) -> tuple[str, list[Span]]:
    """The labelled video a source is: its file name, or the video a ``.poses.npz`` was recorded from."""
    name = Path(source).name
    if name.endswith(SUFFIX):
        name = name.removesuffix(SUFFIX)
    for key in (name, Path(name).stem):
        for video, spans in labels.items():
            if video == key or Path(video).stem == key:
                return video, spans
    raise FormcheckError(f"{source}: no labels for this clip (labelled: {', '.join(sorted(labels)) or 'none'})")


def frame_labels(t_s: np.ndarray, spans: list[Span], boundary_s: float) -> np.ndarray:
    """Each frame's label, or "" where unlabelled or within ``boundary_s`` of a change of label."""
    out = np.full(t_s.shape, "", dtype=object)
    for i, (s, e, lab) in enumerate(spans):
        prev_same = i > 0 and spans[i - 1][2] == lab and abs(spans[i - 1][1] - s) < 1e-6
        next_same = i + 1 < len(spans) and spans[i + 1][2] == lab and abs(spans[i + 1][0] - e) < 1e-6
        lo = s + (0.0 if prev_same or i == 0 else boundary_s)
        hi = e - (0.0 if next_same or i + 1 == len(spans) else boundary_s)
        out[(t_s >= lo) & (t_s < hi)] = lab
    return out


@dataclass
class ClipData:
    name: str
    measured: Measured
    labels: np.ndarray


@dataclass(frozen=True)
class ThresholdResult:
    threshold: str
    check: str
    side: str
    unit: str
    current: float
    value: float | None  # the fitted value, clipped to the bounds; None when it could not be fitted
    raw: float | None  # before clipping
    bounds: tuple[float, float]
    fit: ThresholdFit | None
    current_ba: float | None  # the value in force, on the same frames
    cv_ba: float | None  # leave-one-clip-out, pooled over the held-out frames
    cv_folds: int
    roc: Roc | None = field(repr=False, default=None)
    reason: str = ""  # why it was not fitted

    @property
    def clipped(self) -> bool:
        return self.value is not None and self.raw is not None and self.value != self.raw

    def clip_note(self) -> str | None:
        return f"{self.threshold} {self.raw:.3g} clipped to safety bound {self.value:g}" if self.clipped else None


@dataclass(frozen=True)
class FitResult:
    exercise: str
    thresholds: list[ThresholdResult]
    clips: list[str]


def _oriented(values: np.ndarray, side: str) -> np.ndarray:
    """Scores where larger is more faulty: a ``max`` limit fails above, a ``min`` limit below."""
    return values if side == "max" else -values


def _to_value(score_threshold: float, side: str) -> float:
    return score_threshold if side == "max" else -score_threshold


def _classes(clip: ClipData, check: str, side: str, labels: LabelMap,
             variants: frozenset[str] = frozenset({""})) -> tuple[np.ndarray, np.ndarray]:
    """Good and faulty frames of ``check`` judged with the threshold being fitted: those done as one
    of ``variants`` (a straight-arm plank's frames fit its own limit, not the forearm plank's)."""
    v = clip.measured.values[check]
    done_as = clip.measured.variant if clip.measured.variant is not None else np.full(v.shape, "", dtype=object)
    use = clip.measured.in_position & np.isfinite(v) & np.isin(done_as, list(variants))
    good = use & np.isin(clip.labels, list(labels.good))
    fault = use & np.isin(clip.labels, list(labels.check_letters(check)))
    return _oriented(v[good], side), _oriented(v[fault], side)


def _two_sided_split(good: np.ndarray, fault: np.ndarray, side: str, two_sided: bool) -> np.ndarray:
    """A check with both a min and a max limit: its faulty frames beyond the good median on this
    limit's side are this limit's positives (the others are the other limit's)."""
    if not two_sided or good.size == 0:
        return fault
    return fault[fault > np.median(good)]


def _pool(clips: list[ClipData], check: str, side: str, labels: LabelMap, two_sided: bool,
          variants: frozenset[str] = frozenset({""})):
    goods, faults = [], []
    for c in clips:
        g, f = _classes(c, check, side, labels, variants)
        goods.append(g)
        faults.append(_two_sided_split(g, f, side, two_sided))
    return np.concatenate(goods) if goods else np.array([]), np.concatenate(faults) if faults else np.array([])


def _clip_score(score: float, side: str, bounds: tuple[float, float]) -> float:
    return float(np.clip(_to_value(score, side), *bounds))


def cross_validate(clips: list[ClipData], check: str, side: str, labels: LabelMap, two_sided: bool,
                   bounds: tuple[float, float], variants: frozenset[str] = frozenset({""})) -> tuple[float | None, int]:
    """Leave-one-clip-out: fit on every clip but one, flag the held-out clip's frames with that
    threshold; balanced accuracy over all held-out frames pooled (a clip holds one label only, so
    per-clip balanced accuracy is mostly undefined). Folds whose training clips lack a class are left out."""
    held_good, held_fault, folds = [], [], 0
    for i, out in enumerate(clips):
        g_train, f_train = _pool(clips[:i] + clips[i + 1:], check, side, labels, two_sided, variants)
        g_test, f_test = _pool([out], check, side, labels, two_sided, variants)
        if g_train.size == 0 or f_train.size == 0 or g_test.size + f_test.size == 0:
            continue
        t = _clip_score(best_threshold(g_train, f_train).threshold, side, bounds)
        s = _oriented(np.array([t]), side)[0]
        # Re-centre on the chosen threshold so pooling folds with different thresholds is exact.
        held_good.append(g_test - s)
        held_fault.append(f_test - s)
        folds += 1
    if not folds:
        return None, 0
    g, f = np.concatenate(held_good), np.concatenate(held_fault)
    if g.size == 0 or f.size == 0:
        return None, folds
    return balanced_accuracy(g, f, 0.0), folds


def fit_exercise(exercise: Exercise, clips: list[ClipData], labels: LabelMap) -> FitResult:
    """Fit every threshold that a check with labelled faults uses, a variant's on the frames done as
    that variant and the exercise's own on the others; report the rest as not fitted."""
    known = {c.id for c in exercise.checks}
    unknown = sorted(set(labels.faults.values()) - known)
    if unknown:
        raise FormcheckError(f"exercise {exercise.name!r} has no check {', '.join(map(repr, unknown))} "
                             f"(checks: {', '.join(sorted(known))})")
    sides_of: dict[str, set[str]] = defaultdict(set)
    for cid, side, _, _ in limits_in_force(exercise):
        sides_of[cid].add(side)
    results = []
    for cid, side, t, variants in limits_in_force(exercise):
        base = dict(threshold=t.name, check=cid, side=side, unit=t.unit, current=t.value, bounds=t.bounds)
        if not labels.check_letters(cid):
            results.append(ThresholdResult(**base, value=None, raw=None, fit=None, current_ba=None, cv_ba=None,
                                           cv_folds=0, reason="no label letter names this check's fault"))
            continue
        two_sided = len(sides_of[cid]) == 2
        good, fault = _pool(clips, cid, side, labels, two_sided, variants)
        if good.size == 0 or fault.size == 0:
            results.append(ThresholdResult(**base, value=None, raw=None, fit=None, current_ba=None, cv_ba=None,
                                           cv_folds=0, reason=f"no {'good' if good.size == 0 else 'faulty'} "
                                                              f"frames in position with a measured value"
                                                              + ("" if "" in variants else
                                                                 f" done as {', '.join(sorted(variants))}")))
            continue
        fit = best_threshold(good, fault)
        raw = _to_value(fit.threshold, side)
        value = float(np.clip(raw, *t.bounds))
        s = _oriented(np.array([value]), side)[0]
        if value != raw:  # the reported accuracy is that of the value written, not of the unsafe one
            fit = ThresholdFit(s, balanced_accuracy(good, fault, s), f1_score(good, fault, s),
                               float(np.mean(fault > s)), float(np.mean(good > s)), fit.n_good, fit.n_fault)
        cur = _oriented(np.array([t.value]), side)[0]
        cv_ba, folds = cross_validate(clips, cid, side, labels, two_sided, t.bounds, variants)
        results.append(ThresholdResult(**base, value=value, raw=raw, fit=fit,
                                       current_ba=balanced_accuracy(good, fault, cur), cv_ba=cv_ba,
                                       cv_folds=folds, roc=roc_curve(good, fault)))
    return FitResult(exercise=exercise.name, thresholds=results, clips=[c.name for c in clips])


def clip_data(measured: Measured, spans: list[Span], name: str, labels: LabelMap, boundary_s: float) -> ClipData:
    letters = {lab for _, _, lab in spans}
    unknown = letters - set(labels.good) - set(labels.faults) - set(labels.ignore)
    if unknown:
        raise FormcheckError(f"{name}: label {', '.join(sorted(unknown))} is neither --good, --fault nor --ignore")
    return ClipData(name=name, measured=measured, labels=frame_labels(measured.t_s, spans, boundary_s))


def plot_roc(result: ThresholdResult, path: Path) -> Path:
    """The ROC curve of one threshold, with the fitted and the previous value marked (PNG)."""
    assert result.roc is not None and result.fit is not None
    fig = Figure(figsize=(4.5, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(result.roc.fpr, result.roc.tpr, color="#1f77b4", label=f"ROC (AUC {result.roc.auc:.3f})")
    ax.plot([0, 1], [0, 1], color="#bbbbbb", lw=0.8, ls="--")
    ax.plot([result.fit.fpr], [result.fit.tpr], "o", color="#d62728",
            label=f"fitted {result.value:.3g} (BA {result.fit.balanced_accuracy:.3f})")
    ax.set_xlabel("good frames flagged (false-positive rate)")
    ax.set_ylabel("faulty frames flagged (true-positive rate)")
    ax.set_title(f"{result.check}: {result.threshold}", fontsize=10)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
