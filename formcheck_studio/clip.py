"""Putting it together: plan a seeded clip, render its frames, write the video and ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.landmarks import Landmark
from formcheck_studio.camera import VIEW_AZIMUTH_DEG, Camera, frame_subject, place_camera
from formcheck_studio.figure import Look, build_figure, landmark_positions
from formcheck_studio.groundtruth import GroundTruth, HoldSpan, SecondPersonTruth
from formcheck_studio.mannequin import BodyDims, Skeleton
from formcheck_studio.motions import plan_motion
from formcheck_studio.posing import pose_at
from formcheck_studio.render import Frame, Renderer
from formcheck_studio.scene import make_scene
from formcheck_studio.second_person import KINDS, SecondPerson, other_look, plan_kneeler, plan_walker, touching
from formcheck_studio.video import VideoWriter


class StudioInputError(FormcheckError, ValueError):
    """A render request with an impossible setting (view, size, duration, frame rate)."""


@dataclass(frozen=True)
class ClipPlan:
    """Everything about a clip except its pixels: posed skeletons, camera, scene and ground truth."""

    skeletons: list[Skeleton]
    look: Look
    renderer: Renderer
    truth: GroundTruth
    second: SecondPerson | None = None

    @property
    def camera(self) -> Camera:
        return self.renderer.camera

    def render_frame(self, index: int) -> Frame:
        parts = build_figure(self.skeletons[index], self.look)
        if self.second is not None:
            parts += build_figure(self.second.skeletons[index], self.second.look)
        return self.renderer.render(parts)

    def frames(self) -> Iterator[Frame]:
        for i in range(len(self.skeletons)):
            yield self.render_frame(i)


def plan_clip(exercise: str, fault: str | None = None, view: str | None = None, seconds: float = 12.0,
              seed: int = 0, size: tuple[int, int] = (640, 360), fps: float = 15.0,
              randomize: bool = True, *, yaw_deg: float = 0.0, camera_height_m: float | None = None,
              camera_distance_m: float | None = None, hfov_deg: float | None = None,
              second_person: str | None = None) -> ClipPlan:
    """Pose every frame and set up camera and room; ``randomize=False`` gives the plain reference look.

    Camera options (all optional; the defaults frame the whole body from the named view):

    * ``yaw_deg`` swings the camera around the body away from the named ``view``: it is subtracted
      from the view's azimuth, so from the side view a positive yaw moves the camera toward the
      body's front (away from an exercise wall), 90 being the front view.
    * ``camera_height_m`` (above the floor) and ``camera_distance_m`` (horizontal, from the centre of
      the body's extent over the clip) place the camera by hand and aim it at that centre; the whole
      body is then no longer guaranteed to be in view. Either one alone keeps the other as the
      automatic framing would have it.
    * ``hfov_deg`` is the horizontal field of view (default 60 degrees, jittered when randomized).

    ``second_person`` adds a second mannequin (:mod:`formcheck_studio.second_person`: ``walk_behind``,
    ``walk_in_front``, ``kneel_assist``); the camera then frames both, and the ground truth says where
    the second person is in every frame and when their hands touch the exerciser.
    """
    if seconds <= 0 or seconds > 600:
        raise StudioInputError(f"seconds must be in (0, 600], got {seconds}")
    if fps <= 0 or fps > 120:
        raise StudioInputError(f"fps must be in (0, 120], got {fps}")
    w, h = (int(v) for v in size)
    if not (64 <= w <= 3840 and 64 <= h <= 2160) or w % 2 or h % 2:
        raise StudioInputError(f"size must be even and between 64x64 and 3840x2160, got {w}x{h}")
    if second_person is not None and second_person not in KINDS:
        raise StudioInputError(f"unknown second person {second_person!r}; valid: {', '.join(KINDS)}")
    rng = np.random.default_rng(seed)
    if randomize:
        dims = BodyDims.from_height(rng.uniform(1.58, 1.9), rng, variation=0.03, girth=rng.uniform(0.92, 1.1))
        look = Look.random(rng)
    else:
        dims, look = BodyDims.from_height(1.75), Look()
    spec, fault_key, plan = plan_motion(exercise, fault, dims, seconds)
    view_name = (view or spec.default_view).strip().lower()
    if view_name not in VIEW_AZIMUTH_DEG:
        raise StudioInputError(f"unknown view {view!r}; valid views: {', '.join(VIEW_AZIMUTH_DEG)}")

    n = max(1, int(round(seconds * fps)))
    times = np.arange(n) / fps
    skeletons = [pose_at(dims, plan.keys, float(t), plan.wall_x_m) for t in times]
    world = np.stack([landmark_positions(sk) for sk in skeletons])  # (F, 33, 3)

    # Frame the whole motion once, like a phone on a stand; pad joints by a body radius so the
    # head top and the feet stay in view.
    pad = np.array([[0, 0.14, 0], [0, -0.08, 0], [0.1, 0, 0], [-0.1, 0, 0]]) * dims.scale
    pts = (world.reshape(-1, 1, 3) + pad[None]).reshape(-1, 3)
    jitter = rng.uniform(-1, 1, 4) if randomize else np.zeros(4)
    azimuth = VIEW_AZIMUTH_DEG[view_name] - float(yaw_deg) + 6.0 * jitter[0]
    second = None
    if second_person is not None:
        second = _plan_second(second_person, int(seed), look, randomize, times, skeletons, world, azimuth)
        world2 = np.stack([landmark_positions(sk) for sk in second.skeletons])
        # The camera frames both people: the helper always, a walker where it crosses the middle.
        near = _near_middle(world2, world) if second_person != "kneel_assist" else np.ones(n, bool)
        pad2 = pad * second.dims.scale / dims.scale
        pts = np.concatenate([pts, (world2[near].reshape(-1, 1, 3) + pad2[None]).reshape(-1, 3)])
    hfov = float(hfov_deg) if hfov_deg is not None else 60.0 + 5.0 * jitter[2]
    if not 10.0 <= hfov <= 150.0:
        raise StudioInputError(f"hfov_deg must be in [10, 150], got {hfov_deg}")
    camera = frame_subject(pts, azimuth, 7.0 + 3.0 * jitter[1], hfov, (w, h), fill=0.82 + 0.06 * jitter[3])
    if camera_height_m is not None or camera_distance_m is not None:
        target = (pts.min(axis=0) + pts.max(axis=0)) / 2
        away = camera.position_m - target
        distance = float(camera_distance_m) if camera_distance_m is not None else float(np.hypot(away[0], away[2]))
        height = float(camera_height_m) if camera_height_m is not None else float(camera.position_m[1])
        try:
            camera = place_camera(target, azimuth, height, distance, hfov, (w, h))
        except ValueError as exc:
            raise StudioInputError(str(exc)) from None
    scene = make_scene(rng, camera, world.reshape(-1, 3).mean(axis=0), plan.wall_x_m)
    renderer = Renderer(camera, scene, noise_seed=seed)

    px = np.stack([camera.project(wf)[0] for wf in world])                 # (F, 33, 2)
    depth = np.stack([camera.project(wf)[1] for wf in world])              # (F, 33)
    image_norm = np.concatenate([px / np.array([w, h], float), depth[..., None]], axis=-1)
    holds = [HoldSpan(float(a), float(min(b, times[-1])), fault_key) for a, b in plan.holds if a < times[-1]]
    other = None
    if second is not None:
        px2, depth2 = (np.stack(v) for v in zip(*(camera.project(wf) for wf in world2)))
        other_norm = np.concatenate([px2 / np.array([w, h], float), depth2[..., None]], axis=-1)
        inside = ((other_norm[..., 0] >= 0) & (other_norm[..., 0] <= 1) & (other_norm[..., 1] >= 0)
                  & (other_norm[..., 1] <= 1) & (depth2 > 0))
        other = SecondPersonTruth(
            second.kind, second.dims.height_m, other_norm, world2, inside.mean(axis=1) >= 0.5,
            np.array([touching(b, a) for a, b in zip(skeletons, second.skeletons)], bool))
    truth = GroundTruth(
        spec.name, fault_key, view_name, int(seed), float(fps), (w, h), dims.height_m, times, image_norm, world,
        np.zeros(world.shape[:2], bool), holds,
        {"position_m": camera.position_m.tolist(), "rotation": camera.rotation.tolist(), "fx_px": camera.fx_px,
         "fy_px": camera.fy_px, "cx_px": camera.cx_px, "cy_px": camera.cy_px},
        other,
    )
    return ClipPlan(skeletons, look, renderer, truth, second)


def _plan_second(kind: str, seed: int, look: Look, randomize: bool, times: np.ndarray,
                 skeletons: list[Skeleton], world: np.ndarray, azimuth_deg: float) -> SecondPerson:
    # A generator of its own: the exerciser's clip (body, look, camera, room) stays what it is without one.
    rng = np.random.default_rng([seed, KINDS.index(kind) + 1])
    dims = BodyDims.from_height(rng.uniform(1.6, 1.9), rng, variation=0.03, girth=rng.uniform(0.92, 1.1))
    look2 = other_look(rng, look) if randomize else Look(shirt=(0.75, 0.2, 0.2))
    az = np.radians(azimuth_deg)
    # From frame_subject: the camera sits toward (cos az, -sin az) in x, z and looks back at the body.
    forward_xz = np.array([-np.cos(az), np.sin(az)])
    right_xz = np.array([-forward_xz[1], forward_xz[0]])
    if kind == "kneel_assist":
        return SecondPerson(kind, dims, look2, plan_kneeler(dims, times, skeletons, forward_xz))
    centre = world.reshape(-1, 3).mean(axis=0)
    return SecondPerson(kind, dims, look2, plan_walker(kind, dims, times, centre, forward_xz, right_xz))


def _near_middle(other_world: np.ndarray, world: np.ndarray, within_m: float = 0.6) -> np.ndarray:
    """``(F,)`` frames where the second person's hips are within ``within_m`` (horizontally) of the
    exerciser's centre line along the walk: a walker is framed only where it crosses the middle."""
    centre = world.reshape(-1, 3).mean(axis=0)
    hips = other_world[:, [Landmark.left_hip, Landmark.right_hip]].mean(axis=1)
    offset = hips - centre
    walk = hips[-1] - hips[0]
    walk[1] = 0.0
    walk /= max(float(np.linalg.norm(walk)), 1e-9)
    return np.abs(offset @ walk) <= within_m


def occluded_landmarks(frame: Frame, camera: Camera, world_m: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``(33,)`` True where a landmark lies behind a visible surface of the body, or outside the image."""
    w, h = camera.size_wh
    px, _ = camera.project(world_m)
    u, v = np.floor(px[:, 0]).astype(int), np.floor(px[:, 1]).astype(int)
    inside = (u >= 0) & (u < w) & (v >= 0) & (v < h)
    out = ~inside
    dist = np.linalg.norm(world_m - camera.position_m, axis=1)
    # Joint centres sit inside the limbs, so the seen surface is up to a limb radius nearer.
    tolerance_m = 0.12 * scale
    idx = np.flatnonzero(inside)
    out[idx] = frame.body_mask[v[idx], u[idx]] & (frame.depth_m[v[idx], u[idx]] < dist[idx] - tolerance_m)
    return out


def render_clip(exercise: str, fault: str | None = None, view: str | None = None, seconds: float = 12.0,
                seed: int = 0, size: tuple[int, int] = (640, 360), fps: float = 15.0,
                out_path: str | Path | None = None, randomize: bool = True,
                second_person: str | None = None) -> tuple[Path, GroundTruth]:
    """Render ``exercise`` (with an optional named ``fault``) to an mp4 and a ground-truth JSON beside it.

    Returns the video path and the :class:`GroundTruth` (also saved as ``<video stem>.json``).
    Raises :class:`UnknownExerciseError` / :class:`UnknownFaultError` / :class:`StudioInputError`.
    """
    plan = plan_clip(exercise, fault, view, seconds, seed, size, fps, randomize, second_person=second_person)
    truth = plan.truth
    if out_path is None:
        stem = "-".join(p for p in (truth.exercise.replace("_", "-"), truth.fault and truth.fault.replace("_", "-"),
                                    truth.view, second_person and second_person.replace("_", "-"), f"s{seed}") if p)
        out_path = Path(f"{stem}.mp4")
    out_path = Path(out_path)
    with VideoWriter(out_path, truth.size_wh, fps) as writer:
        for i, frame in enumerate(plan.frames()):
            writer.write(frame.rgb)
            truth.occluded[i] = occluded_landmarks(frame, plan.camera, truth.world_m[i], plan.skeletons[i].dims.scale)
    truth.save(out_path.with_suffix(".json"))
    return out_path, truth


__all__ = ["ClipPlan", "StudioInputError", "occluded_landmarks", "plan_clip", "render_clip"]
