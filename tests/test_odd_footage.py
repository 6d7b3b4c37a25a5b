"""True verdicts on odd footage (issue #23): phone videos stored sideways with a rotation tag, still
images, folders of images without a frame rate, and files cut short.

The rotation convention is FFmpeg's: a display matrix whose rotation (``VideoFrame.rotation``) is
``r`` degrees is shown turned ``r`` degrees counter-clockwise (a phone's portrait video says -90).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from formcheck.errors import SourceError
from formcheck.pose.estimate import load_poses
from formcheck.sources.media import ImageSource, VideoFileSource, name_time_s, open_source

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "plank-side.mp4"  # a rendered 16 s forearm plank, 640x360 at 15 fps


def write_frames(path: Path, frames: list[np.ndarray], fps: float, rotation_deg: int = 0,
                 faststart: bool = False) -> Path:
    """Encode RGB ``frames`` as stored; ``rotation_deg`` is the tag a player turns them by (counter-clockwise)."""
    h, w = frames[0].shape[:2]
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), mode="w", options=options) as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if rotation_deg:
            stream.set_display_rotation(rotation_deg)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def stored_sideways(upright: np.ndarray, rotation_deg: int) -> np.ndarray:
    """What a camera stores for an ``upright`` image it tags with ``rotation_deg``: the image turned back."""
    return np.rot90(upright, k=-rotation_deg // 90)


def marked_image(w: int = 96, h: int = 64) -> np.ndarray:
    """Black with a white block in the top-left corner: which way is up is plain to see."""
    image = np.zeros((h, w, 3), np.uint8)
    image[:16, :24] = 255
    return image


def white_box(rgb: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(rgb[..., 0] > 128)
    return rows.min(), rows.max(), cols.min(), cols.max()


# --- rotation tags -----------------------------------------------------------------------------

@pytest.mark.parametrize("rotation_deg", [-90, 90, 180])
def test_a_video_tagged_with_a_rotation_is_read_upright_with_its_upright_size(tmp_path, rotation_deg):
    upright = marked_image()
    path = write_frames(tmp_path / "phone.mp4", [stored_sideways(upright, rotation_deg)] * 5, 30, rotation_deg)
    source = VideoFileSource(path)
    assert source.info.image_wh == (96, 64)  # the size a player shows, not the stored 64x96
    frames = list(source)
    assert len(frames) == 5
    assert frames[0].rgb.shape == (64, 96, 3)
    assert white_box(frames[0].rgb) == white_box(upright)  # the block is back in the top-left corner


def test_a_rotated_video_scaled_down_for_the_annotated_video_is_upright_and_within_the_height(tmp_path):
    upright = np.zeros((640, 360, 3), np.uint8)  # portrait, as a phone shows it
    upright[:80, :60] = 255
    path = write_frames(tmp_path / "portrait.mp4", [stored_sideways(upright, -90)] * 3, 30, -90)
    frames = list(VideoFileSource(path, max_height=480, bgr=True))
    assert frames[0].rgb.shape == (480, 270, 3)
    top, bottom, left, right = white_box(frames[0].rgb)
    assert top == 0 and left == 0 and bottom < 70 and right < 50


def test_an_untagged_video_is_read_as_stored(tmp_path):
    image = marked_image()
    source = VideoFileSource(write_frames(tmp_path / "plain.mp4", [image] * 3, 30))
    assert source.info.image_wh == (96, 64)
    assert white_box(next(iter(source)).rgb) == white_box(image)


def _render_plank(seconds: float = 10.0, fps: float = 10.0) -> tuple[list[np.ndarray], float]:
    from formcheck_studio import plan_clip

    plan = plan_clip("forearm_plank", None, "side", seconds, seed=5, size=(640, 360), fps=fps)
    (held,) = plan.truth.holds
    return [frame.rgb for frame in plan.frames()], held.end_s - held.start_s


@pytest.mark.slow
def test_a_phone_video_stored_sideways_gets_the_verdict_of_the_same_footage_upright(tmp_path):
    """A rendered plank (exact ground truth) stored turned a quarter with the tag a phone writes is
    scored like the same frames stored upright. Before the tag was applied the model saw the body
    standing on its side: 0.0 s valid against 5.6 s."""
    from formcheck.engine.outputs import Outputs
    from formcheck.engine.recorded import score_source
    from formcheck.judge.exercises import load_exercise

    frames, held_s = _render_plank()
    upright = write_frames(tmp_path / "upright.mp4", frames, 10)
    sideways = write_frames(tmp_path / "phone.mp4", [stored_sideways(f, -90) for f in frames], 10, -90)
    exercise = load_exercise("forearm_plank")
    results = {}
    for path in (upright, sideways):
        out = tmp_path / f"out-{path.stem}"
        results[path.stem] = score_source(path, exercise, Outputs(out), video=path is sideways)
    valid_upright = results["upright"].score.summary.valid_s
    valid_sideways = results["phone"].score.summary.valid_s
    assert valid_upright > 0.6 * held_s  # the upright clip itself is judged a hold
    assert abs(valid_sideways - valid_upright) <= 0.2
    # The annotated video is drawn over the upright picture too.
    with av.open(str(tmp_path / "out-phone" / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (640, 360)


# --- a still image, a single frame ---------------------------------------------------------------

def _invoke(args: list[str]) -> tuple[int, str]:
    """Run formcheck as a user does; its exit code and what it printed (stdout, then stderr)."""
    done = subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, timeout=600)
    return done.returncode, (done.stdout + done.stderr).strip()


def test_scoring_a_still_image_is_refused_before_any_work(tmp_path):
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), np.full((64, 48, 3), 128, np.uint8))
    code, output = _invoke(["score", str(photo), "-e", "forearm_plank", "-o", str(tmp_path / "out")])
    assert code == 2
    assert output.splitlines() == [f"formcheck: error: {photo}: a single image cannot be timed; score a video, "
                                   "or a folder of images with --frame-rate"]
    assert not (tmp_path / "out" / "report.json").exists()


def test_a_single_frame_video_or_recording_cannot_be_timed(tmp_path):
    clip = write_frames(tmp_path / "one.mp4", [marked_image()], 30)
    with pytest.raises(SourceError, match="one.mp4: a video of a single frame cannot be timed"):
        load_poses(clip, for_timing=True)


def test_record_still_takes_a_single_image(tmp_path):
    """``record`` times nothing: a photo's landmarks are a fair thing to keep (for an assessment)."""
    photo = tmp_path / "photo.png"
    cv2.imwrite(str(photo), np.full((64, 48, 3), 128, np.uint8))
    source = open_source(photo)
    assert [f.t_s for f in source] == [0.0]


# --- folders of images: their frame rate ---------------------------------------------------------

def _image_folder(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names):
        cv2.imwrite(str(folder / name), np.full((16, 16, 3), 20 * k, np.uint8))
    return folder


def test_a_folder_of_images_needs_its_frame_rate(tmp_path):
    folder = _image_folder(tmp_path / "frames", [f"frame_{i:06d}.jpg" for i in (0, 5, 10)])
    with pytest.raises(SourceError, match="the images' times are unknown: pass --frame-rate FPS") as err:
        ImageSource(folder)
    assert str(folder) in str(err.value)
    assert [f.t_s for f in ImageSource(folder, frame_rate=5)] == [0.0, 0.2, 0.4]


@pytest.mark.parametrize("name, seconds", [
    ("t=1.200s.jpg", 1.2), ("clip_t=12s.png", 12.0), ("00-00-01.200.jpg", 1.2), ("shot 01-02-03.5.png", 3723.5),
    ("frame_000120.jpg", None), ("2024-05-12.jpg", None), ("t=3.jpg", None),
])
def test_times_in_image_names(name, seconds):
    assert name_time_s(name) == (pytest.approx(seconds) if seconds is not None else None)


def test_a_folder_named_by_time_is_ordered_and_timed_by_the_names(tmp_path):
    # Name order would put t=10.0s before t=2.0s.
    folder = _image_folder(tmp_path / "frames", ["t=0.5s.jpg", "t=2.0s.jpg", "t=10.0s.jpg"])
    source = ImageSource(folder)
    assert [f.t_s for f in source] == [0.0, 1.5, 9.5]
    assert [p.name for p in source.files] == ["t=0.5s.jpg", "t=2.0s.jpg", "t=10.0s.jpg"]


@pytest.mark.parametrize("names, message", [
    (["t=0.0s.jpg", "t=0.2s.jpg", "extra.jpg"], "extra.jpg has no time in its name, unlike 2 other images"),
    (["a_t=1s.jpg", "b_t=1s.jpg"], "a_t=1s.jpg and b_t=1s.jpg carry the same time"),
])
def test_a_folder_partly_or_ambiguously_named_by_time_is_refused(tmp_path, names, message):
    with pytest.raises(SourceError, match=message):
        ImageSource(_image_folder(tmp_path / "frames", names))


def test_frame_rate_is_refused_for_a_video(tmp_path):
    clip = write_frames(tmp_path / "c.mp4", [marked_image()] * 3, 30)
    with pytest.raises(SourceError, match="--frame-rate is only for a folder of images"):
        open_source(clip, frame_rate=5)


@pytest.mark.slow
def test_a_plank_extracted_at_5_fps_is_timed_at_5_fps_by_record_and_score(tmp_path):
    """A rendered 8 s plank as images extracted at 5 fps: one image a second made it 40 s long."""
    frames, _ = _render_plank(seconds=8.0, fps=5.0)
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, rgb in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{i:06d}.jpg"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    code, output = _invoke(["record", str(folder), "-o", str(tmp_path / "f.poses.npz")])
    assert code == 2 and "pass --frame-rate FPS" in output
    code, output = _invoke(["record", str(folder), "-o", str(tmp_path / "f.poses.npz"), "--frame-rate", "5"])
    assert code == 0, output
    from formcheck.pose.recording import load_recording

    recording = load_recording(tmp_path / "f.poses.npz")
    assert recording.frames[-1].t_s == pytest.approx((len(frames) - 1) / 5)
    code, output = _invoke(["score", str(folder), "-e", "forearm_plank", "--frame-rate", "5",
                            "-o", str(tmp_path / "out")])
    assert code == 0, output
    assert "of 8.0 s" in output  # "valid time  x.x s of 8.0 s"


# --- a file cut short ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cut_sample(tmp_path_factory) -> Path:
    """The rendered sample remuxed with its index first (as phones and web tools write it), then
    cut in half, as an interrupted copy or download leaves it."""
    folder = tmp_path_factory.mktemp("cut")
    whole = folder / "whole.mp4"
    with av.open(str(SAMPLE)) as src, av.open(str(whole), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    data = whole.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # the index is at the start
    cut = folder / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_a_cut_file_is_read_as_far_as_it_decodes_in_one_span_or_several(cut_sample):
    whole = VideoFileSource(cut_sample)
    frames = list(whole)
    read_s = whole.cut_short_at_s
    assert read_s is not None and 0 < read_s < 16.0
    assert frames[-1].t_s < read_s
    # Spans split at the index's length (16 s) read the same frames; the one past the cut has none.
    first, second = VideoFileSource(cut_sample, 0.0, 8.0), VideoFileSource(cut_sample, 8.0, None)
    assert [f.t_s for f in first] + [f.t_s for f in second] == [f.t_s for f in frames]
    assert first.cut_short_at_s == pytest.approx(read_s) and second.cut_short_at_s == 8.0
    # A file read to its end is not cut short.
    complete = VideoFileSource(SAMPLE)
    assert len(list(complete)) == 240 and complete.cut_short_at_s is None


def test_a_cut_file_played_as_the_camera_ends_saying_the_file_ends_early(cut_sample):
    """live with a video file as the camera used to end at the cut without a word; a whole file ends cleanly."""
    from formcheck.errors import FileEndsEarlyError
    from formcheck.sources.capture import LatestFrameCapture

    for path, cut in ((cut_sample, True), (SAMPLE, False)):
        with LatestFrameCapture(VideoFileSource(path)) as capture:
            frames = 0
            while not capture.exhausted:
                frames += capture.latest(1.0) is not None
        assert frames > 0
        if cut:
            assert isinstance(capture.error, FileEndsEarlyError)
            assert str(capture.error).startswith(f"{cut_sample}: read ") and "the file ends early" in str(capture.error)
        else:
            assert capture.error is None


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_record_keeps_a_cut_file_as_far_as_it_decodes_and_says_how_much(tmp_path, cut_sample, workers):
    out = tmp_path / "cut.poses.npz"
    code, output = _invoke(["record", str(cut_sample), "-o", str(out), "--workers", workers])
    from formcheck.pose.recording import load_recording

    recording = load_recording(out)
    source = VideoFileSource(cut_sample)
    frames = list(source)
    assert code == 1
    expected = f"{cut_sample}: read {source.cut_short_at_s:.1f} s of 16.0 s: the file ends early"
    assert expected in " ".join(output.split())
    assert recording.meta["complete"] is False
    assert len(recording) == len(frames)


@pytest.mark.slow
def test_score_and_batch_read_a_cut_file_as_record_does(tmp_path, cut_sample):
    source = VideoFileSource(cut_sample)
    list(source)
    expected = f"{cut_sample}: read {source.cut_short_at_s:.1f} s of 16.0 s: the file ends early"
    code, output = _invoke(["score", str(cut_sample), "-e", "forearm_plank", "--no-video", "-o", str(tmp_path / "o")])
    assert code == 1, output
    assert expected in " ".join(output.split())
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(cut_sample, clips / "cut.mp4")
    code, output = _invoke(["batch", str(clips), "-e", "forearm_plank", "-o", str(tmp_path / "b")])
    assert code == 1, output
    summary = (tmp_path / "b" / "summary.csv").read_text()
    assert "failed" in summary and "the file ends early" in summary
