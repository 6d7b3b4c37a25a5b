"""Builders for small test videos and images, written with PyAV at known timestamps."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_video(path: Path, times_s: list[float], size_wh=(64, 48), codec="libx264") -> Path:
    """A video whose frame i is shown at ``times_s[i]`` (millisecond time base, so any spacing).

    Each frame's grey level encodes its number, so a reader can be checked frame by frame.
    """
    w, h = size_wh
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, t in enumerate(times_s):
            img = np.full((h, w, 3), (i * 37) % 256, np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = int(round(t * 1000)), Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
