import math

import av
import numpy as np
import pytest

from formcheck.errors import CameraError, SourceError
from formcheck.sources import media
from formcheck.sources.media import CameraSource, ImageSource, VideoFileSource, open_source
from tests.videos import write_video


def test_variable_frame_rate_video_keeps_container_times_to_the_millisecond(tmp_path):
    # A phone-style clip: 30 fps, a stall, then 60 fps bursts.
    times = [0.0, 0.033, 0.066, 0.100, 0.250, 0.266, 0.283, 0.300, 0.700, 0.733]
    path = write_video(tmp_path / "vfr.mp4", times)
    frames = list(VideoFileSource(path))
    assert [f.index for f in frames] == list(range(len(times)))
    assert np.allclose([f.t_s for f in frames], times, atol=0.0005)
    assert frames[0].rgb.shape == (48, 64, 3) and frames[0].rgb.dtype == np.uint8


def test_span_selection_splits_a_clip_without_losing_or_repeating_frames(tmp_path):
    times = [i / 25 for i in range(100)]
    path = write_video(tmp_path / "c.mp4", times)
    first = [f.t_s for f in VideoFileSource(path, 0.0, 2.0)]
    second = [f.t_s for f in VideoFileSource(path, 2.0, None)]
    assert np.allclose(first + second, times, atol=0.0005)


def test_a_wall_span_after_the_first_watches_the_two_seconds_before_it_at_ten_frames_a_second(tmp_path):
    from formcheck.pose.estimate import WALL_WARMUP_FPS, WALL_WARMUP_S, _span_source

    times = [i / 25 for i in range(150)]  # 6 s at 25 fps
    path = write_video(tmp_path / "clip.mp4", times)
    got = [round(f.t_s, 3) for f in _span_source(path, 4.0, None, None, wall=True, shared_cores=True)]
    warmup = [t for t in got if t < 4.0]
    # The warm-up only gathers wall evidence (looked for every 0.1 s): the first frame of each 0.1 s
    # slot from 2 s (2.0, 2.12, 2.2, 2.32, ... at 25 fps).
    slots = [2.0 + k / WALL_WARMUP_FPS for k in range(int(WALL_WARMUP_S * WALL_WARMUP_FPS))]
    assert warmup == [round(math.ceil(s * 25 - 1e-6) / 25, 3) for s in slots]
    # The span itself keeps every frame, once.
    assert [t for t in got if t >= 4.0] == [round(t, 3) for t in times if t >= 4.0 - 1e-9]
    # Without a wall, or for the first span, nothing is watched before the span.
    assert [round(f.t_s, 3) for f in _span_source(path, 4.0, None, None, wall=False, shared_cores=True)][0] == 4.0
    assert [round(f.t_s, 3) for f in _span_source(path, 0.0, 1.0, None, wall=True, shared_cores=True)][0] == 0.0


def test_image_folder_yields_images_in_name_order_spaced_as_asked(tmp_path):
    import cv2

    for name, level in (("b.png", 200), ("a.png", 100)):
        cv2.imwrite(str(tmp_path / name), np.full((10, 12, 3), level, np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    frames = list(ImageSource(tmp_path, frame_rate=2.0))
    assert [f.t_s for f in frames] == [0.0, 0.5]
    assert [int(f.rgb[0, 0, 0]) for f in frames] == [100, 200]


@pytest.mark.parametrize("name, content, message", [
    ("missing.mp4", None, "no such file"),
    ("empty.mp4", b"", "the file is empty"),
    ("notes.mp4", b"hello, not a video", "not a readable video"),
])
def test_bad_video_files_raise_a_source_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as err:
        list(open_source(path))
    assert str(path) in str(err.value)


def test_truncated_video_keeps_the_frames_before_the_cut_or_says_it_is_unreadable(tmp_path):
    path = write_video(tmp_path / "full.mp4", [i / 30 for i in range(60)], size_wh=(160, 120))
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    try:
        frames = list(open_source(cut))
    except SourceError as err:
        assert str(cut) in str(err)
    else:
        assert 0 < len(frames) < 60


def test_video_with_no_decodable_frames_is_an_error(tmp_path):
    path = write_video(tmp_path / "ok.mp4", [i / 30 for i in range(30)], size_wh=(160, 120))
    data = bytearray(path.read_bytes())
    mdat, moov = data.find(b"mdat"), data.find(b"moov")
    assert 0 < mdat < moov  # the muxer writes the frames first, the index after them
    data[mdat + 4:moov - 4] = bytes(moov - 4 - mdat - 4)  # wipe every coded frame, keep the index
    broken = tmp_path / "blank.mp4"
    broken.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="no decodable frames") as err:
        list(open_source(broken))
    assert str(broken) in str(err.value)


def test_folder_without_images_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="no images"):
        open_source(tmp_path)


def test_camera_that_cannot_be_opened_is_a_camera_error():
    with pytest.raises(CameraError, match="camera 57: could not be opened"):
        CameraSource(57)
    with pytest.raises(CameraError):
        open_source("57")


def test_prefetched_frames_are_the_source_frames_in_order(tmp_path):
    from formcheck.sources.media import Prefetched

    path = write_video(tmp_path / "c.mp4", [i / 25 for i in range(40)])
    direct = list(VideoFileSource(path))
    ahead = list(Prefetched(VideoFileSource(path), depth=2))
    assert [f.t_s for f in ahead] == [f.t_s for f in direct]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(ahead, direct))


def test_prefetched_raises_the_sources_error_and_stops_when_the_consumer_does():
    import threading

    from formcheck.sources.media import Prefetched, VideoFrame

    def failing():
        yield VideoFrame(0, 0.0, np.zeros((2, 2, 3), np.uint8))
        raise SourceError("cut short")

    with pytest.raises(SourceError, match="cut short"):
        list(Prefetched(failing()))

    def endless():
        i = 0
        while True:
            yield VideoFrame(i, i / 30, np.zeros((2, 2, 3), np.uint8))
            i += 1

    for frame in Prefetched(endless(), depth=2):
        if frame.index == 5:
            break
    assert not any(t.name == "formcheck-prefetch" and t.is_alive() for t in threading.enumerate())


def test_video_writer_keeps_colours_and_frame_times(tmp_path):
    from formcheck.outputs.video_writer import VideoWriter

    # The overlay's colours, on an odd-sized frame (padded to even for H.264 4:2:0).
    colours = [(90, 200, 60), (40, 40, 230), (160, 160, 160), (0, 170, 240), (255, 255, 255), (0, 0, 0)]
    image = np.zeros((101, 32 * len(colours) + 1, 3), np.uint8)
    for k, bgr in enumerate(colours):
        image[:, 32 * k:32 * (k + 1)] = bgr
    times = [0.0, 0.04, 0.1, 0.5]
    with VideoWriter(tmp_path / "w.mp4", 25) as writer:
        for t in times:
            writer.write(image, t)
    frames = list(VideoFileSource(tmp_path / "w.mp4", bgr=True))
    assert np.allclose([f.t_s for f in frames], times, atol=0.0005)
    assert frames[0].rgb.shape == (102, 32 * len(colours) + 2, 3)
    for k, bgr in enumerate(colours):
        got = frames[-1].rgb[50, 32 * k + 16].astype(int)
        assert np.abs(got - bgr).max() <= 6, f"{bgr} came back as {tuple(got)}"


@pytest.mark.parametrize("span", [(0.0, None), (1.3, None), (0.0, 2.1)])
def test_sampled_reads_keep_exactly_the_frames_a_full_decode_keeps(tmp_path, monkeypatch, span):
    from formcheck.sources import media as sources

    path = write_video(tmp_path / "b.mp4", [i / 30 for i in range(120)], size_wh=(96, 64))
    expected, last = [], None
    for f in VideoFileSource(path, *span):
        slot = int(f.t_s * 10 + 1e-6)
        if slot != last:
            expected.append(f)
            last = slot
    skipped = []
    skip = sources._UnsampledSkipper.skip
    monkeypatch.setattr(sources._UnsampledSkipper, "skip", lambda self, p: skipped.append(skip(self, p)) or skipped[-1])
    got = list(VideoFileSource(path, *span, sample_fps=10))
    assert [(f.index, f.t_s) for f in got] == [(f.index, f.t_s) for f in expected]
    assert all(np.array_equal(a.rgb, b.rgb) for a, b in zip(got, expected))
    assert sum(skipped) >= 5  # x264 makes unreferenced B-frames: those unsampled are never decoded


@pytest.mark.parametrize("options, fmt, size_wh", [({}, "rgb24", None),
                                                   ({"bgr": True, "max_height": 32}, "bgr24", (48, 32))])
def test_a_read_converts_with_one_scaler_to_the_pixels_pyav_gives_frame_by_frame(tmp_path, monkeypatch, options, fmt,
                                                                                  size_wh):
    # A scaler per frame (what frame.to_ndarray(format=...) builds) cost more than the conversion.
    path = write_video(tmp_path / "c.mp4", [i / 30 for i in range(12)], size_wh=(96, 64))
    made = []
    monkeypatch.setattr(media, "VideoReformatter", lambda: made.append(1) or av.video.reformatter.VideoReformatter())
    got = list(VideoFileSource(path, threaded_decode=False, **options))
    width, height = size_wh or (None, None)
    with av.open(str(path)) as container:
        expected = [f.to_ndarray(format=fmt, width=width, height=height, interpolation="FAST_BILINEAR")
                    for f in container.decode(video=0)]
    assert len(made) == 1
    assert len(got) == len(expected) == 12
    assert all(np.array_equal(a.rgb, b) for a, b in zip(got, expected))


@pytest.mark.parametrize("options", [{}, {"sample_fps": 10}, {"start_s": 1.0, "end_s": 2.0}])
def test_a_source_holds_no_open_file_or_decoder_outside_a_read(tmp_path, monkeypatch, options):
    # A closed container's decoder keeps its pool of pictures until the stream object goes (~20 MB at
    # 1080p): a span's wall warm-up, and the sources opened only for their info, held theirs all along.
    import gc

    path = write_video(tmp_path / "c.mp4", [i / 30 for i in range(90)], size_wh=(96, 64))
    opened = []
    real_open = av.open
    monkeypatch.setattr(media.av, "open", lambda *a, **k: opened.append(real_open(*a, **k)) or opened[-1])

    def held() -> list[int]:
        # What refers to each container besides `opened` and the container's own streams.
        return [sum(1 for r in gc.get_referrers(c) if r is not opened and not isinstance(r, av.stream.Stream))
                for c in opened]

    source = VideoFileSource(path, **options)
    assert source.info.width == 96
    assert opened and not any(held())
    frames = iter(source)
    next(frames)
    assert any(held())  # the read's own container, while it reads
    assert sum(1 for _ in frames) > 0
    assert not any(held())
    # The decoded pictures are the frames' own: nothing of the decoder is kept beside them.
    assert all(not isinstance(v, (av.container.Container, av.stream.Stream)) for v in vars(source).values())


def test_a_read_hands_freed_frame_memory_back_every_so_many_frames(tmp_path, monkeypatch):
    # Each frame's RGB block is freed when the next one comes; left in malloc's heaps, the holes grow.
    path = write_video(tmp_path / "c.mp4", [i / 30 for i in range(100)], size_wh=(96, 64))
    calls = []
    monkeypatch.setattr(media, "return_freed_memory", lambda: calls.append(1))
    assert sum(1 for _ in VideoFileSource(path)) == 100
    assert len(calls) == 100 // media.RETURN_FREED_EVERY_FRAMES
