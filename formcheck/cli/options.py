"""Option types shared by the commands."""

from __future__ import annotations

import math

import click


class FiniteFloat(click.ParamType):
    """A finite number, optionally within bounds: ``nan``, ``inf`` and ``-inf`` are refused.

    ``click.FloatRange`` lets NaN through every bound (no comparison with NaN is true) and infinity
    through any lower bound, so ``--countdown nan`` or ``--fps inf`` would reach the work and fail
    there, or silently mean nonsense. ``min_open`` / ``max_open`` exclude the bound itself.
    """

    name = "number"

    def __init__(self, min: float | None = None, max: float | None = None, *,
                 min_open: bool = False, max_open: bool = False) -> None:
        self.min, self.max = min, max
        self.min_open, self.max_open = min_open, max_open

    def _range(self) -> str:
        if self.min is not None and self.max is not None:
            return (f"{'(' if self.min_open else '['}{self.min:g}, "
                    f"{self.max:g}{')' if self.max_open else ']'}")
        if self.min is not None:
            return f"{'>' if self.min_open else '>='} {self.min:g}"
        if self.max is not None:
            return f"{'<' if self.max_open else '<='} {self.max:g}"
        return ""

    def expected(self) -> str:
        bounds = self._range()
        return f"a finite number in {bounds}" if bounds.startswith(("(", "[")) else f"a finite number {bounds}".strip()

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"expected {self.expected()}, got {value!r}", param, ctx)
        if not math.isfinite(number):
            self.fail(f"expected {self.expected()}, got {value!r}", param, ctx)
        too_low = self.min is not None and (number <= self.min if self.min_open else number < self.min)
        too_high = self.max is not None and (number >= self.max if self.max_open else number > self.max)
        if too_low or too_high:
            self.fail(f"expected {self.expected()}, got {number:g}", param, ctx)
        return number

    def get_metavar(self, param, ctx=None) -> str:  # shown in --help, e.g. "FLOAT >= 0"
        return f"FLOAT {self._range()}".strip()
