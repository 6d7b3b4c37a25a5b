"""Pydantic's report on an exercise or calibration file, said so that the people editing these files
(physiotherapists and contributors, not the authors of the code) can act on it: one line per
problem naming the file, the exercise, the field, what was expected and what arrived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from formcheck.judge.exercises.conditions import CHECK_KINDS


def _describe_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """``('checks', 2, 'joint_angle', 'points', 0)`` -> ``checks[2] (id 'knee_angle').points[0]``."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, (list, tuple)) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                out += f" (id {node['id']!r})"
        elif part in CHECK_KINDS and not (isinstance(node, dict) and part in node):
            continue  # the discriminated union's tag, not a field of the file
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def field_problem(error: dict[str, Any]) -> str:
    """What is wrong with one field, from one of pydantic's error records: what was expected and,
    unless it is a whole table, what arrived. Every data file formcheck reads says it this way."""
    if error["type"] == "missing":
        return "missing (this field is required)"
    if error["type"] == "extra_forbidden":
        return f"not a known field (got {error['input']!r})"
    got = error.get("input")
    return error["msg"].removeprefix("Value error, ") + ("" if isinstance(got, dict) else f" (got {got!r})")


def format_validation_error(err: ValidationError, path: Path | str, what: str, raw: Any) -> str:
    """One line per problem: file, exercise, field, what was expected and what arrived."""
    lines = [f"{path}: invalid {what}:"]
    for e in err.errors(include_url=False):
        lines.append(f"  field {_describe_loc(tuple(e['loc']), raw)}: {field_problem(e)}")
    return "\n".join(lines)
