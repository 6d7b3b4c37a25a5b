"""``WallTracker``: the per-frame wall stage, ``update(frame, pose, mask) -> WallObservation``.

Works live (one frame at a time) and at recording time (in frame order; a worker that starts in
the middle of a clip ramps its confidence up over ``memory_s`` like a fresh camera would).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.pose.frame import PoseFrame
from formcheck.pose.wall.body import Torso, torso_of
from formcheck.pose.wall.contour import back_contour
from formcheck.pose.wall.gaps import WallLinePx, back_gaps
from formcheck.pose.wall.lines import LineParams, line_candidates
from formcheck.pose.wall.observation import Line, WallObservation
from formcheck.pose.wall.support import SupportParams, supported_posture
from formcheck.pose.wall.votes import ColumnVotes, Peak, VoteParams
from formcheck.sources.media import VideoFrame, fit_width


@dataclass(frozen=True)
class WallTrackerConfig:
    mask_threshold: float = 0.5          # segmentation probability taken as "person"
    min_confidence: float = 0.3          # below this the line is reported as None
    window_torso: tuple[float, float] = (-0.4, 0.8)  # where the wall may be relative to the back
                                                     # (toward the wall side), torso lengths
    # Hysteresis: a wall does not move, so the current line keeps its place unless another is nearer
    # to the back by this much (torso lengths); "the current line" is any peak within keep_radius.
    keep_bonus: float = 0.15
    keep_radius_torso: float = 0.1
    heel_memory_s: float = 1.0           # the heels' row is smoothed: it places junction evidence,
                                         # 1 px of row ~ 1 px of column
    # A wall does not move and its evidence is remembered for seconds (votes.memory_s), so its lines are
    # looked for at most this often: the costliest part of the stage (edges and line fitting, ~60 % of
    # it), now the same work per second of video at 10 fps as at 60 fps. The back is measured every frame.
    lines_every_s: float = 0.1
    junction_bonus: float = 0.15         # a floor-wall junction is at the person's depth; an upright edge
                                         # may be nearer or farther
    max_width_ratio: float = 0.5         # mean shoulder/hip width over torso above this is not side-on:
                                         # gaps unknown (as the exercise's view check)
    # Wider frames are worked on downscaled to this: a 1080p frame costs 4x the edges and twice
    # the memory per mask for no better wall, and every measure here is in torso lengths.
    work_width_px: int = 960
    penetration_torso: tuple[float, float] = (0.15, 0.5)  # back past the line by this much: confidence 1 -> 0
    lines: LineParams = field(default_factory=LineParams)
    votes: VoteParams = field(default_factory=VoteParams)
    support: SupportParams = field(default_factory=SupportParams)


def person_mask(mask: np.ndarray | None, shape_hw: tuple[int, int], threshold: float) -> np.ndarray | None:
    """``(H, W)`` bool silhouette from a segmentation mask (float 0..1, or uint8 0..255) of any size."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype == np.uint8:
        m = m.astype(np.float32) / 255.0
    if m.shape[:2] != shape_hw:
        m = cv2.resize(m.astype(np.float32), (shape_hw[1], shape_hw[0]), interpolation=cv2.INTER_LINEAR)
    return m > threshold


def _normalized(line: WallLinePx, shape_hw: tuple[int, int]) -> Line:
    h, w = shape_hw
    top, bottom = line.x_at(np.array([0.0, float(h)]))
    return ((float(top) / w, 0.0), (float(bottom) / w, 1.0))


def _penetration_factor(shoulder: float | None, hip: float | None, limits: tuple[float, float]) -> float:
    """1 when the back is in front of the line; falls to 0 as the contour reaches past it.

    A body cannot be behind the wall it leans on, so a line deep inside the silhouette is a
    corner or edge at another depth, not the wall at the person's depth.
    """
    known = [g for g in (shoulder, hip) if g is not None]  # the smallest gaps: where the back reaches farthest
    if not known:
        return 1.0
    inside = -min(known)
    lo, hi = limits
    return float(np.clip((hi - inside) / (hi - lo), 0.0, 1.0))


class WallTracker:
    """Finds the wall line from evidence accumulated over frames and measures the back's gap to it."""

    def __init__(self, config: WallTrackerConfig = WallTrackerConfig()) -> None:
        self.config = config
        self._votes: ColumnVotes | None = None
        self._current_x: float | None = None  # px at the reference row: the line reported last
        self._y_ref_px = 0.0
        self._shape_hw: tuple[int, int] | None = None
        self._heel_y_px: float | None = None   # smoothed
        self._last_t_s: float | None = None
        self._support = 0.0                     # moving average of "posture needs a support behind the back"
        self._support_t_s: float | None = None
        self._lines_t_s: float | None = None     # when lines were last looked for

    def _votes_for(self, shape_hw: tuple[int, int]) -> ColumnVotes:
        # A new image size (another camera or clip) starts the evidence afresh.
        if self._votes is None or self._shape_hw != shape_hw:
            self._votes = ColumnVotes(shape_hw[1], self.config.votes)
            self._shape_hw = shape_hw
            self._y_ref_px = shape_hw[0] / 2.0
            self._current_x = None
            self._heel_y_px = None
            self._support, self._support_t_s = 0.0, None
            self._lines_t_s = None
        return self._votes

    def _steady_heels(self, torso: Torso, t_s: float) -> Torso:
        """``torso`` with its heel row replaced by a moving average over ``heel_memory_s``."""
        if torso.heel_y_px is not None:
            if self._heel_y_px is None or self._last_t_s is None:
                self._heel_y_px = torso.heel_y_px
            else:
                alpha = 1.0 - np.exp(-max(0.0, t_s - self._last_t_s) / self.config.heel_memory_s)
                self._heel_y_px += alpha * (torso.heel_y_px - self._heel_y_px)
        self._last_t_s = t_s
        return dataclasses.replace(torso, heel_y_px=self._heel_y_px)

    def _distance_torso(self, peak: Peak, back_x_px: float, torso: Torso) -> float:
        """How far behind the back (toward the wall side) ``peak`` is at hip height, torso lengths."""
        x = peak.x_px + peak.tilt * (torso.hip_px[1] - self._y_ref_px)
        return torso.rear_sign * (x - back_x_px) / torso.length_px

    def _choose(self, peaks: list[Peak], back_x_px: float, torso: Torso) -> Peak | None:
        """The admissible peak nearest the back; the current line is kept unless clearly beaten."""
        lo, hi = self.config.window_torso
        best, best_cost = None, np.inf
        for p in peaks:
            d = self._distance_torso(p, back_x_px, torso)
            if not lo <= d <= hi:
                continue
            cost = abs(d) - (self.config.junction_bonus if p.kind == "junction" else 0.0)
            if (self._current_x is not None
                    and abs(p.x_px - self._current_x) < self.config.keep_radius_torso * torso.length_px):
                cost -= self.config.keep_bonus
            if cost < best_cost:
                best, best_cost = p, cost
        return best

    def _working_size(self, frame: VideoFrame, pose: PoseFrame) -> tuple[VideoFrame, PoseFrame]:
        """``frame`` and ``pose`` at most ``work_width_px`` wide (the pose's pixels follow its image size)."""
        h, w = frame.rgb.shape[:2]
        size = fit_width((w, h), self.config.work_width_px)
        if size == (w, h):
            return frame, pose
        small = cv2.resize(frame.rgb, size, interpolation=cv2.INTER_AREA)
        return VideoFrame(frame.index, frame.t_s, small), pose.replace(image_wh=size)

    def update(self, frame: VideoFrame, pose: PoseFrame, mask: np.ndarray | None) -> WallObservation:
        frame, pose = self._working_size(frame, pose)
        shape_hw = frame.rgb.shape[:2]
        torso = torso_of(pose) if pose.detected else None
        person = person_mask(mask, shape_hw, self.config.mask_threshold)
        votes = self._votes_for(shape_hw)
        if torso is None:
            # No body to anchor the search: keep memory decaying so a stale wall fades out.
            votes.update(frame.t_s, [])
            self._update_support(frame.t_s, None)
            return WallObservation.unseen()
        gray = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2GRAY)
        steady = self._steady_heels(torso, frame.t_s)
        if self._lines_t_s is None or frame.t_s - self._lines_t_s >= self.config.lines_every_s - 1e-6:
            votes.update(frame.t_s, line_candidates(frame.rgb, person, steady, self._y_ref_px, self.config.lines))
            self._lines_t_s = frame.t_s
        contour = back_contour(person, torso) if person is not None else np.zeros((0, 2), np.float32)
        back_x = self._back_x(contour, torso)
        peak = self._choose(self._peaks_with_current(votes), back_x, torso)
        # The posture argument reads horizontal distances, which only a side or three-quarter view shows.
        side_on = torso.width_ratio <= self.config.max_width_ratio
        support = supported_posture(pose, torso, contour, gray, person, self.config.support) if side_on else None
        support_score = self._update_support(frame.t_s, support)
        if peak is None:
            self._current_x = None
            if support is not None:
                # No wall in the image, but a posture held only against a support behind the back.
                return self._observe(support, support_score * self.config.support.confidence_cap, contour, torso,
                                     shape_hw, inferred=True)
            return WallObservation.unseen()
        self._current_x = peak.x_px
        line = WallLinePx(peak.x_px, self._y_ref_px, peak.tilt)
        return self._observe(line, peak.score, contour, torso, shape_hw)

    def _update_support(self, t_s: float, support: WallLinePx | None) -> float:
        """Moving average (time constant ``support.memory_s``) of frames whose posture needs a support."""
        dt = self.config.votes.first_dt_s if self._support_t_s is None else max(0.0, t_s - self._support_t_s)
        self._support_t_s = t_s
        alpha = 1.0 - np.exp(-dt / self.config.support.memory_s)
        self._support += alpha * (float(support is not None) - self._support)
        return self._support

    def _peaks_with_current(self, votes: ColumnVotes) -> list[Peak]:
        """Every strong peak, plus the line reported last while its evidence holds: a neighbouring
        bin rising beside it must not make the wall jump."""
        peaks = votes.peaks(self.config.min_confidence)
        current = None if self._current_x is None else votes.near(self._current_x, self.config.min_confidence)
        if current is not None and current.score >= self.config.min_confidence:
            peaks.append(current)
        return peaks

    def _back_x(self, contour: np.ndarray, torso: Torso) -> float:
        """Rearmost column of the back contour, or the hip landmark when there is no contour."""
        if len(contour) == 0:
            return float(torso.hip_px[0])
        return float(contour[np.argmax(torso.rear_sign * contour[:, 0]), 0])

    def _observe(self, line: WallLinePx, score: float, contour: np.ndarray, torso: Torso,
                 shape_hw: tuple[int, int], inferred: bool = False) -> WallObservation:
        side_on = torso.width_ratio <= self.config.max_width_ratio
        gaps = back_gaps(contour, line, torso)
        confidence = score * _penetration_factor(gaps.shoulder, gaps.hip, self.config.penetration_torso)
        if not side_on:
            confidence *= 0.5  # the line may still be the wall, but a gap across the image means little
        norm = _normalized(line, shape_hw)
        if confidence < self.config.min_confidence:
            return WallObservation.unseen(None, confidence)
        if not side_on:
            return WallObservation.unseen(norm, confidence)
        wh = np.array([shape_hw[1], shape_hw[0]], np.float32)
        contour_norm = (contour / wh).astype(np.float32)
        lumbar_point = None
        if gaps.lumbar_point_px is not None:
            lumbar_point = tuple(float(v) for v in np.asarray(gaps.lumbar_point_px) / wh)
        return WallObservation(norm, confidence, gaps.lumbar, gaps.shoulder, gaps.hip, contour_norm, lumbar_point,
                               inferred)
