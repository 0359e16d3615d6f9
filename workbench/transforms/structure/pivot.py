"""PIVOT and UNPIVOT: values of a column as columns, and columns as rows."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, quoted, scol
from workbench.core.params import Column, Columns, NewColumn, enum_param
from workbench.core.pivoting import (
    AggFunction,
    agg_type,
    aggregate_pandas,
    aggregate_spark,
    arrow_scalar,
    cast_to_pandas,
    cast_to_spark,
    combination_label,
    common_type,
    distinct_combinations,
    distinct_values_pandas,
    distinct_values_spark,
    flat,
    frame_of,
    group_ids,
    plain_combination,
    value_label,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


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

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
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

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
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

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
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

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
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


class Transpose(TableTransform):
    """Turn value columns into rows and the values of pivot columns into columns.

    The result has one row per column of ``valueColumns`` (in that order): ``newColumn`` holds
    the column's name, and each distinct combination of the ``pivotColumns`` values (at most 10,
    rows with a null in any pivot column left out) becomes a column holding the aggregate of
    that value column over the rows with that combination. Pivot columns are named by their
    values (joined by ``_`` for several pivot columns, written as PIVOT writes them) and sorted
    by value. Every other column is dropped. The value columns are combined first: one type
    keeps it, numeric types mix to double, other mixes to text (CHANGE_DATA_TYPE rules).
    ``aggregateFunction`` is one of GROUP_BY's functions; COLLECT_LIST (no aggregation) gives
    the sorted list of the values. A combination without values gives null (0 for COUNT, an
    empty list for COLLECT_LIST).
    """

    operation = "TRANSPOSE"
    category = Category.PIVOT
    uses_statistics = True
    pivot_columns: Columns
    value_columns: Columns
    aggregate_function: enum_param(AggFunction)  # type: ignore[valid-type]
    new_column: NewColumn
    examples: ClassVar = (
        Example(
            title="DataBrew's documented example: students become rows, teachers columns",
            given={
                "Teacher": ["Smith", "Jones", "Smith", None],
                "Tom": [90, 85, None, 70],
                "John": [70, None, 60, 50],
                "Harry": [88, 92, 95, 1],
                "room": ["a", "b", "c", "d"],
            },
            params={
                "pivotColumns": '["Teacher"]',
                "valueColumns": '["Tom","John","Harry"]',
                "aggregateFunction": "COLLECT_LIST",
                "newColumn": "Student",
            },
            expect={
                "Student": ["Tom", "John", "Harry"],
                "Jones": [[85], [], [92]],
                "Smith": [[90], [60, 70], [88, 95]],
            },
        ),
        Example(
            title="two pivot columns; integer and double value columns sum as doubles",
            given={
                "region": ["N", "N", "S", "S"],
                "year": [2020, 2021, 2020, 2020],
                "q1": [1, 2, 3, None],
                "q2": [1.5, None, 2.5, 0.5],
            },
            params={
                "pivotColumns": ["region", "year"],
                "valueColumns": ["q1", "q2"],
                "aggregateFunction": "SUM",
                "newColumn": "quarter",
            },
            expect={
                "quarter": ["q1", "q2"],
                "N_2020": [1.0, 1.5],
                "N_2021": [2.0, None],
                "S_2020": [3.0, 3.0],
            },
        ),
        Example(
            title="COUNT of text values; accents sort after plain letters",
            given={"k": ["é", "e", None, "é"], "a": ["x", None, "y", ""], "b": ["", "z", None, None]},
            params={
                "pivotColumns": ["k"],
                "valueColumns": ["a", "b"],
                "aggregateFunction": "count",
                "newColumn": "column",
            },
            expect={"column": ["a", "b"], "e": [0, 1], "é": [2, 1]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Transpose:
        for parameter, columns in (
            ("pivotColumns", self.pivot_columns),
            ("valueColumns", self.value_columns),
        ):
            if not columns:
                raise ParameterError(
                    "give at least one column", operation=self.operation, parameter=parameter
                )
            if len(set(columns)) != len(columns):
                raise ParameterError(
                    "a column is listed twice", operation=self.operation, parameter=parameter
                )
        both = sorted(set(self.pivot_columns) & set(self.value_columns))
        if both:
            raise ParameterError(
                f"column {both[0]!r} cannot be both a pivot and a value column",
                operation=self.operation,
                parameter="valueColumns",
                column=both[0],
            )
        return self

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def value_type(self, schema: Schema) -> LType:
        types = [schema[c] for c in self.value_columns]
        return common_type(types, "valueColumns", self.operation, "valueColumns")

    def check(self, schema: Schema) -> None:
        super().check(schema)
        agg_type(
            self.aggregate_function,
            self.value_type(schema),
            self.operation,
            "aggregateFunction",
            self.value_columns[0],
        )

    def _names(self, combinations: list[tuple[Any, ...]]) -> list[str]:
        names = [combination_label(c) for c in combinations]
        for name in names:
            if name == self.new_column:
                raise ParameterError(
                    f"a pivot value gives the column name {name!r}, which is newColumn; choose another name",
                    operation=self.operation,
                    parameter="newColumn",
                    column=name,
                )
            if names.count(name) > 1:
                raise ParameterError(
                    f"the transpose writes {name!r} twice",
                    operation=self.operation,
                    parameter="pivotColumns",
                    column=name,
                )
        return names

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        schema = ctx.schema_of(df)
        target = self.value_type(schema)
        gid, first = group_ids(df, self.pivot_columns)
        keys = [flat(arr(df[c])).take(pa.array(first)).to_pylist() for c in self.pivot_columns]
        group_of = {}
        for group, row in enumerate(zip(*keys, strict=True)):
            combination = plain_combination(tuple(row))
            if combination is not None:
                group_of[combination] = group
        combinations = distinct_combinations(
            list(group_of), self.operation, "pivotColumns", self.pivot_columns
        )
        names = self._names(combinations)
        chosen = pa.array([group_of[c] for c in combinations], pa.int64())
        per_column = [
            aggregate_pandas(
                cast_to_pandas(df[c], schema[c], target), target, gid, len(first), self.aggregate_function
            ).take(chosen)
            for c in self.value_columns
        ]
        out: dict[str, Any] = {self.new_column: pa.array(self.value_columns, pa.large_string())}
        width = len(combinations)
        if per_column and width:
            stacked = pa.concat_arrays(per_column)
            rows = np.arange(len(self.value_columns), dtype=np.int64) * width
            for j, name in enumerate(names):
                out[name] = stacked.take(pa.array(rows + j))
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        schema = ctx.schema_of(df)
        target = self.value_type(schema)
        stats = ctx.aggregate(df, {"values": F.collect_set(F.struct(*[scol(c) for c in self.pivot_columns]))})
        rows = [tuple(row) for row in stats["values"] or []]
        combinations = distinct_combinations(rows, self.operation, "pivotColumns", self.pivot_columns)
        names = self._names(combinations)
        cells = F.array(
            *[
                F.struct(
                    F.lit(i).alias("i"),
                    F.lit(c).alias("n"),
                    cast_to_spark(scol(c), schema[c], target).alias("v"),
                )
                for i, c in enumerate(self.value_columns)
            ]
        )
        cell = "__wb_cell"
        pivots = [scol(c).alias(f"__wb_p{k}") for k, c in enumerate(self.pivot_columns)]
        long = df.select(*pivots, F.explode(cells).alias(cell))
        exprs = []
        for name, combination in zip(names, combinations, strict=True):
            match = functools.reduce(
                lambda a, b: a & b,
                [F.col(f"__wb_p{k}") == F.lit(v) for k, v in enumerate(combination)],
            )
            value = F.when(match, F.col(cell).getField("v"))
            exprs.append(aggregate_spark(value, target, self.aggregate_function).alias(name))
        exprs.append(F.first(F.col(cell).getField("n")).alias(self.new_column))
        grouped = long.groupBy(F.col(cell).getField("i").alias("__wb_i")).agg(*exprs)
        return grouped.orderBy("__wb_i").select(F.col(self.new_column), *[F.col(quoted(n)) for n in names])
