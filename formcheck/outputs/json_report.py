"""``report.json``: the machine-readable result of a scored session (schema documented in README)."""

from __future__ import annotations

import json
from pathlib import Path

from formcheck import __version__
from formcheck.atomic import atomic_open
from formcheck.judge.scoring import Score
from formcheck.outputs.variants import main_variant, variant_seconds

SCHEMA_VERSION = 1


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def report_dict(score: Score, source: str, model: str | None = None, other_person_s: float | None = None) -> dict:
    s = score.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": __version__,
        "exercise": score.exercise,
        "exercise_title": score.exercise_title,
        "source": source,
        "model": model,
        # Seconds in which the pose stage saw someone besides the exerciser (null: not looked for).
        "other_person_s": other_person_s,
        # Seconds in which another person's hands were on the exerciser: never valid.
        "assisted_s": _r(score.state_seconds().get("assisted", 0.0)),
        "complete": score.complete,
        "duration_s": _r(score.duration_s),
        "target_s": {"min": score.target_s[0], "max": score.target_s[1]},
        "valid_s": _r(s.valid_s),
        "longest_hold_s": _r(s.longest_hold_s),
        "breaks": s.breaks,
        "time_to_target_s": _r(s.time_to_target_s),
        "holds": [[_r(h.start_s), _r(h.end_s)] for h in s.holds],
        "faults": [{"check": f.check, "cue": f.cue, "start_s": _r(f.start_s), "end_s": _r(f.end_s)}
                   for f in score.faults],
        # Seconds each check could not be measured while the person was in position: not judged, so
        # neither passed nor failed (a safety check among them kept those seconds from counting).
        "unseen_s": {check: _r(seconds) for check, seconds in score.unseen_seconds().items()},
        "reps": None if score.reps is None else {
            "count": len(score.reps), "good": score.good_reps,
            "target": {"min": score.rep_target[0], "max": score.rep_target[1]} if score.rep_target else None,
            "list": [{"start_s": _r(r.start_s), "top_start_s": _r(r.top_start_s), "top_end_s": _r(r.top_end_s),
                      "end_s": _r(r.end_s), "faults": list(r.faults), "good": r.good,
                      "unseen": list(r.unseen), "side": r.side} for r in score.reps],
        },
        # A one-sided exercise named without a side: what each side did, and how even they are
        # (weaker / stronger, in reps or held seconds). Null for other sessions.
        "sides": None if score.sides is None else {
            s: {"reps": f.reps, "good_reps": f.good_reps, "valid_s": _r(f.valid_s),
                "longest_hold_s": _r(f.longest_hold_s)} for s, f in score.sides.items()},
        "balance": None if score.balance is None else {
            "weaker": score.balance[0], "ratio": _r(score.balance[1]), "text": score.sides_text()},
        # The exercise's variant done longest (a straight-arm plank), null for the exercise as such,
        # and the seconds done (valid or at fault) as each ("" = as such); null without variants.
        "variant": main_variant(score),
        "variant_s": None if (seconds := variant_seconds(score)) is None else {k: _r(v) for k, v in seconds.items()},
        "view": score.view,
        "state_s": {k: _r(v) for k, v in score.state_seconds().items()},
        "frames": [{"t_s": _r(r.t_s), "state": r.state.value, "failing": list(r.failing), "unseen": list(r.unseen),
                    "values": {k: _r(v, 4) for k, v in r.values.items()}, "variant": r.variant} for r in score.frames],
    }


def write_json(data: dict, path: str | Path) -> Path:
    """Atomic write: an interrupted run never leaves a half-written report."""
    with atomic_open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, allow_nan=False)
        fh.write("\n")
    return Path(path)
