"""What ``--camera`` names: a camera index, a capture device or URL, or a video file played live."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import SourceError
from formcheck.sources.media import CameraSource, VideoFileSource


def open_live_source(spec: str) -> tuple[CameraSource | VideoFileSource, bool]:
    """Open ``spec``; returns the source and whether it is a file (to be paced by its timestamps)."""
    text = spec.strip()
    if text.isdigit():
        return CameraSource(int(text)), False
    if "://" in text or text.startswith("/dev/"):
        return CameraSource(text), False
    path = Path(text)
    if not path.exists():
        raise SourceError(f"{path}: no such camera or video file (cameras are numbered 0, 1, ...)")
    return VideoFileSource(path), True
