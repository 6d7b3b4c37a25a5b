"""Ground truth of a rendered clip: every frame's landmarks and the spans the exercise is held."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.errors import RecordingError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark

FORMAT = "formcheck-studio-groundtruth"
VERSION = 1


@dataclass(frozen=True)
class HoldSpan:
    """``[start_s, end_s]`` during which the exercise position is held, and the fault it has (``None`` = good form)."""

    start_s: float
    end_s: float
    fault: str | None

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, eq=False)
class SecondPersonTruth:
    """Where the second person of a clip is in every frame, and when their hands touch the exerciser.

    Attributes:
        kind: ``walk_behind``, ``walk_in_front`` or ``kneel_assist`` (:mod:`formcheck_studio.second_person`).
        image_norm: ``(F, 33, 3)`` as :attr:`GroundTruth.image_norm`, for the second person.
        world_m: ``(F, 33, 3)`` scene metres, as :attr:`GroundTruth.world_m`.
        in_view: ``(F,)`` True where at least half of their landmarks fall inside the image.
        touching: ``(F,)`` True where a hand of theirs rests on the exerciser's body.
    """

    kind: str
    body_height_m: float
    image_norm: np.ndarray
    world_m: np.ndarray
    in_view: np.ndarray
    touching: np.ndarray

    def seconds(self, flags: np.ndarray, fps: float) -> float:
        """Seconds of the clip in which ``flags`` (per frame) is true (each frame lasts ``1 / fps``)."""
        return float(np.count_nonzero(flags)) / fps

    def to_dict(self) -> dict:
        names = [lm.name for lm in Landmark]
        return {
            "kind": self.kind, "body_height_m": round(self.body_height_m, 4),
            "in_view": self.in_view.astype(int).tolist(), "touching": self.touching.astype(int).tolist(),
            "image_norm": [{n: [round(float(v), 5) for v in f[k]] for k, n in enumerate(names)}
                           for f in self.image_norm],
            "world_m": [{n: [round(float(v), 4) for v in f[k]] for k, n in enumerate(names)} for f in self.world_m],
        }

    @classmethod
    def from_dict(cls, data: dict) -> SecondPersonTruth:
        names = [lm.name for lm in Landmark]
        image = np.array([[f[n] for n in names] for f in data["image_norm"]], float).reshape(-1, NUM_LANDMARKS, 3)
        world = np.array([[f[n] for n in names] for f in data["world_m"]], float).reshape(-1, NUM_LANDMARKS, 3)
        return cls(data["kind"], float(data["body_height_m"]), image, world, np.array(data["in_view"], bool),
                   np.array(data["touching"], bool))


@dataclass(frozen=True, eq=False)
class GroundTruth:
    """Exact landmarks of every frame of a rendered clip.

    Attributes:
        times_s: ``(F,)`` frame times (frame ``i`` is shown at ``i / fps``).
        image_norm: ``(F, 33, 3)``: x, y in normalized image coordinates (0..1, y down) and the
            landmark's depth along the camera axis in metres.
        world_m: ``(F, 33, 3)`` scene coordinates in metres: floor at y = 0, y up; the exercise
            wall (if any) is the plane x = 0 facing +x; the body faces +x when standing.
        occluded: ``(F, 33)`` True where the landmark is hidden behind the body (or outside the image).
        camera: position, rotation (columns right/down/forward) and intrinsics, scene frame.
        second: the second person in the clip, if one was rendered (``None`` otherwise).
    """

    exercise: str
    fault: str | None
    view: str
    seed: int
    fps: float
    size_wh: tuple[int, int]
    body_height_m: float
    times_s: np.ndarray
    image_norm: np.ndarray
    world_m: np.ndarray
    occluded: np.ndarray
    holds: list[HoldSpan]
    camera: dict = field(default_factory=dict)
    second: SecondPersonTruth | None = None

    @property
    def num_frames(self) -> int:
        return int(self.times_s.shape[0])

    def xy_px(self, index: int) -> np.ndarray:
        """``(33, 2)`` pixel coordinates of frame ``index``."""
        return self.image_norm[index, :, :2] * np.asarray(self.size_wh, float)

    def held_at(self, t_s: float) -> HoldSpan | None:
        """The hold span covering ``t_s``, if any."""
        return next((h for h in self.holds if h.start_s <= t_s <= h.end_s), None)

    def angle_deg(self, index: int, a: Landmark, b: Landmark, c: Landmark) -> float:
        """3-D angle at ``b`` between ``b->a`` and ``b->c`` in frame ``index`` (180 = straight)."""
        w = self.world_m[index]
        u, v = w[a] - w[b], w[c] - w[b]
        cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))
        return math.degrees(math.acos(max(-1.0, min(1.0, cos))))

    def pose_frames(self) -> list[PoseFrame]:
        """The ground truth as :class:`PoseFrame` records, shaped like the pose estimator's output.

        ``world_m`` becomes hip-centred with camera axes (x right, y down), as MediaPipe's world
        landmarks are; ``z`` is depth relative to the hips in units of image width.
        """
        rot = np.asarray(self.camera["rotation"], float)
        fx = float(self.camera["fx_px"])
        w = float(self.size_wh[0])
        frames = []
        hips = [Landmark.left_hip, Landmark.right_hip]
        for i in range(self.num_frames):
            xyz = self.image_norm[i].astype(np.float64).copy()
            hip_depth = float(xyz[hips, 2].mean())
            xyz[:, 2] = (xyz[:, 2] - hip_depth) * fx / (hip_depth * w)
            world = (self.world_m[i] - self.world_m[i, hips].mean(axis=0)) @ rot
            vis = np.where(self.occluded[i], 0.3, 0.99)
            frames.append(PoseFrame(float(self.times_s[i]), i, xyz, vis, world, self.size_wh))
        return frames

    # --- files ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        names = [lm.name for lm in Landmark]
        frames = []
        for i in range(self.num_frames):
            frames.append({
                "t_s": round(float(self.times_s[i]), 4),
                "image_norm": {n: [round(float(v), 5) for v in self.image_norm[i, k]] for k, n in enumerate(names)},
                "world_m": {n: [round(float(v), 4) for v in self.world_m[i, k]] for k, n in enumerate(names)},
                "occluded": [n for k, n in enumerate(names) if self.occluded[i, k]],
            })
        return {
            "format": FORMAT, "version": VERSION, "rendered": True,
            "note": "Rendered by formcheck_studio: a synthetic mannequin, not a recording of a person.",
            "exercise": self.exercise, "fault": self.fault, "view": self.view, "seed": self.seed,
            "fps": self.fps, "size_wh": list(self.size_wh), "body_height_m": round(self.body_height_m, 4),
            "camera": {k: (np.asarray(v).round(6).tolist() if isinstance(v, (np.ndarray, list, tuple)) else v)
                       for k, v in self.camera.items()},
            "coordinates": {
                "image_norm": ("x, y in 0..1 of width/height (y down); "
                               "third value = depth along the camera axis, metres"),
                "world_m": "scene metres: floor y=0, y up, exercise wall is x=0 facing +x",
            },
            "holds": [{"start_s": round(h.start_s, 4), "end_s": round(h.end_s, 4), "fault": h.fault}
                      for h in self.holds],
            "frames": frames,
            **({"second_person": self.second.to_dict()} if self.second is not None else {}),
        }

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":")))
        return path

    @classmethod
    def load(cls, path: str | Path) -> GroundTruth:
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise RecordingError(f"cannot read ground truth {path}: {exc}") from None
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise RecordingError(f"{path} is not a formcheck studio ground-truth file (version {VERSION})")
        names = [lm.name for lm in Landmark]
        frames = data["frames"]
        image = np.array([[f["image_norm"][n] for n in names] for f in frames], float).reshape(-1, NUM_LANDMARKS, 3)
        world = np.array([[f["world_m"][n] for n in names] for f in frames], float).reshape(-1, NUM_LANDMARKS, 3)
        occluded = np.array([[n in set(f["occluded"]) for n in names] for f in frames], bool).reshape(-1, NUM_LANDMARKS)
        return cls(
            data["exercise"], data["fault"], data["view"], int(data["seed"]), float(data["fps"]),
            tuple(data["size_wh"]), float(data["body_height_m"]), np.array([f["t_s"] for f in frames], float),
            image, world, occluded, [HoldSpan(h["start_s"], h["end_s"], h["fault"]) for h in data["holds"]],
            data.get("camera", {}),
            SecondPersonTruth.from_dict(data["second_person"]) if "second_person" in data else None,
        )
