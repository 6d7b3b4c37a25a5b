"""A pinhole camera: projection of scene points and the ray through every pixel.

Camera axes follow OpenCV: ``x`` right, ``y`` down, ``z`` forward. ``rotation`` holds those three
axes as columns in scene coordinates (camera-to-scene).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Named views: the camera's azimuth around the subject, measured from the direction the subject
# faces (0 = in front), positive toward the subject's left side (scene -z).
VIEW_AZIMUTH_DEG = {"front": 0.0, "oblique": 45.0, "side": 90.0}


@dataclass(frozen=True)
class Camera:
    position_m: np.ndarray  # (3,) scene frame
    rotation: np.ndarray    # (3, 3) columns: right, down, forward
    fx_px: float
    fy_px: float
    cx_px: float
    cy_px: float
    size_wh: tuple[int, int]

    @classmethod
    def look_at(cls, position_m, target_m, hfov_deg: float, size_wh: tuple[int, int]) -> Camera:
        pos = np.asarray(position_m, float)
        forward = np.asarray(target_m, float) - pos
        forward /= np.linalg.norm(forward)
        up = np.array([0.0, 1.0, 0.0])
        right = np.cross(forward, up)
        right /= np.linalg.norm(right)
        down = np.cross(forward, right)
        w, h = size_wh
        f = (w / 2) / math.tan(math.radians(hfov_deg) / 2)
        return cls(pos, np.stack([right, down, forward], axis=1), f, f, w / 2, h / 2, (int(w), int(h)))

    @property
    def forward(self) -> np.ndarray:
        return self.rotation[:, 2]

    def to_camera(self, points_m: np.ndarray) -> np.ndarray:
        """``(N, 3)`` scene points -> ``(N, 3)`` camera coordinates (metres)."""
        return (np.asarray(points_m, float) - self.position_m) @ self.rotation

    def project(self, points_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N, 3)`` scene points -> ``(N, 2)`` pixel coordinates and ``(N,)`` depth along the view axis (m)."""
        cam = self.to_camera(points_m)
        z = cam[:, 2]
        safe = np.where(np.abs(z) < 1e-9, 1e-9, z)
        u = self.fx_px * cam[:, 0] / safe + self.cx_px
        v = self.fy_px * cam[:, 1] / safe + self.cy_px
        return np.stack([u, v], axis=1), z

    def ray_directions(self) -> np.ndarray:
        """``(H, W, 3)`` float32 unit rays through the pixel centres, scene frame."""
        w, h = self.size_wh
        u = (np.arange(w, dtype=np.float32) + 0.5 - self.cx_px) / self.fx_px
        v = (np.arange(h, dtype=np.float32) + 0.5 - self.cy_px) / self.fy_px
        uu, vv = np.meshgrid(u, v)
        cam = np.stack([uu, vv, np.ones_like(uu)], axis=-1)
        cam /= np.linalg.norm(cam, axis=-1, keepdims=True)
        return (cam @ self.rotation.T.astype(np.float32)).astype(np.float32)


def frame_subject(points_m: np.ndarray, azimuth_deg: float, elevation_deg: float, hfov_deg: float,
                  size_wh: tuple[int, int], fill: float = 0.8, target_offset_m=(0.0, 0.0, 0.0)) -> Camera:
    """A camera that sees every point in ``points_m`` (``(N, 3)``), from a direction and a field of view.

    The distance is the smallest that keeps all points inside ``fill`` of the frame, so any
    exercise is framed the way a person would set up a phone: whole body in view, not tiny.
    """
    pts = np.asarray(points_m, float)
    target = (pts.min(axis=0) + pts.max(axis=0)) / 2 + np.asarray(target_offset_m, float)
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    # Subject faces +x; its left is -z.
    toward_camera = np.array([math.cos(az) * math.cos(el), math.sin(el), -math.sin(az) * math.cos(el)])
    w, h = size_wh
    kx = math.tan(math.radians(hfov_deg) / 2) * fill
    ky = kx * h / w
    distance = 2.0
    for _ in range(3):
        cam = Camera.look_at(target + toward_camera * distance, target, hfov_deg, size_wh)
        q = (pts - target) @ cam.rotation
        distance = max(1.0, float(np.max(np.maximum(np.abs(q[:, 0]) / kx, np.abs(q[:, 1]) / ky) - q[:, 2])))
        cam = Camera.look_at(target + toward_camera * distance, target, hfov_deg, size_wh)
        # Re-centre on the projected extent: perspective makes the near side look bigger.
        px, depth = cam.project(pts)
        centre_px = (px.min(axis=0) + px.max(axis=0)) / 2 - np.array([cam.cx_px, cam.cy_px])
        mean_depth = float(np.mean(depth))
        shift = cam.rotation[:, 0] * centre_px[0] * mean_depth / cam.fx_px
        shift += cam.rotation[:, 1] * centre_px[1] * mean_depth / cam.fy_px
        target = target + shift
    return Camera.look_at(target + toward_camera * distance, target, hfov_deg, size_wh)


def place_camera(target_m, azimuth_deg: float, height_m: float, distance_m: float, hfov_deg: float,
                 size_wh: tuple[int, int]) -> Camera:
    """A camera ``height_m`` above the floor and ``distance_m`` away (horizontally) from ``target_m``,
    in the direction ``azimuth_deg`` (as in :data:`VIEW_AZIMUTH_DEG`), aimed at ``target_m``.

    This is a phone on a tripod set up by hand: its height and distance are chosen, then it is tilted
    (never rolled) to centre the body. Unlike :func:`frame_subject` it does not guarantee the whole
    body is in view.
    """
    if not (height_m > 0 and math.isfinite(height_m)):
        raise ValueError(f"camera height must be a positive number of metres, got {height_m}")
    if not (distance_m >= 0.3 and math.isfinite(distance_m)):
        raise ValueError(f"camera distance must be at least 0.3 m, got {distance_m}")
    target = np.asarray(target_m, float)
    az = math.radians(azimuth_deg)
    # Subject faces +x; its left is -z (see frame_subject).
    position = target + np.array([math.cos(az), 0.0, -math.sin(az)]) * distance_m
    position[1] = height_m
    return Camera.look_at(position, target, hfov_deg, size_wh)
