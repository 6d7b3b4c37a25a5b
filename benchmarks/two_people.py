"""The exerciser among two people: rendered scenes with exact ground truth, and the real multi-person clips.

For each rendered scene (the studio's ``second_person``: a walker behind or in front, a helper kneeling
beside with hands on the exerciser's hips for part of the clip; 480x270, 10 fps, 6 s) it records the clip as
``score`` does (LiteRT, the exercise's posture hint) and prints one table row: frames whose hips are
nearer the second person than the exerciser (swapped), frames without a pose, seconds the helper's
hands truly touch, seconds flagged assisted (both, and flagged without a touch), valid seconds and
reps, and ``other_person_s``. Then each real clip with several people: valid seconds, reps,
``other_person_s`` and assisted frames (nobody assists in them).

    .venv/bin/python benchmarks/two_people.py [--out /tmp/two-people] [--real-only | --rendered-only]

Rendered clips are kept in ``--out`` and reused by later runs, so the same clips can be scored by
other code (e.g. an older checkout on PYTHONPATH, which then reports no assisted frames).
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import shared_data  # noqa: E402
from formcheck.engine.session import replay  # noqa: E402
from formcheck.judge.exercises import load_exercise  # noqa: E402
from formcheck.pose.estimate import record  # noqa: E402
from formcheck.pose.landmarks import Landmark  # noqa: E402
from formcheck_studio import GroundTruth, render_clip  # noqa: E402

HIPS = [Landmark.left_hip, Landmark.right_hip]
SCENES = ([("forearm_plank", "kneel_assist", s) for s in (1, 4, 5, 6)]
          + [("glute_bridge", "kneel_assist", s) for s in (1, 2)] + [("bird_dog", "kneel_assist", 3)]
          + [("forearm_plank", "walk_behind", s) for s in (2, 5)] + [("forearm_plank", "walk_in_front", 2)]
          + [("bodyweight_squat", "walk_in_front", s) for s in (3, 6)] + [("bodyweight_squat", "walk_behind", 7)])
REAL = (("videos/glute-bridge/adobestock-group-bridge-neon.mp4", "glute_bridge"),
        ("videos/squat/pexels-squat-pulses-trainer-beside.mp4", "bodyweight_squat"),
        ("videos/bird-dog/upc-alternating-bird-dog-outdoor-lowcam.mp4", "bird_dog"))


def _record(video: Path, exercise):
    options = {}
    if "posture" in inspect.signature(record).parameters:  # older code: no posture hint
        from formcheck.engine.posture import start_posture  # why: absent before the hint existed

        options["posture"] = start_posture(exercise)
    return record(video, model="litert", **options)


def rendered_row(video: Path, exercise_name: str) -> str:
    truth = GroundTruth.load(video.with_suffix(".json"))
    exercise = load_exercise(exercise_name)
    recording = _record(video, exercise)
    size = np.asarray(truth.size_wh, float)
    exerciser = truth.image_norm[:, HIPS, :2].mean(axis=1) * size
    other = truth.second.image_norm[:, HIPS, :2].mean(axis=1) * size
    swapped = missing = 0
    for f in recording.frames:
        i = int(round(f.t_s * truth.fps))
        hips = f.xy_px[HIPS].mean(axis=0)
        if not np.isfinite(hips).all():
            missing += 1
            continue
        swapped += np.linalg.norm(hips - other[i]) < np.linalg.norm(hips - exerciser[i])
    flagged = np.array([getattr(f, "assisted", False) for f in recording.frames])
    touching = truth.second.touching[[int(round(f.t_s * truth.fps)) for f in recording.frames]]
    score = replay(recording, exercise).score
    reps = "" if score.reps is None else f", {len(score.reps)} reps"
    fps = truth.fps
    seconds = [f"{n / fps:.1f}" for n in (touching.sum(), flagged.sum(), (flagged & touching).sum(),
                                          (flagged & ~touching).sum())]
    return (f"| {video.stem} | {swapped}/{len(recording.frames)} | {missing} | {' | '.join(seconds)} | "
            f"{score.summary.valid_s:.2f}{reps} | {recording.meta.get('other_person_s')} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/two-people"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--real-only", action="store_true")
    which.add_argument("--rendered-only", action="store_true")
    args = parser.parse_args()
    if not args.real_only:
        args.out.mkdir(parents=True, exist_ok=True)
        print("| scene | swapped | no pose | touching s | assisted s | both | assisted, no touch | valid s | "
              "other_person_s |\n|---|---|---|---|---|---|---|---|---|")
        for exercise, kind, seed in SCENES:
            video = args.out / f"{exercise}-{kind}-{seed}.mp4"
            if not video.exists():
                render_clip(exercise, None, None, 6.0, seed, (480, 270), 10.0, out_path=video, second_person=kind)
            print(rendered_row(video, exercise), flush=True)
    if not args.rendered_only:
        print("\n| real clip | valid s | reps | other_person_s | assisted frames |\n|---|---|---|---|---|")
        for clip, name in REAL:
            exercise = load_exercise(name)
            recording = _record(shared_data() / clip, exercise)
            score = replay(recording, exercise).score
            assisted = sum(getattr(f, "assisted", False) for f in recording.frames)
            reps = None if score.reps is None else len(score.reps)
            others = recording.meta.get("other_person_s")
            print(f"| {Path(clip).name} | {score.summary.valid_s:.2f} | {reps} | {others} | {assisted} |", flush=True)


if __name__ == "__main__":
    main()
