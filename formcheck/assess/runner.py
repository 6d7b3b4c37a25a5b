"""Running the assessment's steps: estimate, measure, write the report, save to the history."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.assess import steps
from formcheck.assess.html import render_html
from formcheck.assess.mirror import make_mirror_estimator
from formcheck.assess.report import Result, weaker_side
from formcheck.outputs.history.errors import HistoryError
from formcheck.outputs.history.store import open_store
from formcheck.outputs.json_report import write_json
from formcheck.pose.estimators import make_estimator
from formcheck.pose.frame import PoseFrame


@dataclass(frozen=True)
class AssessmentReport:
    results: list[Result]
    weaker: str | None
    html_path: Path
    session_id: int | None  # None when it could not be stored (see history_problem)
    history_problem: str | None = None


def make_estimator_for(model: str, mirror_average: bool):
    return make_mirror_estimator(model) if mirror_average else make_estimator(model)


def estimate_all(frames: Iterable, estimator) -> list[PoseFrame]:
    return [estimator.estimate(f) for f in frames]


def analyse(poses: Mapping[str, list[PoseFrame]], mirrored: bool) -> list[Result]:
    out: list[Result] = []
    if "front" in poses:
        out += steps.analyse_front(poses["front"], mirrored)
    if "side" in poses:
        out += steps.analyse_side(poses["side"], mirrored)
    if "stance_left" in poses and "stance_right" in poses:
        out += steps.analyse_stance(poses["stance_left"], poses["stance_right"], mirrored)
    if "squat" in poses:
        out += steps.analyse_squat(poses["squat"], mirrored)
    return out


def estimate_steps(sources: Mapping[str, Callable[[], Iterable]], model: str,
                   mirror_average: bool) -> tuple[dict[str, list[PoseFrame]], str]:
    """Each step's frames from its own video (one fresh estimator per step, so tracking never spans
    two clips); returns the poses per step and the estimator's name."""
    poses: dict[str, list[PoseFrame]] = {}
    name = model
    for step, frames in sources.items():
        estimator = make_estimator_for(model, mirror_average)
        name = estimator.name
        try:
            poses[step] = estimate_all(frames(), estimator)
        finally:
            estimator.close()
    return poses, name


ASSESSMENT_SCHEMA_VERSION = 1


def _finite(x: float) -> float | None:
    return round(float(x), 4) if math.isfinite(x) else None


def assessment_dict(poses: Mapping[str, list[PoseFrame]], results: Sequence[Result], weaker: str | None,
                    model_name: str, mirror_average: bool, notes: Sequence[str]) -> dict:
    """``assessment.json``: every measure, and when each step was measured (source seconds)."""
    return {
        "schema_version": ASSESSMENT_SCHEMA_VERSION, "model": model_name, "mirror_average": mirror_average,
        "weaker_side": weaker, "notes": list(notes),
        "steps": {name: {"start_s": _finite(frames[0].t_s), "end_s": _finite(frames[-1].t_s), "frames": len(frames)}
                  for name, frames in poses.items() if frames},
        "results": [{"name": r.name, "step": r.step, "value": _finite(r.value),
                     "uncertainty": _finite(r.uncertainty), "unit": r.unit, "reading": r.reading, "side": r.side,
                     "frames": r.frames} for r in results],
    }


def finish_assessment(poses: Mapping[str, list[PoseFrame]], model_name: str, mirror_average: bool,
                      out_dir: Path, db: Path | None, notes: Sequence[str] = ()) -> AssessmentReport:
    """Measure, write report.html and save the measures to the history."""
    results = analyse(poses, mirror_average)
    weaker = weaker_side(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(assessment_dict(poses, results, weaker, model_name, mirror_average, notes), out_dir / "assessment.json")
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(results, weaker, model_name, mirror_average, notes), encoding="utf-8")
    try:
        with open_store(db) as store:
            session_id = store.add_session("assessment", kind="assessment", source=",".join(poses),
                                           measures=[r.as_measure() for r in results if r.measured],
                                           report_path=html_path)
    except HistoryError as exc:
        # The report is written: a history that cannot take it costs a warning, not the result.
        return AssessmentReport(results, weaker, html_path, None, history_problem=str(exc))
    return AssessmentReport(results, weaker, html_path, session_id)


def run_assessment(sources: Mapping[str, Callable[[], Iterable]], model: str, mirror_average: bool,
                   out_dir: Path, db: Path | None) -> AssessmentReport:
    """Each step from its own video, then the report."""
    poses, name = estimate_steps(sources, model, mirror_average)
    return finish_assessment(poses, name, mirror_average, out_dir, db)
