"""``formcheck record`` on real footage from ../shared/data."""

import cv2
import numpy as np
import pytest

from formcheck.pose.estimate import record
from formcheck.pose.recording import load_recording, save_recording
from formcheck.sources.media import VideoFileSource
from tests.test_plank_clips import MODEL

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

PLANK_CLIPS = ["posture-000", "posture-001", "posture-002", "posture-004", "posture-005",
               "posture-006", "posture-009", "posture-011", "posture-012"]


@pytest.mark.parametrize("clip", PLANK_CLIPS)
def test_a_person_is_found_in_at_least_95_percent_of_plank_frames(recorded, shared_data, clip):
    rel = f"videos/plank/{clip}.mp4"
    rec = load_recording(recorded(rel, model=MODEL))  # shared with test_plank_clips
    assert rec.meta["complete"] is True
    assert len(rec) == len(list(VideoFileSource(shared_data / rel)))  # every frame, none twice
    assert rec.detection_rate >= 0.95, f"{clip}: person found in {rec.detection_rate:.1%} of frames"


def test_recording_replays_to_exactly_the_same_landmarks(shared_data, tmp_path):
    video = shared_data / "videos/plank/fitgem-elbow-plank.mp4"
    live = record(video, workers=1)
    replay = load_recording(save_recording(live, tmp_path / "p.poses.npz"))
    assert len(replay) == len(live)
    for a, b in zip(live, replay):
        assert a.t_s == b.t_s and a.index == b.index
        assert np.array_equal(a.xyz_norm, b.xyz_norm, equal_nan=True)
        assert np.array_equal(a.visibility, b.visibility)
        assert np.array_equal(a.world_m, b.world_m, equal_nan=True)
        assert np.array_equal(a.missing, b.missing)


@pytest.mark.parametrize("rel", ["videos/plank/posture-004.mp4",
                                 "videos/cat-cow/studio-cat-cow.mp4",   # stream starts at 0.0167 s
                                 "videos/dead-bug/studio-dead-bug.mp4"])  # stream starts at 0.083 s
def test_frame_times_match_the_container_to_the_millisecond(shared_data, rel):
    ours = [f.t_s for f in VideoFileSource(shared_data / rel)]
    # OpenCV reads the same container through its own demuxing code: times relative to the start.
    cap = cv2.VideoCapture(str(shared_data / rel))
    theirs = []
    while cap.grab():
        theirs.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000)
    assert len(ours) == len(theirs)
    assert np.max(np.abs(np.array(ours) - np.array(theirs))) < 0.001


@pytest.mark.parametrize("model", ["full", "litert"])  # worker processes; threads of this process
def test_two_workers_split_a_clip_without_losing_or_repeating_a_frame(shared_data, model):
    video = shared_data / "videos/plank/posture-005.mp4"
    rec = record(video, model=model, workers=2)
    expected = [f.t_s for f in VideoFileSource(video)]
    assert [f.t_s for f in rec] == expected
    assert [f.index for f in rec] == list(range(len(expected)))
