"""Landmark references in exercise files, and their resolution to one side of the body.

An exercise file names landmarks in one of three ways:

* a plain name such as ``left_knee`` or ``nose``: always that landmark;
* a generic name such as ``knee``: the knee of the side being evaluated (the side facing the camera,
  or the side named by a one-sided exercise such as ``side_plank_left``);
* ``other_`` and a generic name, such as ``other_knee``: the same landmark on the opposite side.

Files then hold one rule for both sides, and a mirrored video is judged by the same rule.
"""

from __future__ import annotations

from typing import Literal

from formcheck.pose.landmarks import Landmark, UnknownLandmarkError

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")
OTHER_PREFIX = "other_"

# Generic names are the left-side landmarks without their prefix: "shoulder", "foot_index", ...
GENERIC_NAMES: tuple[str, ...] = tuple(lm.name[len("left_"):] for lm in Landmark if lm.name.startswith("left_"))


def opposite(side: Side) -> Side:
    return "right" if side == "left" else "left"


def validate_ref(name: str) -> str:
    """Check that ``name`` is a landmark reference; return it normalized (stripped, lower case)."""
    if not isinstance(name, str):
        raise ValueError(f"expected a landmark name (a string), got {name!r}")
    ref = name.strip().lower()
    bare = ref[len(OTHER_PREFIX):] if ref.startswith(OTHER_PREFIX) else ref
    if ref in Landmark.__members__ or bare in GENERIC_NAMES:
        return ref
    plain = ", ".join(lm.name for lm in Landmark)
    generic = ", ".join(GENERIC_NAMES)
    raise UnknownLandmarkError(
        f"unknown landmark {name!r}; valid names are: {plain}; or a side-neutral name resolved at run "
        f"time ({generic}), optionally prefixed with {OTHER_PREFIX!r}"
    )


def is_generic(ref: str) -> bool:
    """Whether ``ref`` depends on the side being evaluated."""
    return ref not in Landmark.__members__


def resolve(ref: str, side: Side) -> Landmark:
    """The landmark that ``ref`` names when the evaluated side is ``side``."""
    if ref in Landmark.__members__:
        return Landmark[ref]
    if ref.startswith(OTHER_PREFIX):
        return Landmark[f"{opposite(side)}_{ref[len(OTHER_PREFIX):]}"]
    return Landmark[f"{side}_{ref}"]
