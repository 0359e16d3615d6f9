"""Structure: group, join, union, pivot and unpivot whole tables."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BeforeValidator, Field, field_validator, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.errors import ColumnNotFoundError, ParameterError, nearest
from workbench.core.families import TableTransform, place_columns
from workbench.core.lazy import F, W, scol
from workbench.core.params import (
    KIND,
    Boolean,
    Column,
    Columns,
    DatasetColumns,
    DatasetName,
    DatasetNames,
    NewColumn,
    ParamKind,
    ParamModel,
    Text,
    TextList,
    enum_param,
    structured,
)
from workbench.core.registry import Category, Example
from workbench.core.types import CAST_TARGETS, NUMERIC, LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

MAX_DISTINCT = 10
"""DataBrew's limit on the distinct values of a PIVOT or ONE_HOT_ENCODING column."""


# --- shared helpers ----------------------------------------------------------------------------


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


def distinct_values_spark(df: SparkFrame, column: str, ctx: Any, operation: str, parameter: str) -> list[Any]:
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


_LIST = (AggFunction.UNAGGREGATED, AggFunction.COLLECT_LIST)
_TO_DOUBLE = (
    AggFunction.MEAN,
    AggFunction.AVERAGE,
    AggFunction.MEDIAN,
    AggFunction.STANDARD_DEVIATION,
    AggFunction.VARIANCE,
)
_NUMERIC_ONLY = (AggFunction.SUM, *_TO_DOUBLE)
_NESTED = frozenset({LType.ARRAY, LType.STRUCT, LType.MAP})


def agg_type(fn: AggFunction, source: LType, operation: str, parameter: str, column: str) -> LType:
    """The type an aggregate of a ``source`` column gives, or a ParameterError."""
    if fn in _NUMERIC_ONLY and not source.is_numeric:
        raise ParameterError(
            f"{fn.value} needs a numeric column; {column!r} is {source.value}",
            operation=operation,
            parameter=parameter,
            column=column,
        )
    if source in _NESTED and fn not in (AggFunction.COUNT,):
        raise ParameterError(
            f"{fn.value} cannot aggregate the {source.value} column {column!r}",
            operation=operation,
            parameter=parameter,
            column=column,
        )
    if fn in (AggFunction.COUNT, AggFunction.COUNT_DISTINCT):
        return LType.INTEGER
    if fn in _TO_DOUBLE:
        return LType.DOUBLE
    if fn in _LIST:
        return LType.ARRAY
    return source


_ARROW_AGG = {
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
    if fn in _TO_DOUBLE:
        values = values.cast(pa.float64()) if source is not LType.DOUBLE else values
    if fn is AggFunction.MEDIAN:
        series = pd.Series(values, dtype=pd.ArrowDtype(pa.float64()))
        medians = series.groupby(gid).median().reindex(range(groups))
        return pa.array(medians.to_numpy(dtype=np.float64, na_value=np.nan), pa.float64(), from_pandas=True)
    table = pa.table({"g": pa.array(gid, pa.int64()), "v": values})
    if fn in _LIST:
        table = table.filter(pc.is_valid(table["v"])).sort_by([("g", "ascending"), ("v", "ascending")])
    name, option = _ARROW_AGG[fn]
    options = pc.VarianceOptions(ddof=1) if option == "ddof1" else None
    result = table.group_by("g", use_threads=False).aggregate([("v", name, options)])
    position = pc.index_in(pa.array(np.arange(groups, dtype=np.int64)), value_set=result["g"])
    out = flat(result[f"v_{name}"]).take(position)
    if fn in _LIST:
        out = pc.if_else(pc.is_null(out), pa.scalar([], out.type), out)
    return flat(out)


def aggregate_spark(c: SparkColumn, source: LType, fn: AggFunction, *, window: Any = None) -> SparkColumn:
    """The Spark aggregate of ``c``; over ``window`` when given (distinct counts via a set)."""
    if fn in _TO_DOUBLE:
        c = c.cast("double")
    if fn is AggFunction.COUNT_DISTINCT:
        if window is not None:
            return F.size(F.collect_set(c).over(window)).cast("long")
        return F.count_distinct(c)
    if fn in _LIST:
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


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


# --- GROUP_BY ------------------------------------------------------------------------------------


class Aggregation(ParamModel):
    """One aggregate of GROUP_BY: a function of a source column written to a target column."""

    source_column_name: str
    target_column_name: str
    target_column_data_type: str | None = None
    function_name: AggFunction

    @field_validator("function_name", mode="before")
    @classmethod
    def _function(cls, value: Any) -> Any:
        return _upper(value)


class GroupBy(TableTransform):
    """Group rows by key columns and aggregate each group, as a new table or as added columns.

    With ``useNewDataFrame`` true the result has one row per group (the key columns, then the
    aggregates); otherwise every row gets its group's aggregates as new columns, placed after
    the first key column. Null keys form a group of their own.
    COUNT counts the non-null values and COUNT_DISTINCT the distinct ones (integers); SUM keeps
    the numeric type; MEAN (or AVERAGE), MEDIAN (exact), STANDARD_DEVIATION and VARIANCE (sample,
    n-1; null for a single value) give doubles; MIN and MAX keep the type; UNAGGREGATED (or
    COLLECT_LIST) gives the sorted list of the non-null values. Nulls are ignored; a group with
    no values gives null (0 for the counts, an empty list for UNAGGREGATED).
    ``targetColumnDataType`` (a CHANGE_DATA_TYPE type name, e.g. number = double), when given,
    converts the aggregate by the CHANGE_DATA_TYPE rules.
    """

    operation = "GROUP_BY"
    category = Category.GROUP
    source_columns: Columns
    group_by_agg_function_options: structured(ParamKind.AGGREGATIONS, list[Aggregation])  # type: ignore[valid-type]
    use_new_data_frame: Boolean = False
    examples: ClassVar = (
        Example(
            title="DataBrew's documented example: a new table, count typed as number",
            given={
                "year": [2020, 2020, 2021, 2020, None],
                "state_name": ["Oslo", "Oslo", "Oslo", "Rome", None],
                "all_votes": [10, 4, 7, 3, None],
            },
            params={
                "groupByAggFunctionOptions": '[{"sourceColumnName":"all_votes","targetColumnName":'
                '"all_votes_count","targetColumnDataType":"number","functionName":"COUNT"}]',
                "sourceColumns": '["year","state_name"]',
                "useNewDataFrame": "true",
            },
            expect={
                "year": [2020, 2021, 2020, None],
                "state_name": ["Oslo", "Oslo", "Rome", None],
                "all_votes_count": [2.0, 1.0, 1.0, 0.0],
            },
        ),
        Example(
            title="aggregates added to every row",
            given={"team": ["a", "b", "a", "a", None], "pts": [1.5, 4.0, None, 3.5, 2.0]},
            params={
                "sourceColumns": ["team"],
                "useNewDataFrame": False,
                "groupByAggFunctionOptions": [
                    {"sourceColumnName": "pts", "targetColumnName": "total", "functionName": "SUM"},
                    {"sourceColumnName": "pts", "targetColumnName": "avg", "functionName": "mean"},
                    {"sourceColumnName": "pts", "targetColumnName": "n", "functionName": "COUNT"},
                ],
            },
            expect={
                "team": ["a", "b", "a", "a", None],
                "total": [5.0, 4.0, 5.0, 5.0, 2.0],
                "avg": [2.5, 4.0, 2.5, 2.5, 2.0],
                "n": [2, 1, 2, 2, 1],
                "pts": [1.5, 4.0, None, 3.5, 2.0],
            },
        ),
        Example(
            title="more functions",
            given={"k": ["x", "x", "x", "y", "y"], "v": [3, 1, 2, 5, None], "s": ["q", "é", "q", None, None]},
            params={
                "sourceColumns": ["k"],
                "useNewDataFrame": True,
                "groupByAggFunctionOptions": [
                    {"sourceColumnName": "v", "targetColumnName": "med", "functionName": "MEDIAN"},
                    {"sourceColumnName": "v", "targetColumnName": "sd", "functionName": "STANDARD_DEVIATION"},
                    {"sourceColumnName": "v", "targetColumnName": "var", "functionName": "VARIANCE"},
                    {"sourceColumnName": "v", "targetColumnName": "lo", "functionName": "MIN"},
                    {"sourceColumnName": "s", "targetColumnName": "hi", "functionName": "MAX"},
                    {"sourceColumnName": "s", "targetColumnName": "nd", "functionName": "COUNT_DISTINCT"},
                    {"sourceColumnName": "s", "targetColumnName": "all", "functionName": "UNAGGREGATED"},
                    {"sourceColumnName": "v", "targetColumnName": "tot", "functionName": "SUM"},
                ],
            },
            expect={
                "k": ["x", "y"],
                "med": [2.0, 5.0],
                "sd": [1.0, None],
                "var": [1.0, None],
                "lo": [1, 5],
                "hi": ["é", None],
                "nd": [2, 0],
                "all": [["q", "q", "é"], []],
                "tot": [6, 5],
            },
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> GroupBy:
        if not self.group_by_agg_function_options:
            raise ParameterError(
                "give at least one aggregate", operation=self.operation, parameter="groupByAggFunctionOptions"
            )
        targets = [o.target_column_name for o in self.group_by_agg_function_options]
        for option in self.group_by_agg_function_options:
            if not option.target_column_name.strip():
                raise ParameterError(
                    "every aggregate needs a targetColumnName",
                    operation=self.operation,
                    parameter="groupByAggFunctionOptions",
                )
            if targets.count(option.target_column_name) > 1:
                raise ParameterError(
                    f"targetColumnName {option.target_column_name!r} is used twice",
                    operation=self.operation,
                    parameter="groupByAggFunctionOptions",
                )
            kind = option.target_column_data_type
            if (
                kind is not None
                and kind.strip().lower() not in CAST_TARGETS
                and option.function_name not in _LIST
            ):
                raise ParameterError(
                    f"unknown targetColumnDataType {kind!r}; use one of {', '.join(CAST_TARGETS)}",
                    operation=self.operation,
                    parameter="groupByAggFunctionOptions",
                )
        return self

    def extra_reads(self) -> list[str]:
        return [o.source_column_name for o in self.group_by_agg_function_options]

    def rename_columns(self, mapping: dict[str, str]) -> GroupBy:
        renamed = super().rename_columns(mapping)
        options = [
            o.model_copy(
                update={"source_column_name": mapping.get(o.source_column_name, o.source_column_name)}
            )
            for o in self.group_by_agg_function_options
        ]
        return renamed.model_copy(update={"group_by_agg_function_options": options})

    def _types(self, schema: Schema) -> dict[str, tuple[LType, LType]]:
        """Each target's natural aggregate type and its final type."""
        out = {}
        for o in self.group_by_agg_function_options:
            natural = agg_type(
                o.function_name,
                schema[o.source_column_name],
                self.operation,
                "groupByAggFunctionOptions",
                o.source_column_name,
            )
            final = natural
            if o.target_column_data_type is not None and o.function_name not in _LIST:
                final = CAST_TARGETS[o.target_column_data_type.strip().lower()]
            out[o.target_column_name] = (natural, final)
        return out

    def check(self, schema: Schema) -> None:
        for column in self.source_columns:
            if column not in schema:
                raise missing_column(column, schema, self.operation, "sourceColumns")
        for o in self.group_by_agg_function_options:
            if o.source_column_name not in schema:
                raise missing_column(
                    o.source_column_name, schema, self.operation, "groupByAggFunctionOptions"
                )
        self._types(schema)
        taken = set(self.source_columns) if self.use_new_data_frame else set(schema)
        for o in self.group_by_agg_function_options:
            if o.target_column_name in taken:
                raise ParameterError(
                    f"column {o.target_column_name!r} already exists; choose another name",
                    operation=self.operation,
                    parameter="groupByAggFunctionOptions",
                    column=o.target_column_name,
                )

    def output_schema(self, schema: Schema) -> Schema:
        added = {name: final for name, (_, final) in self._types(schema).items()}
        if self.use_new_data_frame:
            return {**{k: schema[k] for k in self.source_columns}, **added}
        anchor = self.source_columns[0] if self.source_columns else None
        return place_columns(schema, added, anchor)

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        types = self._types(schema)
        gid, first = group_ids(df, self.source_columns)
        results: dict[str, pa.Array] = {}
        for o in self.group_by_agg_function_options:
            source = schema[o.source_column_name]
            values = aggregate_pandas(arr(df[o.source_column_name]), source, gid, len(first), o.function_name)
            natural, final = types[o.target_column_name]
            if final is not natural:
                values = cast_to_pandas(pd.Series(values, dtype=pd.ArrowDtype(values.type)), natural, final)
            results[o.target_column_name] = values
        if self.use_new_data_frame:
            keys = {k: flat(arr(df[k])).take(pa.array(first)) for k in self.source_columns}
            return frame_of({**keys, **results})
        out = df.copy(deep=False)
        index = pa.array(gid)
        for name, values in results.items():
            out[name] = pd.Series(values.take(index), index=df.index, dtype=pd.ArrowDtype(values.type))
        return out[list(self.output_schema(schema))]

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        from workbench.engines.spark.types import spark_type

        schema = ctx.schema_of(df)
        types = self._types(schema)
        window = (
            None if self.use_new_data_frame else W.Window.partitionBy(*[scol(k) for k in self.source_columns])
        )
        exprs = {}
        for o in self.group_by_agg_function_options:
            source = schema[o.source_column_name]
            expr = aggregate_spark(scol(o.source_column_name), source, o.function_name, window=window)
            natural, final = types[o.target_column_name]
            if final is not natural:
                expr = cast_spark(expr, natural, final).cast(spark_type(final))
            exprs[o.target_column_name] = expr
        if self.use_new_data_frame:
            return df.groupBy(*[scol(k) for k in self.source_columns]).agg(
                *[e.alias(n) for n, e in exprs.items()]
            )
        order = self.output_schema(schema)
        return df.select(*[exprs[n].alias(n) if n in exprs else scol(n) for n in order])


# --- PIVOT / UNPIVOT ---------------------------------------------------------------------------


class Pivot(TableTransform):
    """Turn the distinct values of a column into new columns holding an aggregate of a value column.

    Rows are grouped by every other column; each distinct non-null value ``v`` of
    ``sourceColumn`` (at most 10) becomes a column ``<sourceColumn>_<v>``, sorted by value,
    holding the aggregate of ``valueColumn`` over the group's rows with that value.
    ``aggregateFunction`` is one of GROUP_BY's functions; COLLECT_LIST (no aggregation) gives
    the sorted list of the values. A group without such rows gets null (0 for COUNT, an empty
    list for COLLECT_LIST). Rows with a null ``sourceColumn`` only keep their group.
    Values are written in names as text (whole numbers without a fraction, dates yyyy-mm-dd).
    """

    operation = "PIVOT"
    category = Category.PIVOT
    uses_statistics = True
    source_column: Column
    value_column: Column
    aggregate_function: enum_param(AggFunction)  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={
                "year": [2020, 2020, 2021, 2021, 2021],
                "state_name": ["Oslo", "Rome", "Oslo", "Oslo", None],
                "all_votes": [10, 3, 7, 2, 5],
            },
            params={"aggregateFunction": "SUM", "sourceColumn": "state_name", "valueColumn": "all_votes"},
            expect={"year": [2020, 2021], "state_name_Oslo": [10, 9], "state_name_Rome": [3, None]},
        ),
        Example(
            title="no aggregation; numeric values in names",
            given={"id": ["a", "a", "b"], "q": [2, 1, 1], "v": ["x", "y", None]},
            params={"aggregateFunction": "COLLECT_LIST", "sourceColumn": "q", "valueColumn": "v"},
            expect={"id": ["a", "b"], "q_1": [["y"], []], "q_2": [["x"], []]},
        ),
        Example(
            title="COUNT gives 0 where a group has no rows of a value",
            given={"g": [True, True, False], "c": ["é", "e", "e"], "v": [1.5, None, 2.0]},
            params={"aggregateFunction": "count", "sourceColumn": "c", "valueColumn": "v"},
            expect={"g": [True, False], "c_e": [0, 1], "c_é": [1, 0]},
        ),
    )

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def check(self, schema: Schema) -> None:
        super().check(schema)
        if self.source_column == self.value_column:
            raise ParameterError(
                "sourceColumn and valueColumn must differ", operation=self.operation, parameter="valueColumn"
            )
        agg_type(
            self.aggregate_function,
            schema[self.value_column],
            self.operation,
            "aggregateFunction",
            self.value_column,
        )

    def _others(self, columns: list[str]) -> list[str]:
        return [c for c in columns if c not in (self.source_column, self.value_column)]

    def _names(self, values: list[Any], others: list[str]) -> list[str]:
        names = [f"{self.source_column}_{value_label(v)}" for v in values]
        for name in names:
            if name in others or names.count(name) > 1:
                raise ParameterError(
                    f"the pivot writes {name!r} twice or over an existing column",
                    operation=self.operation,
                    parameter="sourceColumn",
                    column=name,
                )
        return names

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        others = self._others([str(c) for c in df.columns])
        values = distinct_values_pandas(
            df[self.source_column], self.operation, "sourceColumn", self.source_column
        )
        names = self._names(values, others)
        gid, first = group_ids(df, others)
        pivot = flat(arr(df[self.source_column]))
        measure = flat(arr(df[self.value_column]))
        source_type = schema[self.source_column]
        out = {c: flat(arr(df[c])).take(pa.array(first)) for c in others}
        for name, value in zip(names, values, strict=True):
            match = pc.fill_null(pc.equal(pivot, arrow_scalar(value, source_type, pivot.type)), False)
            masked = pc.if_else(match, measure, pa.scalar(None, measure.type))
            out[name] = aggregate_pandas(
                masked, schema[self.value_column], gid, len(first), self.aggregate_function
            )
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        schema = ctx.schema_of(df)
        others = self._others(list(df.columns))
        values = distinct_values_spark(df, self.source_column, ctx, self.operation, "sourceColumn")
        names = self._names(values, others)
        pivot = scol(self.source_column)
        exprs = [
            aggregate_spark(
                F.when(pivot == F.lit(v), scol(self.value_column)),
                schema[self.value_column],
                self.aggregate_function,
            ).alias(name)
            for name, v in zip(names, values, strict=True)
        ]
        if not exprs:
            return (
                df.groupBy(*[scol(c) for c in others]).agg(F.count(F.lit(1)).alias("__wb_n")).drop("__wb_n")
            )
        return df.groupBy(*[scol(c) for c in others]).agg(*exprs)


def arrow_scalar(value: Any, ltype: LType, atype: pa.DataType) -> pa.Scalar:
    """A plain value as an Arrow scalar of ``atype`` (naive timestamps are UTC)."""
    if ltype is LType.TIMESTAMP and isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return pa.scalar(value, atype)


class Unpivot(TableTransform):
    """Turn columns into rows: one row per source column with its name and its value.

    Each input row gives one row per column of ``sourceColumns`` (in that order, nulls kept):
    ``unpivotColumn`` holds the column name and ``valueColumn`` its value. Both new columns
    take the place of the first unpivoted column; the other columns are repeated. Values of one
    type keep it; a mix of numeric types gives double, any other mix text (CHANGE_DATA_TYPE rules).
    """

    operation = "UNPIVOT"
    category = Category.PIVOT
    source_columns: Columns
    unpivot_column: NewColumn
    value_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"state": ["Oslo", "Rome"], "idealpoint_estimate": [0.5, None], "year": [2020, 2021]},
            params={
                "sourceColumns": '["idealpoint_estimate"]',
                "unpivotColumn": "unpivoted_idealpoint_estimate",
                "valueColumn": "unpivoted_column_values",
            },
            expect={
                "state": ["Oslo", "Rome"],
                "unpivoted_idealpoint_estimate": ["idealpoint_estimate", "idealpoint_estimate"],
                "unpivoted_column_values": [0.5, None],
                "year": [2020, 2021],
            },
        ),
        Example(
            title="numeric types mix to double",
            given={"id": [1, 2], "q1": [3, None], "q2": [1.5, 2.5]},
            params={"sourceColumns": ["q1", "q2"], "unpivotColumn": "quarter", "valueColumn": "sales"},
            expect={"id": [1, 1, 2, 2], "quarter": ["q1", "q2", "q1", "q2"], "sales": [3.0, 1.5, None, 2.5]},
        ),
        Example(
            title="other mixes become text",
            given={"name": ["Zoë", None], "born": ["1990-05-01", None], "n": [7, 8]},
            schema={"born": "date"},
            params={"sourceColumns": ["name", "born"], "unpivotColumn": "field", "valueColumn": "value"},
            expect={
                "field": ["name", "born", "name", "born"],
                "value": ["Zoë", "1990-05-01", None, None],
                "n": [7, 7, 8, 8],
            },
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Unpivot:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        if self.unpivot_column == self.value_column:
            raise ParameterError(
                "unpivotColumn and valueColumn must differ", operation=self.operation, parameter="valueColumn"
            )
        return self

    def _kept(self, columns: list[str]) -> list[str]:
        return [c for c in columns if c not in self.source_columns]

    def value_type(self, schema: Schema) -> LType:
        types = [schema[c] for c in dict.fromkeys(self.source_columns)]
        return common_type(types, "sourceColumns", self.operation, "sourceColumns")

    def check(self, schema: Schema) -> None:
        super().check(schema)
        kept = self._kept(list(schema))
        for parameter, name in (("unpivotColumn", self.unpivot_column), ("valueColumn", self.value_column)):
            if name in kept:
                raise ParameterError(
                    f"column {name!r} already exists; choose another name",
                    operation=self.operation,
                    parameter=parameter,
                    column=name,
                )
        self.value_type(schema)

    def output_schema(self, schema: Schema) -> Schema:
        first = min(list(schema).index(c) for c in self.source_columns)
        out: Schema = {}
        for i, (name, ltype) in enumerate(schema.items()):
            if i == first:
                out[self.unpivot_column] = LType.STRING
                out[self.value_column] = self.value_type(schema)
            if name not in self.source_columns:
                out[name] = ltype
        return out

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        target = self.value_type(schema)
        n, k = len(df), len(self.source_columns)
        rows = pa.array(np.repeat(np.arange(n, dtype=np.int64), k))
        which = np.tile(np.arange(k, dtype=np.int64), n)
        stacked = pa.concat_arrays([cast_to_pandas(df[c], schema[c], target) for c in self.source_columns])
        columns: dict[str, Any] = {}
        for name in self.output_schema(schema):
            if name == self.unpivot_column:
                columns[name] = pa.array(
                    np.array(self.source_columns, dtype=object)[which], pa.large_string()
                )
            elif name == self.value_column:
                columns[name] = stacked.take(pa.array(which * n + np.repeat(np.arange(n, dtype=np.int64), k)))
            else:
                columns[name] = flat(arr(df[name])).take(rows)
        return frame_of(columns)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        schema = ctx.schema_of(df)
        target = self.value_type(schema)
        pairs = F.array(
            *[
                F.struct(F.lit(c).alias("n"), cast_to_spark(scol(c), schema[c], target).alias("v"))
                for c in self.source_columns
            ]
        )
        pair = "__wb_unpivot"
        exploded = df.select("*", F.explode(pairs).alias(pair))
        selected = []
        for name in self.output_schema(schema):
            if name == self.unpivot_column:
                selected.append(scol(pair).getField("n").alias(name))
            elif name == self.value_column:
                selected.append(scol(pair).getField("v").alias(name))
            else:
                selected.append(scol(name))
        return exploded.select(*selected)


# --- JOIN --------------------------------------------------------------------------------------


class JoinType(str, Enum):
    INNER_JOIN = "INNER_JOIN"
    LEFT_JOIN = "LEFT_JOIN"
    RIGHT_JOIN = "RIGHT_JOIN"
    OUTER_JOIN = "OUTER_JOIN"
    LEFT_EXCLUDING_JOIN = "LEFT_EXCLUDING_JOIN"
    RIGHT_EXCLUDING_JOIN = "RIGHT_EXCLUDING_JOIN"
    OUTER_EXCLUDING_JOIN = "OUTER_EXCLUDING_JOIN"


class JoinKey(ParamModel):
    """One pair of join columns: ``key`` in the current data, ``value`` in the secondary data."""

    key: str
    value: str


_KEEP_LEFT = {
    JoinType.INNER_JOIN: (True, False, False),
    JoinType.LEFT_JOIN: (True, True, False),
    JoinType.RIGHT_JOIN: (True, False, True),
    JoinType.OUTER_JOIN: (True, True, True),
    JoinType.LEFT_EXCLUDING_JOIN: (False, True, False),
    JoinType.RIGHT_EXCLUDING_JOIN: (False, False, True),
    JoinType.OUTER_EXCLUDING_JOIN: (False, True, True),
}
"""Per join type: keep matched pairs, keep unmatched left rows, keep unmatched right rows."""


class Join(TableTransform):
    """Join the data with a secondary dataset on pairs of key columns.

    The secondary data is the dataset bound to ``secondaryDatasetName`` when the recipe runs;
    ``secondInputLocation`` (an S3 URL in DataBrew exports) is kept but never read.
    Keys match on equal values; a null key never matches. Numeric keys of different types
    compare as doubles; other type mismatches are refused. The result holds ``leftColumns`` in
    the listed order, then the current data's other columns (DataBrew exports list the dataset's
    own columns there, and real recipes rely on columns added by earlier steps surviving a
    join; DELETE removes columns), then ``rightColumns`` in the listed order; a right column
    whose name is already taken is renamed ``<name>_<secondaryDatasetName>``. Columns of the
    side a row does not come from are null: the excluding joins keep only rows without a match
    (LEFT_EXCLUDING_JOIN: left rows, RIGHT_EXCLUDING_JOIN: right rows, OUTER_EXCLUDING_JOIN:
    both) with the same columns.
    """

    operation = "JOIN"
    category = Category.JOIN
    join_type: enum_param(JoinType)  # type: ignore[valid-type]
    join_keys: structured(ParamKind.JOIN_KEYS, list[JoinKey])  # type: ignore[valid-type]
    left_columns: Columns
    right_columns: DatasetColumns
    second_input_location: Text | None = None
    secondary_dataset_name: DatasetName
    examples: ClassVar = (
        Example(
            title="a LEFT_JOIN as in a real DataBrew export",
            given={
                "trip": [1, 2, 3, 4],
                "PULocationID": [7, 9, None, 7],
                "total_amount": [9.5, 3.0, 1.0, 4.25],
            },
            datasets={
                "ny-taxi-lookup": {
                    "LocationID": [7, 8, None],
                    "Zone": ["Astoria", "Bronx", "Nowhere"],
                    "Borough": ["Queens", "Bronx", None],
                }
            },
            params={
                "joinKeys": '[{"key":"PULocationID","value":"LocationID"}]',
                "joinType": "LEFT_JOIN",
                "leftColumns": '["trip","PULocationID","total_amount"]',
                "rightColumns": '["Zone"]',
                "secondInputLocation": "s3://bucket/taxi-lookup/taxi_zone_lookup.csv",
                "secondaryDatasetName": "ny-taxi-lookup",
            },
            expect={
                "trip": [1, 2, 3, 4],
                "PULocationID": [7, 9, None, 7],
                "total_amount": [9.5, 3.0, 1.0, 4.25],
                "Zone": ["Astoria", None, None, "Astoria"],
            },
        ),
        Example(
            title="INNER_JOIN on two keys; a right column with a taken name is renamed",
            given={"s": [1, 1, 2], "code": ["NO", "SE", "NO"], "name": ["Norway", "Sweden", None]},
            datasets={
                "votes": {
                    "s": [1.0, 1.0, 2.0, 3.0],
                    "code": ["NO", "NO", "SE", "NO"],
                    "vote": ["yes", "no", "yes", "no"],
                    "name": ["a", "b", "c", "d"],
                }
            },
            params={
                "joinKeys": [{"key": "s", "value": "s"}, {"key": "code", "value": "code"}],
                "joinType": "INNER_JOIN",
                "leftColumns": ["s", "code", "name"],
                "rightColumns": ["vote", "name"],
                "secondaryDatasetName": "votes",
            },
            expect={
                "s": [1, 1],
                "code": ["NO", "NO"],
                "name": ["Norway", "Norway"],
                "vote": ["yes", "no"],
                "name_votes": ["a", "b"],
            },
        ),
        Example(
            title="RIGHT_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "RIGHT_JOIN",
                "leftColumns": ["x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={
                "x": [2, None, None],
                "k": ["b", None, None],
                "k2": ["b", "c", None],
                "y": [True, False, None],
            },
        ),
        Example(
            title="OUTER_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "OUTER_JOIN",
                "leftColumns": ["k", "x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={
                "k": ["a", "b", None, None, None],
                "x": [1, 2, 3, None, None],
                "k2": [None, "b", None, "c", None],
                "y": [None, True, None, False, None],
            },
        ),
        Example(
            title="LEFT_EXCLUDING_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "LEFT_EXCLUDING_JOIN",
                "leftColumns": ["k", "x"],
                "rightColumns": ["y"],
                "secondaryDatasetName": "r",
            },
            expect={"k": ["a", None], "x": [1, 3], "y": [None, None]},
        ),
        Example(
            title="RIGHT_EXCLUDING_JOIN",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "RIGHT_EXCLUDING_JOIN",
                "leftColumns": ["x"],
                "rightColumns": ["k2", "y"],
                "secondaryDatasetName": "r",
            },
            expect={"x": [None, None], "k": [None, None], "k2": ["c", None], "y": [False, None]},
        ),
        Example(
            title="OUTER_EXCLUDING_JOIN; columns missing from leftColumns are kept after the listed ones",
            given={"k": ["a", "b", None], "x": [1, 2, 3]},
            datasets={"r": {"k2": ["b", "c", None], "y": [True, False, None]}},
            params={
                "joinKeys": [{"key": "k", "value": "k2"}],
                "joinType": "OUTER_EXCLUDING_JOIN",
                "leftColumns": ["k"],
                "rightColumns": ["k2"],
                "secondaryDatasetName": "r",
            },
            expect={"k": ["a", None, None, None], "x": [1, 3, None, None], "k2": [None, None, "c", None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Join:
        if not self.join_keys:
            raise ParameterError(
                "give at least one pair of join keys", operation=self.operation, parameter="joinKeys"
            )
        for parameter, columns in (("leftColumns", self.left_columns), ("rightColumns", self.right_columns)):
            if len(set(columns)) != len(columns):
                raise ParameterError(
                    "a column is listed twice", operation=self.operation, parameter=parameter
                )
        return self

    def secondary_datasets(self) -> list[str]:
        return [self.secondary_dataset_name]

    def extra_reads(self) -> list[str]:
        return [k.key for k in self.join_keys]

    def rename_columns(self, mapping: dict[str, str]) -> Join:
        renamed = super().rename_columns(mapping)
        keys = [k.model_copy(update={"key": mapping.get(k.key, k.key)}) for k in self.join_keys]
        return renamed.model_copy(update={"join_keys": keys})

    def check(self, schema: Schema) -> None:
        for column in self.left_columns:
            if column not in schema:
                raise missing_column(column, schema, self.operation, "leftColumns")
        for k in self.join_keys:
            if k.key not in schema:
                raise missing_column(k.key, schema, self.operation, "joinKeys")

    def check_with(self, schema: Schema, datasets: dict[str, Schema]) -> None:
        self.check(schema)
        right = datasets[self.secondary_dataset_name]
        where = f" in dataset {self.secondary_dataset_name!r}"
        for column in self.right_columns:
            if column not in right:
                raise missing_column(column, right, self.operation, "rightColumns", where)
        for k in self.join_keys:
            if k.value not in right:
                raise missing_column(k.value, right, self.operation, "joinKeys", where)
            self._key_type(schema[k.key], right[k.value], k)
        self._right_names(schema)

    def _key_type(self, left: LType, right: LType, key: JoinKey) -> LType:
        if left is right:
            return left
        if left.is_numeric and right.is_numeric:
            return LType.DOUBLE
        raise ParameterError(
            f"join key {key.key!r} is {left.value} but {key.value!r} is {right.value}; "
            "change one with CHANGE_DATA_TYPE first",
            operation=self.operation,
            parameter="joinKeys",
            column=key.key,
        )

    def _left_names(self, schema: Schema) -> list[str]:
        """The current data's columns in the result: ``leftColumns`` first, then the others."""
        return list(dict.fromkeys([*self.left_columns, *schema]))

    def _right_names(self, schema: Schema) -> list[str]:
        taken = set(schema)
        names = []
        for column in self.right_columns:
            name = f"{column}_{self.secondary_dataset_name}" if column in taken else column
            if name in taken:
                raise ParameterError(
                    f"the join would write column {name!r} twice",
                    operation=self.operation,
                    parameter="rightColumns",
                    column=name,
                )
            taken.add(name)
            names.append(name)
        return names

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def output_schema_with(self, schema: Schema, datasets: dict[str, Schema]) -> Schema:
        right = datasets[self.secondary_dataset_name]
        out = {c: schema[c] for c in self._left_names(schema)}
        for column, name in zip(self.right_columns, self._right_names(schema), strict=True):
            out[name] = right[column]
        return out

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        right = ctx.dataset(self.secondary_dataset_name, self.operation)
        lschema, rschema = ctx.schema_of(df), ctx.schema_of(right)
        self.check_with(lschema, {self.secondary_dataset_name: rschema})
        left_keys, right_keys = {}, {}
        for j, k in enumerate(self.join_keys):
            ltype = self._key_type(lschema[k.key], rschema[k.value], k)
            left_keys[f"k{j}"] = cast_to_pandas(df[k.key], lschema[k.key], ltype)
            right_keys[f"k{j}"] = cast_to_pandas(right[k.value], rschema[k.value], ltype)
        nl, nr = len(df), len(right)
        lt = _without_null_keys(pa.table({**left_keys, "__l": pa.array(np.arange(nl, dtype=np.int64))}))
        rt = _without_null_keys(pa.table({**right_keys, "__r": pa.array(np.arange(nr, dtype=np.int64))}))
        pairs = lt.join(rt, keys=list(left_keys), join_type="inner", use_threads=False)
        li = pairs["__l"].to_numpy()
        ri = pairs["__r"].to_numpy()
        matched, keep_left, keep_right = _KEEP_LEFT[self.join_type]
        lefts: list[np.ndarray] = []
        rights: list[np.ndarray] = []
        if matched:
            lefts.append(li)
            rights.append(ri)
        if keep_left:
            lonely = np.setdiff1d(np.arange(nl, dtype=np.int64), li)
            lefts.append(lonely)
            rights.append(np.full(len(lonely), -1, dtype=np.int64))
        if keep_right:
            lonely = np.setdiff1d(np.arange(nr, dtype=np.int64), ri)
            lefts.append(np.full(len(lonely), -1, dtype=np.int64))
            rights.append(lonely)
        left_rows = np.concatenate(lefts) if lefts else np.zeros(0, np.int64)
        right_rows = np.concatenate(rights) if rights else np.zeros(0, np.int64)
        # Rows in the current data's order, matches in the secondary data's order, right-only rows last.
        order = np.lexsort((np.where(right_rows < 0, nr, right_rows), np.where(left_rows < 0, nl, left_rows)))
        left_index = _nullable_index(left_rows[order])
        right_index = _nullable_index(right_rows[order])
        out = {c: flat(arr(df[c])).take(left_index) for c in self._left_names(lschema)}
        for column, name in zip(self.right_columns, self._right_names(lschema), strict=True):
            out[name] = flat(arr(right[column])).take(right_index)
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        right = ctx.dataset(self.secondary_dataset_name, self.operation)
        lschema, rschema = ctx.schema_of(df), ctx.schema_of(right)
        self.check_with(lschema, {self.secondary_dataset_name: rschema})
        left_names = self._left_names(lschema)
        left_cols = [scol(c).alias(f"__wb_l{i}") for i, c in enumerate(left_names)]
        right_cols = [scol(c).alias(f"__wb_r{i}") for i, c in enumerate(self.right_columns)]
        condition = None
        for j, k in enumerate(self.join_keys):
            ltype = self._key_type(lschema[k.key], rschema[k.value], k)
            left_cols.append(cast_to_spark(scol(k.key), lschema[k.key], ltype).alias(f"__wb_lk{j}"))
            right_cols.append(cast_to_spark(scol(k.value), rschema[k.value], ltype).alias(f"__wb_rk{j}"))
            equal = F.col(f"__wb_lk{j}") == F.col(f"__wb_rk{j}")
            condition = equal if condition is None else condition & equal
        left = df.select(*left_cols, F.lit(True).alias("__wb_lm"))
        other = right.select(*right_cols, F.lit(True).alias("__wb_rm"))
        how = {
            JoinType.INNER_JOIN: "inner",
            JoinType.LEFT_JOIN: "left",
            JoinType.RIGHT_JOIN: "right",
            JoinType.OUTER_JOIN: "full",
            JoinType.LEFT_EXCLUDING_JOIN: "left",
            JoinType.RIGHT_EXCLUDING_JOIN: "right",
            JoinType.OUTER_EXCLUDING_JOIN: "full",
        }[self.join_type]
        joined = left.join(other, on=condition, how=how)
        lonely_left, lonely_right = F.col("__wb_rm").isNull(), F.col("__wb_lm").isNull()
        if self.join_type is JoinType.LEFT_EXCLUDING_JOIN:
            joined = joined.filter(lonely_left)
        elif self.join_type is JoinType.RIGHT_EXCLUDING_JOIN:
            joined = joined.filter(lonely_right)
        elif self.join_type is JoinType.OUTER_EXCLUDING_JOIN:
            joined = joined.filter(lonely_left | lonely_right)
        selected = [F.col(f"__wb_l{i}").alias(c) for i, c in enumerate(left_names)]
        selected += [F.col(f"__wb_r{i}").alias(name) for i, name in enumerate(self._right_names(lschema))]
        return joined.select(*selected)


def _without_null_keys(table: pa.Table) -> pa.Table:
    valid = None
    for name in table.column_names:
        if name.startswith("__"):
            continue
        ok = pc.is_valid(table[name])
        valid = ok if valid is None else pc.and_(valid, ok)
    return table if valid is None else table.filter(valid)


def _nullable_index(index: np.ndarray) -> pa.Array:
    return pa.array(index, pa.int64(), mask=index < 0)


# --- UNION -------------------------------------------------------------------------------------


def _json_text(value: Any) -> Any:
    import json

    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


SecondaryInputs = Annotated[
    str, BeforeValidator(_json_text), Field(json_schema_extra={KIND: ParamKind.TEXT.value})
]
"""DataBrew's S3 locations of the secondary datasets, kept as JSON text and never read."""


class UnionRows(TableTransform):
    """Stack the rows of one or more secondary datasets under the data, matching columns by position.

    ``datasetsColumns`` lists, for the current data and then for each dataset of
    ``secondaryDatasetNames`` (bound by name when the recipe runs), the column that feeds each
    output column of ``targetColumnNames``; null means that dataset has no such column and
    gives nulls. Columns not listed are dropped. ``secondaryInputs`` (DataBrew's S3 locations)
    is kept but never read. An output column of one type keeps it; numeric types mix to double,
    other mixes to text (CHANGE_DATA_TYPE rules). Rows keep their order, dataset by dataset.
    """

    operation = "UNION"
    category = Category.UNION
    datasets_columns: structured(ParamKind.COLUMN_LISTS, list[list[str | None]])  # type: ignore[valid-type]
    secondary_dataset_names: DatasetNames
    secondary_inputs: SecondaryInputs | None = None
    target_column_names: TextList
    examples: ClassVar = (
        Example(
            given={"session": [1, 2], "state": ["NO", None], "year": [2020, 2021]},
            datasets={"votes": {"sess": [3.5], "code": ["SE"], "vote": ["yes"]}},
            params={
                "datasetsColumns": '[["session","state","year"],["sess","code",null]]',
                "secondaryDatasetNames": '["votes"]',
                "secondaryInputs": '[{"S3InputDefinition":{"Bucket":"b","Key":"votes.csv"}}]',
                "targetColumnNames": '["session","state_code","year"]',
            },
            expect={"session": [1.0, 2.0, 3.5], "state_code": ["NO", None, "SE"], "year": [2020, 2021, None]},
        ),
        Example(
            title="two secondary datasets; a text and number mix becomes text",
            given={"a": ["x", None]},
            datasets={"d1": {"b": [1]}, "d2": {"c": ["é"]}},
            params={
                "datasetsColumns": [["a"], ["b"], ["c"]],
                "secondaryDatasetNames": ["d1", "d2"],
                "targetColumnNames": ["v"],
            },
            expect={"v": ["x", None, "1", "é"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> UnionRows:
        if not self.secondary_dataset_names:
            raise ParameterError(
                "give at least one secondary dataset",
                operation=self.operation,
                parameter="secondaryDatasetNames",
            )
        if len(self.datasets_columns) != len(self.secondary_dataset_names) + 1:
            raise ParameterError(
                f"datasetsColumns needs {len(self.secondary_dataset_names) + 1} lists: the current data's, "
                "then one per secondary dataset",
                operation=self.operation,
                parameter="datasetsColumns",
            )
        width = len(self.target_column_names)
        if width == 0 or any(len(columns) != width for columns in self.datasets_columns):
            raise ParameterError(
                f"every list of datasetsColumns needs {width} entries, one per target column",
                operation=self.operation,
                parameter="datasetsColumns",
            )
        if len(set(self.target_column_names)) != width or not all(
            n.strip() for n in self.target_column_names
        ):
            raise ParameterError(
                "targetColumnNames must be distinct, non-empty names",
                operation=self.operation,
                parameter="targetColumnNames",
            )
        return self

    def secondary_datasets(self) -> list[str]:
        return list(self.secondary_dataset_names)

    def extra_reads(self) -> list[str]:
        return [c for c in self.datasets_columns[0] if c is not None]

    def rename_columns(self, mapping: dict[str, str]) -> UnionRows:
        first = [mapping.get(c, c) if c is not None else None for c in self.datasets_columns[0]]
        return self.model_copy(update={"datasets_columns": [first, *self.datasets_columns[1:]]})

    def _sources(
        self, schema: Schema, datasets: dict[str, Schema]
    ) -> list[tuple[str, Schema, list[str | None]]]:
        named = [("the current data", schema)] + [
            (f"dataset {n!r}", datasets[n]) for n in self.secondary_dataset_names
        ]
        return [(label, s, cols) for (label, s), cols in zip(named, self.datasets_columns, strict=True)]

    def check(self, schema: Schema) -> None:
        for column in self.datasets_columns[0]:
            if column is not None and column not in schema:
                raise missing_column(column, schema, self.operation, "datasetsColumns")

    def check_with(self, schema: Schema, datasets: dict[str, Schema]) -> None:
        self.check(schema)
        for label, s, columns in self._sources(schema, datasets):
            for column in columns:
                if column is not None and column not in s:
                    raise missing_column(column, s, self.operation, "datasetsColumns", f" in {label}")
        self.output_schema_with(schema, datasets)

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def output_schema_with(self, schema: Schema, datasets: dict[str, Schema]) -> Schema:
        sources = self._sources(schema, datasets)
        out = {}
        for i, target in enumerate(self.target_column_names):
            types = [s[column] for _, s, cols in sources if (column := cols[i]) is not None]
            out[target] = common_type(types, f"target column {target!r}", self.operation, "datasetsColumns")
        return out

    def _frames(self, df: Any, ctx: Any) -> list[Any]:
        return [df] + [ctx.dataset(name, self.operation) for name in self.secondary_dataset_names]

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        frames = self._frames(df, ctx)
        schemas = [ctx.schema_of(f) for f in frames]
        target = self.output_schema_with(
            schemas[0], dict(zip(self.secondary_dataset_names, schemas[1:], strict=True))
        )
        out = {}
        for i, (name, ltype) in enumerate(target.items()):
            pieces = []
            for frame, schema, columns in zip(frames, schemas, self.datasets_columns, strict=True):
                column = columns[i]
                if column is None:
                    pieces.append(pa.nulls(len(frame), arrow_type(ltype)))
                else:
                    pieces.append(cast_to_pandas(frame[column], schema[column], ltype))
            out[name] = pa.chunked_array(pieces)
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        from workbench.engines.spark.types import spark_type

        frames = self._frames(df, ctx)
        schemas = [ctx.schema_of(f) for f in frames]
        target = self.output_schema_with(
            schemas[0], dict(zip(self.secondary_dataset_names, schemas[1:], strict=True))
        )
        parts = []
        for frame, schema, columns in zip(frames, schemas, self.datasets_columns, strict=True):
            selected = []
            for (name, ltype), column in zip(target.items(), columns, strict=True):
                if column is None:
                    selected.append(F.lit(None).cast(spark_type(ltype)).alias(name))
                else:
                    selected.append(cast_to_spark(scol(column), schema[column], ltype).alias(name))
            parts.append(frame.select(*selected))
        return functools.reduce(lambda a, b: a.union(b), parts)
