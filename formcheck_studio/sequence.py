"""Several rendered segments (postures or exercises, each from its own view) as one continuous clip.

The assessment is one session in front of one camera: stand facing it, turn side-on, stand on one
leg then the other, squat. ``render_sequence`` renders each segment with the same seed (the same
body, clothes and room) and writes them back to back, with a JSON list of the segments beside the
video, so a test knows what the person is doing at every second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from formcheck_studio.clip import StudioInputError, plan_clip
from formcheck_studio.video import VideoWriter


@dataclass(frozen=True)
class Segment:
    name: str  # a studio exercise or posture (``standing``, ``single_leg_stance_left``, ...)
    view: str
    seconds: float
    fault: str | None = None


@dataclass(frozen=True)
class PlacedSegment:
    name: str
    view: str
    fault: str | None
    start_s: float
    end_s: float


def render_sequence(segments: Sequence[Segment], out_path: str | Path, seed: int = 0,
                    size: tuple[int, int] = (640, 360), fps: float = 15.0) -> tuple[Path, list[PlacedSegment]]:
    """Render ``segments`` back to back into ``out_path``; the segment list goes to ``<stem>.json``."""
    if not segments:
        raise StudioInputError("a sequence needs at least one segment")
    out_path = Path(out_path)
    placed: list[PlacedSegment] = []
    frames_written = 0
    with VideoWriter(out_path, size, fps) as writer:
        for seg in segments:
            plan = plan_clip(seg.name, seg.fault, seg.view, seg.seconds, seed, size, fps)
            start_s = frames_written / fps
            for frame in plan.frames():
                writer.write(frame.rgb)
                frames_written += 1
            placed.append(PlacedSegment(seg.name, plan.truth.view, seg.fault, start_s, frames_written / fps))
    out_path.with_suffix(".json").write_text(
        json.dumps({"fps": fps, "size": list(size), "seed": seed, "segments": [asdict(p) for p in placed]}, indent=1),
        encoding="utf-8")
    return out_path, placed


def load_segments(path: str | Path) -> list[PlacedSegment]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [PlacedSegment(**s) for s in data["segments"]]
