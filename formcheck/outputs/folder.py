"""An output folder claimed for one source: checked before any work, written whole or not at all.

``OutputFolder.claim(target, source)`` checks the target before estimation starts (a folder, not a
file; writable; enough free space; not another source's output unless ``overwrite``) and makes a
fresh working folder beside it. The sinks write into ``folder.work_dir``; ``commit()`` then moves it
into place in one rename, so a rerun never leaves an earlier run's files behind and a reader never
sees half a set. ``abandon()`` removes it when the run produced nothing worth keeping.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from formcheck.errors import OutputError

MARKER = ".formcheck-source.json"
"""Which source an output folder holds the results of (hidden: it is bookkeeping, not a result)."""

_MB = 1024 * 1024


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def source_of(folder: Path) -> str | None:
    """The source whose results ``folder`` holds, or None (no marker, or an unreadable one)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("source") if isinstance(data, dict) else None


def identity(source: str | Path) -> str:
    """A source as the marker records it: a file's absolute path, a camera or stream as given."""
    text = str(source)
    return text if "://" in text or not Path(text).exists() else str(Path(text).resolve())


class OutputFolder:
    """``claim(target, source)`` before the work, ``work_dir`` during it, ``commit()`` after it."""

    def __init__(self, target: Path, source: str, work_dir: Path, made: Path | None = None) -> None:
        self.target, self.source, self.work_dir = target, source, work_dir
        self.made = made  # the outermost folder the claim created, removed again if the run is abandoned

    @classmethod
    def claim(cls, target: str | Path, source: str | Path, *, overwrite: bool = False,
              needed_bytes: int = 0) -> OutputFolder:
        target = Path(target)
        source_id = identity(source)
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: is a file, not a folder; choose another output folder with -o")
        base = _nearest_existing(target.parent)
        if not base.is_dir():
            raise OutputError(f"{target}: cannot be created: {base} is a file, not a folder")
        if target.is_dir() and not overwrite:
            held = source_of(target)
            if held is not None and held != source_id:
                raise OutputError(f"{target}: holds the results of {held}; choose another folder with -o, "
                                  "or pass --overwrite to replace them")
            if held is None and any(target.iterdir()):
                raise OutputError(f"{target}: is not empty and holds no formcheck results; choose another "
                                  "folder with -o, or pass --overwrite to replace what is in it")
        made = next((p for p in reversed((target.parent, *target.parent.parents)) if not p.exists()), None)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            work_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
        except OSError as exc:
            raise OutputError(f"{target}: cannot write there: {_reason(exc)}") from None
        free = shutil.disk_usage(work_dir).free
        if free < needed_bytes:
            shutil.rmtree(work_dir, ignore_errors=True)
            raise OutputError(f"{target}: not enough free space: the results need about "
                              f"{needed_bytes / _MB:.0f} MB, {free / _MB:.0f} MB are free on that disk")
        return cls(target, source_id, work_dir, made)

    def written(self) -> list[str]:
        """The names of the files written so far."""
        return sorted(p.name for p in self.work_dir.iterdir() if p.name != MARKER) if self.work_dir.is_dir() else []

    def commit(self) -> Path:
        """Move the results into place, replacing an earlier run's folder whole."""
        (self.work_dir / MARKER).write_text(json.dumps({"source": self.source}) + "\n", encoding="utf-8")
        os.chmod(self.work_dir, 0o755)  # mkdtemp makes it private; results are meant to be shared
        old = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            os.replace(self.target, old / self.target.name)
        os.replace(self.work_dir, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    @contextlib.contextmanager
    def kept(self) -> Iterator[OutputFolder]:
        """However the work inside ends (done, Ctrl-C, a full disk, a crash), what was written is
        moved into place; when nothing was, the target is left exactly as it was."""
        try:
            yield self
        finally:
            if self.written():
                self.commit()
            else:
                self.abandon()

    def abandon(self) -> None:
        """Remove the working folder: the run left nothing worth keeping, and the target is untouched."""
        shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.made is not None:
            folder = self.target.parent
            while folder != self.made.parent and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


def check_new_file(path: Path, overwrite: bool = False) -> None:
    """Before the work: ``path`` can be written (its folder exists or can be made, and is
    writable), and holds nothing that would be silently replaced unless ``overwrite``."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    if path.exists() and not overwrite:
        raise OutputError(f"{path}: already exists; pass --overwrite to replace it, or choose another name")
    base = _nearest_existing(path.parent)
    if not base.is_dir():
        raise OutputError(f"{path}: cannot be created: {base} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write there: {base} is not writable")
