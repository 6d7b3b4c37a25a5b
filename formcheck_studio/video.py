"""Writing rendered frames to an mp4 (H.264 through PyAV, MPEG-4 Part 2 through OpenCV if that fails)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

from formcheck.errors import SourceError


class VideoWriter:
    """Context manager taking ``(H, W, 3)`` uint8 RGB frames at a constant frame rate."""

    def __init__(self, path: str | Path, size_wh: tuple[int, int], fps: float, crf: int = 26) -> None:
        self.path = Path(path)
        self.size_wh = size_wh
        self.fps = fps
        self.crf = crf
        self._container = None
        self._stream = None
        self._cv_writer = None
        self._count = 0

    def __enter__(self) -> VideoWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._container = av.open(str(self.path), mode="w")
            rate = Fraction(self.fps).limit_denominator(1000)
            stream = self._container.add_stream("libx264", rate=rate)
            stream.width, stream.height = self.size_wh
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(self.crf), "preset": "medium"}
            self._stream = stream
        except Exception:  # no H.264 encoder in this PyAV build: fall back to OpenCV
            if self._container is not None:
                self._container.close()
            self._container = None
            self._cv_writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"), self.fps, self.size_wh)
            if not self._cv_writer.isOpened():
                raise SourceError(f"cannot open {self.path} for writing video") from None
        return self

    def write(self, rgb: np.ndarray) -> None:
        if self._stream is not None:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        else:
            self._cv_writer.write(np.ascontiguousarray(rgb[..., ::-1]))
        self._count += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._stream is not None:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
        elif self._cv_writer is not None:
            self._cv_writer.release()
