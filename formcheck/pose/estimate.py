"""From a source to landmarks: estimate (in parallel for video files), record, replay, clean.

A video file is split into contiguous spans, one per core, each estimated by its own worker. MediaPipe
pins inference to one thread, so its workers are processes; LiteRT releases the GIL while it runs,
so its workers are threads of this process (nothing loaded twice, nothing to start). Each worker
sends its frames back in small batches, so progress is live and an interrupted run keeps every
frame already estimated.

Each span starts with a fresh detection, so with several people in view a later span could follow
someone else (a trainer beside). The spans run at once, so none can be handed the previous one's
person before it starts; instead they are re-linked afterwards (:func:`_relink_spans`): when a
span's first pose is not the person at the previous span's last pose (hip centres farther apart
than half that person's size), the span is estimated again, told to follow the previous person's
box (LiteRT's ``follow``). When somebody else was seen near a span's start, a passer-by may have taken
its fresh detection while crossing the exerciser, so the start is also estimated again by a tracker that
began earlier on the exerciser (:func:`_with_history`), and kept where the two disagree. A clip with one
person is never estimated twice.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck import errors
from formcheck.errors import FormcheckError, SourceError
from formcheck.pose.estimators import DEFAULT_MODEL, releases_gil
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.pose.litert.choose import OTHER_PERSON_MIN_DISTANCE
from formcheck.pose.recording import Recording, is_recording_path, load_recording, make_meta, others_in_view_meta
from formcheck.pose.stage import PoseStage
from formcheck.sources.media import (
    IMAGE_SUFFIXES,
    ImageSource,
    SourceInfo,
    VideoFileSource,
    ends_early_message,
    open_source,
    return_freed_memory,
)

Progress = Callable[[int, int | None], None]
"""``progress(frames_done, frames_total_or_None)``."""

# Below this a second process costs more to start (≈1 s to load MediaPipe) than it saves.
MIN_SECONDS_PER_WORKER = 6.0
# A second thread costs one more model load (≈0.1 s), so threads split even short clips.
MIN_SECONDS_PER_THREAD = 1.0
_BATCH = 24


@dataclass
class _Result:
    frames: list[PoseFrame]
    info: SourceInfo
    complete: bool
    error: str | None = None  # why the source ended early, when it did
    walls: list | None = None  # one WallObservation per frame, for wall exercises
    # When the estimator looks for other people (LiteRT): the times a look saw someone besides the exerciser.
    others_seen_t_s: list[float] | None = None


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 2))


def _chunks(duration_s: float | None, workers: int,
            min_seconds: float = MIN_SECONDS_PER_WORKER) -> list[tuple[float, float | None]]:
    if not duration_s or workers <= 1:
        return [(0.0, None)]
    workers = max(1, min(workers, int(duration_s // min_seconds)))
    bounds = [duration_s * k / workers for k in range(workers)]
    return [(start, bounds[i + 1] if i + 1 < workers else None) for i, start in enumerate(bounds)]


# A wall is found from evidence gathered over about 1.5 s; a worker that starts mid-clip first
# watches this much of the clip before its span so its first frames are judged as well as the rest.
WALL_WARMUP_S = 2.0
# The warm-up only gathers that evidence, and the wall stage looks for lines at most every 0.1 s
# (WallTrackerConfig.lines_every_s) and remembers them in seconds: 10 frames a second feed it as
# well as 25 or 60 would, at a fraction of the pose model's cost.
WALL_WARMUP_FPS = 10.0


class _WarmedSpan:
    """A span's frames, preceded by the wall warm-up's frames (at most ``WALL_WARMUP_FPS``)."""

    def __init__(self, path: str | Path, warm_from_s: float, start_s: float, end_s: float | None,
                 sample_fps: float | None, threaded_decode: bool) -> None:
        self.path = Path(path)
        warm_fps = min(sample_fps or WALL_WARMUP_FPS, WALL_WARMUP_FPS)
        self._warmup = VideoFileSource(path, warm_from_s, start_s, warm_fps, threaded_decode=threaded_decode)
        self._span = VideoFileSource(path, start_s, end_s, sample_fps, threaded_decode=threaded_decode)

    def __iter__(self) -> Iterator:
        yield from self._warmup
        yield from self._span

    @property
    def cut_short_at_s(self) -> float | None:
        return self._span.cut_short_at_s


def _estimate_span(stage: PoseStage, source: VideoFileSource | _WarmedSpan, start_s: float, worker_id: int, out,
                   stop: threading.Event | None = None) -> None:
    """Estimate one span of a clip, sending ``("frames" | "done" | "error", worker_id, payload)`` to ``out``.

    ``source`` may begin before ``start_s`` (wall warm-up): those frames feed the stage, not ``out``.
    The payload of ``"done"`` is where the file's data ended inside the span (it was cut short), or ``None``.
    """
    try:
        batch: list[tuple[PoseFrame, object | None]] = []
        for frame in source:
            if stop is not None and stop.is_set():
                break  # the parent stopped waiting; what was sent is kept
            result = stage.update(frame)
            if frame.t_s < start_s - 1e-6:
                continue  # warm-up only
            batch.append(result)
            if len(batch) >= _BATCH:
                out.put(("frames", worker_id, batch))
                batch = []
        if batch:
            out.put(("frames", worker_id, batch))
        others = getattr(stage.estimator, "others_seen_t_s", None)
        if others is not None:
            out.put(("others", worker_id, [t for t in others if t >= start_s - 1e-6]))
        out.put(("done", worker_id, source.cut_short_at_s))
    except Exception as exc:  # a crash in a worker must reach the user as a message, not a hang
        out.put(("error", worker_id, _error_payload(source.path, exc)))
    finally:
        stage.close()


def _error_payload(path: str | Path, exc: Exception) -> tuple[str, str]:
    """What crosses the queue for an error: its class name (rebuilt by the parent) and message."""
    if isinstance(exc, FormcheckError):
        return type(exc).__name__, str(exc)
    return "FormcheckError", f"{path}: worker failed: {type(exc).__name__}: {exc}"


def _span_source(path: str | Path, start_s: float, end_s: float | None, sample_fps: float | None, wall: bool,
                 shared_cores: bool) -> VideoFileSource | _WarmedSpan:
    # Several spans already keep every core busy; FFmpeg's own decode threads would only add overhead.
    threaded = not shared_cores
    if wall and start_s > 0:
        return _WarmedSpan(path, max(0.0, start_s - WALL_WARMUP_S), start_s, end_s, sample_fps, threaded)
    return VideoFileSource(path, start_s, end_s, sample_fps, threaded_decode=threaded)


def _stage(model: str, posture: str | None, **options) -> PoseStage:
    """A pose stage that prefers people in ``posture`` when it chooses among several."""
    stage = PoseStage(model, **options)
    stage.prefer_posture(posture)
    return stage


def _worker(path: str, start_s: float, end_s: float | None, model: str, sample_fps: float | None,
            wall: bool, worker_id: int, out, posture: str | None = None) -> None:
    # The parent owns Ctrl-C: it stops the workers and keeps what they already sent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)  # the other span's process keeps the other core busy (see one_opencv_thread)
    # Native libraries print start-up chatter to fd 2 from their own threads; a worker reports
    # everything that matters through the queue, so its stderr goes nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        stage = _stage(model, posture, wall=wall)
        source = _span_source(path, start_s, end_s, sample_fps, wall, shared_cores=True)
    except Exception as exc:
        out.put(("error", worker_id, _error_payload(path, exc)))
        return
    _estimate_span(stage, source, start_s, worker_id, out)


class _SpanThreads:
    """The spans of a clip estimated by threads of this process, for estimators whose inference
    releases the GIL (LiteRT): both cores are used without a second process, so nothing is loaded
    twice and nothing starts up (a spawned worker re-imports formcheck and its libraries).

    Offers what the parent's loop needs of a set of worker processes: ``out``, ``start``,
    ``alive``, ``death``, ``stop``.
    """

    def __init__(self, path: Path, chunks: list[tuple[float, float | None]], model: str,
                 sample_fps: float | None, wall: bool = False, posture: str | None = None) -> None:
        self.out: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        shared = len(chunks) > 1
        # Models load here, one after another: a ModelError reaches the caller as it is, and the
        # loads' brief silencing of fd 2 cannot interleave.
        jobs = []
        try:
            for i, (start, end) in enumerate(chunks):
                stage = _stage(model, posture, wall=wall)
                jobs.append((stage, _span_source(path, start, end, sample_fps, wall, shared), start, i))
        except BaseException:
            for stage, *_ in jobs:
                stage.close()
            raise
        self._threads = [threading.Thread(target=_estimate_span, args=(stage, source, start, i, self.out, self._stop),
                                          name=f"formcheck-span-{i}", daemon=True)
                         for stage, source, start, i in jobs]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def alive(self, i: int) -> bool:
        return self._threads[i].is_alive()

    def death(self, i: int) -> str:
        return "a worker thread ended without reporting"

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)


class _SpanProcesses:
    """The spans of a clip estimated by spawned worker processes (MediaPipe pins itself to one
    thread and holds the GIL in places, so only processes use both cores)."""

    def __init__(self, path: Path, chunks: list[tuple[float, float | None]], model: str,
                 sample_fps: float | None, wall: bool, posture: str | None = None) -> None:
        ctx = mp.get_context("spawn")  # fork would copy MediaPipe's threads in an undefined state
        self.out = ctx.Queue()
        self._procs = [ctx.Process(target=_worker, args=(str(path), s, e, model, sample_fps, wall, i, self.out,
                                                                 posture),
                                   daemon=True)
                       for i, (s, e) in enumerate(chunks)]

    def start(self) -> None:
        for p in self._procs:
            p.start()

    def alive(self, i: int) -> bool:
        return self._procs[i].is_alive()

    def death(self, i: int) -> str:
        return f"a worker process died (exit code {self._procs[i].exitcode})"

    def stop(self) -> None:
        for p in self._procs:
            if p.is_alive():
                p.terminate()
        for p in self._procs:
            p.join(timeout=5)
        self.out.close()


@contextmanager
def one_opencv_thread(enabled: bool = True):
    """While the spans of a clip already keep every core busy, OpenCV's own thread pool (used by
    every crop warp) only adds hand-offs: on two cores one thread each saves about 10 % of the CPU
    time per estimated frame (19.4 -> 17.3 ms, 720p, LiteRT, two spans). The setting is global to
    the process, so it is restored afterwards."""
    if not enabled:
        yield
        return
    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def _estimate_video_parallel(path: Path, model: str, workers: int, progress: Progress | None,
                             sample_fps: float | None = None, wall: bool = False,
                             posture: str | None = None) -> _Result:
    source = VideoFileSource(path, sample_fps=sample_fps)  # opened here to fail fast, and for its info
    info = source.info
    if sample_fps and info.fps and info.frame_count and sample_fps < info.fps:
        info = dataclasses.replace(info, frame_count=int(info.frame_count * sample_fps / info.fps) + 1)
    # The wall stage's heavy steps (edges, line fitting, warps) are OpenCV calls, which release the
    # GIL as LiteRT's inference does: its spans are threads too.
    threads = releases_gil(model)
    chunks = _chunks(info.duration_s, workers, MIN_SECONDS_PER_THREAD if threads else MIN_SECONDS_PER_WORKER)
    if len(chunks) == 1:
        return _estimate_sequential(source, info, model, progress, wall, posture)
    spans = (_SpanThreads(path, chunks, model, sample_fps, wall, posture) if threads
             else _SpanProcesses(path, chunks, model, sample_fps, wall, posture))
    with one_opencv_thread(threads):
        result = _collect_spans(spans, len(chunks), path, info, progress, wall)
    if result.complete and threads and not wall:
        result.frames = _relink_spans(result.frames, chunks, path, model, sample_fps, posture, result.others_seen_t_s)
    return result


def _body_box_px(frame: PoseFrame) -> np.ndarray:
    """The square around the hip centre that holds every landmark seen: as the detector's body box."""
    xy = frame.xy_px[np.isfinite(frame.xy_px).all(axis=1)]
    centre = _hip_centre_px(frame)
    half = float(np.max(np.abs(xy - centre)))
    return np.concatenate([centre - half, centre + half])


def _hip_centre_px(frame: PoseFrame) -> np.ndarray:
    return frame.xy_px[[Landmark.left_hip, Landmark.right_hip]].mean(axis=0)


def _has_pose(frame: PoseFrame) -> bool:
    return bool(np.isfinite(frame.xy_px[[Landmark.left_hip, Landmark.right_hip]]).all())


def _relink_spans(frames: list[PoseFrame], chunks: list[tuple[float, float | None]], path: Path, model: str,
                  sample_fps: float | None, posture: str | None = None,
                  others_seen_t_s: list[float] | None = None) -> list[PoseFrame]:
    """``frames`` with every span that starts on another person than the previous span ended on
    estimated again, following the previous span's person (see the module docstring); with somebody
    else seen near a span's start (``others_seen_t_s``), its first seconds are estimated again with the
    tracker's history (:func:`_with_history`)."""
    for start_s, end_s in chunks[1:]:
        if others_seen_t_s and any(abs(t - start_s) <= HISTORY_S + AGREE_AFTER_S for t in others_seen_t_s):
            frames = _with_history(frames, start_s, end_s, path, model, sample_fps, posture)
        before = [f for f in frames if f.t_s < start_s - 1e-6 and _has_pose(f)]
        inside = [f for f in frames if f.t_s >= start_s - 1e-6 and (end_s is None or f.t_s < end_s - 1e-6)]
        first = next((f for f in inside if _has_pose(f)), None)
        if not before or first is None:
            continue
        box = _body_box_px(before[-1])
        size_px = float(np.max(box[2:] - box[:2]))
        if np.hypot(*(_hip_centre_px(first) - _hip_centre_px(before[-1]))) <= OTHER_PERSON_MIN_DISTANCE * size_px:
            continue
        stage = _stage(model, posture)
        try:
            stage.estimator.follow(box)
            again = [stage.update(frame)[0]
                     for frame in VideoFileSource(path, start_s, end_s, sample_fps, threaded_decode=False)]
        finally:
            stage.close()
        kept = {id(f) for f in inside}
        frames = sorted([f for f in frames if id(f) not in kept] + again, key=lambda f: f.t_s)
    return frames


# With someone else about near a span's start, a person passing the exerciser just then can take the span's
# fresh detection (a walker crossing in front); the tracker follows the exerciser through such a crossing
# when it has seen them before it (LiteRTEstimator's anchor). So the span's start is estimated again from
# HISTORY_S earlier, until it agrees with the span's own estimate (AGREE_AFTER_S in, or later); where the two
# followed the same person throughout, the span's own estimate is kept.
HISTORY_S = 2.0
AGREE_AFTER_S = 3.0
# Two estimates of a frame agree when their hip centres are this close, in body-box sizes.
AGREE_DISTANCE = 0.1


def _with_history(frames: list[PoseFrame], start_s: float, end_s: float | None, path: Path, model: str,
                  sample_fps: float | None, posture: str | None) -> list[PoseFrame]:
    """``frames`` with the span from ``start_s`` estimated again by a tracker that starts ``HISTORY_S``
    earlier on the person followed then, until (from ``AGREE_AFTER_S`` in) both estimates agree."""
    history_s = max(0.0, start_s - HISTORY_S)
    seed = [f for f in frames if f.t_s <= history_s + 1e-6 and _has_pose(f)]
    inside = {round(f.t_s, 6): f for f in frames if f.t_s >= start_s - 1e-6 and (end_s is None or f.t_s < end_s - 1e-6)}
    if not seed or not inside:
        return frames
    stage = _stage(model, posture)
    again: list[PoseFrame] = []
    try:
        _start_on(stage.estimator, seed[-1])
        for frame in VideoFileSource(path, seed[-1].t_s, end_s, sample_fps, threaded_decode=False):
            pose = stage.update(frame)[0]
            if frame.t_s < start_s - 1e-6:
                continue
            again.append(pose)
            own = inside.get(round(frame.t_s, 6))
            if frame.t_s >= start_s + AGREE_AFTER_S - 1e-6 and own is not None and _same_person(pose, own):
                break
    finally:
        stage.close()
    if all(_same_person(f, inside[round(f.t_s, 6)]) for f in again if round(f.t_s, 6) in inside):
        return frames  # the same person all along: the span's own estimate stands
    redone = {round(f.t_s, 6) for f in again}
    return sorted([f for f in frames if round(f.t_s, 6) not in redone or f.t_s < start_s - 1e-6] + again,
                  key=lambda f: f.t_s)


def _start_on(estimator, pose: PoseFrame) -> None:
    """Have ``estimator`` go on from ``pose``'s person: tracking their crop from the next frame on when it
    can (LiteRT's ``track_from``; the crop's scale point is above the head, half the body's size from
    the hip centre), else following their box at its next detection."""
    box = _body_box_px(pose)
    if not hasattr(estimator, "track_from"):
        estimator.follow(box)
        return
    centre = _hip_centre_px(pose)
    shoulders = pose.xy_px[[Landmark.left_shoulder, Landmark.right_shoulder]].mean(axis=0)
    up = shoulders - centre
    if not np.isfinite(up).all() or not np.hypot(*up) > 0:
        estimator.follow(box)
        return
    estimator.track_from(centre, centre + up / np.hypot(*up) * (box[2] - box[0]) / 2.0)


def _same_person(a: PoseFrame, b: PoseFrame) -> bool:
    if not (_has_pose(a) and _has_pose(b)):
        return not _has_pose(a) and not _has_pose(b)
    box = _body_box_px(b)
    size_px = float(np.max(box[2:] - box[:2]))
    return float(np.hypot(*(_hip_centre_px(a) - _hip_centre_px(b)))) <= AGREE_DISTANCE * size_px


def _collect_spans(spans, n_spans: int, path: Path, info: SourceInfo, progress: Progress | None,
                   wall: bool) -> _Result:
    """Start the spans and gather their frames in order until all are done, one fails, or Ctrl-C."""
    out = spans.out
    spans.start()
    pairs: list[tuple[PoseFrame, object | None]] = []
    running = set(range(n_spans))
    error: tuple[str, str] | None = None
    cuts_s: list[float] = []  # where the file's data ended, in the spans it ended in
    others_t_s: list[float] | None = None
    complete = False
    try:
        while running:
            try:
                kind, wid, payload = out.get(timeout=1.0)
            except queue.Empty:
                dead = [i for i in running if not spans.alive(i)]
                if dead:
                    error = ("FormcheckError", f"{path}: {spans.death(dead[0])}")
                    break
                continue
            if kind == "frames":
                pairs.extend(payload)
                if progress:
                    progress(len(pairs), info.frame_count)
            elif kind == "others":
                others_t_s = (others_t_s or []) + payload
            elif kind == "done":
                running.discard(wid)
                if payload is not None:
                    cuts_s.append(payload)
            else:
                error = payload
                break
        if error is None and cuts_s:
            # Every span read as far as the data goes: what came before the first cut is the clip.
            error = ("SourceError", ends_early_message(path, min(cuts_s), info.duration_s))
        complete = error is None
    except KeyboardInterrupt:
        complete = False  # keep every frame the workers already sent
    finally:
        spans.stop()
    # Estimating in threads leaves each thread's malloc heap holding the frames it freed (~150 MB for
    # a 720p clip), which the annotated video, drawn by other threads, would add to rather than reuse.
    return_freed_memory()
    if error is not None and not pairs:
        raise _rebuild_error(error)
    # After an error with frames estimated, keep them; the caller sees complete=False and why.
    frames, walls = _in_order(pairs)
    return _Result(frames, info, complete, error[1] if error else None, walls if wall else None,
                   None if others_t_s is None else sorted(others_t_s))


def _rebuild_error(error: tuple[str, str]) -> FormcheckError:
    cls = getattr(errors, error[0], FormcheckError)
    return cls(error[1])


def _in_order(pairs: list[tuple[PoseFrame, object | None]]) -> tuple[list[PoseFrame], list]:
    """Chunks arrive interleaved; sort by time and number the frames as one sequential decode would."""
    pairs.sort(key=lambda p: p[0].t_s)
    frames = [f if f.index == i else f.replace(index=i) for i, (f, _) in enumerate(pairs)]
    return frames, [w for _, w in pairs]


def _estimate_sequential(source, info: SourceInfo, model: str, progress: Progress | None,
                         wall: bool = False, posture: str | None = None) -> _Result:
    stage = _stage(model, posture, static_images=isinstance(source, ImageSource), wall=wall)
    frames: list[PoseFrame] = []
    walls: list = []

    def result(complete: bool, error: str | None = None) -> _Result:
        others = getattr(stage.estimator, "others_seen_t_s", None)
        return _Result(frames, info, complete, error, walls if wall else None, others)

    try:
        for frame in source:
            pose, observed = stage.update(frame)
            frames.append(pose)
            walls.append(observed)
            if progress:
                progress(len(frames), info.frame_count)
    except KeyboardInterrupt:
        return result(False)
    except SourceError as exc:
        # A camera unplugged mid-session: keep everything seen so far and say what happened.
        if not frames:
            raise
        return result(False, str(exc))
    finally:
        stage.close()
    if isinstance(source, VideoFileSource) and source.cut_short_at_s is not None:
        return result(False, ends_early_message(source.path, source.cut_short_at_s, info.duration_s))
    return result(True)


def record(spec: str | Path, model: str = DEFAULT_MODEL, workers: int | None = None,
           progress: Progress | None = None, sample_fps: float | None = None, wall: bool = False,
           frame_rate: float | None = None, for_timing: bool = False, posture: str | None = None) -> Recording:
    """Estimate every frame of a video, image or folder once and return the recording.

    Video files use ``workers`` processes on contiguous spans (default: both cores); ``sample_fps``
    estimates at most that many frames per second of video. If interrupted (Ctrl-C) the frames
    estimated so far are returned with ``meta["complete"] = False``; so are those of a file that
    ends before its index says, with ``meta["error"]`` saying how much was read. ``wall`` also finds
    the wall line and the back's gap to it in every frame (for wall exercises such as the wall sit).
    ``frame_rate``: images per second of a folder of images. ``for_timing``: refuse, before any
    work, a source that is a single picture (nothing to time). ``posture``: the exercise's start
    posture (``"upright"`` / ``"lying"``), which a front end may hand down so that, among several
    people, the one in it is chosen (see :mod:`formcheck.pose.litert.choose`).
    """
    path = Path(spec)
    if is_recording_path(path):
        raise SourceError(f"{path}: is already a landmark recording")
    source = open_source(path, frame_rate=frame_rate)
    if for_timing:
        _refuse_single_picture(path, source.info.frame_count)
    if isinstance(source, VideoFileSource):
        result = _estimate_video_parallel(path, model, workers or default_workers(), progress, sample_fps, wall,
                                          posture)
    else:
        result = _estimate_sequential(source, source.info, model, progress, wall, posture)
    if not result.frames:
        if not result.complete and result.error is None:
            raise KeyboardInterrupt  # stopped before the first frame: nothing to keep
        raise SourceError(f"{path}: no frames could be estimated")
    meta = make_meta(result.info, model, result.complete)
    meta["source_path"] = str(path.resolve()) if path.exists() else str(spec)
    if result.error:
        meta["error"] = result.error
    meta["sample_fps"] = sample_fps
    if frame_rate is not None:
        meta["frame_rate"] = frame_rate
    if result.others_seen_t_s is not None:
        meta.update(others_in_view_meta(result.others_seen_t_s))
    return Recording(result.frames, meta, result.walls)


def _refuse_single_picture(path: Path, frame_count: int | None) -> None:
    """A hold is timed between frames: one picture has no time in it, and would pass as a clean
    session of 0 s (a photo scored "No faults. Well done")."""
    if frame_count != 1:
        return
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise SourceError(f"{path}: a single image cannot be timed; score a video, or a folder of images "
                          "with --frame-rate")
    if path.is_dir():
        raise SourceError(f"{path}: the folder holds a single image, which cannot be timed; add the other "
                          "images, or score a video")
    if is_recording_path(path):
        raise SourceError(f"{path}: the recording holds a single frame, which cannot be timed")
    raise SourceError(f"{path}: a video of a single frame cannot be timed; score a longer video")


def load_poses(spec: str | Path, model: str = DEFAULT_MODEL, workers: int | None = None,
               progress: Progress | None = None, sample_fps: float | None = None, wall: bool = False,
               frame_rate: float | None = None, for_timing: bool = False, posture: str | None = None) -> Recording:
    """Raw landmarks of a recording (read instantly) or of a video/image source (estimated now).

    ``frame_rate``, ``for_timing`` and ``posture`` as for :func:`record`.
    """
    if is_recording_path(spec):
        if frame_rate is not None:
            raise SourceError(f"{spec}: --frame-rate is only for a folder of images (a recording has its "
                              "frame times)")
        recording = load_recording(spec)
    else:
        recording = record(spec, model=model, workers=workers, progress=progress, sample_fps=sample_fps,
                           wall=wall, frame_rate=frame_rate, for_timing=for_timing, posture=posture)
    if for_timing:
        # Also a video whose header promised more frames than decode, and a recording of a picture.
        _refuse_single_picture(Path(spec), len(recording))
    return recording
