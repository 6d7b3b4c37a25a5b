"""The plank rules and the hold timer on the labelled real clips (videos/plank/posture-*.mp4).

Each clip is recorded once per session with the project's own ``formcheck record`` code path (the
``recorded`` fixture), cleaned as live use cleans it, and scored through ``Scorer``.

Tolerances, because the labels were set by eye: ``i`` frames within 0.5 s of a c/h/l span are not
judged, and valid seconds overlapping an ``i`` span by up to 0.5 s at each of its ends are allowed.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest

from formcheck.judge.exercises import load_exercise
from formcheck.judge.scoring import Scorer
from formcheck.pose.recording import load_recording
from formcheck.pose.smoothing import clean
from tests.posebuild import plank_verdict

pytestmark = pytest.mark.real_data

CLIPS = ["000", "001", "002", "004", "005", "006", "009", "011", "012"]
BOUNDARY_S = 0.5
# What `formcheck score` uses for the plank; MediaPipe's graph on the same model reads these clips to within
# two frames a clip (agreement 2863 of 3167 either way) and takes twice as long to record them.
MODEL = "litert"
# Known gaps, measured on recordings with model "full" (litert reads the same to within 2 frames a clip).
# AGREE_GAPS: 006 is filmed from the head end and MediaPipe sees its legs with visibility < 0.5 (right knee
# 0.33, ankle 0.37, median), so the gate drops them in 97 % / 79 % of frames and nothing can be judged. The
# model's unsure 2D positions do not rescue it: with them the hip offset passes both limits on only 66 % of
# the c frames (foreshortening inflates it, 0.06-0.25 at 0.5-10 s) and the unsure knee reads 52-131 degrees
# (5th-95th percentile; entry needs 105). The model's raw 3D world positions would: the hip's distance from
# the 3D shoulder-ankle line, signed by world up, over the 3D shoulder-ankle length, agrees on 97 % of
# 006's c frames and 98.8 % of all c/h/l frames at limits [0.0, 0.085], but the gate drops the world
# positions of the gated legs too and the C/H/L landmark CSV carries no world coordinates.
# TIME_GAPS: the footage disagrees with some labels by more than BOUNDARY_S. 002 is in a still plank from
# its first frame, labelled i to 1.46 s (the head lifts there, the body does not move), and holds it to
# 24.5 s, labelled i from 23.98 s (the hip first moves at 24.5 s); its 1.6 s 'l' span is a real sag (the
# hip drops ~15 px at 10.5-11.3 s) but reads 0.006-0.025 (10.5-11.25 s) against this person's 0.02-0.06
# when correct, inside the range other clips read correct (004: 0.015-0.06, 5th-95th percentile), so no
# absolute limit separates it. 009 holds a still plank to 53.6 s, labelled i from 52.6 s (knees bend at
# 53.75 s). 011 (labelled h, so not timed) likewise holds its pike from 1.0 s, labelled i to 2.92 s (the
# camera operator's hand leaves the frame then), and to 39.5 s, labelled i from 38.4 s.
AGREE_GAPS = {"006"}
TIME_GAPS = {"002", "006", "009"}


def _known_gaps(gaps: set[str], reason: str) -> list:
    """``CLIPS`` with each clip in ``gaps`` marked as an expected failure of its assertions. Strict: a
    clip that starts passing fails the run, so the gap is taken off the list rather than forgotten."""
    return [pytest.param(clip, marks=pytest.mark.xfail(reason=reason, raises=AssertionError, strict=True))
            if clip in gaps else clip for clip in CLIPS]


def _labels(shared_data):
    spans = defaultdict(list)
    with (shared_data / "labels" / "plank-posture.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            spans[row["video"].removeprefix("posture-").removesuffix(".mp4")].append(
                (float(row["start_s"]), float(row["end_s"]), row["label"]))
    return spans


def _label(spans, t):
    for s, e, lab in spans:
        if s <= t < e:
            return lab
    return spans[-1][2]


@pytest.fixture(scope="module")
def clips(shared_data, recorded):
    spans = _labels(shared_data)
    ex = load_exercise("forearm_plank")
    out = {}
    for clip in CLIPS:
        rec = load_recording(recorded(f"videos/plank/posture-{clip}.mp4", model=MODEL))
        scorer = Scorer(ex)
        agree, judged, i_in, i_n = Counter(), Counter(), 0, 0
        for pose in clean(rec):
            lab = _label(spans[clip], pose.t_s)
            pred = plank_verdict(scorer.update(pose).evaluation)
            if lab == "i":
                near = any(other != "i" and s - BOUNDARY_S <= pose.t_s < e + BOUNDARY_S for s, e, other in spans[clip])
                i_in += (not near) and pred != "i"
                i_n += not near
            else:
                judged[lab] += 1
                agree[lab] += pred == lab
        end_s = spans[clip][-1][1]
        score = scorer.finish(end_s)
        c_s = sum(e - s for s, e, lab in spans[clip] if lab == "c")
        valid_in_i = sum(max(0.0, min(e - BOUNDARY_S, h.end_s) - max(s + BOUNDARY_S, h.start_s))
                         for h in score.summary.holds for s, e, lab in spans[clip] if lab == "i")
        out[clip] = dict(agree=agree, judged=judged, i_in=i_in, i_n=i_n, valid_s=score.summary.valid_s, c_s=c_s,
                         valid_in_i=valid_in_i, faults={f.check for f in score.faults},
                         labels={lab for _, _, lab in spans[clip]} - {"i"})
    print("\nclip  agree          i_in_position  valid_s  labelled_c  valid_in_i  faults")
    for clip, r in out.items():
        n, a = sum(r["judged"].values()), sum(r["agree"].values())
        print(f"{clip}   {a:4d}/{n:4d} {a / n:5.1%}  {r['i_in']:3d}/{r['i_n']:3d}  {r['valid_s']:6.1f}  "
              f"{r['c_s']:6.1f}  {r['valid_in_i']:6.2f}  {sorted(r['faults'])}")
    return out


def test_aggregate_agreement_on_c_h_l_frames(clips):
    a = sum(sum(r["agree"].values()) for r in clips.values())
    n = sum(sum(r["judged"].values()) for r in clips.values())
    assert a / n >= 0.90, f"{a}/{n}"


def test_not_planking_is_rarely_taken_for_the_exercise(clips):
    # Lying on the belly propped on the forearms, kneeling and moving in or out of position are not a
    # plank (entry conditions: hips off the floor, legs straight, body and legs still). 127 of 182 i
    # frames read in position before those conditions, 61 with them (LiteRT). 41 of the 61 are a still
    # plank in the footage, held past the labels (see TIME_GAPS): 011 at 0.9-2.4 s and 38.9-39.5 s,
    # 002 at 0.1-0.9 s, 009 at 53.2-53.7 s. 18 are the first 0.1-0.9 s of leaving (002 at 24.5-25.4 s,
    # 009 at 53.75-54.25 s, 011 kneeling with the far leg while the near hip and knee stay put,
    # 39.6-40.1 s) and 2 are single frames (001, 012).
    i_in = sum(r["i_in"] for r in clips.values())
    i_n = sum(r["i_n"] for r in clips.values())
    assert i_in <= 0.4 * i_n, {clip: (r["i_in"], r["i_n"]) for clip, r in clips.items()}
    assert clips["001"]["i_in"] <= 0.2 * clips["001"]["i_n"]  # lying propped on the forearms


@pytest.mark.parametrize("clip", _known_gaps(
    AGREE_GAPS, "known gap: legs gated out in the head-end view (see AGREE_GAPS)"))
def test_each_clip_agrees_with_its_labels(clips, clip):
    r = clips[clip]
    a, n = sum(r["agree"].values()), sum(r["judged"].values())
    assert a / n >= 0.90, (r["agree"], r["judged"])


@pytest.mark.parametrize("clip", _known_gaps(
    TIME_GAPS, "known gap: legs unseen (006) or footage unlike the labels (see TIME_GAPS)"))
def test_valid_seconds_match_the_labelled_correct_time(clips, clip):
    r = clips[clip]
    assert abs(r["valid_s"] - r["c_s"]) <= 1.0, r
    assert r["valid_in_i"] == pytest.approx(0.0, abs=0.05), r
    if "c" not in r["labels"]:  # only h or only l: the fault names the right check
        assert r["valid_s"] <= 1.0, r
        wanted = {"h": "hips_too_high", "l": "hips_too_low"}[next(iter(r["labels"]))]
        assert wanted in r["faults"], r
