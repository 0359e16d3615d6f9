"""Helpers of the steps that reshape whole tables: grouping, aggregates, pivoting and type mixing.

GROUP_BY, PIVOT, TRANSPOSE, UNPIVOT, JOIN, UNION and the encodings of data science share them.
"""

from __future__ import annotations

import datetime as dt
import decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import SparkContext
from workbench.core.errors import ColumnNotFoundError, ParameterError, nearest
from workbench.core.lazy import F, scol
from workbench.core.types import NUMERIC, LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

MAX_DISTINCT = 10
"""DataBrew's limit on the distinct values of a PIVOT or ONE_HOT_ENCODING column."""


def missing_column(
    column: str, schema: Schema, operation: str, parameter: str, where: str = ""
) -> ColumnNotFoundError:
    """The error for a column named inside a structured parameter."""
    return ColumnNotFoundError(
        f"column {column!r} does not exist{where} at this step",
        operation=operation,
        parameter=parameter,
        column=column,
        suggestion=nearest(column, schema),
    )


def frame_of(columns: dict[str, Any]) -> pd.DataFrame:
    """A pandas frame of Arrow-backed columns from Arrow arrays (a fresh 0..n-1 index)."""
    series = {}
    for name, values in columns.items():
        array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        series[name] = pd.Series(array, dtype=pd.ArrowDtype(array.type))
    if not series:
        return pd.DataFrame()
    return pd.DataFrame(series)


def flat(values: Any) -> pa.Array:
    """One contiguous Arrow array."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def common_type(types: list[LType], what: str, operation: str, parameter: str) -> LType:
    """The type of a column filled from columns of ``types``.

    One type stays; a mix of numeric types gives double; any other mix gives string.
    """
    distinct = set(types)
    if not distinct:
        return LType.STRING
    if len(distinct) == 1:
        return distinct.pop()
    if distinct & {LType.ARRAY, LType.STRUCT, LType.MAP}:
        raise ParameterError(
            f"{what} mixes {', '.join(sorted(t.value for t in distinct))}; nested columns cannot be combined "
            "with other types",
            operation=operation,
            parameter=parameter,
        )
    if distinct <= NUMERIC:
        return LType.DOUBLE
    return LType.STRING


def cast_to_pandas(s: pd.Series, source: LType, target: LType) -> pa.Array:
    """``s`` converted to ``target`` as one Arrow array of the standard Arrow type."""
    out = flat(arr(cast_pandas(s, source, target)))
    if target in (LType.ARRAY, LType.STRUCT, LType.MAP):
        return out
    return out.cast(arrow_type(target))


def cast_to_spark(c: SparkColumn, source: LType, target: LType) -> SparkColumn:
    """``c`` converted to ``target`` with the standard Spark type."""
    from workbench.engines.spark.types import spark_type

    out = cast_spark(c, source, target)
    if target in (LType.ARRAY, LType.STRUCT, LType.MAP):
        return out
    return out.cast(spark_type(target))


def value_label(value: Any) -> str:
    """How a data value is written in a generated column name (the same on both engines)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if abs(value) < 1e15 and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def distinct_values(values: list[Any], operation: str, parameter: str, column: str) -> list[Any]:
    """The sorted distinct non-null values, refusing more than ``MAX_DISTINCT``."""
    found = sorted({_plain(v) for v in values if v is not None and not (isinstance(v, float) and v != v)})
    if len(found) > MAX_DISTINCT:
        raise ParameterError(
            f"column {column!r} has {len(found)} distinct values; {operation} allows at most {MAX_DISTINCT}",
            operation=operation,
            parameter=parameter,
            column=column,
        )
    return found


def distinct_values_pandas(s: pd.Series, operation: str, parameter: str, column: str) -> list[Any]:
    return distinct_values(pc.unique(arr(s)).to_pylist(), operation, parameter, column)


def distinct_values_spark(
    df: SparkFrame, column: str, ctx: SparkContext, operation: str, parameter: str
) -> list[Any]:
    """The distinct values of ``column``, learnt in ONE aggregation."""
    stats = ctx.aggregate(df, {"values": F.collect_set(scol(column))})
    return distinct_values(list(stats["values"] or []), operation, parameter, column)


def group_ids(df: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group number (in order of first appearance) and each group's first row.

    Null keys form a group of their own, as in SQL GROUP BY.
    """
    n = len(df)
    gid: np.ndarray
    if not keys:
        gid = np.zeros(n, dtype=np.int64)
    else:
        frame = pd.DataFrame({f"k{i}": df[k].array for i, k in enumerate(keys)}, index=pd.RangeIndex(n))
        gid = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)
    _, first = np.unique(gid, return_index=True)
    return gid, first.astype(np.int64)


# --- aggregate functions (GROUP_BY and PIVOT) ------------------------------------------------------


class AggFunction(str, Enum):
    COUNT = "COUNT"
    COUNT_DISTINCT = "COUNT_DISTINCT"
    SUM = "SUM"
    MEAN = "MEAN"
    AVERAGE = "AVERAGE"
    MEDIAN = "MEDIAN"
    MIN = "MIN"
    MAX = "MAX"
    STANDARD_DEVIATION = "STANDARD_DEVIATION"
    VARIANCE = "VARIANCE"
    UNAGGREGATED = "UNAGGREGATED"
    COLLECT_LIST = "COLLECT_LIST"


LIST_FUNCTIONS = (AggFunction.UNAGGREGATED, AggFunction.COLLECT_LIST)
TO_DOUBLE = (
    AggFunction.MEAN,
    AggFunction.AVERAGE,
    AggFunction.MEDIAN,
    AggFunction.STANDARD_DEVIATION,
    AggFunction.VARIANCE,
)
NUMERIC_ONLY = (AggFunction.SUM, *TO_DOUBLE)
NESTED_TYPES = frozenset({LType.ARRAY, LType.STRUCT, LType.MAP})


def agg_type(fn: AggFunction, source: LType, operation: str, parameter: str, column: str) -> LType:
    """The type an aggregate of a ``source`` column gives, or a ParameterError."""
    if fn in NUMERIC_ONLY and not source.is_numeric:
        raise ParameterError(
            f"{fn.value} needs a numeric column; {column!r} is {source.value}",
            operation=operation,
            parameter=parameter,
            column=column,
        )
    if source in NESTED_TYPES and fn not in (AggFunction.COUNT,):
        raise ParameterError(
            f"{fn.value} cannot aggregate the {source.value} column {column!r}",
            operation=operation,
            parameter=parameter,
            column=column,
        )
    if fn in (AggFunction.COUNT, AggFunction.COUNT_DISTINCT):
        return LType.INTEGER
    if fn in TO_DOUBLE:
        return LType.DOUBLE
    if fn in LIST_FUNCTIONS:
        return LType.ARRAY
    return source


ARROW_AGG = {
    AggFunction.COUNT: ("count", None),
    AggFunction.COUNT_DISTINCT: ("count_distinct", None),
    AggFunction.SUM: ("sum", None),
    AggFunction.MEAN: ("mean", None),
    AggFunction.AVERAGE: ("mean", None),
    AggFunction.MIN: ("min", None),
    AggFunction.MAX: ("max", None),
    AggFunction.STANDARD_DEVIATION: ("stddev", "ddof1"),
    AggFunction.VARIANCE: ("variance", "ddof1"),
    AggFunction.UNAGGREGATED: ("list", None),
    AggFunction.COLLECT_LIST: ("list", None),
}


def aggregate_pandas(values: Any, source: LType, gid: np.ndarray, groups: int, fn: AggFunction) -> pa.Array:
    """The aggregate of ``values`` per group, as an array indexed by group number."""
    values = flat(values)
    if fn in TO_DOUBLE:
        values = values.cast(pa.float64()) if source is not LType.DOUBLE else values
    if fn is AggFunction.MEDIAN:
        series = pd.Series(values, dtype=pd.ArrowDtype(pa.float64()))
        medians = series.groupby(gid).median().reindex(range(groups))
        return pa.array(medians.to_numpy(dtype=np.float64, na_value=np.nan), pa.float64(), from_pandas=True)
    table = pa.table({"g": pa.array(gid, pa.int64()), "v": values})
    if fn in LIST_FUNCTIONS:
        table = table.filter(pc.is_valid(table["v"])).sort_by([("g", "ascending"), ("v", "ascending")])
    name, option = ARROW_AGG[fn]
    options = pc.VarianceOptions(ddof=1) if option == "ddof1" else None
    result = table.group_by("g", use_threads=False).aggregate([("v", name, options)])
    position = pc.index_in(pa.array(np.arange(groups, dtype=np.int64)), value_set=result["g"])
    out = flat(result[f"v_{name}"]).take(position)
    if fn in LIST_FUNCTIONS:
        out = pc.if_else(pc.is_null(out), pa.scalar([], out.type), out)
    return flat(out)


def aggregate_spark(c: SparkColumn, source: LType, fn: AggFunction, *, window: Any = None) -> SparkColumn:
    """The Spark aggregate of ``c``; over ``window`` when given (distinct counts via a set)."""
    if fn in TO_DOUBLE:
        c = c.cast("double")
    if fn is AggFunction.COUNT_DISTINCT:
        if window is not None:
            return F.size(F.collect_set(c).over(window)).cast("long")
        return F.count_distinct(c)
    if fn in LIST_FUNCTIONS:
        listed = F.collect_list(c)
        return F.array_sort(listed.over(window) if window is not None else listed)
    builders = {
        AggFunction.COUNT: F.count,
        AggFunction.SUM: F.sum,
        AggFunction.MEAN: F.avg,
        AggFunction.AVERAGE: F.avg,
        AggFunction.MEDIAN: F.median,
        AggFunction.MIN: F.min,
        AggFunction.MAX: F.max,
        AggFunction.STANDARD_DEVIATION: F.stddev_samp,
        AggFunction.VARIANCE: F.var_samp,
    }
    expr = builders[fn](c)
    if window is not None:
        expr = expr.over(window)
    return expr.cast("long") if fn is AggFunction.COUNT else expr


def arrow_scalar(value: Any, ltype: LType, atype: pa.DataType) -> pa.Scalar:
    """A plain value as an Arrow scalar of ``atype`` (naive timestamps are UTC)."""
    if ltype is LType.TIMESTAMP and isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return pa.scalar(value, atype)


def upper_name(value: Any) -> Any:
    """A function name as given, stripped and upper-cased."""
    return value.strip().upper() if isinstance(value, str) else value


def plain_combination(row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """A combination of values as plain values, or None when a part is null or NaN."""
    if any(v is None or (isinstance(v, float) and v != v) for v in row):
        return None
    return tuple(_plain(v) for v in row)


def distinct_combinations(
    rows: list[tuple[Any, ...]], operation: str, parameter: str, columns: list[str]
) -> list[tuple[Any, ...]]:
    """The sorted distinct combinations without a null part, refusing more than ``MAX_DISTINCT``."""
    found = sorted({c for c in map(plain_combination, rows) if c is not None})
    if len(found) > MAX_DISTINCT:
        shown = ", ".join(repr(c) for c in columns)
        raise ParameterError(
            f"columns {shown} have {len(found)} distinct combinations; {operation} allows at most "
            f"{MAX_DISTINCT}",
            operation=operation,
            parameter=parameter,
            column=columns[0],
        )
    return found


def combination_label(values: tuple[Any, ...]) -> str:
    """A combination of values written as a column name: their labels joined by ``_``."""
    return "_".join(value_label(v) for v in values)
