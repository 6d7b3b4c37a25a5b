"""A copy of a video with the cleaned skeleton drawn on every frame."""

from __future__ import annotations

from pathlib import Path

import cv2

from formcheck.outputs.skeleton import draw_skeleton, put_label
from formcheck.outputs.video_writer import VideoWriter
from formcheck.pose.estimate import Progress
from formcheck.pose.recording import Recording
from formcheck.pose.smoothing import Cleaner
from formcheck.sources.media import open_source


def write_overlay(source: str | Path, recording: Recording, output: str | Path,
                  progress: Progress | None = None) -> Path:
    """Decode ``source`` again (a folder of images at the frame rate it was recorded with) and draw
    ``recording``'s landmarks (gated and smoothed) on it."""
    cleaner = Cleaner()
    poses = iter(recording.frames)
    fps = recording.meta.get("fps") or 30.0
    images = open_source(source, frame_rate=recording.meta.get("frame_rate"))
    with VideoWriter(output, fps) as writer:
        for done, (image, pose) in enumerate(zip(images, poses), start=1):
            pose = cleaner.update(pose)
            bgr = cv2.cvtColor(image.rgb, cv2.COLOR_RGB2BGR)
            draw_skeleton(bgr, pose)
            status = "person found" if pose.detected else "no person in view"
            put_label(bgr, f"{image.t_s:6.2f} s  {status}", (10, 24))
            writer.write(bgr, image.t_s)
            if progress:
                progress(done, len(recording))
    return Path(output)
