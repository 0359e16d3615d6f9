"""Whole-table clean-up: columns that hold nothing or one value removed, rows deduplicated by key."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import RowFilter, TableTransform
from workbench.core.lazy import F, W, quoted, scol
from workbench.core.params import Boolean, Column, Columns, Number, enum_param
from workbench.core.pivoting import flat, group_ids
from workbench.core.registry import Category, Example
from workbench.core.types import NESTED, LType, Schema
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class _ColumnRemoval(TableTransform):
    """A step removing the columns whose values meet a test learnt from the data."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    if TYPE_CHECKING:
        source_columns: list[str] | None

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def candidates(self, schema: Schema) -> list[str]:
        return list(self.source_columns) if self.source_columns is not None else list(schema)

    def removed_pandas(self, df: pd.DataFrame, schema: Schema) -> set[str]:
        raise NotImplementedError

    def removed_spark(self, df: SparkFrame, schema: Schema, ctx: SparkContext) -> set[str]:
        raise NotImplementedError

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        removed = self.removed_pandas(df, ctx.schema_of(df)) if len(df) else set()
        return df[[c for c in df.columns if c not in removed]]

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        removed = self.removed_spark(df, ctx.schema_of(df), ctx)
        return df.select(*[df[quoted(c)] for c in df.columns if c not in removed])


def _missing_pandas(s: pd.Series, ltype: LType) -> pa.Array:
    values = flat(arr(s))
    missing = pc.is_null(values, nan_is_null=True)
    if ltype is LType.STRING:
        missing = pc.or_(missing, pc.fill_null(pc.equal(values, ""), False))
    elif ltype in (LType.ARRAY, LType.MAP):
        missing = pc.or_(missing, pc.fill_null(pc.equal(pc.list_value_length(values), 0), False))
    return missing


def _missing_spark(c: SparkColumn, ltype: LType) -> SparkColumn:
    missing = c.isNull()
    if ltype is LType.DOUBLE:
        missing = missing | F.isnan(c)
    elif ltype is LType.STRING:
        missing = missing | (c == "")
    elif ltype in (LType.ARRAY, LType.MAP):
        missing = missing | (F.size(c) == 0)
    return missing


class RemoveEmptyColumns(_ColumnRemoval):
    """Remove the columns whose values are all missing, or whose share of missing values reaches a threshold.

    Missing is null, NaN, empty text and an empty array or map (white space is a value).
    A column is removed when its share of missing values is at least ``missingThreshold``
    (1, the default, removes only columns with nothing in them). ``sourceColumns`` limits the
    columns considered (all by default). A table without rows keeps its columns. Data Wrangler's
    "drop missing columns"; pandas ``dropna(axis=1, thresh=...)``.
    """

    operation = "REMOVE_EMPTY_COLUMNS"
    category = Category.MISSING
    extension: ClassVar[bool] = True
    source_columns: Columns | None = None
    missing_threshold: Number = 1.0
    examples: ClassVar = (
        Example(
            given={
                "id": [1, 2, 3],
                "blank": [None, "", None],
                "nan": [float("nan"), None, float("nan")],
                "space": [" ", "", None],
                "tags": [[], None, []],
            },
            schema={"blank": "string", "tags": "array"},
            params={},
            expect={"id": [1, 2, 3], "space": [" ", "", None]},
        ),
        Example(
            title="a threshold: columns at least two-thirds missing, among the listed ones",
            given={"a": ["x", None, None], "b": ["ü", "", "y"], "c": [None, None, 1.5], "d": [None] * 3},
            schema={"d": "integer"},
            params={"sourceColumns": '["a","b","c"]', "missingThreshold": "0.66"},
            expect={"b": ["ü", "", "y"], "d": [None, None, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> RemoveEmptyColumns:
        if not 0 < self.missing_threshold <= 1:
            raise ParameterError(
                f"must be more than 0 and at most 1 (got {self.missing_threshold})",
                operation=self.operation,
                parameter="missingThreshold",
            )
        return self

    def _empty(self, missing: int, rows: int) -> bool:
        return rows > 0 and missing >= self.missing_threshold * rows

    def removed_pandas(self, df: pd.DataFrame, schema: Schema) -> set[str]:
        counts = {c: pc.sum(_missing_pandas(df[c], schema[c])).as_py() or 0 for c in self.candidates(schema)}
        return {c for c, missing in counts.items() if self._empty(missing, len(df))}

    def removed_spark(self, df: SparkFrame, schema: Schema, ctx: SparkContext) -> set[str]:
        columns = self.candidates(schema)
        exprs = {
            f"m{i}": F.sum(F.when(_missing_spark(scol(c), schema[c]), 1).otherwise(0))
            for i, c in enumerate(columns)
        }
        stats = ctx.aggregate(df, {"rows": F.count(F.lit(1)), **exprs})
        rows = int(stats["rows"] or 0)
        return {c for i, c in enumerate(columns) if self._empty(int(stats[f"m{i}"] or 0), rows)}


class RemoveConstantColumns(_ColumnRemoval):
    """Remove the columns that hold a single distinct value in every row.

    Null counts as a value of its own unless ``ignoreNulls``, so ``[1, null]`` is constant only
    then; a column of nulls alone is constant. NaN is a value like any other; -0.0 equals 0.0;
    text compares exactly. Columns of arrays, structs or maps are never removed.
    ``sourceColumns`` limits the columns considered (all by default). A table without rows keeps
    its columns. Data Wrangler's "drop constant columns"; pandas ``df.loc[:, df.nunique() > 1]``.
    """

    operation = "REMOVE_CONSTANT_COLUMNS"
    category = Category.COLUMN
    extension: ClassVar[bool] = True
    source_columns: Columns | None = None
    ignore_nulls: Boolean = False
    examples: ClassVar = (
        Example(
            given={
                "id": [1, 2, 3],
                "country": ["NO", "NO", "NO"],
                "gap": [None, None, None],
                "maybe": ["é", None, "é"],
                "zero": [0.0, -0.0, 0.0],
                "nan": [float("nan"), float("nan"), 1.0],
            },
            schema={"gap": "string"},
            params={},
            expect={"id": [1, 2, 3], "maybe": ["é", None, "é"], "nan": [float("nan"), float("nan"), 1.0]},
        ),
        Example(
            title="nulls ignored, among the listed columns",
            given={"a": [True, None, True], "b": ["x", "y", "x"], "c": [5, 5, 5], "t": [[1], [1], [1]]},
            schema={"t": "array"},
            params={"sourceColumns": ["a", "b", "t"], "ignoreNulls": "true"},
            expect={"b": ["x", "y", "x"], "c": [5, 5, 5], "t": [[1], [1], [1]]},
        ),
    )

    def candidates(self, schema: Schema) -> list[str]:
        return [c for c in super().candidates(schema) if schema[c] not in NESTED]

    def _constant(self, distinct: int, nulls: int, rows: int) -> bool:
        present = rows - nulls
        if rows == 0:
            return False
        return present == 0 or (distinct <= 1 and (self.ignore_nulls or nulls == 0))

    def removed_pandas(self, df: pd.DataFrame, schema: Schema) -> set[str]:
        removed = set()
        for column in self.candidates(schema):
            values = flat(arr(df[column]))
            if pa.types.is_floating(values.type):
                values = pc.add(values, 0.0)  # -0.0 is 0.0
            distinct = pc.count_distinct(values, mode="only_valid").as_py()
            if self._constant(distinct, values.null_count, len(values)):
                removed.add(column)
        return removed

    def removed_spark(self, df: SparkFrame, schema: Schema, ctx: SparkContext) -> set[str]:
        columns = self.candidates(schema)
        exprs: dict[str, SparkColumn] = {"rows": F.count(F.lit(1))}
        for i, c in enumerate(columns):
            # One value exactly when the smallest equals the largest (NaN equals NaN in Spark).
            exprs[f"lo{i}"] = F.min(scol(c))
            exprs[f"hi{i}"] = F.max(scol(c))
            exprs[f"n{i}"] = F.count(scol(c))
        stats = ctx.aggregate(df, exprs)
        rows = int(stats["rows"] or 0)
        removed = set()
        for i, c in enumerate(columns):
            present = int(stats[f"n{i}"] or 0)
            lo, hi = stats[f"lo{i}"], stats[f"hi{i}"]
            same = present == 0 or lo == hi or (lo != lo and hi != hi)
            if self._constant(1 if same else 2, rows - present, rows):
                removed.add(c)
        return removed


class Keep(str, Enum):
    FIRST = "FIRST"
    LAST = "LAST"


class DeduplicateByKey(RowFilter):
    """Keep one row per combination of key columns: the first or the last, in row order or by an order column.

    Rows with equal values in ``keyColumns`` are duplicates (null equals null, NaN equals NaN).
    ``keep`` FIRST (the default) or LAST chooses which one stays: in the table's row order, or,
    with ``orderColumn``, by that column ascending (nulls last, ties in row order). The rows
    that stay keep their order. pandas ``drop_duplicates(subset, keep=...)`` after sorting by
    the order column; DataBrew's REMOVE_DUPLICATES takes one column and keeps the first.
    """

    operation = "DEDUPLICATE_BY_KEY"
    category = Category.DUPLICATES
    extension: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
    key_columns: Columns
    keep: enum_param(Keep) = Keep.FIRST  # type: ignore[valid-type]
    order_column: Column | None = None
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 1, None, None, 2], "v": ["a", "b", "c", "d", "e", "ü"]},
            params={"keyColumns": '["id"]', "keep": "LAST"},
            expect={"id": [1, None, 2], "v": ["c", "e", "ü"]},
        ),
        Example(
            title="the latest row per customer and country by an order column; nulls order last",
            given={
                "customer": ["ana", "ana", "bo", "ana", "bo"],
                "country": ["NO", "NO", "SE", "SE", "SE"],
                "updated": ["2024-03-01", "2024-05-01", None, "2024-01-01", "2024-02-01"],
            },
            schema={"updated": "date"},
            params={"keyColumns": ["customer", "country"], "keep": "last", "orderColumn": "updated"},
            expect={
                "customer": ["ana", "bo", "ana"],
                "country": ["NO", "SE", "SE"],
                "updated": [dt.date(2024, 5, 1), None, dt.date(2024, 1, 1)],
            },
        ),
        Example(
            title="the smallest value first; NaN orders after numbers",
            given={"k": ["x", "x", "x", "y"], "score": [float("nan"), 2.5, 1.5, None]},
            params={"keyColumns": ["k"], "orderColumn": "score"},
            expect={"k": ["x", "y"], "score": [1.5, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> DeduplicateByKey:
        if not self.key_columns:
            raise ParameterError("give at least one column", operation=self.operation, parameter="keyColumns")
        return self

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for column in [*self.key_columns, *([self.order_column] if self.order_column else [])]:
            if schema[column] in NESTED:
                parameter = "orderColumn" if column == self.order_column else "keyColumns"
                raise ParameterError(
                    f"column {column!r} is {schema[column].value}; keys and orders need plain values",
                    operation=self.operation,
                    parameter=parameter,
                    column=column,
                )

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        n = len(df)
        gid, _ = group_ids(df, self.key_columns)
        columns = {"g": pa.array(gid, pa.int64()), "p": pa.array(np.arange(n, dtype=np.int64))}
        keys = [("g", "ascending")]
        if self.order_column is not None:
            columns["o"] = flat(arr(df[self.order_column]))
            keys.append(("o", "ascending"))
        keys.append(("p", "ascending"))
        ordered = pa.table(columns).sort_by(keys, null_placement="at_end")
        groups = ordered["g"].to_numpy()
        positions = ordered["p"].to_numpy()
        if self.keep is Keep.FIRST:
            chosen = np.r_[True, groups[1:] != groups[:-1]] if n else np.zeros(0, bool)
        else:
            chosen = np.r_[groups[1:] != groups[:-1], True] if n else np.zeros(0, bool)
        keep = np.zeros(n, dtype=bool)
        keep[positions[chosen]] = True
        return pd.Series(~keep, index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        return F.col("__wb_rank") > 1

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        positioned = ctx.with_row_position(df)
        position = F.col(ROW_POSITION)
        order: list[SparkColumn] = []
        if self.order_column is not None:
            o = scol(self.order_column)
            order.append(o.asc_nulls_last() if self.keep is Keep.FIRST else o.desc_nulls_first())
        order.append(position.asc() if self.keep is Keep.FIRST else position.desc())
        window = W.Window.partitionBy(*[scol(c) for c in self.key_columns]).orderBy(*order)
        ranked = positioned.withColumn("__wb_rank", F.row_number().over(window))
        return super().apply_spark(ranked, ctx, where).drop("__wb_rank")
