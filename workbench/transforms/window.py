"""Functions: window (row numbers, neighbouring rows, rolling statistics, fills) and COALESCE.

Window steps depend on row order: they read the rows in the table's current order (the order
pandas holds; on Spark the order of ``SparkEngine.with_row_position``), and never reorder rows.
A window ``numRowsBefore``/``numRowsAfter`` spans that many rows before and after each row,
clipped at the ends of the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive
from workbench.core.lazy import F, W, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column, Columns, Integer, NewColumn, NumericColumn
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, ltype_of_arrow
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _position() -> SparkColumn:
    from workbench.engines.spark import ROW_POSITION

    return scol(ROW_POSITION)


def _window() -> Any:
    return W.Window


def _non_negative(step: Any, **values: int) -> None:
    for name, value in values.items():
        if value < 0:
            raise ParameterError(f"must be 0 or more (got {value})", operation=step.operation, parameter=name)


def _shift(values: pa.Array, offset: int) -> pa.Array:
    """Row i gets row i + offset (null outside the table)."""
    n = len(values)
    if offset == 0 or n == 0:
        return values
    if abs(offset) >= n:
        return pa.nulls(n, values.type)
    if offset > 0:
        return pa.concat_arrays([values.slice(offset), pa.nulls(offset, values.type)])
    return pa.concat_arrays([pa.nulls(-offset, values.type), values.slice(0, n + offset)])


def _combined(s: pd.Series) -> pa.Array:
    values = arr(s)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


class _Ordered(ColumnFunction):
    """A column function reading neighbouring rows: on Spark it numbers rows first."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    restore_order: ClassVar[bool] = False
    """True when the Spark window partitions rows, so the original order must be put back."""

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        out = super().apply_spark(ctx.with_row_position(df), ctx, where)
        if self.restore_order:
            out = out.orderBy(scol(ROW_POSITION))
        return out.drop(ROW_POSITION)


class _OrderedDerive(_Ordered, Derive):
    """``targetColumn`` from ``sourceColumn`` and its neighbouring rows."""

    abstract: ClassVar[bool] = True


# --- row numbers ---------------------------------------------------------------------------------


class RowNumber(_Ordered):
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
            keys[f"k{i}"] = _combined(df[name])
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
        window = _window().orderBy(*[scol(c).asc_nulls_last() for c in self.order_by_columns], _position())
        if self.group_by_columns:
            window = window.partitionBy(*[scol(c) for c in self.group_by_columns])
        return {self.target_column: F.row_number().over(window).cast("long")}


def _same_as_previous(values: pa.Array) -> pa.Array:
    """True where a value equals the one before it (nulls equal nulls, NaN equals NaN)."""
    previous = _shift(values, -1)
    both_null = pc.and_(pc.is_null(values), pc.is_null(previous))
    same = pc.fill_null(pc.equal(values, previous), False)
    if pa.types.is_floating(values.type):
        same = pc.or_(same, pc.fill_null(pc.and_(pc.is_nan(values), pc.is_nan(previous)), False))
    return pc.or_(same, both_null)


# --- neighbouring rows -------------------------------------------------------------------------------


class Prev(_OrderedDerive):
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
        _non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(_shift(_combined(s), -self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lag(c, self.num_rows).over(_window().orderBy(_position()))


class Next(_OrderedDerive):
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
        _non_negative(self, numRows=self.num_rows)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(_shift(_combined(s), self.num_rows), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        if self.num_rows == 0:
            return c
        return F.lead(c, self.num_rows).over(_window().orderBy(_position()))


# --- rolling statistics -----------------------------------------------------------------------------

_SEQUENTIAL_LIMIT = 16
"""Windows up to this many rows are reduced row by row, in Spark's order."""


def _rolling(values: pa.Array, before: int, after: int, combine: Callable[[Any, Any], Any]) -> pa.Array:
    """Reduce the window [i - before, i + after] of every row, skipping nulls."""
    width = before + after + 1
    if width <= _SEQUENTIAL_LIMIT:
        result = _shift(values, -before)
        for offset in range(-before + 1, after + 1):
            result = combine(result, _shift(values, offset))
        return result
    # Longer windows: reduce blocks of 1, 2, 4… rows, then join the blocks that make up each
    # window. Padding puts the start of every window inside the array.
    padded = pa.concat_arrays([pa.nulls(before, values.type), values, pa.nulls(after, values.type)])
    blocks = [padded]
    while 2 ** len(blocks) <= width:
        half = 2 ** (len(blocks) - 1)
        blocks.append(combine(blocks[-1], _shift(blocks[-1], half)))
    result = None
    offset = 0
    for level in range(len(blocks) - 1, -1, -1):
        if width & (1 << level):
            part = _shift(blocks[level], offset)
            result = part if result is None else combine(result, part)
            offset += 1 << level
    return result.slice(0, len(values))


def _add(a: Any, b: Any) -> Any:
    return pc.coalesce(pc.add(a, b), a, b)


def _larger(a: Any, b: Any) -> Any:
    return pc.max_element_wise(a, b, skip_nulls=True)


def _smaller(a: Any, b: Any) -> Any:
    return pc.min_element_wise(a, b, skip_nulls=True)


class _Rolling(_OrderedDerive):
    """A statistic of the window around each row, nulls skipped (null when the window has none)."""

    abstract: ClassVar[bool] = True
    source_column: NumericColumn
    num_rows_before: Integer
    num_rows_after: Integer

    @model_validator(mode="after")
    def _check_rows(self) -> _Rolling:
        _non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def values_pandas(self, s: pd.Series) -> pa.Array:
        """The source values, NaN read as null, decimals as doubles."""
        values = _combined(s)
        if pa.types.is_decimal(values.type):
            values = pc.cast(values, pa.float64())
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        return values

    def values_spark(self, c: SparkColumn, source: LType) -> SparkColumn:
        if source is LType.DECIMAL:
            c = c.cast("double")
        if source in (LType.DOUBLE, LType.DECIMAL):
            c = F.when(~F.isnan(c), c)
        return c

    def window(self) -> Any:
        return _window().orderBy(_position()).rowsBetween(-self.num_rows_before, self.num_rows_after)

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        values = self.values_spark(scol(self.source_column), source)
        return {self.target_column: self.statistic_spark(values).over(self.window())}

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def rolling(self, values: pa.Array, combine: Callable[[Any, Any], Any]) -> pa.Array:
        return _rolling(values, self.num_rows_before, self.num_rows_after, combine)


class RollingSum(_Rolling):
    """Write the sum of the values from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. Integer columns give
    integers, other numbers doubles.
    """

    operation = "ROLLING_SUM"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4, 5]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "s"},
            expect={"x": [1, 2, None, 4, 5], "s": [3, 3, 6, 9, 9]},
        ),
        Example(
            given={"x": [None, None, 3, -1]},
            params={"sourceColumn": "x", "numRowsBefore": 1, "numRowsAfter": 0, "targetColumn": "s"},
            expect={"x": [None, None, 3, -1], "s": [None, None, 3, 2]},
        ),
        Example(
            given={"x": [0.5, float("nan"), 1.25, None]},
            params={"sourceColumn": "x", "numRowsBefore": 0, "numRowsAfter": 2, "targetColumn": "s"},
            expect={"x": [0.5, float("nan"), 1.25, None], "s": [1.75, 1.25, 1.25, None]},
        ),
        Example(
            given={"x": list(range(1, 41))},
            params={"sourceColumn": "x", "numRowsBefore": 10, "numRowsAfter": 9, "targetColumn": "s"},
            expect={
                "x": list(range(1, 41)),
                "s": [sum(range(max(1, i - 10), min(40, i + 9) + 1)) for i in range(1, 41)],
            },
            title="a window of 20 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER if source is LType.INTEGER else LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), _add), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.sum(c)


class RollingAverage(_Rolling):
    """Write the mean of the values from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped and do not count; a window with no value gives null. The result
    is a double.
    """

    operation = "ROLLING_AVERAGE"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 2, None, 4, 5]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "avg"},
            expect={"x": [1, 2, None, 4, 5], "avg": [1.5, 1.5, 3.0, 4.5, 4.5]},
        ),
        Example(
            given={"x": [1.0, 2.0, None, 4.0, -5.5]},
            params={"sourceColumn": "x", "numRowsBefore": "2", "numRowsAfter": "0", "targetColumn": "avg"},
            expect={"x": [1.0, 2.0, None, 4.0, -5.5], "avg": [1.0, 1.5, 1.5, 3.0, -0.75]},
        ),
        Example(
            given={"x": [None, None, 6]},
            params={"sourceColumn": "x", "numRowsBefore": 0, "numRowsAfter": 0, "targetColumn": "avg"},
            expect={"x": [None, None, 6], "avg": [None, None, 6.0]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = pc.cast(self.values_pandas(s), pa.float64())
        total = self.rolling(values, _add)
        counted = self.rolling(pc.cast(pc.is_valid(values), pa.int64()), _add)
        counted = pc.if_else(pc.equal(counted, 0), pa.scalar(None, pa.int64()), counted)
        return wrap(pc.divide(total, pc.cast(counted, pa.float64())), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.avg(c.cast("double"))


class RollingMax(_Rolling):
    """Write the largest value from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. The type is the column's.
    """

    operation = "ROLLING_MAX"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [3, -1, None, 7, 2]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [3, -1, None, 7, 2], "m": [3, 3, 7, 7, 7]},
        ),
        Example(
            given={"x": [float(v) for v in (5, 1, 4, 9, 2, 6, 8, 3, 7, 0)] * 2 + [None]},
            params={"sourceColumn": "x", "numRowsBefore": 12, "numRowsAfter": 5, "targetColumn": "m"},
            expect={"x": [float(v) for v in (5, 1, 4, 9, 2, 6, 8, 3, 7, 0)] * 2 + [None], "m": [9.0] * 21},
            title="a window of 18 rows",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return source

    def values_pandas(self, s: pd.Series) -> pa.Array:
        values = _combined(s)
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        return values

    def values_spark(self, c: SparkColumn, source: LType) -> SparkColumn:
        return F.when(~F.isnan(c), c) if source is LType.DOUBLE else c

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), _larger), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.max(c)


class RollingMin(RollingMax):
    """Write the smallest value from numRowsBefore rows above to numRowsAfter rows below each row.

    Nulls (and NaN) are skipped; a window with no value gives null. The type is the column's.
    """

    operation = "ROLLING_MIN"
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [3, -1, None, 7, 2]},
            params={"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [3, -1, None, 7, 2], "m": [-1, -1, -1, 2, 2]},
        ),
        Example(
            given={"x": [2.5, None, float("nan"), None]},
            params={"sourceColumn": "x", "numRowsBefore": "0", "numRowsAfter": "1", "targetColumn": "m"},
            expect={"x": [2.5, None, float("nan"), None], "m": [2.5, None, None, None]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), _smaller), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.min(c)


# --- fill ----------------------------------------------------------------------------------------------


class Fill(_OrderedDerive):
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
        _non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = _combined(s)
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
        order = _window().orderBy(_position())
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
