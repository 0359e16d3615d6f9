"""Comparing results as plain Python values, the same way for every engine."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench.core.types import NESTED, LType, Schema, infer_schema, spark_ddl
from workbench.engines.pandas.arrow import arr

FLOAT_TOLERANCE = 1e-9


def example_schema(columns: dict[str, list[Any]], declared: dict[str, str] | None) -> Schema:
    schema = infer_schema({k: v for k, v in columns.items() if not declared or k not in declared})
    for name, value in (declared or {}).items():
        schema[name] = LType(value)
    return {name: schema[name] for name in columns}


def frame_of(engine: Any, columns: dict[str, list[Any]], schema: Schema) -> Any:
    """``engine.from_records``, also for nested columns (typed by their values, as Arrow infers them).

    A column declared ``map`` holds dicts; Arrow would read them as structs, so its key and value
    types are inferred from all the entries.
    """
    if not any(schema[name] in NESTED for name in schema):
        return engine.from_records(columns, schema)
    from workbench.engines.pandas import PandasEngine

    flat = {name: t for name, t in schema.items() if t not in NESTED}
    base = PandasEngine().to_arrow(PandasEngine().from_records({n: columns[n] for n in flat}, flat))
    arrays = {}
    for name, ltype in schema.items():
        if ltype is LType.MAP:
            arrays[name] = _map_array(columns[name])
        elif ltype in NESTED:
            arrays[name] = pa.array(columns[name])
        else:
            arrays[name] = base[name]
    table = pa.table(arrays)
    if engine.name == "pandas":
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    ddl = ", ".join(f"`{f.name}` {spark_ddl(f.type)}" for f in table.schema)
    rows = [tuple(row.values()) for row in table.to_pylist(maps_as_pydicts="strict")]
    return engine.session.createDataFrame(rows, schema=ddl)


def _map_array(values: list[Any]) -> pa.Array:
    keys = pa.array([k for v in values if v for k in v])
    items = pa.array([x for v in values if v for x in v.values()])
    atype = pa.map_(keys.type, items.type)
    return pa.array([None if v is None else list(v.items()) for v in values], atype)


class MapValue(dict):  # type: ignore[type-arg]
    """A map's entries: compared without regard to key order (Spark hands maps over unordered)."""


def plain_records(engine: Any, frame: Any) -> dict[str, list[Any]]:
    """``engine.to_records`` with nested values as plain dicts and lists on every engine."""
    records = engine.to_records(frame)
    if engine.name == "pandas":
        for name in records:
            array = arr(frame[name])
            if pa.types.is_nested(array.type):
                values = array.to_pylist(maps_as_pydicts="strict")
                records[name] = [_typed(v, array.type) for v in values]
        return records
    types = {f.name: f.dataType for f in frame.schema.fields}
    return {name: [_typed(v, types[name]) for v in values] for name, values in records.items()}


def _typed(value: Any, t: Any) -> Any:
    """Spark rows as dicts and maps as ``MapValue``, for an Arrow or a Spark type."""
    if value is None:
        return None
    if hasattr(value, "asDict"):
        value = value.asDict()
    kind = type(t).__name__
    if isinstance(t, pa.DataType):
        if pa.types.is_map(t):
            return MapValue({k: _typed(v, t.item_type) for k, v in value.items()})
        if pa.types.is_struct(t):
            return {f.name: _typed(value[f.name], f.type) for f in t}
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return [_typed(v, t.value_type) for v in value]
        return value
    if kind == "MapType":
        return MapValue({k: _typed(v, t.valueType) for k, v in value.items()})
    if kind == "StructType":
        return {f.name: _typed(value[f.name], f.dataType) for f in t.fields}
    if kind == "ArrayType":
        return [_typed(v, t.elementType) for v in value]
    return value


def canonical(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, MapValue):
        return MapValue({k: canonical(v) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))})
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
    if isinstance(a, MapValue) or isinstance(b, MapValue):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(values_equal(a[k], b[k]) for k in a)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(values_equal(a[k], b[k]) for k in a)
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
