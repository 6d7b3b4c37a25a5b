"""Exercise names as people type them: ``Wall-Sit``, ``wall sit`` and ``wall_sit`` are one name
(:func:`formcheck.judge.exercises.exercise_file.name_key`), and the everyday names an exercise file
declares (``aliases``, e.g. ``plank`` for ``forearm_plank``) lead to it.

:class:`NameIndex` is built from every exercise file at once, because an alias is only safe when no
other exercise uses it and no exercise is called by it; it resolves a typed name to a file and a side,
and suggests the closest names for one it does not know.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from formcheck.errors import ExerciseError
from formcheck.judge.exercises.exercise_file import ExerciseFile, name_key
from formcheck.judge.exercises.landmark_refs import SIDES


@dataclass(frozen=True)
class Resolved:
    name: str  # the exercise file's name, e.g. "side_plank"
    side: str | None  # "left" or "right" when the typed name chose one


class NameIndex:
    """Every name and alias of the exercises in ``specs`` (file name -> validated file, with ``paths``).

    Raises :class:`ExerciseError` when two exercises share an alias, or an alias is another
    exercise's name (or one of its ``_left``/``_right`` variants).
    """

    def __init__(self, specs: Mapping[str, ExerciseFile], paths: Mapping[str, Path]) -> None:
        self.specs = dict(specs)
        self.paths = dict(paths)
        self.names: dict[str, str] = {}  # name key -> exercise (file) name, with one-sided variants
        for name, spec in self.specs.items():
            self.names[name] = name
            for side in spec.sides:
                self.names[f"{name}_{side}"] = name
        self.aliases: dict[str, str] = {}  # alias key -> exercise (file) name
        for name, spec in self.specs.items():
            for alias in spec.aliases:
                key = name_key(alias)
                where = f"{paths[name]}: invalid exercise {name!r}:\n  field aliases: alias {alias!r}"
                owner = self.names.get(key)
                if owner is not None and owner != name:
                    raise ExerciseError(f"{where} is a name of exercise {owner!r} ({paths[owner]}); expected a "
                                        "name no other exercise is called by (names are compared ignoring case, "
                                        "spaces, hyphens and underscores)")
                other = self.aliases.get(key)
                if other is not None and other != name:
                    raise ExerciseError(f"{where} is also an alias of exercise {other!r} ({paths[other]}); "
                                        "expected each alias to lead to one exercise")
                self.aliases[key] = name

    def resolve(self, typed: str) -> Resolved:
        """The exercise and side a typed name means: an exercise's name or alias, optionally followed
        by a side (``side plank left``); an :class:`ExerciseError` with the closest names otherwise."""
        key = name_key(typed)
        for known in (self.names, self.aliases):
            if key in known:
                name = known[key]
                side = key.removeprefix(name + "_") if known is self.names and key != name else None
                return Resolved(name, side)
        for side in SIDES:
            base = key.removesuffix(f"_{side}")
            if base != key and base in self.aliases:
                return Resolved(self.aliases[base], side)
        raise ExerciseError(self._unknown(typed, key))

    def loadable(self) -> list[str]:
        """What :func:`formcheck.judge.exercises.load_exercise` accepts by name: every exercise, and a
        one-sided one also by side."""
        return sorted(self.names)

    def suggest(self, key: str, n: int = 3) -> list[str]:
        """Names close to ``key`` for up to ``n`` exercises, as they can be loaded (``plank (forearm_plank)``
        for an alias): first the names and aliases containing every
        word typed (``glute`` -> ``glute_bridge``), then the nearest spellings (``planck`` -> ``plank``)."""
        owner = self.names | self.aliases
        words = set(key.split("_")) - {""}
        containing = [k for k in sorted(owner) if words and words <= set(k.split("_"))]
        near = difflib.get_close_matches(key, list(owner), n=n, cutoff=0.6)
        first: dict[str, str] = {}  # exercise -> the first name or alias of it that matched
        for k in containing + near:
            first.setdefault(owner[k], k)
        out = []
        for name, k in list(first.items())[:n]:
            out.append(f"{k.replace('_', ' ')} ({name})" if k in self.aliases else name)
        return out

    def _unknown(self, typed: str, key: str) -> str:
        close = self.suggest(key)
        hint = ""
        if close:
            hint = f"; did you mean {close[0]}?" if len(close) == 1 else \
                f"; did you mean {', '.join(close[:-1])} or {close[-1]}?"
        return f"unknown exercise {typed!r}{hint} (known exercises: {', '.join(self.loadable()) or 'none'})"
