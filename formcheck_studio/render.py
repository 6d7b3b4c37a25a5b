"""A small ray-casting renderer for ellipsoids on planes, written with NumPy.

Each ellipsoid is intersected analytically only inside its own screen bounding box, with a depth
buffer deciding which surface is seen, so the cost follows the body's screen area rather than
(pixels x primitives). Planes are intersected once for the whole image. Cast shadows are traced
from plane pixels toward the light, again only inside each ellipsoid's shadow bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck_studio.camera import Camera
from formcheck_studio.figure import Ellipsoid
from formcheck_studio.scene import Scene, plane_colours

_CORNERS = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], float)


@dataclass(frozen=True)
class Frame:
    rgb: np.ndarray       # (H, W, 3) uint8
    depth_m: np.ndarray   # (H, W) float32, distance along each pixel's ray to the visible surface
    body_mask: np.ndarray  # (H, W) bool, pixels showing the mannequin


class Renderer:
    """Renders frames for one camera; the per-pixel rays and plane hits are computed once."""

    def __init__(self, camera: Camera, scene: Scene, noise_seed: int = 0, noise_level: float = 2.0) -> None:
        self.camera = camera
        self.scene = scene
        self.rays = camera.ray_directions()            # (H, W, 3)
        self._rng = np.random.default_rng(noise_seed)
        self.noise_level = noise_level                  # grey levels of sensor noise (std)
        self._plane_t, self._plane_rgb, self._plane_points = self._trace_planes()

    def _trace_planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w, h = self.camera.size_wh
        origin = self.camera.position_m
        best_t = np.full((h, w), np.inf, np.float32)
        best_idx = np.full((h, w), -1, np.int32)
        for i, plane in enumerate(self.scene.planes):
            denom = self.rays @ plane.normal.astype(np.float32)
            num = float(plane.normal @ (plane.point_m - origin))
            with np.errstate(divide="ignore", invalid="ignore"):
                t = num / denom
            hit = (denom < -1e-6) & (t > 0) & (t < best_t)
            best_t[hit] = t[hit]
            best_idx[hit] = i
        # Rays that miss every plane (looking up past the backdrop) get a far backdrop colour.
        rgb = np.zeros((h, w, 3), np.float32)
        points = origin[None, None, :] + self.rays * np.where(np.isfinite(best_t), best_t, 50.0)[..., None]
        light = self.scene.light
        for i, plane in enumerate(self.scene.planes):
            sel = best_idx == i
            if not sel.any():
                continue
            # Rooms are lit by bounce light too, so planes turned from the key light are not black.
            lambert = light.ambient + 0.15 + light.diffuse * max(0.0, float(plane.normal @ light.direction))
            rgb[sel] = plane_colours(plane, points[sel]) * min(lambert, 1.05)
        rgb[best_idx < 0] = 0.8
        best_t[best_idx < 0] = 50.0
        return best_t, rgb, points.astype(np.float32)

    def _screen_box(self, corners_m: np.ndarray) -> tuple[int, int, int, int] | None:
        w, h = self.camera.size_wh
        px, z = self.camera.project(corners_m)
        if np.any(z <= 0.05):
            return 0, w, 0, h
        x0, y0 = np.floor(px.min(axis=0)).astype(int)
        x1, y1 = np.ceil(px.max(axis=0)).astype(int) + 1
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        if x0 >= x1 or y0 >= y1:
            return None
        return x0, x1, y0, y1

    def render(self, ellipsoids: list[Ellipsoid]) -> Frame:
        w, h = self.camera.size_wh
        origin = self.camera.position_m
        depth = self._plane_t.copy()
        normal = np.zeros((h, w, 3), np.float32)
        owner = np.full((h, w), -1, np.int32)
        for k, ell in enumerate(ellipsoids):
            corners = ell.centre_m + (_CORNERS * ell.radii_m) @ ell.axes.T
            box = self._screen_box(corners)
            if box is None:
                continue
            x0, x1, y0, y1 = box
            to_local = (ell.axes / ell.radii_m[None, :]).astype(np.float32)  # scene -> unit-sphere coords
            o = ((origin - ell.centre_m) @ to_local).astype(np.float32)
            d = self.rays[y0:y1, x0:x1] @ to_local
            a = np.einsum("ijk,ijk->ij", d, d)
            b = d @ o
            c = float(o @ o) - 1.0
            disc = b * b - a * c
            hit = disc > 0
            if not hit.any():
                continue
            t = np.where(hit, (-b - np.sqrt(np.maximum(disc, 0.0))) / a, np.inf)
            win = hit & (t > 0) & (t < depth[y0:y1, x0:x1])
            if not win.any():
                continue
            depth[y0:y1, x0:x1][win] = t[win]
            owner[y0:y1, x0:x1][win] = k
            local = o[None, :] + d[win] * t[win][:, None]
            # The normal of a unit sphere is the point; map it back through the inverse transpose.
            n = local @ to_local.T
            normal[y0:y1, x0:x1][win] = n / np.linalg.norm(n, axis=1, keepdims=True)
        body = owner >= 0
        rgb = self._plane_rgb.copy()
        rgb = self._shade_body(rgb, body, normal, owner, ellipsoids)
        rgb = self._cast_shadows(rgb, body, ellipsoids)
        # A real camera blurs edges a little and adds noise; the detector was trained on such images.
        rgb = cv2.GaussianBlur(rgb, (3, 3), 0.6)
        out = rgb * 255.0
        if self.noise_level > 0:
            out += self._rng.normal(0.0, self.noise_level, out.shape).astype(np.float32)
        return Frame(np.clip(out, 0, 255).astype(np.uint8), depth, body)

    def _shade_body(self, rgb, body, normal, owner, ellipsoids) -> np.ndarray:
        if not body.any():
            return rgb
        light = self.scene.light
        palette = np.array([e.rgb for e in ellipsoids], np.float32)
        n = normal[body]
        view = -self.rays[body]
        lambert = light.ambient + light.diffuse * np.clip(n @ light.direction.astype(np.float32), 0.0, None)
        # A soft fill from the camera keeps the side away from the key light readable.
        fill = 0.12 * np.clip(np.einsum("ij,ij->i", n, view), 0.0, None)
        rgb[body] = palette[owner[body]] * (lambert + fill)[:, None]
        return rgb

    def _cast_shadows(self, rgb, body, ellipsoids) -> np.ndarray:
        light = self.scene.light
        ldir = light.direction.astype(np.float32)
        w, h = self.camera.size_wh
        shadow = np.zeros((h, w), np.float32)
        for ell in ellipsoids:
            if ell.radii_m.max() < 0.03:
                continue  # face details cast no visible shadow
            corners = ell.centre_m + (_CORNERS * ell.radii_m) @ ell.axes.T
            dropped = []
            for plane in self.scene.planes:
                facing = float(plane.normal @ ldir)
                if facing <= 0.05:
                    continue
                dist = (corners - plane.point_m) @ plane.normal
                dropped.append(corners - np.outer(dist / facing, ldir))
            if not dropped:
                continue
            box = self._screen_box(np.concatenate(dropped))
            if box is None:
                continue
            x0, x1, y0, y1 = box
            to_local = (ell.axes / ell.radii_m[None, :]).astype(np.float32)
            o = (self._plane_points[y0:y1, x0:x1] - ell.centre_m.astype(np.float32)) @ to_local
            d = ldir @ to_local
            a = float(d @ d)
            b = o @ d
            c = np.einsum("ijk,ijk->ij", o, o) - 1.0
            disc = b * b - a * c
            # Occluded when the ray toward the light meets the ellipsoid ahead of the point.
            blocked = (disc > 0) & ((-b + np.sqrt(np.maximum(disc, 0.0))) > 0)
            shadow[y0:y1, x0:x1] = np.maximum(shadow[y0:y1, x0:x1], blocked.astype(np.float32))
        shadow[body] = 0.0
        if shadow.any():
            soft = cv2.GaussianBlur(shadow, (0, 0), 2.0)
            soft[body] = 0.0
            rgb = rgb * (1.0 - light.shadow_strength * soft)[..., None]
        return rgb
