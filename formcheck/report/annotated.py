"""``annotated.mp4``: the scored video with the skeleton, the cue and the hold timer drawn on it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from formcheck.pipeline import Progress
from formcheck.report.overlay import Overlay, draw_overlay
from formcheck.sources import VideoFileSource
from formcheck.video_writer import VideoWriter


# Review videos are watched on a laptop or phone: 480 lines are plenty, and drawing and encoding
# 720p or 1080p would cost more than estimating the poses did.
MAX_HEIGHT_PX = 480


def write_annotated(video: str | Path, overlays: Sequence[Overlay], output: str | Path,
                    target_s: float | None, still_times_s: Sequence[float] = (),
                    sample_fps: float | None = None, progress: Progress | None = None,
                    max_height: int = MAX_HEIGHT_PX) -> dict[float, np.ndarray]:
    """Draw each scored frame on the video and write it; returns annotated stills (BGR) at the
    requested times (the first frame at or after each), for the HTML report.

    Only frames that were scored are written, so a ``--fps 10`` score gives a 10 fps video.
    Interrupted (Ctrl-C), the video written so far is closed properly and stays playable.
    """
    wanted = sorted(still_times_s)
    stills: dict[float, np.ndarray] = {}
    by_time = {round(o.t_s, 6): o for o in overlays}
    fps = sample_fps or VideoFileSource(video).info.fps or 30.0
    done = 0
    with VideoWriter(output, fps) as writer:
        for frame in VideoFileSource(video, sample_fps=sample_fps, max_height=max_height, bgr=True):
            overlay = by_time.get(round(frame.t_s, 6))
            if overlay is None:
                continue
            bgr = frame.rgb  # opened with bgr=True
            draw_overlay(bgr, overlay, target_s)
            writer.write(bgr, frame.t_s)
            while wanted and frame.t_s >= wanted[0] - 1e-6:
                stills[wanted.pop(0)] = bgr.copy()
            done += 1
            if progress:
                progress(done, len(overlays))
    return stills
