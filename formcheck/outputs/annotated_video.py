"""``annotated.mp4``: the scored video with the skeleton, the cue and the hold timer drawn on it.

Drawing needs every frame decoded again and encoded, about as much work per frame as the 480p
encoding itself; one thread cannot keep two cores busy with it. So the scored span is cut in
contiguous parts, each decoded, drawn and encoded by its own thread into a part file (decoding,
scaling and encoding all run outside the GIL), and the parts' packets are then copied one after
the other into ``annotated.mp4``, which costs no re-encoding.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from formcheck.outputs.overlay import Overlay, draw_overlay
from formcheck.outputs.skeleton import Stamps
from formcheck.outputs.video_writer import VideoWriter, concatenate
from formcheck.pose.estimate import Progress, default_workers, one_opencv_thread
from formcheck.sources.media import Prefetched, VideoFileSource

# Review videos are watched on a laptop or phone: 480 lines are plenty, and drawing and encoding
# 720p or 1080p would cost more than estimating the poses did.
MAX_HEIGHT_PX = 480
# Below this many frames a part is not worth its thread and its seek.
MIN_FRAMES_PER_PART = 60


class _Part:
    """One contiguous span of the annotated video, drawn into its own file by ``run()``."""

    def __init__(self, video: Path, overlays: dict[float, Overlay], start_s: float, end_s: float | None,
                 path: Path, fps: float, target_s: float | None, wanted: Sequence[float],
                 sample_fps: float | None, max_height: int, shared_cores: bool) -> None:
        self.source = VideoFileSource(video, start_s, end_s, sample_fps=sample_fps, max_height=max_height,
                                      bgr=True, threaded_decode=not shared_cores)
        self.shared_cores = shared_cores
        self.overlays = overlays
        self.path = path
        self.fps = fps
        self.target_s = target_s
        self.wanted = sorted(wanted)
        self.stills: dict[float, tuple[float, np.ndarray]] = {}  # wanted time -> (frame time, image)
        self.frames_written = 0
        self.stop = threading.Event()
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self, progress: _SharedProgress | None = None) -> None:
        try:
            stamps = Stamps()  # per part: a part runs on its own thread
            with VideoWriter(self.path, self.fps, concatenable=True, single_threaded=self.shared_cores) as writer:
                # Decoding runs ahead on another thread while this one draws and encodes.
                for frame in Prefetched(self.source):
                    if self.stop.is_set():
                        break
                    overlay = self.overlays.get(round(frame.t_s, 6))
                    if overlay is None:
                        continue
                    bgr = frame.rgb  # opened with bgr=True
                    draw_overlay(bgr, overlay, self.target_s, stamps=stamps)
                    writer.write(bgr, frame.t_s)
                    while self.wanted and frame.t_s >= self.wanted[0] - 1e-6:
                        self.stills[self.wanted.pop(0)] = (frame.t_s, bgr.copy())
                    self.frames_written += 1
                    if progress:
                        progress.add(1)
        except BaseException as exc:  # re-raised by the caller's thread
            self.error = exc
        finally:
            self.done.set()


class _SharedProgress:
    """One progress count fed by several threads."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress = progress
        self._total = total
        self._done = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self._done += n
            self._progress(self._done, self._total)


def _bounds(times: list[float], parts: int) -> list[tuple[float, float | None]]:
    """Contiguous spans holding about as many scored frames each, cut at scored frames' times."""
    parts = max(1, min(parts, len(times) // MIN_FRAMES_PER_PART))
    cuts = [times[len(times) * k // parts] for k in range(1, parts)]
    starts = [0.0, *cuts]
    return [(start, cuts[i] if i < len(cuts) else None) for i, start in enumerate(starts)]


def write_annotated(video: str | Path, overlays: Sequence[Overlay], output: str | Path,
                    target_s: float | None, still_times_s: Sequence[float] = (),
                    sample_fps: float | None = None, progress: Progress | None = None,
                    max_height: int = MAX_HEIGHT_PX, workers: int | None = None) -> dict[float, np.ndarray]:
    """Draw each scored frame on the video and write it; returns annotated stills (BGR) at the
    requested times (the first frame at or after each), for the HTML report.

    Only frames that were scored are written, so a ``--fps 10`` score gives a 10 fps video.
    ``workers`` threads draw contiguous parts (default: one per core, up to 2).
    Interrupted (Ctrl-C), the video of the part from the start is closed properly and stays playable.
    """
    video, output = Path(video), Path(output)
    by_time = {round(o.t_s, 6): o for o in overlays}
    fps = sample_fps or VideoFileSource(video).info.fps or 30.0
    bounds = _bounds(sorted(by_time), workers or default_workers())
    part_paths = [output] if len(bounds) == 1 else \
        [output.with_name(f".{output.stem}.part{i}{output.suffix}") for i in range(len(bounds))]
    parts = [_Part(video, by_time, start, end, path, fps, target_s, still_times_s, sample_fps, max_height,
                   shared_cores=len(bounds) > 1)
             for (start, end), path in zip(bounds, part_paths)]
    shared = _SharedProgress(progress, len(overlays)) if progress else None
    threads = [threading.Thread(target=p.run, args=(shared,), name=f"formcheck-annotate-{i}", daemon=True)
               for i, p in enumerate(parts)]
    interrupted = False
    with one_opencv_thread(len(parts) > 1):
        for t in threads:
            t.start()
        # Waiting on events, not Thread.join: a Ctrl-C landing inside join can leave the thread
        # marked finished while it still writes, and its part would be joined half-written.
        try:
            for p in parts:
                while not p.done.wait(timeout=0.2):  # short waits, so Ctrl-C reaches this thread
                    pass
        except KeyboardInterrupt:
            interrupted = True
            for p in parts:
                p.stop.set()
            for p in parts:
                p.done.wait()
    errors = [p.error for p in parts if p.error is not None]
    if errors and not interrupted:
        _remove(part_paths if len(parts) > 1 else [])
        raise errors[0]
    if len(parts) > 1:
        # Interrupted, only the first part runs from the start without a gap.
        kept = [p.path for p in (parts[:1] if interrupted else parts) if p.frames_written]
        concatenate(kept, output)
        _remove(part_paths)
    if interrupted:
        raise KeyboardInterrupt
    return _first_stills(parts)


def _first_stills(parts: list[_Part]) -> dict[float, np.ndarray]:
    """For each wanted time, the earliest frame at or after it over all parts."""
    best: dict[float, tuple[float, np.ndarray]] = {}
    for part in parts:
        for wanted, (t_s, image) in part.stills.items():
            if wanted not in best or t_s < best[wanted][0]:
                best[wanted] = (t_s, image)
    return {wanted: image for wanted, (_, image) in best.items()}


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
