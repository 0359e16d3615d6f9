"""Rolling reductions of Arrow arrays: every row's window of neighbouring rows, vectorised.

A window ``[i - before, i + after]`` is clipped at the ends of the array and nulls in it are
skipped. Short windows are reduced row by row, farthest row first (the order of Spark's sliding
window frame); longer ones from blocks of 1, 2, 4… rows, so a window of ``w`` rows costs
``O(rows · log w)`` whole-array operations. The window steps and the invalid-value rolling
replacements share these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

SEQUENTIAL_LIMIT = 16
"""Windows up to this many rows are reduced row by row, in Spark's order."""


def shift(values: pa.Array, offset: int) -> pa.Array:
    """Row i gets row i + offset (null outside the table)."""
    n = len(values)
    if offset == 0 or n == 0:
        return values
    if abs(offset) >= n:
        return pa.nulls(n, values.type)
    if offset > 0:
        return pa.concat_arrays([values.slice(offset), pa.nulls(offset, values.type)])
    return pa.concat_arrays([pa.nulls(-offset, values.type), values.slice(0, n + offset)])


def rolling(values: pa.Array, before: int, after: int, combine: Callable[[Any, Any], Any]) -> pa.Array:
    """Reduce the window [i - before, i + after] of every row with ``combine``, skipping nulls.

    ``combine`` must be associative and skip nulls (``add``, ``larger``, ``smaller``); a window
    with no value gives null.
    """
    width = before + after + 1
    if width <= SEQUENTIAL_LIMIT:
        result = shift(values, -before)
        for offset in range(-before + 1, after + 1):
            result = combine(result, shift(values, offset))
        return result
    # Longer windows: reduce blocks of 1, 2, 4… rows, then join the blocks that make up each
    # window. Padding puts the start of every window inside the array.
    padded = pa.concat_arrays([pa.nulls(before, values.type), values, pa.nulls(after, values.type)])
    blocks = [padded]
    while 2 ** len(blocks) <= width:
        half = 2 ** (len(blocks) - 1)
        blocks.append(combine(blocks[-1], shift(blocks[-1], half)))
    result = None
    offset = 0
    for level in range(len(blocks) - 1, -1, -1):
        if width & (1 << level):
            part = shift(blocks[level], offset)
            result = part if result is None else combine(result, part)
            offset += 1 << level
    return result.slice(0, len(values))


def add(a: Any, b: Any) -> Any:
    """The sum of two arrays, a null on one side skipped."""
    return pc.coalesce(pc.add(a, b), a, b)


def larger(a: Any, b: Any) -> Any:
    return pc.max_element_wise(a, b, skip_nulls=True)


def smaller(a: Any, b: Any) -> Any:
    return pc.min_element_wise(a, b, skip_nulls=True)


def window_matrix(values: pa.Array, before: int, after: int, missing: Any) -> tuple[Any, Any]:
    """Every row's window as a row of a matrix: (values, valid), ``missing`` where the window has no row.

    Row i holds rows ``i - before`` to ``i + after``; nulls and rows past the ends are ``missing``
    and not valid. Memory is rows times window width.
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
    data = pc.fill_null(values, missing).to_numpy(zero_copy_only=False)
    width = before + after + 1
    if len(data) == 0:
        return np.empty((0, width), data.dtype), np.empty((0, width), bool)
    padded = np.concatenate([np.full(before, missing, data.dtype), data, np.full(after, missing, data.dtype)])
    present = np.concatenate([np.zeros(before, bool), valid, np.zeros(after, bool)])
    return sliding_window_view(padded, width), sliding_window_view(present, width)
