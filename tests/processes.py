"""This machine's process tree, read from /proc (Linux): for killing a worker, or summing memory."""

from __future__ import annotations

import os


def children(pid: int) -> list[int]:
    # Per thread: Dask starts its workers from its event-loop thread, not the main one.
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found.extend(int(c) for c in fh.read().split())
    except OSError:
        pass  # the process (or a thread) ended while we looked
    return found


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found.extend(kids)
        todo.extend(kids)
    return found


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process and its descendants have used so far: progress that a busy
    machine slows down no more than the work itself, unlike seconds on a clock."""
    ticks = 0
    for one in (pid, *descendants(pid)):
        try:
            with open(f"/proc/{one}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")
