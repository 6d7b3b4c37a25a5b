"""``report.html``: one self-contained page a therapist can open from an email.

Images are embedded as data URIs; every string that comes from a user (file names, exercise files,
cues) is HTML-escaped.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from html import escape
from pathlib import Path

import cv2
import numpy as np

from formcheck.judge.scoring import Score
from formcheck.outputs.overlay import format_clock
from formcheck.outputs.variants import variant_text

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;
padding:0 1em;color:#1d2733;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} .sub{color:#5a6878;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1.2em 0}
.card{border:1px solid #d5dde6;border-radius:8px;padding:.7em 1em;min-width:9em}
.card b{display:block;font-size:1.5em} .ok{color:#1b7a32} .warn{color:#b3261e}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #e3e8ee;padding:.4em;text-align:left}
img{max-width:100%;border-radius:6px} .stills{display:flex;flex-wrap:wrap;gap:1em}
.stills figure{margin:0;flex:1 1 280px} figcaption{font-size:.9em;color:#5a6878}
.note{background:#fff7e0;border:1px solid #f0d48a;border-radius:6px;padding:.6em 1em}
"""


def _data_uri_png(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _data_uri_jpeg(image_bgr: np.ndarray) -> str:
    ok, buf = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, 80])
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii") if ok else ""


def worst_moments(score: Score, count: int = 3) -> list[tuple[float, str, str]]:
    """The middle of the longest fault spans: ``(t_s, check, cue)``, longest first."""
    longest = sorted(score.faults, key=lambda f: f.end_s - f.start_s, reverse=True)[:count]
    return [((f.start_s + f.end_s) / 2, f.check, f.cue) for f in longest]


def _not_seen(score: Score) -> list[str]:
    """What could not be judged: checks out of the camera's sight while in position, and reps whose
    reach was not seen. Never left out, so "no faults" is never read as "all seen and good"."""
    unseen = {check: seconds for check, seconds in score.unseen_seconds().items() if seconds > 0.05}
    reps = defaultdict(int)
    for rep in score.reps or ():
        for check in rep.unseen:
            reps[check] += 1
    if not unseen and not reps:
        return []
    parts = ["<h2>Not seen</h2><p>The camera could not see these, so they were not judged (neither good nor "
             "bad). Time counts only while every safety check is seen.</p>",
             "<table><tr><th>check</th><th>what it looks for</th><th>not seen</th></tr>"]
    for check in dict.fromkeys([*unseen, *reps]):
        said = [f"{unseen[check]:.1f} s"] if check in unseen else []
        said += [f"{reps[check]} of {len(score.reps or ())} reps"] if check in reps else []
        parts.append(f"<tr><td>{escape(check)}</td><td>{escape(score.check_cues.get(check, ''))}</td>"
                     f"<td>{escape(', '.join(said))}</td></tr>")
    parts.append("</table>")
    return parts


def _sides_table(score: Score) -> str:
    """Each side's reps (rep exercises) and valid time, and the balance between them."""
    reps = score.reps is not None
    head = "<th>side</th>" + ("<th>reps</th><th>good reps</th>" if reps else "") + \
        "<th>valid time</th><th>longest hold</th>"
    rows = "".join(
        f"<tr><td>{escape(side)}</td>" + (f"<td>{f.reps}</td><td>{f.good_reps}</td>" if reps else "")
        + f"<td>{f.valid_s:.1f} s</td><td>{f.longest_hold_s:.1f} s</td></tr>"
        for side, f in (score.sides or {}).items())
    return (f"<h2>Left and right</h2><p>{escape(score.sides_text() or '')}</p>"
            f"<table><tr>{head}</tr>{rows}</table>")


def write_html(score: Score, source: str, path: str | Path, timeline_png: Path | None,
               stills: dict[float, np.ndarray] | None = None, notes: list[str] | None = None,
               trend_png: Path | None = None) -> Path:
    s = score.summary
    lo, hi = score.target_s
    reached = lo is not None and s.longest_hold_s >= lo
    # A video shorter than the target could never reach it: judged, not shown as a miss.
    too_short = lo is not None and score.duration_s < lo
    target_text = f"{format_clock(lo)}–{format_clock(hi)}" if lo and hi else "—"
    cards = [
        ("valid time", f"{s.valid_s:.1f} s", ""),
        ("longest hold", f"{s.longest_hold_s:.1f} s", "ok" if reached else "warn" if lo and not too_short else ""),
        ("target hold", target_text, ""),
        ("breaks", str(s.breaks), ""),
        ("video length", f"{score.duration_s:.1f} s", ""),
    ]
    if score.reps is not None:
        rep_lo = score.rep_target[0] if score.rep_target else None
        cards[1:3] = [("reps done", str(len(score.reps)), ""),
                      ("good reps", str(score.good_reps), "ok" if rep_lo and score.good_reps >= rep_lo else "warn"),
                      ("target reps", f"{score.rep_target[0]}–{score.rep_target[1]}" if score.rep_target else "—", "")]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(score.exercise_title)} — formcheck report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(score.exercise_title)}</h1>",
        f"<p class='sub'>Source: {escape(source)} · view: {escape(str(score.view.get('kind')))}"
        + (f", {escape(str(score.view.get('side')))} side to the camera" if score.view.get("side") else "")
        + "</p>",
    ]
    if too_short and score.reps is None:
        parts.append(f"<p class='sub'>The video ({score.duration_s:.1f} s) is shorter than the target hold "
                     f"({lo:g} s), so no hold in it could reach the target.</p>")
    performed = variant_text(score)
    if performed is not None:
        parts.append(f"<p class='sub'>Done as: {escape(performed)}</p>")
    if not score.complete:
        parts.append("<p class='note'>This session was interrupted: the report covers the part that was "
                     "processed.</p>")
    for note in notes or []:
        parts.append(f"<p class='note'>{escape(note)}</p>")
    parts.append("<div class='cards'>" + "".join(
        f"<div class='card'>{escape(label)}<b class='{cls}'>{escape(value)}</b></div>"
        for label, value, cls in cards) + "</div>")
    if score.sides:
        parts.append(_sides_table(score))
    if s.holds:
        parts.append("<h2>Holds in good form</h2><table><tr><th>from</th><th>to</th><th>seconds</th></tr>")
        parts.extend(f"<tr><td>{h.start_s:.1f} s</td><td>{h.end_s:.1f} s</td><td>{h.duration_s:.1f}</td></tr>"
                     for h in s.holds)
        parts.append("</table>")
    parts.append("<h2>What to work on</h2>")
    totals: dict[str, list] = defaultdict(lambda: [0.0, 0, ""])
    for f in score.faults:
        entry = totals[f.check]
        entry[0] += f.end_s - f.start_s
        entry[1] += 1
        entry[2] = f.cue
    if totals:
        parts.append("<table><tr><th>cue</th><th>check</th><th>times</th><th>seconds in all</th></tr>")
        for check, (seconds, times, cue) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
            parts.append(f"<tr><td><b>{escape(cue)}</b></td><td>{escape(check)}</td><td>{times}</td>"
                         f"<td>{seconds:.1f}</td></tr>")
        parts.append("</table>")
    rep_faults = score.rep_faults()
    if rep_faults:
        parts.append("<table><tr><th>cue</th><th>check</th><th>reps with it</th></tr>")
        parts.extend(f"<tr><td><b>{escape(cue)}</b></td><td>{escape(check)}</td>"
                     f"<td>{n} of {len(score.reps or ())}</td></tr>" for check, cue, n in rep_faults)
        parts.append("</table>")
    if not totals and not rep_faults:
        parts.append("<p class='ok'>No faults while in position. Well done.</p>")
    parts.extend(_not_seen(score))
    if trend_png is not None and Path(trend_png).is_file():
        parts.append("<h2>Your progress</h2>")
        parts.append(f"<img alt='longest hold in recent sessions' src='{_data_uri_png(Path(trend_png))}'>")
    if timeline_png is not None and Path(timeline_png).is_file():
        parts.append("<h2>Timeline</h2>")
        parts.append(f"<img alt='timeline of the session' src='{_data_uri_png(Path(timeline_png))}'>")
    moments = worst_moments(score)
    if moments and stills:
        parts.append("<h2>Worst moments</h2><div class='stills'>")
        for t, check, cue in moments:
            image = stills.get(t)
            if image is None:
                continue
            parts.append(f"<figure><img alt='{escape(check)} at {t:.1f} s' src='{_data_uri_jpeg(image)}'>"
                         f"<figcaption>{t:.1f} s — {escape(cue)}</figcaption></figure>")
        parts.append("</div>")
    parts.append("<p class='sub'>Stop any exercise that causes pain, and ask your physiotherapist.</p>")
    parts.append("</body></html>")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
