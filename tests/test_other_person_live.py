"""The live screen says when someone besides the exerciser is in view (LiteRT's ``others_in_view``)."""

from formcheck.judge.exercises import load_exercise
from formcheck.live.coach import OTHER_PERSON_NOTE, CoachOptions, LiveCoach
from formcheck.live.screen import Action
from formcheck.live.voice import Voice
from formcheck.pose.stage import PoseStage
from formcheck.sources.capture import LatestFrameCapture
from formcheck.sources.media import SourceInfo
from tests.test_live import _FakeScreen, _frames, _NobodyEstimator


class _SomeoneElseEstimator(_NobodyEstimator):
    """Nobody to judge, and another person seen from the 10th frame on."""

    def __init__(self) -> None:
        self.others_in_view = 0
        self.calls = 0

    def estimate(self, frame):
        self.calls += 1
        self.others_in_view = int(self.calls >= 10)
        return super().estimate(frame)


def _headlines(estimator) -> list[str | None]:
    screen = _FakeScreen({30: Action.QUIT})
    coach = LiveCoach(load_exercise("forearm_plank"), PoseStage.around(estimator), screen, Voice(enabled=False),
                      SourceInfo("fake", 4, 4, 30.0, None, None, True), CoachOptions(countdown_s=0.0, pipelined=False))
    with LatestFrameCapture(_frames(100, interval_s=0.005)) as capture:
        coach.run(capture)
    return [s.headline for s in screen.shown]


def test_the_live_screen_notes_another_person_once_one_is_seen():
    headlines = _headlines(_SomeoneElseEstimator())
    assert headlines[0] is None
    assert headlines[-1] == OTHER_PERSON_NOTE


def test_no_note_without_the_look_for_others():
    # MediaPipe's graph does not look for other people: nothing is said rather than a guess.
    assert set(_headlines(_NobodyEstimator())) == {None}
