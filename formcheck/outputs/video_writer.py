"""Writing H.264 MP4 files that browsers and phones play, with the source's own frame times."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck.errors import SourceError


class VideoWriter:
    """``writer.write(image_bgr, t_s)`` per frame, then ``close()`` (or use as a context manager).

    Frames keep their timestamps (millisecond time base), so a variable-frame-rate input stays in
    sync. Odd image sizes are padded by one pixel, as H.264 4:2:0 needs even dimensions.
    """

    def __init__(self, path: str | Path, fps: float, crf: int = 23, preset: str = "veryfast",
                 concatenable: bool = False, single_threaded: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._av = av
        try:
            self._container = av.open(str(self.path), mode="w")
        except (av.error.FFmpegError, OSError) as exc:
            raise SourceError(f"{self.path}: cannot write video ({exc})") from None
        self._fps = fps if fps and fps > 0 else 30.0
        self._crf = crf
        self._preset = preset
        self._concatenable = concatenable
        self._single_threaded = single_threaded
        self._stream = None
        self._last_pts = -1

    def _open_stream(self, w: int, h: int) -> None:
        stream = self._container.add_stream("libx264", rate=Fraction(self._fps).limit_denominator(1001))
        stream.width, stream.height = w + (w % 2), h + (h % 2)
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.options = {"crf": str(self._crf), "preset": self._preset}
        if self._concatenable:
            # Without B-frames decoding order is presentation order, so a file that follows another
            # (see concatenate) never needs a decoding time earlier than the previous file's last.
            stream.codec_context.max_b_frames = 0
        if self._single_threaded:
            # Where other encoders already keep every core busy, x264's own threads only contend
            # (annotated.mp4's two parts: 10-15 % faster with one thread each).
            stream.codec_context.thread_count = 1
        self._stream = stream

    def write(self, image_bgr: np.ndarray, t_s: float) -> None:
        h, w = image_bgr.shape[:2]
        if self._stream is None:
            self._open_stream(w, h)
        if (w % 2) or (h % 2):
            image_bgr = np.pad(image_bgr, ((0, h % 2), (0, w % 2), (0, 0)), mode="edge")
        # OpenCV's BGR -> I420 is several times cheaper than handing PyAV BGR and letting the
        # encoder convert it (about 9 ms a 480p frame, more than the encoding itself), and as
        # faithful: the same BT.601 limited-range YUV the encoder would make.
        yuv = cv2.cvtColor(np.ascontiguousarray(image_bgr), cv2.COLOR_BGR2YUV_I420)
        frame = self._av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        pts = max(int(round(t_s * 1000)), self._last_pts + 1)
        frame.pts, frame.time_base = pts, Fraction(1, 1000)
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        if self._container is None:
            return
        if self._stream is not None:
            for packet in self._stream.encode():
                self._container.mux(packet)
        self._container.close()
        self._container = None

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def concatenate(parts: list[Path], output: str | Path) -> Path:
    """Copy the video packets of ``parts`` (in order, each from :class:`VideoWriter` with
    ``concatenable=True``, same size and rate, frame times increasing across them) into one file.

    No re-encoding: x264 with the same settings writes the same sequence headers into every part,
    so the parts' packets form one valid stream.
    """
    output = Path(output)
    if not parts:
        raise SourceError(f"{output}: nothing to write")
    with av.open(str(output), mode="w") as out:
        stream = None
        extradata = None
        for part in parts:
            with av.open(str(part)) as src:
                src_stream = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(src_stream)
                    extradata = src_stream.codec_context.extradata
                elif src_stream.codec_context.extradata != extradata:
                    raise SourceError(f"{part}: encoded with other settings than {parts[0]}; cannot join them")
                for packet in src.demux(src_stream):
                    if packet.dts is None:
                        continue  # the demuxer's end-of-stream marker
                    packet.stream = stream
                    out.mux(packet)
    return output
