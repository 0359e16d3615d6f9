"""Functions: window (row numbers, neighbouring rows, fills) and COALESCE.

Window steps depend on row order: they read the rows in the table's current order (the order
pandas holds; on Spark the order of ``SparkEngine.with_row_position``), and never reorder rows.
A window ``numRowsBefore``/``numRowsAfter`` spans that many rows before and after each row,
clipped at the ends of the table. The rolling statistics are in ``rolling.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.ordered import Ordered, OrderedDerive, combined, non_negative, position, spark_window
from workbench.core.params import Column, Columns, Integer, NewColumn
from workbench.core.registry import Category, Example
from workbench.core.rolling import shift
from workbench.core.types import LType, Schema, ltype_of_arrow
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- row numbers ---------------------------------------------------------------------------------


class RowNumber(Ordered):
    """Number the rows 1, 2, 3… within each group, in the order of the given columns, in a new column.

    Rows are numbered by orderByColumns ascending (nulls last); rows that tie keep their current
    order. Empty groupByColumns number the whole table; empty orderByColumns follow row order.
    Rows that share a null group key form one group. The rows themselves are not reordered.
    """

    operation = "ROW_NUMBER"
    category = Category.WINDOW
    restore_order = True
    group_by_columns: Columns
    order_by_columns: Columns
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"g": ["a", "b", "a", "a", None, "b"], "v": [3, 1, None, 3, 5, 0]},
            params={"groupByColumns": '["g"]', "orderByColumns": '["v"]', "targetColumn": "n"},
            expect={
                "g": ["a", "b", "a", "a", None, "b"],
                "n": [1, 2, 3, 2, 1, 1],
                "v": [3, 1, None, 3, 5, 0],
            },
        ),
        Example(
            given={"v": ["b", "a", None, "é", "a"]},
            params={"groupByColumns": [], "orderByColumns": ["v"], "targetColumn": "n"},
            expect={"v": ["b", "a", None, "é", "a"], "n": [3, 1, 5, 4, 2]},
        ),
        Example(
            given={"x": [2.5, None, -1.0]},
            params={"groupByColumns": "[]", "orderByColumns": "[]", "targetColumn": "n"},
            expect={"x": [2.5, None, -1.0], "n": [1, 2, 3]},
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER}

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        n = len(df)
        position = pa.array(np.arange(n, dtype=np.int64))
        keys: dict[str, Any] = {}
        order: list[tuple[str, str]] = []
        for i, name in enumerate([*self.group_by_columns, *self.order_by_columns]):
            keys[f"k{i}"] = combined(df[name])
            order.append((f"k{i}", "ascending"))
        keys["position"] = position
        order.append(("position", "ascending"))
        ranked = pc.sort_indices(pa.table(keys), sort_keys=order)  # nulls sort last by default
        starts = pc.equal(position, 0)
        for i in range(len(self.group_by_columns)):
            sorted_key = pc.take(keys[f"k{i}"], ranked)
            starts = pc.or_(starts, pc.invert(_same_as_previous(sorted_key)))
        start = pc.fill_null_forward(pc.if_else(starts, position, pa.scalar(None, pa.int64())))
        numbers = pc.add(pc.subtract(position, start), 1)
        back = pc.sort_indices(ranked)
        return {self.target_column: wrap(pc.take(numbers, back), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        order = [scol(c).asc_nulls_last() for c in self.order_by_columns]
        window = spark_window().orderBy(*order, position())
        if self.group_by_columns:
            window = window.partitionBy(*[scol(c) for c in self.group_by_columns])
        return {self.target_column: F.row_number().over(window).cast("long")}


def _same_as_previous(values: pa.Array) -> pa.Array:
    """True where a value equals the one before it (nulls equal nulls, NaN equals NaN)."""
    previous = shift(values, -1)
    both_null = pc.and_(pc.is_null(values), pc.is_null(previous))
    same = pc.fill_null(pc.equal(values, previous), False)
    if pa.types.is_floating(values.type):
        same = pc.or_(same, pc.fill_null(pc.and_(pc.is_nan(values), pc.is_nan(previous)), False))
    return pc.or_(same, both_null)


# --- neighbouring rows -------------------------------------------------------------------------------


class Prev(OrderedDerive):
    """Copy the value from numRows rows above into a new column (null where there is no such row)."""

    operation = "PREV"
    category = Category.WINDOW
    source_column: Column
    num_rows: Integer
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4]},
            params={"sourceColumn": "x", "numRows": "1", "targetColumn": "p"},
            expect={"x": [1, 2, None, 4], "p": [None, 1, 2, None]},
        ),
        Example(
            given={"s": ["a", "b", "ü", None]},
            params={"sourceColumn": "s", "numRows": 2, "targetColumn": "p"},
            expect={"s": ["a", "b", "ü", None], "p": [None, None, "a", "b"]},
        ),
        Example(
            given={"s": ["a", None]},
            params={"sourceColumn": "s", "numRows": 5, "targetColumn": "p"},
            expect={"s": ["a", None], "p": [None, None]},
        ),
        Example(
            given={"s": ["a", None]},
            params={"sourceColumn": "s", "numRows": 0, "targetColumn": "p"},
            expect={"s": ["a", None], "p": ["a", None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Prev:
        non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(shift(combined(s), -self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lag(c, self.num_rows).over(spark_window().orderBy(position()))


class Next(OrderedDerive):
    """Copy the value from numRows rows below into a new column (null where there is no such row)."""

    operation = "NEXT"
    category = Category.WINDOW
    source_column: Column
    num_rows: Integer
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4]},
            params={"sourceColumn": "x", "numRows": "1", "targetColumn": "n"},
            expect={"x": [1, 2, None, 4], "n": [2, None, 4, None]},
        ),
        Example(
            given={"d": [1.5, -2.0, 3.25]},
            params={"sourceColumn": "d", "numRows": 2, "targetColumn": "n"},
            expect={"d": [1.5, -2.0, 3.25], "n": [3.25, None, None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Next:
        non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(shift(combined(s), self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lead(c, self.num_rows).over(spark_window().orderBy(position()))


# --- fill ----------------------------------------------------------------------------------------------


class Fill(OrderedDerive):
    """Copy a column, filling each blank with the nearest non-blank value within a window of rows.

    Blank means null, empty text or NaN. The nearest value above (up to numRowsBefore rows) is
    preferred, then the nearest below (up to numRowsAfter rows); only original values are used,
    never filled ones. A blank with no value in its window stays as it was.
    """

    operation = "FILL"
    category = Category.WINDOW
    source_column: Column
    num_rows_before: Integer
    num_rows_after: Integer
    examples: ClassVar = (
        Example(
            given={"s": ["a", None, None, None, "b", "", None]},
            params={"sourceColumn": "s", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "f"},
            expect={"s": ["a", None, None, None, "b", "", None], "f": ["a", "a", None, "b", "b", "b", None]},
        ),
        Example(
            given={"x": [None, 1.5, None, None, float("nan"), 4.0]},
            params={"sourceColumn": "x", "numRowsBefore": "2", "numRowsAfter": "0", "targetColumn": "f"},
            expect={
                "x": [None, 1.5, None, None, float("nan"), 4.0],
                "f": [None, 1.5, 1.5, 1.5, float("nan"), 4.0],
            },
        ),
        Example(
            given={"n": [None, None, 7, None]},
            params={"sourceColumn": "n", "numRowsBefore": 0, "numRowsAfter": 2, "targetColumn": "f"},
            expect={"n": [None, None, 7, None], "f": [7, 7, 7, None]},
        ),
    )

    @model_validator(mode="after")
    def _check_rows(self) -> Fill:
        non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = combined(s)
        blank = missing_pandas(values, ltype_of_arrow(values.type))
        position = pa.array(np.arange(len(values), dtype=np.int64))
        usable = pc.if_else(blank, pa.scalar(None, pa.int64()), position)
        found = []
        for nearest, limit in (
            (pc.fill_null_forward(usable), self.num_rows_before),
            (pc.fill_null_backward(usable), self.num_rows_after),
        ):
            close = pc.less_equal(pc.abs(pc.subtract(position, nearest)), limit)
            found.append(pc.if_else(close, nearest, pa.scalar(None, pa.int64())))
        source_row = pc.coalesce(*found)
        filled = pc.coalesce(pc.take(values, source_row), values)
        return wrap(pc.if_else(blank, filled, values), s)

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        blank = missing_spark(c, source)
        usable = F.when(~blank, c)
        order = spark_window().orderBy(position())
        found = []
        if self.num_rows_before > 0:
            found.append(F.last(usable, ignorenulls=True).over(order.rowsBetween(-self.num_rows_before, -1)))
        if self.num_rows_after > 0:
            found.append(F.first(usable, ignorenulls=True).over(order.rowsBetween(1, self.num_rows_after)))
        return {self.target_column: F.when(blank, F.coalesce(*found, c)).otherwise(c)}


# --- coalesce ------------------------------------------------------------------------------------------


def _common_type(types: list[LType]) -> LType:
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if all(t.is_numeric for t in kinds):
        return LType.DOUBLE
    return LType.STRING


class Coalesce(ColumnFunction):
    """Write the first non-null value of the listed columns, in the listed order, to a new column.

    Only null counts as missing (empty text is a value). Columns of one type keep it; numbers of
    different types give a double; any other mix gives text, each value converted by the casting
    rules (3.0 prints as "3").
    """

    operation = "COALESCE"
    category = Category.OTHER
    source_columns: Columns
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"a": [None, "x", None, ""], "b": ["y", "z", None, "w"]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "c"},
            expect={"a": [None, "x", None, ""], "c": ["y", "x", None, ""], "b": ["y", "z", None, "w"]},
        ),
        Example(
            given={"a": [1, None, None], "b": [2.5, 3.5, None]},
            params={"sourceColumns": ["b", "a"], "targetColumn": "c"},
            expect={"a": [1, None, None], "b": [2.5, 3.5, None], "c": [2.5, 3.5, None]},
        ),
        Example(
            given={"a": [1, None, None], "b": [2.5, 3.5, None]},
            params={"sourceColumns": ["a", "b"], "targetColumn": "c"},
            expect={"a": [1, None, None], "c": [1.0, 3.5, None], "b": [2.5, 3.5, None]},
        ),
        Example(
            given={"s": [None, "k", None], "n": [7, 8, None], "f": [None, None, 3.0]},
            params={"sourceColumns": ["s", "n", "f"], "targetColumn": "c"},
            expect={"s": [None, "k", None], "c": ["7", "k", "3"], "n": [7, 8, None], "f": [None, None, 3.0]},
        ),
    )

    @model_validator(mode="after")
    def _some_columns(self) -> Coalesce:
        if not self.source_columns:
            raise ParameterError(
                "list at least one column", operation=self.operation, parameter="sourceColumns"
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: _common_type([schema[c] for c in self.source_columns])}

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        target = _common_type([schema[c] for c in self.source_columns])
        columns = [arr(cast_pandas(df[c], schema[c], target)) for c in self.source_columns]
        result = columns[0] if len(columns) == 1 else pc.coalesce(*columns)
        return {self.target_column: wrap(result, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        target = _common_type([schema[c] for c in self.source_columns])
        columns = [cast_spark(scol(c), schema[c], target) for c in self.source_columns]
        return {self.target_column: F.coalesce(*columns)}
