import json
import zipfile

import numpy as np
import pytest

from formcheck.errors import RecordingError
from formcheck.pose.frame import PoseFrame
from formcheck.pose.recording import FORMAT_VERSION, Recording, load_recording, save_recording
from formcheck.pose.smoothing import Cleaner, clean


def _frames(n=5):
    rng = np.random.default_rng(1)
    out = []
    for i in range(n):
        if i == 2:
            out.append(PoseFrame.empty(i / 12, i, (640, 352)))
            continue
        out.append(PoseFrame(i / 12, i, rng.random((33, 3), np.float32), rng.random(33, np.float32),
                             rng.random((33, 3), np.float32), (640, 352), np.zeros(33, bool)))
    return out


META = {"source": "clip.mp4", "width": 640, "height": 352, "fps": 12.0, "duration_s": 5 / 12,
        "model": "full", "complete": True}


def _same(a: PoseFrame, b: PoseFrame) -> bool:
    return (a.t_s == b.t_s and a.index == b.index and a.image_wh == b.image_wh
            and np.array_equal(a.xyz_norm, b.xyz_norm, equal_nan=True)
            and np.array_equal(a.visibility, b.visibility)
            and np.array_equal(a.world_m, b.world_m, equal_nan=True)
            and np.array_equal(a.missing, b.missing))


def test_recording_round_trips_every_frame_exactly(tmp_path):
    frames = _frames()
    path = save_recording(Recording(frames, META), tmp_path / "clip.poses.npz")
    loaded = load_recording(path)
    assert loaded.meta == META
    assert len(loaded) == len(frames) and all(_same(a, b) for a, b in zip(frames, loaded))
    assert not loaded.frames[2].detected and loaded.detection_rate == pytest.approx(0.8)
    # Cleaning a replay gives what cleaning the live frames gave.
    live = list(clean(frames, Cleaner()))
    replay = list(clean(loaded, Cleaner()))
    assert all(_same(a, b) for a, b in zip(live, replay))


def test_recording_name_must_say_what_it_is(tmp_path):
    with pytest.raises(RecordingError, match=r"\.poses\.npz"):
        save_recording(Recording(_frames(), META), tmp_path / "clip.npz")


def test_an_interrupted_save_leaves_no_file_under_the_final_name(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(KeyboardInterrupt):
        save_recording(Recording(_frames(), META), tmp_path / "clip.poses.npz")
    assert list(tmp_path.iterdir()) == []


def test_wrong_version_is_refused_with_both_versions(tmp_path):
    path = tmp_path / "old.poses.npz"
    save_recording(Recording(_frames(), META), path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["version"] = np.array(FORMAT_VERSION + 1)
    np.savez_compressed(path, **arrays)
    with pytest.raises(RecordingError, match=f"version {FORMAT_VERSION + 1} is not supported") as err:
        load_recording(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("content", [b"not a zip at all", b""])
def test_a_file_that_is_not_a_recording_is_refused(tmp_path, content):
    path = tmp_path / "x.poses.npz"
    path.write_bytes(content)
    with pytest.raises(RecordingError) as err:
        load_recording(path)
    assert str(path) in str(err.value)


def test_an_npz_from_elsewhere_is_not_mistaken_for_a_recording(tmp_path):
    path = tmp_path / "other.poses.npz"
    with open(path, "wb") as fh:
        np.savez(fh, a=np.arange(3))
    with pytest.raises(RecordingError, match="not a formcheck landmark recording"):
        load_recording(path)


def test_meta_is_plain_json(tmp_path):
    path = save_recording(Recording(_frames(), META), tmp_path / "clip.poses.npz")
    with zipfile.ZipFile(path) as zf:
        assert "meta_json.npy" in zf.namelist()
    assert json.loads(json.dumps(load_recording(path).meta)) == META
