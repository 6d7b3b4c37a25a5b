"""``formcheck calibrate reference`` and ``formcheck calibrate fit``.

Register with ``main.add_command(calibrate)`` (``from formcheck.cli.calibrate import calibrate``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
from rich.table import Table

from formcheck.calibrate.fit import LabelMap, clip_data, fit_exercise, labels_for, plot_roc, read_labels
from formcheck.calibrate.measure import measure_frames
from formcheck.calibrate.profiles import Entry, profile_path, today, write_calibration
from formcheck.calibrate.reference import MARGIN, TRIM_S, propose_from_reference
from formcheck.calibrate.sources import is_camera, load_source
from formcheck.cli.console import print_warning, progress_bar, stdout_console
from formcheck.cli.options import FiniteFloat
from formcheck.errors import FormcheckError
from formcheck.judge.exercises.library import _read_toml, load_exercise
from formcheck.pose.smoothing import clean

MODEL_HELP = "pose model for videos and cameras: 'full' (bundled, default), 'lite', 'heavy' or a .task file"


@click.group("calibrate")
def calibrate() -> None:
    """Tune an exercise's thresholds: to one person (reference) or to labelled clips (fit)."""


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}" + (" °" if unit == "deg" else "")


def _load(source: str, model: str, camera_seconds: float):

    if is_camera(source):
        stdout_console().print(f"camera {source}: get into position; recording {camera_seconds:g} s "
                               "after a 3 s countdown")
        return load_source(source, model, camera_seconds)
    with progress_bar(f"landmarks of {Path(source).name}") as update:
        return load_source(source, model, camera_seconds, progress=update)


# --- reference -------------------------------------------------------------------------------

@calibrate.command("reference")
@click.argument("source")
@click.option("-e", "--exercise", "exercise_name", required=True, help="exercise name (see 'formcheck exercises')")
@click.option("--profile", required=True, help="profile name to write (e.g. the person's name)")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="write the profile here instead of the user's profile folder")
@click.option("--seconds", "camera_seconds", type=FiniteFloat(min=4.0), default=10.0, show_default=True,
              help="how long to record when SOURCE is a camera index")
@click.option("--model", default="full", show_default=True, help=MODEL_HELP)
def reference_command(source: str, exercise_name: str, profile: str, out_file: Path | None,
                      camera_seconds: float, model: str) -> None:
    """Personal thresholds from a reference hold in SOURCE (a video, a .poses.npz recording, or a
    camera index): hold the position as the therapist wants it, still, for at least 4 s.

    Every check's value over the steady part of the hold (median, spread, 5th-95th percentile)
    becomes the person's limit, widened by a margin (5° for angles, 0.03 body lengths for
    distances) and clipped to the exercise's safety bounds.
    """

    base = load_exercise(exercise_name)
    path = out_file or profile_path(profile, base.spec.name)
    existing = _existing_profile(path, base.spec.name)
    exercise = load_exercise(exercise_name, profile=path) if existing else base
    recording = _load(source, model, camera_seconds)
    result = propose_from_reference(measure_frames(clean(recording), exercise, source=str(source)), exercise)

    name = Path(source).name
    entries = dict(existing)
    for p in result.proposals:
        stat = "95th percentile" if p.side == "max" else "5th percentile"
        sign = "+" if p.side == "max" else "-"
        note = (f"calibrate reference {today()}: {name}, steady hold {result.start_s:.1f}-{result.end_s:.1f} s "
                f"({p.n} frames): median {p.median:.3g}, MAD {p.mad:.2g}, {stat} "
                f"{p.p95 if p.side == 'max' else p.p5:.3g} {sign} margin {MARGIN.get(p.unit, MARGIN['body']):g}")
        if p.clipped:
            note += f"; {p.clip_note()}"
        entries[p.threshold] = Entry(p.value, note)
    version = _next_version(path) if existing else 1
    kept = _keep_previous(path, version - 1) if existing else None
    write_calibration(path, base.spec.name, entries, version=version,
                      about=f"profile {profile!r}: personal limits from a reference hold ({name})",
                      header=f"Written by 'formcheck calibrate reference' on {today()}.")

    console = stdout_console()
    table = Table(title=f"{exercise.title}: profile {profile!r} from the steady hold "
                        f"{result.start_s:.1f}-{result.end_s:.1f} s ({result.steady_s:.1f} s, "
                        f"{TRIM_S:g} s trimmed at each end)")
    for col in ("check", "threshold", "median", "MAD", "5th-95th pct", "before", "after", "safety bounds", "note"):
        table.add_column(col, overflow="fold")
    for p in result.proposals:
        table.add_row(p.check, f"{p.side} {p.threshold}", _fmt(p.median, p.unit), _fmt(p.mad, p.unit),
                      f"{_fmt(p.p5, p.unit)} – {_fmt(p.p95, p.unit)}", _fmt(p.current, p.unit),
                      _fmt(p.value, p.unit), f"[{p.bounds[0]:g}, {p.bounds[1]:g}]", p.clip_note() or "")
    console.print(table)
    for p in result.proposals:
        if p.clipped:
            print_warning(f"{p.clip_note()}: a calibration may not set a limit outside the exercise's safety bounds")
    for name_, why in result.skipped.items():
        print_warning(f"{name_} kept: {why}")
    console.print(f"profile written: [bold]{path}[/]  (use it with --profile "
                  f"{profile if out_file is None else path})")
    if kept is not None:
        console.print(f"the previous version is kept as {kept}")


def _existing_profile(path: Path, exercise: str) -> dict:
    """The entries of a profile file already at ``path``, kept for thresholds not re-measured."""

    if not path.is_file():
        return {}
    raw = _read_toml(path, "calibration profile")
    if raw.get("exercise") != exercise:
        raise FormcheckError(f"{path}: is a profile of {raw.get('exercise')!r}, not of {exercise!r}")
    return {k: Entry(float(v["value"]), str(v["source"])) for k, v in raw.get("thresholds", {}).items()}


def _keep_previous(path: Path, version: int) -> Path:
    """A profile is never overwritten: its previous version stays beside it, numbered."""
    kept = path.with_name(f"{path.stem}.v{version}{path.suffix}")
    n = 1
    while kept.exists():
        kept, n = path.with_name(f"{path.stem}.v{version}-{n}{path.suffix}"), n + 1
    shutil.copy2(path, kept)
    return kept


def _next_version(path: Path) -> int:
    version = _read_toml(path, "calibration file").get("version") if path.is_file() else None
    return int(version) + 1 if isinstance(version, int) else 1


# --- fit -------------------------------------------------------------------------------------

def _parse_faults(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        letter, sep, check = pair.partition("=")
        if not sep or not letter.strip() or not check.strip():
            raise click.BadParameter(f"{pair!r}: expected LETTER=CHECK, e.g. h=hips_too_high", param_hint="--fault")
        out[letter.strip()] = check.strip()
    return out


@calibrate.command("fit")
@click.argument("sources", nargs=-1, required=True)
@click.option("-e", "--exercise", "exercise_name", required=True, help="exercise name (see 'formcheck exercises')")
@click.option("--labels", "labels_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="CSV with video,start_s,end_s,label rows")
@click.option("--good", multiple=True, required=True, help="a label letter meaning good form (repeatable)")
@click.option("--fault", "faults", multiple=True, required=True,
              help="LETTER=CHECK: a label letter meaning that check's fault (repeatable)")
@click.option("--ignore", multiple=True, help="a label letter to leave out, e.g. not exercising (repeatable)")
@click.option("--boundary", "boundary_s", type=FiniteFloat(min=0.0), default=0.5, show_default=True,
              help="seconds around each change of label left out (labels set by eye)")
@click.option("-o", "--out-dir", type=click.Path(path_type=Path), default=Path("out/calibrate-fit"),
              show_default=True, help="folder for the fitted calibration, ROC plots and fit.json")
@click.option("--model", default="full", show_default=True, help=MODEL_HELP)
def fit_command(sources: tuple[str, ...], exercise_name: str, labels_file: Path, good: tuple[str, ...],
                faults: tuple[str, ...], ignore: tuple[str, ...], boundary_s: float, out_dir: Path, model: str) -> None:
    """Fit default thresholds on labelled SOURCES (videos or .poses.npz recordings).

    For every check with a labelled fault, the threshold that best separates good frames from
    that fault's frames (balanced accuracy), checked by leave-one-clip-out cross-validation.
    Writes OUT_DIR/<exercise>.toml (a complete default calibration: values not fitted are kept,
    with their notes), OUT_DIR/roc-<check>-<threshold>.png and OUT_DIR/fit.json.
    """

    label_map = LabelMap(good=frozenset(good), faults=_parse_faults(faults), ignore=frozenset(ignore))
    overlap = set(label_map.good) & set(label_map.faults)
    if overlap:
        raise FormcheckError(f"label {', '.join(sorted(overlap))} is both --good and --fault")
    exercise = load_exercise(exercise_name)
    labels = read_labels(labels_file)
    clips = []
    for source in sources:
        video, spans = labels_for(source, labels)
        recording = _load(source, model, 0.0)  # each source is estimated once
        clips.append(clip_data(measure_frames(clean(recording), exercise, source=source), spans, video,
                               label_map, boundary_s))
    result = fit_exercise(exercise, clips, label_map)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = {r.threshold: plot_roc(r, out_dir / f"roc-{r.check}-{r.threshold}.png") for r in result.thresholds
             if r.roc is not None}
    cal_path = _write_fit(exercise, result, labels_file, label_map, out_dir)
    (out_dir / "fit.json").write_text(json.dumps(_fit_json(result, labels_file, plots), indent=2) + "\n",
                                      encoding="utf-8")
    _print_fit(exercise, result, boundary_s)
    stdout_console().print(f"calibration written: [bold]{cal_path}[/]  (ROC plots and fit.json beside it)")


def _short(path: Path) -> str:
    """``labels/plank-posture.csv``: enough of a path to name it, without the user's folders."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _fit_note(r, clips: list[str], labels_file: Path, label_map: LabelMap, date: str) -> str:
    letters = "+".join(sorted(label_map.check_letters(r.check)))
    cv = f"{r.cv_ba:.3f} ({r.cv_folds} folds)" if r.cv_ba is not None else "n/a"
    note = (f"calibrate fit {date}: best balanced accuracy separating '{'+'.join(sorted(label_map.good))}' from "
            f"'{letters}' frames in position, {r.fit.n_good} vs {r.fit.n_fault} frames of {', '.join(clips)} "
            f"(labels {_short(labels_file)}): BA {r.fit.balanced_accuracy:.3f}, F1 {r.fit.f1:.3f}, "
            f"leave-one-clip-out CV BA {cv}; previous value {r.current:g} had BA {r.current_ba:.3f}")
    if r.clipped:
        note += f"; {r.clip_note()}"
    return note


def _write_fit(exercise, result, labels_file: Path, label_map, out_dir: Path) -> Path:

    entries = {name: Entry(t.value, t.source) for name, t in exercise.thresholds.items()}
    for r in result.thresholds:
        if r.value is not None:
            entries[r.threshold] = Entry(r.value, _fit_note(r, result.clips, labels_file, label_map, today()))
    old_version = _read_toml(exercise.calibration_path, "calibration file").get("version")
    return write_calibration(out_dir / f"{exercise.spec.name}.toml", exercise.spec.name, entries,
                             version=(old_version or 0) + 1,
                             header=f"Written by 'formcheck calibrate fit' on {today()} from {_short(labels_file)}.")


def _fit_json(result, labels_file: Path, plots: dict[str, Path]) -> dict:
    return {
        "exercise": result.exercise, "labels": str(labels_file), "clips": result.clips,
        "thresholds": [{
            "threshold": r.threshold, "check": r.check, "side": r.side, "previous": r.current, "fitted": r.value,
            "fitted_unclipped": r.raw, "balanced_accuracy": r.fit and r.fit.balanced_accuracy,
            "f1": r.fit and r.fit.f1, "n_good": r.fit and r.fit.n_good, "n_fault": r.fit and r.fit.n_fault,
            "previous_balanced_accuracy": r.current_ba, "cv_balanced_accuracy": r.cv_ba, "cv_folds": r.cv_folds,
            "auc": r.roc.auc if r.roc is not None else None, "roc_png": str(plots.get(r.threshold, "")) or None,
            "not_fitted_because": r.reason or None,
        } for r in result.thresholds],
    }


def _print_fit(exercise, result, boundary_s: float) -> None:
    table = Table(title=f"{exercise.title}: thresholds fitted on {len(result.clips)} clips "
                        f"({boundary_s:g} s around label changes left out)")
    for col in ("check", "threshold", "previous", "fitted", "good/fault frames", "BA", "F1", "AUC",
                "previous BA", "CV BA (clips)", "note"):
        table.add_column(col, overflow="fold")
    for r in result.thresholds:
        if r.fit is None:
            table.add_row(r.check, f"{r.side} {r.threshold}", _fmt(r.current, r.unit), "kept", "", "", "", "", "",
                          "", r.reason)
            continue
        cv = f"{r.cv_ba:.3f} ({r.cv_folds})" if r.cv_ba is not None else "n/a"
        table.add_row(r.check, f"{r.side} {r.threshold}", _fmt(r.current, r.unit), _fmt(r.value, r.unit),
                      f"{r.fit.n_good}/{r.fit.n_fault}", f"{r.fit.balanced_accuracy:.3f}", f"{r.fit.f1:.3f}",
                      f"{r.roc.auc:.3f}", f"{r.current_ba:.3f}", cv, r.clip_note() or "")
    stdout_console().print(table)
    for r in result.thresholds:
        if r.clipped:
            print_warning(f"{r.clip_note()}: a calibration may not set a limit outside the exercise's safety bounds")


__all__ = ["calibrate"]
