"""The room around the mannequin: floor, an optional exercise wall, a backdrop, and one light."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck_studio.camera import Camera


@dataclass(frozen=True)
class Plane:
    """An infinite plane seen from the side its ``normal`` points to."""

    name: str                 # "floor", "wall" (the exercise wall) or "backdrop"
    point_m: np.ndarray       # (3,) any point on the plane, scene frame
    normal: np.ndarray        # (3,) unit
    rgb: tuple[float, float, float]  # base colour, 0..1
    pattern: str = "plain"    # "plain", "planks" or "tiles"


@dataclass(frozen=True)
class Light:
    direction: np.ndarray     # (3,) unit, pointing from the scene toward the light
    ambient: float = 0.42
    diffuse: float = 0.62
    shadow_strength: float = 0.45  # fraction of light a cast shadow removes


@dataclass(frozen=True)
class Scene:
    planes: tuple[Plane, ...]
    light: Light
    wall_x_m: float | None    # the exercise wall is the plane x = wall_x_m facing +x, if present


FLOOR_COLOURS = ((0.62, 0.47, 0.33), (0.55, 0.55, 0.55), (0.70, 0.60, 0.45), (0.45, 0.35, 0.28), (0.38, 0.42, 0.5))
WALL_COLOURS = ((0.86, 0.84, 0.78), (0.78, 0.82, 0.86), (0.85, 0.80, 0.72), (0.72, 0.78, 0.72), (0.9, 0.88, 0.86))


def plane_colours(plane: Plane, points_m: np.ndarray) -> np.ndarray:
    """``(N, 3)`` RGB of the plane at ``(N, 3)`` points: a procedural texture, no image assets."""
    base = np.asarray(plane.rgb, np.float32)
    n = plane.normal
    # Two in-plane axes; any pair works since the patterns are only for visual texture.
    helper = np.array([0.0, 1.0, 0.0]) if abs(n[1]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u_axis = np.cross(n, helper)
    u_axis /= np.linalg.norm(u_axis)
    v_axis = np.cross(n, u_axis)
    u = points_m @ u_axis
    v = points_m @ v_axis
    if plane.pattern == "planks":
        board = np.floor(v / 0.14)
        tone = np.modf(np.abs(np.sin(board * 12.9898) * 43758.5453))[0] - 0.5
        grain = 0.035 * np.sin(u * 23.0 + board * 1.7) + 0.02 * np.sin(u * 61.0)
        gap = (np.modf(v / 0.14)[0] < 0.04) * -0.18
        shade = 1.0 + 0.14 * tone + grain + gap
    elif plane.pattern == "tiles":
        checker = (np.floor(u / 0.45) + np.floor(v / 0.45)) % 2
        grout = ((np.modf(np.abs(u) / 0.45)[0] < 0.03) | (np.modf(np.abs(v) / 0.45)[0] < 0.03)) * -0.2
        shade = 1.0 + 0.07 * (checker - 0.5) + grout
    else:
        shade = 1.0 + 0.02 * np.sin(u * 3.1) * np.sin(v * 2.3)
    return np.clip(base[None, :] * shade[:, None], 0.0, 1.0).astype(np.float32)


def make_scene(rng: np.random.Generator, camera: Camera, subject_centre_m: np.ndarray,
               wall_x_m: float | None) -> Scene:
    """Floor at y = 0, the exercise wall if asked, and a backdrop behind the subject as the camera sees it."""
    floor_pattern = ("planks", "tiles", "plain")[int(rng.integers(0, 3))]
    planes = [Plane("floor", np.zeros(3), np.array([0.0, 1.0, 0.0]),
                    FLOOR_COLOURS[int(rng.integers(len(FLOOR_COLOURS)))], floor_pattern)]
    wall_rgb = WALL_COLOURS[int(rng.integers(len(WALL_COLOURS)))]
    if wall_x_m is not None:
        planes.append(Plane("wall", np.array([wall_x_m, 0.0, 0.0]), np.array([1.0, 0.0, 0.0]), wall_rgb))
    horizontal = camera.forward * np.array([1.0, 0.0, 1.0])
    horizontal /= np.linalg.norm(horizontal)
    backdrop_rgb = WALL_COLOURS[int(rng.integers(len(WALL_COLOURS)))]
    planes.append(Plane("backdrop", np.asarray(subject_centre_m, float) + horizontal * rng.uniform(1.8, 3.0),
                        -horizontal, backdrop_rgb))
    # Key light from above, on the camera's side, so the body facing the camera is lit and the
    # shadow falls behind the subject where the camera can see it.
    right = camera.rotation[:, 0]
    light_dir = -horizontal * 0.55 + np.array([0.0, 1.0, 0.0]) + right * rng.uniform(-0.5, 0.5)
    light = Light(light_dir / np.linalg.norm(light_dir), ambient=float(rng.uniform(0.38, 0.48)))
    return Scene(tuple(planes), light, wall_x_m)
