"""The real-clip acceptance suite (issue #21 item 7): every labelled clip in ../shared/data/videos,
scored as ``formcheck score`` scores it, against expectations taken from its labels
(tests/real_clips.toml, read through tests/real_clips.py).

One test per clip and aspect: the hold time (within 1.0 s), the reps (within 1, per side where the
labels say), no valid second in a span the labels exclude, and the exerciser never swapped for
another person. Each clip is recorded with the same ``recorded(...)`` arguments other tests use for
it, so nothing is estimated twice. Where the code misses a label, the case is a strict xfail whose
reason gives the measurement and its traced cause; the expectation stays the label's.
``benchmarks/acceptance.py`` prints the same comparison as a table, for any checkout.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.session import replay
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.json_report import report_dict
from formcheck.pose.recording import load_recording
from tests.real_clips import ASPECTS, hip_track, load_clips, measure, misses

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

# Which clip asserts what is known from the toml alone (the labels' CSVs complete it once the data is there).
LISTED = load_clips(None)

# (aspect, clip id) -> the measurement with the current code and the cause traced. Strict: a gap that
# closes fails the run, so it is taken off this list rather than forgotten.
_PLANK_LABELS = ("the plank is held in the footage past the labelled boundary (checked on stills in session 4); "
                 "issue #3 is blocked on these labels")
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("hold", "wall-sit/leap-wall-sit"): "valid 7.61 of 8.9 s: the wall checks read cannot-see 0-1.3 s while the "
                                        "wall stage gathers evidence of the seamless white wall",
    ("hold", "wall-sit/afya-wall-sit-side"): "valid 10.12 s, 8.9 labelled: the hold after the far leg comes down "
                                             "starts at 13.9 s, about 1 s before the label's 15 s",
    ("excluded", "wall-sit/afya-wall-sit-side"): "0.58 s valid at 13.9-14.5 s with the far leg still lifted: the "
                                                 "far thigh hidden behind the near one reads at the model's own unsure "
                                                 "place, alike, so both_feet_down passes",
    ("hold", "wall-sit/atc-wall-sit-orbit"): "valid 6.61 of 21 s: the wall line is lost from 8 s as the camera "
                                             "orbits (wall checks cannot-see), and from 16 s the 2D thigh reads "
                                             "33-40 deg off level only because the camera turned",
    ("excluded", "plank/posture-001"): "0.08 s valid at 19.9 s, one frame inside the labelled not-planking end: "
                                       + _PLANK_LABELS,
    ("hold", "plank/posture-002"): "valid 24.4 s against 20.9 labelled correct: " + _PLANK_LABELS
                                   + "; 0.6 s of the labelled hips-low segment reads within the limits",
    ("excluded", "plank/posture-002"): "0.54, 0.61 and 0.35 s valid in the labelled i / l / i segments: "
                                       + _PLANK_LABELS,
    ("hold", "plank/posture-006"): "valid 0 of 21.4 s: filmed from the head end, the model gives the legs "
                                   "visibility 0.33-0.37, so they are gated out and nothing can be judged",
    ("hold", "plank/posture-009"): "valid 53.75 s against 52.6 labelled: " + _PLANK_LABELS,
    ("excluded", "plank/posture-009"): "0.73 s valid in the labelled not-planking end: " + _PLANK_LABELS,
    ("hold", "plank/pexels-high-plank-push-in"): "valid 4.8 s of the 6.5 s the labels call judgeable: judged as the "
                                                 "straight-arm variant since issue #21 item 6 (3.4 s before), but "
                                                 "the feet leave the frame at about 3.5 s and the model's ankle "
                                                 "visibility is 0.27 by 5.1 s, so the hip line is unmeasurable "
                                                 "from there; 6.5 s is when the hips leave",
    ("hold", "plank/wongfit-home-plank-orbit-tablet"): "valid 9.08 s against about 6.25 judgeable: ankles the model "
                                                       "places 0.05-0.06 outside the frame with visibility 0.9 "
                                                       "(inside FRAME_MARGIN 0.10) keep the hip line measured until "
                                                       "9.9 s, 3.5 s after the feet left the picture",
    ("excluded", "plank/wongfit-home-plank-orbit-tablet"): "0.34 s valid at 9.5-9.9 s on ankles placed outside "
                                                           "the frame (see the hold gap)",
    ("hold", "side-plank/rehab-side-plank-exit"): "valid 10.6 of 12.5 s: hips read 0.18 below the line (sagging) "
                                                  "for the first 1.2 s of the straight-arm hold, then the entry's "
                                                  "stillness holds to 1.9 s",
    ("hold", "side-plank/pexels-side-plank-cropped-backlit"): "valid 4.0 of 7.5 s: LiteRT swaps his shoulders during "
                                                              "the hold and the front view's width ratio (0.39-0.45) "
                                                              "sits at its 0.4 limit: cannot-see spans",
}


def _cases(aspect: str) -> list:
    assert aspect in ASPECTS
    return [pytest.param(c.id, marks=pytest.mark.xfail(strict=True, raises=AssertionError,
                                                       reason=KNOWN_GAPS[(aspect, c.id)]))
            if (aspect, c.id) in KNOWN_GAPS else c.id
            for c in LISTED if c.asserts(aspect)]


@pytest.fixture(scope="module")
def scored(shared_data, recorded):
    """``scored(clip_id) -> (Clip, Measured)``: the clip's recording replayed through the engine under the
    name a user types, its report as report.json holds it, and the exerciser's hips."""
    clips = {c.id: c for c in load_clips(shared_data)}
    cache = {}

    def get(clip_id: str):
        if clip_id not in cache:
            clip = clips[clip_id]
            recording = load_recording(recorded(clip.path, **clip.record))
            result = replay(recording, load_exercise(clip.exercise))
            frames = recording.frames
            hips = hip_track(np.array([f.t_s for f in frames]), np.array([f.xyz_norm for f in frames]),
                             np.array([f.detected for f in frames]), recording.meta["width"],
                             recording.meta["height"])
            cache[clip_id] = clip, measure(clip, report_dict(result.score, clip.path), hips)
        return cache[clip_id]

    return get


def test_every_labelled_clip_has_an_expectation(shared_data):
    listed = {c.path for c in LISTED}
    on_disk = {str(p.relative_to(shared_data)) for p in (shared_data / "videos").rglob("*") if p.is_file()}
    assert listed == on_disk, (sorted(on_disk - listed), sorted(listed - on_disk))
    for clip in LISTED:
        assert any(clip.asserts(aspect) for aspect in ASPECTS), clip.path


@pytest.mark.parametrize("clip_id", _cases("hold"))
def test_hold_time_matches_the_labels(scored, clip_id):
    clip, measured = scored(clip_id)
    assert "hold" not in misses(clip, measured), (misses(clip, measured)["hold"], clip.about)


@pytest.mark.parametrize("clip_id", _cases("reps"))
def test_reps_match_the_labels(scored, clip_id):
    clip, measured = scored(clip_id)
    assert "reps" not in misses(clip, measured), (misses(clip, measured)["reps"], clip.about)


@pytest.mark.parametrize("clip_id", _cases("excluded"))
def test_no_valid_second_where_the_labels_exclude_it(scored, clip_id):
    clip, measured = scored(clip_id)
    assert "excluded" not in misses(clip, measured), (misses(clip, measured)["excluded"], clip.about)


@pytest.mark.parametrize("clip_id", _cases("exerciser"))
def test_the_exerciser_is_never_swapped(scored, clip_id):
    clip, measured = scored(clip_id)
    assert "exerciser" not in misses(clip, measured), misses(clip, measured)["exerciser"]
