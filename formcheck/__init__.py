"""formcheck: watches an exercise through a camera and times only the seconds held in good form.

The pipeline reads like a sentence::

    for image in source:                       # timestamped RGB frames
        pose = estimator.estimate(image)        # -> PoseFrame, raw landmarks
        pose = gate.update(pose)                # low-visibility / off-image -> missing
        pose = smoother.update(pose)            # One Euro filter on real timestamps

Every later stage (rules, hold timer, reports) consumes ``PoseFrame`` records, whether they come
from a camera, a video file, a folder of images or a landmark recording.
"""

__version__ = "0.1.0"
