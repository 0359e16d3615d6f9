"""Missing values: fill them (a constant, a statistic, the last valid value) or remove their rows.

A value is *missing* when it is null, an empty string in a text column, or NaN in a double
column (the same test as the IS_MISSING condition). Text made of spaces is not missing.

Statistics are computed exactly over the non-missing values of the whole column, whatever the
step's conditions select; on Spark all of a step's statistics come from one aggregation.
Medians and percentiles interpolate linearly between the two nearest ranks, like Spark's
``percentile()``. A result that must go back into an integer column is rounded half away
from zero; into a decimal column it is rounded half away from zero to 18 decimal places.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import cast_spark
from workbench.core.column_stats import Stats, Wanted, stats_pandas, stats_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import InPlace, RowFilter
from workbench.core.fill_values import (
    check_fits,
    pandas_scalar,
    require_scalar,
    spark_literal,
    typed_text_pandas,
)
from workbench.core.lazy import F, W, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column, NumericColumn, Text, TextColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.stats import ModeType, column_value, mean_value, mode_value
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- fills -------------------------------------------------------------------------------


class _Fill(InPlace):
    """Replace the missing values of ``sourceColumn`` by one value learnt from the data."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True

    def wanted(self) -> Wanted:
        raise NotImplementedError

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        """The value to fill with (in the column's type), or None to leave the column as it is."""
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        a = arr(s)
        ltype = ctx.schema_of(df)[self.source_column]
        value = self.fill_value(stats_pandas(a, ltype, self.wanted()), ltype)
        if value is None:
            return {self.source_column: s}
        filled = pc.if_else(missing_pandas(a, ltype), pandas_scalar(value, ltype, a.type), a)
        return {self.source_column: wrap(filled, s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        value = self.fill_value(stats_spark(df, ctx, self.source_column, ltype, self.wanted()), ltype)
        if value is None:
            return {self.source_column: c}
        return {self.source_column: F.when(missing_spark(c, ltype), spark_literal(value, ltype)).otherwise(c)}


class FillWithAverage(_Fill):
    """Fill missing values of a numeric column with the mean of its other values.

    The mean is exact: an integer column gets it rounded half away from zero (the column stays
    integer), a decimal column to 18 places. NaN counts as missing. A column with no value is
    left as it is.
    """

    operation = "FILL_WITH_AVERAGE"
    category = Category.MISSING
    source_column: NumericColumn
    examples: ClassVar = (
        Example(
            given={"x": [1.0, None, 2.5, float("nan"), 4.5]},
            params={"sourceColumn": "x"},
            expect={"x": [1.0, 8 / 3, 2.5, 8 / 3, 4.5]},
        ),
        Example(
            title="integer column: the mean 1.5 is rounded half away from zero",
            given={"n": [1, 2, None]},
            params={"sourceColumn": "n"},
            expect={"n": [1, 2, 2]},
        ),
        Example(
            given={"m": [-1, -2, None]},
            params={"sourceColumn": "m"},
            expect={"m": [-1, -2, -2]},
        ),
        Example(
            given={"d": [Decimal("1.5"), Decimal("2.25"), None, Decimal("-1")]},
            params={"sourceColumn": "d"},
            expect={"d": [Decimal("1.5"), Decimal("2.25"), Decimal("0.916666666666666667"), Decimal("-1")]},
            expect_schema={"d": "decimal"},
        ),
        Example(
            title="statistics use the whole column; conditions choose the cells to fill",
            given={"x": [1.0, None, 3.0, None], "g": ["a", "a", "b", "b"]},
            params={"sourceColumn": "x"},
            conditions=({"Condition": "IS", "Value": '["a"]', "TargetColumn": "g"},),
            expect={"x": [1.0, 2.0, 3.0, None], "g": ["a", "a", "b", "b"]},
        ),
        Example(
            title="nothing to average",
            given={"x": [None, None]},
            schema={"x": "double"},
            params={"sourceColumn": "x"},
            expect={"x": [None, None]},
        ),
    )

    def wanted(self) -> Wanted:
        return Wanted(total=True)

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        return mean_value(stats.total, stats.count, ltype)


class FillWithSum(_Fill):
    """Fill missing values of a numeric column with the sum of its other values.

    NaN counts as missing. A column with no value is left as it is.
    """

    operation = "FILL_WITH_SUM"
    category = Category.MISSING
    source_column: NumericColumn
    examples: ClassVar = (
        Example(
            given={"n": [1, None, 4, -2]},
            params={"sourceColumn": "n"},
            expect={"n": [1, 3, 4, -2]},
        ),
        Example(
            given={"x": [0.5, float("nan"), None, 1.25]},
            params={"sourceColumn": "x"},
            expect={"x": [0.5, 1.75, 1.75, 1.25]},
        ),
    )

    def wanted(self) -> Wanted:
        return Wanted(total=True)

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        return column_value(stats.total, ltype) if stats.count else None


class FillWithMedian(_Fill):
    """Fill missing values of a numeric column with the median of its other values.

    With an even count the median is the mean of the two middle values (linear interpolation,
    as Spark's percentile()); an integer column gets it rounded half away from zero. NaN counts
    as missing. A column with no value is left as it is.
    """

    operation = "FILL_WITH_MEDIAN"
    category = Category.MISSING
    source_column: NumericColumn
    examples: ClassVar = (
        Example(
            given={"x": [3.0, None, 1.0, float("nan"), 2.0, 10.0]},
            params={"sourceColumn": "x"},
            expect={"x": [3.0, 2.5, 1.0, 2.5, 2.0, 10.0]},
        ),
        Example(
            given={"n": [1, None, 4, 2, 10]},
            params={"sourceColumn": "n"},
            expect={"n": [1, 3, 4, 2, 10]},
        ),
        Example(
            title="integer column: the median -1.5 is rounded half away from zero",
            given={"n": [-1, -2, None]},
            params={"sourceColumn": "n"},
            expect={"n": [-1, -2, -2]},
        ),
    )

    def wanted(self) -> Wanted:
        return Wanted(quantiles=(0.5,))

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        return column_value(stats.quantiles.get(0.5), ltype)


class _ModeFill(_Fill):
    abstract: ClassVar[bool] = True

    def check(self, schema: Schema) -> None:
        super().check(schema)
        require_scalar(self, schema, self.source_column)

    def wanted(self) -> Wanted:
        return Wanted(mode=True)


class FillWithMode(_ModeFill):
    """Fill missing values with the most frequent value of the column.

    modeType picks among equally frequent values: MINIMUM the smallest, MAXIMUM the largest,
    AVERAGE their mean (numeric columns only; rounded half away from zero in an integer
    column); NONE, the default, takes the smallest, so the result never depends on the engine.
    Text compares by code point and case matters; "" and NaN count as missing, not as values.
    """

    operation = "FILL_WITH_MODE"
    category = Category.MISSING
    source_column: Column
    mode_type: enum_param(ModeType) = ModeType.NONE  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"s": ["b", "a", None, "a", "b", "", "c"]},
            params={"sourceColumn": "s"},
            expect={"s": ["b", "a", "a", "a", "b", "a", "c"]},
        ),
        Example(
            given={"s": ["b", "a", None, "a", "b", "", "c"]},
            params={"sourceColumn": "s", "modeType": "MAXIMUM"},
            expect={"s": ["b", "a", "b", "a", "b", "b", "c"]},
        ),
        Example(
            given={"s": ["b", "a", None, "a", "b"]},
            params={"sourceColumn": "s", "modeType": "MINIMUM"},
            expect={"s": ["b", "a", "a", "a", "b"]},
        ),
        Example(
            title="integer column: the mean 1.5 of the tied modes is rounded half away from zero",
            given={"n": [2, 1, None, 2, 1, 7]},
            params={"sourceColumn": "n", "modeType": "AVERAGE"},
            expect={"n": [2, 1, 2, 2, 1, 7]},
        ),
        Example(
            given={"x": [0.5, 1.0, None, 1.0, 0.5, float("nan"), 3.0]},
            params={"sourceColumn": "x", "modeType": "AVERAGE"},
            expect={"x": [0.5, 1.0, 0.75, 1.0, 0.5, 0.75, 3.0]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        ltype = schema[self.source_column]
        if self.mode_type is ModeType.AVERAGE and not ltype.is_numeric:
            raise ParameterError(
                f"AVERAGE needs a numeric column; {self.source_column!r} is {ltype.value}",
                operation=self.operation,
                parameter="modeType",
                column=self.source_column,
            )

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        return mode_value(stats, ltype, self.mode_type.value)


class FillWithMostFrequent(_ModeFill):
    """Fill missing values with the value that occurs most often in the column.

    Between equally frequent values the smallest wins (text compares by code point; case
    matters). Works on any column of single values; "" and NaN count as missing, not as values.
    """

    operation = "FILL_WITH_MOST_FREQUENT"
    category = Category.MISSING
    source_column: Column
    examples: ClassVar = (
        Example(
            title="integer column (as in a real DataBrew recipe); 3 and 7 tie, 3 is smaller",
            given={"ca": [3, 7, None, 7, 3, 6]},
            params={"sourceColumn": "ca"},
            expect={"ca": [3, 7, 3, 7, 3, 6]},
        ),
        Example(
            given={"s": ["é", "e", None, "é", "", "E"]},
            params={"sourceColumn": "s"},
            expect={"s": ["é", "e", "é", "é", "é", "E"]},
        ),
        Example(
            given={"d": ["2024-01-02", None, "2024-01-02", "2023-05-05"]},
            schema={"d": "date"},
            params={"sourceColumn": "d"},
            expect={
                "d": [
                    __import__("datetime").date(2024, 1, 2),
                    __import__("datetime").date(2024, 1, 2),
                    __import__("datetime").date(2024, 1, 2),
                    __import__("datetime").date(2023, 5, 5),
                ]
            },
        ),
        Example(
            given={"t": ["2024-01-02 00:00:00", None, "2023-12-31 23:59:59", "2024-01-02 00:00:00"]},
            schema={"t": "timestamp"},
            params={"sourceColumn": "t"},
            expect={
                "t": [
                    __import__("datetime").datetime(2024, 1, 2),
                    __import__("datetime").datetime(2024, 1, 2),
                    __import__("datetime").datetime(2023, 12, 31, 23, 59, 59),
                    __import__("datetime").datetime(2024, 1, 2),
                ]
            },
        ),
        Example(
            given={"b": [True, None, False, False]},
            params={"sourceColumn": "b"},
            expect={"b": [True, False, False, False]},
        ),
    )

    def fill_value(self, stats: Stats, ltype: LType) -> Any:
        return mode_value(stats, ltype, "MINIMUM")


_FILL_TYPES = ["date", "number", "boolean", "unsupported", "string", "timestamp", *CAST_TARGETS]
ColumnDataType = Enum(  # type: ignore[misc]
    "ColumnDataType", {name.upper(): name for name in dict.fromkeys(_FILL_TYPES)}, type=str
)
"""DataBrew's columnDataType names, plus the type names real recipes use (int, integer, …)."""


class FillWithCustom(InPlace):
    """Fill missing values with a value you give.

    The value must fit the column's actual type (a whole number for an integer column, ISO
    yyyy-mm-dd for a date, true/false for a boolean), otherwise the step is refused.
    columnDataType is recorded as given (DataBrew's names and int, integer, long, double… are
    accepted); the column's type decides how the value is read.
    """

    operation = "FILL_WITH_CUSTOM"
    category = Category.MISSING
    source_column: Column
    column_data_type: enum_param(ColumnDataType)  # type: ignore[valid-type]
    value: Text
    examples: ClassVar = (
        Example(
            given={"Firstname": ["Ann", None, "", " "]},
            params={"sourceColumn": "Firstname", "columnDataType": "string", "value": "FNU"},
            expect={"Firstname": ["Ann", "FNU", "FNU", " "]},
        ),
        Example(
            given={"ScoreValue": [5, None, -3]},
            params={"sourceColumn": "ScoreValue", "columnDataType": "int", "value": "0"},
            expect={"ScoreValue": [5, 0, -3]},
        ),
        Example(
            given={"x": [1.5, float("nan"), None]},
            params={"sourceColumn": "x", "columnDataType": "number", "value": "-0.5"},
            expect={"x": [1.5, -0.5, -0.5]},
        ),
        Example(
            given={"d": ["2024-01-05", None]},
            schema={"d": "date"},
            params={"sourceColumn": "d", "columnDataType": "date", "value": "2000-01-31"},
            expect={"d": [__import__("datetime").date(2024, 1, 5), __import__("datetime").date(2000, 1, 31)]},
        ),
        Example(
            given={"ok": [True, None]},
            params={"sourceColumn": "ok", "columnDataType": "boolean", "value": "FALSE"},
            expect={"ok": [True, False]},
        ),
        Example(
            given={"city": ["Oslo", None, None], "n": [1, 2, 30]},
            params={"sourceColumn": "city", "columnDataType": "string", "value": "Zürich"},
            conditions=({"Condition": "GREATER_THAN", "Value": "10", "TargetColumn": "n"},),
            expect={"city": ["Oslo", None, "Zürich"], "n": [1, 2, 30]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        check_fits(self, self.value, schema[self.source_column], self.source_column)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        a = arr(s)
        ltype = ctx.schema_of(df)[self.source_column]
        scalar = typed_text_pandas(self.value, ltype)
        if scalar.type != a.type:
            scalar = scalar.cast(a.type, safe=False)
        return {self.source_column: wrap(pc.if_else(missing_pandas(a, ltype), scalar, a), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        value = cast_spark(F.lit(self.value), LType.STRING, ltype)
        return {self.source_column: F.when(missing_spark(c, ltype), value).otherwise(c)}


class FillWithEmpty(InPlace):
    """Replace null values of a text column with the empty string.

    Only text columns can hold an empty string; use FILL_WITH_NULL or FILL_WITH_CUSTOM for others.
    """

    operation = "FILL_WITH_EMPTY"
    category = Category.MISSING
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={"s": ["a", None, "", "ü"]},
            params={"sourceColumn": "s"},
            expect={"s": ["a", "", "", "ü"]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        return wrap(pc.fill_null(a, pa.scalar("", a.type)), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        return F.coalesce(c, F.lit(""))


class FillWithNull(InPlace):
    """Set the values of a column to null (with conditions, only in the rows they select).

    Every value becomes null, missing or not; the column keeps its type.
    """

    operation = "FILL_WITH_NULL"
    category = Category.MISSING
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"n": [1, 2, None]},
            params={"sourceColumn": "n"},
            expect={"n": [None, None, None]},
            expect_schema={"n": "integer"},
        ),
        Example(
            given={"x": ["a", "b", None, "c"], "n": [1, 5, 7, None]},
            params={"sourceColumn": "x"},
            conditions=({"Condition": "GREATER_THAN", "Value": "3", "TargetColumn": "n"},),
            expect={"x": ["a", None, None, "c"], "n": [1, 5, 7, None]},
        ),
    )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        return wrap(pa.nulls(len(a), a.type), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        return F.when(F.lit(False), c)


class FillWithLastValid(InPlace):
    """Fill missing values with the closest valid value above them (fill down).

    Missing values before the first valid value stay as they are. Rows are taken in their
    current order. columnDataType is accepted as DataBrew writes it; any column type works.
    """

    operation = "FILL_WITH_LAST_VALID"
    category = Category.MISSING
    order_sensitive = True
    source_column: Column
    column_data_type: enum_param(ColumnDataType)  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"s": ["", None, "a", None, "", "b", None]},
            params={"sourceColumn": "s", "columnDataType": "string"},
            expect={"s": ["", None, "a", "a", "a", "b", "b"]},
        ),
        Example(
            given={"x": [None, 1.5, float("nan"), None, -2.0, None]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": [None, 1.5, 1.5, 1.5, -2.0, -2.0]},
        ),
        Example(
            given={"n": [4, None, 5, None], "keep": ["no", "yes", "yes", "no"]},
            params={"sourceColumn": "n", "columnDataType": "int"},
            conditions=({"Condition": "IS", "Value": '["yes"]', "TargetColumn": "keep"},),
            expect={"n": [4, 4, 5, None], "keep": ["no", "yes", "yes", "no"]},
        ),
    )

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        a = arr(s)
        ltype = ctx.schema_of(df)[self.source_column]
        missing = missing_pandas(a, ltype)
        valid_only = pc.if_else(missing, pa.scalar(None, a.type), a)
        filled = pc.fill_null_forward(valid_only)
        return {self.source_column: wrap(pc.coalesce(pc.if_else(missing, filled, valid_only), a), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark import ROW_POSITION

        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        missing = missing_spark(c, ltype)
        window = W.Window.orderBy(F.col(ROW_POSITION)).rowsBetween(W.Window.unboundedPreceding, 0)
        last = F.last(F.when(~missing, c), ignorenulls=True).over(window)
        return {self.source_column: F.coalesce(F.when(missing, last), c)}

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        return super().apply_spark(ctx.with_row_position(df), ctx, where).drop(ROW_POSITION)


# --- removal -----------------------------------------------------------------------------


class RemoveMissing(RowFilter):
    """Remove the rows where a column's value is missing (null, NaN, or empty text)."""

    operation = "REMOVE_MISSING"
    category = Category.MISSING
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"email": ["a@x.org", None, "", " "], "n": [1, 2, 3, 4]},
            params={"sourceColumn": "email"},
            expect={"email": ["a@x.org", " "], "n": [1, 4]},
        ),
        Example(
            given={"x": [1.0, float("nan"), None, 0.0]},
            params={"sourceColumn": "x"},
            expect={"x": [1.0, 0.0]},
        ),
        Example(
            given={"x": [None, None, 3], "k": ["a", "b", "a"]},
            params={"sourceColumn": "x"},
            conditions=({"Condition": "IS", "Value": '["a"]', "TargetColumn": "k"},),
            expect={"x": [None, 3], "k": ["b", "a"]},
        ),
    )

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        ltype = ctx.schema_of(df)[self.source_column]
        missing = missing_pandas(arr(df[self.source_column]), ltype)
        return pd.Series(missing.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        ltype = ctx.schema_of(df)[self.source_column]
        return missing_spark(scol(self.source_column), ltype)
