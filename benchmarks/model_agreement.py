"""The int8 landmark model against the float one, on every real clip: landmarks, verdicts, hold times, reps.

    python benchmarks/model_agreement.py [--fps F] [--workers N] [--clip REL ...] [--json OUT]

Needs the int8 model built first (``formcheck models build``). For each clip under the shared data's
``videos/``, both models estimate it the way ``formcheck score`` does (``litert`` and ``litert-int8``,
with the wall stage for wall exercises), then:
- landmark error: per frame where both found a pose, each landmark's image distance between the two,
  in % of the float model's torso length (shoulder midpoint to hip midpoint) in that frame;
- per-frame verdict agreement: the share of frames whose engine state (valid / fault / not in
  position / cannot see) is the same;
- the engine's valid hold time and rep count of each, for clips whose folder names an exercise.
The int8 model may become the default only if every clip's hold time stays within 0.2 s and every
rep count is equal; the last line says whether it does, and what failed by how much.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402
from formcheck.engine.session import Session  # noqa: E402
from formcheck.judge.exercises.library import load_exercise  # noqa: E402
from formcheck.pose.estimate import record  # noqa: E402
from formcheck.pose.landmarks import Landmark  # noqa: E402
from formcheck.pose.models import LITERT_INT8_MODEL, LITERT_MODEL  # noqa: E402

# The exercise each clip folder shows (superman and push-up have none: landmarks only).
EXERCISE_BY_FOLDER = {
    "wall-sit": "wall_sit", "plank": "forearm_plank", "side-plank": "side_plank", "glute-bridge": "glute_bridge",
    "bird-dog": "bird_dog", "clamshell": "clamshell", "dead-bug": "dead_bug", "pelvic-tilt": "pelvic_tilt",
    "cat-cow": "cat_cow", "squat": "bodyweight_squat",
}
HOLD_TOLERANCE_S = 0.2
VIDEO_SUFFIXES = (".mp4", ".mov", ".gif", ".webm", ".mkv")
SHOULDERS, HIPS = (11, 12), (23, 24)


def landmark_errors_pct(float_rec, int8_rec) -> np.ndarray:
    """``(frames, 33)`` image distance between the two models' landmarks in % of the float torso length,
    over the frames where both found a pose (same frame index)."""
    by_index = {f.index: f for f in int8_rec.frames}
    rows = []
    for ref in float_rec.frames:
        got = by_index.get(ref.index)
        if got is None or np.isnan(ref.xyz_norm[:, :2]).all() or np.isnan(got.xyz_norm[:, :2]).all():
            continue
        scale = np.array(ref.image_wh, np.float64)
        a, b = ref.xyz_norm[:, :2] * scale, got.xyz_norm[:, :2] * scale
        torso = np.hypot(*(a[list(SHOULDERS)].mean(0) - a[list(HIPS)].mean(0)))
        if not torso > 1.0:
            continue
        rows.append(np.hypot(*(b - a).T) / torso * 100.0)
    return np.array(rows).reshape(-1, len(Landmark))


def engine_run(recording, exercise) -> tuple[list[str], float, int | None]:
    """(per-frame state, valid hold seconds, completed reps or None) of the engine over ``recording``."""
    session = Session(exercise)
    walls = recording.walls or [None] * len(recording.frames)
    states = [session.update(raw, wall).state.value for raw, wall in zip(recording.frames, walls)]
    score = session.finish(recording).score
    return states, score.summary.valid_s, (len(score.reps) if score.reps is not None else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=float, default=None, help="estimate at most this many frames a second "
                        "(as formcheck score --fps); default: every frame")
    parser.add_argument("--workers", type=int, default=1, help="estimation processes per clip (default 1: the "
                        "machine may be shared)")
    parser.add_argument("--clip", action="append", help="REL_PATH under the shared data folder (default: every clip)")
    parser.add_argument("--json", type=Path, help="also write every number to this file")
    args = parser.parse_args()
    root = shared_data()
    clips = ([root / c for c in args.clip] if args.clip else
             sorted(p for p in (root / "videos").rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES))
    print(f"int8 vs float landmark model, {len(clips)} clips, "
          f"{'every frame' if args.fps is None else f'{args.fps:g} frames a second'}")
    header = (f"{'clip':46} {'exercise':16} {'frames':>6} {'med %':>6} {'p95 %':>6} {'verdict':>7} "
              f"{'hold f':>7} {'hold q':>7} {'d hold':>6} {'reps f':>6} {'reps q':>6}")
    print(header)
    all_errors, results, failures = [], [], []
    started = time.perf_counter()
    for clip in clips:
        folder = clip.parent.name
        exercise = load_exercise(EXERCISE_BY_FOLDER[folder]) if folder in EXERCISE_BY_FOLDER else None
        wall = bool(exercise and exercise.needs_wall)
        recs = {model: record(clip, model=model, workers=args.workers, sample_fps=args.fps, wall=wall)
                for model in (LITERT_MODEL, LITERT_INT8_MODEL)}
        errors = landmark_errors_pct(recs[LITERT_MODEL], recs[LITERT_INT8_MODEL])
        all_errors.append(errors)
        med, p95 = (float(np.median(errors)), float(np.percentile(errors, 95))) if errors.size else (np.nan, np.nan)
        row = {"clip": str(clip.relative_to(root)), "exercise": exercise.name if exercise else None,
               "frames": len(recs[LITERT_MODEL].frames), "pose_frames": len(errors),
               "median_pct": med, "p95_pct": p95}
        if exercise is not None:
            (states_f, hold_f, reps_f), (states_q, hold_q, reps_q) = (engine_run(recs[m], exercise)
                                                                       for m in (LITERT_MODEL, LITERT_INT8_MODEL))
            agree = float(np.mean([a == b for a, b in zip(states_f, states_q)])) if states_f else np.nan
            row.update(verdict_agreement=agree, hold_float_s=hold_f, hold_int8_s=hold_q,
                       hold_diff_s=hold_q - hold_f, reps_float=reps_f, reps_int8=reps_q)
            if abs(hold_q - hold_f) > HOLD_TOLERANCE_S:
                failures.append(f"{clip.name}: hold {hold_f:.2f} s float vs {hold_q:.2f} s int8 "
                                f"({hold_q - hold_f:+.2f} s)")
            if reps_f != reps_q:
                failures.append(f"{clip.name}: reps {reps_f} float vs {reps_q} int8")
            tail = (f"{agree * 100:6.1f}% {hold_f:7.2f} {hold_q:7.2f} {hold_q - hold_f:+6.2f} "
                    f"{'' if reps_f is None else reps_f:>6} {'' if reps_q is None else reps_q:>6}")
        else:
            tail = f"{'':>7} {'':>7} {'':>7} {'':>6} {'':>6} {'':>6}"
        results.append(row)
        print(f"{row['clip'][-46:]:46} {(row['exercise'] or '-'):16} {row['frames']:6d} {med:6.2f} {p95:6.2f} {tail}",
              flush=True)
    errors = np.concatenate([e for e in all_errors if e.size]) if any(e.size for e in all_errors) else np.zeros((0, 33))
    print(f"\nall clips: {len(errors)} frames with a pose in both; landmark error median "
          f"{np.median(errors):.2f} %, 95th percentile {np.percentile(errors, 95):.2f} % of torso length "
          f"({time.perf_counter() - started:.0f} s)")
    print("per landmark (median / 95th percentile, % of torso length):")
    per_landmark = []
    for lm in Landmark:
        column = errors[:, int(lm)]
        per_landmark.append({"landmark": lm.name.lower(), "median_pct": float(np.median(column)),
                             "p95_pct": float(np.percentile(column, 95))})
    for k in range(0, len(per_landmark), 3):
        print("  " + "   ".join(f"{p['landmark']:>16} {p['median_pct']:5.2f} / {p['p95_pct']:5.2f}"
                                for p in per_landmark[k:k + 3]))
    verdict = ("int8 may become the default: every hold within 0.2 s and every rep count equal" if not failures
               else f"int8 stays optional: {len(failures)} differences: " + "; ".join(failures))
    print(verdict)
    if args.json:
        args.json.write_text(json.dumps({"clips": results, "per_landmark": per_landmark, "failures": failures,
                                         "fps": args.fps}, indent=1))


if __name__ == "__main__":
    main()
