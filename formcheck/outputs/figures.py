"""Figures for the report files: matplotlib's object API, files only (no pyplot state, no display)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def new_figure(**kwargs: Any):
    """A bare ``matplotlib.figure.Figure``; saving it as PNG renders it with Agg."""
    # matplotlib costs ~0.8 s to import, so scoring imports it on a thread while poses are
    # estimated (engine.recorded) and commands that draw nothing never do.
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def save_figure(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
