"""``timeline.png``: the frame state over time, and each check's measured value against its limits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.judge.exercises import Exercise
from formcheck.judge.scoring import Score
from formcheck.judge.timer import FrameState
from formcheck.outputs.figures import new_figure

STATE_COLOURS = {
    FrameState.VALID: "#3cb44b",
    FrameState.FAULT: "#e6194b",
    FrameState.NOT_IN_POSITION: "#a9a9a9",
    FrameState.CANNOT_SEE: "#f0a020",
    FrameState.ASSISTED: "#911eb4",
}
STATE_LABELS = {
    FrameState.VALID: "valid (counting)",
    FrameState.FAULT: "fault",
    FrameState.NOT_IN_POSITION: "not in position",
    FrameState.CANNOT_SEE: "cannot see",
    FrameState.ASSISTED: "assisted (not counted)",
}


def _state_runs(score: Score) -> dict[FrameState, list[tuple[float, float]]]:
    runs: dict[FrameState, list[tuple[float, float]]] = {s: [] for s in FrameState}
    ends = [r.t_s for r in score.frames[1:]] + [score.duration_s]
    for row, end in zip(score.frames, ends):
        spans = runs[row.state]
        if spans and abs(spans[-1][0] + spans[-1][1] - row.t_s) < 1e-6:
            spans[-1] = (spans[-1][0], end - spans[-1][0])
        else:
            spans.append((row.t_s, end - row.t_s))
    return runs


def write_timeline(score: Score, exercise: Exercise, path: str | Path) -> Path:
    # The margins are fixed in inches because tight_layout measured every tick label again and
    # cost half the re-score time.
    checks = [c for c in exercise.checks
              if any(r.values.get(c.id) is not None for r in score.frames)]
    height_in = 1.3 + 1.6 * len(checks)
    fig = new_figure(figsize=(10, height_in))
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.35 / height_in, bottom=0.55 / height_in,
                        hspace=0.55)
    axes = fig.subplots(1 + len(checks), 1, sharex=True, squeeze=False,
                        gridspec_kw={"height_ratios": [0.7] + [1.6] * len(checks)})[:, 0]
    ax = axes[0]
    for state, spans in _state_runs(score).items():
        if spans:
            ax.broken_barh(spans, (0, 1), color=STATE_COLOURS[state], label=STATE_LABELS[state])
    for hold in score.summary.holds:
        ax.plot([hold.start_s, hold.end_s], [1.15, 1.15], color="#1b5e20", lw=3, solid_capstyle="butt")
    ax.set_ylim(0, 1.3)
    ax.set_yticks([])
    ax.set_title(f"{score.exercise_title}: {score.summary.valid_s:.1f} s valid, "
                 f"longest hold {score.summary.longest_hold_s:.1f} s", loc="left", fontsize=10, y=1.0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, fontsize=8, frameon=False)

    t = np.array([r.t_s for r in score.frames])
    for ax, check in zip(axes[1:], checks):
        values = np.array([np.nan if r.values.get(check.id) is None else r.values[check.id]
                           for r in score.frames], float)
        ax.plot(t, values, color="#1f3b73", lw=1.2)
        failing = np.array([check.id in r.failing for r in score.frames])
        ax.plot(t[failing], values[failing], ".", color=STATE_COLOURS[FrameState.FAULT], ms=3)
        for limit in (check.min, check.max):
            if limit is not None:
                ax.axhline(limit.value, color="#e6194b", ls="--", lw=1)
        unit = "°" if check.unit == "deg" else "× body length"
        ax.set_ylabel(unit, fontsize=8)
        ax.set_title(f"{check.id}: {check.cue}", loc="left", fontsize=9, y=1.0)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("time (s)")
    axes[-1].set_xlim(0, max(score.duration_s, 1e-3))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path
