"""The wall sit judged on real side-view footage, wall stage included."""

import pytest

from formcheck.engine.session import replay
from formcheck.judge.exercises import load_exercise
from formcheck.pose.recording import load_recording

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

AFYA = "videos/wall-sit/afya-wall-sit-side.mp4"
MODEL = "litert"  # what `formcheck score` uses, the person mask kept for the wall stage


def _valid_fraction(holds, start_s, end_s):
    inside = sum(max(0.0, min(end_s, h.end_s) - max(start_s, h.start_s)) for h in holds)
    return inside / (end_s - start_s)


@pytest.fixture(scope="module")
def afya(recorded):
    rec = load_recording(recorded(AFYA, wall=True, model=MODEL))
    score = replay(rec, load_exercise("wall_sit")).score
    return rec, score


def test_the_brick_wall_is_found_once_the_person_sits(afya):
    rec, _ = afya
    seated = [w for f, w in zip(rec.frames, rec.walls) if 4.5 <= f.t_s <= 22.9]
    assert sum(w.line is not None for w in seated) >= 0.9 * len(seated)


def test_two_foot_holds_count_and_lifted_legs_do_not(afya):
    # Labels from the data README, read by eye (+-0.5 s): two-foot holds 4.5-10.0 and 20.5-22.9 s;
    # far leg lifted 10-15 s, near leg lifted 16-20.5 s. Spans are trimmed by 0.5 s at each end.
    holds = afya[1].summary.holds
    # The hip joint sits 0.22-0.31 torso lengths from the wall with the back pressed to it: "sit back
    # against the wall" (0.3 until measured here) must not break these holds.
    assert _valid_fraction(holds, 5.0, 9.5) >= 0.95
    assert not [f for f in afya[1].faults if f.check == "back_against_wall"], afya[1].faults
    assert _valid_fraction(holds, 21.0, 22.9) >= 0.8
    assert _valid_fraction(holds, 16.5, 20.0) <= 0.1
    # The far leg is lifted behind the near thigh for much of 10-14 s (visibility 0.25-0.4, below the
    # gate): its hip angle, read at the model's unsure position, keeps those frames out of the hold.
    # Read off the frames, the far foot is still just off the floor at 13.96 s and down by 14.1 s (the
    # README's "≈15 s" is +-0.5 s), so the span ends at 14.0: after it, a two-foot hold rightly begins.
    assert _valid_fraction(holds, 10.5, 14.0) <= 0.1
    assert _valid_fraction(holds, 14.2, 15.8) >= 0.8
    faults = {f.check for f in afya[1].faults if f.start_s < 20.5 and f.end_s > 10.0}
    assert "both_feet_down" in faults


def _passes(frame, check, limit):
    value = frame.values.get(check)
    return value is not None and value <= limit


def test_the_hidden_far_leg_is_judged_by_its_hip_angle(afya):
    score = afya[1]
    ex = load_exercise("wall_sit")
    feet_max = ex.thresholds["ankle_height_difference_max"].value
    hips_max = ex.thresholds["hip_angle_difference_max"].value
    # Two-foot holds: the far thigh is hidden (visibility about 0.43) in nearly every frame, and its
    # unsure position reads alike, so the check is judged and passes rather than cannot see.
    two_foot = [f for f in score.frames if 5.0 <= f.t_s <= 9.5 or 21.0 <= f.t_s <= 22.9]
    assert sum(_passes(f, "both_hips_alike", hips_max) for f in two_foot) >= 0.95 * len(two_foot)
    # Far leg off the floor (by eye 9.9-13.9 s): no frame reads two feet down. Seen, the far ankle is
    # above the near one; hidden behind the near thigh, the ankle reads "level" but the hip angles
    # differ (cannot see). The hip check is left out (no value) while the far thigh is seen.
    far_up = [f for f in score.frames if 9.9 <= f.t_s <= 13.9]
    both_pass = [f.t_s for f in far_up if _passes(f, "both_feet_down", feet_max)
                 and ("both_hips_alike" not in f.values or _passes(f, "both_hips_alike", hips_max))]
    assert far_up and not both_pass, both_pass


LEAP = "videos/wall-sit/leap-wall-sit.mp4"


def test_a_seamless_white_wall_is_inferred_from_the_held_posture_and_the_hold_counts(recorded):
    # Three-quarter view, a cyclorama with no visible wall line: the support is inferred from a
    # posture that cannot be held unsupported (formcheck.pose.wall.support), with its confidence capped.
    from formcheck.pose.wall import WallTrackerConfig

    rec = load_recording(recorded(LEAP, wall=True, model=MODEL))
    score = replay(rec, load_exercise("wall_sit")).score
    assert _valid_fraction(score.summary.holds, 2.0, 8.9) >= 0.8
    settled = [w for f, w in zip(rec.frames, rec.walls) if f.t_s >= 2.0]
    cap = WallTrackerConfig().support.confidence_cap
    assert all(w.inferred and w.confidence <= cap + 1e-6 for w in settled if w.line is not None)
