"""Window functions: running totals and extremes, differences with earlier rows, and ranks.

Every step here reads the rows of each group of groupByColumns in orderByColumns order
(ascending, nulls last, ties in row order; empty lists: the whole table in row order) and writes
a new column without reordering rows. Null and NaN are missing values: they are skipped, and
their own row gets null (as pandas' ``cumsum`` leaves them missing).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext, SparkContext
from workbench.core.lazy import F, W, scol
from workbench.core.ordered import Arrangement, Grouped, combined, position, same_as_previous
from workbench.core.params import Boolean, Column, Columns, Integer, NewColumn, NumericColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _present_pandas(s: pd.Series) -> pa.Array:
    """The values with NaN read as null and decimals as doubles."""
    values = combined(s)
    if pa.types.is_decimal(values.type):
        values = pc.cast(values, pa.float64())
    if pa.types.is_floating(values.type):
        values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
    return values


def _present_spark(c: SparkColumn, ltype: LType) -> SparkColumn:
    if ltype is LType.DECIMAL:
        c = c.cast("double")
    if ltype in (LType.DOUBLE, LType.DECIMAL):
        return F.when(~F.isnan(c), c)
    return c


def _number_type(source: LType) -> LType:
    return LType.INTEGER if source is LType.INTEGER else LType.DOUBLE


class _Steps(Grouped):
    """A new column from sourceColumn and the earlier rows of its group."""

    abstract: ClassVar[bool] = True
    source_column: NumericColumn
    group_by_columns: Columns = []
    order_by_columns: Columns = []
    target_column: NewColumn

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type(schema[self.source_column])}

    def result_type(self, source: LType) -> LType:
        return _number_type(source)

    def spark_values(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        return _present_spark(scol(self.source_column), ctx.schema_of(df)[self.source_column])

    def running(self) -> Any:
        return self.window().rowsBetween(W.Window.unboundedPreceding, 0)


# --- running totals ------------------------------------------------------------------------------


class _Running(_Steps):
    """The running ``statistic`` of each group, null and NaN skipped (their own row gets null)."""

    abstract: ClassVar[bool] = True
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    statistic: ClassVar[str]
    """``sum``, ``max`` or ``min``: pandas' grouped ``cum<statistic>`` and the Spark aggregate
    function of that name over the rows so far."""

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arranged = self.arrangement(df)
        values = arranged.take(_present_pandas(df[self.source_column]))
        running = arranged.segmented(values, f"cum{self.statistic}")
        running = pc.if_else(pc.is_valid(values), running, pa.scalar(None, running.type))
        return {self.target_column: wrap(arranged.restore(running), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        values = self.spark_values(df, ctx)
        running = getattr(F, self.statistic)(values).over(self.running())
        return {self.target_column: F.when(values.isNotNull(), running)}


class CumulativeSum(_Running):
    """Write the running total of a numeric column within each group, in orderByColumns order.

    pandas' ``groupby().cumsum()``: null and NaN are skipped and their own row gets null. Integer
    columns give integers, other numbers doubles, added row after row.
    """

    operation = "CUMULATIVE_SUM"
    statistic = "sum"
    examples: ClassVar = (
        Example(
            given={"x": [1, None, 2, -4]},
            params={"sourceColumn": "x", "targetColumn": "total"},
            expect={"x": [1, None, 2, -4], "total": [1, None, 3, -1]},
            title="row order; a null is skipped",
        ),
        Example(
            given={
                "g": ["a", "b", "a", "a", "b"],
                "t": [2, 1, 1, 3, 2],
                "x": [0.1, 5.0, 0.2, float("nan"), 0.5],
            },
            params={
                "sourceColumn": "x",
                "groupByColumns": '["g"]',
                "orderByColumns": '["t"]',
                "targetColumn": "c",
            },
            expect={
                "g": ["a", "b", "a", "a", "b"],
                "t": [2, 1, 1, 3, 2],
                "x": [0.1, 5.0, 0.2, float("nan"), 0.5],
                "c": [0.2 + 0.1, 5.0, 0.2, None, 5.5],
            },
            title="within groups, in time order; NaN is skipped",
        ),
    )


class CumulativeMax(_Running):
    """Write the largest value so far within each group, in orderByColumns order.

    pandas' ``groupby().cummax()``: null and NaN are skipped and their own row gets null.
    Integer columns give integers, other numbers doubles.
    """

    operation = "CUMULATIVE_MAX"
    statistic = "max"
    examples: ClassVar = (
        Example(
            given={"x": [2, 1, None, 5, 3]},
            params={"sourceColumn": "x", "targetColumn": "m"},
            expect={"x": [2, 1, None, 5, 3], "m": [2, 2, None, 5, 5]},
        ),
        Example(
            given={"g": [1, 2, 1, 2], "x": [-1.5, float("nan"), -3.0, 4.0]},
            params={"sourceColumn": "x", "groupByColumns": ["g"], "targetColumn": "m"},
            expect={"g": [1, 2, 1, 2], "x": [-1.5, float("nan"), -3.0, 4.0], "m": [-1.5, None, -1.5, 4.0]},
        ),
    )


class CumulativeMin(_Running):
    """Write the smallest value so far within each group, in orderByColumns order.

    pandas' ``groupby().cummin()``: null and NaN are skipped and their own row gets null.
    Integer columns give integers, other numbers doubles.
    """

    operation = "CUMULATIVE_MIN"
    statistic = "min"
    examples: ClassVar = (
        Example(
            given={"x": [2, 1, None, 5, 0]},
            params={"sourceColumn": "x", "targetColumn": "m"},
            expect={"x": [2, 1, None, 5, 0], "m": [2, 1, None, 1, 0]},
        ),
        Example(
            given={"t": [3, 1, 2], "x": [0.5, 2.5, None]},
            params={"sourceColumn": "x", "orderByColumns": ["t"], "targetColumn": "m"},
            expect={"t": [3, 1, 2], "x": [0.5, 2.5, None], "m": [0.5, 2.5, None]},
        ),
    )


class CumulativeCount(_Steps):
    """Write how many values there are so far within each group, in orderByColumns order.

    Every row gets the count of values from the first row of its group up to itself: null and
    NaN do not count, empty text and zero do. Any column type; the result is an integer.
    """

    operation = "CUMULATIVE_COUNT"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    source_column: Column  # type: ignore[assignment]
    examples: ClassVar = (
        Example(
            given={"s": ["a", None, "", "é"]},
            params={"sourceColumn": "s", "targetColumn": "n"},
            expect={"s": ["a", None, "", "é"], "n": [1, 1, 2, 3]},
        ),
        Example(
            given={"g": ["x", "y", "x", "x"], "v": [float("nan"), 1.0, 2.0, None]},
            params={"sourceColumn": "v", "groupByColumns": ["g"], "targetColumn": "n"},
            expect={"g": ["x", "y", "x", "x"], "v": [float("nan"), 1.0, 2.0, None], "n": [0, 1, 1, 1]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arranged = self.arrangement(df)
        values = combined(df[self.source_column])
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        present = pc.cast(pc.is_valid(arranged.take(values)), pa.int64())
        return {self.target_column: wrap(arranged.restore(arranged.segmented(present, "cumsum")), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        values = F.when(~F.isnan(c), c) if ltype is LType.DOUBLE else c
        return {self.target_column: F.count(values).over(self.running()).cast("long")}


# --- differences -----------------------------------------------------------------------------------


class _Change(_Steps):
    abstract: ClassVar[bool] = True
    periods: Integer = 1

    def earlier_pandas(self, arranged: Arrangement, values: pa.Array) -> pa.Array:
        return arranged.shift(values, -self.periods)

    def earlier_spark(self, c: SparkColumn) -> SparkColumn:
        if self.periods == 0:
            return c
        if self.periods > 0:
            return F.lag(c, self.periods).over(self.window())
        return F.lead(c, -self.periods).over(self.window())

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        arranged = self.arrangement(df)
        values = arranged.take(_present_pandas(df[self.source_column]))
        changed = self.change_pandas(values, self.earlier_pandas(arranged, values))
        return {self.target_column: wrap(arranged.restore(changed), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        values = self.spark_values(df, ctx)
        return {self.target_column: self.change_spark(values, self.earlier_spark(values))}

    def change_pandas(self, now: pa.Array, then: pa.Array) -> pa.Array:
        raise NotImplementedError

    def change_spark(self, now: SparkColumn, then: SparkColumn) -> SparkColumn:
        raise NotImplementedError


class Difference(_Change):
    """Write each value minus the value periods rows earlier in its group, in orderByColumns order.

    pandas' ``groupby().diff(periods)``: a negative periods compares with a later row. Null where
    either value is missing (null or NaN) or there is no such row in the group. Integer columns
    give integers, other numbers doubles.
    """

    operation = "DIFFERENCE"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [1, 4, None, 10, 7]},
            params={"sourceColumn": "x", "targetColumn": "d"},
            expect={"x": [1, 4, None, 10, 7], "d": [None, 3, None, None, -3]},
        ),
        Example(
            given={"g": ["a", "a", "b", "a", "b"], "t": [1, 2, 1, 3, 2], "x": [1.5, 2.0, 0.1, 4.5, 0.3]},
            params={
                "sourceColumn": "x",
                "groupByColumns": ["g"],
                "orderByColumns": ["t"],
                "periods": "2",
                "targetColumn": "d",
            },
            expect={
                "g": ["a", "a", "b", "a", "b"],
                "t": [1, 2, 1, 3, 2],
                "x": [1.5, 2.0, 0.1, 4.5, 0.3],
                "d": [None, None, None, 3.0, None],
            },
        ),
        Example(
            given={"x": [1.0, float("nan"), 0.25]},
            params={"sourceColumn": "x", "periods": -1, "targetColumn": "d"},
            expect={"x": [1.0, float("nan"), 0.25], "d": [None, None, None]},
            title="a later row; NaN gives null",
        ),
    )

    def change_pandas(self, now: pa.Array, then: pa.Array) -> pa.Array:
        return pc.subtract(now, then)

    def change_spark(self, now: SparkColumn, then: SparkColumn) -> SparkColumn:
        return now - then


class PercentChange(_Change):
    """Write the change from the value periods rows earlier in its group as a fraction (0.5 = +50%).

    pandas' ``groupby().pct_change(periods)``, without filling: value / earlier value - 1, a
    double. Null where either value is missing (null or NaN), there is no such row in the group,
    or the earlier value is 0 (the change from zero is undefined).
    """

    operation = "PERCENT_CHANGE"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    examples: ClassVar = (
        Example(
            given={"x": [100, 150, None, 0, 30, 60]},
            params={"sourceColumn": "x", "targetColumn": "p"},
            expect={"x": [100, 150, None, 0, 30, 60], "p": [None, 0.5, None, None, None, 1.0]},
        ),
        Example(
            given={"g": [1, 2, 1, 2], "x": [2.0, -4.0, 1.0, float("nan")]},
            params={"sourceColumn": "x", "groupByColumns": ["g"], "targetColumn": "p"},
            expect={"g": [1, 2, 1, 2], "x": [2.0, -4.0, 1.0, float("nan")], "p": [None, None, -0.5, None]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def change_pandas(self, now: pa.Array, then: pa.Array) -> pa.Array:
        then = pc.cast(then, pa.float64())
        usable = pc.if_else(pc.equal(then, 0.0), pa.scalar(None, pa.float64()), then)
        return pc.subtract(pc.divide(pc.cast(now, pa.float64()), usable), 1.0)

    def change_spark(self, now: SparkColumn, then: SparkColumn) -> SparkColumn:
        then = then.cast("double")
        return F.when(then != 0.0, now.cast("double") / then - 1.0)


# --- ranks -------------------------------------------------------------------------------------------


class RankMethod(str, Enum):
    """How RANK numbers tied values."""

    MIN = "MIN"
    DENSE = "DENSE"
    ORDINAL = "ORDINAL"
    MAX = "MAX"
    PERCENT = "PERCENT"


class Rank(Grouped):
    """Rank each value within its group, in a new column (pandas ``rank``, SQL ``RANK``).

    method: MIN gives tied values the lowest rank of the tie (1, 2, 2, 4), MAX the highest
    (1, 3, 3, 4), DENSE ranks without gaps (1, 2, 2, 3), ORDINAL numbers ties in row order
    (1, 2, 3, 4), PERCENT is (MIN rank - 1) / (values in the group - 1), 0 for a lone value, a
    double. ascending FALSE ranks the largest first. Null and NaN get no rank and are not
    counted; text ranks by code point.
    """

    operation = "RANK"
    extension: ClassVar[bool] = True
    category = Category.WINDOW
    source_column: Column
    method: enum_param(RankMethod) = RankMethod.MIN  # type: ignore[valid-type]
    ascending: Boolean = True
    group_by_columns: Columns = []
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"x": [10, 20, 20, None, 5]},
            params={"sourceColumn": "x", "targetColumn": "r"},
            expect={"x": [10, 20, 20, None, 5], "r": [2, 3, 3, None, 1]},
        ),
        Example(
            given={"x": [10, 20, 20, None, 5]},
            params={"sourceColumn": "x", "method": "MAX", "ascending": "FALSE", "targetColumn": "r"},
            expect={"x": [10, 20, 20, None, 5], "r": [3, 2, 2, None, 4]},
        ),
        Example(
            given={"g": ["a", "a", "b", "a", "b"], "s": ["é", "b", "z", "b", ""]},
            params={"sourceColumn": "s", "method": "DENSE", "groupByColumns": '["g"]', "targetColumn": "r"},
            expect={"g": ["a", "a", "b", "a", "b"], "s": ["é", "b", "z", "b", ""], "r": [2, 1, 2, 1, 1]},
        ),
        Example(
            given={"x": [1.5, float("nan"), 1.5, -2.0]},
            params={"sourceColumn": "x", "method": "ORDINAL", "ascending": False, "targetColumn": "r"},
            expect={"x": [1.5, float("nan"), 1.5, -2.0], "r": [1, None, 2, 3]},
        ),
        Example(
            given={"g": [1, 1, 1, 2, 1], "x": [3, 1, 3, 9, 7]},
            params={"sourceColumn": "x", "method": "PERCENT", "groupByColumns": ["g"], "targetColumn": "r"},
            expect={"g": [1, 1, 1, 2, 1], "x": [3, 1, 3, 9, 7], "r": [1 / 3, 0.0, 1 / 3, 0.0, 1.0]},
        ),
    )

    def grouping(self) -> tuple[list[str], list[str]]:
        return list(self.group_by_columns), []

    def produced(self, schema: Schema) -> dict[str, LType]:
        kind = LType.DOUBLE if self.method is RankMethod.PERCENT else LType.INTEGER
        return {self.target_column: kind}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        values = combined(df[self.source_column])
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), pa.scalar(None, values.type), values)
        direction = "ascending" if self.ascending else "descending"
        keys = ((pc.is_null(values), "ascending"), (values, direction))
        arranged = Arrangement(df, list(self.group_by_columns), [], extra=keys)
        ordered = arranged.take(values)
        index = pa.array(np.arange(len(df), dtype=np.int64))
        null = pa.scalar(None, pa.int64())
        first_of_group = pc.fill_null_forward(pc.if_else(arranged.starts, index, null))
        ordinal = pc.add(pc.subtract(index, first_of_group), 1)
        tie_starts = pc.or_(arranged.starts, pc.invert(same_as_previous(ordered)))
        tie_ends = pc.fill_null(_shift_up(tie_starts), True)
        ranks = {
            RankMethod.ORDINAL: lambda: ordinal,
            RankMethod.MIN: lambda: pc.fill_null_forward(pc.if_else(tie_starts, ordinal, null)),
            RankMethod.MAX: lambda: pc.fill_null_backward(pc.if_else(tie_ends, ordinal, null)),
            RankMethod.DENSE: lambda: arranged.segmented(pc.cast(tie_starts, pa.int64()), "cumsum"),
            RankMethod.PERCENT: lambda: self.percent(arranged, ordered, tie_starts, ordinal),
        }
        rank = ranks[self.method]()
        rank = pc.if_else(pc.is_valid(ordered), rank, pa.scalar(None, rank.type))
        return {self.target_column: wrap(arranged.restore(rank), df.index)}

    @staticmethod
    def percent(
        arranged: Arrangement, ordered: pa.Array, tie_starts: pa.Array, ordinal: pa.Array
    ) -> pa.Array:
        lowest = pc.fill_null_forward(pc.if_else(tie_starts, ordinal, pa.scalar(None, pa.int64())))
        present = pd.Series(pc.is_valid(ordered).to_numpy(zero_copy_only=False).astype(np.int64))
        counted = present.groupby(arranged.group.to_numpy()).transform("sum").to_numpy()
        above = pc.cast(pc.subtract(lowest, 1), pa.float64())
        share = pc.divide(above, pa.array(np.maximum(counted - 1, 1).astype(np.float64)))
        return pc.if_else(pa.array(counted > 1), share, 0.0)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = ctx.schema_of(df)[self.source_column]
        c = scol(self.source_column)
        values = F.when(~F.isnan(c), c) if ltype is LType.DOUBLE else c
        key = values.asc() if self.ascending else values.desc()
        # Missing values go to a partition of their own, so they are not counted.
        window = W.Window.partitionBy(*[scol(g) for g in self.group_by_columns], values.isNull())
        ranks = {
            RankMethod.MIN: lambda: F.rank().over(window.orderBy(key)),
            RankMethod.DENSE: lambda: F.dense_rank().over(window.orderBy(key)),
            RankMethod.ORDINAL: lambda: F.row_number().over(window.orderBy(key, position())),
            RankMethod.MAX: lambda: F.count(F.lit(1)).over(
                window.orderBy(key).rangeBetween(W.Window.unboundedPreceding, W.Window.currentRow)
            ),
            RankMethod.PERCENT: lambda: F.percent_rank().over(window.orderBy(key)),
        }
        rank = ranks[self.method]()
        rank = rank.cast("double") if self.method is RankMethod.PERCENT else rank.cast("long")
        return {self.target_column: F.when(values.isNotNull(), rank)}


def _shift_up(values: pa.Array) -> pa.Array:
    """Row i gets row i + 1 (null for the last row)."""
    if len(values) == 0:
        return values
    return pa.concat_arrays([values.slice(1), pa.nulls(1, values.type)])
