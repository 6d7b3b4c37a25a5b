"""The real-clip acceptance table (issue #21 item 7): every labelled clip, expected against measured.

    python benchmarks/acceptance.py                          # this checkout
    python benchmarks/acceptance.py --checkout /tmp/x/before --work /tmp/x/run-before

The expectations come from tests/real_clips.toml in THIS checkout; the code judged is the one in
``--checkout`` (any commit: e.g. ``git worktree add /tmp/x/before 2cfbea3``), run with this Python
and ``PYTHONPATH`` pointing at it. Each clip is estimated once per run, as the tests estimate it
(``record`` in the toml), then scored by ``formcheck score RECORDING -e NAME --no-video``, and its
report.json and recorded hips are held to the expectations. A checkout that refuses the name a user
types is given the names it knew (``old_names``); for a one-sided exercise the side that did more is
kept, as a user naming one side would get, and the other side's reps are shown beside it.

Estimations run one at a time (the machine's cores are shared); recordings in ``--work`` are reused
when the run is repeated. Prints a markdown table and writes ``results.json`` to ``--work``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._data import REPO, shared_data  # noqa: E402
from tests.real_clips import Clip, expected_reps_text, hip_track, load_clips, measure, misses  # noqa: E402

# Recorded in the checkout under test: its own estimator and recording format (the module moved in
# the restructure of session 7, so both places are tried).
_RECORD = """
import sys
try:
    from formcheck.pose.estimate import record
    from formcheck.pose.recording import save_recording
except ImportError:
    from formcheck.pipeline import record
    from formcheck.recording import save_recording
video, out, model, wall, fps = sys.argv[1:6]
save_recording(record(video, model=model, wall=wall == "1", sample_fps=float(fps) or None), out)
"""
# ``formcheck score`` exits 2 on a usage error, which is how a name it does not know is refused.
_USAGE_ERROR = 2


def _run(args: list[str], checkout: Path, work: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(checkout), "FORMCHECK_DB": str(work / "history.sqlite3")}
    return subprocess.run([sys.executable, *args], env=env, cwd=work, capture_output=True, text=True)


def _record(clip: Clip, data: Path, checkout: Path, work: Path) -> tuple[Path, float | None]:
    out = work / "recordings" / (clip.id.replace("/", "__") + ".poses.npz")
    if out.is_file():
        return out, None
    out.parent.mkdir(parents=True, exist_ok=True)
    r = clip.record
    started = time.monotonic()
    done = _run(["-c", _RECORD, str(data / clip.path), str(out), r.get("model", "full"), "1" if r.get("wall") else "0",
                 str(r.get("sample_fps") or 0)], checkout, work)
    if done.returncode != 0:
        raise RuntimeError(f"{clip.path}: recording failed: {done.stderr.strip()[-2000:]}")
    return out, time.monotonic() - started


def _score(recording: Path, name: str, checkout: Path, work: Path) -> dict | None:
    """report.json of ``name`` on ``recording``; None when the checkout refuses the name."""
    out = Path(tempfile.mkdtemp(dir=work, prefix="score-")) / "out"
    done = _run(["-m", "formcheck", "score", str(recording), "-e", name, "--no-video", "-o", str(out)], checkout, work)
    if done.returncode == _USAGE_ERROR:
        return None
    report = out / "report.json"
    if not report.is_file():
        raise RuntimeError(f"{recording.name} as {name}: exit {done.returncode}, no report: "
                           f"{done.stderr.strip()[-2000:]}")
    return json.loads(report.read_text())


def _hips(recording: Path) -> np.ndarray:
    with np.load(recording) as data:
        meta = json.loads(str(data["meta_json"]))
        return hip_track(data["t_s"], data["xyz_norm"], data["detected"], int(meta["width"]), int(meta["height"]))


def judge(clip: Clip, data: Path, checkout: Path, work: Path) -> dict:
    recording, estimate_s = _record(clip, data, checkout, work)
    report, name, other = _score(recording, clip.exercise, checkout, work), clip.exercise, {}
    if report is None:
        runs = {n: _score(recording, n, checkout, work) for n in clip.old_names}
        runs = {n: r for n, r in runs.items() if r is not None}
        if not runs:
            raise RuntimeError(f"{clip.path}: the checkout knows neither {clip.exercise!r} nor {clip.old_names}")
        name = max(runs, key=lambda n: (runs[n]["valid_s"] if clip.hold_s is not None else 0,
                                        (runs[n].get("reps") or {}).get("count", 0), runs[n]["valid_s"]))
        report = runs[name]
        other = {n: (r.get("reps") or {}).get("count", 0) for n, r in runs.items() if n != name}
    m = measure(clip, report, _hips(recording))
    missed = misses(clip, m)
    return {"clip": clip.id, "exercise": name, "typed": clip.exercise, "estimate_s": estimate_s,
            "hold_expected": clip.hold_s, "hold_tol_s": clip.hold_tol_s, "valid_s": m.valid_s,
            "reps_expected": expected_reps_text(clip), "reps": m.reps, "good_reps": m.good_reps,
            "per_side": m.per_side, "other_sides_reps": other,
            "excluded_valid_s": round(m.excluded_valid_s, 2) if clip.excluded else None,
            "swapped": (len(m.swaps) > 0) if clip.exerciser else None, "misses": missed}


def _cell_reps(row: dict) -> str:
    if row["reps"] is None:
        return "-"
    text = str(row["reps"])
    if row["per_side"]:
        text += " (" + " / ".join(f"{s[0].upper()} {n}" for s, n in sorted(row["per_side"].items())) + ")"
    if row["other_sides_reps"]:
        text += " [" + ", ".join(f"{n}: {c}" for n, c in row["other_sides_reps"].items()) + "]"
    return text + f", good {row['good_reps']}"


def table(rows: list[dict]) -> str:
    lines = ["| clip | scored as | hold expected | hold measured | reps expected | reps measured | "
             "valid s in excluded spans | exerciser swapped | result |", "|" + "---|" * 9]
    for r in rows:
        hold_e = "-" if r["hold_expected"] is None else f"{r['hold_expected']:g} ± {r['hold_tol_s']:g}"
        excl = "-" if r["excluded_valid_s"] is None else f"{r['excluded_valid_s']:.2f}"
        swapped = "-" if r["swapped"] is None else ("yes" if r["swapped"] else "no")
        scored = r["exercise"] if r["exercise"] == r["typed"] else f"{r['exercise']} ('{r['typed']}' refused)"
        result = "pass" if not r["misses"] else "FAIL: " + "; ".join(f"{k}: {v}" for k, v in r["misses"].items())
        lines.append(f"| {r['clip']} | {scored} | {hold_e} | {r['valid_s']:.2f} | {r['reps_expected'] or '-'} | "
                     f"{_cell_reps(r)} | {excl} | {swapped} | {result} |")
    passed = sum(not r["misses"] for r in rows)
    lines.append(f"\n{passed} of {len(rows)} clips meet every expectation.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=REPO, help="the code to judge (default: this checkout)")
    parser.add_argument("--work", type=Path, default=None, help="folder for recordings and reports (kept)")
    parser.add_argument("--only", default="", help="judge only clips whose path contains this")
    args = parser.parse_args()
    data = shared_data()
    work = (args.work or Path(tempfile.mkdtemp(prefix="acceptance-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for clip in load_clips(data):
        if args.only in clip.path:
            try:
                rows.append(judge(clip, data, args.checkout.resolve(), work))
            except RuntimeError as exc:  # one clip the checkout cannot score is a row of the table, not the end
                rows.append({"clip": clip.id, "exercise": clip.exercise, "typed": clip.exercise, "estimate_s": None,
                             "hold_expected": clip.hold_s, "hold_tol_s": clip.hold_tol_s, "valid_s": float("nan"),
                             "reps_expected": expected_reps_text(clip), "reps": None, "good_reps": None,
                             "per_side": None, "other_sides_reps": {}, "excluded_valid_s": None, "swapped": None,
                             "misses": {"error": str(exc).splitlines()[0][:300]}})
            print(f"{clip.id}: {'pass' if not rows[-1]['misses'] else rows[-1]['misses']}", file=sys.stderr)
    (work / "results.json").write_text(json.dumps(rows, indent=1))
    estimated = [r["estimate_s"] for r in rows if r["estimate_s"] is not None]
    print(table(rows))
    print(f"\n{len(estimated)} clips estimated in {sum(estimated):.0f} s; results in {work / 'results.json'}")


if __name__ == "__main__":
    main()
