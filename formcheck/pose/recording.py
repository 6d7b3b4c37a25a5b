"""Landmark recordings: estimate a clip once, re-score it instantly.

File format (``*.poses.npz``, a NumPy ``.npz`` zip, compressed), version 1:

==============  ==================  =====================================================
key             dtype, shape        meaning
==============  ==================  =====================================================
``format``      str                 always ``"formcheck.poses"``
``version``     int                 ``1``; readers refuse versions they do not know
``meta_json``   str                 JSON: ``source``, ``width``, ``height``, ``fps``,
                                    ``duration_s``, ``model``, ``formcheck_version``,
                                    ``created_utc``, ``complete`` (false if interrupted)
``t_s``         float64 ``(N,)``    frame times in seconds (container timestamps)
``index``       int32 ``(N,)``      frame numbers in the source
``detected``    bool ``(N,)``       whether a person was found in the frame
``xyz_norm``    float32 ``(N,33,3)`` raw normalized landmarks (``NaN`` when not detected)
``visibility``  float32 ``(N,33)``  raw visibility (0 when not detected)
``world_m``     float32 ``(N,33,3)`` world landmarks in metres (``NaN`` when not detected)
``assisted``    bool ``(N,)``       optional: another person's hands on the exerciser
                                    (absent in older recordings: read as all false)
==============  ==================  =====================================================

Landmarks are stored raw — before the visibility gate and smoothing — so a recording replayed
through the same cleaning stages gives exactly what live estimation would have given.

Recordings made for a wall exercise also hold the wall stage's per-frame observations, under the
optional keys of :func:`formcheck.pose.wall.to_arrays` (``wall_line``, ``wall_confidence``,
``wall_gaps_torso``, ``wall_contour``, ``wall_lumbar_point``; NaN where unknown), so a wall sit is
re-scored without its video.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from formcheck import __version__
from formcheck.atomic import atomic_open
from formcheck.errors import RecordingError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.litert.choose import LOOK_FOR_OTHERS_S
from formcheck.pose.wall.observation import from_arrays, to_arrays
from formcheck.sources.media import SourceInfo

FORMAT_NAME = "formcheck.poses"
FORMAT_VERSION = 1
SUFFIX = ".poses.npz"
_KEYS = ("format", "version", "meta_json", "t_s", "index", "detected", "xyz_norm", "visibility", "world_m")


def is_recording_path(path: str | Path) -> bool:
    return str(path).lower().endswith(SUFFIX)


def default_recording_path(video: str | Path) -> Path:
    """``clip.mp4`` -> ``clip.poses.npz`` beside it."""
    video = Path(video)
    return video.with_name(video.stem + SUFFIX)


@dataclass
class Recording:
    """Every frame's raw landmarks of one source, plus what the source was.

    ``walls``: one ``WallObservation`` per frame when the wall stage ran, else ``None``.
    """

    frames: list[PoseFrame]
    meta: dict = field(default_factory=dict)
    walls: list | None = None

    @property
    def info(self) -> SourceInfo:
        m = self.meta
        return SourceInfo(str(m.get("source", "recording")), int(m["width"]), int(m["height"]),
                          m.get("fps"), m.get("duration_s"), len(self.frames))

    @property
    def detection_rate(self) -> float:
        """Fraction of frames in which a person was found (0 for an empty recording)."""
        if not self.frames:
            return 0.0
        return sum(f.detected for f in self.frames) / len(self.frames)

    def __iter__(self) -> Iterator[PoseFrame]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)


def incomplete_reason(meta: dict) -> str:
    """Why a recording does not cover its whole source: what its reader said, or else that the
    recording itself was stopped early (Ctrl-C while it was made)."""
    return meta.get("error") or "the recording was stopped before the end of its video"


def others_in_view_meta(others_seen_t_s: list[float]) -> dict:
    """Meta keys for another person in view: ``other_person_s`` (seconds of the clip in which the
    detector, looking every ``LOOK_FOR_OTHERS_S``, saw someone besides the exerciser) and
    ``other_person_first_s`` (when first, or ``None``)."""
    # Looks come more often while someone is close (every 0.25 s): each LOOK_FOR_OTHERS_S of video counts once.
    looked = {int(t // LOOK_FOR_OTHERS_S + 1e-9) for t in others_seen_t_s}
    return {"other_person_s": round(len(looked) * LOOK_FOR_OTHERS_S, 2),
            "other_person_first_s": others_seen_t_s[0] if others_seen_t_s else None}


def make_meta(info: SourceInfo, model: str, complete: bool) -> dict:
    return {
        "source": info.name,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "duration_s": info.duration_s,
        "model": model,
        "formcheck_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "complete": complete,
    }


def _stack(frames: Sequence[PoseFrame]) -> dict[str, np.ndarray]:
    n = len(frames)
    if n == 0:
        return {
            "t_s": np.zeros(0, np.float64), "index": np.zeros(0, np.int32), "detected": np.zeros(0, bool),
            "xyz_norm": np.zeros((0, NUM_LANDMARKS, 3), np.float32),
            "visibility": np.zeros((0, NUM_LANDMARKS), np.float32),
            "world_m": np.zeros((0, NUM_LANDMARKS, 3), np.float32), "assisted": np.zeros(0, bool),
        }
    return {
        "t_s": np.array([f.t_s for f in frames], np.float64),
        "index": np.array([f.index for f in frames], np.int32),
        "detected": np.array([f.detected for f in frames], bool),
        "xyz_norm": np.stack([f.xyz_norm for f in frames]).astype(np.float32),
        "visibility": np.stack([f.visibility for f in frames]).astype(np.float32),
        "world_m": np.stack([f.world_m for f in frames]).astype(np.float32),
        "assisted": np.array([f.assisted for f in frames], bool),
    }


def save_recording(recording: Recording, path: str | Path) -> Path:
    """Write atomically: a crash mid-write never leaves a half file under the final name."""
    path = Path(path)
    if not is_recording_path(path):
        raise RecordingError(f"{path}: a landmark recording's name must end in {SUFFIX}")
    arrays = _stack(recording.frames)
    if recording.walls is not None:
        arrays.update(to_arrays(recording.walls))
    with atomic_open(path, "wb") as fh:
        np.savez_compressed(fh, format=np.array(FORMAT_NAME), version=np.array(FORMAT_VERSION),
                            meta_json=np.array(json.dumps(recording.meta)), **arrays)
    return path


def load_recording(path: str | Path) -> Recording:
    """Read a ``*.poses.npz`` file; wrong format or version is a :class:`RecordingError`."""
    path = Path(path)
    if not path.exists():
        raise RecordingError(f"{path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing_keys = [k for k in _KEYS if k not in data.files]
            if "format" in missing_keys or str(data["format"]) != FORMAT_NAME:
                raise RecordingError(f"{path}: not a formcheck landmark recording (expected a {SUFFIX} file "
                                     f"written by 'formcheck record')")
            version = int(data["version"]) if "version" in data.files else None
            if version != FORMAT_VERSION:
                raise RecordingError(f"{path}: recording format version {version} is not supported "
                                     f"(this formcheck reads version {FORMAT_VERSION}); record the clip again")
            if missing_keys:
                raise RecordingError(f"{path}: recording is missing fields {', '.join(missing_keys)}")
            meta = json.loads(str(data["meta_json"]))
            arrays = {k: data[k] for k in _KEYS[3:]}
            if "assisted" in data.files:
                arrays["assisted"] = data["assisted"]
            wall_arrays = {k: data[k] for k in data.files if k.startswith("wall_")}
    except RecordingError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, json.JSONDecodeError) as exc:
        raise RecordingError(f"{path}: not a readable landmark recording ({type(exc).__name__}: {exc})") from None
    walls = None
    if wall_arrays:
        walls = from_arrays(wall_arrays)
    return Recording(list(_frames_from_arrays(arrays, (int(meta["width"]), int(meta["height"])))), meta, walls)


def _frames_from_arrays(a: dict[str, np.ndarray], image_wh: tuple[int, int]) -> Iterator[PoseFrame]:
    all_missing = np.ones(NUM_LANDMARKS, bool)
    none_missing = np.zeros(NUM_LANDMARKS, bool)
    assisted = a.get("assisted", np.zeros(len(a["t_s"]), bool))
    for i in range(len(a["t_s"])):
        detected = bool(a["detected"][i])
        yield PoseFrame(float(a["t_s"][i]), int(a["index"][i]), a["xyz_norm"][i], a["visibility"][i],
                        a["world_m"][i], image_wh, none_missing if detected else all_missing,
                        assisted=bool(assisted[i]))
