"""Functions: rolling statistics of the rows around each row, in a new column.

Rolling steps depend on row order: they read the rows in the table's current order (the order
pandas holds; on Spark the order of ``SparkEngine.with_row_position``), and never reorder rows.
The window of a row spans ``numRowsBefore`` rows above it to ``numRowsAfter`` rows below it,
clipped at the ends of the table. Nulls (and NaN) are skipped; a window with no value gives null.
On pandas every statistic is built from whole-column operations over blocks of 1, 2, 4… rows
(``workbench/core/rolling.py``); on Spark it is one window aggregate over the row positions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.lazy import F, scol
from workbench.core.ordered import OrderedDerive, combined, non_negative, position, spark_window
from workbench.core.params import Column, Integer, NumericColumn
from workbench.core.registry import Category, Example
from workbench.core.rolling import add, larger, smaller
from workbench.core.rolling import rolling as reduce_window
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class _Rolling(OrderedDerive):
    """A statistic of the window around each row, nulls skipped (null when the window has none)."""

    abstract: ClassVar[bool] = True
    source_column: NumericColumn
    num_rows_before: Integer
    num_rows_after: Integer

    @model_validator(mode="after")
    def _check_rows(self) -> _Rolling:
        non_negative(self, numRowsBefore=self.num_rows_before, numRowsAfter=self.num_rows_after)
        return self

    def values_pandas(self, s: pd.Series) -> pa.Array:
        """The source values, NaN read as null, decimals as doubles."""
        values = combined(s)
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
        return spark_window().orderBy(position()).rowsBetween(-self.num_rows_before, self.num_rows_after)

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        source = ctx.schema_of(df)[self.source_column]
        values = self.values_spark(scol(self.source_column), source)
        return {self.target_column: self.statistic_spark(values).over(self.window())}

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def rolling(self, values: pa.Array, combine: Callable[[Any, Any], Any]) -> pa.Array:
        return reduce_window(values, self.num_rows_before, self.num_rows_after, combine)


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
        return wrap(self.rolling(self.values_pandas(s), add), s)

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
        total = self.rolling(values, add)
        counted = self.rolling(pc.cast(pc.is_valid(values), pa.int64()), add)
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
        values = combined(s)
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        return values

    def values_spark(self, c: SparkColumn, source: LType) -> SparkColumn:
        return F.when(~F.isnan(c), c) if source is LType.DOUBLE else c

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(self.rolling(self.values_pandas(s), larger), s)

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
        return wrap(self.rolling(self.values_pandas(s), smaller), s)

    def statistic_spark(self, c: SparkColumn) -> SparkColumn:
        return F.min(c)
