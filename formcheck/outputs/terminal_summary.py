"""The lines a terminal summary gives for a score, shared by ``formcheck score`` and ``formcheck live``."""

from __future__ import annotations

from formcheck.judge.scoring import Score
from formcheck.outputs.variants import variant_text


def score_rows(score: Score) -> list[tuple[str, str]]:
    """``(label, text)`` rows: valid time, longest hold, breaks, reps and what faulted them, faults."""
    s = score.summary
    lo, hi = score.target_s
    rows = [("valid time", f"{s.valid_s:.1f} s of {score.duration_s:.1f} s"),
            ("longest hold", f"{s.longest_hold_s:.1f} s" + (f" (target {lo:g}-{hi:g} s)" if lo and hi else "")),
            ("breaks", str(s.breaks))]
    if score.reps is not None:
        rows.append(("reps", score.reps_text()))
        rows += [("rep fault", f"{cue} ({n} of {len(score.reps)} reps)") for _, cue, n in score.rep_faults()]
    performed = variant_text(score)
    if performed is not None:
        rows.append(("done as", performed))
    sides = score.sides_text()
    if sides is not None:
        rows.append(("sides", sides))
    seconds_by_cue: dict[str, float] = {}
    for f in score.faults:
        seconds_by_cue[f.cue] = seconds_by_cue.get(f.cue, 0.0) + f.end_s - f.start_s
    rows += [("fault", f"{cue} ({seconds:.1f} s)")
             for cue, seconds in sorted(seconds_by_cue.items(), key=lambda kv: -kv[1])]
    return rows
