"""The assessment as one self-contained, escaped HTML page with a drawn body diagram (inline SVG)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from formcheck.assess.report import Result

# Where each left/right measure is marked on the figure (x, y in the SVG's 200x400 box). The
# figure faces the reader, so the person's right is on the left of the drawing.
_MARKS = {
    "head_tilt_deg": (100, 40), "shoulder_height_diff_cm": (100, 95), "trunk_shift_cm": (100, 150),
    "hip_height_diff_cm": (100, 200), "lateral_shift_cm": (100, 230), "knee_valgus_diff_deg": (100, 290),
    "squat_knee_inward_diff_cm": (100, 300), "stance_sway_diff_cm": (100, 370),
}
_FIGURE = (
    '<circle cx="100" cy="40" r="22" fill="none" stroke="#555" stroke-width="3"/>'
    '<line x1="60" y1="95" x2="140" y2="95" stroke="#555" stroke-width="3"/>'
    '<line x1="100" y1="62" x2="100" y2="200" stroke="#555" stroke-width="3"/>'
    '<line x1="75" y1="200" x2="125" y2="200" stroke="#555" stroke-width="3"/>'
    '<polyline points="75,200 78,290 80,380" fill="none" stroke="#555" stroke-width="3"/>'
    '<polyline points="125,200 122,290 120,380" fill="none" stroke="#555" stroke-width="3"/>'
    '<polyline points="60,95 52,160 50,215" fill="none" stroke="#555" stroke-width="3"/>'
    '<polyline points="140,95 148,160 150,215" fill="none" stroke="#555" stroke-width="3"/>'
    '<text x="10" y="395" font-size="11" fill="#777">their right</text>'
    '<text x="140" y="395" font-size="11" fill="#777">their left</text>'
)


def body_diagram_svg(results: Sequence[Result]) -> str:
    """A simple front-facing figure with an arrow on the side each clear asymmetry points at."""
    marks = []
    for r in results:
        if r.side is None or r.name not in _MARKS:
            continue
        x, y = _MARKS[r.name]
        tip = x - 55 if r.side == "right" else x + 55  # the person's right is the drawing's left
        marks.append(
            f'<line x1="{x}" y1="{y}" x2="{tip}" y2="{y}" stroke="#c0392b" stroke-width="4" '
            f'marker-end="url(#arrow)"><title>{html.escape(r.title)}: {html.escape(r.reading)}</title></line>')
    defs = ('<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="4" refY="4" orient="auto">'
            '<path d="M0,0 L8,4 L0,8 z" fill="#c0392b"/></marker></defs>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 400" width="200" height="400" '
            f'role="img" aria-label="body diagram">{defs}{_FIGURE}{"".join(marks)}</svg>')


def render_html(results: Sequence[Result], weaker: str | None, model: str, mirrored: bool,
                notes: Sequence[str] = ()) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(_value(r))}</td>"
        f"<td>{html.escape(r.reading)}</td></tr>" for r in results)
    verdict = (f"The {weaker} side looks weaker (more sway or knee travel on that side)." if weaker else
               "No side is clearly weaker: the differences are within what can be measured.")
    method = ("Each frame was estimated as seen and mirrored, and the two averaged, so the pose model's "
              "own left/right bias cancels." if mirrored else
              "Mirror averaging was off: uncertainties include the pose model's own left/right bias.")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>formcheck assessment</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}\
td,th{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}
.wrap{{display:flex;gap:2em;align-items:flex-start}}.note{{color:#a04000}}</style></head><body>
<h1>Balance and symmetry assessment</h1>
<p>{html.escape(verdict)}</p>{"".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)}
<div class="wrap">{body_diagram_svg(results)}
<table><tr><th>measure</th><th>value</th><th>reading</th></tr>{rows}</table></div>
<p><small>{html.escape(method)} Model: {html.escape(model)}. A side is named only when the difference is
larger than its uncertainty (frame-to-frame spread plus the model's measured error on bodies of known shape).\
</small></p>
</body></html>
"""


def _value(r: Result) -> str:
    if not r.measured:
        return "not measured"
    return f"{r.value:+.1f} ± {r.uncertainty:.1f} {r.unit}"
