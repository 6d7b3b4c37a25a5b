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
