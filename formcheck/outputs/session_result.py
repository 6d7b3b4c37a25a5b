"""``SessionResult``: what a session left behind. Its own module because both the sinks that write
it and the history that stores it need it, and neither may depend on the other for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from formcheck.judge.scoring import Score


@dataclass
class SessionResult:
    """What a session left behind: its score, and the files and notes its sinks wrote."""

    score: Score
    source: str  # what the reports name: a path, a camera or a stream
    out_dir: Path | None
    meta: dict = field(default_factory=dict)  # the recording's: model, source path, why it ended early
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    row: dict = field(default_factory=dict)  # the summary table's columns, when a summary row was asked for

    def published(self, name: str) -> Path | None:
        """Where the file ``name`` is once the results are in place: the sinks may write into a
        working folder that is moved to ``out_dir`` only when the session has ended."""
        path = self.files.get(name)
        if path is None or self.out_dir is None:
            return path
        return self.out_dir / path.name

    def written(self) -> str:
        """The files written, as a message lists them ("report.html, report.json" or "nothing")."""
        return ", ".join(sorted(path.name for path in self.files.values())) or "nothing"

    @property
    def source_name(self) -> str:
        """The source as a report's title shows it: a file's name, a camera or stream as given."""
        return self.source if "://" in self.source else Path(self.source).name or self.source
