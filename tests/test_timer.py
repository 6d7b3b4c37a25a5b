"""The hold timer driven by per-frame sequences, checked against expected per-frame results."""

import pytest

from formcheck.judge.timer import FrameState, HoldTimer, Phase, TimerConfig, fault_spans

V, F, N, C = FrameState.VALID, FrameState.FAULT, FrameState.NOT_IN_POSITION, FrameState.CANNOT_SEE
W, S, H, P = Phase.WAITING, Phase.SETTLING, Phase.HOLDING, Phase.PAUSED


def spans(summary):
    return [(pytest.approx(s.start_s), pytest.approx(s.end_s)) for s in summary.holds]


def drive(states, times=None, fps=10.0, **config):
    timer = HoldTimer(TimerConfig(**config))
    times = times or [i / fps for i in range(len(states))]
    snaps = [timer.update(t, s) for t, s in zip(times, states)]
    return snaps, timer.finish(times[-1] + 1 / fps)


def test_steady_valid_hold_counts_every_second_after_the_entry_delay():
    snaps, summary = drive([N, N, V, V, V, V, V, V, V, V], entry_delay_s=0.3, grace_s=0.2)
    assert [s.phase for s in snaps] == [W, W, S, S, S, H, H, H, H, H]
    assert [round(s.valid_s, 2) for s in snaps] == [0, 0, 0, 0, 0, 0.3, 0.4, 0.5, 0.6, 0.7]
    assert summary.valid_s == pytest.approx(0.8)
    assert spans(summary) == [(0.2, 1.0)] and summary.breaks == 0


def test_a_one_frame_flicker_is_bridged_and_credited():
    snaps, summary = drive([V, V, V, V, F, V, V, V], entry_delay_s=0.2, grace_s=0.15)
    assert [s.phase for s in snaps] == [S, S, H, H, P, H, H, H]
    # The paused frame shows the count frozen; the bridged tenth comes back on the next frame.
    assert [round(s.valid_s, 2) for s in snaps] == [0, 0, 0.2, 0.3, 0.4, 0.4, 0.6, 0.7]
    assert summary.valid_s == pytest.approx(0.8) and summary.breaks == 0 and len(summary.holds) == 1


def test_a_long_fault_stops_the_count_where_it_began_and_the_grace_is_not_credited():
    states = [V] * 5 + [F] * 5 + [V] * 5
    snaps, summary = drive(states, entry_delay_s=0.2, grace_s=0.25)
    assert [s.phase for s in snaps] == [S, S, H, H, H, P, P, P, W, W, S, S, H, H, H]
    assert [round(s.valid_s, 2) for s in snaps] == [0, 0, .2, .3, .4, .5, .5, .5, .5, .5, .5, .5, .7, .8, .9]
    assert spans(summary) == [(0.0, 0.5), (1.0, 1.5)]
    assert summary.valid_s == pytest.approx(1.0)
    assert summary.longest_hold_s == pytest.approx(0.5) and summary.breaks == 1


def test_cannot_see_frames_never_count_even_inside_a_bridged_gap():
    _, summary = drive([V, V, V, C, V, V, V], entry_delay_s=0.0, grace_s=0.15)
    assert summary.valid_s == pytest.approx(0.6)  # 0.7 s of frames, minus the unseen tenth
    assert len(summary.holds) == 1
    _, summary = drive([C] * 6)
    assert summary.valid_s == 0 and summary.holds == () and summary.longest_hold_s == 0


def test_a_hold_shorter_than_the_entry_delay_is_not_a_hold():
    _, summary = drive([N, V, V, N, N, N], entry_delay_s=0.5)
    assert summary.valid_s == 0 and summary.holds == ()


def test_time_not_frame_counts_decides_12_fps_and_60_fps_alike():
    def session(fps):
        n = int(10 * fps)
        states = [N if i < 2 * fps else F if 5 * fps <= i < 6 * fps else V for i in range(n)]
        return drive(states, fps=fps, entry_delay_s=0.5, grace_s=0.3)[1]

    slow, fast = session(12), session(60)
    assert slow.valid_s == pytest.approx(7.0, abs=0.1) and fast.valid_s == pytest.approx(7.0, abs=0.02)
    assert slow.breaks == fast.breaks == 1


def test_variable_frame_intervals_and_a_stalled_camera():
    times = [0.0, 0.05, 0.2, 0.21, 0.5, 2.5, 2.6, 2.7]  # 2 s stall between 0.5 and 2.5
    _, summary = drive([V] * 8, times=times, entry_delay_s=0.1, grace_s=0.3, max_frame_gap_s=1.0)
    assert spans(summary) == [(0.0, 0.5), (2.5, 2.8)]
    assert summary.valid_s == pytest.approx(0.8)


def test_time_to_target_is_interpolated_within_the_frame_that_reached_it():
    _, summary = drive([V] * 30, entry_delay_s=0.0, target_s=1.25)
    assert summary.time_to_target_s == pytest.approx(1.25)
    _, summary = drive([V] * 5, target_s=10.0)
    assert summary.time_to_target_s is None


def test_times_going_back_are_refused():
    timer = HoldTimer()
    timer.update(1.0, V)
    with pytest.raises(ValueError, match="must not go back"):
        timer.update(0.5, V)


def test_fault_spans_merge_close_runs_and_drop_flickers():
    times = [i / 10 for i in range(20)]
    failing = [()] * 20
    for i in (2, 3, 4, 5, 7, 8, 9, 15):  # a run, a 0.1 s hole, a run, then a lone flicker
        failing[i] = ("hips_high",)
    for i in range(10, 20):
        failing[i] = failing[i] + ("hips_low",)
    by_check = fault_spans(times, failing, end_s=2.0, min_gap_s=0.15, min_duration_s=0.15)
    assert [(s.start_s, s.end_s) for s in by_check["hips_high"]] == [(0.2, pytest.approx(1.0))]
    assert [(s.start_s, s.end_s) for s in by_check["hips_low"]] == [(1.0, 2.0)]
