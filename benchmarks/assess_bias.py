"""Left/right bias of the pose model on rendered symmetric bodies, with and without mirror averaging.

Renders the studio's ``standing`` posture (front view, a symmetric body, exact ground truth) for a
few seeds, estimates every frame as seen and mirrored, and prints each asymmetry measure's median
for the truth, the direct estimate and the mirror-averaged one (mean, mean absolute, 95th
percentile and largest error over the seeds). The stated uncertainty floors in
``formcheck.assess.report`` are the 95th percentiles over seeds 0-19, rounded up.

    .venv/bin/python benchmarks/assess_bias.py [--seeds 0 1 2 3] [--fault right_shoulder_low] [--step squat|stance]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.assess import measures as m, steps  # noqa: E402
from tests.rendered import estimate_rendered  # noqa: E402

FRONT = (m.shoulder_height_diff_cm, m.hip_height_diff_cm, m.lateral_shift_cm, m.trunk_shift_cm,
         m.head_tilt_deg, m.knee_valgus_diff_deg)


def run(seed: int, fault: str | None) -> dict[str, tuple[float, float, float]]:
    """Standing, facing the camera: the per-frame measures' medians."""
    truth, direct, mirrored = estimate_rendered("standing", seed, 2.0, fault)
    out = {}
    for fn in FRONT:
        out[fn.__name__] = tuple(float(np.nanmedian([fn(f) for f in frames])) for frames in (truth, direct, mirrored))
    return out


def run_squat(seed: int, fault: str | None) -> dict[str, tuple[float, float, float]]:
    """Squats facing the camera: knee travel and hip shift, left against right."""
    clips = estimate_rendered("bodyweight_squat", seed, 8.0)
    results = [{r.name: r.value for r in steps.analyse_squat(frames, mirrored)}
               for frames, mirrored in zip(clips, (False, False, True))]
    return {name: tuple(r[name] for r in results) for name in ("squat_knee_inward_diff_cm", "squat_hip_shift_cm")}


def run_stance(seed: int, fault: str | None) -> dict[str, tuple[float, float, float]]:
    """Standing on each leg: the difference in sway."""
    left = estimate_rendered("single_leg_stance_left", seed, 6.0)
    right = estimate_rendered("single_leg_stance_right", seed, 6.0)
    out = []
    for k, mirrored in zip(range(3), (False, False, True)):
        values = {r.name: r.value for r in steps.analyse_stance(left[k], right[k], mirrored)}
        out.append(values["stance_sway_diff_cm"])
    return {"stance_sway_diff_cm": tuple(out)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--fault", default=None)
    parser.add_argument("--step", choices=("front", "squat", "stance"), default="front")
    args = parser.parse_args()
    runner = {"front": run, "squat": run_squat, "stance": run_stance}[args.step]
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for seed in args.seeds:
        for name, triple in runner(seed, args.fault).items():
            rows.setdefault(name, []).append(triple)
    print(f"{len(args.seeds)} seeds; error = estimate - truth (the body is symmetric unless --fault)")
    print(f"{'measure':26s} {'truth':>7s} {'direct err (mean|abs|p95|max)':>36s} "
          f"{'mirror err (mean|abs|p95|max)':>36s}")
    for name, triples in rows.items():
        arr = np.array(triples)
        cols = []
        for err in (arr[:, 1] - arr[:, 0], arr[:, 2] - arr[:, 0]):
            a = np.abs(err)
            missed = int(np.isnan(err).sum())  # a seed the measure could not be taken on
            cols.append(f"{np.nanmean(err):9.2f}{np.nanmean(a):9.2f}{np.nanpercentile(a, 95):9.2f}{np.nanmax(a):9.2f}"
                        + (f" ({missed} not measured)" if missed else ""))
        print(f"{name:26s} {np.nanmean(arr[:, 0]):7.2f} {cols[0]} {cols[1]}")


if __name__ == "__main__":
    main()
