"""Figures for the report files: matplotlib's object API, files only (no pyplot state, no display)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any


def new_figure(**kwargs: Any):
    """A bare ``matplotlib.figure.Figure``; saving it as PNG renders it with Agg."""
    # matplotlib costs ~0.8 s to import, so scoring imports it on a thread while poses are
    # estimated (engine.recorded) and commands that draw nothing never do.
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def label_days(axis, first: date, last: date) -> None:
    """Calendar days on ``axis`` (an x axis of dates), never hours: a history of one or two days
    otherwise gets matplotlib's hourly ticks, which read as times of sessions that never happened."""
    # matplotlib.dates comes with matplotlib, which only drawing commands import (see new_figure).
    from matplotlib.dates import AutoDateLocator, DateFormatter, DayLocator

    span_days = (last - first).days
    if span_days < 7:
        axis.set_major_locator(DayLocator())
        axis.axes.set_xlim(first - timedelta(days=1), last + timedelta(days=1))
    else:
        # Day-sized steps at the least: AutoDateLocator would otherwise also consider hours.
        axis.set_major_locator(AutoDateLocator(minticks=3, maxticks=10, interval_multiples=True))
    axis.set_major_formatter(DateFormatter("%d %b"))


def save_figure(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
