"""Where clips are scored: a local process pool, or an existing Dask distributed cluster.

Both run :func:`formcheck.batch.work.score_clip` once per clip and yield outcomes as they finish.
No scheduling of our own: ``ProcessPoolExecutor`` and ``Client.submit``/``as_completed`` do it.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from formcheck.batch.work import ClipOutcome, ClipTask, base_row, score_clip, with_data
from formcheck.errors import FormcheckError


class Backend(Protocol):
    def run(self, tasks: Sequence[ClipTask]) -> Iterator[ClipOutcome]:
        """Score every task; yield each outcome as soon as it is done (any order)."""
        ...

    def close(self, abort: bool = False) -> None:
        """Release the workers; ``abort`` (Ctrl-C): drop pending clips and abandon running ones
        (their reports stay unstamped, so the next run scores them)."""
        ...


# Clips submitted ahead per worker slot: enough to keep every slot busy, few enough that a batch of
# thousands (and, with --send-bytes, their contents) is not all held in memory at once.
IN_FLIGHT_PER_SLOT = 2


def _take(tasks: Iterator[ClipTask], count: int) -> list[ClipTask]:
    return [task for _, task in zip(range(max(0, count)), tasks)]


def lost_outcome(task: ClipTask, exc: BaseException) -> ClipOutcome:
    """A clip whose worker died (killed, out of memory): the row says so, the batch goes on."""
    return ClipOutcome(task.stem, {**base_row(task), "status": "failed",
                                   "error": f"{task.source}: the worker scoring it failed: "
                                            f"{type(exc).__name__}: {exc}"})


def default_processes() -> int:
    return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    # The driver owns Ctrl-C: it writes the summary and stops the pool. MediaPipe's native start-up
    # chatter on fd 2 would tear the progress bar; every error comes back in the outcome instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


# A clip whose worker dies is scored again this many times before it becomes a failed row. When a
# pool process dies, every clip in flight in that pool is lost with it (the pool cannot tell whose
# clip killed it), so an innocent clip must survive a neighbour's crash; a clip that kills its
# worker every time still ends as a row instead of breaking the batch.
RETRIES_AFTER_LOST_WORKER = 2


class LocalPool:
    """One clip per process, one process per core (each clip estimated on one core).

    A worker that dies (killed, out of memory, a crash in native code) breaks a
    ``ProcessPoolExecutor`` for good; the pool is then replaced and the clips that were in flight
    are submitted again, so the batch still finishes.
    """

    def __init__(self, processes: int | None = None) -> None:
        self._processes = processes or default_processes()
        self._pool = self._new_pool()
        self._window = IN_FLIGHT_PER_SLOT * self._processes
        self.replaced_pools = 0  # how often a lost worker forced a new pool

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: MediaPipe's threads do not survive a fork.
        return ProcessPoolExecutor(max_workers=self._processes, mp_context=mp.get_context("spawn"),
                                   initializer=_quiet_worker)

    def run(self, tasks: Sequence[ClipTask]) -> Iterator[ClipOutcome]:
        pending = iter(tasks)
        retry: list[ClipTask] = []
        attempts: dict[str, int] = {}  # stem -> times a worker died under it
        running: dict[Future, ClipTask] = {}
        while True:
            for task in [*retry, *_take(pending, self._window - len(running) - len(retry))]:
                running[self._pool.submit(score_clip, with_data(task))] = task
            retry = []
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = any(isinstance(f.exception(), BrokenProcessPool) for f in done)
            if broken:
                done, _ = wait(running)  # a broken pool settles every future it holds, at once
            for future in done:
                task = running.pop(future)
                exc = future.exception()
                if isinstance(exc, BrokenProcessPool) and attempts.get(task.stem, 0) < RETRIES_AFTER_LOST_WORKER:
                    attempts[task.stem] = attempts.get(task.stem, 0) + 1
                    retry.append(task)
                else:
                    yield lost_outcome(task, exc) if exc else future.result()
            if broken:
                self._replace_pool()

    def _replace_pool(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self.replaced_pools += 1

    def close(self, abort: bool = False) -> None:
        if not abort:
            self._pool.shutdown(wait=True)
            return
        # Without terminating them, running clips would finish before the interpreter may exit
        # (the executor joins its processes at exit); after Ctrl-C the user wants the prompt back.
        # There is no public way before Python 3.14 (terminate_workers), hence the private map.
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


class DaskCluster:
    """Clips as Dask tasks on an existing cluster (``tcp://host:8786``)."""

    def __init__(self, address: str) -> None:
        try:
            import distributed  # optional: the 'cluster' extra
        except ImportError:
            raise FormcheckError("--cluster needs Dask distributed: pip install 'formcheck[cluster]'") from None
        self._as_completed = distributed.as_completed
        try:
            self._client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise FormcheckError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self._in_flight: dict = {}  # key -> Future, for cancelling on Ctrl-C

    def run(self, tasks: Sequence[ClipTask]) -> Iterator[ClipOutcome]:
        pending = iter(tasks)
        slots = sum(self._client.nthreads().values()) or 1
        window = IN_FLIGHT_PER_SLOT * slots
        running: dict[str, ClipTask] = {}
        completed = self._as_completed()
        for task in _take(pending, window):
            self._submit(task, running, completed)
        for future in completed:
            task = running.pop(future.key)
            self._in_flight.pop(future.key, None)
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker is this clip's row
                yield lost_outcome(task, exc)
            future.release()
            for task in _take(pending, 1):  # workers may join or leave; one out, one in is enough
                self._submit(task, running, completed)

    def _submit(self, task: ClipTask, running: dict, completed) -> None:
        # pure=False: a clip is scored when asked, never served from a result Dask remembers;
        # retries=1: a worker lost mid-clip (restart, eviction) costs one retry, not the clip.
        future = self._client.submit(score_clip, with_data(task), pure=False, retries=1,
                                     key=f"formcheck-{task.stem}-{os.urandom(4).hex()}")
        running[future.key] = task
        self._in_flight[future.key] = future
        completed.add(future)

    def close(self, abort: bool = False) -> None:
        if self._in_flight:
            self._client.cancel(list(self._in_flight.values()))
        self._client.close()


def open_backend(cluster: str | None, processes: int | None = None) -> Backend:
    return DaskCluster(cluster) if cluster else LocalPool(processes)
