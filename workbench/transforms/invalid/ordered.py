"""Invalid values: replace them with the last valid value or a rolling statistic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.invalid_values import (
    DataType,
    Invalid,
    NumberType,
    numbers_pandas,
    numbers_spark,
)
from workbench.core.lazy import F, W
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Integer, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.rolling import add, rolling, shift
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- order-dependent ------------------------------------------------------------------------------


class _Ordered(Invalid):
    """Reads the rows above each row, in the table's current order."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        return super().apply_spark(ctx.with_row_position(df), ctx, where).drop(ROW_POSITION)


def _above(rows: int | None) -> Any:
    from workbench.engines.spark import ROW_POSITION

    start = W.Window.unboundedPreceding if rows is None else -rows
    return W.Window.orderBy(F.col(ROW_POSITION)).rowsBetween(start, -1)


class ReplaceWithLastValid(_Ordered):
    """Replace each value that is not valid for the given data type with the nearest valid value above.

    Only original valid values are used (not replaced ones); an invalid value with no valid
    value above it stays as it is. Missing values stay as they are. Rows are taken in their
    current order.
    """

    operation = "REPLACE_WITH_LAST_VALID"
    category = Category.INVALID
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"x": ["bad", "1", "x", None, "", "y", "2.5", "Ω"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["bad", "1", "1", None, "", "1", "2.5", "2.5"]},
        ),
        Example(
            given={"d": ["2024-01-01", "later", "2024-02-30"], "k": ["a", "b", "a"]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            conditions=({"Condition": "IS", "Value": '["a"]', "TargetColumn": "k"},),
            expect={"d": ["2024-01-01", "later", "2024-01-01"], "k": ["a", "b", "a"]},
        ),
    )

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        valid = pc.invert(pc.or_(invalid, missing_pandas(a, LType.STRING)))
        above = pc.fill_null_forward(pc.if_else(valid, a, pa.scalar(None, a.type)))
        return pc.if_else(invalid, pc.coalesce(above, a), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        valid = ~invalid & ~missing_spark(c, LType.STRING)
        above = F.last(F.when(valid, c), ignorenulls=True).over(_above(None))
        return F.when(invalid, F.coalesce(above, c)).otherwise(c)


class _RollingReplace(_Ordered):
    """Replace invalid values by a statistic of the valid numbers in the ``period`` rows above."""

    abstract: ClassVar[bool] = True
    column_data_type: enum_param(NumberType)  # type: ignore[valid-type]
    period: Integer
    average: ClassVar[bool] = False

    @model_validator(mode="after")
    def _positive(self) -> _RollingReplace:
        if self.period < 1:
            raise ParameterError(
                f"must be 1 or more (got {self.period})", operation=self.operation, parameter="period"
            )
        return self

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        numbers = numbers_pandas(s)
        if isinstance(numbers, pa.ChunkedArray):
            numbers = numbers.combine_chunks()
        # The rows above: row i's window [i - period, i - 1] is [j - (period - 1), j] of the
        # numbers moved one row down.
        above = shift(numbers, -1)
        total = rolling(above, self.period - 1, 0, add)
        count = pc.fill_null(rolling(pc.cast(pc.is_valid(above), pa.int64()), self.period - 1, 0, add), 0)
        found = pc.divide(total, pc.cast(count, pa.float64())) if self.average else total
        text = arr(
            cast_pandas(pd.Series(found, dtype=pd.ArrowDtype(pa.float64())), LType.DOUBLE, LType.STRING)
        )
        return pc.if_else(pc.and_(invalid, pc.greater(count, 0)), pc.cast(text, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        number = numbers_spark(c)
        total = F.sum(number).over(_above(self.period))
        count = F.count(number).over(_above(self.period))
        found = total / count if self.average else total
        return F.when(invalid & (count > 0), cast_spark(found, LType.DOUBLE, LType.STRING)).otherwise(c)


class ReplaceWithRollingAverage(_RollingReplace):
    """Replace the values that are not valid numbers with the mean of the valid numbers in the rows above.

    The window is the ``period`` rows above each invalid value, in the table's current order
    (the value's own row is invalid, so it never counts). Only original valid numbers count;
    with none in the window the value stays as it is. The mean is written as text.
    """

    operation = "REPLACE_WITH_ROLLING_AVERAGE"
    category = Category.INVALID
    average: ClassVar[bool] = True
    examples: ClassVar = (
        Example(
            given={"x": ["x", "1", "2", "?", None, "6", "", "NaN", "ß"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": "2"},
            expect={"x": ["x", "1", "2", "1.5", None, "6", "", "NaN", "ß"]},
        ),
        Example(
            given={"x": ["1", "2", "4", "a", "b", "8"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": 3},
            expect={"x": ["1", "2", "4", "2.333333", "3", "8"]},
        ),
    )


class ReplaceWithRollingSum(_RollingReplace):
    """Replace the values that are not valid numbers with the sum of the valid numbers in the rows above.

    The window and the rows used are those of REPLACE_WITH_ROLLING_AVERAGE.
    """

    operation = "REPLACE_WITH_ROLLING_SUM"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["?", "1", "2.5", "x", None, "-4", "", "y", "日"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": "3"},
            expect={"x": ["?", "1", "2.5", "3.5", None, "-4", "", "-4", "-4"]},
        ),
        Example(
            given={"x": ["1", "2", "a", "3", "b"], "k": ["y", "n", "y", "y", "n"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": 10},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "k"},),
            expect={"x": ["1", "2", "3", "3", "b"], "k": ["y", "n", "y", "y", "n"]},
        ),
    )
