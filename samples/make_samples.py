"""Render the sample clips bundled with formcheck (synthetic; see samples/README.md).

Run from anywhere: ``python samples/make_samples.py``. Output is deterministic for a given
NumPy/OpenCV/PyAV version; the clips are written next to this script.
"""

from __future__ import annotations

from pathlib import Path

from formcheck.studio import render_clip

HERE = Path(__file__).resolve().parent

# (file stem, exercise, fault, view, seconds, seed)
SAMPLES = (
    ("wall-sit-side", "wall_sit", None, "side", 18.0, 3),
    ("plank-side", "forearm_plank", None, "side", 16.0, 5),
    ("wall-sit-hips-high-side", "wall_sit", "hips_high", "side", 14.0, 4),
    ("plank-hips-low-side", "forearm_plank", "hips_low", "side", 14.0, 6),
)


def main() -> None:
    for stem, exercise, fault, view, seconds, seed in SAMPLES:
        path, truth = render_clip(exercise, fault, view, seconds=seconds, seed=seed, size=(640, 360), fps=15.0,
                                  out_path=HERE / f"{stem}.mp4")
        spans = ", ".join(f"{h.start_s:.1f}-{h.end_s:.1f} s ({h.fault or 'good'})" for h in truth.holds)
        print(f"{path.name}: {truth.num_frames} frames, held {spans}")


if __name__ == "__main__":
    main()
