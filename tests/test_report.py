"""``formcheck score`` end to end: the files a therapist receives, rendered as a person sees them."""

import dataclasses
import io
import json
import subprocess
import sys

import av
import cv2
import numpy as np
import pytest
from rich.console import Console

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import score_frames
from formcheck.outputs.html_report import write_html
from formcheck.outputs.session_result import SessionResult
from tests.browser import dump_dom, screenshot
from tests.posebuild import moved, side_view
from tests.test_reference import DOWN, STAND
from tests.test_scoring import HIPS_HIGH, PLANK, session


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "formcheck", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_html_escapes_every_user_string_and_renders_in_a_real_browser(tmp_path):
    plank = load_exercise("forearm_plank")
    frames, end = session([(2.0, PLANK), (1.0, HIPS_HIGH), (2.0, PLANK)])
    score = score_frames(frames, plank, end_s=end)
    evil = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>.mp4"
    page = write_html(score, evil, tmp_path / "report.html", None, notes=["<b>note</b> & more"])
    text = page.read_text()
    assert "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;" in text and "&lt;b&gt;note&lt;/b&gt; &amp; more" in text
    dom = dump_dom(page)
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert "Forearm plank" in dom and "Lower your hips into a straight line" in dom


@pytest.mark.real_data
def test_score_a_real_clip_writes_every_output(shared_data, tmp_path):
    clip = shared_data / "videos/plank/kaiakol-plank_correct_005.mp4"
    out = run_cli("score", clip, "--exercise", "forearm_plank", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "valid time" in out.stdout and "Traceback" not in out.stderr

    report = json.loads((tmp_path / "report.json").read_text())
    for key in ("schema_version", "exercise", "source", "duration_s", "valid_s", "longest_hold_s", "holds",
                "faults", "view", "frames"):
        assert key in report
    n_frames = len(report["frames"])
    assert report["exercise"] == "forearm_plank" and n_frames > 100
    assert {f["state"] for f in report["frames"]} <= {"valid", "fault", "not_in_position", "cannot_see"}
    assert report["valid_s"] > 0.5 * report["duration_s"]  # a correct plank, filmed side-on
    assert all(0 <= a < b <= report["duration_s"] + 1e-6 for a, b in report["holds"])

    timeline = cv2.imread(str(tmp_path / "timeline.png"))
    assert timeline is not None and timeline.shape[0] > 300 and timeline.std() > 10

    with av.open(str(tmp_path / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == n_frames
    source_first = next(iter(av.open(str(clip)).decode(video=0))).to_ndarray(format="rgb24")
    (src_h, src_w), (h, w) = source_first.shape[:2], frames[0].shape[:2]
    assert h == min(src_h, 480) and abs(w / h - src_w / src_h) < 0.01  # review size, same shape
    source_first = cv2.resize(source_first, (w, h), interpolation=cv2.INTER_AREA)
    # The overlay is drawn: the timer band in the top-left corner differs from the source image.
    assert np.abs(frames[0][:20, :60].astype(int) - source_first[:20, :60].astype(int)).mean() > 20

    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/") >= 1 and "src='http" not in html  # self-contained
    dom = dump_dom(tmp_path / "report.html")
    assert "Forearm plank" in dom and "valid time" in dom
    shot = cv2.imread(str(screenshot(tmp_path / "report.html", tmp_path / "shot.png")))
    assert shot.std() > 20  # not a blank page


@pytest.mark.real_data
def test_a_recording_scores_like_its_video_and_finds_the_video_for_annotation(shared_data, tmp_path):
    clip = shared_data / "videos/plank/fitgem-elbow-plank.mp4"
    rec = tmp_path / "p.poses.npz"
    assert run_cli("record", clip, "-o", rec).returncode == 0
    a = run_cli("score", rec, "-e", "forearm_plank", "-o", tmp_path / "from_rec")
    b = run_cli("score", clip, "-e", "forearm_plank", "-o", tmp_path / "from_video", "--workers", "1")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    ra = json.loads((tmp_path / "from_rec/report.json").read_text())
    rb = json.loads((tmp_path / "from_video/report.json").read_text())
    assert ra["valid_s"] == pytest.approx(rb["valid_s"], abs=0.01)
    assert [f["state"] for f in ra["frames"]] == [f["state"] for f in rb["frames"]]
    assert (tmp_path / "from_rec/annotated.mp4").is_file()


@pytest.mark.real_data
def test_scoring_a_folder_writes_one_report_per_clip_and_a_summary(shared_data, tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("fitgem-elbow-plank.mp4", "kaiakol-plank_correct_001.mp4"):
        (folder / name).symlink_to(shared_data / "videos/plank" / name)
    (folder / "broken.mp4").write_bytes(b"not a video")
    out = run_cli("score", folder, "-e", "forearm_plank", "-o", tmp_path / "out", "--no-video")
    assert out.returncode == 1  # one clip failed, the others were scored
    assert "broken.mp4: not a readable video" in out.stderr
    rows = (tmp_path / "out/summary.csv").read_text().splitlines()
    # The batch's table: a folder is scored by the one folder runner.
    assert rows[0].startswith("source,stem,exercise,profile,status,duration_s,valid_s")
    assert len(rows) == 4
    for stem in ("fitgem-elbow-plank", "kaiakol-plank_correct_001"):
        assert (tmp_path / "out" / stem / "report.json").is_file()
        assert not (tmp_path / "out" / stem / "annotated.mp4").exists()


def test_unknown_exercise_is_a_one_line_error(tmp_path):
    out = run_cli("score", tmp_path / "x.mp4", "-e", "planck")
    assert out.returncode == 2 and "unknown exercise 'planck'" in out.stderr and "forearm_plank" in out.stderr


@pytest.mark.real_data
def test_ctrl_c_leaves_a_valid_partial_report(shared_data, tmp_path):
    import signal
    import time

    from tests.processes import cpu_seconds

    # 59 s at 30 fps (1762 frames), about 25 CPU seconds of estimation: interrupted once the run has
    # used 6 CPU seconds (start-up takes about 2), it is estimating, however busy the machine is.
    clip = shared_data / "videos/bird-dog/chco-fire-hydrant.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "score", str(clip), "-e", "forearm_plank",
                             "-o", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None and cpu_seconds(proc.pid) < 6.0:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["complete"] is False
    assert 0 < report["duration_s"] < 59 and len(report["frames"]) > 24
    assert "interrupted" in (tmp_path / "report.html").read_text()


@pytest.mark.parametrize("sample_fps", [None, 10.0])
def test_annotated_video_drawn_in_parts_is_one_video_with_every_scored_frame_in_time(tmp_path, sample_fps):
    from formcheck.judge.timer import FrameState, Phase
    from formcheck.outputs.annotated_video import write_annotated
    from formcheck.outputs.overlay import Overlay
    from formcheck.pose.landmarks import SKELETON
    from formcheck.sources.media import VideoFileSource
    from tests.videos import write_video

    # 200 frames at 25 fps with B-frames, as phones and x264 write them.
    clip = write_video(tmp_path / "clip.mp4", [i / 25 for i in range(200)], size_wh=(160, 120))
    frames = list(VideoFileSource(clip, sample_fps=sample_fps))
    xyz = np.full((33, 3), np.nan, np.float32)
    overlays = [Overlay(f.t_s, xyz, np.ones(33, bool), bytes(len(SKELETON)), FrameState.VALID, Phase.HOLDING,
                        f.t_s, None) for f in frames]
    stills = write_annotated(clip, overlays, tmp_path / "annotated.mp4", 5.0, still_times_s=[0.0, 3.99, 7.0],
                             sample_fps=sample_fps, workers=3)
    with av.open(str(tmp_path / "annotated.mp4")) as container:
        times = [float(f.pts * f.time_base) for f in container.decode(video=0)]
    assert np.allclose(times, [f.t_s for f in frames], atol=0.001)
    assert sorted(stills) == [0.0, 3.99, 7.0] and all(s.shape == (120, 160, 3) for s in stills.values())
    assert not list(tmp_path.glob(".annotated.part*"))  # the parts are gone


def test_an_annotated_video_interrupted_mid_way_keeps_a_playable_start(tmp_path):
    import _thread

    from formcheck.judge.timer import FrameState, Phase
    from formcheck.outputs.annotated_video import write_annotated
    from formcheck.outputs.overlay import Overlay
    from formcheck.pose.landmarks import SKELETON
    from formcheck.sources.media import VideoFileSource
    from tests.videos import write_video

    clip = write_video(tmp_path / "clip.mp4", [i / 25 for i in range(300)], size_wh=(160, 120))
    times = [f.t_s for f in VideoFileSource(clip)]
    xyz = np.full((33, 3), np.nan, np.float32)
    overlays = [Overlay(t, xyz, np.ones(33, bool), bytes(len(SKELETON)), FrameState.VALID, Phase.HOLDING, t, None)
                for t in times]

    def ctrl_c_after_40_frames(done, total):
        if done == 40:
            _thread.interrupt_main()  # as a Ctrl-C would, while the parts are being drawn

    with pytest.raises(KeyboardInterrupt):
        write_annotated(clip, overlays, tmp_path / "annotated.mp4", 5.0, progress=ctrl_c_after_40_frames, workers=2)
    with av.open(str(tmp_path / "annotated.mp4")) as container:
        written = [float(f.pts * f.time_base) for f in container.decode(video=0)]
    assert 0 < len(written) <= 150  # the first part only: it runs from the start without a gap
    assert np.allclose(written, times[:len(written)], atol=0.001)
    assert not list(tmp_path.glob(".annotated.part*"))



def test_a_rep_faulted_below_the_grace_period_is_named_not_praised(tmp_path, monkeypatch):
    import formcheck.cli.score as cli

    # One squat whose chest tips 55 degrees forward for 0.4 s at the bottom: under the hold timer's
    # 0.5 s grace (no fault span), over the rep's 0.25 s (a faulted rep).
    lean = moved(DOWN, shoulder=(596, 528))
    poses = [STAND] * 6 + [DOWN] + [lean] * 4 + [DOWN] + [STAND] * 6
    frames = [dataclasses.replace(side_view(p), t_s=i / 10, index=i) for i, p in enumerate(poses)]
    score = score_frames(frames, load_exercise("bodyweight_squat"), end_s=len(poses) / 10)
    assert score.faults == [] and len(score.reps) == 1 and score.good_reps == 0
    assert score.rep_faults() == [("chest_up", "Keep your chest up", 1)]
    text = write_html(score, "squat.mp4", tmp_path / "report.html", None).read_text()
    assert "Keep your chest up" in text and "1 of 1" in text and "Well done" not in text
    printed = io.StringIO()
    monkeypatch.setattr(cli, "stdout_console", lambda: Console(file=printed, width=200))
    cli.print_summary(SessionResult(score, "squat.mp4", tmp_path))
    assert "Keep your chest up (1 of 1 reps)" in printed.getvalue()


@pytest.mark.parametrize("before_s, short", [(1.0, True), (17.0, False)])
def test_a_video_shorter_than_the_target_hold_is_not_shown_as_a_miss(tmp_path, before_s, short):
    """The demo clip holds 12 s of a 16 s video against a 20 s target: that is the clip's length, not a
    fault, so the longest hold is not coloured as a miss and the report says why it could not reach it.
    A video long enough that still falls short is a miss."""
    plank = load_exercise("forearm_plank")
    frames, end = session([(before_s, HIPS_HIGH), (5.0, PLANK)])  # a 5 s hold in a 6 s or a 22 s video
    score = score_frames(frames, plank, end_s=end)
    assert score.summary.longest_hold_s < score.target_s[0]  # the plank's target is 20 s at least
    text = write_html(score, "plank.mp4", tmp_path / "report.html", None).read_text()
    hold_card = text.split("longest hold<b class='")[1].split("'")[0]
    assert hold_card == ("" if short else "warn")
    assert ("is shorter than the target hold" in text) is short
