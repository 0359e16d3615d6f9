"""GROUP_BY: aggregate groups of rows, as a new table or as added columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
from pydantic import field_validator, model_validator

from workbench.core.casting import cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform, place_columns
from workbench.core.lazy import W, scol
from workbench.core.params import Boolean, Columns, ParamKind, ParamModel, structured
from workbench.core.pivoting import (
    LIST_FUNCTIONS,
    AggFunction,
    agg_type,
    aggregate_pandas,
    aggregate_spark,
    cast_to_pandas,
    flat,
    frame_of,
    group_ids,
    missing_column,
    upper_name,
)
from workbench.core.registry import Category, Example
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


class Aggregation(ParamModel):
    """One aggregate of GROUP_BY: a function of a source column written to a target column."""

    source_column_name: str
    target_column_name: str
    target_column_data_type: str | None = None
    function_name: AggFunction

    @field_validator("function_name", mode="before")
    @classmethod
    def _function(cls, value: Any) -> Any:
        return upper_name(value)


class GroupBy(TableTransform):
    """Group rows by key columns and aggregate each group, as a new table or as added columns.

    With ``useNewDataFrame`` true the result has one row per group (the key columns, then the
    aggregates); otherwise every row gets its group's aggregates as new columns, placed after
    the first key column. Null keys form a group of their own.
    COUNT counts the non-null values and COUNT_DISTINCT the distinct ones (integers); SUM keeps
    the numeric type; MEAN (or AVERAGE), MEDIAN (exact), STANDARD_DEVIATION and VARIANCE (sample,
    n-1; null for a single value) give doubles; MIN and MAX keep the type; UNAGGREGATED (or
    COLLECTLIST_FUNCTIONS) gives the sorted list of the non-null values. Nulls are ignored; a group with
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
                and option.function_name not in LIST_FUNCTIONS
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
            if o.target_column_data_type is not None and o.function_name not in LIST_FUNCTIONS:
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

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
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

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
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
