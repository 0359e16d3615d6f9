"""Column header profiles of the live frame, recomputed only for the columns whose data changed.

A column's profile depends on its name and its values alone, so it is kept with the Arrow data
it was computed from. A later frame's column reuses it when it holds the very same array (steps
that do not touch a column pass its array through) or equal values; only the other columns are
profiled, in one ``wb.profile`` call.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from workbench.core.errors import WorkbenchError
from workbench.engines.pandas.arrow import arr

_KEEP_PER_NAME = 3
"""Profiles kept per column name: the live frame's and a preview's, and one to undo to."""


class HeaderProfiles:
    """Full profile entries of columns, cached by column name and data."""

    def __init__(self) -> None:
        self._cache: dict[str, list[tuple[pa.ChunkedArray, dict[str, Any] | None]]] = {}
        self.computed = 0
        """Columns profiled so far (what the cache could not answer)."""

    def entries(self, frame: pd.DataFrame, budget: int | None = None) -> dict[str, dict[str, Any] | None]:
        """Column name -> full profile entry (None when the column cannot be profiled).

        With ``budget``, columns are profiled only when the cells to profile are at most that
        many; otherwise the columns without a cached profile get None.
        """
        data = {str(name): arr(frame[name]) for name in frame.columns}
        found: dict[str, dict[str, Any] | None] = {}
        todo = []
        for name, values in data.items():
            hit = self._lookup(name, values)
            if hit is None:
                todo.append(name)
            else:
                found[name] = hit[0]
        if budget is not None and len(todo) * len(frame) > budget:
            return {name: found.get(name) for name in data}
        fresh = _profile(frame, todo) if todo else {}
        for name in todo:
            self._store(name, data[name], fresh.get(name))
            found[name] = fresh.get(name)
        self.computed += len(todo)
        return {name: found[name] for name in data}

    def _lookup(self, name: str, values: pa.ChunkedArray) -> tuple[dict[str, Any] | None] | None:
        """The cached entry for this data, in a 1-tuple (None when there is none)."""
        for cached, entry in self._cache.get(name, []):
            if cached is values:
                return (entry,)
        for cached, entry in self._cache.get(name, []):
            if len(cached) == len(values) and cached.type == values.type and cached.equals(values):
                return (entry,)
        return None

    def _store(self, name: str, values: pa.ChunkedArray, entry: dict[str, Any] | None) -> None:
        kept = [(values, entry), *self._cache.get(name, [])]
        self._cache[name] = kept[:_KEEP_PER_NAME]


def _profile(frame: pd.DataFrame, names: list[str]) -> dict[str, dict[str, Any] | None]:
    """Profile entries of some columns; a column the profiler cannot handle gets None."""
    from workbench.profile import column_profiles

    subset = frame.loc[:, [name in names for name in map(str, frame.columns)]]
    subset.columns = [str(c) for c in subset.columns]
    try:
        return dict(column_profiles(subset))
    except (WorkbenchError, TypeError, ValueError, pa.ArrowException):
        if len(names) == 1:
            return {names[0]: None}
    return {name: _profile(subset, [name]).get(name) for name in names}


def header(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The HeaderProfile dict (protocol.ts) of a full profile entry."""
    if entry is None:
        return None
    histogram = entry.get("histogram")
    top = None
    if histogram is None:
        top = [{"value": _text(v["value"]), "count": int(v["count"])} for v in entry.get("top_values") or []]
    return {
        "count": int(entry["count"]),
        "missing": int(entry["missing"]),
        "invalid": int(entry.get("invalid") or 0),
        "distinct": entry.get("distinct"),
        "semanticType": entry.get("semantic_type"),
        "histogram": _histogram(histogram),
        "topValues": top,
        "pii": entry.get("pii") is not None,
    }


def _histogram(histogram: dict[str, Any] | None) -> dict[str, list[Any]] | None:
    if not histogram:
        return None
    return {"edges": list(histogram["edges"]), "counts": list(histogram["counts"])}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
