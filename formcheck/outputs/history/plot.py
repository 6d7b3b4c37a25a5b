"""``formcheck history EXERCISE --plot out.png``: valid hold per day against the target, and breaks."""

from __future__ import annotations

from pathlib import Path

from formcheck.outputs.figures import label_days, new_figure, save_figure
from formcheck.outputs.history.errors import cannot_write
from formcheck.outputs.history.progress import Day

VALID_COLOUR = "#9ecae1"
HOLD_COLOUR = "#1b7a32"
TARGET_COLOUR = "#b3261e"
BREAK_COLOUR = "#f0a020"


def write_progress_plot(days: list[Day], exercise: str, path: str | Path) -> Path:
    fig = new_figure(figsize=(9, 5), dpi=110)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    x = [d.day for d in days]
    top.bar(x, [d.valid_s for d in days], color=VALID_COLOUR, label="valid seconds (all sessions)")
    top.plot(x, [d.longest_hold_s for d in days], "o-", color=HOLD_COLOUR, label="longest hold")
    if any(d.target_min_s is not None for d in days):
        top.step(x, [d.target_min_s for d in days], where="mid", color=TARGET_COLOUR, ls="--", label="target hold")
    top.set_ylabel("seconds")
    top.set_ylim(bottom=0)
    top.legend(loc="upper left", fontsize=8, frameon=False)
    top.set_title(f"{exercise}: {len(days)} days, {sum(d.sessions for d in days)} sessions", loc="left", fontsize=10)
    bottom.bar(x, [d.breaks for d in days], color=BREAK_COLOUR)
    bottom.set_ylabel("breaks")
    bottom.set_ylim(bottom=0)
    bottom.yaxis.get_major_locator().set_params(integer=True)
    label_days(bottom.xaxis, x[0], x[-1])
    fig.autofmt_xdate()
    fig.tight_layout()
    try:
        return save_figure(fig, path)
    except OSError as exc:
        raise cannot_write(path, "progress plot", exc) from None


