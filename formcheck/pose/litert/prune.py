"""Cutting outputs nobody reads out of a ``.tflite`` model, so the interpreter never computes them.

BlazePose's landmark model also predicts a 256x256 segmentation mask. Its decoder works at the
highest resolutions in the network and takes about 40 % of each inference, and formcheck never
reads it (the wall stage's mask comes from MediaPipe). TFLite runs every operator of a subgraph,
used or not, so the only way to skip it is a model without it.

The pruning edits the model's flatbuffer in place instead of rebuilding it: a subgraph's
``outputs`` and ``operators`` are vectors, and shortening a vector (after moving the kept entries
to its front) leaves a valid file whose dropped operators are simply unreachable. Reading the few
fields needed by hand keeps this to milliseconds; the generated schema module takes ~0.4 s to
import, parse and re-pack the model, on every start of every process.
The remaining operators and their order are unchanged, so every kept output is bit-identical.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

# Field numbers in TFLite's schema.fbs (Model, SubGraph, Operator, Tensor tables).
_MODEL_SUBGRAPHS = 2
_SUBGRAPH_TENSORS, _SUBGRAPH_OUTPUTS, _SUBGRAPH_OPERATORS = 0, 2, 3
_OPERATOR_INPUTS, _OPERATOR_OUTPUTS = 1, 2
_TENSOR_SHAPE = 0
_TFLITE_IDENTIFIER = b"TFL3"  # the file identifier, right after the root offset


class _Flatbuffer:
    """Just enough of the flatbuffers wire format to follow tables and vectors, and patch them."""

    def __init__(self, data: bytearray) -> None:
        self.data = data

    def u32(self, pos: int) -> int:
        return struct.unpack_from("<I", self.data, pos)[0]

    def root(self) -> int:
        return self.u32(0)

    def field(self, table: int, number: int) -> int | None:
        """Absolute position of a table's field, or ``None`` when the field is absent."""
        vtable = table - struct.unpack_from("<i", self.data, table)[0]
        vtable_size = struct.unpack_from("<H", self.data, vtable)[0]
        slot = 4 + 2 * number
        if slot >= vtable_size:
            return None
        offset = struct.unpack_from("<H", self.data, vtable + slot)[0]
        return table + offset if offset else None

    def vector(self, table: int, number: int) -> tuple[int, int]:
        """(position of the first element, length) of a vector field; (0, 0) when absent."""
        pos = self.field(table, number)
        if pos is None:
            return 0, 0
        vec = pos + self.u32(pos)
        return vec + 4, self.u32(vec)

    def tables(self, table: int, number: int) -> list[int]:
        start, n = self.vector(table, number)
        return [start + 4 * i + self.u32(start + 4 * i) for i in range(n)]

    def ints(self, table: int, number: int) -> list[int]:
        start, n = self.vector(table, number)
        return list(struct.unpack_from(f"<{n}i", self.data, start))

    def shorten_tables(self, table: int, number: int, keep: list[int]) -> None:
        """Keep only the tables at ``keep`` (absolute positions, in order) in a vector of tables."""
        start, _ = self.vector(table, number)
        for i, target in enumerate(keep):
            # A uoffset counts from its own position, so moving an entry changes its value.
            struct.pack_into("<I", self.data, start + 4 * i, target - (start + 4 * i))
        struct.pack_into("<I", self.data, start - 4, len(keep))

    def shorten_ints(self, table: int, number: int, keep: list[int]) -> None:
        start, _ = self.vector(table, number)
        struct.pack_into(f"<{len(keep)}i", self.data, start, *keep)
        struct.pack_into("<I", self.data, start - 4, len(keep))


def drop_outputs(model: bytes, unwanted: Callable[[tuple[int, ...]], bool]) -> bytes:
    """``model`` without the outputs whose shape ``unwanted(shape)`` accepts, nor the operators
    that only they needed. Every subgraph is pruned; a model with nothing to drop comes back equal,
    and so does anything that is not a well-formed TFLite flatbuffer (the interpreter then says why)."""
    if model[4:8] != _TFLITE_IDENTIFIER:
        return model
    try:
        return _pruned(_Flatbuffer(bytearray(model)), unwanted)
    except (struct.error, IndexError, KeyError):
        return model


def _pruned(fb: _Flatbuffer, unwanted: Callable[[tuple[int, ...]], bool]) -> bytes:
    for subgraph in fb.tables(fb.root(), _MODEL_SUBGRAPHS):
        tensors = fb.tables(subgraph, _SUBGRAPH_TENSORS)
        outputs = fb.ints(subgraph, _SUBGRAPH_OUTPUTS)
        kept_outputs = [t for t in outputs if not unwanted(tuple(fb.ints(tensors[t], _TENSOR_SHAPE)))]
        if len(kept_outputs) == len(outputs):
            continue
        operators = fb.tables(subgraph, _SUBGRAPH_OPERATORS)
        producer = {t: k for k, op in enumerate(operators) for t in fb.ints(op, _OPERATOR_OUTPUTS)}
        needed: set[int] = set()
        pending = list(kept_outputs)
        while pending:
            k = producer.get(pending.pop())
            if k is None or k in needed:
                continue  # a model input, a constant, or already walked
            needed.add(k)
            pending.extend(t for t in fb.ints(operators[k], _OPERATOR_INPUTS) if t >= 0)
        fb.shorten_ints(subgraph, _SUBGRAPH_OUTPUTS, kept_outputs)
        fb.shorten_tables(subgraph, _SUBGRAPH_OPERATORS, [op for k, op in enumerate(operators) if k in needed])
    return bytes(fb.data)
