"""What a step changes: the comparison behind a preview, and its summary line.

``before`` always carries the row positions 0..n-1 as its index. The pandas engine keeps the
index of the rows it keeps (filters select rows, row-wise steps write columns on the same
index), so the index of ``after`` says exactly which rows survived and where they came from:

- "cells": a row-preserving step (the same positions in the same order): each column's changed
  cells, null-aware, added columns changed everywhere;
- "rows": only rows went away: ``after`` is ``before`` at a strictly increasing subset of its
  positions, with the same columns and equal values (checked, not assumed);
- "table": anything else (grouping, pivots, joins, sorts).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.engines.pandas.arrow import arr


@dataclasses.dataclass
class Comparison:
    """How the frame after a step differs from the frame before it."""

    mode: str
    summary: str
    before: pd.DataFrame
    after: pd.DataFrame
    added: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    changed_columns: list[str] = dataclasses.field(default_factory=list)
    changed: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    """"cells" mode: column of ``shown`` -> boolean mask of its changed rows."""
    removed_rows: np.ndarray | None = None
    """"rows" mode: boolean mask of the rows of ``shown`` the step removes."""

    @property
    def shown(self) -> pd.DataFrame:
        """The frame the preview grid shows: ``after``, or ``before`` in "rows" mode."""
        return self.before if self.mode == "rows" else self.after

    @property
    def rows_before(self) -> int:
        """Rows of the frame before the step."""
        return len(self.before)

    @property
    def rows_after(self) -> int:
        """Rows of the frame after the step."""
        return len(self.after)


def compare(before: pd.DataFrame, after: pd.DataFrame, keeps_positions: bool) -> Comparison:
    """Compare the frames before and after a step (``before`` indexed by position)."""
    names_before = [str(c) for c in before.columns]
    names_after = [str(c) for c in after.columns]
    added = [c for c in names_after if c not in names_before]
    removed = [c for c in names_before if c not in names_after]
    same_rows = len(after) == len(before) and after.index.equals(before.index)
    if keeps_positions and same_rows:
        return _cells(before, after, added, removed)
    kept = _kept_positions(before, after)
    if kept is not None:
        return _rows(before, after, kept)
    return _table(before, after, added, removed)


def _cells(before: pd.DataFrame, after: pd.DataFrame, added: list[str], removed: list[str]) -> Comparison:
    pair = _renamed(before, after, added, removed)
    origin = {pair[1]: pair[0]} if pair else {}
    changed: dict[str, np.ndarray] = {}
    for name in after.columns:
        if name in added and name not in origin:
            changed[name] = np.ones(len(after), dtype=bool)
            continue
        mask = changed_cells(before[origin.get(name, name)], after[name])
        if mask.any():
            changed[name] = mask
    existing = [c for c in changed if c not in added]
    counts = {c: int(changed[c].sum()) for c in existing}
    parts = _column_parts(before, after, added, removed) + _cell_parts(counts)
    return Comparison("cells", _join(parts), before, after, added, removed, existing, changed)


def _rows(before: pd.DataFrame, after: pd.DataFrame, kept: np.ndarray) -> Comparison:
    gone = np.ones(len(before), dtype=bool)
    gone[kept] = False
    summary = f"{_count(int(gone.sum()), 'row')} removed"
    return Comparison("rows", summary, before, after, removed_rows=gone)


def _table(before: pd.DataFrame, after: pd.DataFrame, added: list[str], removed: list[str]) -> Comparison:
    parts = []
    if len(after) != len(before):
        parts.append(f"{_count(len(after), 'row')} (was {len(before):,})")
    elif _reordered(before, after):
        parts.append("rows reordered")
    parts += _column_parts(before, after, added, removed)
    return Comparison("table", _join(parts), before, after, added, removed)


def _kept_positions(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray | None:
    """The positions of ``before`` that ``after`` holds, when the step only removed rows."""
    if len(after) >= len(before) or list(after.columns) != list(before.columns):
        return None
    if not pd.api.types.is_integer_dtype(after.index.dtype):
        return None
    kept = after.index.to_numpy(dtype=np.int64)
    if len(kept) and (kept[0] < 0 or kept[-1] >= len(before) or (np.diff(kept) <= 0).any()):
        return None
    for name in before.columns:
        if changed_cells(before[name].iloc[kept], after[name]).any():
            return None
    return kept


def _reordered(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    index = after.index
    return (
        pd.api.types.is_integer_dtype(index.dtype)
        and not index.equals(before.index)
        and index.sort_values().equals(before.index)
    )


def changed_cells(old: pd.Series, new: pd.Series) -> np.ndarray:
    """Boolean mask of the rows where two aligned columns differ (null equals null, NaN equals NaN)."""
    a = arr(old.reset_index(drop=True))
    b = arr(new.reset_index(drop=True))
    if a.type != b.type:
        a, b = _as_text(a), _as_text(b)
        if a is None or b is None:
            return np.ones(len(new), dtype=bool)
    try:
        missing_a = pc.is_null(a, nan_is_null=True)
        missing_b = pc.is_null(b, nan_is_null=True)
        equal = pc.fill_null(pc.equal(a, b), False)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return np.array([x != y for x, y in zip(a.to_pylist(), b.to_pylist(), strict=True)], dtype=bool)
    same = pc.or_(equal, pc.and_(missing_a, missing_b))
    return ~same.to_numpy(zero_copy_only=False).astype(bool)


def _as_text(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    try:
        return pc.cast(values, pa.large_string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return None


def _column_parts(
    before: pd.DataFrame, after: pd.DataFrame, added: list[str], removed: list[str]
) -> list[str]:
    renamed = _renamed(before, after, added, removed)
    if renamed:
        old, new = renamed
        return [f"{old} renamed to {new}"]
    parts = []
    if added:
        parts.append(f"{_count(len(added), 'column')} added")
    if removed:
        parts.append(f"{_count(len(removed), 'column')} removed")
    return parts


def _renamed(
    before: pd.DataFrame, after: pd.DataFrame, added: list[str], removed: list[str]
) -> tuple[str, str] | None:
    """The one column that only changed its name, in place."""
    if len(added) != 1 or len(removed) != 1 or len(after) != len(before):
        return None
    old, new = removed[0], added[0]
    if list(before.columns).index(old) != list(after.columns).index(new):
        return None
    return (old, new) if not changed_cells(before[old], after[new]).any() else None


def _cell_parts(counts: dict[str, int]) -> list[str]:
    if not counts:
        return []
    total = sum(counts.values())
    where = next(iter(counts)) if len(counts) == 1 else f"{len(counts)} columns"
    return [f"{_count(total, 'cell')} changed in {where}"]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _join(parts: list[str]) -> str:
    return ", ".join(parts) if parts else "no changes"
