"""Where images come from: video files, cameras, still images and folders of images.

Every source yields :class:`VideoFrame` records (index, time in seconds, RGB image) through the same
iterator interface and describes itself with :class:`SourceInfo`. Errors are raised as
:class:`~formcheck.errors.SourceError` with the path and the problem in one line.
"""

from __future__ import annotations

import ctypes
import functools
import heapq
import math
import queue
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from formcheck.errors import CameraError, SourceError

# Container durations in the real clips match their last frame's end within 0.1 s; decoding that stops
# further than this (plus a frame) before the end the index promises means the file was cut short.
ENDS_EARLY_TOLERANCE_S = 0.25
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".gif", ".mpg", ".mpeg", ".wmv"})


@dataclass(frozen=True)
class VideoFrame:
    """One decoded image. ``rgb`` is ``(height, width, 3)`` uint8 in RGB order."""

    index: int
    t_s: float
    rgb: np.ndarray


@dataclass(frozen=True)
class SourceInfo:
    """What a source is: its name, image size, nominal rate and length (``None`` when unknown, e.g. a camera)."""

    name: str
    width: int
    height: int
    fps: float | None
    duration_s: float | None
    frame_count: int | None
    is_live: bool = False

    @property
    def image_wh(self) -> tuple[int, int]:
        return (self.width, self.height)


def fit_width(image_wh: tuple[int, int], max_width: int) -> tuple[int, int]:
    """``(width, height)`` of an image scaled down, aspect kept, to at most ``max_width`` wide."""
    w, h = image_wh
    if w <= max_width:
        return w, h
    return max_width, max(1, round(h * max_width / w))


class VideoFileSource:
    """A video file decoded with PyAV; frame times are the container's presentation timestamps.

    Frames come upright: a phone's portrait video is stored sideways with a display matrix saying
    how to turn it, and that turn is applied here, so the image size in ``info``, the pose model,
    the annotated video and the overlay all see what a player shows.

    Times are relative to the video stream's start, so a clip whose first frame is stamped 0.083 s
    starts at 0.0 here, and variable-frame-rate phone videos keep their real spacing.
    ``start_s``/``end_s`` select a contiguous span (used to split a clip between processes).
    ``sample_fps`` keeps only the first frame of each ``1 / sample_fps`` slot of time (a grid from 0,
    so processes splitting a clip pick the same frames); the rest are not converted, and those no
    other frame is predicted from are not even decoded (:class:`_UnsampledSkipper`).
    ``threaded_decode`` lets FFmpeg decode ahead and convert to RGB on other cores; turn it off
    when other decoders already keep every core busy, where its threads only cost time.

    A file that ends before its own index says (a copy cut short) yields what decodes; after the
    iteration ``cut_short_at_s`` is the time up to which it was read, else ``None``.
    """

    def __init__(self, path: str | Path, start_s: float = 0.0, end_s: float | None = None,
                 sample_fps: float | None = None, max_height: int | None = None, bgr: bool = False,
                 threaded_decode: bool = True) -> None:
        self.path = Path(path)
        _require_file(self.path)
        self.start_s = start_s
        self.end_s = end_s
        if sample_fps is not None and not sample_fps > 0:
            raise SourceError(f"{self.path}: sampling rate must be a positive number of frames per second, "
                              f"got {sample_fps!r}")
        self.sample_fps = sample_fps
        # FFmpeg scales and converts in one pass, far cheaper than decoding full size and resizing.
        self._max_height = max_height
        self._format = "bgr24" if bgr else "rgb24"
        self._threaded_decode = threaded_decode
        # Scaler threads: 0 lets FFmpeg use every core, 1 keeps the conversion on this thread.
        self._convert_threads = 0 if threaded_decode else 1
        # The file is read here for what it is and closed again; each read opens it anew (see __iter__).
        with self._open() as container:
            stream = container.streams.video[0]
            tb = stream.time_base or Fraction(1, 1_000_000)
            self._time_base = tb
            self._start_pts = stream.start_time or 0
            rate = stream.average_rate or stream.guessed_rate
            fps = float(rate) if rate else None
            duration_s = None
            if stream.duration:
                duration_s = float(stream.duration * tb)
            elif container.duration:
                duration_s = container.duration / 1_000_000
            count = stream.frames or (round(duration_s * fps) if duration_s and fps else None)
            width, height = stream.codec_context.width, stream.codec_context.height
            if not width or not height:
                raise SourceError(f"{self.path}: the video stream has no image size (corrupt header?)")
            self.quarter_turns = _upright_quarter_turns(container, stream)
        if self.quarter_turns % 2:
            width, height = height, width
        self.info = SourceInfo(self.path.name, width, height, fps, duration_s, count)
        self._out_wh = None  # (width, height) of the upright frames when scaled down
        if max_height is not None and height > max_height:
            out_w = round(width * max_height / height / 2) * 2
            self._out_wh = (out_w, max_height)
        self.cut_short_at_s: float | None = None

    def _open(self):
        """The file opened by FFmpeg, with a video stream, or :class:`SourceError`."""
        try:
            container = av.open(str(self.path))
        except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
            raise SourceError(f"{self.path}: not a readable video ({_first_line(exc)})") from None
        if not container.streams.video:
            container.close()
            raise SourceError(f"{self.path}: contains no video stream")
        return container

    def __iter__(self) -> Iterator[VideoFrame]:
        """Frames in order; ``rgb`` holds BGR instead when the source was opened with ``bgr=True``.

        Each read has a container and decoder of its own, which live only as long as the read: a
        closed container's decoder keeps its pool of decoded pictures until the stream object is
        gone (about 20 MB at 1080p), so none of them is kept on the source, where a span's wall
        warm-up, or a source opened only for its ``info``, would hold them for the whole estimate.
        """
        container = self._open()
        stream = container.streams.video[0]
        if self._threaded_decode:
            # Frame-level threads let FFmpeg decode ahead while the pose model runs on another core.
            stream.thread_type = "AUTO"
        convert = self._converter()
        index = 0 if self.start_s <= 0 else None
        yielded = 0
        last_slot = None
        read_to_s = self.start_s  # the end of the last frame decoded in the span
        failure = None
        reached_end = False
        skipper = _UnsampledSkipper.for_stream(self, stream) if self.sample_fps is not None else None
        self.cut_short_at_s = None
        try:
            if self.start_s > 0:
                # Seek to the keyframe before start_s, then drop frames until start_s is reached.
                target = int(self.start_s / self._time_base) + self._start_pts
                container.seek(target, stream=stream, backward=True, any_frame=False)
            for frame in _decoded(container, stream, skipper):
                if frame.pts is None:
                    continue
                t_s = float((frame.pts - self._start_pts) * self._time_base)
                if skipper is not None:
                    # Frames never decoded still take their place in the numbering.
                    passed = skipper.passed_before(frame.pts)
                    if index is not None:
                        index += passed
                if t_s < self.start_s - 1e-6:
                    continue
                if self.end_s is not None and t_s >= self.end_s - 1e-6:
                    reached_end = True
                    break
                read_to_s = max(read_to_s, t_s + self._frame_interval_s)
                if index is None:
                    # After a seek the frame number is not known from decoding; derive it from the
                    # timestamp and the nominal rate (callers that need exact indices start at 0).
                    index = round(t_s * self.info.fps) if self.info.fps else 0
                if self.sample_fps is not None:
                    slot = int(t_s * self.sample_fps + 1e-6)
                    if slot == last_slot:
                        index += 1
                        continue
                    last_slot = slot
                yield VideoFrame(index, t_s, convert(frame))
                index += 1
                yielded += 1
                if yielded % RETURN_FREED_EVERY_FRAMES == 0:
                    return_freed_memory()
        except av.error.FFmpegError as exc:
            if yielded == 0 and self.start_s <= 0:
                raise SourceError(f"{self.path}: no decodable frames ({_first_line(exc)})") from None
            # The data ends before the index does (a copy cut short): keep what decoded, as a
            # player would, and say so. A span that starts past the cut simply has nothing.
            failure = exc
        finally:
            container.close()
        if yielded == 0 and self.start_s <= 0:
            raise SourceError(f"{self.path}: the video has no decodable frames")
        if failure is not None or (not reached_end and self._ends_early(read_to_s)):
            self.cut_short_at_s = read_to_s

    def _converter(self):
        """Decoded frame -> upright RGB (or BGR) array, scaled down when asked.

        One scaler serves every frame of the read: ``frame.to_ndarray(format=...)`` builds a new
        one per frame, with its own threads, which cost more than the conversion itself (the
        conversion alone on two busy cores: 1080p 3.8 ms a frame against 2.5 ms, 720p 1.8 against
        0.8; whole reads in benchmarks/sampled_decode.py).
        """
        fmt = self._format
        scaler = VideoReformatter()
        threads = self._convert_threads
        if self._out_wh:
            w, h = self._out_wh if self.quarter_turns % 2 == 0 else self._out_wh[::-1]
            # Downscaled frames are for people to watch (the annotated video), not for the pose
            # model: FFmpeg's fast bilinear scaler costs a third less than its default, 720p to 480p.
            def to_array(f):
                return scaler.reformat(f, format=fmt, width=w, height=h, interpolation="FAST_BILINEAR",
                                       threads=threads).to_ndarray()
        else:
            def to_array(f):
                return scaler.reformat(f, format=fmt, threads=threads).to_ndarray()
        turn = _CV2_TURNS.get(self.quarter_turns)
        if turn is None:
            return to_array
        return lambda f: cv2.rotate(to_array(f), turn)

    @property
    def _frame_interval_s(self) -> float:
        return 1.0 / self.info.fps if self.info.fps else 0.0

    def _ends_early(self, read_to_s: float) -> bool:
        """Whether decoding stopped clearly before the span's end (or the stream's, from its index)."""
        expected_s = self.end_s if self.end_s is not None else self.info.duration_s
        if not expected_s:
            return False
        return read_to_s < expected_s - ENDS_EARLY_TOLERANCE_S - self._frame_interval_s



# How often a read hands the memory its frames freed back to the system (see return_freed_memory).
RETURN_FREED_EVERY_FRAMES = 30


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or ``None`` elsewhere (musl, macOS, Windows)."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def return_freed_memory() -> None:
    """Hand the memory freed inside malloc's heaps back to the system (glibc only; elsewhere nothing).

    A read allocates a new RGB frame (6.2 MB at 1080p) for every frame it yields and frees the one
    before. Once glibc has freed one such block it serves the next ones from each thread's heap,
    where the smaller allocations in between split the freed blocks into holes no later frame fits,
    so the heap grows with the holes: two spans of a 1080p wall sit peaked anywhere from 356 to 393
    MiB over six runs. A read calls this every ``RETURN_FREED_EVERY_FRAMES`` frames, so holes live
    about a second (353-378 MiB over five runs), at the cost of touching that memory afresh once a
    second (+0.1 s of system time in 11 s). A fixed mapping threshold, which gave each frame its own
    mapping, kept the peak at 350-361 MiB but cost every 1080p frame its page faults: +0.6 s.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _decoded(container, stream, skipper: _UnsampledSkipper | None) -> Iterator:
    """``stream``'s decoded frames in presentation order, without the ones ``skipper`` rules out."""
    if skipper is None:
        yield from container.decode(stream)
        return
    for packet in container.demux(stream):
        if not skipper.skip(packet):
            yield from packet.decode()


class _UnsampledSkipper:
    """Decides which H.264 frames a sampled read (``sample_fps``) need not decode at all.

    A frame can go undecoded when nothing refers to it (``nal_ref_idc == 0``: no other frame is
    predicted from it; in typical phone and web H.264 that is most B-frames) and when it cannot be
    the first frame of its sampling slot, because a frame of the same slot with an earlier
    timestamp is already known. Packets arrive in decoding order with their timestamps, so this is
    decided before decoding; the frames kept are exactly those a full decode would keep.
    """

    def __init__(self, source: VideoFileSource, nal_length_size: int) -> None:
        self._source = source
        self._nal_length_size = nal_length_size
        self._first_pts: dict[int, int] = {}  # slot -> earliest timestamp seen in it, in the span
        self._skipped: list[int] = []  # heap of timestamps never decoded

    @classmethod
    def for_stream(cls, source: VideoFileSource, stream) -> _UnsampledSkipper | None:
        """A skipper for ``source``'s ``stream`` if it is MP4/MKV-style H.264 (length-prefixed NAL units),
        else ``None``."""
        ctx = stream.codec_context
        extradata = ctx.extradata or b""
        if ctx.name != "h264" or len(extradata) < 7 or extradata[0] != 1:
            return None  # Annex B streams and other codecs: decode everything
        return cls(source, (extradata[4] & 0x03) + 1)

    def skip(self, packet) -> bool:
        if packet.pts is None or packet.size == 0:
            return False
        src = self._source
        t_s = float((packet.pts - src._start_pts) * src._time_base)
        if t_s < src.start_s - 1e-6 or (src.end_s is not None and t_s >= src.end_s - 1e-6):
            return False
        slot = int(t_s * src.sample_fps + 1e-6)
        first = self._first_pts.get(slot)
        if first is None or packet.pts < first:
            self._first_pts[slot] = packet.pts
            return False
        if not self._unreferenced(bytes(packet)):
            return False
        heapq.heappush(self._skipped, packet.pts)
        return True

    def passed_before(self, pts: int) -> int:
        """How many skipped frames come before the frame stamped ``pts`` (each counted once)."""
        n = 0
        while self._skipped and self._skipped[0] < pts:
            heapq.heappop(self._skipped)
            n += 1
        return n

    def _unreferenced(self, data: bytes) -> bool:
        """Whether the packet's picture is a non-reference one: its first slice's ``nal_ref_idc`` is 0
        (the standard requires the same value on every slice of a picture)."""
        size = self._nal_length_size
        pos = 0
        while pos + size < len(data):
            header = data[pos + size]
            if header & 0x1F in (1, 5):  # coded slice (non-IDR, IDR)
                return header & 0x60 == 0
            pos += size + int.from_bytes(data[pos:pos + size], "big")
        return False


class Prefetched:
    """Iterates ``frames`` on a background thread, at most ``depth`` frames ahead of the consumer.

    PyAV decodes and scales without holding the GIL, so a consumer that draws and encodes each
    frame overlaps with the decoding of the next ones instead of waiting for it. Errors of the
    source are raised to the consumer in order; a consumer that stops early stops the thread.
    """

    _END = object()

    def __init__(self, frames: Iterable[VideoFrame], depth: int = 4) -> None:
        self._frames = frames
        self._depth = depth

    def __iter__(self) -> Iterator[VideoFrame]:
        ready: queue.Queue = queue.Queue(maxsize=self._depth)
        stop = threading.Event()

        def produce() -> None:
            try:
                for frame in self._frames:
                    if not self._offer(ready, frame, stop):
                        return
                self._offer(ready, self._END, stop)
            except BaseException as exc:  # handed to the consumer, which raises it
                self._offer(ready, exc, stop)

        thread = threading.Thread(target=produce, name="formcheck-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                item = ready.get()
                if item is self._END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            thread.join(timeout=5)

    @staticmethod
    def _offer(ready: queue.Queue, item: object, stop: threading.Event) -> bool:
        """Put ``item`` once there is room; ``False`` when the consumer has gone."""
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


class CameraSource:
    """A webcam by index (or a capture URL/device path); times from a monotonic clock at capture."""

    def __init__(self, index: int | str, warmup_timeout_s: float = 5.0) -> None:
        self.name = f"camera {index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraError(f"{self.name}: could not be opened (is it connected, and not used by another program?)")
        ok, bgr = self._read_first(warmup_timeout_s)
        if not ok:
            self._cap.release()
            raise CameraError(f"{self.name}: opened but delivered no image within {warmup_timeout_s:.0f} s")
        self._first = bgr
        h, w = bgr.shape[:2]
        fps = self._cap.get(cv2.CAP_PROP_FPS) or None
        self.info = SourceInfo(self.name, w, h, fps, None, None, is_live=True)

    def _read_first(self, timeout_s: float):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ok, bgr = self._cap.read()
            if ok and bgr is not None:
                return True, bgr
            time.sleep(0.05)
        return False, None

    def __iter__(self) -> Iterator[VideoFrame]:
        t0 = time.monotonic()
        index = 0
        bgr = self._first
        try:
            while True:
                yield VideoFrame(index, time.monotonic() - t0, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                index += 1
                ok, bgr = self._cap.read()
                if not ok or bgr is None:
                    raise CameraError(f"{self.name}: stopped delivering frames after {index} frames")
        finally:
            self._cap.release()


class ImageSource:
    """A still image (at 0 s), or a folder of images at the times they were taken.

    A folder's times come from ``frame_rate`` (images per second, as they were taken or extracted:
    image ``i`` is at ``i / frame_rate`` in name order) or, without it, from the file names, each of
    which must then carry its time in one of the forms of :data:`TIMED_NAMES`; the images are
    ordered by those times. A folder with neither is refused: guessing one image a second made a
    6 s plank extracted at 5 fps a 23 s one.
    """

    def __init__(self, path: str | Path, frame_rate: float | None = None) -> None:
        self.path = Path(path)
        if frame_rate is not None and not (math.isfinite(frame_rate) and frame_rate > 0):
            raise SourceError(f"{self.path}: the frame rate must be a positive number of images per second, "
                              f"got {frame_rate!r}")
        if self.path.is_dir():
            files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not files:
                raise SourceError(f"{self.path}: folder contains no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        else:
            _require_file(self.path)
            if frame_rate is not None:
                raise SourceError(f"{self.path}: --frame-rate is only for a folder of images")
            files = [self.path]
        if len(files) == 1:
            self.files, self.times_s = files, [0.0]
        elif frame_rate is not None:
            self.files, self.times_s = files, [i / frame_rate for i in range(len(files))]
        else:
            self.files, self.times_s = _times_from_names(self.path, files)
        first = self._read(self.files[0])
        h, w = first.shape[:2]
        n = len(self.files)
        span_s = self.times_s[-1] - self.times_s[0]
        fps = frame_rate or ((n - 1) / span_s if span_s > 0 else None)
        duration_s = self.times_s[-1] + 1.0 / fps if fps else None
        self.info = SourceInfo(self.path.name, w, h, fps, duration_s, n)

    def _read(self, path: Path) -> np.ndarray:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise SourceError(f"{path}: not a readable image")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def __iter__(self) -> Iterator[VideoFrame]:
        for i, (path, t_s) in enumerate(zip(self.files, self.times_s)):
            yield VideoFrame(i, t_s, self._read(path))


TIMED_NAMES = (
    # "t=1.200s", "clip_t=12s": seconds since the first image.
    re.compile(r"(?<![0-9A-Za-z])t=(?P<s>\d+(?:\.\d+)?)s(?![0-9A-Za-z])"),
    # "00-00-01.200", "frame 00:01:02.5": hours, minutes, seconds (a wall clock time works too).
    re.compile(r"(?<!\d)(?P<h>\d{2})[-:](?P<m>[0-5]\d)[-:](?P<s>[0-5]\d(?:\.\d+)?)(?![\d:-])"),
)
"""The forms of a time in an image's file name (its stem), for folders given without a frame rate."""


def name_time_s(name: str) -> float | None:
    """The time an image's file name carries (see :data:`TIMED_NAMES`), or ``None``."""
    stem = Path(name).stem
    for pattern in TIMED_NAMES:
        match = pattern.search(stem)
        if match:
            parts = match.groupdict()
            return int(parts.get("h") or 0) * 3600 + int(parts.get("m") or 0) * 60 + float(parts["s"])
    return None


def _times_from_names(folder: Path, files: list[Path]) -> tuple[list[Path], list[float]]:
    """The images ordered by the times in their names, from 0 s; refused unless every name has one."""
    times = [name_time_s(p.name) for p in files]
    untimed = [p.name for p, t in zip(files, times) if t is None]
    if len(untimed) == len(files):
        raise SourceError(f"{folder}: the images' times are unknown: pass --frame-rate FPS (the rate they "
                          "were taken or extracted at), or name them by time (t=1.200s.jpg or 00-00-01.200.jpg)")
    if untimed:
        raise SourceError(f"{folder}: {untimed[0]} has no time in its name, unlike "
                          f"{len(files) - len(untimed)} other images: rename it or pass --frame-rate FPS")
    ordered = sorted(zip(times, files))
    for (t0, p0), (t1, p1) in zip(ordered, ordered[1:]):
        if t1 == t0:
            raise SourceError(f"{folder}: {p0.name} and {p1.name} carry the same time ({t0:g} s)")
    start_s = ordered[0][0]
    return [p for _, p in ordered], [t - start_s for t, _ in ordered]


def is_image_folder(path: str | Path) -> bool:
    """A folder holding images and no videos or recordings: one source, not a batch of clips."""
    path = Path(path)
    if not path.is_dir():
        return False
    suffixes = {p.suffix.lower() for p in path.iterdir() if p.is_file()}
    return bool(suffixes & IMAGE_SUFFIXES) and not suffixes & VIDEO_SUFFIXES and not any(
        p.name.lower().endswith(".poses.npz") for p in path.iterdir())


def open_source(spec: str | int | Path, frame_rate: float | None = None,
                **options) -> VideoFileSource | CameraSource | ImageSource:
    """Open a source from what a user typed: a camera index (``0``), a video, an image, or a folder of images.

    ``frame_rate``: images per second of a folder of images (see :class:`ImageSource`).
    """
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        return CameraSource(int(spec))
    path = Path(spec)
    if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageSource(path, frame_rate)
    if frame_rate is not None:
        raise SourceError(f"{path}: --frame-rate is only for a folder of images (a video has its own frame times)")
    return VideoFileSource(path, **{k: v for k, v in options.items() if k in ("start_s", "end_s", "sample_fps")})


# Counter-clockwise quarter turns -> the OpenCV rotation doing them.
_CV2_TURNS = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def _upright_quarter_turns(container, stream) -> int:
    """Counter-clockwise quarter turns (0-3) that make the stored frames upright.

    The display matrix is container side data that PyAV only exposes on decoded frames
    (``VideoFrame.rotation``: the counter-clockwise angle a player turns the frame by; a phone's
    portrait video says -90), so the first packet of the just opened ``container`` is decoded on one
    thread and flushed at once rather than waiting for the frames after it: about 14 ms of CPU at
    1080p. The container is only read for its description, and closed after. Mirroring in the
    matrix is not applied: phones do not write it.
    """
    try:
        stream.thread_type = "NONE"
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            frames = stream.decode(packet) + stream.decode(None)
            # A stream whose first packet is not a picture is left as stored (never seen in practice).
            return round(frames[0].rotation / 90) % 4 if frames else 0
    except (av.error.FFmpegError, ValueError, IndexError):  # unreadable here: the main decode reports it
        return 0
    return 0


def ends_early_message(path: str | Path, read_s: float, duration_s: float | None) -> str:
    """The one line for a video whose data ends before its index says it does."""
    of = f" of {duration_s:.1f} s" if duration_s else ""
    return f"{path}: read {read_s:.1f} s{of}: the file ends early"


def _require_file(path: Path) -> None:
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, expected a file")
    if path.stat().st_size == 0:
        raise SourceError(f"{path}: the file is empty")


def _first_line(exc: BaseException) -> str:
    # FFmpeg errors carry a readable strerror; their str() adds an errno and the path again.
    text = (getattr(exc, "strerror", None) or str(exc)).strip() or type(exc).__name__
    return text.splitlines()[0]
