"""The squat and plank rules on the short real clips (videos/squat/kaiakol-*, videos/plank/kaiakol-*,
videos/plank/wahoo-plank.mp4), recorded with LiteRT as ``formcheck score`` records them.

What each clip shows was read off its frames by eye (the file names only say good or bad). Numbers
in the comments were measured on these recordings; the kaiakol squat clips are 30 fps, 1.0-1.6 s, one
rep or less each.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.judge.timer import FrameState
from formcheck.pose.recording import load_recording
from formcheck.pose.smoothing import clean

pytestmark = pytest.mark.real_data

SQUAT = "videos/squat/kaiakol-squat_{}.mp4"
PLANK = "videos/plank/kaiakol-plank_correct_{}.mp4"
IN_EXERCISE = (FrameState.VALID, FrameState.FAULT)


@pytest.fixture(scope="module")
def score(recorded):
    """``score(clip, exercise, still_s=0.0) -> Score``; ``still_s`` repeats the last frame that long."""
    cache = {}

    def get(clip: str, exercise: str, still_s: float = 0.0):
        key = (clip, exercise, still_s)
        if key not in cache:
            frames = list(load_recording(recorded(clip, model="litert")).frames)
            last, dt = frames[-1], frames[-1].t_s - frames[-2].t_s
            frames += [replace(last, t_s=last.t_s + k * dt, index=last.index + k)
                       for k in range(1, round(still_s / dt) + 1)]
            scorer = Scorer(load_exercise(exercise))
            for pose in clean(frames):
                scorer.update(pose)
            cache[key] = scorer.finish()
        return cache[key]

    return get


def _longest_run_s(score, check: str, start_s: float, end_s: float) -> float:
    """Longest stretch of consecutive frames in [start_s, end_s] failing ``check`` (each frame lasts
    until the next)."""
    rows = [r for r in score.frames if start_s <= r.t_s <= end_s]
    best = run = 0.0
    for row, nxt in zip(rows, rows[1:]):
        run = run + (nxt.t_s - row.t_s) if check in row.failing and row.state is FrameState.FAULT else 0.0
        best = max(best, run)
    return best


def test_a_correct_squat_is_a_good_rep_once_she_is_back_up(score):
    # correct_016: side view, stands 0-0.2 s, squats to about parallel (deep_enough reads 0.05 thigh
    # lengths at 0.6 s, limit 0.4), stands back up; the clip ends (0.93 s) on the first upright frame.
    # The raw knee angle there is 172 degrees, but the cleaner's smoothing lags about two frames (156,
    # under up_knee_angle_min 160), so the rep is still under way when the clip ends: 0 reps.
    clip = SQUAT.format("correct_016")
    assert score(clip, "bodyweight_squat").reps == ()
    # Standing still a moment longer (the last frame repeated for 0.2 s) completes it: one good rep.
    # Measured over the rep: trunk lean at most 26 deg (limit 45), knee at most 0.006 shin lengths
    # past the toe (limit 0.15), heel rise at most 0.065 foot lengths (limit 0.3).
    finished = score(clip, "bodyweight_squat", still_s=0.2)
    assert [(r.faults, r.good) for r in finished.reps] == [((), True)], finished.reps


# The faults these clips show, with the longest run of frames failing that check during the rep:
# incorrect_002 (side view, full depth) drives the knees well past the toes at the bottom:
#   knees_behind_toes reads 0.17-0.36 shin lengths (limit 0.15) for 0.43 s (0.67-1.07 s); trunk lean at
#   most 39.5 deg (limit 45) and heel rise at most 0.275 (limit 0.3) pass, as the footage shows (heels
#   flat, chest fairly up).
# incorrect_003 (side view, to about parallel) tips the chest far forward, hips back:
#   chest_up reads 48-55 deg (limit 45) for 0.30 s (0.53-0.80 s); the knees stay behind the toes (at most
#   0.006 past) and the heels down (rise -0.08 to 0.02).
BAD_SQUATS = [("incorrect_002", "knees_behind_toes", 0.4), ("incorrect_003", "chest_up", 0.27)]


@pytest.mark.parametrize("clip, check, run_s", BAD_SQUATS)
def test_a_bad_squat_fails_the_check_the_footage_shows_and_no_other(score, clip, check, run_s):
    result = score(SQUAT.format(clip), "bodyweight_squat")
    assert len(result.reps) == 1, result.reps
    rep = result.reps[0]
    assert _longest_run_s(result, check, rep.start_s, rep.end_s) >= run_s - 0.01
    others = {c for r in result.frames if r.state is FrameState.FAULT for c in r.failing}
    # deep_enough fails on the way down and up only: it is a reach check, met at the bottom (0.03 and
    # -0.005 thigh lengths), so it does not fault the rep.
    assert others - {check, "deep_enough"} == set(), others
    assert "deep_enough" not in rep.faults


@pytest.mark.parametrize("clip, check, run_s", BAD_SQUATS)
def test_a_bad_squat_rep_is_not_good(score, clip, check, run_s):
    # These 30 fps reps spend only 0.3-0.45 s at the bottom: under the hold timer's 0.5 s grace, the
    # rep was counted good. A rep is faulted by a check failing longer than its fault_min_s (0.25 s).
    rep, = score(SQUAT.format(clip), "bodyweight_squat").reps
    assert check in rep.faults and not rep.good, rep


@pytest.mark.parametrize("clip, cue, min_share", [
    # correct_003: a barbell back squat filmed front-three-quarter, feet at the frame's bottom edge,
    # starting at the bottom (only the way up is filmed). 0.80 of its 1.13 s read cannot-see, mostly
    # asking to see the left foot; the side-on check cannot judge it, and half a rep is not a rep.
    pytest.param("correct_003", "Move so the camera can see your left", 0.6, marks=pytest.mark.xfail(
        strict=True, reason="its toes lie 0.01-0.035 below the bottom edge, confidently (0.93-1.0), so with "
        "FRAME_MARGIN (issue #21) the feet are seen and the frames are judged; what should make it cannot-see is "
        "the front-three-quarter view, which the side view's width ratio passes (a threshold, issue #21 item 6)")),
    # incorrect_004: filmed from the front (whatever its fault is, it is not judged side-on): 1.5 of
    # 1.6 s cannot-see, 46 of 49 frames asking to turn side-on.
    ("incorrect_004", "Turn side-on to the camera", 0.8),
])
def test_a_squat_not_filmed_side_on_says_cannot_see(score, clip, cue, min_share):
    result = score(SQUAT.format(clip), "bodyweight_squat")
    assert result.reps == ()
    assert result.state_seconds()["cannot_see"] >= min_share * result.duration_s, result.state_seconds()
    cues = [r.cue for r in result.frames if r.state is FrameState.CANNOT_SEE]
    assert sum((c or "").startswith(cue) for c in cues) > len(cues) / 2, cues


@pytest.mark.parametrize("clip", ["002", "004", "006", "007"])
def test_a_correct_kaiakol_plank_is_valid_for_most_of_its_length(score, clip):
    # All four are side views of a straight forearm plank from the first frame to the last. Measured:
    # valid 2.93 of 2.97 s, 3.80 of 3.87, 3.27 of 3.30, 3.77 of 3.80 (only the first frame is not in
    # position); the hip reads 0.048-0.065, 0.057-0.082, 0.079-0.098 and 0.032-0.070 above the
    # shoulder-ankle line (limits -0.022 and 0.1075), the upper arm at most 24 deg from vertical (30).
    result = score(PLANK.format(clip), "forearm_plank")
    assert result.summary.valid_s >= 0.9 * result.duration_s, result.state_seconds()
    assert len(result.summary.holds) == 1 and result.faults == [], (result.summary.holds, result.faults)


def test_the_wahoo_plank_is_timed_only_during_its_hold(score):
    # README: title card 0-5.5 s, kneeling, lowering, hold about 11.5-20.5 s (+-1 s). In the footage
    # the legs are straight from about 10.6 s and the end card fades her out by 21.2 s; the camera
    # cuts to a closer shot at about 13.9 s and back at 18.5 s (the README's 15-17 s is that shot).
    # Measured: cannot-see to 5.46 s (title card), not in position to 10.80 s (kneeling, lowering),
    # valid 10.80-21.19 s (9.84 s), not in position for 0.29 s and 0.25 s at the two cuts (the
    # landmarks jump, which the stillness condition reads as motion), shorter than the 0.5 s grace.
    result = score("videos/plank/wahoo-plank.mp4", "forearm_plank")
    hold_s, tol_s = (11.5, 20.5), 1.0
    judged = [r.t_s for r in result.frames if r.state in IN_EXERCISE]
    assert hold_s[0] - tol_s <= min(judged) and max(judged) <= hold_s[1] + tol_s, (min(judged), max(judged))
    assert all(r.state is FrameState.CANNOT_SEE for r in result.frames if r.t_s < 5.0)  # title card
    # The labelled hold is at least 9 - 2 x 1 s long.
    assert result.summary.valid_s >= hold_s[1] - hold_s[0] - 2 * tol_s, result.summary
    assert len(result.summary.holds) == 1 and result.faults == [], (result.summary.holds, result.faults)
