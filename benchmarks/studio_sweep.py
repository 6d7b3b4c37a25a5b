"""From which camera positions can each exercise be judged? A sweep over rendered studio bodies.

For each exercise, the studio renders a short span of the held position (good form, the plain
reference look, a fixed seed, so only the camera changes) from a grid of camera placements: yaw away
from the exercise's usual view (toward the body's front), camera height above the floor, and
horizontal distance from the body. MediaPipe (the bundled full model, tracking mode, frames in order)
estimates every frame, and the script reports against the exact ground truth:

* detection rate;
* landmark error: shoulders, hips, knees and ankles (both sides), 2D in the image, as % of body height;
* for each measure the exercise's checks use (joint angles, segment tilts, the hip's offset from a
  body line; on the side facing the camera, in 2D as formcheck judges them):
  (a) estimator error, |MediaPipe 2D - truth 2D|, and (b) camera distortion, |truth 2D - truth in the
  body's side plane| (the 3D body projected orthographically onto its own side plane: what an ideal
  side view measures; see formcheck_studio.accuracy);
* formcheck's own gates, for information: the share of frames whose view passes the exercise's
  side-view test, and whose needed near-side landmarks pass the visibility gate.

Judgeable (the rule): detection >= 95 %, landmark error <= 4 % of height, and for every measure
(a) + (b) <= 10 degrees (angles) or <= 0.05 of the stated body length (offsets).

Usage: python benchmarks/studio_sweep.py [--quick] [--exercises E ...] [--workers N] [--doc PATH | --no-doc]
The full grid writes docs/camera-placement.md; --quick (a smaller grid) writes no document unless --doc is given.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck_studio.accuracy import BODY, EXERCISE_MEASURES, landmark_error, near_side

EXERCISES = ("wall_sit", "forearm_plank", "glute_bridge", "bodyweight_squat")
FULL = {"yaws": (0.0, 15.0, 30.0, 45.0), "heights": (0.3, 0.9, 1.4), "distances": (2.5, 4.0)}
QUICK = {"yaws": (0.0, 45.0), "heights": (0.3, 1.4), "distances": (2.5,)}

DETECT_MIN = 0.95
LANDMARK_MAX = 0.04
ANGLE_MAX_DEG = 10.0
LENGTH_MAX = 0.05
RULE = (f"detection ≥ {DETECT_MIN:.0%}, landmark error ≤ {LANDMARK_MAX:.0%} of body height, and for every "
        f"measure the estimator error (a) plus the camera distortion (b) ≤ {ANGLE_MAX_DEG:g}° for angles "
        f"or ≤ {LENGTH_MAX:g} of the stated body length for offsets")

PLAN_SECONDS = 8.0   # long enough that every exercise's first hold lasts at least 1 s
SPAN_S = 1.2         # rendered span, centred in the first hold
FPS = 10.0
SIZE = (640, 360)
SEED = 0
HFOV_DEG = 60.0
DOC = Path(__file__).resolve().parent.parent / "docs" / "camera-placement.md"


@dataclass
class Result:
    exercise: str
    yaw_deg: float
    height_m: float
    distance_m: float
    frames: int = 0
    detected: float = 0.0
    landmark_err: float = float("nan")      # fraction of body height, mean over detected frames
    in_frame: float = 1.0                    # share of truth BODY landmarks inside the image
    view_ok: float = float("nan")            # share of detected frames formcheck's view test accepts
    seen: float = float("nan")               # share of detected frames with every needed near-side landmark
    est_err: dict[str, float] = field(default_factory=dict)    # (a) per measure, mean absolute
    cam_err: dict[str, float] = field(default_factory=dict)    # (b) per measure, mean absolute
    units: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def failures(self) -> list[str]:
        """Why the placement is not judgeable (empty when it is)."""
        out = []
        if not self.detected >= DETECT_MIN:
            out.append(f"detected {self.detected:.0%}")
        if not self.landmark_err <= LANDMARK_MAX:
            out.append(f"landmarks {100 * self.landmark_err:.1f}%")
        for name, a in self.est_err.items():
            total = a + self.cam_err[name]
            limit = ANGLE_MAX_DEG if self.units[name] == "deg" else LENGTH_MAX
            if not total <= limit:
                out.append(f"{name} {total:.1f}°" if self.units[name] == "deg" else f"{name} {total:.3f}")
        return out

    @property
    def judgeable(self) -> bool:
        return not self.failures()


def _fmt(v: float, unit: str) -> str:
    if v != v:
        return "–"
    return f"{v:.0f}°" if unit == "deg" else f"{v:.2f}"


def measure(exercise: str, yaw_deg: float, height_m: float, distance_m: float, *, span_s: float = SPAN_S,
            fps: float = FPS, size: tuple[int, int] = SIZE, seed: int = SEED, max_frames: int | None = None,
            model: str = "full") -> Result:
    """Render ``span_s`` of the held position from one camera placement and score MediaPipe on it."""
    from formcheck.judge.exercises import load_exercise
    from formcheck.judge.exercises.views import judge_view
    from formcheck.pose.estimators import make_estimator
    from formcheck.pose.landmarks import Landmark
    from formcheck.pose.smoothing import VisibilityGate
    from formcheck.sources.media import VideoFrame
    from formcheck_studio.clip import plan_clip

    t0 = time.perf_counter()
    plan = plan_clip(exercise, None, None, seconds=PLAN_SECONDS, seed=seed, size=size, fps=fps, randomize=False,
                     yaw_deg=yaw_deg, camera_height_m=height_m, camera_distance_m=distance_m, hfov_deg=HFOV_DEG)
    truth = plan.truth
    hold = truth.holds[0]
    mid = (hold.start_s + hold.end_s) / 2
    half = min(span_s, hold.seconds) / 2
    idx = [i for i, t in enumerate(truth.times_s) if mid - half - 1e-9 <= t <= mid + half + 1e-9]
    if max_frames:
        idx = idx[:max_frames]
    measures = EXERCISE_MEASURES[exercise]
    ex = load_exercise(exercise)
    view_kind, view_limit = ex.spec.view.kind, ex.thresholds[ex.spec.view.width_ratio].value
    gate = VisibilityGate()
    wh = np.asarray(truth.size_wh, float)
    body = list(BODY)
    inside = (truth.image_norm[idx][:, body, :2] >= 0) & (truth.image_norm[idx][:, body, :2] <= 1)

    detected, errs, view_ok, seen = 0, [], 0, 0
    est = {m.name: [] for m in measures}
    cam = {m.name: [] for m in measures}
    estimator = make_estimator(model)
    try:
        for k, i in enumerate(idx):
            frame = plan.render_frame(i)
            pose = estimator.estimate(VideoFrame(k, float(truth.times_s[i]), frame.rgb))
            side = near_side(truth, i)
            want = truth.xy_px(i)
            for m in measures:
                v2, vb = m.value_2d(want, side), m.value_side_plane(truth.world_m[i], side)
                cam[m.name].append(abs(v2 - vb) if v2 is not None and vb is not None else np.nan)
            if pose.missing.all():
                continue
            detected += 1
            got = pose.xyz_norm[:, :2].astype(float) * wh
            errs.append(landmark_error(got, truth, i))
            for m in measures:
                ve, v2 = m.value_2d(got, side), m.value_2d(want, side)
                est[m.name].append(abs(ve - v2) if ve is not None and v2 is not None else np.nan)
            gated = gate.update(pose)
            pts = [tuple(p) for p in (gated.xyz_norm[:, :2].astype(float) * wh)]
            view_ok += judge_view(view_kind, view_limit, pts, gated.missing).ok
            needed = {int(Landmark[f"{side}_{n}"]) for m in measures for n in m.points + (m.per or ())}
            seen += not gated.missing[sorted(needed)].any()
    finally:
        estimator.close()
    n = len(idx)
    return Result(
        exercise, float(yaw_deg), float(height_m), float(distance_m), frames=n, detected=detected / n,
        landmark_err=float(np.mean(errs)) if errs else float("nan"), in_frame=float(inside.all(axis=-1).mean()),
        view_ok=view_ok / detected if detected else float("nan"), seen=seen / detected if detected else float("nan"),
        est_err={k: float(np.nanmean(v)) if len(v) and not np.isnan(v).all() else float("nan") for k, v in est.items()},
        cam_err={k: float(np.nanmean(v)) if not np.isnan(v).all() else float("nan") for k, v in cam.items()},
        units={m.name: m.unit for m in measures}, seconds=time.perf_counter() - t0,
    )


def _measure_args(args: tuple) -> Result:
    return measure(*args)


def sweep(exercises, grid: dict, workers: int = 1) -> list[Result]:
    jobs = [(e, y, h, d) for e in exercises for y in grid["yaws"] for h in grid["heights"] for d in grid["distances"]]
    if workers <= 1:
        return [_progress(measure(*j)) for j in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return [_progress(r) for r in pool.map(_measure_args, jobs)]


def _progress(r: Result) -> Result:
    print(f"  {r.exercise:<17} yaw {r.yaw_deg:2.0f}° h {r.height_m:.1f} m d {r.distance_m:.1f} m: "
          f"{'judgeable' if r.judgeable else 'no: ' + ', '.join(r.failures())} ({r.seconds:.1f} s)",
          file=sys.stderr, flush=True)
    return r


# --- output ---------------------------------------------------------------------------------

def table(results: list[Result]) -> str:
    """One exercise's results, a row per placement (plain text)."""
    names = list(results[0].est_err)
    head = f"{'yaw':>4} {'h m':>4} {'d m':>4} {'det':>5} {'lm%':>5} {'infr':>5} {'view':>5} {'seen':>5}"
    head += "".join(f" {n[:14]:>14}" for n in names) + "  judgeable"
    lines = [head, " " * 43 + "".join(f" {'(a)+(b)':>14}" for _ in names)]
    for r in results:
        row = (f"{r.yaw_deg:4.0f} {r.height_m:4.1f} {r.distance_m:4.1f} {100 * r.detected:4.0f}% "
               f"{100 * r.landmark_err:5.2f} {100 * r.in_frame:4.0f}% {_pct(r.view_ok):>5} {_pct(r.seen):>5}")
        for n in names:
            cell = f"{_fmt(r.est_err[n], r.units[n])}+{_fmt(r.cam_err[n], r.units[n])}"
            row += f" {cell:>14}"
        lines.append(row + "  " + ("yes" if r.judgeable else "no: " + ", ".join(r.failures())))
    return "\n".join(lines)


def _pct(v: float) -> str:
    return "–" if v != v else f"{100 * v:.0f}%"


def _by_exercise(results: list[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.exercise, []).append(r)
    return out


def summary(results: list[Result]) -> str:
    lines = []
    for ex, rs in _by_exercise(results).items():
        ok = [r for r in rs if r.judgeable]
        yaws = sorted({r.yaw_deg for r in rs})
        per_yaw = ", ".join(f"{y:.0f}°: {sum(r.judgeable for r in rs if r.yaw_deg == y)}/"
                            f"{sum(r.yaw_deg == y for r in rs)}" for y in yaws)
        lines.append(f"{ex:<17} judgeable {len(ok):2d}/{len(rs)} placements  (by yaw: {per_yaw})")
    return "\n".join(lines)


def markdown(results: list[Result], grid: dict, elapsed_s: float) -> str:
    today = datetime.date.today().isoformat()
    out = [
        "# Camera placement: from where each exercise can be judged",
        "",
        f"Generated by `benchmarks/studio_sweep.py` on {today} — do not edit by hand; re-run the benchmark "
        "instead. The bodies are **rendered** by formcheck's exercise studio (`formcheck_studio/`): a "
        "procedural mannequin with exact ground truth, not recordings of people. Real people, clothes, "
        "rooms and light are harder, so read these as the best case: a placement that fails here will "
        "fail on real footage too; one that passes here is a necessary, not a sufficient, condition.",
        "",
        "## Method",
        "",
        f"Each exercise is rendered in good form, plain look, seed {SEED}, {SIZE[0]}x{SIZE[1]} px, "
        f"horizontal field of view {HFOV_DEG:g}°: {SPAN_S:g} s of the held position at {FPS:g} fps "
        "(the squat's held bottom lasts 1 s). Only the camera changes:",
        "",
        f"* **yaw**: {', '.join(f'{y:g}°' for y in grid['yaws'])} away from the exercise's usual side view, "
        "toward the body's front (away from the wall in the wall sit); 90° would be the front view;",
        f"* **height** of the camera above the floor: {', '.join(f'{h:g} m' for h in grid['heights'])};",
        f"* **distance**, horizontal, from the centre of the body: {', '.join(f'{d:g} m' for d in grid['distances'])}. "
        "The camera is tilted (never rolled) to aim at the body's centre.",
        "",
        "MediaPipe Pose (the bundled full model, tracking mode, frames in order) estimates every frame. "
        "Against the ground truth the benchmark measures the detection rate; the **landmark error**: "
        "shoulders, hips, knees and ankles (both sides), 2D in the image, as % of body height; and, for "
        "each measure the exercise's checks use, on the side facing the camera and in 2D as formcheck judges it, "
        "(a) the **estimator error** |MediaPipe 2D − truth 2D| and (b) the **camera distortion** "
        "|truth 2D − truth in the body| — how far the measure in the picture is from the same measure in "
        "the body. The body's measure is taken in its own side plane (the 3D landmarks projected "
        "orthographically onto it, as an ideal side view with no perspective would see them), because "
        "that is what a side-view check means: the raw 3D hip angle of a perfectly straight plank is not "
        "180°, since the shoulders are wider apart than the ankles.",
        "",
        f"**Rule.** A placement is *judgeable* when {RULE}.",
        "",
        "Shown for information, not part of the rule: *view* is the share of detected frames that "
        "formcheck's side-view test accepts (a body turned too far toward the camera is told to turn "
        "side-on, and nothing is judged); *seen* the share whose needed near-side landmarks pass the "
        "visibility gate; *in frame* the share of body landmarks inside the picture.",
        "",
        "## Summary",
        "",
        "| exercise | judgeable placements | " + " | ".join(f"yaw {y:g}°" for y in grid["yaws"]) + " |",
        "|---|---|" + "---|" * len(grid["yaws"]),
    ]
    groups = _by_exercise(results)
    for ex, rs in groups.items():
        cells = [f"{sum(r.judgeable for r in rs if r.yaw_deg == y)}/{sum(r.yaw_deg == y for r in rs)}"
                 for y in grid["yaws"]]
        out.append(f"| {ex} | {sum(r.judgeable for r in rs)}/{len(rs)} | " + " | ".join(cells) + " |")
    for ex, rs in groups.items():
        names = list(rs[0].est_err)
        out += ["", f"## {ex}", "",
                "Judgeable placements (✓), or what fails (✗), by camera height and distance (rows) and yaw (columns):",
                "",
                "| height, distance | " + " | ".join(f"yaw {y:g}°" for y in grid["yaws"]) + " |",
                "|---|" + "---|" * len(grid["yaws"])]
        for h in grid["heights"]:
            for d in grid["distances"]:
                cells = []
                for y in grid["yaws"]:
                    r = next((r for r in rs if (r.yaw_deg, r.height_m, r.distance_m) == (y, h, d)), None)
                    if r is None:
                        cells.append("")
                    else:
                        view = "" if r.view_ok != r.view_ok or r.view_ok >= 0.5 else " (view refused)"
                        cells.append(("✓" if r.judgeable else "✗ " + ", ".join(r.failures())) + view)
                out.append(f"| {h:g} m, {d:g} m | " + " | ".join(cells) + " |")
        out += ["", "Details — each measure as (a) estimator + (b) camera distortion; "
                "degrees, or body lengths for offsets:", "",
                "| yaw | height | distance | detected | landmarks % height | view | seen | "
                + " | ".join(names) + " |",
                "|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(names)]
        for r in rs:
            cells = [f"{_fmt(r.est_err[n], r.units[n])} + {_fmt(r.cam_err[n], r.units[n])}" for n in names]
            out.append(f"| {r.yaw_deg:g}° | {r.height_m:g} m | {r.distance_m:g} m | {100 * r.detected:.0f}% | "
                       f"{100 * r.landmark_err:.1f} | {_pct(r.view_ok)} | {_pct(r.seen)} | " + " | ".join(cells) + " |")
    measures = "; ".join(f"**{ex}**: " + ", ".join(m.name for m in EXERCISE_MEASURES[ex]) for ex in groups)
    out += ["", f"Measures: {measures}. "
            "Offsets are the hip's signed distance from the shoulder–ankle line over the shoulder–ankle "
            "length (plank) and from the shoulder–knee line over the torso length (bridge).",
            "", f"Sweep time: {elapsed_s / 60:.1f} min.", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smaller grid (yaw 0/45, height 0.3/1.4 m, 2.5 m)")
    ap.add_argument("--exercises", nargs="+", default=list(EXERCISES), choices=list(EXERCISE_MEASURES))
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                    help="processes (each runs MediaPipe on one thread); default 2")
    ap.add_argument("--doc", type=Path, default=None, help=f"write the Markdown here (full grid default: {DOC})")
    ap.add_argument("--no-doc", action="store_true", help="do not write the Markdown document")
    args = ap.parse_args(argv)
    grid = QUICK if args.quick else FULL
    t0 = time.perf_counter()
    results = sweep(args.exercises, grid, args.workers)
    elapsed = time.perf_counter() - t0
    for ex, rs in _by_exercise(results).items():
        print(f"\n== {ex} (side view; yaw toward the front; (a) estimator + (b) camera distortion)")
        print(table(rs))
    print(f"\nJudgeable when {RULE}.")
    print(summary(results))
    print(f"\n{len(results)} placements, {sum(r.frames for r in results)} frames in {elapsed:.0f} s", flush=True)
    doc = args.doc if args.doc else (None if args.quick else DOC)
    if doc and not args.no_doc:
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(markdown(results, grid, elapsed))
        print(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
