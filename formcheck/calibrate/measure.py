"""Every frame of a recording judged by an exercise, as arrays: what both calibrate commands read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.judge.exercises import Exercise, Threshold
from formcheck.judge.scoring import Scorer
from formcheck.pose.estimate import load_poses
from formcheck.pose.frame import PoseFrame
from formcheck.pose.smoothing import clean


@dataclass(frozen=True)
class Measured:
    """Per frame: time, whether a person, the right view and the exercise's position were seen,
    and every check's measured value (NaN where it was not measured)."""

    source: str
    t_s: np.ndarray
    detected: np.ndarray
    view_ok: np.ndarray
    in_position: np.ndarray
    values: dict[str, np.ndarray]  # check id -> value per frame
    view_cue: str | None  # the most frequent reason the view was wrong, if it ever was
    entry_cue: str
    # The exercise's variant each frame was judged as ("" = the exercise as such); None: not recorded.
    variant: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.t_s.size)

    def seconds(self, mask: np.ndarray) -> float:
        """Seconds covered by the frames in ``mask`` (each frame lasts until the next one)."""
        if self.t_s.size < 2:
            return 0.0
        dt = np.diff(self.t_s, append=self.t_s[-1] + np.median(np.diff(self.t_s)))
        return float(np.sum(dt[mask]))


def measure_frames(frames: Iterable[PoseFrame], exercise: Exercise, source: str = "") -> Measured:
    """Judge cleaned frames with ``exercise`` through the same ``Scorer`` scoring uses (so speed
    conditions see the same motion stage)."""
    scorer = Scorer(exercise)
    ids = [c.id for c in exercise.checks]
    t, det, view, pos, variant = [], [], [], [], []
    vals: dict[str, list[float]] = {i: [] for i in ids}
    cues: Counter[str] = Counter()
    for pose in frames:
        ev = scorer.update(pose).evaluation
        t.append(pose.t_s)
        det.append(pose.detected)
        view.append(pose.detected and ev.view_ok)
        pos.append(pose.detected and ev.in_position)
        variant.append(ev.variant or "")
        if pose.detected and not ev.view_ok and ev.view_cue:
            cues[ev.view_cue] += 1
        got = {r.id: r.value for r in ev.results}
        for i in ids:
            v = got.get(i)
            vals[i].append(np.nan if v is None else float(v))
    return Measured(source=source, t_s=np.asarray(t, float), detected=np.asarray(det, bool),
                    view_ok=np.asarray(view, bool), in_position=np.asarray(pos, bool),
                    values={i: np.asarray(v, float) for i, v in vals.items()},
                    view_cue=cues.most_common(1)[0][0] if cues else None, entry_cue=exercise.spec.entry.cue,
                    variant=np.asarray(variant, dtype=object))


def measure_recording(source: str | Path, exercise: Exercise, model: str = "full") -> Measured:
    """Load (a recording) or estimate (a video) ``source`` once, clean it as scoring does, and measure it."""
    recording = load_poses(source, model=model)
    return measure_frames(clean(recording), exercise, source=str(source))


def check_thresholds(exercise: Exercise) -> list[tuple[str, str, Threshold]]:
    """``(check id, "min"|"max", threshold)`` for every limit a check uses, in check order; a
    threshold shared by two checks is listed once, with the first."""
    out, seen = [], set()
    for c in exercise.checks:
        for side, t in (("min", c.min), ("max", c.max)):
            if t is not None and t.name not in seen:
                seen.add(t.name)
                out.append((c.id, side, t))
    return out


def limits_in_force(exercise: Exercise) -> list[tuple[str, str, Threshold, frozenset[str]]]:
    """``(check id, "min"|"max", threshold, variants)`` for every limit a check uses, the exercise's
    own (:func:`check_thresholds`) and then each variant's in their place: ``variants`` are the frame
    variants (``Measured.variant``, ``""`` = as such) judged with that threshold."""
    variants = exercise.variants
    out = []
    for cid, side, t in check_thresholds(exercise):
        out.append((cid, side, t, frozenset({""} | {v.name for v in variants if t.name not in v.thresholds})))
    seen = {t.name for _, _, t, _ in out}
    for v in variants:
        for cid, side, t in check_thresholds(exercise):
            replaced = v.thresholds.get(t.name)
            if replaced is not None and replaced.name not in seen:
                seen.add(replaced.name)
                users = frozenset(w.name for w in variants if (got := w.thresholds.get(t.name)) is not None
                                  and got.name == replaced.name)
                out.append((cid, side, replaced, users))
    return out
