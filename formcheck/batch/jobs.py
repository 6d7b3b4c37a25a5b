"""Which clips to score, with which exercise and profile, and where each clip's reports go."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.pose.recording import SUFFIX
from formcheck.sources.media import VIDEO_SUFFIXES


@dataclass(frozen=True)
class ClipJob:
    """One clip to score. ``stem`` names its folder in the output (``DIR/<stem>/``)."""

    source: Path
    exercise: str
    profile: str | None = None
    stem: str = ""


def is_clip(path: Path) -> bool:
    return path.is_file() and (path.suffix.lower() in VIDEO_SUFFIXES or path.name.endswith(SUFFIX))


def clip_stem(path: Path) -> str:
    return path.name.removesuffix(SUFFIX) if path.name.endswith(SUFFIX) else path.stem


Skipped = Callable[[Path, str], None]
"""``skipped(path, why)``: told of each entry of a folder that is not scored."""


def _expand(source: Path, skipped: Skipped) -> list[Path]:
    """A folder gives its clips (sorted, not recursive); a file is itself. Anything in a folder that
    looks like it was meant to be scored but is not (a sub-folder, a link to nothing) is told to
    ``skipped``, never passed over in silence."""
    if source.is_dir():
        clips = []
        for path in sorted(source.iterdir()):
            if is_clip(path):
                clips.append(path)
            elif path.is_symlink() and not path.exists():
                skipped(path, "a link to a file that does not exist")
            elif path.is_dir() and not path.name.startswith("."):
                skipped(path, "a folder inside the folder (folders are not searched; name it too to score it)")
        return clips
    if not source.exists():
        raise FormcheckError(f"{source}: no such file or folder")
    return [source]


def _ignore(path: Path, why: str) -> None:
    pass


def jobs_from_sources(sources: Iterable[Path], exercise: str, profile: str | None = None,
                      skipped: Skipped = _ignore) -> list[ClipJob]:
    """Every clip named or inside a named folder, each with the same exercise and profile."""
    clips = [clip for source in sources for clip in _expand(Path(source), skipped)]
    if not clips:
        raise FormcheckError("no videos or .poses.npz recordings to score in " + ", ".join(map(str, sources)))
    return with_unique_stems([ClipJob(clip, exercise, profile) for clip in clips])


def jobs_from_manifest(manifest: Path, default_profile: str | None = None) -> list[ClipJob]:
    """``path,exercise[,profile]`` rows (a header row is optional); relative paths are relative to
    the manifest's folder, so a manifest travels with its clips."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FormcheckError(f"{manifest}: cannot read the manifest: {exc.strerror or exc}") from None
    jobs = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#") or (number == 1 and cells[:2] == ["path", "exercise"]):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise FormcheckError(f"{manifest}:{number}: expected 'path,exercise[,profile]', got {','.join(row)!r}")
        path = Path(cells[0]).expanduser()
        path = path if path.is_absolute() else manifest.parent / path
        profile = cells[2] if len(cells) > 2 and cells[2] else default_profile
        jobs.append(ClipJob(path, cells[1], profile))
    if not jobs:
        raise FormcheckError(f"{manifest}: the manifest lists no clips")
    return with_unique_stems(jobs)


def with_unique_stems(jobs: Sequence[ClipJob]) -> list[ClipJob]:
    """Give each job its output folder name: the clip's stem, plus a short hash of the job (path,
    exercise, profile) when two jobs share a stem (``clip001.mp4`` in two patients' folders, or one
    clip scored as two exercises). Depends only on each job, not on the order of the list, so a
    rerun with the clips listed differently still finds its reports."""
    counts = Counter(clip_stem(j.source) for j in jobs)
    out = []
    for job in jobs:
        stem = clip_stem(job.source)
        if counts[stem] > 1:
            key = f"{job.source.resolve()}|{job.exercise}|{job.profile or ''}"
            stem = f"{stem}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
        out.append(replace(job, stem=stem))
    return out
