"""The on-screen layer: skeleton coloured by check status, the cue, and the hold timer.

``Overlay.from_scored(frame)`` keeps only what drawing needs (a few hundred bytes a frame), so a
long recorded session can be annotated after scoring; live coaching draws the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.judge.exercises import Status
from formcheck.judge.scoring import ScoredFrame
from formcheck.judge.timer import FrameState, Phase
from formcheck.outputs.skeleton import Stamps, draw_skeleton, put_label
from formcheck.outputs.wall_drawing import draw_wall
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import SKELETON

PASS_BGR = (90, 200, 60)
FAIL_BGR = (40, 40, 230)
STATE_BGR = {
    FrameState.VALID: (90, 200, 60),
    FrameState.FAULT: (40, 40, 230),
    FrameState.NOT_IN_POSITION: (160, 160, 160),
    FrameState.CANNOT_SEE: (0, 170, 240),
    FrameState.ASSISTED: (180, 30, 145),
}

# Limb status codes, one per SKELETON limb.
_NONE, _PASS, _FAIL = 0, 1, 2


@dataclass(frozen=True)
class Overlay:
    t_s: float
    xyz_norm: np.ndarray      # (33, 3) cleaned landmarks, NaN where missing
    missing: np.ndarray       # (33,) bool
    limb_status: bytes        # one code per SKELETON limb: covered by a failing / passing check
    state: FrameState
    phase: Phase
    valid_s: float
    cue: str | None
    wall: object | None = None  # WallObservation: the wall line and the lumbar gap are drawn too
    reps: int | None = None     # completed reps, for rep exercises
    # Judged on both sides: (side, completed reps) each, so the person sees which side is behind.
    side_reps: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_scored(cls, frame: ScoredFrame) -> Overlay:
        failing: set = set()
        passing: set = set()
        for r in frame.evaluation.results:
            if r.status is Status.FAIL:
                failing.update(r.landmarks)
            elif r.status is Status.PASS:
                passing.update(r.landmarks)
        status = bytes(
            _FAIL if a in failing and b in failing else _PASS if a in passing and b in passing else _NONE
            for a, b in SKELETON
        )
        return cls(frame.t_s, frame.pose.xyz_norm, frame.pose.missing, status, frame.state,
                   frame.timer.phase, frame.timer.valid_s, frame.evaluation.cue, frame.wall,
                   frame.reps.count if frame.reps is not None else None,
                   tuple((side, done) for side, done, _ in frame.reps.sides) if frame.reps is not None else ())

    def status_text(self) -> str:
        """What the timer is doing, with the reps so far: ``"4 reps, holding"``, or per side
        ``"L 3 · R 1 reps, holding"`` when both sides are judged."""
        if self.reps is None:
            return self.phase.value
        if self.side_reps:
            counts = " · ".join(f"{side[:1].upper()} {done}" for side, done in self.side_reps)
            return f"{counts} reps, {self.phase.value}"
        return f"{self.reps} reps, {self.phase.value}"


def format_clock(seconds: float) -> str:
    """``47.3`` -> ``"0:47"``."""
    whole = int(max(0.0, seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def draw_overlay(image_bgr: np.ndarray, overlay: Overlay, target_s: float | None,
                 timer_scale: float = 1.0, stamps: Stamps | None = None) -> np.ndarray:
    """Skeleton, timer and cue on ``image_bgr`` (in place); returns the image.

    ``timer_scale`` enlarges the timer band: a live screen is read from across the room.
    ``stamps`` draws the text from labels rasterised once (the same text for seconds on end):
    outlined anti-aliased text was 60 % of the drawing's time.
    """
    label = put_label if stamps is None else stamps.draw

    h, w = image_bgr.shape[:2]
    colours = {limb: (FAIL_BGR if code == _FAIL else PASS_BGR)
               for limb, code in zip(SKELETON, overlay.limb_status) if code != _NONE}
    pose = PoseFrame(overlay.t_s, 0, overlay.xyz_norm, np.ones(len(overlay.missing), np.float32),
                     np.full_like(overlay.xyz_norm, np.nan), (w, h), overlay.missing)
    if overlay.wall is not None:
        draw_wall(image_bgr, overlay.wall)
    draw_skeleton(image_bgr, pose, colours)

    scale = max(0.5, min(w, h) / 480)
    cue_scale = scale
    scale *= timer_scale
    # Timer, top left, on a band coloured by the frame's state; what the timer is doing beneath it.
    clock = format_clock(overlay.valid_s) + (f" / {format_clock(target_s)}" if target_s else "")
    (clock_w, clock_h), _ = cv2.getTextSize(clock, cv2.FONT_HERSHEY_SIMPLEX, 1.0 * scale, max(1, round(2 * scale)))
    pad = int(8 * scale)
    band_w, band_h = clock_w + 2 * pad, clock_h + int(30 * scale)
    cv2.rectangle(image_bgr, (0, 0), (band_w, band_h), STATE_BGR[overlay.state], -1)
    label(image_bgr, clock, (pad, pad + clock_h), 1.0 * scale)
    label(image_bgr, overlay.status_text(), (pad, band_h - int(7 * scale)), 0.45 * scale)
    if overlay.cue:
        label(image_bgr, overlay.cue, (int(10 * cue_scale), h - int(14 * cue_scale)), 0.6 * cue_scale)
    return image_bgr
