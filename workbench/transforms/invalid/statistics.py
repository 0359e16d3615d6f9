"""Invalid values: replace them with a statistic of the valid values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.column_stats import Stats, Wanted, stats_pandas, stats_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.invalid_values import (
    VALUE,
    DataType,
    Invalid,
    NumberType,
    number_text,
    numbers_pandas,
    numbers_spark,
)
from workbench.core.lazy import F, scol
from workbench.core.params import enum_param
from workbench.core.registry import Category, Example
from workbench.core.stats import ModeType, mode_value
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- statistics ----------------------------------------------------------------------------------


def _wanted(mode: bool) -> Wanted:
    return Wanted(total=True, quantiles=(0.5,), mode=mode)


def _stats_pandas(s: pd.Series, mode: bool) -> Stats:
    """Statistics of the valid numbers of a text column."""
    return stats_pandas(numbers_pandas(s), LType.DOUBLE, _wanted(mode))


def _stats_spark(df: SparkFrame, ctx: SparkContext, column: str, mode: bool) -> Stats:
    """Statistics of the valid numbers of a text column, in one ``ctx.aggregate``."""
    numbers = df.select(numbers_spark(scol(column)).alias(VALUE))
    return stats_spark(numbers, ctx, VALUE, LType.DOUBLE, _wanted(mode))


class _Statistic(Invalid):
    """Replace invalid values by one number learnt from the valid ones."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    wants_mode: ClassVar[bool] = False
    column_data_type: enum_param(NumberType)  # type: ignore[valid-type]

    def statistic(self, stats: Stats) -> float | None:
        raise NotImplementedError

    def _value(self, stats: Stats) -> str | None:
        if not stats.count:
            return None
        found = self.statistic(stats)
        return None if found is None else number_text(float(found))

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        value = self._value(_stats_pandas(s, self.wants_mode))
        return a if value is None else pc.if_else(invalid, pa.scalar(value, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        value = self._value(_stats_spark(df, ctx, self.source_column, self.wants_mode))
        return c if value is None else F.when(invalid, F.lit(value)).otherwise(c)


class ReplaceWithAverage(_Statistic):
    """Replace the values that are not valid numbers with the mean of the valid ones.

    The mean is written as text the way Workbench casts a double (6 decimals at most);
    missing values stay as they are and "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_AVERAGE"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["1", "oops", None, "", " 2.5 ", "NaN", "\uff11", "4.5"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["1", "2.666667", None, "", " 2.5 ", "NaN", "2.666667", "4.5"]},
        ),
        Example(
            title="statistics use the whole column; conditions choose the cells to replace",
            given={"x": ["1", "a", "2", "b"], "g": ["y", "y", "n", "n"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "g"},),
            expect={"x": ["1", "1.5", "2", "b"], "g": ["y", "y", "n", "n"]},
        ),
        Example(
            title="nothing valid to average",
            given={"x": ["a", None, "b"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["a", None, "b"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return float(stats.total) / stats.count


class ReplaceWithSum(_Statistic):
    """Replace the values that are not valid numbers with the sum of the valid ones.

    Missing values stay as they are; "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_SUM"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["1", "x", None, "-0.25", "", "1e1", "—"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["1", "10.75", None, "-0.25", "", "1e1", "10.75"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return stats.total  # type: ignore[no-any-return]


class ReplaceWithMedian(_Statistic):
    """Replace the values that are not valid numbers with the median of the valid ones.

    With an even count the median is the mean of the two middle values (linear interpolation,
    as FILL_WITH_MEDIAN). Missing values stay as they are; "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_MEDIAN"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["3", "?", None, "1", "10", "2", "ñ"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["3", "2.5", None, "1", "10", "2", "2.5"]},
        ),
        Example(
            given={"x": ["-7", "", "x", "5", "0.5"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["-7", "", "0.5", "5", "0.5"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return stats.quantiles[0.5]


class ReplaceWithMode(_Statistic):
    """Replace the values that are not valid numbers with the most frequent valid number.

    Values compare as numbers ("2" and "2.0" are one value). modeType picks among equally
    frequent numbers: MINIMUM the smallest, MAXIMUM the largest, AVERAGE their mean; NONE, the
    default, takes the smallest, so the result never depends on the engine.
    """

    operation = "REPLACE_WITH_MODE"
    category = Category.INVALID
    wants_mode: ClassVar[bool] = True
    mode_type: enum_param(ModeType) = ModeType.NONE  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"x": ["2", "1", "?", None, "2.0", "1", "", "٣", "3"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["2", "1", "1", None, "2.0", "1", "", "1", "3"]},
        ),
        Example(
            given={"x": ["2", "1", "?", None, "2.0", "1"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "MAXIMUM"},
            expect={"x": ["2", "1", "2", None, "2.0", "1"]},
        ),
        Example(
            given={"x": ["2", "1", "?", None, "-0", "0"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "MINIMUM"},
            expect={"x": ["2", "1", "0", None, "-0", "0"]},
        ),
        Example(
            given={"x": ["0.5", "1", "n/a", None, "1", "0.5", "NaN", "NaN", "NaN"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "AVERAGE"},
            expect={"x": ["0.5", "1", "0.75", None, "1", "0.5", "NaN", "NaN", "NaN"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return mode_value(stats, LType.DOUBLE, self.mode_type.value)  # type: ignore[no-any-return]


class ReplaceWithMostFrequent(Invalid):
    """Replace the values that are not valid for the given data type with the most frequent valid value.

    Values compare as written (" 1" and "1" differ; case matters); between equally frequent
    values the smallest by code point wins. Without columnDataType nothing is invalid in a text
    column, so the column is left as it is.
    """

    operation = "REPLACE_WITH_MOST_FREQUENT"
    category = Category.INVALID
    uses_statistics: ClassVar[bool] = True
    column_data_type: enum_param(DataType) | None = None  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"z": ["02139", "02139", "x", None, "", "10001", "10001", "ü", " 7 "]},
            params={"sourceColumn": "z", "columnDataType": "int"},
            expect={"z": ["02139", "02139", "02139", None, "", "10001", "10001", "02139", " 7 "]},
        ),
        Example(
            given={"b": ["TRUE", "no", "true", "TRUE", None, "true"]},
            params={"sourceColumn": "b", "columnDataType": "boolean"},
            expect={"b": ["TRUE", "TRUE", "true", "TRUE", None, "true"]},
        ),
        Example(
            given={"s": ["é", "x", None]},
            params={"sourceColumn": "s"},
            expect={"s": ["é", "x", None]},
        ),
    )

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        if self.target() is LType.STRING:
            return a
        valid = pc.if_else(invalid, pa.scalar(None, a.type), a)
        stats = stats_pandas(valid, LType.STRING, Wanted(mode=True))
        top = mode_value(stats, LType.STRING, "MINIMUM")
        return a if top is None else pc.if_else(invalid, pa.scalar(top, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        if self.target() is LType.STRING:
            return c
        valid = df.select(F.when(~invalid, c).alias(VALUE))
        stats = stats_spark(valid, ctx, VALUE, LType.STRING, Wanted(mode=True))
        top = mode_value(stats, LType.STRING, "MINIMUM")
        return c if top is None else F.when(invalid, F.lit(top)).otherwise(c)
