"""Which of the exercise's variants (``[[variants]]`` in its file) a session performed, for the reports."""

from __future__ import annotations

from formcheck.judge.scoring import Score
from formcheck.judge.timer import FrameState

_DOING = (FrameState.VALID, FrameState.FAULT)


def variant_seconds(score: Score) -> dict[str, float] | None:
    """Seconds spent doing each variant (valid or at fault), most first; ``""`` is the exercise as
    such. ``None`` when the exercise declares no variant."""
    if not score.variant_titles:
        return None
    out: dict[str, float] = {}
    ends = [r.t_s for r in score.frames[1:]] + [score.duration_s]
    for row, end in zip(score.frames, ends):
        if row.state in _DOING:
            key = row.variant or ""
            out[key] = out.get(key, 0.0) + max(0.0, end - row.t_s)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def main_variant(score: Score) -> str | None:
    """The variant done longest, when it was done longer than the exercise as such; else ``None``."""
    seconds = variant_seconds(score)
    if not seconds:
        return None
    name = next(iter(seconds))
    return name or None


def variant_text(score: Score) -> str | None:
    """``"straight-arm (high) plank 4.8 s of 5.1 s"``: each variant done, with its seconds of all the
    seconds done (the rest were the exercise as such); ``None`` when no variant was done."""
    seconds = variant_seconds(score)
    if not seconds or not any(name for name in seconds):
        return None
    total = sum(seconds.values())
    return ", ".join(f"{score.variant_titles.get(name, name)} {s:.1f} s of {total:.1f} s"
                     for name, s in seconds.items() if name)
