"""One exerciser followed for the whole clip, on real clips with more than one person in view.

Regions from /work/shared/data/README.md: in ``pexels-squat-pulses-trainer-beside`` the exerciser
squats on the right and the trainer stands on the left (hips near x = 0.25 of the width).
"""

import json

import numpy as np
import pytest

from formcheck.engine.session import replay
from formcheck.judge.exercises import load_exercise
from formcheck.outputs.sinks import JsonReport
from formcheck.pose.estimate import _relink_spans
from formcheck.pose.landmarks import Landmark
from formcheck.pose.recording import load_recording
from formcheck.pose.stage import PoseStage
from formcheck.sources.media import VideoFileSource

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

MODEL = "litert"  # what `formcheck score` uses without a wall
TRAINER_BESIDE = "videos/squat/pexels-squat-pulses-trainer-beside.mp4"
HIPS = [Landmark.left_hip, Landmark.right_hip]
# The trainer's hips are near x = 0.25, the exerciser's between 0.54 and 0.74 of the width.
EXERCISER_MIN_X = 0.45
# Hip centre moving farther than this fraction of the width between two frames is a swap of person.
MAX_HIP_JUMP = 0.15


def _hip_x(frames) -> np.ndarray:
    x = np.array([f.xy_norm[HIPS, 0].mean() for f in frames])
    return x[np.isfinite(x)]


@pytest.mark.parametrize("clip", [TRAINER_BESIDE, "videos/glute-bridge/adobestock-group-bridge-neon.mp4",
                                  "videos/bird-dog/upc-alternating-bird-dog-outdoor-lowcam.mp4"])
def test_the_hips_never_jump_to_another_person(recorded, clip):
    x = _hip_x(load_recording(recorded(clip, model=MODEL)).frames)
    assert len(x) > 0.9 * len(load_recording(recorded(clip, model=MODEL)).frames)
    assert np.max(np.abs(np.diff(x))) < MAX_HIP_JUMP


def test_the_trainer_beside_is_never_followed(recorded):
    x = _hip_x(load_recording(recorded(TRAINER_BESIDE, model=MODEL)).frames)
    assert x.min() > EXERCISER_MIN_X


def test_a_span_that_started_on_the_trainer_is_relinked_to_the_exerciser(recorded, shared_data):
    """As seen on real footage: the second span's fresh detection takes the other person. Here it is
    forced to (told to follow the trainer's box); re-linking must estimate it again on the exerciser."""
    video = shared_data / TRAINER_BESIDE
    frames = load_recording(recorded(TRAINER_BESIDE, model=MODEL)).frames
    split_s = 5.0
    stage = PoseStage(MODEL)
    try:
        w, h = frames[0].image_wh
        stage.estimator.follow(np.array([0.10 * w, 0.0, 0.40 * w, float(h)]))
        on_trainer = [stage.update(f)[0] for f in VideoFileSource(video, split_s, None, threaded_decode=False)]
    finally:
        stage.close()
    assert _hip_x(on_trainer).max() < EXERCISER_MIN_X  # the second span really followed the trainer
    swapped = [f for f in frames if f.t_s < split_s] + on_trainer

    relinked = _relink_spans(swapped, [(0.0, split_s), (split_s, None)], video, MODEL, None)

    assert [f.t_s for f in relinked] == [f.t_s for f in frames]
    assert _hip_x(relinked).min() > EXERCISER_MIN_X


def test_the_recording_says_another_person_was_in_view(recorded):
    # The trainer stands beside for the whole 10 s clip.
    meta = load_recording(recorded(TRAINER_BESIDE, model=MODEL)).meta
    assert meta["other_person_s"] >= 8.0
    assert meta["other_person_first_s"] == pytest.approx(0.0, abs=0.5)


def test_nobody_else_is_reported_when_the_exerciser_is_alone(recorded):
    # A pedestrian ~30 px tall far behind is not someone in the exerciser's space.
    meta = load_recording(recorded("videos/bird-dog/upc-alternating-bird-dog-outdoor-lowcam.mp4", model=MODEL)).meta
    assert meta["other_person_s"] == 0.0
    assert meta["other_person_first_s"] is None


def test_the_report_says_another_person_was_in_view_and_counts_no_trainer_squats(recorded, tmp_path):
    """She pulses in a half squat and never stands up (0 reps); the trainer beside is not counted."""
    result = replay(load_recording(recorded(TRAINER_BESIDE, model=MODEL)), load_exercise("bodyweight_squat"),
                    [JsonReport(tmp_path / "report.json")])
    assert any(note.startswith("Another person was in view for") for note in result.notes)
    assert json.loads((tmp_path / "report.json").read_text())["other_person_s"] >= 8.0
    assert len(result.score.reps) == 0
