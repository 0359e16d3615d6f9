"""Comparing results as plain Python values, the same way for every engine."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

from workbench.core.types import LType, Schema, infer_schema

FLOAT_TOLERANCE = 1e-9


def example_schema(columns: dict[str, list[Any]], declared: dict[str, str] | None) -> Schema:
    schema = infer_schema({k: v for k, v in columns.items() if not declared or k not in declared})
    for name, value in (declared or {}).items():
        schema[name] = LType(value)
    return {name: schema[name] for name in columns}


def canonical(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def values_equal(a: Any, b: Any) -> bool:
    a, b = canonical(a), canonical(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a == b and type(a) is type(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return (type(a) is type(b) and a == b) or (a is None and b is None)


def _rows(columns: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
    names = list(columns)
    n = len(columns[names[0]]) if names else 0
    return [tuple(columns[c][i] for c in names) for i in range(n)]


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, type(v).__name__, repr(canonical(v))) for v in row)


def assert_same_records(
    actual: dict[str, list[Any]], expected: dict[str, list[Any]], *, ordered: bool
) -> None:
    """Columns in order, then values (rows sorted first unless ``ordered``)."""
    assert list(actual) == list(expected), f"columns {list(actual)} != expected {list(expected)}"
    got, want = _rows(actual), _rows(expected)
    assert len(got) == len(want), f"{len(got)} rows != expected {len(want)}\n got: {got}\nwant: {want}"
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        same = all(values_equal(x, y) for x, y in zip(g, w, strict=True))
        assert same, f"row {i}: {g!r} != expected {w!r}\n got: {got}\nwant: {want}"
