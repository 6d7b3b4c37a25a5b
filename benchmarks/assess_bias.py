"""Left/right bias of the pose model on rendered symmetric bodies, with and without mirror averaging.

Renders the studio's ``standing`` posture (front view, a symmetric body, exact ground truth) for a
few seeds, estimates every frame as seen and mirrored, and prints each asymmetry measure's median
for the truth, the direct estimate and the mirror-averaged one (mean, mean absolute, 95th
percentile and largest error over the seeds). The stated uncertainty floors in
``formcheck.assess.report`` are the 95th percentiles over seeds 0-19, rounded up.

    .venv/bin/python benchmarks/assess_bias.py [--seeds 0 1 2 3] [--fault right_shoulder_low]
"""

from __future__ import annotations

import argparse

import numpy as np

from formcheck.assess import measures as m
from formcheck.assess.mirror import make_mirror_estimator
from formcheck.sources import VideoFrame
from formcheck.studio import plan_clip

FRONT = (m.shoulder_height_diff_cm, m.hip_height_diff_cm, m.lateral_shift_cm, m.trunk_shift_cm,
         m.head_tilt_deg, m.knee_valgus_diff_deg)


def run(seed: int, fault: str | None) -> dict[str, tuple[float, float, float]]:
    plan = plan_clip("standing", fault, "front", 2.0, seed=seed, size=(480, 640), fps=10)
    estimator = make_mirror_estimator()
    pairs = [estimator.estimate_both(VideoFrame(i, float(plan.truth.times_s[i]), frame.rgb))
             for i, frame in enumerate(plan.frames())]
    estimator.close()
    direct, mirrored = [d for d, _ in pairs], [avg for _, avg in pairs]
    truth = plan.truth.pose_frames()
    out = {}
    for fn in FRONT:
        out[fn.__name__] = tuple(float(np.nanmedian([fn(f) for f in frames])) for frames in (truth, direct, mirrored))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--fault", default=None)
    args = parser.parse_args()
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for seed in args.seeds:
        for name, triple in run(seed, args.fault).items():
            rows.setdefault(name, []).append(triple)
    print(f"{len(args.seeds)} seeds; error = estimate - truth (the body is symmetric unless --fault)")
    print(f"{'measure':26s} {'truth':>7s} {'direct err (mean|abs|p95|max)':>36s} {'mirror err (mean|abs|p95|max)':>36s}")
    for name, triples in rows.items():
        arr = np.array(triples)
        cols = []
        for err in (arr[:, 1] - arr[:, 0], arr[:, 2] - arr[:, 0]):
            a = np.abs(err)
            cols.append(f"{err.mean():9.2f}{a.mean():9.2f}{np.percentile(a, 95):9.2f}{a.max():9.2f}")
        print(f"{name:26s} {arr[:, 0].mean():7.2f} {cols[0]} {cols[1]}")


if __name__ == "__main__":
    main()
