"""What a report depends on, as hashes: the clip's content and the exercise's calibration.

A clip is hashed once per (path, size, mtime): the result is cached in a small JSON index in the
output folder, so a rerun over thousands of large videos reads none of them again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from formcheck.atomic import atomic_open
from formcheck.judge.exercises import Exercise
from formcheck.judge.exercises.library import find_profile

INDEX_NAME = ".formcheck-batch-index.json"
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashIndex:
    """``sha256`` of files, remembered by (resolved path, size, mtime_ns) in ``<out>/INDEX_NAME``."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / INDEX_NAME
        self._entries: dict[str, dict] = self._read()
        self._dirty = False

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no index yet, or a damaged one: rehashing is always correct
        return data if isinstance(data, dict) else {}

    def sha256(self, path: Path) -> str:
        """The file's hash, from the index when size and mtime are unchanged."""
        key = str(path.resolve())
        st = path.stat()
        entry = self._entries.get(key)
        if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return str(entry["sha256"])
        digest = sha256_file(path)
        self._entries[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
        self._dirty = True
        return digest

    def save(self) -> None:
        """Atomic write, only when something was hashed."""
        if not self._dirty:
            return
        with atomic_open(self.path, "w", encoding="utf-8") as fh:
            json.dump(self._entries, fh, indent=0, sort_keys=True)
        self._dirty = False


def calibration_files(exercise: Exercise, profile: str | None) -> list[Path]:
    """The files an exercise's thresholds were read from: exercise, calibration, profile."""
    files = [p for p in (exercise.path, exercise.calibration_path) if p is not None]
    if profile is not None:
        files.append(find_profile(profile, exercise.spec.name))
    return [Path(p) for p in files]


def calibration_sha256(exercise: Exercise, profile: str | None) -> str:
    """One hash over the contents of :func:`calibration_files` and the exercise variant's name.

    Contents, not mtimes: touching a file without changing it must not re-score thousands of clips.
    """
    digest = hashlib.sha256(exercise.name.encode())
    for path in calibration_files(exercise, profile):
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()
