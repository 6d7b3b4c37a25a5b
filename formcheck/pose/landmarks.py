"""The 33 BlazePose body landmarks, named once.

Exercise files name landmarks in snake_case (``left_knee``); :func:`parse_landmark` turns such a
name into a :class:`Landmark` and rejects unknown names with the list of valid ones.
"""

from __future__ import annotations

from enum import IntEnum

from formcheck.errors import FormcheckError


class Landmark(IntEnum):
    """Index of each landmark in MediaPipe Pose's output (same order as ``mp.solutions.pose.PoseLandmark``)."""

    nose = 0
    left_eye_inner = 1
    left_eye = 2
    left_eye_outer = 3
    right_eye_inner = 4
    right_eye = 5
    right_eye_outer = 6
    left_ear = 7
    right_ear = 8
    mouth_left = 9
    mouth_right = 10
    left_shoulder = 11
    right_shoulder = 12
    left_elbow = 13
    right_elbow = 14
    left_wrist = 15
    right_wrist = 16
    left_pinky = 17
    right_pinky = 18
    left_index = 19
    right_index = 20
    left_thumb = 21
    right_thumb = 22
    left_hip = 23
    right_hip = 24
    left_knee = 25
    right_knee = 26
    left_ankle = 27
    right_ankle = 28
    left_heel = 29
    right_heel = 30
    left_foot_index = 31
    right_foot_index = 32


NUM_LANDMARKS = len(Landmark)


class UnknownLandmarkError(FormcheckError, ValueError):
    """A landmark name that is not one of the 33; a ``ValueError`` too, so validators can report it in place."""


def parse_landmark(name: str) -> Landmark:
    """``"left_knee"`` -> ``Landmark.left_knee``; an unknown name raises with every valid name."""
    try:
        return Landmark[name.strip().lower()]
    except (KeyError, AttributeError):
        valid = ", ".join(lm.name for lm in Landmark)
        raise UnknownLandmarkError(f"unknown landmark {name!r}; valid names are: {valid}") from None


def mirror(lm: Landmark) -> Landmark:
    """The same landmark on the other side of the body (``left_knee`` <-> ``right_knee``); centre ones map to
    themselves."""
    name = lm.name
    if "left" in name:
        return Landmark[name.replace("left", "right")]
    if "right" in name:
        return Landmark[name.replace("right", "left")]
    return lm


# Index array that swaps every left landmark with its right twin: ``xy[MIRROR_INDEX]``.
MIRROR_INDEX = tuple(int(mirror(lm)) for lm in Landmark)

# Limbs drawn as the skeleton: pairs of landmarks (the body part of MediaPipe's POSE_CONNECTIONS,
# without the face mesh lines, which carry no exercise information).
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.left_shoulder, Landmark.right_shoulder),
    (Landmark.left_hip, Landmark.right_hip),
    (Landmark.left_shoulder, Landmark.left_hip),
    (Landmark.right_shoulder, Landmark.right_hip),
    (Landmark.left_shoulder, Landmark.left_elbow),
    (Landmark.left_elbow, Landmark.left_wrist),
    (Landmark.right_shoulder, Landmark.right_elbow),
    (Landmark.right_elbow, Landmark.right_wrist),
    (Landmark.left_hip, Landmark.left_knee),
    (Landmark.left_knee, Landmark.left_ankle),
    (Landmark.left_ankle, Landmark.left_heel),
    (Landmark.left_heel, Landmark.left_foot_index),
    (Landmark.left_ankle, Landmark.left_foot_index),
    (Landmark.right_hip, Landmark.right_knee),
    (Landmark.right_knee, Landmark.right_ankle),
    (Landmark.right_ankle, Landmark.right_heel),
    (Landmark.right_heel, Landmark.right_foot_index),
    (Landmark.right_ankle, Landmark.right_foot_index),
    (Landmark.left_ear, Landmark.nose),
    (Landmark.right_ear, Landmark.nose),
)
