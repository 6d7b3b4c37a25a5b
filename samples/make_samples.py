"""Render the sample clips bundled with formcheck (synthetic; see samples/README.md).

Run from anywhere: ``python samples/make_samples.py``. Output is deterministic for a given
NumPy/OpenCV/PyAV version; the clips are written next to this script.
"""

from __future__ import annotations

from pathlib import Path

from formcheck_studio import render_clip

HERE = Path(__file__).resolve().parent

# (file stem, exercise, fault, view, seconds, seed)
SAMPLES = (
    ("wall-sit-side", "wall_sit", None, "side", 18.0, 3),
    ("plank-side", "forearm_plank", None, "side", 16.0, 5),
    ("wall-sit-hips-high-side", "wall_sit", "hips_high", "side", 14.0, 4),
    ("plank-hips-low-side", "forearm_plank", "hips_low", "side", 14.0, 6),
)


# The guided assessment (`formcheck assess --camera samples/assessment-sequence.mp4`) at its default
# 3 s countdowns: each segment covers its step's countdown and measuring window with a little
# slack, and each stance ends with the foot down, which ends that step early.
ASSESSMENT_SEGMENTS = (
    ("standing", "front", 9.5),
    ("standing", "side", 9.0),
    ("standing", "front", 2.0),
    ("single_leg_stance_left", "front", 7.0),
    ("standing", "front", 5.0),
    ("single_leg_stance_right", "front", 7.0),
    ("standing", "front", 3.5),
    ("bodyweight_squat", "front", 16.5),
)


def main() -> None:
    from formcheck_studio.sequence import Segment, render_sequence


    for stem, exercise, fault, view, seconds, seed in SAMPLES:
        path, truth = render_clip(exercise, fault, view, seconds=seconds, seed=seed, size=(640, 360), fps=15.0,
                                  out_path=HERE / f"{stem}.mp4")
        spans = ", ".join(f"{h.start_s:.1f}-{h.end_s:.1f} s ({h.fault or 'good'})" for h in truth.holds)
        print(f"{path.name}: {truth.num_frames} frames, held {spans}")
    path, placed = render_sequence([Segment(*s) for s in ASSESSMENT_SEGMENTS], HERE / "assessment-sequence.mp4",
                                   seed=8, size=(640, 360), fps=15.0)
    print(f"{path.name}: " + ", ".join(f"{p.name} ({p.view}) {p.start_s:.1f}-{p.end_s:.1f} s" for p in placed))


if __name__ == "__main__":
    main()
