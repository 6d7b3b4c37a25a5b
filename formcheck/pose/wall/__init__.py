"""The wall behind a wall sit: find the wall line in the image and measure the back's gap to it.

MediaPipe has no landmark on the lumbar spine, so "keep your lower back pressed into the wall" is
measured from pixels: the person's segmentation mask gives the back contour, persistent edges
behind the back give the wall line. The main entry point is :class:`WallTracker`.
"""

from formcheck.pose.wall.observation import WallObservation, from_arrays, to_arrays
from formcheck.pose.wall.tracker import WallTracker, WallTrackerConfig

__all__ = ["WallObservation", "WallTracker", "WallTrackerConfig", "from_arrays", "to_arrays"]
