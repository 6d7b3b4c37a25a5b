"""Writing calibration files (defaults and profiles) in the format ``read_calibration`` reads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.judge.exercises.library import user_profiles_dir


@dataclass(frozen=True)
class Entry:
    value: float
    source: str


def _toml_str(text: str) -> str:
    # A JSON string is a valid TOML basic string: json.dumps escapes only quotes, backslashes and
    # control characters, with escapes TOML shares.
    return json.dumps(text, ensure_ascii=False)


def _toml_number(value: float) -> str:
    value = round(float(value), 4)
    return str(int(value)) if value.is_integer() else repr(value)


def calibration_text(exercise: str, entries: Mapping[str, Entry], *, version: int | None = None,
                     about: str | None = None, header: str = "") -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines.append(f"exercise = {_toml_str(exercise)}")
    if version is not None:
        lines.append(f"version = {int(version)}")
    if about:
        lines.append(f"about = {_toml_str(about)}")
    for name, e in entries.items():
        lines += ["", f"[thresholds.{name}]", f"value = {_toml_number(e.value)}", f"source = {_toml_str(e.source)}"]
    return "\n".join(lines) + "\n"


def write_calibration(path: Path, exercise: str, entries: Mapping[str, Entry], **options) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(calibration_text(exercise, entries, **options), encoding="utf-8")
    except OSError as exc:
        raise FormcheckError(f"{path}: cannot write the calibration: {exc.strerror or exc}") from None
    return path


def profile_path(profile: str, exercise: str) -> Path:
    """Where ``calibrate reference --profile NAME`` writes by default: the user's profile folder."""
    name = profile.strip()
    if not name or any(c in name for c in "/\\") or name.startswith("."):
        raise FormcheckError(f"invalid profile name {profile!r}: use letters, digits, '-' or '_'")
    return user_profiles_dir() / name / f"{exercise}.toml"


def today() -> str:
    return date.today().isoformat()
