"""Running the assessment's steps: estimate, measure, write the report, save to the history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from formcheck.assess.report import Result, weaker_side
from formcheck.frame import PoseFrame


@dataclass(frozen=True)
class AssessmentReport:
    results: list[Result]
    weaker: str | None
    html_path: Path
    session_id: int | None


def _estimator(model: str, mirror_average: bool):
    from formcheck.assess.mirror import make_mirror_estimator
    from formcheck.estimators import make_estimator

    return make_mirror_estimator(model) if mirror_average else make_estimator(model)


def estimate_all(frames: Iterable, estimator) -> list[PoseFrame]:
    return [estimator.estimate(f) for f in frames]


def analyse(poses: Mapping[str, list[PoseFrame]], mirrored: bool) -> list[Result]:
    from formcheck.assess import steps

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


def run_assessment(sources: Mapping[str, Callable[[], Iterable]], model: str, mirror_average: bool,
                   out_dir: Path, db: Path | None) -> AssessmentReport:
    """Each step's frames (one fresh estimator per step, so tracking never spans two steps)."""
    from formcheck.assess.html import render_html
    from formcheck.history.store import open_store

    poses: dict[str, list[PoseFrame]] = {}
    name = model
    for step, frames in sources.items():
        estimator = _estimator(model, mirror_average)
        name = estimator.name
        try:
            poses[step] = estimate_all(frames(), estimator)
        finally:
            estimator.close()
    results = analyse(poses, mirror_average)
    weaker = weaker_side(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(results, weaker, name, mirror_average), encoding="utf-8")
    with open_store(db) as store:
        session_id = store.add_session("assessment", kind="assessment", source=",".join(sources),
                                       measures=[r.as_measure() for r in results if r.measured],
                                       report_path=html_path)
    return AssessmentReport(results, weaker, html_path, session_id)
