"""The wall sit judged on real side-view footage, wall stage included."""

import pytest

from formcheck.exercises import load_exercise
from formcheck.recording import load_recording
from formcheck.report.session import score_recording

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

AFYA = "videos/wall-sit/afya-wall-sit-side.mp4"


def _valid_fraction(holds, start_s, end_s):
    inside = sum(max(0.0, min(end_s, h.end_s) - max(start_s, h.start_s)) for h in holds)
    return inside / (end_s - start_s)


@pytest.fixture(scope="module")
def afya(recorded):
    rec = load_recording(recorded(AFYA, wall=True))
    score, _ = score_recording(rec, load_exercise("wall_sit"))
    return rec, score


def test_the_brick_wall_is_found_once_the_person_sits(afya):
    rec, _ = afya
    seated = [w for f, w in zip(rec.frames, rec.walls) if 4.5 <= f.t_s <= 22.9]
    assert sum(w.line is not None for w in seated) >= 0.9 * len(seated)


def test_two_foot_holds_count_and_lifted_legs_do_not(afya):
    # Labels from the data README, read by eye (+-0.5 s): two-foot holds 4.5-10.0 and 20.5-22.9 s;
    # far leg lifted 10-15 s, near leg lifted 16-20.5 s. Spans are trimmed by 0.5 s at each end.
    holds = afya[1].summary.holds
    assert _valid_fraction(holds, 5.0, 9.5) >= 0.8
    assert _valid_fraction(holds, 21.0, 22.9) >= 0.8
    assert _valid_fraction(holds, 16.5, 20.0) <= 0.1
    # The far leg is judged while MediaPipe sees it; from about 13.5 s it reads as hidden again
    # (visibility < 0.5) and so as level: a known gap, not asserted.
    assert _valid_fraction(holds, 10.5, 13.3) <= 0.1
    faults = {f.check for f in afya[1].faults if f.start_s < 20.5 and f.end_s > 10.0}
    assert "both_feet_down" in faults


LEAP = "videos/wall-sit/leap-wall-sit.mp4"


def test_a_seamless_white_wall_is_inferred_from_the_held_posture_and_the_hold_counts(recorded):
    # Three-quarter view, a cyclorama with no visible wall line: the support is inferred from a
    # posture that cannot be held unsupported (formcheck.wall.support), with its confidence capped.
    from formcheck.wall import WallTrackerConfig

    rec = load_recording(recorded(LEAP, wall=True))
    score, _ = score_recording(rec, load_exercise("wall_sit"))
    assert _valid_fraction(score.summary.holds, 2.0, 8.9) >= 0.8
    settled = [w for f, w in zip(rec.frames, rec.walls) if f.t_s >= 2.0]
    cap = WallTrackerConfig().support.confidence_cap
    assert all(w.inferred and w.confidence <= cap + 1e-6 for w in settled if w.line is not None)
