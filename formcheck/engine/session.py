"""The session engine: every front end judges frames and finishes a session through this one object.

    session = Session(exercise, sinks)
    for raw, wall in frames:              # a recording, a video being estimated, or a camera
        session.update(raw, wall)         # cleaned, scored, handed to each sink
    result = session.finish(recording)    # the score, then each sink writes its output

Scoring a video, a folder, a batch and live coaching differ only in where the frames come from and
which sinks they choose (:func:`formcheck.engine.outputs.sinks_for`).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from formcheck.errors import ExitCode, OutputError
from formcheck.judge.exercises import Exercise
from formcheck.judge.scoring import Score, ScoredFrame, Scorer
from formcheck.judge.timer import FrameState
from formcheck.outputs.session_result import SessionResult
from formcheck.outputs.sinks import Ended, Sink
from formcheck.pose.frame import PoseFrame
from formcheck.pose.recording import Recording
from formcheck.pose.smoothing import Cleaner
from formcheck.pose.wall import WallObservation

# Without a known frame rate, a session's last frame lasts as long as the typical recent gap.
_RECENT_GAPS = 30


def end_time(frames: Sequence[PoseFrame], fps: float | None) -> float | None:
    """When a session ends: its last frame plus one frame interval (each frame lasts until the
    next). The interval is the frame rate's, else the median of the last gaps between frames."""
    if not frames:
        return None
    if fps:
        return frames[-1].t_s + 1.0 / fps
    recent = frames[-_RECENT_GAPS:]
    gaps = [b.t_s - a.t_s for a, b in zip(recent, recent[1:])]
    return frames[-1].t_s + (statistics.median(gaps) if gaps else 0.0)


def assisted_note(score: Score) -> str | None:
    """What the report and the terminal say when another person's hands were on the exerciser."""
    assisted_s = score.state_seconds().get(FrameState.ASSISTED.value, 0.0)
    if assisted_s <= 0:
        return None
    first_s = next(r.t_s for r in score.frames if r.state is FrameState.ASSISTED)
    return (f"Someone was helping for {assisted_s:.1f} s (from {first_s:.1f} s): "
            "time with another person's hands on you is not counted.")


class SessionOutputError(OutputError):
    """A sink could not write (a full disk, a folder gone): ``result`` says what was written."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, result: SessionResult) -> None:
        super().__init__(message)
        self.result = result


class SessionInterrupted(KeyboardInterrupt):
    """Ctrl-C while the sinks wrote: ``result`` says what they wrote all the same."""

    def __init__(self, result: SessionResult) -> None:
        super().__init__()
        self.result = result


class Session:
    """``update(raw, wall) -> ScoredFrame`` for each frame, then ``finish(recording) -> SessionResult``."""

    def __init__(self, exercise: Exercise, sinks: Sequence[Sink] = ()) -> None:
        self.exercise = exercise
        self.sinks = list(sinks)
        self.cleaner = Cleaner()
        self.scorer = Scorer(exercise)

    def update(self, raw: PoseFrame, wall: WallObservation | None = None) -> ScoredFrame:
        scored = self.scorer.update(self.cleaner.update(raw), wall)
        for sink in self.sinks:
            sink.update(scored)
        return scored

    def finish(self, recording: Recording, *, source: str | None = None, out_dir: Path | None = None,
               notes: Sequence[str] = ()) -> SessionResult:
        """Score the session and hand it to every sink in order.

        ``recording`` holds the raw frames that were updated, with the source's metadata. An
        interruption (Ctrl-C) while one sink writes (the annotated video is the slow one) lets the
        sinks after it still write, so the page and the history say what there is; it is raised
        again at the end as :class:`SessionInterrupted`, which carries the result.
        """
        meta = recording.meta
        score = self.scorer.finish(end_time(recording.frames, meta.get("sample_fps") or meta.get("fps")),
                                   complete=meta.get("complete", True))
        result = SessionResult(score, source if source is not None else str(meta.get("source", "")), out_dir,
                               dict(meta), notes=list(notes))
        if meta.get("error"):
            result.notes.append(f"The source ended early: {meta['error']}")
        if meta.get("other_person_s"):
            result.notes.append(f"Another person was in view for {meta['other_person_s']:.1f} s "
                                f"(from {meta['other_person_first_s']:.1f} s): only the exerciser was judged.")
        note = assisted_note(score)
        if note:
            result.notes.append(note)
        ended = Ended(self.exercise, recording, result)
        interrupted = False
        failed: list[str] = []
        for sink in self.sinks:
            try:
                sink.finish(ended)
            except KeyboardInterrupt:
                interrupted = True
            except OSError as exc:  # a full disk or a vanished folder: the other outputs may still fit
                failed.append(f"{sink.name} ({exc.strerror or exc})")
        if failed:
            raise SessionOutputError(f"{out_dir or 'the output folder'}: could not write {'; '.join(failed)}; "
                                     f"written: {result.written()}", result)
        if interrupted:
            raise SessionInterrupted(result)
        return result


def replay(recording: Recording, exercise: Exercise, sinks: Sequence[Sink] = (), *, source: str | None = None,
           out_dir: Path | None = None, notes: Sequence[str] = ()) -> SessionResult:
    """Run a recorded session (every frame already estimated) through the engine."""
    session = Session(exercise, sinks)
    walls = recording.walls or [None] * len(recording.frames)
    for raw, wall in zip(recording.frames, walls):
        session.update(raw, wall)
    return session.finish(recording, source=source, out_dir=out_dir, notes=notes)
